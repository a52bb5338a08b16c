"""Qogam: a civic participation bot for Kazakhstan."""

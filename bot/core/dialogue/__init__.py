"""Dialogue modules, one per audience, behind bot/core/dialogue/router.py."""

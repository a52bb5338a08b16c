"""Sending what the outbox owes residents: how a broadcast is paced (pacing) and the sender that drives the
outbox through a transport that knows no more than how to send one message.

May import core.hearings, core.knowledge and storage.
"""

"""Public hearings: the hearing and its checks, the messages residents receive about it, the broadcasts
that queue them, its calendar file, and residents' questions grouped for the broadcaster.

May import core.knowledge, core.text, core.roles and storage.
"""

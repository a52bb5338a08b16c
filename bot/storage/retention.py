"""How long residents' questions and ratings are kept: QOGAM_RETENTION_DAYS (365 by default).

Editors need a year of unanswered questions to see what residents ask across a budget cycle; older ones
are deleted, with the ratings, the record of answers shown, residents' questions for hearings and their
"I'll attend", and the outbox rows and "there is now an answer" notifications of messages long sent.
Subscriptions and the language stay until the resident removes them (/forget); the staff audit log is
append-only by design.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from bot.clock import now
from bot.storage import inbox
from bot.storage.db import checkpoint, transaction


def purge(db: Database, days: int) -> dict[str, int]:
    """Delete what is older than `days`; returns rows deleted per table. The WAL is emptied afterwards so
    the deleted text does not linger in the -wal file either."""
    before = (now() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    deleted = {}
    with transaction(db):
        deleted["gaps"] = db.execute("delete from gaps where created_at < ?", [before]).rowcount
        deleted["feedback"] = db.execute("delete from feedback where created_at < ?", [before]).rowcount
        deleted["answers"] = db.execute("delete from answers where shown_at < ?", [before]).rowcount
        deleted["hearing_questions"] = db.execute("delete from hearing_questions where created_at < ?",
                                                  [before]).rowcount
        deleted["rsvps"] = db.execute("delete from rsvps where created_at < ?", [before]).rowcount
        deleted["deliveries"] = db.execute(
            "delete from deliveries where status != 'pending' and broadcast_id in "
            "(select id from broadcasts where created_at < ?)", [before]).rowcount
        # A pending notification is still owed to its resident, however old its question.
        deleted["notifications"] = db.execute("delete from notifications where status != 'pending' and "
                                              "created_at < ?", [before]).rowcount
        deleted["failed_updates"] = db.execute("delete from failed_updates where failed_at < ?", [before]).rowcount
    deleted["inbox"] = inbox.prune(db)
    if any(deleted.values()):
        checkpoint(db)
    return deleted

"""Residents' 👍 / 👎 on answers, with the reason for a 👎."""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.clock import now_iso

REASONS = ("wrong_topic", "outdated", "unclear")


def record_vote(db: Database, *, user_key: str, entry_id: str, lang: str, vote: int) -> int:
    with db.conn:  # commits on success, rolls back on error
        cursor = db.execute(
            "insert into feedback (created_at, user_key, entry_id, lang, vote) values (?, ?, ?, ?, ?)",
            [now_iso(), user_key, entry_id, lang, vote],
        )
    return cursor.lastrowid


def set_reason(db: Database, feedback_id: int, user_key: str, reason: str) -> bool:
    """Attach a reason to the resident's own 👎; False when the id is not theirs (forged or stale)."""
    with db.conn:  # commits on success, rolls back on error
        cursor = db.execute(
            "update feedback set reason = ? where id = ? and user_key = ? and vote < 0",
            [reason, feedback_id, user_key],
        )
    return cursor.rowcount == 1


def for_user(db: Database, user_key: str) -> list[dict]:
    return list(db.query("select entry_id, vote, reason, created_at from feedback where user_key = ?", [user_key]))


"""Users' settings: the interface language (chosen or inferred), where a dialogue waits for typed text.
Keyed by channel and channel id, never by name."""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

from bot.clock import now, now_iso
from bot.storage import inbox
from bot.storage.db import after_commit, checkpoint, transaction


def get_language(db: Database, user_key: str) -> str | None:
    row = next(db.query("select language from users where user_key = ?", [user_key]), None)
    return row["language"] if row else None


def set_language(db: Database, user_key: str, channel: str, language: str, *, chosen: bool = True) -> None:
    """Save the interface language. An inferred one (chosen=False) never overrides a chosen one."""
    now = now_iso()
    keep_chosen = "" if chosen else " where users.language_chosen is not 1"
    with transaction(db):  # commits on success, rolls back on error
        db.execute(
            "insert into users (user_key, channel, language, language_chosen, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?) on conflict(user_key) do update set language = excluded.language, "
            "language_chosen = excluded.language_chosen, updated_at = excluded.updated_at" + keep_chosen,
            [user_key, channel, language, int(chosen), now, now],
        )


def language_chosen(db: Database, user_key: str) -> bool:
    row = next(db.query("select language_chosen from users where user_key = ?", [user_key]), None)
    return bool(row and row["language_chosen"])


# A prompt for typed text (an area name, a user id) goes stale after this long: a resident who comes
# back a day later with a question means the question, not an answer to an old prompt.
AWAITING_MINUTES = 30


def set_awaiting(db: Database, user_key: str, channel: str, what: str | None) -> None:
    """Remember that the next text from this user answers a prompt (`what`), or forget it (None)."""
    now = now_iso()
    with transaction(db):
        db.execute(
            "insert into users (user_key, channel, awaiting, awaiting_at, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?) on conflict(user_key) do update set awaiting = excluded.awaiting, "
            "awaiting_at = excluded.awaiting_at",
            [user_key, channel, what, now if what else None, now, now],
        )


def awaiting(db: Database, user_key: str) -> str | None:
    row = next(db.query("select awaiting, awaiting_at from users where user_key = ?", [user_key]), None)
    if not row or not row["awaiting"]:
        return None
    if now() - dt.datetime.fromisoformat(row["awaiting_at"]) > dt.timedelta(minutes=AWAITING_MINUTES):
        return None
    return row["awaiting"]


def get_user(db: Database, user_key: str) -> dict | None:
    return next(db.query("select * from users where user_key = ?", [user_key]), None)


def forget(db: Database, user_key: str) -> int:
    """Delete everything stored about a user, in one transaction; return the number of rows removed."""
    removed = 0
    with transaction(db):
        # Outbox rows and notifications go too: a resident who asked to be forgotten is owed no pending message.
        for table in ("gaps", "feedback", "answers", "subscriptions", "rsvps", "hearing_questions", "deliveries",
                      "notifications", "users"):
            removed += db.execute(f"delete from {table} where user_key = ?", [user_key]).rowcount
        inbox.forget(db, user_key)
        # secure_delete zeroes the rows in the database file; the WAL still holds the pages that had them
        # until a checkpoint, so empty it as soon as the deletion is committed (and say so when another
        # reader keeps it from emptying; the periodic checkpoint tries again).
        after_commit(db, lambda: checkpoint(db, after_forget=True))
    return removed

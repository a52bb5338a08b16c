"""Users' settings: the chosen interface language. Keyed by channel and channel id, never by name."""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.clock import now_iso


def get_language(db: Database, user_key: str) -> str | None:
    row = next(db.query("select language from users where user_key = ?", [user_key]), None)
    return row["language"] if row else None


def set_language(db: Database, user_key: str, channel: str, language: str) -> None:
    now = now_iso()
    with db.conn:  # commits on success, rolls back on error
        db.execute(
            "insert into users (user_key, channel, language, created_at, updated_at) values (?, ?, ?, ?, ?) "
            "on conflict(user_key) do update set language = excluded.language, updated_at = excluded.updated_at",
            [user_key, channel, language, now, now],
        )


def get_user(db: Database, user_key: str) -> dict | None:
    return next(db.query("select * from users where user_key = ?", [user_key]), None)


def forget(db: Database, user_key: str) -> int:
    """Delete everything stored about a user, in one transaction; return the number of rows removed."""
    removed = 0
    with db.conn:
        for table in ("gaps", "feedback", "users"):
            removed += db.execute(f"delete from {table} where user_key = ?", [user_key]).rowcount
    return removed

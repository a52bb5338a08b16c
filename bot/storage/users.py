"""Users' settings: the chosen interface language. Keyed by channel and channel id, never by name."""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.clock import now_iso


def get_language(db: Database, user_key: str) -> str | None:
    row = next(db.query("select language from users where user_key = ?", [user_key]), None)
    return row["language"] if row else None


def set_language(db: Database, user_key: str, channel: str, language: str) -> None:
    now = now_iso()
    db.execute(
        "insert into users (user_key, channel, language, created_at, updated_at) values (?, ?, ?, ?, ?) "
        "on conflict(user_key) do update set language = excluded.language, updated_at = excluded.updated_at",
        [user_key, channel, language, now, now],
    )
    db.conn.commit()


def get_user(db: Database, user_key: str) -> dict | None:
    return next(db.query("select * from users where user_key = ?", [user_key]), None)


def delete_user(db: Database, user_key: str) -> None:
    db.execute("delete from users where user_key = ?", [user_key])
    db.conn.commit()

"""Open the SQLite database: one file under QOGAM_DATA_DIR, WAL, schema brought up to date by migrations.

Schema changes happen only here, as new migrations appended to the list; an applied migration is
never edited. sqlite-utils records applied steps in its _sqlite_migrations table.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database, Migrations

DB_FILE = "qogam.db"

migrations = Migrations("qogam")


@migrations()
def m001_users_and_gaps(db: Database) -> None:
    # user_key is "<channel>:<id>" (tg:123, console:local). No names, no usernames: the language choice is
    # all we need to serve someone.
    db["users"].create(
        {"user_key": str, "channel": str, "language": str, "created_at": str, "updated_at": str},
        pk="user_key",
    )
    # Questions the bot could not answer, redacted. status: unanswered (no match), suggested (did-you-mean
    # shown, waiting), rejected ("none of these"), resolved (the resident picked a suggestion: chosen_entry).
    # user_key lets a resident see and delete their own questions; editors' listings never show it.
    db["gaps"].create(
        {
            "id": int, "created_at": str, "updated_at": str, "user_key": str, "channel": str, "lang": str,
            "question": str, "status": str, "best_score": float, "candidates": str, "chosen_entry": str,
        },
        pk="id",
        not_null={"created_at", "channel", "lang", "question", "status"},
    )
    db["gaps"].create_index(["status", "created_at"])
    db["gaps"].create_index(["user_key"])


@migrations()
def m002_feedback(db: Database) -> None:
    # 👍 / 👎 on an answer; reason is filled in after 👎 (wrong_topic, outdated, unclear).
    db["feedback"].create(
        {"id": int, "created_at": str, "user_key": str, "entry_id": str, "lang": str, "vote": int, "reason": str},
        pk="id",
        not_null={"created_at", "entry_id", "vote"},
    )
    db["feedback"].create_index(["entry_id"])


def data_dir() -> Path:
    return Path(os.environ.get("QOGAM_DATA_DIR") or "data")


def open_db(path: Path | str | None = None, *, memory: bool = False) -> Database:
    """Open (creating if needed) and migrate the database. `memory=True` is for tests and `qogam ask`."""
    if memory:
        db = Database(memory=True)
    else:
        path = Path(path) if path else data_dir() / DB_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.enable_wal()
        # A second process (the CLI while the bot runs) waits for a lock instead of failing at once.
        db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db

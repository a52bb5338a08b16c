"""The web console's sign-in links and sessions, and the versions of knowledge files editors saved there.

Tokens and session ids are stored only as hashes (bot/core/sessions.py makes and checks them)."""

from __future__ import annotations

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction


# ---- sign-in links and sessions ----------------------------------------------------------------------
def add_link(db: Database, token_hash: str, user_key: str, expires_at: str) -> None:
    with transaction(db):
        db.execute("insert into web_links (token_hash, user_key, created_at, expires_at) values (?, ?, ?, ?)",
                   [token_hash, user_key, now_iso(), expires_at])


def use_link(db: Database, token_hash: str) -> dict | None:
    """The link's row, marked used in the same transaction (so it works once), or None when unknown. The
    row returned shows whether it had been used before (used_at) and when it expires."""
    with transaction(db):
        row = next(db.query("select * from web_links where token_hash = ?", [token_hash]), None)
        if row and not row["used_at"]:
            db.execute("update web_links set used_at = ? where token_hash = ?", [now_iso(), token_hash])
        return row


def add_session(db: Database, id_hash: str, user_key: str, csrf: str) -> None:
    now = now_iso()
    with transaction(db):
        db.execute("insert into web_sessions (id_hash, user_key, csrf, created_at, last_seen_at) "
                   "values (?, ?, ?, ?, ?)", [id_hash, user_key, csrf, now, now])


def session(db: Database, id_hash: str) -> dict | None:
    return next(db.query("select * from web_sessions where id_hash = ?", [id_hash]), None)


def touch_session(db: Database, id_hash: str) -> None:
    with transaction(db):
        db.execute("update web_sessions set last_seen_at = ? where id_hash = ?", [now_iso(), id_hash])


def end_session(db: Database, id_hash: str) -> None:
    with transaction(db):
        db.execute("delete from web_sessions where id_hash = ?", [id_hash])


def end_sessions_of(db: Database, user_key: str) -> int:
    with transaction(db):
        return db.execute("delete from web_sessions where user_key = ?", [user_key]).rowcount


def purge(db: Database, before: str) -> None:
    """Sessions idle since `before`, and links that expired before it."""
    with transaction(db):
        db.execute("delete from web_sessions where last_seen_at < ?", [before])
        db.execute("delete from web_links where expires_at < ?", [before])


# ---- versions of knowledge files ---------------------------------------------------------------------
def add_version(db: Database, *, path: str, entry_id: str | None, content: str, content_hash: str, by: str,
                action: str) -> int:
    """Record a saved version (the caller holds the transaction, with the file written)."""
    return db.execute(
        "insert into knowledge_versions (path, entry_id, content, content_hash, saved_at, saved_by, action) "
        "values (?, ?, ?, ?, ?, ?, ?)", [path, entry_id, content, content_hash, now_iso(), by, action]).lastrowid


def versions(db: Database, path: str) -> list[dict]:
    """A file's versions, newest first."""
    return list(db.query("select id, path, entry_id, content, content_hash, saved_at, saved_by, action "
                         "from knowledge_versions where path = ? order by id desc", [path]))


def version(db: Database, version_id: int) -> dict | None:
    return next(db.query("select * from knowledge_versions where id = ?", [version_id]), None)


def last_version_id(db: Database) -> int:
    """Changes with every save: the running bot reloads when it does (curation/serving.generation)."""
    return db.execute("select coalesce(max(id), 0) from knowledge_versions").fetchone()[0]


# ---- the shipped content each installed file was taken from --------------------------------------------
def upstream_bases(db: Database) -> dict[str, str]:
    return {r["path"]: r["content_hash"] for r in db.query("select path, content_hash from upstream_base")}


def set_upstream_base(db: Database, path: str, content_hash: str) -> None:
    db.execute("insert into upstream_base (path, content_hash, taken_at) values (?, ?, ?) on conflict(path) do "
               "update set content_hash = excluded.content_hash, taken_at = excluded.taken_at",
               [path, content_hash, now_iso()])

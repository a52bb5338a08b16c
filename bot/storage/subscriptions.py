"""Residents' subscriptions to areas, and whether a resident can still be reached (not stopped)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction

# SQLite accepts at most 32,766 bound parameters; a region's areas are a few dozen.
_MAX_AREAS = 30000


def subscribe(db: Database, user_key: str, channel: str, area_code: str) -> bool:
    """Subscribe; False when the resident already follows this area."""
    now = now_iso()
    with transaction(db):
        db.execute("insert into users (user_key, channel, created_at, updated_at) values (?, ?, ?, ?) "
                   "on conflict(user_key) do nothing", [user_key, channel, now, now])
        cursor = db.execute("insert into subscriptions (user_key, area_code, created_at) values (?, ?, ?) "
                            "on conflict do nothing", [user_key, area_code, now])
    return cursor.rowcount == 1


def unsubscribe(db: Database, user_key: str, area_code: str) -> bool:
    with transaction(db):
        return db.execute("delete from subscriptions where user_key = ? and area_code = ?",
                          [user_key, area_code]).rowcount == 1


def of_user(db: Database, user_key: str) -> list[str]:
    return [r["area_code"] for r in db.query(
        "select area_code from subscriptions where user_key = ? order by created_at, area_code", [user_key])]


def subscribers(db: Database, area_codes: Iterable[str], *, active: bool = True) -> list[str]:
    """Everyone subscribed to any of these areas, once each: reachable residents, or with
    active=False the stopped ones."""
    codes = list(dict.fromkeys(area_codes))[:_MAX_AREAS]
    if not codes:
        return []
    marks = ",".join("?" * len(codes))
    stopped = "is null" if active else "is not null"
    # Plain tuples from the connection, not sqlite-utils' dict rows: a region can have 100,000 subscribers,
    # and building a dict per row costs more than the query itself.
    rows = db.conn.execute(
        f"select user_key from users where stopped_at {stopped} and user_key in "
        f"(select user_key from subscriptions where area_code in ({marks}))", codes)
    return [key for (key,) in rows]


def count(db: Database, area_codes: Iterable[str]) -> dict[str, int]:
    """{"active": n, "stopped": m}: distinct residents subscribed to any of these areas."""
    codes = list(dict.fromkeys(area_codes))[:_MAX_AREAS]
    marks = ",".join("?" * len(codes)) or "''"
    row = next(db.query(
        f"select count(distinct case when u.stopped_at is null then s.user_key end) as active, "
        f"count(distinct case when u.stopped_at is not null then s.user_key end) as stopped "
        f"from subscriptions s join users u on u.user_key = s.user_key where s.area_code in ({marks})", codes))
    return {"active": row["active"] or 0, "stopped": row["stopped"] or 0}


def mark_stopped(db: Database, user_key: str) -> bool:
    """The resident blocked the bot: send nothing more. True when this changed anything."""
    with transaction(db):
        return db.execute("update users set stopped_at = ? where user_key = ? and stopped_at is null",
                          [now_iso(), user_key]).rowcount == 1


def resume(db: Database, user_key: str) -> bool:
    """The resident came back (/start): their subscriptions work again."""
    with transaction(db):
        return db.execute("update users set stopped_at = null where user_key = ? and stopped_at is not null",
                          [user_key]).rowcount == 1


def is_stopped(db: Database, user_key: str) -> bool:
    row = next(db.query("select stopped_at from users where user_key = ?", [user_key]), None)
    return bool(row and row["stopped_at"])

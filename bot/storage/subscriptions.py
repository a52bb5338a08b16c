"""Residents' subscriptions to areas, and whether a resident can still be reached (not stopped).

A subscription has a scope: AREA (the hearings held for that area itself) or TREE (those and the hearings of
every area in it). "Who hears about something in area X" is everyone following X, whatever the scope, and
everyone following an area around X with TREE: callers pass the two lists (`area_codes`, `tree_codes`);
bot/core/hearings/broadcasts.py decides which areas go in which.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction

# SQLite accepts at most 32,766 bound parameters; a region's areas are a few dozen.
_MAX_AREAS = 15000
AREA, TREE = "area", "tree"
SCOPES = (AREA, TREE)


def subscribe(db: Database, user_key: str, channel: str, area_code: str, scope: str = TREE) -> bool:
    """Subscribe with `scope` (or change the scope of a subscription); False when the resident already
    followed this area so."""
    if scope not in SCOPES:
        raise ValueError(f"a subscription's scope is {' or '.join(SCOPES)}, not {scope!r}")
    now = now_iso()
    with transaction(db):
        db.execute("insert into users (user_key, channel, created_at, updated_at) values (?, ?, ?, ?) "
                   "on conflict(user_key) do nothing", [user_key, channel, now, now])
        cursor = db.execute("insert into subscriptions (user_key, area_code, scope, created_at) values (?, ?, ?, ?) "
                            "on conflict (user_key, area_code) do update set scope = excluded.scope "
                            "where scope != excluded.scope",
                            [user_key, area_code, scope, now])
    return cursor.rowcount == 1


def following(area_codes: Iterable[str], tree_codes: Iterable[str] = ()) -> tuple[str, list[str]]:
    """A subquery of the user keys that follow any of `area_codes` (whatever the scope) or any of
    `tree_codes` with scope TREE, and its parameters: the audience of something in an area."""
    codes = list(dict.fromkeys(area_codes))[:_MAX_AREAS]
    tree = list(dict.fromkeys(tree_codes))[:_MAX_AREAS]
    parts = []
    if codes:
        parts.append(f"area_code in ({','.join('?' * len(codes))})")
    if tree:
        parts.append(f"(scope = '{TREE}' and area_code in ({','.join('?' * len(tree))}))")
    return f"(select user_key from subscriptions where {' or '.join(parts) or '0'})", [*codes, *tree]


def follows(db: Database, user_key: str, area_codes: Iterable[str], tree_codes: Iterable[str] = ()) -> bool:
    """Is this resident in the audience `area_codes` and `tree_codes` describe (see `following`)?"""
    subquery, params = following(area_codes, tree_codes)
    return db.execute(f"select ? in {subquery}", [user_key, *params]).fetchone()[0] == 1


def unsubscribe(db: Database, user_key: str, area_code: str) -> bool:
    with transaction(db):
        return db.execute("delete from subscriptions where user_key = ? and area_code = ?",
                          [user_key, area_code]).rowcount == 1


def of_user(db: Database, user_key: str) -> list[str]:
    return list(scopes_of(db, user_key))


def scopes_of(db: Database, user_key: str) -> dict[str, str]:
    """The areas a resident follows, in the order they chose them, each with its scope."""
    return {r["area_code"]: r["scope"] for r in db.query(
        "select area_code, scope from subscriptions where user_key = ? order by created_at, area_code", [user_key])}


def subscribers(db: Database, area_codes: Iterable[str], *, tree_codes: Iterable[str] = (),
                active: bool = True) -> list[str]:
    """Everyone following any of `area_codes`, or any of `tree_codes` with scope TREE, once each: reachable
    residents, or with active=False the stopped ones."""
    subquery, params = following(area_codes, tree_codes)
    if not params:
        return []
    stopped = "is null" if active else "is not null"
    # Plain tuples from the connection, not sqlite-utils' dict rows: a region can have 100,000 subscribers,
    # and building a dict per row costs more than the query itself.
    rows = db.conn.execute(f"select user_key from users where stopped_at {stopped} and user_key in {subquery}",
                           params)
    return [key for (key,) in rows]


def count(db: Database, area_codes: Iterable[str], *, tree_codes: Iterable[str] = ()) -> dict[str, int]:
    """{"active": n, "stopped": m}: distinct residents following any of `area_codes`, or any of `tree_codes`
    with scope TREE."""
    subquery, params = following(area_codes, tree_codes)
    row = db.execute(
        "select count(case when stopped_at is null then 1 end), count(case when stopped_at is not null then 1 end) "
        f"from users where user_key in {subquery}", params).fetchone()
    return {"active": row[0] or 0, "stopped": row[1] or 0}


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

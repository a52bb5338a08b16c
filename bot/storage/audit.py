"""The append-only log of privileged actions: who did what to whom, and when."""

from __future__ import annotations

import json

from sqlite_utils import Database

from bot.clock import now_iso


def record(db: Database, actor: str, action: str, target: str | None = None, **detail: object) -> None:
    """Append one action. Callers that change data call this inside the same transaction."""
    db.execute("insert into audit (at, actor, action, target, detail) values (?, ?, ?, ?, ?)",
               [now_iso(), actor, action, target, json.dumps(detail, ensure_ascii=False) if detail else None])


def entries(db: Database, limit: int = 1000) -> list[dict]:
    rows = db.query("select id, at, actor, action, target, detail from audit order by id desc limit ?", [limit])
    return [{**r, "detail": json.loads(r["detail"]) if r["detail"] else {}} for r in rows]


def search(db: Database, *, actor: str | None = None, action: str | None = None, since: str | None = None,
           limit: int = 200) -> list[dict]:
    """Entries, newest first, filtered by who (exact), what (prefix, e.g. "entry_") and from when."""
    where, params = [], []
    if actor:
        where.append("actor = ?")
        params.append(actor)
    if action:
        where.append("action like ? escape '\\'")
        params.append(action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    if since:
        where.append("at >= ?")
        params.append(since)
    clause = f"where {' and '.join(where)}" if where else ""
    rows = db.query(f"select id, at, actor, action, target, detail from audit {clause} order by id desc limit ?",
                    [*params, limit])
    return [{**r, "detail": json.loads(r["detail"]) if r["detail"] else {}} for r in rows]


def actions(db: Database) -> list[str]:
    return [r["action"] for r in db.query("select distinct action from audit order by action")]

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

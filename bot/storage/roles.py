"""Staff roles (editor, broadcaster) with their area; every grant and revoke is audited with it."""

from __future__ import annotations

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage import audit
from bot.storage.db import transaction


def grant(db: Database, user_key: str, role: str, area_code: str | None, by: str) -> bool:
    """Grant; False when the user already holds this role for this area (nothing is audited then)."""
    with transaction(db):
        cursor = db.execute(
            "insert into roles (user_key, role, area_code, granted_at, granted_by) values (?, ?, ?, ?, ?) "
            "on conflict do nothing", [user_key, role, area_code, now_iso(), by])
        if cursor.rowcount == 1:
            audit.record(db, by, "role.grant", user_key, role=role, area=area_code)
    return cursor.rowcount == 1


def revoke(db: Database, user_key: str, role: str, area_code: str | None, by: str) -> bool:
    with transaction(db):
        cursor = db.execute("delete from roles where user_key = ? and role = ? and ifnull(area_code, '') = ?",
                            [user_key, role, area_code or ""])
        if cursor.rowcount:
            audit.record(db, by, "role.revoke", user_key, role=role, area=area_code)
    return cursor.rowcount > 0


def of_user(db: Database, user_key: str) -> list[dict]:
    return list(db.query("select role, area_code from roles where user_key = ? order by role, area_code",
                         [user_key]))


def all_roles(db: Database) -> list[dict]:
    return list(db.query("select user_key as user, role, area_code as area, granted_at, granted_by from roles "
                         "order by granted_at, user_key, role"))

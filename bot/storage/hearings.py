"""Hearings, residents' "I'll attend" and their questions for a hearing.

Hearings go in and come out as rows (dicts of columns); bot/core/hearings/hearing.py maps them to and from
Hearing, so storage knows nothing of the core."""

from __future__ import annotations

import json
import uuid

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction


def insert(db: Database, row: dict, created_by: str, status: str = "draft") -> int:
    """Store a hearing's row (the caller holds the transaction); a calendar UID is made once, here."""
    now = now_iso()
    cursor = db.execute(
        "insert into hearings (uid, area_code, starts_at, duration_minutes, place, latitude, longitude, "
        "online_url, texts, results, urgent, status, sequence, created_by, created_at, updated_at) "
        "values (:uid, :area_code, :starts_at, :duration_minutes, :place, :latitude, :longitude, :online_url, "
        ":texts, :results, :urgent, :status, 0, :created_by, :now, :now)",
        {**row, "uid": f"{uuid.uuid4()}@qogam", "status": status, "created_by": created_by, "now": now},
    )
    return cursor.lastrowid


def save(db: Database, hearing_id: int, row: dict, *, status: str, sequence: int) -> None:
    """Write back a changed hearing's row (the caller holds the transaction)."""
    db.execute(
        "update hearings set area_code = :area_code, starts_at = :starts_at, duration_minutes = :duration_minutes, "
        "place = :place, latitude = :latitude, longitude = :longitude, online_url = :online_url, texts = :texts, "
        "results = :results, urgent = :urgent, status = :status, sequence = :sequence, updated_at = :now "
        "where id = :id",
        {**row, "status": status, "sequence": sequence, "now": now_iso(), "id": hearing_id},
    )


def get(db: Database, hearing_id: int) -> dict | None:
    return next(db.query("select * from hearings where id = ?", [hearing_id]), None)


def created_by(db: Database, hearing_id: int) -> str | None:
    row = next(db.query("select created_by from hearings where id = ?", [hearing_id]), None)
    return row["created_by"] if row else None


def listing(db: Database, *, statuses: tuple[str, ...] | None = None, limit: int = 1000) -> list[dict]:
    where, params = "", []
    if statuses:
        where = f"where status in ({','.join('?' * len(statuses))})"
        params = list(statuses)
    return list(db.query(f"select * from hearings {where} order by starts_at desc, id desc limit ?", [*params, limit]))


def drafts_of(db: Database, user_key: str) -> list[int]:
    return [r["id"] for r in db.query(
        "select id from hearings where status = 'draft' and created_by = ? order by id", [user_key])]


def delete_draft(db: Database, hearing_id: int) -> None:
    with transaction(db):
        db.execute("delete from hearings where id = ? and status = 'draft'", [hearing_id])


# ---- "I'll attend" -------------------------------------------------------------------------------
def attend(db: Database, hearing_id: int, user_key: str) -> bool:
    """False when the resident had already said so."""
    with transaction(db):
        return db.execute("insert into rsvps (hearing_id, user_key, created_at) values (?, ?, ?) "
                          "on conflict do nothing", [hearing_id, user_key, now_iso()]).rowcount == 1


def attending(db: Database, hearing_id: int) -> int:
    return db.execute("select count(*) from rsvps where hearing_id = ?", [hearing_id]).fetchone()[0]


def attends_of(db: Database, user_key: str) -> list[int]:
    return [r["hearing_id"] for r in db.query(
        "select hearing_id from rsvps where user_key = ? order by created_at", [user_key])]


# ---- questions for a hearing ---------------------------------------------------------------------
def add_question(db: Database, hearing_id: int, user_key: str, lang: str, question: str) -> int:
    """`question` must already be redacted."""
    with transaction(db):
        return db.execute("insert into hearing_questions (hearing_id, user_key, lang, question, created_at) "
                          "values (?, ?, ?, ?, ?)", [hearing_id, user_key, lang, question, now_iso()]).lastrowid


def questions(db: Database, hearing_id: int) -> list[dict]:
    """The questions without who asked them: broadcasters see what was asked, not by whom. `asker` is a
    number that stands for the resident within this reading only, so that groups count residents."""
    return list(db.query("select id, lang, question, created_at, case when user_key is null then null "
                         "else dense_rank() over (order by user_key) end as asker from hearing_questions "
                         "where hearing_id = ? order by id", [hearing_id]))


def questions_of(db: Database, user_key: str) -> list[dict]:
    return list(db.query("select id, hearing_id, question, created_at from hearing_questions "
                         "where user_key = ? order by id", [user_key]))


def questions_since(db: Database, user_key: str, since: str) -> int:
    """How many hearing questions this resident sent since `since` (ISO, UTC), on any hearing."""
    return db.execute("select count(*) from hearing_questions where user_key = ? and created_at >= ?",
                      [user_key, since]).fetchone()[0]


def question_count(db: Database, hearing_id: int) -> int:
    return db.execute("select count(*) from hearing_questions where hearing_id = ?", [hearing_id]).fetchone()[0]


def changes(db: Database, hearing_id: int) -> dict:
    """A correction or results being written in /hearing, not yet confirmed."""
    row = next(db.query("select changes from hearings where id = ?", [hearing_id]), None)
    return json.loads(row["changes"]) if row and row["changes"] else {}


def set_changes(db: Database, hearing_id: int, value: dict | None) -> None:
    with transaction(db):
        db.execute("update hearings set changes = ? where id = ?",
                   [json.dumps(value, ensure_ascii=False) if value else None, hearing_id])


# ---- drafts of the /hearing conversation -----------------------------------------------------------
DRAFT_COLUMNS = {"area_code", "starts_at", "duration_minutes", "place", "latitude", "longitude", "online_url",
                 "urgent"}


def new_draft(db: Database, created_by: str) -> int:
    """An empty hearing that the /hearing conversation fills in, one answer at a time."""
    now = now_iso()
    with transaction(db):
        return db.execute("insert into hearings (uid, status, sequence, texts, urgent, created_by, created_at, "
                          "updated_at) values (?, 'draft', 0, '{}', 0, ?, ?, ?)",
                          [f"{uuid.uuid4()}@qogam", created_by, now, now]).lastrowid


def set_draft(db: Database, hearing_id: int, **columns: object) -> None:
    unknown = set(columns) - DRAFT_COLUMNS
    if unknown:
        raise ValueError(f"not a draft column: {sorted(unknown)}")
    sets = ", ".join(f"{name} = ?" for name in columns)
    with transaction(db):
        db.execute(f"update hearings set {sets}, updated_at = ? where id = ? and status = 'draft'",
                   [*columns.values(), now_iso(), hearing_id])


def set_draft_text(db: Database, hearing_id: int, lang: str, part: str, value: str | None) -> None:
    """One title or agenda of a draft; None removes the language."""
    row = next(db.query("select texts from hearings where id = ?", [hearing_id]), None)
    texts = json.loads(row["texts"] or "{}") if row else {}
    if value is None:
        texts.pop(lang, None)
    else:
        texts.setdefault(lang, {"title": "", "agenda": ""})[part] = value
    with transaction(db):
        db.execute("update hearings set texts = ?, updated_at = ? where id = ? and status = 'draft'",
                   [json.dumps(texts, ensure_ascii=False), now_iso(), hearing_id])

"""The gap log: questions the bot could not answer, for editors to turn into entries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction

UNANSWERED = "unanswered"
SUGGESTED = "suggested"
REJECTED = "rejected"
RESOLVED = "resolved"
# Not ours: the resident got an out-of-scope topic's referral. Not an editors' gap; kept (redacted, like
# every gap) so that "Not what I asked" under the referral can still send it to the editors (then rejected).
REFERRED = "referred"
# Closed by an editor's action on their cluster: added as a phrasing of an entry (chosen_entry), waiting
# for a writer in `qogam kb todo`, listed as not our topic (the bot stops answering such questions), or
# ignored.
LEARNED = "learned"
NEW_ENTRY = "new_entry"
NOT_OUR_TOPIC = "not_our_topic"
IGNORED = "ignored"
# What editors need to act on: nothing matched, or the resident turned every suggestion down.
OPEN_STATUSES = (UNANSWERED, REJECTED)


@dataclass(frozen=True)
class Gap:
    id: int
    created_at: str
    lang: str
    channel: str
    question: str
    status: str
    best_score: float
    candidates: Sequence[dict]
    chosen_entry: str | None
    resolved_at: str | None = None
    # Which gaps one resident asked, never who: the same number for the same user_key within one reading
    # (None when the resident is unknown). Editors' counts are of residents, not rows (issue 32).
    asker: int | None = None


def record(
    db: Database, *, user_key: str | None, channel: str, lang: str, question: str, status: str,
    candidates: list[tuple[str, float]],
) -> int:
    """Store an already redacted question with its best candidates; return its id."""
    now = now_iso()
    with transaction(db):
        cursor = db.execute(
            "insert into gaps (created_at, updated_at, user_key, channel, lang, question, status, best_score, "
            "candidates) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now, now, user_key, channel, lang, question, status, candidates[0][1] if candidates else 0.0,
             json.dumps([{"entry": e, "score": s} for e, s in candidates], ensure_ascii=False)],
        )
    return cursor.lastrowid


def get(db: Database, gap_id: int) -> tuple[Gap, str | None] | None:
    """The gap and the user it belongs to."""
    row = next(db.query("select * from gaps where id = ?", [gap_id]), None)
    return (_gap(row), row["user_key"]) if row else None


def set_status(db: Database, gap_id: int, status: str, chosen_entry: str | None = None) -> None:
    with transaction(db):
        db.execute(
            "update gaps set status = ?, chosen_entry = ?, updated_at = ? where id = ?",
            [status, chosen_entry, now_iso(), gap_id],
        )


def latest(db: Database, limit: int = 50, statuses: tuple[str, ...] = OPEN_STATUSES) -> list[Gap]:
    marks = ", ".join("?" for _ in statuses)
    rows = db.query(
        f"select * from gaps where status in ({marks}) order by created_at desc, id desc limit ?",
        [*statuses, limit],
    )
    return [_gap(r) for r in rows]


def for_user(db: Database, user_key: str) -> list[Gap]:
    return [_gap(r) for r in db.query("select * from gaps where user_key = ? order by id", [user_key])]


def stored_since(db: Database, user_key: str, since: str) -> int:
    """How many questions of this resident were stored since `since` (ISO, UTC): their daily quota."""
    return db.execute("select count(*) from gaps where user_key = ? and created_at >= ?",
                      [user_key, since]).fetchone()[0]


def with_status(db: Database, statuses: tuple[str, ...] = OPEN_STATUSES) -> list[Gap]:
    """Every gap in these statuses, oldest first, for the clustering, which reads them all. No user key
    leaves: each gap's `asker` is a number standing for its resident in this reading only. Without the
    candidates of the time each was asked (`candidates` is empty): the clustering ranks its own, and
    20,000 gaps would hold 80,000 more objects for the garbage collector to walk while the bot runs."""
    marks = ", ".join("?" for _ in statuses)
    rows = db.query(f"select id, created_at, lang, channel, question, status, best_score, null as candidates, "
                    f"chosen_entry, resolved_at, case when user_key is null then null else dense_rank() over "
                    f"(order by user_key) end as asker from gaps where status in ({marks}) order by id",
                    list(statuses))
    return [_gap(r) for r in rows]


def signature(db: Database) -> tuple:
    """Changes whenever an open gap is added or closed (the clusters are then computed again)."""
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    return tuple(db.execute(f"select count(*), max(id), max(updated_at) from gaps where status in ({marks})",
                            list(OPEN_STATUSES)).fetchone())


def close(db: Database, gap_ids: list[int], status: str, *, by: str, entry_id: str | None = None) -> int:
    """An editor's action on a cluster: its open gaps get `status` (and the entry they now belong to)."""
    marks = ", ".join("?" for _ in gap_ids)
    now = now_iso()
    with transaction(db):
        return db.execute(
            f"update gaps set status = ?, chosen_entry = ?, resolved_at = ?, resolved_by = ?, updated_at = ? "
            f"where id in ({marks}) and status in ({', '.join('?' for _ in OPEN_STATUSES)})",
            [status, entry_id, now, by, now, *gap_ids, *OPEN_STATUSES],
        ).rowcount


def _gap(row: dict) -> Gap:
    return Gap(
        id=row["id"], created_at=row["created_at"], lang=row["lang"], channel=row["channel"],
        question=row["question"], status=row["status"], best_score=row["best_score"] or 0.0,
        candidates=json.loads(row["candidates"]) if row["candidates"] else (), chosen_entry=row["chosen_entry"],
        resolved_at=row.get("resolved_at"), asker=row.get("asker"),
    )

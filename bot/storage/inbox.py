"""The inbox: updates from Telegram, stored before Telegram is told they arrived, handled once each.

A row is pending until a handler's effects and its "handled" mark commit together; done once its
replies are sent. The payload (a resident's raw text, names, ids) and the chat key (in a private chat,
the resident's id) are deleted as soon as the row is done or set aside; the bare update_id stays a while
so that a redelivered update is recognised and skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlite_utils import Database

from bot.clock import now, now_iso
from bot.storage.db import transaction

PENDING = "pending"
HANDLED = "handled"
DONE = "done"
FAILED = "failed"


@dataclass(frozen=True)
class Row:
    update_id: int
    payload: str | None
    chat_key: str | None
    private: bool
    attempts: int
    status: str


# The columns of a Row, in its order.
_ROW = "update_id, payload, chat_key, private, attempts, status"


def _row(r: tuple) -> Row:
    return Row(r[0], r[1], r[2], bool(r[3]), r[4], r[5])


def route(update: dict) -> tuple[str | None, bool]:
    """(chat key, private?) of a raw update, read without parsing it: updates of one chat are handled one at
    a time and in order; private chats and inline queries (a resident waiting) go before groups."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post", "my_chat_member",
                 "chat_member", "chat_join_request"):
        chat = _object(_object(update, kind), "chat")
        if "id" in chat:
            return f"c:{chat['id']}", chat.get("type") == "private"
    query = _object(update, "callback_query")
    if query:
        chat = _object(_object(query, "message"), "chat")
        if "id" in chat:
            return f"c:{chat['id']}", chat.get("type") == "private"
        sender = _object(query, "from")
        return (f"u:{sender['id']}", True) if "id" in sender else (None, False)
    for kind in ("inline_query", "chosen_inline_result"):
        sender = _object(_object(update, kind), "from")
        if "id" in sender:
            return f"u:{sender['id']}", True
    return None, False


def _object(value: object, key: str) -> dict:
    """value[key] when both are JSON objects, else {}: a forged update may hold anything anywhere."""
    inner = value.get(key) if isinstance(value, dict) else None
    return inner if isinstance(inner, dict) else {}


def store(db: Database, updates: list[dict]) -> int:
    """Store a batch in one transaction (all or nothing); an update_id seen before is skipped. Returns
    the number of new rows. Every item must carry an integer update_id (see `update_id_of`)."""
    received = now_iso()
    added = 0
    with transaction(db):
        for update in updates:
            chat_key, private = route(update)
            cursor = db.execute(
                "insert or ignore into inbox (update_id, received_at, status, chat_key, private, payload) "
                "values (?, ?, ?, ?, ?, ?)",
                [update["update_id"], received, PENDING, chat_key, int(private),
                 json.dumps(update, ensure_ascii=False)],
            )
            added += cursor.rowcount
    return added


# SQLite's INTEGER is a signed 64-bit number: a larger update_id cannot be stored (OverflowError).
MAX_UPDATE_ID = 2**63 - 1


def update_id_of(update: object) -> int | None:
    """The update's id when it is one the inbox can store: a whole number from 0 to MAX_UPDATE_ID."""
    value = update.get("update_id") if isinstance(update, dict) else None
    valid = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_UPDATE_ID
    return value if valid else None


def due(db: Database, limit: int) -> list[Row]:
    """Pending and handled rows whose retry time has come: private chats first, then by update_id."""
    rows = db.execute(
        f"select {_ROW} from inbox where status in (?, ?) and (next_at is null or next_at <= ?) "
        "order by private desc, update_id limit ?",
        [PENDING, HANDLED, now().isoformat(timespec="milliseconds"), limit],
    ).fetchall()
    return [_row(r) for r in rows]


def unfinished(db: Database, update_id: int) -> Row | None:
    """The update when it is still pending or handled (whatever its retry time), else None."""
    row = db.execute(f"select {_ROW} from inbox where update_id = ? and status in (?, ?)",
                     [update_id, PENDING, HANDLED]).fetchone()
    return _row(row) if row else None



def status(db: Database, update_id: int) -> str | None:
    row = db.execute("select status from inbox where update_id = ?", [update_id]).fetchone()
    return row[0] if row else None


def mark_handled(db: Database, update_id: int) -> None:
    """Called inside the handler's transaction: its effects and this mark commit together."""
    with transaction(db):
        db.execute("update inbox set status = ? where update_id = ? and status = ?", [HANDLED, update_id, PENDING])


def mark_done(db: Database, update_id: int) -> None:
    """The update is done: its payload and its chat key (in a private chat, the resident's Telegram id) go,
    and only the bare update_id stays, to recognise a redelivery."""
    with transaction(db):
        db.execute("update inbox set status = ?, payload = null, chat_key = null, next_at = null, done_at = ? "
                   "where update_id = ?", [DONE, now_iso(), update_id])


def retry(db: Database, update_id: int, seconds: float, *, counted: bool) -> int:
    """Try the update again in `seconds`; returns its attempts so far (counted ones only)."""
    at = (now() + dt.timedelta(seconds=seconds)).isoformat(timespec="milliseconds")
    with transaction(db):
        db.execute("update inbox set next_at = ?, attempts = attempts + ? where update_id = ?",
                   [at, int(counted), update_id])
    row = db.execute("select attempts from inbox where update_id = ?", [update_id]).fetchone()
    return row[0] if row else 0


def set_aside(db: Database, update_id: int, stage: str, error: str, attempts: int) -> None:
    """Give up on an update: a failed_updates row with the error's type only, and no payload anywhere."""
    at = now_iso()
    with transaction(db):
        db.execute("insert or replace into failed_updates (update_id, failed_at, stage, error, attempts) "
                   "values (?, ?, ?, ?, ?)", [update_id, at, stage, error, attempts])
        db.execute("update inbox set status = ?, payload = null, chat_key = null, next_at = null, done_at = ? "
                   "where update_id = ?", [FAILED, at, update_id])


def forget(db: Database, user_key: str) -> int:
    """/forget: no finished row keeps this resident's Telegram id (rows finished before chat keys were
    cleared at the end, or by an older version). Their unfinished updates are messages they sent after
    pressing /forget and are handled as usual, then cleared like every other."""
    channel, _, user_id = user_key.partition(":")
    if channel != "tg" or not user_id:
        return 0
    with transaction(db):
        return db.execute("update inbox set payload = null, chat_key = null where chat_key in (?, ?) and "
                          "status in (?, ?)", [f"c:{user_id}", f"u:{user_id}", DONE, FAILED]).rowcount


def backlog(db: Database) -> int:
    return db.execute("select count(*) from inbox where status in (?, ?)", [PENDING, HANDLED]).fetchone()[0]


def last_received(db: Database) -> str | None:
    """When the newest update arrived (ISO 8601, UTC), or None before the first. Telegram's update ids
    grow, so the newest is the last row of the primary key: no scan."""
    row = db.execute("select received_at from inbox order by update_id desc limit 1").fetchone()
    return row[0] if row else None


def counts(db: Database) -> dict[str, int]:
    return dict(db.execute("select status, count(*) from inbox group by status").fetchall())


def failed(db: Database, limit: int = 50) -> list[dict]:
    return [dict(r) for r in db.query("select * from failed_updates order by failed_at desc limit ?", [limit])]


# A finished row is kept this long: Telegram redelivers an unconfirmed update within seconds to minutes
# (a crash before the next getUpdates, a webhook answer that timed out), never days later.
KEEP_FINISHED = dt.timedelta(days=2)


def prune(db: Database) -> int:
    """Delete finished rows older than KEEP_FINISHED; they hold no payload, only the update_id."""
    before = (now() - KEEP_FINISHED).isoformat(timespec="seconds")
    with transaction(db):
        return db.execute("delete from inbox where status in (?, ?) and done_at < ?", [DONE, FAILED, before]).rowcount

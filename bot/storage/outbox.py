"""Broadcasts and their outbox: one row per (broadcast, recipient), so that a restart knows exactly who
is still owed a message. Writes that belong together happen in one transaction, which the caller holds
with `with transaction(db):` where several functions here are combined.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction
from bot.storage.subscriptions import following

PENDING, SENT, STOPPED, FAILED, SKIPPED = "pending", "sent", "stopped", "failed", "skipped"
SCHEDULED, QUEUED, DONE, CANCELLED = "scheduled", "queued", "done", "cancelled"


def create(db: Database, hearing_id: int, kind: str, created_by: str, *, status: str = QUEUED,
           urgent: bool = False, due_at: str | None = None, progress_user: str | None = None) -> int:
    now = now_iso()
    return db.execute(
        "insert into broadcasts (hearing_id, kind, status, urgent, due_at, created_by, created_at, queued_at, "
        "progress_user) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [hearing_id, kind, status, int(urgent), due_at, created_by, now, now if status == QUEUED else None,
         progress_user],
    ).lastrowid


def enqueue_subscribers(db: Database, broadcast_id: int, area_codes: Iterable[str],
                        tree_codes: Iterable[str] = ()) -> int:
    """Outbox rows for every reachable resident following any of `area_codes`, or any of `tree_codes` with
    scope 'tree' (subscriptions.following), each once."""
    subquery, params = following(area_codes, tree_codes)
    return db.execute(
        "insert into deliveries (broadcast_id, user_key, status) "
        f"select ?, user_key, 'pending' from users where stopped_at is null and user_key in {subquery} "
        "order by user_key", [broadcast_id, *params]).rowcount


def enqueue_receivers(db: Database, broadcast_id: int, hearing_id: int,
                      subscribed_to: Iterable[str] | None = None, tree_codes: Iterable[str] = ()) -> int:
    """Outbox rows for every reachable resident who received the hearing's announcement; with
    `subscribed_to` (and `tree_codes`), only those still in that audience (subscriptions.following)."""
    params: list = [broadcast_id, hearing_id]
    still = ""
    if subscribed_to is not None:
        subquery, codes = following(subscribed_to, tree_codes)
        still = f" and d.user_key in {subquery}"
        params += codes
    return db.execute(
        "insert or ignore into deliveries (broadcast_id, user_key, status) "
        "select ?, d.user_key, 'pending' from deliveries d join broadcasts b on b.id = d.broadcast_id "
        "join users u on u.user_key = d.user_key "
        "where b.hearing_id = ? and b.kind = 'announcement' and d.status = 'sent' and u.stopped_at is null"
        + still + " order by d.id", params).rowcount


def queue(db: Database, broadcast_id: int) -> None:
    db.execute("update broadcasts set status = 'queued', queued_at = ? where id = ?", [now_iso(), broadcast_id])


def get(db: Database, broadcast_id: int) -> dict | None:
    return next(db.query("select * from broadcasts where id = ?", [broadcast_id]), None)


def listing(db: Database, limit: int = 1000) -> list[dict]:
    return list(db.query("select * from broadcasts order by id desc limit ?", [limit]))


def of_hearing(db: Database, hearing_id: int) -> list[dict]:
    return list(db.query("select * from broadcasts where hearing_id = ? order by id", [hearing_id]))


def due_followups(db: Database, now: str) -> list[dict]:
    return list(db.query("select * from broadcasts where status = 'scheduled' and due_at <= ? order by due_at, id",
                         [now]))


def reschedule(db: Database, broadcast_id: int, due_at: str) -> None:
    db.execute("update broadcasts set due_at = ? where id = ? and status = 'scheduled'", [due_at, broadcast_id])


def cancel(db: Database, broadcast_id: int) -> None:
    db.execute("update broadcasts set status = 'cancelled', finished_at = ? where id = ?", [now_iso(), broadcast_id])


def cancel_scheduled(db: Database, hearing_id: int) -> int:
    return db.execute("update broadcasts set status = 'cancelled', finished_at = ? where hearing_id = ? and "
                      "status = 'scheduled'", [now_iso(), hearing_id]).rowcount


def skip_pending(db: Database, hearing_id: int) -> int:
    """The hearing was cancelled: what is not yet sent about it is not sent."""
    skipped = db.execute(
        "update deliveries set status = 'skipped', next_at = null where status = 'pending' and broadcast_id in "
        "(select id from broadcasts where hearing_id = ? and kind != 'cancellation')", [hearing_id]).rowcount
    db.execute("update broadcasts set status = 'done', finished_at = ? where hearing_id = ? and status = 'queued' "
               "and kind != 'cancellation'", [now_iso(), hearing_id])
    return skipped


def skip_broadcast(db: Database, broadcast_id: int, reason: str) -> int:
    """What of this broadcast is not yet sent will not be: its pending rows are skipped, with `reason`."""
    with transaction(db):
        return db.execute("update deliveries set status = 'skipped', error = ?, next_at = null "
                          "where broadcast_id = ? and status = 'pending'", [reason[:200], broadcast_id]).rowcount


def active(db: Database) -> list[dict]:
    """Queued broadcasts, urgent first, then oldest first."""
    return list(db.query("select * from broadcasts where status = 'queued' order by urgent desc, id"))


def pending_batch(db: Database, broadcast_id: int, after_id: int, now: str, limit: int) -> list[tuple]:
    """(delivery id, user key, language) of rows due now, in id order after `after_id`. Plain tuples:
    a broadcast reads tens of thousands of rows."""
    return db.conn.execute(
        "select d.id, d.user_key, u.language from deliveries d left join users u on u.user_key = d.user_key "
        "where d.broadcast_id = ? and d.status = 'pending' and d.id > ? and (d.next_at is null or d.next_at <= ?) "
        "order by d.id limit ?", [broadcast_id, after_id, now, limit]).fetchall()


def next_retry(db: Database, broadcast_id: int) -> str | None:
    """When the earliest held-back row of the broadcast becomes due; None when nothing is held back."""
    return db.conn.execute("select min(next_at) from deliveries where broadcast_id = ? and status = 'pending'",
                           [broadcast_id]).fetchone()[0]


def is_pending(db: Database, delivery_id: int) -> bool:
    row = db.conn.execute("select status from deliveries where id = ?", [delivery_id]).fetchone()
    return bool(row) and row[0] == PENDING


def mark_sent(db: Database, delivery_id: int) -> None:
    # One commit per message: a crash can then repeat only the messages in flight, never a batch.
    with transaction(db):
        was = db.execute("select status from deliveries where id = ?", [delivery_id]).fetchone()
        db.execute("update deliveries set status = 'sent', sent_at = ?, error = null, next_at = null where id = ?",
                   [now_iso(), delivery_id])
        if was and was[0] == SKIPPED:
            _tell_late_receiver(db, delivery_id)


def _tell_late_receiver(db: Database, delivery_id: int) -> None:
    """The hearing was cancelled or changed while this message was on its way, so the follow-up was
    queued without this resident: add them to it (and wake it if it had already finished)."""
    followups = [bid for (bid,) in db.execute(
        "select b.id from broadcasts b join broadcasts mine on mine.hearing_id = b.hearing_id "
        "join deliveries d on d.broadcast_id = mine.id where d.id = ? and b.id > mine.id "
        "and b.kind in ('correction', 'cancellation')", [delivery_id]).fetchall()]
    for bid in followups:
        db.execute("insert or ignore into deliveries (broadcast_id, user_key, status) "
                   "select ?, user_key, 'pending' from deliveries where id = ?", [bid, delivery_id])
        db.execute("update broadcasts set status = 'queued', finished_at = null where id = ? and status = 'done'",
                   [bid])


def mark_stopped(db: Database, delivery_id: int, user_key: str, reason: str) -> None:
    """The resident blocked the bot or deleted their account: this row and everything after it stops."""
    now = now_iso()
    with transaction(db):
        db.execute("update deliveries set status = 'stopped', error = ?, next_at = null where id = ?",
                   [reason[:200], delivery_id])
        db.execute("update users set stopped_at = ? where user_key = ? and stopped_at is null", [now, user_key])
        db.execute("update deliveries set status = 'stopped', error = ?, next_at = null "
                   "where user_key = ? and status = 'pending'", [reason[:200], user_key])


def hold(db: Database, delivery_id: int, next_at: str, error: str, *, attempt: bool) -> None:
    """Try the row again at `next_at`; `attempt` counts it against the retry budget."""
    with transaction(db):
        db.execute("update deliveries set next_at = ?, error = ?, attempts = attempts + ? where id = ?",
                   [next_at, error[:200], int(attempt), delivery_id])


def attempts(db: Database, delivery_id: int) -> int:
    return db.conn.execute("select attempts from deliveries where id = ?", [delivery_id]).fetchone()[0]


def mark_failed(db: Database, delivery_id: int, error: str) -> None:
    with transaction(db):
        db.execute("update deliveries set status = 'failed', error = ?, next_at = null where id = ?",
                   [error[:200], delivery_id])


def counts(db: Database, broadcast_id: int) -> dict[str, int]:
    found = dict(db.conn.execute("select status, count(*) from deliveries where broadcast_id = ? group by status",
                                 [broadcast_id]).fetchall())
    result = {status: found.get(status, 0) for status in (SENT, PENDING, STOPPED, FAILED, SKIPPED)}
    result["total"] = sum(result.values())
    return result


def failures(db: Database, broadcast_id: int) -> list[tuple[str, int]]:
    """Why rows failed, with how many each."""
    return db.conn.execute("select error, count(*) from deliveries where broadcast_id = ? and status = 'failed' "
                           "group by error order by 2 desc", [broadcast_id]).fetchall()


def finish(db: Database, broadcast_id: int) -> bool:
    """Mark the broadcast done when no row is pending; True when it was marked now."""
    with transaction(db):
        return db.execute(
            "update broadcasts set status = 'done', finished_at = ? where id = ? and status = 'queued' and not "
            "exists (select 1 from deliveries where broadcast_id = ? and status = 'pending')",
            [now_iso(), broadcast_id, broadcast_id]).rowcount == 1


def set_progress_ref(db: Database, broadcast_id: int, ref: str) -> None:
    with transaction(db):
        db.execute("update broadcasts set progress_ref = ? where id = ?", [ref, broadcast_id])


def was_sent(db: Database, hearing_id: int, user_key: str) -> bool:
    """Did this resident receive any message about the hearing (its announcement, a reminder, a change)?"""
    return db.execute("select exists (select 1 from deliveries d join broadcasts b on b.id = d.broadcast_id "
                      "where b.hearing_id = ? and d.user_key = ? and d.status = 'sent')",
                      [hearing_id, user_key]).fetchone()[0] == 1


def received(db: Database, user_key: str) -> list[dict]:
    """The broadcasts a resident was sent, for /mydata."""
    return list(db.query("select b.hearing_id, b.kind, d.sent_at from deliveries d join broadcasts b "
                         "on b.id = d.broadcast_id where d.user_key = ? and d.status = 'sent' order by d.id",
                         [user_key]))


def waiting(db: Database) -> dict[str, int]:
    """Deliveries pending and failed, across every broadcast, for /metrics and `qogam doctor`. Read through
    the (broadcast_id, status) index one broadcast at a time: the table keeps a year of sent rows, which a
    plain count by status would scan on every scrape."""
    result = {}
    for status in ("pending", "failed"):
        result[status] = db.execute(
            "select count(*) from deliveries where status = ? and broadcast_id in (select id from broadcasts)",
            [status]).fetchone()[0]
    return result

""""Notify me when answered": a resident's request under a question the bot could not answer
(gaps.notify), and the one message per request that the sender (bot/core/delivery/sender.py) delivers once the
editors add an answer. The sender-side functions have the outbox's names and signatures, so the same
delivery path drives both.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction

PENDING, SENT, STOPPED, FAILED, SKIPPED = "pending", "sent", "stopped", "failed", "skipped"
# Gaps still waiting for an answer: nothing matched, the resident turned the suggestions down, or the
# editors decided it needs a new entry. A request under any other gap (already resolved, ignored) would
# never be answered, so it is refused.
WAITING = ("unanswered", "rejected", "new_entry")
# Gap ids per statement, well under SQLite's 32,766 bound parameters.
_CHUNK = 10000


def opt_in(db: Database, gap_id: int, user_key: str, channel: str) -> bool:
    """Ask to be told when `gap_id` gets an answer. False when the gap is not this user's or no longer
    waits for one. Pressing again changes nothing and is True again."""
    marks = ",".join("?" * len(WAITING))
    now = now_iso()
    with transaction(db):
        changed = db.execute(f"update gaps set notify = 1, notify_at = coalesce(notify_at, ?) where id = ? and "
                             f"user_key = ? and status in ({marks})", [now, gap_id, user_key, *WAITING]).rowcount
        if changed:
            # Only known, reachable users are notified (queue_for_gaps): someone who only ever asked
            # questions has no users row yet.
            db.execute("insert into users (user_key, channel, created_at, updated_at) values (?, ?, ?, ?) "
                       "on conflict(user_key) do nothing", [user_key, channel, now, now])
    return changed == 1


def requested(db: Database, gap_id: int) -> bool:
    """Has the asker of `gap_id` already asked to be told?"""
    row = db.execute("select notify from gaps where id = ?", [gap_id]).fetchone()
    return bool(row and row[0])


def requests_since(db: Database, user_key: str, since: str) -> int:
    """How many "tell me" requests this resident made since `since` (ISO, UTC)."""
    return db.execute("select count(*) from gaps where user_key = ? and notify = 1 and notify_at >= ?",
                      [user_key, since]).fetchone()[0]


def queue_for_gaps(db: Database, gap_ids: Iterable[int], entry_id: str) -> int:
    """Queue a notification about `entry_id` for every gap among `gap_ids` whose resident asked for one
    and can still be reached, in the gap's language; return how many messages were queued.

    Each gap is queued at most once, however often this is called. A resident who asked the same thing
    twice gets one message: their other gaps get a "skipped" row, so that /mydata no longer counts them
    as waiting. Call it inside the editors' transaction that resolves the gaps; it joins it.
    """
    ids = list(dict.fromkeys(int(g) for g in gap_ids))
    queued = 0
    now = now_iso()
    with transaction(db):
        told = {user for (user,) in db.execute(
            "select distinct user_key from notifications where entry_id = ? and status in ('pending', 'sent')",
            [entry_id]).fetchall()}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            rows = db.execute(
                "select g.id, g.user_key, g.lang from gaps g join users u on u.user_key = g.user_key "
                f"where g.id in ({','.join('?' * len(chunk))}) and g.notify = 1 and u.stopped_at is null "
                "order by g.id", chunk).fetchall()
            for gap_id, user_key, lang in rows:
                status = SKIPPED if user_key in told else PENDING
                inserted = db.execute(
                    "insert or ignore into notifications (user_key, gap_id, entry_id, lang, status, created_at, "
                    "error) values (?, ?, ?, ?, ?, ?, ?)",
                    [user_key, gap_id, entry_id, lang, status, now,
                     "the same answer is sent to this resident once" if status == SKIPPED else None]).rowcount
                told.add(user_key)
                queued += inserted if status == PENDING else 0
    return queued


def pending_batch(db: Database, after_id: int, now: str, limit: int) -> list[tuple]:
    """(notification id, user key, entry id, language) of rows due now, in id order after `after_id`."""
    return db.conn.execute(
        "select id, user_key, entry_id, lang from notifications where status = 'pending' and id > ? "
        "and (next_at is null or next_at <= ?) order by id limit ?", [after_id, now, limit]).fetchall()


def is_pending(db: Database, notification_id: int) -> bool:
    row = db.conn.execute("select status from notifications where id = ?", [notification_id]).fetchone()
    return bool(row) and row[0] == PENDING


def mark_sent(db: Database, notification_id: int) -> None:
    # One commit per message, as in the outbox: a crash repeats at most the messages in flight.
    with transaction(db):
        db.execute("update notifications set status = 'sent', sent_at = ?, error = null, next_at = null "
                   "where id = ?", [now_iso(), notification_id])


def mark_stopped(db: Database, notification_id: int, user_key: str, reason: str) -> None:
    """The resident blocked the bot or deleted their account: this row and their other pending ones stop,
    and so does everything else sent to them (users.stopped_at), as in the outbox."""
    with transaction(db):
        db.execute("update notifications set status = 'stopped', error = ?, next_at = null where id = ?",
                   [reason[:200], notification_id])
        db.execute("update users set stopped_at = ? where user_key = ? and stopped_at is null",
                   [now_iso(), user_key])
        db.execute("update notifications set status = 'stopped', error = ?, next_at = null "
                   "where user_key = ? and status = 'pending'", [reason[:200], user_key])


def hold(db: Database, notification_id: int, next_at: str, error: str, *, attempt: bool) -> None:
    """Try the row again at `next_at`; `attempt` counts it against the retry budget."""
    with transaction(db):
        db.execute("update notifications set next_at = ?, error = ?, attempts = attempts + ? where id = ?",
                   [next_at, error[:200], int(attempt), notification_id])


def attempts(db: Database, notification_id: int) -> int:
    return db.conn.execute("select attempts from notifications where id = ?", [notification_id]).fetchone()[0]


def mark_failed(db: Database, notification_id: int, error: str) -> None:
    with transaction(db):
        db.execute("update notifications set status = 'failed', error = ?, next_at = null where id = ?",
                   [error[:200], notification_id])


def pending_for(db: Database, user_key: str) -> list[dict]:
    """A resident's requests not yet fulfilled, for /mydata: status "waiting" (no answer yet; entry_id
    None) or "pending" (an answer exists and its message is on its way)."""
    marks = ",".join("?" * len(WAITING))
    return list(db.query(
        "select g.id as gap_id, g.question, n.entry_id, coalesce(n.status, 'waiting') as status "
        "from gaps g left join notifications n on n.gap_id = g.id and n.user_key = g.user_key "
        f"where g.user_key = ? and g.notify = 1 and (n.status = 'pending' or "
        f"(n.id is null and g.status in ({marks}))) order by g.id", [user_key, *WAITING]))



def waiting(db: Database) -> dict[str, int]:
    """Notifications pending and failed (the (status, id) index counts them without a scan)."""
    return {status: db.execute("select count(*) from notifications where status = ?", [status]).fetchone()[0]
            for status in ("pending", "failed")}

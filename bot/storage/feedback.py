"""Residents' 👍 / 👎 on answers, with the reason for a 👎, and the answers they were shown.

A vote names an answer the bot showed that resident (an `answers` row), never an entry: so a resident
votes only on what they were shown, once per answer message, and a second press changes the vote.
"""

from __future__ import annotations

import secrets

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction

REASONS = ("wrong_topic", "outdated", "unclear")
ANSWER_IDS = 2**48


def show_answer(db: Database, *, user_key: str, entry_id: str, lang: str) -> int:
    """Record that `entry_id` was shown to the resident with 👍 / 👎 under it; the id goes in the buttons."""
    # A random id, not the next one: an update replayed after a crash (bot/telegram/inbox.py) sends its
    # answer again with its database effects rolled back, and a sequential id would then be handed to the
    # next answer shown, so a press on the replayed 👍 would count for another entry. 2^48 ids: a
    # collision is retried, and the id fits the 64-byte button data and JSON's exact integers.
    with transaction(db):
        while True:
            answer_id = secrets.randbelow(ANSWER_IDS - 1) + 1
            cursor = db.execute(
                "insert or ignore into answers (id, user_key, entry_id, lang, shown_at) values (?, ?, ?, ?, ?)",
                [answer_id, user_key, entry_id, lang, now_iso()],
            )
            if cursor.rowcount:
                return answer_id


def answer_of(db: Database, answer_id: int) -> dict | None:
    """The answer shown (user_key, entry_id, lang), or None when there is no such id."""
    return next(db.query("select id, user_key, entry_id, lang, shown_at from answers where id = ?", [answer_id]),
                None)


def vote(db: Database, *, answer_id: int, user_key: str, entry_id: str, lang: str, vote: int) -> int:
    """The resident's vote on one answer: the first press inserts it, a later one changes it (a 👍 after a
    👎 drops the 👎's reason). Returns the feedback id, which the reason buttons carry."""
    now = now_iso()
    with transaction(db):
        row = db.execute(
            "insert into feedback (created_at, updated_at, user_key, entry_id, lang, vote, answer_id) "
            "values (?, ?, ?, ?, ?, ?, ?) "
            "on conflict (answer_id) where answer_id is not null do update set vote = excluded.vote, "
            "updated_at = excluded.updated_at, "
            "reason = case when excluded.vote > 0 then null else feedback.reason end "
            "returning id",
            [now, now, user_key, entry_id, lang, vote, answer_id],
        ).fetchone()
    return row[0]


def set_reason(db: Database, feedback_id: int, user_key: str, reason: str) -> bool:
    """Attach a reason to the resident's own 👎; False when the id is not theirs (forged or stale)."""
    with transaction(db):
        cursor = db.execute(
            "update feedback set reason = ? where id = ? and user_key = ? and vote < 0",
            [reason, feedback_id, user_key],
        )
    return cursor.rowcount == 1


def for_user(db: Database, user_key: str) -> list[dict]:
    return list(db.query("select entry_id, vote, reason, created_at from feedback where user_key = ?", [user_key]))


def answers_shown(db: Database, user_key: str) -> int:
    """How many answers with 👍 / 👎 the resident was shown (for /mydata)."""
    return next(db.query("select count(*) as n from answers where user_key = ?", [user_key]))["n"]

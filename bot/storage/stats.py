"""Counts of residents' questions per day, language, outcome and entry, and the feedback figures editors
read (`qogam stats`, /stats): the only SQL behind the statistics.

question_stats holds counts, never a user or a text; the feedback queries here read feedback.user_key's
table but never select that column, so no user_key leaves this module.
"""

from __future__ import annotations

import datetime as dt

from sqlite_utils import Database

# Kazakhstan's date, not UTC's: a question asked at 02:00 in Almaty belongs to that morning, not to the
# evening before.
from bot.clock import KZ_TIME, now
from bot.storage.db import transaction
from bot.storage.feedback import REASONS

ANSWERED = "answered"
SUGGESTED = "suggested"
UNANSWERED = "unanswered"
# Not ours: answered with an out-of-scope topic's referral (where such questions are answered), counted by
# topic in not_ours_stats as well.
NOT_OURS = "not_ours"
OUTCOMES = (ANSWERED, SUGGESTED, UNANSWERED, NOT_OURS)


def today() -> dt.date:
    """Today's date in Kazakhstan, by the (movable) clock."""
    return now().astimezone(KZ_TIME).date()


def count_question(db: Database, *, lang: str, outcome: str, entry_id: str | None = None,
                   topic: str | None = None) -> None:
    """Add one question to today's count for (lang, outcome, entry); a "not ours" question also to its
    topic's count. Inside a caller's transaction it commits or rolls back with it (a replayed update is not
    counted twice)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}: one of {', '.join(OUTCOMES)}")
    if (outcome == NOT_OURS) != bool(topic):
        raise ValueError("a 'not_ours' question is counted with its topic, and only such a question")
    day = today().isoformat()
    with transaction(db):
        db.execute(
            "insert into question_stats (day, lang, outcome, entry_id, n) values (?, ?, ?, ?, 1) "
            "on conflict (day, lang, outcome, entry_id) do update set n = n + 1",
            [day, lang, outcome, entry_id or ""],
        )
        if topic:
            db.execute(
                "insert into not_ours_stats (day, lang, topic, n) values (?, ?, ?, 1) "
                "on conflict (day, lang, topic) do update set n = n + 1",
                [day, lang, topic],
            )


def counts(db: Database, first: dt.date, last: dt.date) -> list[dict]:
    """[{day, lang, outcome, n}] for the days first..last (Kazakhstan's dates), one row per combination
    that has questions."""
    return list(db.query(
        "select day, lang, outcome, sum(n) as n from question_stats where day between ? and ? "
        "group by day, lang, outcome order by day, lang, outcome",
        [first.isoformat(), last.isoformat()],
    ))


def top_answered(db: Database, first: dt.date, last: dt.date, limit: int = 10) -> list[dict]:
    """[{entry, answered}]: the entries answered most often in first..last, most first (ties by id)."""
    return list(db.query(
        "select entry_id as entry, sum(n) as answered from question_stats "
        "where outcome = ? and entry_id != '' and day between ? and ? "
        "group by entry_id order by answered desc, entry_id limit ?",
        [ANSWERED, first.isoformat(), last.isoformat(), limit],
    ))


def not_ours_by_topic(db: Database, first: dt.date, last: dt.date) -> list[dict]:
    """[{topic, n}]: "not ours" questions per out-of-scope topic in first..last, most first (ties by id)."""
    return list(db.query(
        "select topic, sum(n) as n from not_ours_stats where day between ? and ? "
        "group by topic order by n desc, topic",
        [first.isoformat(), last.isoformat()],
    ))


# Who cast a vote, inside these queries only: a vote whose resident is unknown counts as its own.
_WHO = "coalesce(user_key, 'row:' || id)"


def feedback_per_entry(db: Database, first: dt.date, last: dt.date) -> list[dict]:
    """[{entry, up, down, reasons: {wrong_topic, outdated, unclear}, up_votes, down_votes}] for votes cast
    in first..last (Kazakhstan's dates), the most 👎 first. `up`, `down` and the reasons count residents:
    one resident's 20 👎 on one entry (one per answer shown) are one; `up_votes` and `down_votes` count the
    votes. A vote changed later counts once, as it stands now."""
    since, until = _utc_bounds(first, last)
    reasons = ", ".join(f"count(distinct case when vote < 0 and reason = '{r}' then who end) as {r}" for r in REASONS)
    rows = db.query(
        "select entry_id, count(distinct case when vote > 0 then who end) as up, "
        f"count(distinct case when vote < 0 then who end) as down, {reasons}, "
        "sum(vote > 0) as up_votes, sum(vote < 0) as down_votes "
        f"from (select *, {_WHO} as who from feedback where created_at >= ? and created_at < ?) "
        "group by entry_id order by down desc, up, entry_id",
        [since, until],
    )
    return [{"entry": r["entry_id"], "up": r["up"], "down": r["down"], "reasons": {x: r[x] for x in REASONS},
             "up_votes": r["up_votes"], "down_votes": r["down_votes"]} for r in rows]


def feedback_totals(db: Database, first: dt.date, last: dt.date) -> dict:
    """{up, down, up_votes, down_votes} over every entry for votes cast in first..last: residents who
    rated any answer 👍 (or 👎), and the votes."""
    since, until = _utc_bounds(first, last)
    row = next(db.query(
        "select count(distinct case when vote > 0 then who end) as up, "
        "count(distinct case when vote < 0 then who end) as down, "
        "coalesce(sum(vote > 0), 0) as up_votes, coalesce(sum(vote < 0), 0) as down_votes "
        f"from (select *, {_WHO} as who from feedback where created_at >= ? and created_at < ?)",
        [since, until],
    ))
    return dict(row)


def _utc_bounds(first: dt.date, last: dt.date) -> tuple[str, str]:
    """Midnight in Kazakhstan at the start of `first` and after `last`, as the UTC ISO text that
    created_at columns hold (clock.now_iso), so the comparison is on text and uses the index."""
    def utc(day: dt.date) -> str:
        moment = dt.datetime.combine(day, dt.time(), tzinfo=KZ_TIME).astimezone(dt.UTC)
        return moment.isoformat(timespec="seconds")

    return utc(first), utc(last + dt.timedelta(days=1))

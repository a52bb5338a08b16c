"""Daily quotas per resident: how much one person may make the bot store for others to read.

Three things a resident's messages leave for staff: unanswered questions (gaps, which editors read),
questions for a public hearing (which the akimat reads) and "tell me when there is an answer" requests
(each a message the sender owes). Each is counted per resident over the last 24 hours (a rolling day,
so midnight resets nothing), against QOGAM_QUOTA_GAPS (50), QOGAM_QUOTA_HEARING_QUESTIONS (20) and
QOGAM_QUOTA_NOTIFY (20); bot/settings.py says why those figures. Beyond a quota nothing more is stored
and the resident is told so, politely, in their language; a question the knowledge base answers is still
answered. The counting is SQL (bot/storage); the rule is here.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from sqlite_utils import Database

from bot.clock import now
from bot.settings import quota
from bot.storage import gaps, hearings, notifications

# The quotas are per day, counted as the last 24 hours.
WINDOW = dt.timedelta(hours=24)


class Kind(Enum):
    GAPS = "QOGAM_QUOTA_GAPS"
    HEARING_QUESTIONS = "QOGAM_QUOTA_HEARING_QUESTIONS"
    NOTIFY = "QOGAM_QUOTA_NOTIFY"


_COUNTS = {Kind.GAPS: gaps.stored_since, Kind.HEARING_QUESTIONS: hearings.questions_since,
           Kind.NOTIFY: notifications.requests_since}


def limit(kind: Kind) -> int:
    return quota(kind.value)


def check() -> dict[Kind, int]:
    """Every quota, read once at start (a bad value is a SettingsError, one line)."""
    return {kind: limit(kind) for kind in Kind}


def allows(db: Database, user_key: str, kind: Kind) -> bool:
    """May this resident store one more of `kind` now?"""
    since = (now() - WINDOW).isoformat(timespec="seconds")
    return _COUNTS[kind](db, user_key, since) < limit(kind)

"""Shared fixtures: the real knowledge base, a real SQLite database, the real conversation."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest

from bot import clock as wall_clock
from bot.core.dialogue.router import Conversation
from bot.core.knowledge.loader import load_or_fail
from bot.core.matching import policy
from bot.core.matching.engine import build_matcher
from bot.core.matching.evaluation import read_cases
from bot.core.replies import Person
from bot.storage.db import open_db

REPO = Path(__file__).resolve().parents[1]

# The matcher's trained model is cached by knowledge-base content (bot/core/matching/model.py). Tests and the
# `qogam` processes they start share one cache for the session, so the real knowledge base is trained
# once, not in every temporary data directory.
os.environ.setdefault("QOGAM_MODEL_CACHE", tempfile.mkdtemp(prefix="qogam-models-"))
DEV_SET = REPO / "eval" / "dev_questions.tsv"


@pytest.fixture(scope="session")
def kb():
    return load_or_fail()


@pytest.fixture(scope="session")
def matcher(kb):
    return build_matcher(kb)


def with_shorts(kb):
    """The real knowledge base with a short answer in every language of every entry, as the writers are
    adding them (`short`): here its first paragraph, cut to 400 characters. The matcher does not read
    answers, so the session's matcher serves it unchanged."""
    import dataclasses

    def short(answer: str) -> str:
        first = answer.split("\n")[0].strip()
        return first if len(first) <= 400 else first[:399] + "…"

    entries = {eid: dataclasses.replace(e, texts={lang: dataclasses.replace(t, short=short(t.answer))
                                                  for lang, t in e.texts.items()})
               for eid, e in kb.entries.items()}
    return dataclasses.replace(kb, entries=entries)


@pytest.fixture(scope="session")
def short_kb(kb):
    return with_shorts(kb)


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "qogam.db")


def without_shorts(kb):
    """The real knowledge base with no short answers: the writers add them entry by entry (`short`), and
    the tests of the full answer (its sources, its votes) ask about entries that now have one. Short
    answers are tested on with_shorts."""
    import dataclasses

    entries = {eid: dataclasses.replace(e, texts={lang: dataclasses.replace(t, short=None)
                                                  for lang, t in e.texts.items()})
               for eid, e in kb.entries.items()}
    return dataclasses.replace(kb, entries=entries)


@pytest.fixture(scope="session")
def full_kb(kb):
    return without_shorts(kb)


@pytest.fixture
def conversation(full_kb, matcher, db):
    return Conversation(full_kb, matcher, db)


class WallClock:
    """The wall clock, moved by hand: hearings, quiet hours, reminders and retries all read it."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    def set_local(self, value: dt.datetime) -> None:
        from bot.core.knowledge.areas import KZ_TIME

        self.now = value.replace(tzinfo=KZ_TIME).astimezone(dt.UTC)


@pytest.fixture
def wall():
    """Monday 23 November 2026, 10:00 in Kazakhstan (05:00 UTC): a working morning."""
    clock = WallClock(dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC))
    wall_clock.use(clock)
    yield clock
    wall_clock.use(None)


@pytest.fixture
def resident():
    return Person(key="test:1", channel="test", language_hint="ru")


def find_question(matcher, kind, lang=None):
    """A dev-set question the live matcher treats as `kind` (Answer, Suggest, NoMatch), so tests follow the KB.
    A Suggest or NoMatch question is one that gets no out-of-scope topic's referral, so the resident sees
    "did you mean" or "no answer" (with 🔔)."""
    for case in read_cases(DEV_SET):
        if lang and case.lang != lang:
            continue
        result = matcher.match(case.question)
        decision = policy.decide(result)
        if not isinstance(decision, kind) or (kind is policy.Answer and decision.entry_id != case.expected):
            continue
        if kind is policy.Answer or policy.referral(matcher.kb, result, decision) is None:
            return case.question, case.lang, decision
    pytest.skip(f"no dev question gives {kind.__name__} in {lang}")

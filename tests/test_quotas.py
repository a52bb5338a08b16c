"""Daily quotas per resident: beyond them nothing more is stored for staff, the resident is told so in their
language, and a question the knowledge base answers is still answered."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot import settings
from bot.core import quotas
from bot.core.hearings import broadcasts as announcing
from bot.core.hearings.hearing import from_mapping
from bot.core.matching import policy
from bot.core.replies import Person
from bot.i18n import translator
from bot.storage import gaps, hearings, subscriptions, users
from tests.conftest import REPO, find_question

# Near no out-of-scope topic, so it is a gap (the weather would get its topic's referral instead).
OFF_TOPIC = "Кто выиграл футбольный матч вчера?"
RU = translator("ru")
NOTE = RU.gettext("You have asked many questions today that I could not answer, so I am not passing more of them "
                  "to the editors until tomorrow.")


def data_of(reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]


def test_beyond_the_gap_quota_questions_are_answered_but_not_stored(conversation, resident, wall, monkeypatch,
                                                                    matcher):
    monkeypatch.setenv("QOGAM_QUOTA_GAPS", "3")
    for n in range(3):
        (reply,) = conversation.ask(resident, f"{OFF_TOPIC} {n}")
        assert NOTE not in reply.text and any(d.startswith("n:") for d in data_of(reply))
    (refused,) = conversation.ask(resident, f"{OFF_TOPIC} 3")
    assert refused.outcome == "unanswered" and NOTE in refused.text and refused.buttons == ()
    assert RU.gettext("I have passed it to the editors, who add new answers to the knowledge base.") not in refused.text
    assert len(gaps.for_user(conversation.db, resident.key)) == 3
    # What the bot knows it still answers.
    question, _, decision = find_question(matcher, policy.Answer, "ru")
    assert conversation.ask(resident, question)[0].entry_id == decision.entry_id
    # Suggestions are still offered, opening their entries, with nothing stored.
    monkeypatch.setattr(policy, "ANSWER_MIN", 2.0)
    monkeypatch.setattr(policy, "SUGGEST_CONFIDENCE_MIN", 0.0)
    (suggested,) = conversation.ask(resident, "аким маслихат бюджет")
    assert suggested.outcome == "suggested" and NOTE in suggested.text
    assert data_of(suggested) and all(d.startswith("e:") for d in data_of(suggested))
    assert len(gaps.for_user(conversation.db, resident.key)) == 3
    # Someone else is not affected, and a day later the resident is not either.
    other = Person("test:2", "test", "ru")
    assert NOTE not in conversation.ask(other, OFF_TOPIC)[0].text
    wall.advance(hours=24, seconds=1)
    assert NOTE not in conversation.ask(resident, OFF_TOPIC)[0].text
    assert len(gaps.for_user(conversation.db, resident.key)) == 4


def test_beyond_the_notify_quota_the_bell_says_so_and_stores_nothing(conversation, resident, wall, monkeypatch):
    monkeypatch.setenv("QOGAM_QUOTA_NOTIFY", "2")
    bells = [next(d for d in data_of(conversation.ask(resident, f"{OFF_TOPIC} {n}")[0]) if d.startswith("n:"))
             for n in range(3)]
    for bell in bells[:2]:
        assert conversation.press(resident, bell)[0].outcome == "command"
    assert conversation.press(resident, bells[0])[0].outcome == "command"  # pressing one again is harmless
    (refused,) = conversation.press(resident, bells[2])
    assert refused.outcome == "quota" and refused.text == RU.ngettext(
        "You have asked to be told about {n} answer today, as many as I take in a day. Please ask again tomorrow.",
        "You have asked to be told about {n} answers today, as many as I take in a day. Please ask again tomorrow.",
        2)
    assert conversation.db.execute("select count(*) from gaps where notify = 1").fetchone()[0] == 2
    wall.advance(hours=25)
    assert conversation.press(resident, bells[2])[0].outcome == "command"


def test_beyond_the_hearing_question_quota_nothing_is_stored(conversation, wall, monkeypatch):
    monkeypatch.setenv("QOGAM_QUOTA_HEARING_QUESTIONS", "2")
    person = Person("tg:31", "telegram", "kk", private=True)
    subscriptions.subscribe(conversation.db, person.key, "telegram", "akt.khromtau")
    hearing = from_mapping({
        "area": "akt.khromtau", "starts_at": "2026-12-05T15:00", "duration_minutes": 120, "place": "Хромтау",
        "kk": {"title": "Бюджет", "agenda": "Талқылау."}, "ru": {"title": "Бюджет", "agenda": "Обсуждение."},
    }, conversation.areas)
    hid = announcing.announce(conversation.db, conversation.areas, hearing, "cli:test").hearing
    for n in range(2):
        conversation.press(person, f"hq:{hid}")
        assert conversation.ask(person, f"Жол қашан жөнделеді? {n}")[0].outcome == "hearing_question"
    (refused,) = conversation.press(person, f"hq:{hid}")
    kk = translator("kk")
    expected = kk.ngettext(
        "You have sent {n} question for public hearings today, as many as I accept in a day. Please send more "
        "tomorrow.",
        "You have sent {n} questions for public hearings today, as many as I accept in a day. Please send more "
        "tomorrow.", 2)
    assert refused.outcome == "quota" and refused.text == expected
    # A prompt opened before the quota filled (in another chat of the same person): the text is not stored.
    users.set_awaiting(conversation.db, person.key, "telegram", f"hq:{hid}")
    (refused,) = conversation.ask(person, "Мектеп қашан салынады?")
    assert refused.outcome == "quota" and users.awaiting(conversation.db, person.key) is None
    assert len(hearings.questions(conversation.db, hid)) == 2


@pytest.mark.parametrize("name", sorted(settings.QUOTAS))
@pytest.mark.parametrize("value, ok", [("", True), ("7", True), ("0", False), ("lots", False), ("-1", False),
                                       ("٣", False)])
def test_quotas_come_from_the_environment_or_say_what_is_wrong(monkeypatch, name, value, ok):
    monkeypatch.setenv(name, value)
    if ok:
        assert settings.quota(name) == (int(value) if value else settings.QUOTAS[name])
        assert quotas.check()
    else:
        with pytest.raises(settings.SettingsError, match=name):
            quotas.check()


def test_a_bad_quota_stops_the_bot_and_the_chat_with_one_line(tmp_path):
    env = {**os.environ, "QOGAM_DATA_DIR": str(tmp_path), "QOGAM_QUOTA_NOTIFY": "many",
           "TELEGRAM_BOT_TOKEN": "999000:TEST-token"}
    for command in (["run"], ["chat"]):
        done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=REPO, env=env, input="", text=True,
                              capture_output=True, check=False, timeout=60)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        [line] = done.stderr.strip().splitlines()
        assert "QOGAM_QUOTA_NOTIFY" in line and "'many'" in line

"""Grouping for editors and broadcasters runs off the event loop: while an editor's /gaps (or /stats, or a
broadcaster's "❓ Questions") is grouping, a resident's question is answered. Through the real Application
and the fake Bot API; the grouping is held at a barrier (threading events), not slowed by sleeping, so
the order is certain: had the grouping run on the loop, the resident's reply could only come after it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.core import roles
from bot.core.curation import cache
from bot.core.dialogue import broadcasters
from bot.core.replies import Person
from bot.storage import gaps, hearings
from tests.telegram import fakes
from tests.telegram.test_hearings import BROADCASTER, announce_from_file, town  # noqa: F401 - the fixture

EDITOR = 555
RESIDENT = 42
# A bound on the barrier: a grouping that (wrongly) held the loop would release it after this long, and
# the test would then fail on the order instead of hanging.
HOLD_SECONDS = 10


class Barrier:
    """Wraps a function so that a call waits until released; `entered` is set once a call is waiting."""

    def __init__(self, function):
        self.function = function
        self.entered, self.released = threading.Event(), threading.Event()
        self.threads: list[str] = []

    def __call__(self, *args, **kwargs):
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        self.released.wait(HOLD_SECONDS)
        return self.function(*args, **kwargs)


@pytest.fixture
def editor(conversation):
    roles.grant(conversation.db, conversation.areas, f"tg:{EDITOR}", roles.EDITOR, None, by="cli:test")
    for n in range(30):  # open gaps from 30 residents
        gaps.record(conversation.db, user_key=f"tg:{1000 + n}", channel="telegram", lang="ru",
                    question=f"какой курс доллара сегодня {n}", status=gaps.UNANSWERED, candidates=[])
    return EDITOR


def sent_to(bot, chat_id: int) -> list[dict]:
    return [p for p in bot.api.sent() if int(p["chat_id"]) == chat_id]


async def answered_while_held(bot, barrier: Barrier, staff_update: dict, staff_id: int) -> list[dict]:
    """The staff update starts and waits at the barrier; a resident asks and is answered; then the barrier
    opens and the staff update finishes. Returns what the staff member was sent."""
    staff = asyncio.create_task(bot.send(staff_update))
    assert await asyncio.to_thread(barrier.entered.wait, HOLD_SECONDS), "the grouping never started"
    [reply] = await bot.replies(fakes.message("кто избирает акима села", user_id=RESIDENT))
    assert reply["chat_id"] == RESIDENT and reply["text"]
    assert not staff.done() and not barrier.released.is_set()
    assert sent_to(bot, staff_id) == []  # the staff member's screen is still being prepared
    barrier.released.set()
    await staff
    assert barrier.threads and all(name.startswith("qogam-slow") for name in barrier.threads)
    return sent_to(bot, staff_id)


@pytest.mark.parametrize("command, expected", [("/gaps", "30 open questions"), ("/stats", "Statistics")])
async def test_a_resident_is_answered_while_an_editor_groups_the_open_gaps(bot, conversation, editor, monkeypatch,
                                                                           command, expected):
    barrier = Barrier(cache.cluster_gaps)
    monkeypatch.setattr(cache, "cluster_gaps", barrier)
    shown = await answered_while_held(bot, barrier, fakes.command(command, user_id=editor, language_code="en"),
                                      editor)
    assert expected in shown[0]["text"]


async def test_the_cluster_screen_is_prepared_off_the_loop_too(bot, conversation, editor, monkeypatch):
    [listing] = await bot.replies(fakes.command("/gaps", user_id=editor, language_code="en"))
    opened = next(b["callback_data"] for row in listing["reply_markup"]["inline_keyboard"] for b in row
                  if b["callback_data"].startswith("g:o:"))
    gaps.record(conversation.db, user_key="tg:2000", channel="telegram", lang="ru", question="курс доллара",
                status=gaps.UNANSWERED, candidates=[])  # a new gap: the clusters are grouped again
    barrier = Barrier(cache.cluster_gaps)
    monkeypatch.setattr(cache, "cluster_gaps", barrier)
    staff = asyncio.create_task(bot.send(fakes.button(opened, user_id=editor, language_code="en")))
    assert await asyncio.to_thread(barrier.entered.wait, HOLD_SECONDS)
    [reply] = await bot.replies(fakes.message("кто избирает акима села", user_id=RESIDENT))
    assert reply["text"] and not staff.done()
    barrier.released.set()
    calls = await staff
    [screen] = [c.params for c in calls if c.method == "editMessageText" and int(c.params["chat_id"]) == editor]
    assert "Cluster #" in screen["text"] and "Closest entries" in screen["text"]


async def test_a_resident_is_answered_while_a_broadcaster_groups_a_hearings_questions(town, conversation,  # noqa: F811
                                                                                     monkeypatch):
    bot = town
    queued = await announce_from_file(bot, conversation)
    for n in range(5):
        hearings.add_question(conversation.db, queued.hearing, f"tg:{3000 + n}", "ru",
                              "Когда отремонтируют дорогу на улице Ленина?")
    barrier = Barrier(broadcasters.group_questions)
    monkeypatch.setattr(broadcasters, "group_questions", barrier)
    shown = await answered_while_held(bot, barrier, fakes.button(f"hb:q:{queued.hearing}", user_id=BROADCASTER,
                                                                 language_code="en"), BROADCASTER)
    assert "5 questions, grouped by theme" in shown[0]["text"] and "×5 " in shown[0]["text"]


def test_nobody_else_makes_the_bot_group_anything(conversation, editor):
    resident = Person(f"tg:{RESIDENT}", "telegram", "ru")
    staff = Person(f"tg:{editor}", "telegram", "en")
    in_a_group = Person(f"tg:{editor}", "telegram", "en", private=False)
    assert conversation.slow(resident, command="gaps") is None
    assert conversation.slow(resident, data="g:l:0") is None
    assert conversation.slow(in_a_group, command="gaps") is None  # answered with a link to the private chat
    assert conversation.slow(staff, data="g:d") is None  # disputed answers: no grouping
    assert conversation.slow(staff, command="help") is None
    assert conversation.slow(staff, command="gaps") is not None
    assert conversation.slow(staff, command="start", argument="gaps") is not None  # the group's link
    assert conversation.slow(staff, data="g:o:1") is not None

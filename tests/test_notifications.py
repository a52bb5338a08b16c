""""Notify me when answered" (editors' loop, part 4): the 🔔 under an unanswered question, the
notifications editors queue when they answer it, and the sender that delivers them like broadcasts.
The real conversation, knowledge base and SQLite; fake only the Bot API and the clocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.core.delivery.pacing import Settings, quiet_hours
from bot.core.delivery.sender import MAX_ATTEMPTS, Sender, answer_notice
from bot.core.knowledge.render import TELEGRAM_MESSAGE_LIMIT, answer_text, utf16_length
from bot.core.matching import policy
from bot.core.replies import Person, Reply
from bot.i18n import translator
from bot.storage import gaps, notifications, retention, subscriptions, users
from bot.storage.db import transaction
from bot.telegram.sender import TelegramTransport
from tests.conftest import find_question
from tests.telegram.fakes import FakeBotAPI
from tests.test_delivery import Monotonic

ENTRY = "akim.role"
BELL = "🔔 Notify me when answered"
PROMISE = "I will write to you once when the editors add an answer. /forget deletes this too."
EXPIRED = "This button has expired. Please ask your question again or use /topics."
TOLD = ("{n} answer you asked to be told about", "{n} answers you asked to be told about")




@pytest.fixture
def api():
    return FakeBotAPI()


@pytest.fixture
def sending(conversation, api, wall):
    """The sender `qogam run` starts, on a fake Bot API, with hand-moved clocks; `later(s)` moves both."""
    clock = Monotonic()
    sender = Sender(conversation.db, conversation.areas, TelegramTransport(api.call),
                    Settings(rate=1000, in_flight=2, quiet=None), knowledge=lambda: conversation.kb,
                    monotonic=clock, sleep=clock.sleep)

    def later(seconds: float) -> None:
        wall.advance(seconds=seconds)
        clock.now += seconds

    sender.later = later
    return sender


def bell_data(reply: Reply) -> str:
    [[bell]] = reply.buttons
    assert bell.label == translator(reply.lang).gettext(BELL)
    return bell.data


def texts(replies: list[Reply]) -> list[str]:
    return [r.text for r in replies]


def ask_unanswerable(conversation, person: Person, lang: str = "ru") -> tuple[int, Reply]:
    question, _, _ = find_question(conversation.ctx.matcher, policy.NoMatch, lang)
    [reply] = conversation.ask(person, question)
    assert reply.outcome == "unanswered"
    data = bell_data(reply)
    return int(data.removeprefix("n:")), reply


def opted_in_gap(db, user: str, lang: str = "kk", question: str = "Ертең жаңбыр жауа ма?") -> int:
    """A resident's unanswered question with 🔔 pressed, straight through storage."""
    gap_id = gaps.record(db, user_key=user, channel="telegram", lang=lang, question=question,
                         status=gaps.UNANSWERED, candidates=[])
    assert notifications.opt_in(db, gap_id, user, "telegram")
    return gap_id


def editor_answers(db, gap_ids: list[int], entry_id: str = ENTRY) -> int:
    """What the editors' code does when a cluster of gaps becomes a phrasing of an entry."""
    with transaction(db):
        return notifications.queue_for_gaps(db, gap_ids, entry_id)


def statuses(db, user: str) -> list[str]:
    return [r["status"] for r in db.query("select status from notifications where user_key = ? order by id", [user])]


# ---- the 🔔 button -----------------------------------------------------------------------------------
def test_the_bell_is_under_no_match_and_only_its_asker_can_press_it(conversation):
    asker, stranger = Person("tg:1", "telegram", "ru"), Person("tg:2", "telegram", "en")
    gap_id, reply = ask_unanswerable(conversation, asker)
    assert bell_data(reply) == f"n:{gap_id}"

    assert texts(conversation.press(stranger, f"n:{gap_id}")) == [translator("en").gettext(EXPIRED)]
    assert conversation.db.execute("select notify from gaps where id = ?", [gap_id]).fetchone()[0] is None

    for _ in range(2):  # pressing twice is harmless
        [promise] = conversation.press(asker, f"n:{gap_id}")
        assert promise.text == translator("ru").gettext(PROMISE)
        assert promise.closes_pressed and not promise.replaces_pressed and promise.buttons == ()
    assert conversation.db.execute("select notify from gaps where id = ?", [gap_id]).fetchone()[0] == 1
    assert users.get_user(conversation.db, "tg:1") is not None  # known now, so that it can be notified


def test_none_of_these_offers_the_bell_too(conversation):
    person = Person("tg:3", "telegram", "ru")
    question, _, _ = find_question(conversation.ctx.matcher, policy.Suggest, "ru")
    [suggestions] = conversation.ask(person, question)
    none_of_these = suggestions.buttons[-1][0].data
    gap_id = int(none_of_these.removeprefix("x:"))
    [reply] = conversation.press(person, none_of_these)
    assert reply.closes_pressed and bell_data(reply) == f"n:{gap_id}"
    [promise] = conversation.press(person, f"n:{gap_id}")
    assert promise.text == translator(reply.lang).gettext(PROMISE)


@pytest.mark.parametrize("data", ["n", "n:", "n:abc", "n:-1", "n:1:2", "n: 1", "n:١٢", "n:" + "9" * 30, "n:0"])
def test_forged_bell_data_is_expired_and_changes_nothing(conversation, data):
    person = Person("tg:4", "telegram", "en")
    ask_unanswerable(conversation, person, "en")
    assert texts(conversation.press(person, data)) == [translator("en").gettext(EXPIRED)]
    assert conversation.db.execute("select count(*) from gaps where notify = 1").fetchone()[0] == 0


def test_a_gap_the_editors_already_closed_cannot_be_subscribed_to(conversation):
    person = Person("tg:5", "telegram", "ru")
    gap_id, _ = ask_unanswerable(conversation, person)
    gaps.set_status(conversation.db, gap_id, gaps.RESOLVED, ENTRY)
    assert texts(conversation.press(person, f"n:{gap_id}")) == [translator("ru").gettext(EXPIRED)]


def test_no_bell_in_a_group_where_the_bot_may_not_write_to_the_asker_privately(conversation):
    person = Person("tg:6", "telegram", "ru", private=False)
    question, _, _ = find_question(conversation.ctx.matcher, policy.NoMatch, "ru")
    [reply] = conversation.ask(person, question)
    assert reply.outcome == "unanswered" and reply.buttons == ()


# ---- queuing -----------------------------------------------------------------------------------------
def test_editors_queue_one_notification_per_opted_in_gap_once_and_skip_stopped_residents(db):
    asked_twice = [opted_in_gap(db, "tg:10", "ru"), opted_in_gap(db, "tg:10", "ru", "Ещё раз: курс евро?")]
    in_kazakh = opted_in_gap(db, "tg:11", "kk")
    silent = gaps.record(db, user_key="tg:12", channel="telegram", lang="ru", question="q",
                         status=gaps.UNANSWERED, candidates=[])
    blocked = opted_in_gap(db, "tg:13", "ru")
    subscriptions.mark_stopped(db, "tg:13")
    cluster = [*asked_twice, in_kazakh, silent, blocked]

    assert editor_answers(db, cluster) == 2
    assert editor_answers(db, cluster) == 0  # the same cluster again: nobody is told twice
    rows = {(r["user_key"], r["gap_id"]): (r["status"], r["lang"], r["entry_id"])
            for r in db.query("select * from notifications")}
    assert rows == {
        ("tg:10", asked_twice[0]): ("pending", "ru", ENTRY),
        ("tg:10", asked_twice[1]): ("skipped", "ru", ENTRY),  # the same answer reaches them once
        ("tg:11", in_kazakh): ("pending", "kk", ENTRY),
    }
    # A later question of theirs that gets the same answer is not sent again either.
    assert editor_answers(db, [opted_in_gap(db, "tg:11", "kk", "Тағы да")]) == 0


def test_queuing_joins_the_editors_transaction_and_rolls_back_with_it(db):
    gap_id = opted_in_gap(db, "tg:14")
    with pytest.raises(RuntimeError), transaction(db):
        notifications.queue_for_gaps(db, [gap_id], ENTRY)
        raise RuntimeError("the editor's action failed")
    assert db["notifications"].count == 0


# ---- sending -----------------------------------------------------------------------------------------
async def test_the_sender_delivers_a_notification_once_in_the_gaps_language_with_the_answer(
        conversation, sending, api, kb):
    db = conversation.db
    users.set_language(db, "tg:501", "telegram", "ru")  # the interface is Russian, the question was Kazakh
    editor_answers(db, [opted_in_gap(db, "tg:501", "kk")])
    assert await sending.drain() == 1
    [sent] = api.sent()
    assert sent["chat_id"] == 501 and not sent.get("reply_markup")
    kazakh = translator("kk")
    assert sent["text"] == kazakh.gettext("There is now an answer to a question you asked:") + "\n\n" + \
        answer_text(kb.entries[ENTRY], kazakh)
    assert statuses(db, "tg:501") == ["sent"]
    sending.later(3600)
    assert await sending.drain() == 0 and len(api.sent()) == 1


async def test_a_429_pauses_and_the_notification_goes_after_the_wait(conversation, sending, api):
    db = conversation.db
    editor_answers(db, [opted_in_gap(db, "tg:502")])
    api.chat_failures = {502: [(429, "Too Many Requests: retry after 1")]}
    await sending.drain()
    row = db.execute("select status, attempts, error, next_at from notifications").fetchone()
    assert row[:3] == ("pending", 0, "429") and row[3]  # a 429 is not the resident's fault: no try counted
    sending.later(1)
    await sending.drain()
    assert statuses(db, "tg:502") == ["sent"] and [p["chat_id"] for p in api.sent()] == [502, 502]


async def test_timeouts_are_retried_with_backoff_and_fail_after_the_last_try(conversation, sending, api):
    db = conversation.db
    editor_answers(db, [opted_in_gap(db, "tg:503")])
    editor_answers(db, [opted_in_gap(db, "tg:504")])
    api.chat_failures = {503: [(0, "timeout"), (502, "Bad Gateway")], 504: [(0, "timeout")]}
    api.sticky = {504}
    for _ in range(MAX_ATTEMPTS + 1):
        await sending.drain()
        sending.later(20)  # longer than the longest backoff (16 s)
    assert statuses(db, "tg:503") == ["sent"]
    assert db.execute("select attempts from notifications where user_key = 'tg:503'").fetchone()[0] == 2
    status, error = db.execute("select status, error from notifications where user_key = 'tg:504'").fetchone()
    assert status == "failed" and f"after {MAX_ATTEMPTS} tries" in error
    assert len([p for p in api.sent() if p["chat_id"] == 504]) == MAX_ATTEMPTS


async def test_a_resident_who_blocked_the_bot_is_stopped_with_everything_pending_for_them(
        conversation, sending, api):
    db = conversation.db
    first, second = opted_in_gap(db, "tg:505"), opted_in_gap(db, "tg:505", question="Басқа сұрақ")
    editor_answers(db, [first])
    editor_answers(db, [second], "akimat.role")
    api.chat_failures = {505: [(403, "Forbidden: bot was blocked by the user")]}
    await sending.drain()
    assert statuses(db, "tg:505") == ["stopped", "stopped"] and len(api.sent()) == 1
    assert subscriptions.is_stopped(db, "tg:505")
    assert editor_answers(db, [opted_in_gap(db, "tg:505", question="Үшінші")], "akim.find") == 0


async def test_quiet_hours_hold_notifications_until_morning(conversation, sending, api, wall):
    db = conversation.db
    sending.settings = replace(sending.settings, quiet=quiet_hours("22:00-08:00"))
    wall.set_local(dt.datetime(2026, 11, 23, 23, 30))
    editor_answers(db, [opted_in_gap(db, "tg:506")])
    assert await sending.drain() == 0 and api.sent() == []
    wall.set_local(dt.datetime(2026, 11, 24, 8, 0))
    await sending.drain()
    assert [p["chat_id"] for p in api.sent()] == [506]


async def test_an_entry_gone_from_the_knowledge_base_fails_the_row_with_the_reason(conversation, sending, api):
    db = conversation.db
    editor_answers(db, [opted_in_gap(db, "tg:507")], "no.such.entry")
    await sending.drain()
    status, error = db.execute("select status, error from notifications").fetchone()
    assert status == "failed" and "no.such.entry" in error and api.sent() == []


async def test_without_a_knowledge_base_the_sender_leaves_notifications_waiting(conversation, api, wall):
    db = conversation.db
    editor_answers(db, [opted_in_gap(db, "tg:508")])
    clock = Monotonic()
    sender = Sender(db, conversation.areas, TelegramTransport(api.call), Settings(rate=1000, quiet=None),
                    monotonic=clock, sleep=clock.sleep)
    assert await sender.drain() == 0 and statuses(db, "tg:508") == ["pending"]


def test_the_notice_fits_one_telegram_message_even_for_the_longest_answer(kb):
    entry = kb.entries[ENTRY]
    long = replace(entry, texts={lang: replace(text, answer="Ә" * 4000) for lang, text in entry.texts.items()})
    for lang in ("kk", "ru", "en"):
        notice = answer_notice(long, lang)
        assert utf16_length(notice.text) <= TELEGRAM_MESSAGE_LIMIT and notice.lang == lang
        assert answer_notice(entry, lang).text.endswith(answer_text(entry, translator(lang)))


# ---- /mydata, /forget, retention --------------------------------------------------------------------------
def told_line(person_lang: str, n: int) -> str:
    return translator(person_lang).ngettext(*TOLD, n)


async def test_mydata_counts_requests_until_their_answer_is_sent(conversation, sending):
    person = Person("tg:509", "telegram", "ru")
    gap_id, _ = ask_unanswerable(conversation, person)

    def mydata() -> str:
        [reply] = conversation.command(person, "mydata")
        return reply.text

    assert told_line("ru", 0) in mydata()
    conversation.press(person, f"n:{gap_id}")
    assert told_line("ru", 1) in mydata()  # waiting for the editors
    editor_answers(conversation.db, [gap_id])
    assert told_line("ru", 1) in mydata()  # the answer is on its way
    assert [r["status"] for r in notifications.pending_for(conversation.db, "tg:509")] == ["pending"]
    await sending.drain()
    assert told_line("ru", 0) in mydata()


def test_forget_deletes_the_requests_and_the_notifications(conversation):
    person = Person("tg:510", "telegram", "ru")
    gap_id, _ = ask_unanswerable(conversation, person)
    conversation.press(person, f"n:{gap_id}")
    editor_answers(conversation.db, [gap_id])
    conversation.press(person, "forget")
    assert conversation.db["notifications"].count == 0
    assert notifications.pending_for(conversation.db, "tg:510") == []


def test_retention_deletes_old_notifications_once_they_are_no_longer_pending(conversation, wall):
    db = conversation.db
    editor_answers(db, [opted_in_gap(db, "tg:511")])
    editor_answers(db, [opted_in_gap(db, "tg:512")])
    for user in ("tg:511", "tg:512"):
        [(row_id,)] = db.execute("select id from notifications where user_key = ?", [user]).fetchall()
        notifications.mark_sent(db, row_id)
    editor_answers(db, [opted_in_gap(db, "tg:514")])  # never delivered: still owed to its resident
    wall.advance(days=400)
    editor_answers(db, [opted_in_gap(db, "tg:513")])
    assert retention.purge(db, 365)["notifications"] == 2
    assert {(r["user_key"], r["status"]) for r in db.query("select * from notifications")} == {
        ("tg:514", "pending"), ("tg:513", "pending")}

"""Hearings and broadcasts through the real Application and the sender `qogam run` starts, with a fake
Bot API at the HTTP boundary and a hand-moved wall clock."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from bot.core.hearings import broadcasts as announcing
from bot.core.hearings import hearing as hearing_store
from bot.core.hearings.hearing import from_mapping
from bot.core.hearings.messages import ANNOUNCEMENT, CORRECTION, message
from bot.core.text.redact import PHONE
from bot.i18n import translator
from bot.storage import audit, hearings, outbox, roles, subscriptions
from tests.telegram import fakes
from tests.telegram.conftest import TEST_SENDING

BROADCASTER = 7
KK, RU, EN, ELSEWHERE, REGION_FAN = 101, 102, 103, 104, 105


def hearing_file(**changes) -> dict:
    data = {
        "area": "akt.khromtau", "starts_at": "2026-12-05T15:00", "duration_minutes": 120,
        "place": "Хромтау, ул. Абая 12, актовый зал", "online_url": "https://example.kz/live",
        "kk": {"title": "Аудан бюджетінің жобасы", "agenda": "2027 жылғы бюджет жобасын талқылау."},
        "ru": {"title": "Проект бюджета района", "agenda": "Обсуждение проекта бюджета на 2027 год."},
    }
    data.update(changes)
    return data


def keyboard_data(params: dict) -> list[str]:
    return [b["callback_data"] for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def button_with(params: dict, prefix: str) -> str:
    return next(d for d in keyboard_data(params) if d.startswith(prefix))


@pytest.fixture
async def town(bot, conversation, wall):
    """Residents of Khromtau district in three languages, one who follows the whole Aktobe region, one
    elsewhere, and a broadcaster for Aktobe region."""
    for user, lang, area in ((KK, "kk", "akt.khromtau"), (RU, "ru", "akt.khromtau"), (EN, "en", "akt.khromtau"),
                             (ELSEWHERE, "ru", "ala"), (REGION_FAN, "kk", "akt")):
        await bot.send(fakes.button(f"sb:{area}:tree", user_id=user, language_code=lang))
    with conversation.db.conn:
        roles.grant(conversation.db, f"tg:{BROADCASTER}", "broadcaster", "akt", "tg:1")
    bot.api.clear()
    return bot


def sent_to(api, method: str = "sendMessage") -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for params in api.sent(method):
        found.setdefault(int(params["chat_id"]), []).append(params)
    return found


async def announce_from_file(bot, conversation, **changes):
    hearing = from_mapping(hearing_file(**changes), conversation.areas)
    return announcing.announce(conversation.db, conversation.areas, hearing, "cli:test")


async def test_a_broadcaster_announces_a_hearing_step_by_step_and_every_subscriber_hears_once(town, conversation):
    bot = town

    def say(text):
        bot.clock.advance(10)  # a person typing, not a flood
        return bot.replies(fakes.message(text, user_id=BROADCASTER, language_code="en"))

    def press(data):
        bot.clock.advance(10)
        return bot.send(fakes.button(data, user_id=BROADCASTER, language_code="en"))

    (listing,) = await bot.replies(fakes.command("/hearing", user_id=BROADCASTER, language_code="en"))
    calls = await press(button_with(listing, "hb:new"))
    (area_step,) = [c.params for c in calls if c.method == "sendMessage"]
    assert "step 1 of 12" in area_step["text"]
    # The broadcaster's own region and its districts are offered; Khromtau district is one tap.
    calls = await press(next(d for d in keyboard_data(area_step) if d.endswith(":akt.khromtau")))
    (start_step,) = [c.params for c in calls if c.method == "sendMessage"]
    assert "step 2 of 12" in start_step["text"]

    (refused,) = await say("01.01.2020 10:00")
    assert translator("en").gettext("The start {start} is in the past. Give a future date and time.",
                                    start="Jan 1, 2020, 10:00") in refused["text"]
    assert "step 2 of 12" in refused["text"]  # the same question again
    (duration_step,) = await say("05.12.2026 15:00")
    calls = await press(button_with(duration_step, "hb:du:"))
    (_place_step,) = [c.params for c in calls if c.method == "sendMessage"]
    (_point_step,) = await say("Хромтау, ул. Абая 12, актовый зал")
    (url_step,) = await say("50.2519, 58.4347")
    calls = await press(button_with(url_step, "hb:sk:"))  # no online link
    (_kk_title,) = [c.params for c in calls if c.method == "sendMessage"]
    await say("Аудан бюджетінің жобасы")
    await say("2027 жылғы бюджет жобасын талқылау.")
    await say("Проект бюджета района")
    (_en_title,) = await say("Обсуждение проекта бюджета на 2027 год.")
    preview = await say("District budget draft")
    assert "The agenda in English" in preview[0]["text"]
    preview = await say("Discussion of the 2027 budget draft.")

    draft = hearing_store.get(conversation.db, hearings.drafts_of(conversation.db, f"tg:{BROADCASTER}")[0])
    # The preview is exactly what residents get, in each language the hearing has.
    for lang, part in zip(("kk", "ru", "en"), preview[1:4]):
        assert part["text"] == message(draft, ANNOUNCEMENT, lang, conversation.areas).text
    confirm = preview[-1]
    send_button = next(b for row in confirm["reply_markup"]["inline_keyboard"] for b in row
                       if b["callback_data"].startswith("hb:go:"))
    assert send_button["text"] == translator("en").ngettext(
        "📣 Send to {n} subscriber", "📣 Send to {n} subscribers", 4)  # 3 in the district, 1 for the region
    await press(send_button["callback_data"])
    bot.api.clear()

    await bot.sender.drain()
    got = sent_to(bot.api)
    assert set(got) == {KK, RU, EN, REGION_FAN, BROADCASTER}  # the broadcaster gets the progress message
    hearing = hearing_store.get(conversation.db, draft.id)
    for user, lang in ((KK, "kk"), (RU, "ru"), (EN, "en"), (REGION_FAN, "kk")):
        (only,) = got[user]
        assert only["text"] == message(hearing, ANNOUNCEMENT, lang, conversation.areas).text
        assert {"hc", "hr", "hq", "hu"} == {d.split(":")[0] for d in keyboard_data(only)}
    (progress,) = got[BROADCASTER]
    assert translator("en").gettext("Sent: {n}", n=4) in progress["text"]
    assert [e["action"] for e in audit.entries(conversation.db)][:2] == ["broadcast_finished", "broadcast"]

    # Sending again sends nothing: every row is done.
    bot.api.clear()
    assert await bot.sender.drain() == 0
    assert bot.api.sent() == []


async def test_the_calendar_file_imports_with_uid_sequence_and_utc_times(town, conversation):
    bot = town
    queued = await announce_from_file(bot, conversation)
    await bot.sender.drain()
    (announcement,) = sent_to(bot.api)[RU]
    calls = await bot.send(fakes.button(button_with(announcement, "hc:"), user_id=RU, language_code="ru"))
    (document,) = [c.params for c in calls if c.method == "sendDocument"]
    name, content, mime = document["_files"]["document"]
    assert name == f"hearing-{queued.hearing}.ics" and mime == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]).endswith("Проект бюджета района")
    # 15:00 in Kazakhstan (UTC+5) is 10:00 UTC, written with a Z.
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
    assert b"DTSTART:20261205T100000Z" in content
    assert event["sequence"] == 0 and "dtstamp" in event and str(event["location"]).startswith("Хромтау")
    first_uid = str(event["uid"])

    # A correction: the same people, a new time, the same UID with a higher SEQUENCE.
    bot.api.clear()
    announcing.correct(conversation.db, conversation.areas, queued.hearing, "cli:test",
                       starts_at=dt.datetime(2026, 12, 6, 11, 0))
    await bot.sender.drain()
    got = sent_to(bot.api)
    assert set(got) == {KK, RU, EN, REGION_FAN}
    hearing = hearing_store.get(conversation.db, queued.hearing)
    assert got[RU][0]["text"] == message(hearing, CORRECTION, "ru", conversation.areas).text
    calls = await bot.send(fakes.button(button_with(got[RU][0], "hc:"), user_id=RU, language_code="ru"))
    (document,) = [c.params for c in calls if c.method == "sendDocument"]
    event = Calendar.from_ical(document["_files"]["document"][1]).walk("VEVENT")[0]
    assert str(event["uid"]) == first_uid and event["sequence"] == 1
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.UTC)


async def test_reminders_reach_those_who_received_it_and_still_follow_the_area(town, conversation, wall):
    bot = town
    queued = await announce_from_file(bot, conversation)
    await bot.sender.drain()
    (announcement,) = sent_to(bot.api)[EN]
    await bot.send(fakes.button(button_with(announcement, "hu:"), user_id=EN, language_code="en"))
    assert subscriptions.of_user(conversation.db, f"tg:{EN}") == []
    # Someone who subscribes after the announcement went out did not receive it: no reminder either.
    await bot.send(fakes.button("sb:akt.khromtau", user_id=999, language_code="ru"))
    bot.api.clear()

    wall.set_local(dt.datetime(2026, 12, 4, 15, 0))  # 24 hours before
    await bot.sender.drain()
    got = sent_to(bot.api)
    assert set(got) == {KK, RU, REGION_FAN}
    assert got[KK][0]["text"].startswith(translator("kk").gettext("⏰ Reminder: public hearing “{title}”",
                                                                  title="Аудан бюджетінің жобасы"))
    bot.api.clear()
    wall.set_local(dt.datetime(2026, 12, 5, 13, 0))  # 2 hours before
    await bot.sender.drain()
    assert set(sent_to(bot.api)) == {KK, RU, REGION_FAN}
    kinds = [b["kind"] for b in outbox.of_hearing(conversation.db, queued.hearing)]
    assert kinds == ["announcement", "reminder", "reminder"]


async def test_a_cancellation_drops_unsent_messages_and_reminders_and_tells_who_was_told(town, conversation, wall):
    bot = town
    queued = await announce_from_file(bot, conversation)
    # Only two residents have been told when the hearing is cancelled.
    rows = conversation.db.execute("select id from deliveries where broadcast_id = ? order by id limit 2",
                                   [queued.broadcast]).fetchall()
    for (row_id,) in rows:
        outbox.mark_sent(conversation.db, row_id)
    told = {u for (u,) in conversation.db.execute(
        "select user_key from deliveries where status = 'sent'").fetchall()}
    cancelled = announcing.cancel(conversation.db, conversation.areas, queued.hearing, "cli:test")
    assert cancelled.recipients == 2
    await bot.sender.drain()
    got = sent_to(bot.api)
    assert {f"tg:{u}" for u in got} == told
    for params in got.values():
        assert params[0]["text"].startswith(("❌",))
    assert outbox.counts(conversation.db, queued.broadcast)["skipped"] == 2
    bot.api.clear()
    wall.set_local(dt.datetime(2026, 12, 5, 13, 0))
    await bot.sender.drain()
    assert bot.api.sent() == []  # no reminders for a cancelled hearing


async def test_blocked_slow_and_rate_limited_recipients(town, conversation, wall):
    bot = town
    bot.api.chat_failures = {
        KK: [(403, "Forbidden: bot was blocked by the user")],
        RU: [(429, "Too Many Requests: retry after 1")],
        EN: [(0, "timeout")],
        REGION_FAN: [(400, "Bad Request: chat not found")],
    }
    queued = await announce_from_file(bot, conversation)
    await bot.sender.drain()
    counts = outbox.counts(conversation.db, queued.broadcast)
    assert counts | {"total": 0} == {"sent": 0, "pending": 2, "stopped": 2, "failed": 0, "skipped": 0, "total": 0}
    assert subscriptions.is_stopped(conversation.db, f"tg:{KK}")
    assert subscriptions.is_stopped(conversation.db, f"tg:{REGION_FAN}")

    wall.advance(seconds=3)  # past retry_after (1 s) and the first backoff (2 s)
    await bot.sender.drain()
    counts = outbox.counts(conversation.db, queued.broadcast)
    assert (counts["sent"], counts["pending"], counts["stopped"]) == (2, 0, 2)
    assert [p["chat_id"] for p in bot.api.sent()].count(RU) == 2  # refused once, then delivered once

    # A chat that always times out fails after five tries, with the reason kept.
    bot.api.chat_failures = {RU: [(0, "timeout")]}
    bot.api.sticky = {RU}
    correction = announcing.correct(conversation.db, conversation.areas, queued.hearing, "cli:test",
                                    place="Хромтау, Дом культуры")
    for _ in range(6):
        await bot.sender.drain()
        wall.advance(seconds=20)
    row = conversation.db.execute("select status, attempts, error from deliveries where broadcast_id = ? and "
                                  "user_key = ?", [correction.broadcast, f"tg:{RU}"]).fetchone()
    assert row[0] == "failed" and "after 5 tries" in row[2]


def quiet(bot):
    from dataclasses import replace

    from bot.core.delivery.pacing import quiet_hours

    bot.sender.settings = replace(bot.sender.settings, quiet=quiet_hours("22:00-08:00"))


async def test_quiet_hours_hold_messages_until_morning_unless_truly_urgent(town, conversation, wall):
    """Urgent means a hearing early the next morning, or a change within a day of it; not any announcement
    a broadcaster marks urgent."""
    bot = town
    quiet(bot)
    # Announced by day, heard by day; a correction of it is made at night further down.
    tomorrow = await announce_from_file(bot, conversation, starts_at="2026-11-24T15:00", area="ala")
    later = await announce_from_file(bot, conversation, starts_at="2026-12-05T15:00", area="ala")
    await bot.sender.drain()
    bot.api.clear()
    wall.set_local(dt.datetime(2026, 11, 23, 23, 30))
    held = await announce_from_file(bot, conversation)
    urgent_in_ten_days = await announce_from_file(bot, conversation, urgent=True)
    early = await announce_from_file(bot, conversation, urgent=True, starts_at="2026-11-24T09:30")
    changed_tomorrow = announcing.correct(conversation.db, conversation.areas, tomorrow.hearing, "cli:test",
                                          place="Алматы, Дом культуры")
    changed_later = announcing.correct(conversation.db, conversation.areas, later.hearing, "cli:test",
                                       place="Алматы, Дом культуры")
    await bot.sender.drain()
    sent = {b: outbox.counts(conversation.db, b)["sent"] for b in (
        held.broadcast, urgent_in_ten_days.broadcast, early.broadcast, changed_tomorrow.broadcast,
        changed_later.broadcast)}
    # At night: the urgent announcement of a hearing before 10:00 tomorrow, and the change of tomorrow's.
    assert sent == {held.broadcast: 0, urgent_in_ten_days.broadcast: 0, early.broadcast: 4,
                    changed_tomorrow.broadcast: 1, changed_later.broadcast: 0}
    wall.set_local(dt.datetime(2026, 11, 24, 8, 0))
    await bot.sender.drain()
    for queued in (held, urgent_in_ten_days, changed_later):
        assert outbox.counts(conversation.db, queued.broadcast)["sent"] == (1 if queued is changed_later else 4)


async def test_a_cancellation_within_a_day_goes_at_night_and_one_later_waits(town, conversation, wall):
    bot = town
    quiet(bot)
    soon = await announce_from_file(bot, conversation, starts_at="2026-11-24T18:00")
    later = await announce_from_file(bot, conversation, starts_at="2026-11-25T18:00")
    await bot.sender.drain()
    wall.set_local(dt.datetime(2026, 11, 23, 23, 0))
    urgent = announcing.cancel(conversation.db, conversation.areas, soon.hearing, "cli:test")
    waits = announcing.cancel(conversation.db, conversation.areas, later.hearing, "cli:test")
    await bot.sender.drain()
    assert outbox.counts(conversation.db, urgent.broadcast)["sent"] == 4
    assert outbox.counts(conversation.db, waits.broadcast)["sent"] == 0


async def test_an_announcement_whose_hearing_began_while_it_waited_is_dropped_with_the_reason(town, conversation,
                                                                                               wall):
    bot = town
    quiet(bot)
    wall.set_local(dt.datetime(2026, 11, 23, 23, 0))
    queued = await announce_from_file(bot, conversation, starts_at="2026-11-24T07:30")  # held for the morning
    await bot.sender.drain()
    wall.set_local(dt.datetime(2026, 11, 24, 8, 0))  # the quiet hours end after the hearing began
    await bot.sender.drain()
    assert bot.api.sent() == []
    counts = outbox.counts(conversation.db, queued.broadcast)
    assert (counts["sent"], counts["pending"], counts["skipped"]) == (0, 0, 4)
    reasons = {r[0] for r in conversation.db.execute("select error from deliveries where broadcast_id = ?",
                                                     [queued.broadcast])}
    assert reasons == {"the hearing had begun before its turn came"}
    assert outbox.get(conversation.db, queued.broadcast)["status"] == "done"


async def test_a_reminder_held_past_the_start_is_dropped_and_a_bot_down_past_it_sends_nothing(town, conversation,
                                                                                             wall):
    bot = town
    quiet(bot)
    queued = await announce_from_file(bot, conversation, starts_at="2026-11-24T07:45")
    await bot.sender.drain()  # the announcement goes by day
    bot.api.clear()
    wall.set_local(dt.datetime(2026, 11, 24, 5, 50))  # the 2-hour reminder is due, but it is night
    await bot.sender.drain()
    (reminder,) = [b for b in outbox.of_hearing(conversation.db, queued.hearing) if b["kind"] == "reminder"]
    assert outbox.counts(conversation.db, reminder["id"])["pending"] == 4 and bot.api.sent() == []
    wall.set_local(dt.datetime(2026, 11, 24, 8, 0))
    await bot.sender.drain()
    assert bot.api.sent() == [] and outbox.counts(conversation.db, reminder["id"])["skipped"] == 4
    # A bot that was down from before an announcement was sent until after its hearing began: nothing goes.
    bot.sender.settings = TEST_SENDING
    wall.set_local(dt.datetime(2026, 11, 24, 10, 0))
    late = await announce_from_file(bot, conversation, starts_at="2026-11-24T11:00")
    wall.set_local(dt.datetime(2026, 11, 24, 12, 0))
    await bot.sender.drain()
    assert bot.api.sent() == [] and outbox.counts(conversation.db, late.broadcast)["skipped"] == 4


async def test_progress_is_edited_at_most_every_five_seconds(town, conversation):
    from dataclasses import replace

    bot = town
    seconds = [0.0]

    async def sleep(delay):
        seconds[0] += delay

    for user in range(200, 212):
        await bot.send(fakes.button("sb:akt.khromtau", user_id=user, language_code="ru"))
    bot.sender._monotonic = lambda: seconds[0]
    bot.sender._sleep = sleep
    bot.sender.settings = replace(bot.sender.settings, rate=1.0)  # one a second: 16 recipients, 16 s
    hearing = from_mapping(hearing_file(), conversation.areas)
    announcing.announce(conversation.db, conversation.areas, hearing, f"tg:{BROADCASTER}",
                        progress_user=f"tg:{BROADCASTER}")
    bot.api.clear()
    await bot.sender.drain()
    updates = [c for c in bot.api.calls if c.params.get("chat_id") == BROADCASTER]
    assert [c.method for c in updates] == ["sendMessage", "editMessageText", "editMessageText", "editMessageText"]
    assert translator("en").gettext("Broadcast finished.") not in updates[0].params["text"]
    assert "16" in updates[-1].params["text"]


async def test_residents_attend_once_and_ask_a_question_that_is_stored_redacted(town, conversation):
    bot = town
    queued = await announce_from_file(bot, conversation)
    await bot.sender.drain()
    (announcement,) = sent_to(bot.api)[RU]
    attend = button_with(announcement, "hr:")
    for _ in range(3):
        await bot.send(fakes.button(attend, user_id=RU, language_code="ru"))
    assert hearings.attending(conversation.db, queued.hearing) == 1

    (_prompt,) = await bot.replies(fakes.button(button_with(announcement, "hq:"), user_id=RU, language_code="ru"))
    (thanks,) = await bot.replies(fakes.message("Когда отремонтируют дорогу? Мой номер +7 701 123 45 67",
                                                user_id=RU, language_code="ru"))
    assert "/mydata" in thanks["text"]
    (stored,) = hearings.questions(conversation.db, queued.hearing)
    assert PHONE in stored["question"] and "701" not in stored["question"]
    (mydata,) = await bot.replies(fakes.command("/mydata", user_id=RU, language_code="ru"))
    assert stored["question"] in mydata["text"]

    (_listing,) = await bot.replies(fakes.command("/hearing", user_id=BROADCASTER, language_code="en"))
    (shown,) = await bot.replies(fakes.button(f"hb:q:{queued.hearing}", user_id=BROADCASTER, language_code="en"))
    assert stored["question"] in shown["text"] and "Will attend: 1" in shown["text"]

    (_confirm,) = await bot.replies(fakes.command("/forget", user_id=RU, language_code="ru"))
    await bot.send(fakes.button("forget", user_id=RU, language_code="ru"))
    assert hearings.questions(conversation.db, queued.hearing) == []
    assert hearings.attending(conversation.db, queued.hearing) == 0


async def test_a_hearing_question_is_stored_without_escape_control_or_bidi_characters(town, conversation):
    bot = town
    queued = await announce_from_file(bot, conversation)
    await bot.sender.drain()
    (announcement,) = sent_to(bot.api)[RU]
    await bot.replies(fakes.button(button_with(announcement, "hq:"), user_id=RU, language_code="ru"))
    await bot.replies(fakes.message("\x1b[1;31mКогда\x1b[0m отремонтируют\x00 дорогу?"
                                    "\u202e\u2066 ?ьсолачс отч\u2069\u202c "
                                    "\x1b]8;;https://x.example\x07ссылка\x1b]8;;\x07\rконец",
                                    user_id=RU, language_code="ru"))
    (stored,) = hearings.questions(conversation.db, queued.hearing)
    assert stored["question"] == "Когда отремонтируют дорогу? ?ьсолачс отч ссылка конец"


async def test_hearing_is_unknown_to_residents_and_its_buttons_expire_for_them(town, conversation):
    bot = town
    (reply,) = await bot.replies(fakes.command("/hearing", user_id=KK, language_code="kk"))
    assert reply["text"] == translator("kk").gettext("I don't know the command /{command}. See /help.",
                                                     command="hearing")
    queued = await announce_from_file(bot, conversation)
    for forged in (f"hb:cy:{queued.hearing}", "hb:new", f"hb:go:{queued.hearing}", "hc:999999", "hr:x", "hq:"):
        (reply,) = await bot.replies(fakes.button(forged, user_id=KK, language_code="kk"))
        assert reply["text"] == translator("kk").gettext(
            "This button has expired. Please ask your question again or use /topics.")
    assert hearing_store.get(conversation.db, queued.hearing).status == "announced"


async def test_a_broadcaster_cannot_announce_outside_their_area(town, conversation):
    bot = town
    (_listing,) = await bot.replies(fakes.command("/hearing", user_id=BROADCASTER, language_code="en"))
    calls = await bot.send(fakes.button("hb:new", user_id=BROADCASTER, language_code="en"))
    (area_step,) = [c.params for c in calls if c.method == "sendMessage"]
    draft = area_step["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[2]
    (refused,) = await bot.replies(fakes.button(f"hb:ar:{draft}:ala", user_id=BROADCASTER, language_code="en"))
    assert "outside" in refused["text"] and "step 1 of 12" in refused["text"]
    (refused,) = await bot.replies(fakes.message("Шымкент", user_id=BROADCASTER, language_code="en"))
    assert "outside" in refused["text"]
    (several,) = await bot.replies(fakes.message("Алматы", user_id=BROADCASTER, language_code="en"))
    assert "several" in several["text"]


async def test_only_residents_the_hearing_concerns_may_attend_or_ask(town, conversation):
    bot = town
    queued = await announce_from_file(bot, conversation)
    await bot.sender.drain()
    hid = queued.hearing
    expired_text = translator("ru").gettext("This button has expired. Please ask your question again or use /topics.")
    # Elsewhere (Almaty) and a stranger who follows nothing: forged buttons for this hearing are expired.
    for user in (ELSEWHERE, 999):
        for data in (f"hr:{hid}", f"hq:{hid}"):
            (reply,) = await bot.replies(fakes.button(data, user_id=user, language_code="ru"))
            assert reply["text"] == expired_text
    # Following the region for its own hearings only: a district's hearing is not theirs either.
    subscriptions.subscribe(conversation.db, "tg:106", "telegram", "akt", "area")
    (reply,) = await bot.replies(fakes.button(f"hr:{hid}", user_id=106, language_code="ru"))
    assert reply["text"] == expired_text
    assert hearings.attending(conversation.db, hid) == 0 and hearings.questions(conversation.db, hid) == []
    # The region's 'everything in it' follower was sent it; so was RU, who then stops following and may still
    # answer it; someone who starts following the district now may too.
    (reply,) = await bot.replies(fakes.button(f"hr:{hid}", user_id=REGION_FAN, language_code="kk"))
    assert reply["text"] != translator("kk").gettext(
        "This button has expired. Please ask your question again or use /topics.")
    subscriptions.unsubscribe(conversation.db, f"tg:{RU}", "akt.khromtau")
    await bot.replies(fakes.button(f"hr:{hid}", user_id=RU, language_code="ru"))
    subscriptions.subscribe(conversation.db, "tg:107", "telegram", "akt.khromtau", "tree")
    await bot.replies(fakes.button(f"hq:{hid}", user_id=107, language_code="ru"))
    (thanks,) = await bot.replies(fakes.message("Когда отремонтируют дорогу?", user_id=107, language_code="ru"))
    assert "/mydata" in thanks["text"]
    assert hearings.attending(conversation.db, hid) == 2 and len(hearings.questions(conversation.db, hid)) == 1

"""The sender's pacing and settings, and the hearing checks, on the real core with a hand-moved clock;
the Bot API at its boundary is the fake from tests/telegram."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bot.core.delivery.pacing import QuietHours, Settings, quiet_hours
from bot.core.delivery.sender import Delivered, Rejected, Sender, TooMany, Transient, Unreachable
from bot.core.hearings import broadcasts as announcing
from bot.core.hearings.hearing import HearingError, check_start, from_mapping, parse_point
from bot.storage import outbox, roles, subscriptions
from bot.telegram.sender import TelegramTransport, result_of
from tests.telegram.fakes import FakeBotAPI
from tests.telegram.test_hearings import hearing_file


class Monotonic:
    """time.monotonic and asyncio.sleep together: sleeping moves the clock, nothing else does."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def subscribe(db, count: int, area: str = "akt.khromtau") -> None:
    for n in range(count):
        subscriptions.subscribe(db, f"tg:{1000 + n}", "telegram", area)


async def test_sends_start_evenly_and_no_rolling_second_holds_more_than_the_rate(conversation, wall):
    subscribe(conversation.db, 120)
    announcing.announce(conversation.db, conversation.areas, from_mapping(hearing_file(), conversation.areas),
                        "cli:test")
    api, clock = FakeBotAPI(), Monotonic()
    starts: list[float] = []

    async def call(method, params):
        starts.append(clock())
        return await api.call(method, params)

    sender = Sender(conversation.db, conversation.areas, TelegramTransport(call),
                    Settings(rate=29.0, in_flight=8, quiet=None), monotonic=clock, sleep=clock.sleep)
    await sender.drain()
    assert len(starts) == 120 == len(api.sent())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / 29 - 1e-9
    most_in_a_second = max(sum(1 for t in starts if s <= t < s + 1.0 - 1e-9) for s in starts)
    assert most_in_a_second == 29
    assert (starts[-1] - starts[0]) == pytest.approx(119 / 29)  # and no slower than the rate


@pytest.mark.parametrize("status, answer, expected", [
    (200, {"ok": True, "result": {}}, Delivered()),
    (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
           "parameters": {"retry_after": 7}}, TooMany(7.0)),
    (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
     Unreachable("Forbidden: bot was blocked by the user")),
    (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
     Unreachable("Bad Request: chat not found")),
    (400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"},
     Rejected("Bad Request: message is too long")),
    (502, {"ok": False, "description": "HTTP 502, not JSON"}, Transient("HTTP 502, not JSON")),
    (0, {"ok": False, "description": "timed out"}, Transient("timed out")),
])
def test_telegram_answers_mean_what_the_outbox_does(status, answer, expected):
    assert result_of(status, answer) == expected


def test_quiet_hours_wrap_midnight_in_kazakhstan_time():
    quiet = quiet_hours("22:00-08:00")
    utc = dt.UTC
    assert dt.datetime(2026, 11, 23, 17, 0, tzinfo=utc) in quiet  # 22:00 local
    assert dt.datetime(2026, 11, 23, 2, 59, tzinfo=utc) in quiet  # 07:59 local
    assert dt.datetime(2026, 11, 23, 3, 0, tzinfo=utc) not in quiet  # 08:00 local
    assert quiet_hours("off") is None
    assert quiet_hours("13:00-14:00") == QuietHours(dt.time(13), dt.time(14))
    with pytest.raises(ValueError, match="QOGAM_QUIET_HOURS"):
        quiet_hours("late")


def test_settings_and_reminders_come_from_the_environment_or_say_what_is_wrong():
    paid = Settings.from_env({"QOGAM_PAID_BROADCAST": "1", "QOGAM_QUIET_HOURS": "off"})
    assert paid.paid and paid.rate > 900 and paid.quiet is None
    assert Settings.from_env({}).rate < 30 and Settings.from_env({}).quiet == quiet_hours("22:00-08:00")
    for bad in ({"QOGAM_BROADCAST_RATE": "fast"}, {"QOGAM_BROADCAST_RATE": "0"}, {"QOGAM_BROADCAST_IN_FLIGHT": "-1"}):
        with pytest.raises(ValueError, match="QOGAM_BROADCAST"):
            Settings.from_env(bad)
    assert announcing.reminder_offsets({}) == [dt.timedelta(hours=24), dt.timedelta(hours=2)]
    assert announcing.reminder_offsets({"QOGAM_REMINDERS": "2d, 90m"}) == [dt.timedelta(days=2),
                                                                           dt.timedelta(minutes=90)]
    assert announcing.reminder_offsets({"QOGAM_REMINDERS": "off"}) == []
    with pytest.raises(ValueError, match="QOGAM_REMINDERS"):
        announcing.reminder_offsets({"QOGAM_REMINDERS": "tomorrow"})


def test_hearing_fields_as_akimats_type_them(wall):
    now = dt.datetime(2026, 11, 23, 10, 0)
    assert check_start("05.12.2026 15:00", now) == dt.datetime(2026, 12, 5, 15, 0)
    assert check_start("2026-12-05T15:00:00", now) == dt.datetime(2026, 12, 5, 15, 0)
    for bad in ("tomorrow", "2026-13-05 15:00", "2025-12-05 15:00", "2028-12-05 15:00"):
        with pytest.raises(HearingError):
            check_start(bad, now)
    assert parse_point("50.2519, 58.4347") == (50.2519, 58.4347)
    with pytest.raises(HearingError):
        parse_point("58.4347, 50.2519")  # swapped: outside Kazakhstan
    with pytest.raises(HearingError) as problems:
        from_mapping({"area": "akt", "kk": {"title": "x"}, "colour": "red"}, conversation_areas())
    messages = str(problems.value)
    assert "starts_at" in messages and "colour" in messages and "agenda in kk" in messages and "in ru" in messages


def conversation_areas():
    from bot.core.knowledge.areas import load_areas_or_fail

    return load_areas_or_fail()


async def test_a_row_is_sent_once_even_if_the_hearing_is_cancelled_while_it_waits(conversation, wall):
    subscribe(conversation.db, 3)
    queued = announcing.announce(conversation.db, conversation.areas,
                                 from_mapping(hearing_file(), conversation.areas), "cli:test")
    api = FakeBotAPI()
    calls = 0

    async def call(method, params):
        nonlocal calls
        calls += 1
        if calls == 1:  # the akimat cancels while the first message is on its way
            announcing.cancel(conversation.db, conversation.areas, queued.hearing, "cli:test")
        return await api.call(method, params)

    clock = Monotonic()
    sender = Sender(conversation.db, conversation.areas, TelegramTransport(call),
                    Settings(rate=1000, in_flight=1, quiet=None), monotonic=clock, sleep=clock.sleep)
    await sender.drain()
    counts = outbox.counts(conversation.db, queued.broadcast)
    assert (counts["sent"], counts["skipped"]) == (1, 2)
    # ... and the one who got it is told of the cancellation, a second later (one message a second to a chat).
    assert [p["chat_id"] for p in api.sent()] == [1000]
    wall.advance(seconds=2)
    clock.now += 2
    await sender.drain()
    assert [p["chat_id"] for p in api.sent()] == [1000, 1000]


def test_a_district_hearing_reaches_the_district_and_who_follows_everything_around_it(db, wall):
    areas = conversation_areas()
    follows = {"tg:1": ("akt.khromtau", "tree"), "tg:2": ("akt.khromtau", "area"), "tg:3": ("akt", "tree"),
               "tg:4": ("akt", "area"), "tg:5": ("kz", "tree"), "tg:6": ("kz", "area"), "tg:7": ("ala", "tree"),
               "tg:8": ("akt.alga", "tree")}
    for user, (code, scope) in follows.items():
        subscriptions.subscribe(db, user, "telegram", code, scope)
    district = from_mapping({"area": "akt.khromtau", "starts_at": "2026-12-05T15:00", "duration_minutes": 90,
                             "place": "Хромтау", "kk": {"title": "Бюджет", "agenda": "Талқылау."},
                             "ru": {"title": "Бюджет", "agenda": "Обсуждение."}}, areas)
    assert announcing.recipients(db, areas, "akt.khromtau") == 4
    queued = announcing.announce(db, areas, district, "cli:test")
    received = {r[1] for r in outbox.pending_batch(db, queued.broadcast, 0, "9999", 100)}
    assert received == {"tg:1", "tg:2", "tg:3", "tg:5"}  # not akt's or kz's own followers, nor others
    # A region's own hearing: everyone who follows the region, either way, and the country's 'tree' follower.
    assert announcing.recipients(db, areas, "akt") == 3
    assert announcing.in_audience(db, areas, "tg:4", "akt") and not announcing.in_audience(db, areas, "tg:4",
                                                                                              "akt.khromtau")


def test_the_quiet_hours_end_at_the_next_morning_and_the_progress_names_what_was_dropped():
    from bot.core.delivery.sender import progress_text
    from bot.core.knowledge.areas import KZ_TIME

    quiet = quiet_hours("22:00-08:00")
    night = dt.datetime(2026, 11, 23, 23, 30, tzinfo=KZ_TIME)
    assert quiet.end_after(night) == dt.datetime(2026, 11, 24, 8, 0, tzinfo=KZ_TIME)
    assert quiet.end_after(night.replace(day=24, hour=3)) == dt.datetime(2026, 11, 24, 8, 0, tzinfo=KZ_TIME)
    counts = {"sent": 0, "pending": 0, "stopped": 0, "failed": 0, "skipped": 4}
    assert "Not sent, as the hearing had begun or was cancelled: 4" in progress_text(counts, 0, "en", done=True)
    assert "Not sent" not in progress_text({**counts, "skipped": 0}, 0, "en", done=True)


@pytest.mark.parametrize("length, ru", [(301, "301 символ,"), (302, "302 символа,"), (305, "305 символов,")])
def test_a_too_long_place_is_counted_in_the_readers_words(length, ru):
    from bot.core.hearings.hearing import PLACE_MAX, check_place
    from bot.i18n import translator

    assert PLACE_MAX == 300
    with pytest.raises(HearingError) as raised:
        check_place("д" * length)
    (problem,) = raised.value.problems
    assert problem.text(translator("ru")) == f"Адрес слишком длинный: {ru} а допускается не больше 300."
    assert problem.text(translator("kk")) == f"Мекенжай тым ұзын: {length} таңба, ал ең көбі 300 таңба болуы керек."
    assert str(raised.value) == f"The place is {length} characters long; at most 300 fit."


# A closed hearing refuses in one whole sentence per status: the verb agrees with it in Kazakh and Russian.
REFUSED = {
    ("held", "correct"): ("Бұл тыңдау өтіп кетті, оны енді өзгерту мүмкін емес.",
                          "Эти слушания уже прошли, изменить их нельзя.",
                          "This hearing has already taken place; it can no longer be changed."),
    ("held", "cancel"): ("Бұл тыңдау өтіп кетті, оны енді болдырмау мүмкін емес.",
                         "Эти слушания уже прошли, отменить их нельзя.",
                         "This hearing has already taken place; it can no longer be cancelled."),
    ("cancelled", "correct"): ("Бұл тыңдау болдырылмады, оны енді өзгерту мүмкін емес.",
                               "Эти слушания отменены, изменить их нельзя.",
                               "This hearing has been cancelled; it can no longer be changed."),
    ("cancelled", "cancel"): ("Бұл тыңдау бұрын-ақ болдырылмаған.", "Эти слушания уже отменены.",
                              "This hearing has already been cancelled."),
    ("cancelled", "publish_results"): ("Бұл тыңдау болдырылмады, жариялайтын нәтижесі жоқ.",
                                       "Эти слушания отменены, публиковать итоги нечего.",
                                       "This hearing has been cancelled; it has no results to publish."),
}
RESULTS = {"kk": "Жоба мақұлданды.", "ru": "Проект одобрен."}


@pytest.mark.parametrize("status, operation", REFUSED)
def test_a_closed_hearing_says_why_in_a_whole_sentence(db, wall, status, operation):
    from bot.i18n import translator

    areas = conversation_areas()
    hid = announcing.announce(db, areas, from_mapping(hearing_file(), areas), "cli:test").hearing
    if status == "held":
        announcing.publish_results(db, areas, hid, RESULTS, "cli:test")
    else:
        announcing.cancel(db, areas, hid, "cli:test")
    operations = {"correct": lambda: announcing.correct(db, areas, hid, "cli:test", place="Хромтау, Дом культуры"),
                  "cancel": lambda: announcing.cancel(db, areas, hid, "cli:test"),
                  "publish_results": lambda: announcing.publish_results(db, areas, hid, RESULTS, "cli:test")}
    with pytest.raises(HearingError) as raised:
        operations[operation]()
    assert tuple(raised.value.texts(translator(lang))[0] for lang in ("kk", "ru", "en")) == REFUSED[status, operation]
    assert str(raised.value) == REFUSED[status, operation][2]


def test_a_status_without_its_own_sentence_is_named_in_the_readers_language(wall):
    from dataclasses import replace

    from bot.i18n import translator

    hearing = replace(from_mapping(hearing_file(), conversation_areas()), status="announced")
    refused = announcing.refusal("correct", hearing)
    assert [refused.texts(translator(lang))[0] for lang in ("kk", "ru", "en")] == [
        "Тыңдауды қазір өзгерту мүмкін емес (күйі: жарияланды).",
        "Сейчас изменить слушания нельзя (статус: объявлены).",
        "The hearing cannot be changed now (status: announced)."]
    assert "(status: postponed)" in str(announcing.refusal("cancel", replace(hearing, status="postponed")))


def test_an_area_outside_the_broadcasters_own_is_named_in_their_language(db):
    from bot.i18n import translator

    areas = conversation_areas()
    with db.conn:
        roles.grant(db, "tg:7", "broadcaster", "akt", "tg:1")
    with pytest.raises(HearingError) as raised:
        announcing.check_scope(db, areas, "tg:7", "zha.shu")
    assert "«Шу ауданы, Жамбыл облысы»" in raised.value.texts(translator("kk"))[0]
    assert "«Шуский район, Жамбылская область»" in raised.value.texts(translator("ru"))[0]
    assert str(raised.value) == ("You may announce hearings only in your own area; Shu District, Zhambyl Region is "
                                 "outside it.")


def test_a_start_in_the_past_is_written_as_the_readers_language_writes_dates():
    from bot.i18n import translator

    with pytest.raises(HearingError) as raised:
        check_start("01.01.2020 10:00", dt.datetime(2026, 11, 23, 10, 0))
    kk, ru, en = (raised.value.texts(translator(lang))[0] for lang in ("kk", "ru", "en"))
    assert kk.startswith("Басталу уақыты (2020\u202fж. 01 қаң., 10:00) өтіп кеткен.")
    assert ru.startswith("Начало (1 янв. 2020\u202fг., 10:00) уже прошло.")
    assert en == str(raised.value) == "The start Jan 1, 2020, 10:00 is in the past. Give a future date and time."


def test_the_links_length_limit_follows_its_number(monkeypatch):
    from bot.core.hearings import hearing
    from bot.i18n import translator

    for limit, words in ((500, "не длиннее 500 символов."), (21, "не длиннее 21 символа.")):
        monkeypatch.setattr(hearing, "URL_MAX", limit)  # a constant today: the sentence must not rely on it
        with pytest.raises(HearingError) as raised:
            hearing.check_url("ftp://x")
        assert raised.value.texts(translator("ru"))[0].endswith(words)

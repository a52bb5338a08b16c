"""Statistics for editors: counts per Kazakhstan day, the report's JSON contract, the text and the chart,
`qogam stats`, the read-only views, and pictures in replies. Real SQLite, a moved clock, no mocks."""

from __future__ import annotations

import datetime as dt
import io
import json
import types

import pytest
from click.testing import CliRunner
from PIL import Image

from bot.cli import main
from bot.console.repl import ConsoleChat
from bot.core.curation.chart import chart_png
from bot.core.curation.stats import report, summary_text
from bot.core.replies import Document, Reply
from bot.i18n import translator
from bot.storage import feedback
from bot.storage.db import open_db
from bot.storage.stats import count_question, today
from bot.telegram.handlers import Handlers
from tests.telegram.fakes import TOKEN, FakeBotAPI, FakeRequest

VIEWS = ("questions_per_day", "feedback_per_entry", "open_gaps", "kb_todo", "learned")
# Residents whose keys must never come out of the statistics.
KEYS = ("tg:700100200", "tg:700100201", "console:local")


def ask(db, n, lang, outcome, entry_id=None):
    for _ in range(n):
        count_question(db, lang=lang, outcome=outcome, entry_id=entry_id)


def rated(db, user_key, entry_id, vote, reason=None):
    answer = feedback.show_answer(db, user_key=user_key, entry_id=entry_id, lang="ru")
    feedback_id = feedback.vote(db, answer_id=answer, user_key=user_key, entry_id=entry_id, lang="ru", vote=vote)
    if reason:
        assert feedback.set_reason(db, feedback_id, user_key, reason)


def stats_rows(db):
    return {(r["day"], r["lang"], r["outcome"], r["entry_id"]): r["n"]
            for r in db.query("select * from question_stats")}


# ---- counting -------------------------------------------------------------------------------------
def test_count_question_adds_one_per_question_per_kazakhstan_day(db, wall):
    ask(db, 2, "ru", "answered", "maslikhat.role")
    ask(db, 1, "ru", "unanswered")
    wall.set_local(dt.datetime(2026, 11, 23, 23, 59))
    ask(db, 1, "kk", "suggested")
    # 00:30 in Almaty is still 19:30 the day before in UTC: the question belongs to the 24th.
    wall.set_local(dt.datetime(2026, 11, 24, 0, 30))
    assert wall.now.date() == dt.date(2026, 11, 23) and today() == dt.date(2026, 11, 24)
    ask(db, 1, "kk", "suggested")
    assert stats_rows(db) == {
        ("2026-11-23", "ru", "answered", "maslikhat.role"): 2,
        ("2026-11-23", "ru", "unanswered", ""): 1,
        ("2026-11-23", "kk", "suggested", ""): 1,
        ("2026-11-24", "kk", "suggested", ""): 1,
    }


def test_count_question_refuses_an_unknown_outcome(db, wall):
    with pytest.raises(ValueError, match="outcome"):
        count_question(db, lang="ru", outcome="command")
    assert stats_rows(db) == {}


def test_question_stats_holds_no_user_and_no_text(db):
    assert set(db["question_stats"].columns_dict) == {"day", "lang", "outcome", "entry_id", "n"}
    assert set(db["not_ours_stats"].columns_dict) == {"day", "lang", "topic", "n"}


def test_a_not_ours_question_is_counted_by_topic_too(db, wall):
    count_question(db, lang="ru", outcome="not_ours", topic="documents")
    count_question(db, lang="ru", outcome="not_ours", topic="documents")
    count_question(db, lang="kk", outcome="not_ours", topic="social")
    assert stats_rows(db) == {("2026-11-23", "ru", "not_ours", ""): 2, ("2026-11-23", "kk", "not_ours", ""): 1}
    assert [dict(r) for r in db.query("select * from not_ours_stats order by topic")] == [
        {"day": "2026-11-23", "lang": "ru", "topic": "documents", "n": 2},
        {"day": "2026-11-23", "lang": "kk", "topic": "social", "n": 1}]
    r = report(db, days=1)
    assert (r["questions"], r["not_ours"], r["rates"]["not_ours"]) == (3, 3, 1.0)
    assert r["not_ours_by_topic"] == [{"topic": "documents", "n": 2}, {"topic": "social", "n": 1}]
    text = summary_text(r, translator("en"), topics={"documents": "Personal documents and registration"})
    assert "Not ours, referred elsewhere: 3 (100%)" in text
    assert "• Personal documents and registration: 2" in text and "• social: 1" in text
    with pytest.raises(ValueError, match="topic"):
        count_question(db, lang="ru", outcome="not_ours")
    with pytest.raises(ValueError, match="topic"):
        count_question(db, lang="ru", outcome="unanswered", topic="documents")


# ---- the report -----------------------------------------------------------------------------------
@pytest.fixture
def busy_week(db, wall):
    """A week of questions in three languages, an older one outside a 7-day window, and votes."""
    wall.set_local(dt.datetime(2026, 11, 10, 12, 0))  # 14 days before the last day: outside --days 7
    ask(db, 6, "ru", "answered", "old.entry")
    rated(db, KEYS[0], "old.entry", -1, "outdated")
    wall.set_local(dt.datetime(2026, 11, 18, 9, 0))  # the first day of the 7-day window
    ask(db, 3, "kk", "answered", "maslikhat.role")
    ask(db, 1, "kk", "unanswered")
    wall.set_local(dt.datetime(2026, 11, 20, 15, 0))
    ask(db, 4, "ru", "answered", "akim.election")
    ask(db, 2, "ru", "suggested")
    ask(db, 2, "en", "unanswered")
    rated(db, KEYS[0], "akim.election", 1)
    rated(db, KEYS[1], "akim.election", -1, "wrong_topic")
    rated(db, KEYS[2], "maslikhat.role", -1, "unclear")
    rated(db, KEYS[1], "maslikhat.role", -1, "unclear")
    rated(db, KEYS[2], "maslikhat.role", -1)  # a 👎 without a reason
    wall.set_local(dt.datetime(2026, 11, 24, 18, 0))  # the last day
    ask(db, 2, "en", "answered", "maslikhat.role")
    return db


def test_report_counts_rates_and_every_day_of_the_window(busy_week):
    r = report(busy_week, days=7)
    assert (r["days"], r["first_day"], r["last_day"]) == (7, "2026-11-18", "2026-11-24")
    assert (r["questions"], r["answered"], r["suggested"], r["unanswered"]) == (14, 9, 2, 3)
    assert r["rates"] == {"answered": round(9 / 14, 4), "suggested": round(2 / 14, 4),
                          "unanswered": round(3 / 14, 4), "not_ours": 0.0}
    assert r["by_lang"]["kk"] == {"questions": 4, "answered": 3, "suggested": 0, "unanswered": 1, "not_ours": 0,
                                  "rates": {"answered": 0.75, "suggested": 0.0, "unanswered": 0.25, "not_ours": 0.0}}
    assert r["by_lang"]["ru"]["questions"] == 6 and r["by_lang"]["ru"]["rates"]["suggested"] == round(2 / 6, 4)
    assert r["by_lang"]["en"] == {"questions": 4, "answered": 2, "suggested": 0, "unanswered": 2, "not_ours": 0,
                                  "rates": {"answered": 0.5, "suggested": 0.0, "unanswered": 0.5, "not_ours": 0.0}}
    assert [d["day"] for d in r["per_day"]] == [f"2026-11-{d}" for d in range(18, 25)]
    by_day = {d["day"]: d for d in r["per_day"]}
    assert by_day["2026-11-19"] == {"day": "2026-11-19", "questions": 0, "answered": 0, "suggested": 0,
                                    "unanswered": 0, "not_ours": 0}
    assert by_day["2026-11-20"] == {"day": "2026-11-20", "questions": 8, "answered": 4, "suggested": 2,
                                    "unanswered": 2, "not_ours": 0}
    assert r["top_entries"] == [{"entry": "maslikhat.role", "answered": 5}, {"entry": "akim.election", "answered": 4}]


def test_a_longer_window_reaches_older_days(busy_week):
    r = report(busy_week, days=30)
    assert len(r["per_day"]) == 30 and r["per_day"][-1]["day"] == "2026-11-24"
    assert r["questions"] == 20 and r["top_entries"][:2] == [{"entry": "old.entry", "answered": 6},
                                                             {"entry": "maslikhat.role", "answered": 5}]
    assert {e["entry"] for e in r["feedback"]["by_entry"]} == {"old.entry", "akim.election", "maslikhat.role"}


def test_feedback_per_entry_with_reasons_most_disputed_first(busy_week):
    votes = report(busy_week, days=7)["feedback"]
    # Residents, not votes: KEYS[2] rated maslikhat.role 👎 twice (one with a reason, one without).
    assert (votes["up"], votes["down"], votes["up_votes"], votes["down_votes"]) == (1, 2, 1, 4)
    assert votes["by_entry"] == [
        {"entry": "maslikhat.role", "up": 0, "down": 2, "reasons": {"wrong_topic": 0, "outdated": 0, "unclear": 2},
         "up_votes": 0, "down_votes": 3},
        {"entry": "akim.election", "up": 1, "down": 1, "reasons": {"wrong_topic": 1, "outdated": 0, "unclear": 0},
         "up_votes": 1, "down_votes": 1},
    ]


def test_one_residents_twenty_downvotes_are_one_resident(db, wall):
    # Issue 32: one resident shown the same answer 20 times rated it 👎 each time; another once.
    for _ in range(20):
        rated(db, KEYS[0], "akim.election", -1, "outdated")
    rated(db, KEYS[1], "akim.election", -1, "unclear")
    votes = report(db, days=1)["feedback"]
    assert (votes["down"], votes["down_votes"]) == (2, 21)
    assert votes["by_entry"] == [{"entry": "akim.election", "up": 0, "down": 2, "up_votes": 0, "down_votes": 21,
                                  "reasons": {"wrong_topic": 0, "outdated": 1, "unclear": 1}}]
    from bot.core.curation.stats import disputed

    assert [(r["entry"], r["down"], r["down_votes"]) for r in disputed(db, 30)] == [("akim.election", 2, 21)]
    assert list(db.query("select down, down_votes, outdated from feedback_per_entry")) == [
        {"down": 2, "down_votes": 21, "outdated": 1}]


def test_a_changed_vote_counts_as_it_stands(db, wall):
    answer = feedback.show_answer(db, user_key=KEYS[0], entry_id="akim.election", lang="kk")
    feedback_id = feedback.vote(db, answer_id=answer, user_key=KEYS[0], entry_id="akim.election", lang="kk", vote=-1)
    feedback.set_reason(db, feedback_id, KEYS[0], "outdated")
    feedback.vote(db, answer_id=answer, user_key=KEYS[0], entry_id="akim.election", lang="kk", vote=1)
    assert report(db, days=1)["feedback"] == {"up": 1, "down": 0, "up_votes": 1, "down_votes": 0, "by_entry": [
        {"entry": "akim.election", "up": 1, "down": 0, "reasons": {"wrong_topic": 0, "outdated": 0, "unclear": 0},
         "up_votes": 1, "down_votes": 0}]}


def test_an_empty_database_reports_zeros_not_errors(db, wall):
    r = report(db, days=3)
    assert r["questions"] == 0 and r["rates"] == {"answered": 0.0, "suggested": 0.0, "unanswered": 0.0,
                                                  "not_ours": 0.0}
    assert r["not_ours_by_topic"] == []
    assert set(r["by_lang"]) == {"kk", "ru", "en"} and [d["questions"] for d in r["per_day"]] == [0, 0, 0]
    assert r["top_entries"] == [] and r["top_clusters"] == []
    assert r["feedback"] == {"up": 0, "down": 0, "up_votes": 0, "down_votes": 0, "by_entry": []}
    with pytest.raises(ValueError):
        report(db, days=0)


def test_top_entries_stop_at_ten(db, wall):
    for i in range(12):
        ask(db, 12 - i, "ru", "answered", f"entry.{i:02}")
    top = report(db, days=1)["top_entries"]
    assert [e["entry"] for e in top] == [f"entry.{i:02}" for i in range(10)] and top[0]["answered"] == 12


class Cluster:
    def __init__(self, i):
        self.i = i

    def as_dict(self):
        return {"id": self.i, "size": 10 - self.i, "samples": [f"question {self.i}"], "user_keys": [KEYS[0]]}


def test_the_first_five_clusters_as_given_without_users(db, wall):
    clusters = [Cluster(i) for i in range(7)]
    r = report(db, clusters=clusters)
    assert [c["id"] for c in r["top_clusters"]] == [0, 1, 2, 3, 4]
    assert r["top_clusters"][0] == {"id": 0, "size": 10, "samples": ["question 0"]}
    assert report(db, clusters=[{"id": 9, "size": 2, "samples": ["a"], "langs": ["kk"]}])["top_clusters"] == [
        {"id": 9, "size": 2, "samples": ["a"], "langs": ["kk"]}]


# ---- what editors read ----------------------------------------------------------------------------
def test_summary_text_is_short_and_names_what_matters(busy_week):
    r = report(busy_week, days=7, clusters=[{"id": i, "size": 9 - i, "samples": [f"sample {i} " + "x" * 200]}
                                           for i in range(5)])
    text = summary_text(r, translator("en"), titles={"maslikhat.role": "What the maslikhat does"})
    assert text.startswith("Statistics for the last 7 days")
    assert "Questions: 14" in text and "Answered: 9 (64%)" in text and "Unanswered: 3 (21%)" in text
    assert "• English: 4, answered 50%, unanswered 50%" in text
    assert "• What the maslikhat does: 5" in text and "• akim.election: 4" in text
    assert text.count("sample ") == 3 and "9 residents, e.g. “sample 0 xxx" in text and "sample 3" not in text
    assert "Ratings: 👍 1  👎 2" in text
    assert "• What the maslikhat does: 👎 2 (unclear 2)" in text
    assert "• akim.election: 👎 1 (wrong topic 1)" in text
    assert len(text) < 1500 and not any(key in text for key in KEYS)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_summary_text_in_every_language_even_when_empty(db, wall, lang):
    text = summary_text(report(db, days=1), translator(lang))
    assert text and "{" not in text


# ---- the chart ------------------------------------------------------------------------------------
def picture(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    return Image.open(io.BytesIO(png))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_chart_is_a_phone_sized_png(busy_week, lang):
    image = picture(chart_png(report(busy_week, days=7), translator(lang)))
    assert image.format == "PNG" and image.size == (1200, 700)


@pytest.mark.parametrize("days", [1, 30, 365, 3650])
def test_the_chart_works_without_questions_and_over_long_windows(db, wall, days):
    assert picture(chart_png(report(db, days=days), translator("kk"))).size == (1200, 700)


def test_the_chart_draws_bars_only_when_there_are_questions(db, wall):
    empty = picture(chart_png(report(db, days=7), translator("en"))).convert("RGB")
    ask(db, 5, "ru", "answered", "akim.election")
    full = picture(chart_png(report(db, days=7), translator("en"))).convert("RGB")
    answered_green = (0x00, 0x9E, 0x73)
    # The legend's swatch is green in both; the bar adds many more green pixels.
    assert full.getcolors(1_000_000) and {c: n for n, c in full.getcolors(1_000_000)}[answered_green] > \
        10 * {c: n for n, c in empty.getcolors(1_000_000)}.get(answered_green, 1)


# ---- qogam stats ----------------------------------------------------------------------------------
@pytest.fixture
def data(tmp_path, monkeypatch, wall):
    """QOGAM_DATA_DIR in tmp_path with questions and votes in it, as the bot would have left them."""
    monkeypatch.setenv("QOGAM_DATA_DIR", str(tmp_path / "data"))
    db = open_db()
    ask(db, 3, "ru", "answered", "maslikhat.role")
    ask(db, 1, "kk", "unanswered")
    count_question(db, lang="en", outcome="not_ours", topic="documents")
    for key in KEYS:
        rated(db, key, "maslikhat.role", -1, "outdated")
    db.execute("insert into gaps (created_at, user_key, channel, lang, question, status) values (?, ?, ?, ?, ?, ?)",
               ["2026-11-23T05:00:00+00:00", KEYS[0], "tg", "ru", "курс евро", "unanswered"])
    db.conn.commit()
    db.close()
    return tmp_path / "data"


def test_stats_json_contract_and_no_resident_in_it(data):
    out = CliRunner().invoke(main, ["stats", "--json", "--days", "7"])
    assert out.exit_code == 0, out.output
    r = json.loads(out.output)
    assert {"days", "questions", "answered", "suggested", "unanswered", "not_ours", "rates", "by_lang", "per_day",
            "not_ours_by_topic", "top_entries", "top_clusters", "feedback"} <= set(r)
    assert (r["days"], r["questions"], r["answered"], r["unanswered"], r["not_ours"]) == (7, 5, 3, 1, 1)
    assert set(r["by_lang"]) == {"kk", "ru", "en"}
    assert set(r["rates"]) == {"answered", "suggested", "unanswered", "not_ours"}
    assert {"questions", "answered", "suggested", "unanswered", "not_ours", "rates"} <= set(r["by_lang"]["ru"])
    assert len(r["per_day"]) == 7 and set(r["per_day"][0]) == {"day", "questions", "answered", "suggested",
                                                               "unanswered", "not_ours"}
    assert r["not_ours_by_topic"] == [{"topic": "documents", "n": 1}]
    assert r["top_entries"] == [{"entry": "maslikhat.role", "answered": 3}]
    assert r["feedback"]["by_entry"] == [{"entry": "maslikhat.role", "up": 0, "down": 3, "up_votes": 0,
                                          "down_votes": 3, "reasons": {"wrong_topic": 0, "outdated": 3, "unclear": 0}}]
    assert not any(key in out.output for key in KEYS) and "700100200" not in out.output


def test_stats_text_and_chart(data, tmp_path):
    chart = tmp_path / "stats.png"
    out = CliRunner().invoke(main, ["stats", "--chart", str(chart)])
    assert out.exit_code == 0, out.output
    assert "Statistics for the last 30 days" in out.output and "Questions: 5" in out.output
    assert "Not ours, by topic:\n• documents: 1" in out.output
    assert picture(chart.read_bytes()).size == (1200, 700)
    assert not any(key in out.output for key in KEYS)


def test_stats_json_stays_json_with_a_chart(data, tmp_path):
    chart = tmp_path / "chart.png"
    out = CliRunner().invoke(main, ["stats", "--json", "--chart", str(chart), "--lang", "kk"])
    assert out.exit_code == 0 and json.loads(out.stdout)["questions"] == 5 and chart.stat().st_size > 1000


@pytest.mark.parametrize("days", ["0", "3651", "x"])
def test_stats_days_out_of_range(data, days):
    out = CliRunner().invoke(main, ["stats", "--days", days])
    assert out.exit_code == 2 and "--days" in out.output


def test_stats_on_a_fresh_data_directory(tmp_path, monkeypatch, wall):
    monkeypatch.setenv("QOGAM_DATA_DIR", str(tmp_path / "fresh"))
    out = CliRunner().invoke(main, ["stats", "--json", "--days", "1"])
    assert out.exit_code == 0 and json.loads(out.output)["per_day"] == [
        {"day": "2026-11-23", "questions": 0, "answered": 0, "suggested": 0, "unanswered": 0, "not_ours": 0}]


# ---- the read-only views --------------------------------------------------------------------------
def test_views_answer_and_show_no_user(data):
    db = open_db()
    assert set(VIEWS) <= set(db.view_names())
    for name in db.view_names():
        assert "user_key" not in db[name].columns_dict, name
        rows = list(db.query(f"select * from [{name}]"))
        assert not any(key in json.dumps(rows, ensure_ascii=False) for key in KEYS), name
    assert list(db.query("select * from questions_per_day order by lang")) == [
        {"day": "2026-11-23", "lang": "en", "questions": 1, "answered": 0, "suggested": 0, "unanswered": 0,
         "not_ours": 1},
        {"day": "2026-11-23", "lang": "kk", "questions": 1, "answered": 0, "suggested": 0, "unanswered": 1,
         "not_ours": 0},
        {"day": "2026-11-23", "lang": "ru", "questions": 3, "answered": 3, "suggested": 0, "unanswered": 0,
         "not_ours": 0},
    ]
    assert list(db.query("select * from feedback_per_entry")) == [
        {"entry_id": "maslikhat.role", "up": 0, "down": 3, "wrong_topic": 0, "outdated": 3, "unclear": 0,
         "up_votes": 0, "down_votes": 3}]
    assert [r["question"] for r in db.query("select * from open_gaps")] == ["курс евро"]
    assert list(db.query("select * from kb_todo")) == [] and list(db.query("select * from learned")) == []
    assert "user_key" in db["gaps"].columns_dict  # the table keeps it (a resident's /mydata); views do not


# ---- pictures in replies --------------------------------------------------------------------------
class PhotoAPI(FakeBotAPI):
    """The shared fake, answering sendPhoto with a message as Telegram does."""

    def handle(self, method, params, **kwargs):
        status, body = super().handle(method, params, **kwargs)
        if method == "sendPhoto" and body.get("ok"):
            body = {"ok": True, "result": {**self._message(params), "photo": [
                {"file_id": "p", "file_unique_id": "p", "width": 1200, "height": 700}]}}
        return status, body


async def test_a_picture_goes_as_a_photo_and_other_files_as_documents():
    from telegram import Bot

    api = PhotoAPI()
    png = chart_png({"per_day": []}, translator("en"))
    replies = [
        Reply("Statistics " + "x" * 2000, document=Document("stats.png", png, "image/png")),
        Reply("The hearing", document=Document("hearing.ics", b"BEGIN:VCALENDAR", "text/calendar")),
    ]
    async with Bot(TOKEN, request=FakeRequest(api)) as bot:
        api.clear()
        await Handlers._send_to(types.SimpleNamespace(bot=bot), 42, replies)
    assert [c.method for c in api.calls] == ["sendPhoto", "sendDocument"]
    photo = api.calls[0].params
    assert photo["chat_id"] == 42 and len(photo["caption"]) == 1024 and photo["caption"].endswith("…")
    assert photo["_files"]["photo"][1] == png and photo["_files"]["photo"][0] == "stats.png"
    assert api.calls[1].params["_files"]["document"][1] == b"BEGIN:VCALENDAR"


def test_the_terminal_saves_a_picture_like_a_document(tmp_path, monkeypatch, conversation):
    monkeypatch.setenv("QOGAM_DATA_DIR", str(tmp_path / "data"))
    out = io.StringIO()
    png = chart_png({"per_day": []}, translator("en"))
    ConsoleChat(conversation, out).show([Reply("Statistics", document=Document("stats.png", png, "image/png"))])
    saved = tmp_path / "data" / "files" / "stats.png"
    assert saved.read_bytes() == png and f"[{saved}]" in out.getvalue()

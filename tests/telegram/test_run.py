"""End to end: `qogam run` as a subprocess, long-polling a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from bot.core.knowledge.render import first_answer_text, no_match_text
from bot.core.matching import policy
from bot.i18n import translator
from bot.storage import inbox
from bot.storage.db import open_db
from tests.conftest import REPO, find_question
from tests.telegram import fakes
from tests.telegram.fakes import FakeBotAPI, FakeBotAPIServer

OUT_OF_SCOPE = "Где купить билет на поезд до Туркестана?"


def bot_env(server: FakeBotAPIServer, data_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(TELEGRAM_BOT_TOKEN=fakes.TOKEN, TELEGRAM_API_BASE_URL=server.base_url,
               QOGAM_DATA_DIR=str(data_dir), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return env


def stop(proc: subprocess.Popen) -> str:
    """SIGTERM, as systemd or docker would send; the bot should exit by itself. Returns its stderr."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[1] + "\n(killed: did not stop within 30 s of SIGTERM)"


def test_a_conversation_through_qogam_run(tmp_path, matcher, kb):
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        env = bot_env(server, tmp_path)
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            def say(update: dict, expect: int = 1, method: str = "sendMessage") -> list[dict]:
                """Push an update and wait until it has caused `expect` more calls of `method`."""
                before = len(api.sent(method))
                api.push(update)
                assert api.wait_for(lambda a: len(a.sent(method)) >= before + expect), \
                    f"no {method} after {update}; stderr:\n{proc.stderr.read() if proc.poll() is not None else ''}"
                return api.sent(method)[before:]

            [greeting] = say(fakes.command("/start", language_code="ru"))
            assert greeting["text"].startswith(translator("ru").gettext(
                "Hello! I am Qogam, a guide to local government in Kazakhstan."))

            answers = {}
            for lang in ("kk", "ru", "en"):
                question, _, decision = find_question(matcher, policy.Answer, lang)
                [reply] = say(fakes.message(question))
                assert reply["text"] == first_answer_text(kb.entries[decision.entry_id], translator(lang))
                answers[lang] = reply

            question, lang, decision = find_question(matcher, policy.Suggest, "ru")
            [suggestions] = say(fakes.message(question))
            first = suggestions["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            [picked] = say(fakes.button(first))
            assert picked["text"] == first_answer_text(kb.entries[decision.entry_ids[0]], translator(lang))

            thumbs_up = answers["ru"]["reply_markup"]["inline_keyboard"][0][-2]["callback_data"]  # after "More"
            [thanks] = say(fakes.button(thumbs_up))
            assert thanks["text"] == translator("ru").gettext("Thank you!")

            [sorry] = say(fakes.message(OUT_OF_SCOPE))
            assert sorry["text"] == no_match_text(translator("ru"), logged=True)
        finally:
            stderr = stop(proc)

    assert proc.returncode == 0, stderr
    menus = {c.params.get("language_code") for c in api.calls if c.method == "setMyCommands"}
    assert menus == {None, "kk", "ru", "en"}

    # One structured line per update, and neither questions nor the token in the log.
    lines = [line for line in stderr.splitlines() if "update=" in line]
    assert len(lines) == 8, stderr
    assert sum("outcome=answered" in line for line in lines) == 4
    assert fakes.TOKEN.split(":")[1] not in stderr and "Туркестан" not in stderr

    gaps = subprocess.run([sys.executable, "-m", "bot", "gaps", "--json"], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True)
    assert OUT_OF_SCOPE in [g["question"] for g in json.loads(gaps.stdout)]


def test_run_without_a_token_explains_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["QOGAM_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1
    assert "TELEGRAM_BOT_TOKEN" in done.stderr and "Traceback" not in done.stderr


def test_a_second_run_on_the_same_data_directory_refuses_and_names_the_first(tmp_path):
    """Two `qogam run` on one data directory would send every reply and announcement twice."""
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        env = bot_env(server, tmp_path)
        api.push(fakes.message("Что такое маслихат?", user_id=700))
        first = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert api.wait_for(lambda a: len(a.sent()) == 1, timeout=60)  # serving
            second = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True,
                                    text=True, timeout=60, check=False)
            assert second.returncode == 1
            assert f"pid {first.pid}" in second.stderr and "Traceback" not in second.stderr
            assert len(second.stderr.strip().splitlines()) == 1
        finally:
            first.kill()  # kill -9: the kernel releases the lock, so the next start is not blocked
            first.wait()
        api.push(fakes.message("Что такое маслихат?", user_id=701))
        again = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert api.wait_for(lambda a: 701 in {p.get("chat_id") for p in a.sent()}, timeout=60)
        finally:
            stderr = stop(again)
    assert again.returncode == 0, stderr


def test_run_with_a_rejected_token_says_so(tmp_path):
    api = FakeBotAPI(failures={"getMe": (401, "Unauthorized")})
    with FakeBotAPIServer(api) as server:
        done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=bot_env(server, tmp_path),
                              capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "@BotFather" in done.stderr and "Traceback" not in done.stderr
    assert fakes.TOKEN not in done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_update(port: int, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(f"http://127.0.0.1:{port}/telegram/hook", json.dumps(update).encode(), headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def start_webhook_bot(api: FakeBotAPI, env: dict, port: int) -> tuple[subprocess.Popen, dict]:
    """`qogam run --webhook-url ...` on `port`; returns the process and its setWebhook call."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--webhook-url", "https://bot.example.kz/telegram/hook",
         "--port", str(port)], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not api.wait_for(lambda a: a.sent("setWebhook")):
        proc.kill()
        raise AssertionError(f"setWebhook was not called; stderr:\n{proc.communicate()[1]}")
    return proc, api.sent("setWebhook")[0]


def test_webhook_mode_registers_and_answers_only_with_the_secret(tmp_path):
    api = FakeBotAPI()
    port = free_port()
    with FakeBotAPIServer(api) as server:
        env = bot_env(server, tmp_path) | {"TELEGRAM_WEBHOOK_SECRET": "s3cret-value"}
        proc, hook = start_webhook_bot(api, env, port)
        try:
            assert hook["url"] == "https://bot.example.kz/telegram/hook" and hook["secret_token"] == "s3cret-value"
            deadline = time.monotonic() + 20
            status = None
            while time.monotonic() < deadline:  # the listener starts just after setWebhook
                try:
                    status = post_update(port, fakes.command("/help"), "wrong")
                    break
                except OSError:
                    time.sleep(0.1)
            assert status == 403
            assert post_update(port, fakes.command("/help", language_code="en"), "s3cret-value") == 200
            assert api.wait_for(lambda a: a.sent())
            assert translator("en").gettext("/topics — browse topics") in api.sent()[0]["text"]
        finally:
            stderr = stop(proc)
    assert proc.returncode == 0, stderr
    assert len(api.sent()) == 1  # the update with the wrong secret was refused


def test_webhook_url_must_be_https(tmp_path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fakes.TOKEN, "QOGAM_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--webhook-url", "http://bot.example.kz/hook"],
                          cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "https://" in done.stderr and "Traceback" not in done.stderr


def test_a_broadcast_goes_on_after_kill_9_without_losing_anyone(tmp_path):
    """`qogam hearings add` queues, `qogam run` sends, a kill -9 halfway, a restart finishes: every
    subscriber has the announcement, and only messages that were in flight can have gone twice."""
    from collections import Counter

    from bot.core.delivery.pacing import DEFAULT_IN_FLIGHT
    from bot.storage import subscriptions
    from tests.test_cli_hearings import hearing_toml

    residents = [f"tg:{10_000 + n}" for n in range(300)]
    db = open_db(tmp_path / "qogam.db")
    for key in residents:
        subscriptions.subscribe(db, key, "telegram", "akt.khromtau")
    db.close()
    hearing = tmp_path / "hearing.toml"
    hearing.write_text(hearing_toml(), encoding="utf-8")

    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        # Faster than Telegram's pace so the test takes seconds; no quiet hours whatever the hour here.
        env = bot_env(server, tmp_path) | {"QOGAM_QUIET_HOURS": "off", "QOGAM_BROADCAST_RATE": "150"}
        qogam = [sys.executable, "-m", "bot"]
        added = subprocess.run([*qogam, "hearings", "add", str(hearing), "--json"], cwd=REPO, env=env,
                               capture_output=True, text=True, check=True)
        queued = json.loads(added.stdout)
        assert queued["recipients"] == 300

        def announcements(a) -> list[dict]:
            return [p for p in a.sent() if str(p.get("chat_id", "")).startswith("1")]

        first = subprocess.Popen([*qogam, "run"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        assert api.wait_for(lambda a: len(announcements(a)) >= 100, timeout=60), first.stderr
        first.kill()  # SIGKILL: no clean stop, no commit of what is in flight
        first.communicate()
        before = len(announcements(api))
        assert before < 300, "the broadcast finished before the kill; the test proves nothing"

        second = subprocess.Popen([*qogam, "run"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            assert api.wait_for(lambda a: len({p["chat_id"] for p in announcements(a)}) == 300, timeout=60)
            shown = subprocess.run([*qogam, "broadcast", "show", str(queued["broadcast"]), "--json"], cwd=REPO,
                                   env=env, capture_output=True, text=True, check=True)
            deadline = time.monotonic() + 10
            while json.loads(shown.stdout)["pending"] and time.monotonic() < deadline:
                time.sleep(0.2)
                shown = subprocess.run(shown.args, cwd=REPO, env=env, capture_output=True, text=True, check=True)
        finally:
            stderr = stop(second)
    assert second.returncode == 0, stderr
    per_chat = Counter(p["chat_id"] for p in announcements(api))
    assert set(per_chat) == {int(k[3:]) for k in residents}  # nobody lost
    assert sum(per_chat.values()) - 300 <= DEFAULT_IN_FLIGHT  # twice only what was in flight
    counts = json.loads(shown.stdout)
    assert (counts["total"], counts["sent"], counts["pending"], counts["failed"]) == (300, 300, 0, 0)


def test_webhook_mode_without_a_secret_makes_one_and_never_runs_open(tmp_path):
    api = FakeBotAPI()
    port = free_port()
    with FakeBotAPIServer(api) as server:
        env = {k: v for k, v in bot_env(server, tmp_path).items() if k != "TELEGRAM_WEBHOOK_SECRET"}
        proc, hook = start_webhook_bot(api, env, port)
        try:
            kept = tmp_path / "webhook-secret"
            assert len(hook["secret_token"]) >= 32 and kept.read_text().strip() == hook["secret_token"]
            assert oct(kept.stat().st_mode & 0o777) == "0o600"
            assert post_update(port, fakes.command("/help"), None) == 403  # a forged update, no secret
            assert post_update(port, fakes.command("/help"), "guess") == 403
            assert post_update(port, fakes.command("/help", language_code="en"), hook["secret_token"]) == 200
            assert api.wait_for(lambda a: a.sent())
        finally:
            stderr = stop(proc)
    assert proc.returncode == 0, stderr
    assert len(api.sent()) == 1 and hook["secret_token"] not in stderr


@pytest.mark.parametrize("token, says", [
    (fakes.TOKEN + "\n", "whitespace"), (" " + fakes.TOKEN, "whitespace"), ("999000:TEST token", "whitespace"),
])
def test_a_token_with_whitespace_is_one_line(tmp_path, token, says):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "QOGAM_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1 and says in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "TEST" not in done.stderr


@pytest.mark.parametrize("url", ["api.telegram.org", "htps://api.telegram.org", "http://", "http://host:port",
                                 "http://[::1", "http://[::1:8081/", "http://[fe80::1%eth0", "http://]::1[:8081",
                                 "https://qogam:pa55word@[::1:8081", "ftp://qogam:pa55word@example.kz"])
def test_a_malformed_api_url_is_one_line(tmp_path, url):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fakes.TOKEN, "QOGAM_DATA_DIR": str(tmp_path),
           "TELEGRAM_API_BASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1 and "TELEGRAM_API_BASE_URL" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "pa55word" not in done.stderr


def test_an_unreachable_api_is_retried_then_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    # Nobody listens there; the user and password (a proxy's) must appear in no line.
    env.update(TELEGRAM_BOT_TOKEN=fakes.TOKEN, QOGAM_DATA_DIR=str(tmp_path),
               TELEGRAM_API_BASE_URL=f"http://qogam:pa55word@127.0.0.1:{free_port()}")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "cannot reach" in errors[0] and "TELEGRAM_API_BASE_URL" in errors[0]
    assert done.stderr.count("trying again") == 3 and time.monotonic() - started >= 7  # 1 + 2 + 4 s of backoff
    assert fakes.TOKEN not in done.stderr and "pa55word" not in done.stderr and "<credentials>" in done.stderr


def test_verbose_logs_carry_no_text_names_or_ids(tmp_path, matcher):
    api = FakeBotAPI()
    resident = 7301234567
    question, _, _ = find_question(matcher, policy.Answer, "ru")
    admins = "tg:7305550001, 7305550002"
    with FakeBotAPIServer(api) as server:
        env = bot_env(server, tmp_path) | {"QOGAM_ADMIN_IDS": admins}
        proc = subprocess.Popen([sys.executable, "-m", "bot", "-v", "run"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            api.push(fakes.message(question, user_id=resident))
            api.push(fakes.message(OUT_OF_SCOPE, user_id=resident))
            api.push({"update_id": 10**9, "message": "garbage from a forger: Туркестан"})
            api.push(fakes.button("zz:Туркестан forged data", user_id=resident))
            assert api.wait_for(lambda a: len(a.sent()) >= 2 and a.sent("answerCallbackQuery"))
            time.sleep(0.5)
        finally:
            stderr = stop(proc)
    assert proc.returncode == 0, stderr
    assert "DEBUG" in stderr  # -v is on
    for leak in (str(resident), "Aigerim", "Туркестан", question[:15], "Кто такой аким", "730555000"):
        assert leak not in stderr, leak
    assert "outcome=set_aside stage=parse" in stderr
    assert "admins configured (QOGAM_ADMIN_IDS): 2" in stderr  # how many, never who


@pytest.mark.parametrize("admins", ["Aigerim", "123 456", "0123456789", "@qogam_admin"])
def test_malformed_admin_ids_stop_run_with_one_line(tmp_path, admins):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": fakes.TOKEN, "QOGAM_DATA_DIR": str(tmp_path),
           "QOGAM_ADMIN_IDS": f"7305550001, {admins}"}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    expected = (f"Error: QOGAM_ADMIN_IDS: {admins!r} is not a Telegram user id; write the admins' ids as digits, "
                "comma-separated (tg:123456789 works too), for example 123456789,987654321")
    assert done.stderr.strip().splitlines() == [expected]


def marker(n: int) -> str:
    """A letters-only tag that redaction keeps and that identifies one question in the gap log."""
    letters = "".join(chr(ord("a") + (n // 26 ** i) % 26) for i in range(3))
    return f"zq{letters}"


def test_kill_9_loses_no_received_update_and_stores_none_twice(tmp_path):
    api = FakeBotAPI()
    count = 60
    for n in range(count):
        api.push(fakes.message(f"{OUT_OF_SCOPE} {marker(n)}", user_id=5000 + n))
    with FakeBotAPIServer(api) as server:
        env = bot_env(server, tmp_path)
        for kill_after in (8, 25):  # replies sent before each kill -9
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert api.wait_for(lambda a: len(a.sent()) >= kill_after, timeout=60)  # noqa: B023 - called only within this iteration
            proc.kill()
            proc.wait()
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # A send cut off by kill -9 may reach the fake without its fields.
            chats = lambda a: {p.get("chat_id") for p in a.sent()} - {None}
            assert api.wait_for(lambda a: len(chats(a)) == count, timeout=60)
            watch = open_db(tmp_path / "qogam.db")
            deadline = time.monotonic() + 30
            while inbox.backlog(watch) and time.monotonic() < deadline:  # replays of handled updates
                time.sleep(0.1)
            watch.close()
        finally:
            stderr = stop(proc)
    assert proc.returncode == 0, stderr
    db = open_db(tmp_path / "qogam.db")
    questions = [row[0] for row in db.execute("select question from gaps")]
    stored = [next(marker(n) for n in range(count) if marker(n) in q) for q in questions]
    assert sorted(stored) == sorted(marker(n) for n in range(count))  # each once: none lost, none twice
    assert list(db.query("select update_id, status, attempts from inbox where status != 'done'")) == []


def test_sigterm_with_a_backlog_exits_0_within_10_s_and_keeps_the_rest(tmp_path):
    api = FakeBotAPI()
    group = fakes.group_chat(-100777)
    # One busy group: its replies wait on Telegram's 20-a-minute group limit (AIORateLimiter), so most of
    # these stay in the inbox, and those in hand are waiting when SIGTERM comes.
    mention = [{"type": "mention", "offset": 0, "length": len("@qogam_test_bot")}]
    updates = [fakes.message(f"@qogam_test_bot {OUT_OF_SCOPE} {marker(n)}", user_id=6000 + n, chat=group,
                             entities=mention) for n in range(60)]
    for update in updates:
        api.push(update)
    with FakeBotAPIServer(api) as server:
        env = bot_env(server, tmp_path)
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert api.wait_for(lambda a: len(a.sent()) >= 3, timeout=60)
        except AssertionError:
            proc.kill()
            raise
        started = time.monotonic()
        stderr = stop(proc)
        took = time.monotonic() - started
    assert proc.returncode == 0 and took < 10, (took, stderr)
    assert "Traceback" not in stderr
    db = open_db(tmp_path / "qogam.db")
    statuses = dict(db.execute("select status, count(*) from inbox group by status").fetchall())
    assert sum(statuses.values()) == len(updates)  # every received update is in the inbox
    assert statuses.get("pending", 0) + statuses.get("handled", 0) > 0  # and the rest wait for the next start


def test_a_phrasing_resolved_on_the_command_line_reaches_a_running_bot_without_restart(tmp_path):
    """The editors' contract: `qogam gaps resolve CLUSTER --phrasing-of ENTRY` takes effect for a running
    `qogam run`, and the resident who pressed 🔔 is told."""
    question = "как узнать номер секретаря акима района"
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        env = bot_env(server, tmp_path)
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env={**env, "QOGAM_QUIET_HOURS": "off"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            def say(update: dict, timeout: float = 20.0) -> dict:
                before = len(api.sent())
                api.push(update)
                assert api.wait_for(lambda a: len(a.sent()) > before, timeout), \
                    proc.stderr.read() if proc.poll() else ""
                return api.sent()[before]

            def data(reply: dict, prefix: str) -> str:
                rows = reply.get("reply_markup") or {}
                if isinstance(rows, str):
                    rows = json.loads(rows)
                return next(b["callback_data"] for row in rows["inline_keyboard"] for b in row
                            if b.get("callback_data", "").startswith(prefix))

            # Run alone, the bot trains its model first (about 20 s); in the suite the cache has it.
            suggested = say(fakes.message(question), timeout=90)
            no_answer = say(fakes.button(data(suggested, "x:")))
            time.sleep(1.1)  # a human pace for the flood throttle
            say(fakes.button(data(no_answer, "n:")))
            clusters = json.loads(subprocess.run([sys.executable, "-m", "bot", "gaps", "--clusters", "--json"],
                                                 cwd=REPO, env=env, capture_output=True, text=True,
                                                 check=True).stdout)["clusters"]
            [cluster] = clusters
            assert cluster["samples"] == [question] and cluster["langs"] == {"kk": 0, "ru": 1, "en": 0}
            done = subprocess.run([sys.executable, "-m", "bot", "gaps", "resolve", str(cluster["id"]),
                                   "--phrasing-of", "akim.find"], cwd=REPO, env=env, capture_output=True, text=True,
                                  check=False)
            assert done.returncode == 0, done.stderr
            # The resident who asked is told, through the running bot's sender.
            told = translator("ru").gettext("There is now an answer to a question you asked:")
            assert api.wait_for(lambda a: any((m.get("text") or "").startswith(told) for m in a.sent()), timeout=15)
            # The bot notices the learned phrasing within 2 s and retrains its model in a thread (about
            # 20 s when no cache has it); until then the old knowledge base keeps answering.
            deadline = time.monotonic() + 90
            while True:
                time.sleep(3)
                answer = say(fakes.message(question, user_id=77))
                try:
                    data(answer, "v:")
                    break
                except (StopIteration, KeyError):
                    if time.monotonic() > deadline:
                        break
            assert data(answer, "v:")  # an answer with 👍 / 👎, not "did you mean"
        finally:
            stderr = stop(proc)
    assert "Traceback" not in stderr


def test_a_fresh_data_directory_answers_at_once_and_trains_its_model_meanwhile(tmp_path, matcher, kb):
    """No cached model at all (a new installation, or a MODEL_VERSION change): `qogam run` answers the first
    question without waiting for training (by the ranking alone: "did you mean", never an answer), trains
    the model in a thread, caches it, and then answers the same question."""
    question, lang, decision = find_question(matcher, policy.Answer, "ru")
    answer = first_answer_text(kb.entries[decision.entry_id], translator(lang))
    cache = tmp_path / "models"
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        env = {**bot_env(server, tmp_path / "data"), "QOGAM_MODEL_CACHE": str(cache)}
        api.push(fakes.message(question, user_id=501))  # waiting at Telegram when the bot starts
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert api.wait_for(lambda a: len(a.sent("sendMessage")) >= 1, timeout=60)
            trained_before_reply = any(cache.glob("matcher-*.npz"))
            first = api.sent("sendMessage")[0]
            assert first["text"] != answer and not trained_before_reply
            # The model trains behind the answers, is cached, and then serves.
            deadline = time.monotonic() + 180
            replies = [first]
            user = 502
            while replies[-1]["text"] != answer and time.monotonic() < deadline:
                time.sleep(2)
                before = len(api.sent("sendMessage"))
                api.push(fakes.message(question, user_id=user))
                user += 1
                assert api.wait_for(lambda a, n=before: len(a.sent("sendMessage")) > n, timeout=30)
                replies.append(api.sent("sendMessage")[before])
            assert replies[-1]["text"] == answer
            assert any(cache.glob("matcher-*.npz"))
        finally:
            stderr = stop(proc)
    assert "Traceback" not in stderr
    assert "matcher model: none yet" in stderr and "matcher model trained and serving" in stderr

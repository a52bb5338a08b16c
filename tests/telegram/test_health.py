"""/healthz, /readyz and /metrics: on `qogam run --metrics-port` (polling), on the webhook's server, and on any
aiohttp app through bot.ops.health.add_routes (what the web console mounts)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import urllib.error
import urllib.request

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.core.matching import policy
from bot.ops.health import Health, add_routes, database_check
from bot.ops.metrics import Metrics
from tests.conftest import REPO, find_question
from tests.telegram import fakes
from tests.telegram.fakes import FakeBotAPI, FakeBotAPIServer
from tests.telegram.test_run import OUT_OF_SCOPE, bot_env, free_port, start_webhook_bot, stop


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of a /metrics body, parsed as Prometheus parses it."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def wait_get(port: int, path: str, ok=lambda status: status == 200, timeout: float = 120.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        try:
            last = get(port, path)
            if ok(last[0]):
                return last
        except OSError:
            pass
        time.sleep(0.2)
    return last


async def test_routes_on_any_aiohttp_app(db):
    """What the web console does: its own app, the same routes; a failing check makes /readyz 503."""
    failing = {"flag": False}
    health = Health(Metrics(db, sender_outcomes=lambda: {"sent": 3, "too_many": 1}),
                    {"database": database_check(db), "other": lambda: (not failing["flag"], "x")})
    app = web.Application()
    add_routes(app, health)
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/healthz")).status == 200
        ready = await client.get("/readyz")
        assert ready.status == 200 and (await ready.json())["checks"]["database"]["ok"] is True
        failing["flag"] = True
        not_ready = await client.get("/readyz")
        assert not_ready.status == 503 and (await not_ready.json())["ready"] is False
        metrics = await client.get("/metrics")
        assert metrics.headers["Content-Type"].startswith("text/plain")
        found = samples(await metrics.text())
    assert found[("qogam_outbox_sends_total", (("outcome", "sent"),))] == 3
    assert found[("qogam_outbox_sends_total", (("outcome", "too_many"),))] == 1
    assert found[("qogam_inbox_backlog", ())] == 0


async def test_metrics_count_what_the_handlers_log(bot, db, matcher):
    metrics = Metrics(db)
    handler = metrics.log_handler()
    logger = logging.getLogger("bot.telegram")
    level = logger.level
    logger.setLevel(logging.INFO)  # as `qogam run` logs
    logging.getLogger().addHandler(handler)
    try:
        question, _, _ = find_question(matcher, policy.Answer, "kk")
        await bot.replies(fakes.message(question, user_id=7301234567, language_code="kk"))
        await bot.replies(fakes.message(OUT_OF_SCOPE, user_id=7301234567))
        await bot.replies(fakes.command("/help", user_id=7301234568))
        await bot.replies(fakes.message("ignored chatter", chat=fakes.group_chat()))
    finally:
        logging.getLogger().removeHandler(handler)
        logger.setLevel(level)
    from prometheus_client import generate_latest

    text = generate_latest(metrics.registry).decode()
    found = samples(text)
    assert found[("qogam_updates_total", (("kind", "text"), ("outcome", "answered")))] == 1
    assert found[("qogam_updates_total", (("kind", "text"), ("outcome", "unanswered")))] == 1
    assert found[("qogam_updates_total", (("kind", "command"), ("outcome", "command")))] == 1
    assert found[("qogam_updates_total", (("kind", "text"), ("outcome", "ignored")))] == 1
    assert found[("qogam_questions_total", (("lang", "kk"), ("outcome", "answered")))] == 1
    assert found[("qogam_questions_total", (("lang", "ru"), ("outcome", "unanswered")))] == 1
    assert found[("qogam_reply_seconds_count", (("kind", "text"),))] == 3
    for leak in ("7301234567", "Aigerim", "Туркестан", question[:12], "chatter", "private"):
        assert leak not in text, leak


def test_labels_never_carry_free_text():
    metrics = Metrics()
    metrics.observe_update("text", "answered; drop table", "xx", 0.1)
    metrics.observe_update("Кто такой аким?", "answered", "ru", None)
    from prometheus_client import generate_latest

    text = generate_latest(metrics.registry).decode()
    assert "drop table" not in text and "аким" not in text
    assert samples(text)[("qogam_updates_total", (("kind", "other"), ("outcome", "answered")))] == 1


def test_qogam_run_serves_health_and_metrics_on_the_metrics_port(tmp_path, matcher):
    api = FakeBotAPI()
    port = free_port()
    resident = 7309998877
    question, _, _ = find_question(matcher, policy.Answer, "ru")
    with FakeBotAPIServer(api) as server:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--metrics-port", str(port)], cwd=REPO,
                                env=bot_env(server, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            status, _ = wait_get(port, "/healthz")
            assert status == 200
            status, body = wait_get(port, "/readyz", timeout=30)
            assert status == 200, body
            checks = json.loads(body)["checks"]
            assert set(checks) == {"database", "matcher", "updates"} and checks["updates"]["detail"].startswith(
                "polling")
            api.push(fakes.message(question, user_id=resident))
            api.push(fakes.message(OUT_OF_SCOPE, user_id=resident))
            assert api.wait_for(lambda a: len(a.sent()) >= 2)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                status, text = get(port, "/metrics")
                found = samples(text)
                if found.get(("qogam_updates_total", (("kind", "text"), ("outcome", "unanswered")))):
                    break
                time.sleep(0.2)
        finally:
            stderr = stop(proc)
    assert proc.returncode == 0, stderr
    assert found[("qogam_updates_total", (("kind", "text"), ("outcome", "answered")))] == 1
    assert found[("qogam_questions_total", (("lang", "ru"), ("outcome", "unanswered")))] == 1
    assert found[("qogam_inbox_backlog", ())] == 0
    assert found[("qogam_last_update_age_seconds", ())] < 60
    assert ("qogam_outbox_rows", (("queue", "broadcast"), ("status", "pending"))) in found
    assert ("qogam_outbox_sends_total", (("outcome", "failed"),)) in found
    assert ("qogam_replies_telegram_429_total", ()) in found
    for leak in (str(resident), "Aigerim", "Туркестан", question[:12]):
        assert leak not in text, leak


def test_the_webhook_server_carries_the_same_routes(tmp_path):
    api = FakeBotAPI()
    port = free_port()
    with FakeBotAPIServer(api) as server:
        proc, _ = start_webhook_bot(api, bot_env(server, tmp_path), port)
        try:
            status, body = wait_get(port, "/readyz", timeout=30)
            assert status == 200, body
            assert json.loads(body)["checks"]["updates"]["detail"].startswith("webhook set")
            assert get(port, "/healthz")[0] == 200
            assert "qogam_inbox_backlog" in get(port, "/metrics")[1]
        finally:
            stderr = stop(proc)
    assert proc.returncode == 0, stderr


def test_readiness_follows_getupdates(tmp_path):
    """The poller says not ready while getUpdates fails, ready again once it answers."""
    import asyncio

    from bot.telegram.polling import Poller

    class Flaky:
        def __init__(self):
            self.answers = [(502, {"ok": False}), (200, {"ok": True, "result": []})]

        async def call(self, method, params):
            return self.answers.pop(0) if self.answers else (200, {"ok": True, "result": []})

    class NoInbox:
        async def accept(self, updates, stopping=None):
            return True

    async def scenario():
        poller = Poller(Flaky(), NoInbox(), [], poll_seconds=0)
        assert poller.readiness()[0] is False  # nothing yet
        stopping = asyncio.Event()
        task = asyncio.create_task(poller.run(stopping))
        await asyncio.sleep(0.05)
        assert poller.readiness() == (False, "getUpdates failing: HTTP 502")
        await asyncio.sleep(1.3)  # the backoff after a failure is 1 s
        ok = poller.readiness()
        stopping.set()
        await task
        return ok

    ok, detail = asyncio.run(scenario())
    assert ok and detail.startswith("polling"), detail

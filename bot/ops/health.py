"""/healthz, /readyz and /metrics on any aiohttp application: the bot's webhook server, its metrics server
in polling mode (`qogam run --metrics-port N`), and the web console (`qogam web`) all mount the same routes
with `add_routes`.

- /healthz: alive. 200 whenever the event loop answers; a container's health check and systemd's watchdog
  scripts use it.
- /readyz: serving. 200 when every readiness check passes (database open, matcher ready, getUpdates or the
  webhook working), else 503; the body lists each check either way.
- /metrics: Prometheus' text format (bot/ops/metrics.py). No label carries a user, a chat or text.

Another aiohttp app (the web console) mounts them so:

    health = Health(Metrics(db), {"database": database_check(db)})
    add_routes(app, health)
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.ops.metrics import Metrics

log = logging.getLogger("bot.ops")

# A readiness check: (ok, one line saying what it saw).
Check = Callable[[], tuple[bool, str]]


@dataclass
class Health:
    metrics: Metrics
    checks: dict[str, Check] = field(default_factory=dict)

    def readiness(self) -> tuple[bool, dict[str, dict]]:
        results = {}
        for name, check in self.checks.items():
            try:
                ok, detail = check()
            except Exception as exc:  # noqa: BLE001 - a failing check is a "not ready", never a 500
                ok, detail = False, f"{type(exc).__name__}"
            results[name] = {"ok": bool(ok), "detail": detail}
        return all(r["ok"] for r in results.values()), results


def database_check(db) -> Check:
    def check() -> tuple[bool, str]:
        db.execute("select 1").fetchone()
        return True, "open"
    return check


def add_routes(app: web.Application, health: Health) -> None:
    """Mount /healthz, /readyz and /metrics on `app`."""

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(request: web.Request) -> web.Response:
        ready, results = health.readiness()
        body = json.dumps({"ready": ready, "checks": results}, ensure_ascii=False)
        return web.Response(status=200 if ready else 503, text=body + "\n", content_type="application/json")

    async def metrics(request: web.Request) -> web.Response:
        body = generate_latest(health.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


async def serve(health: Health, *, listen: str, port: int, stopping: asyncio.Event,
                ready: asyncio.Event | None = None) -> None:
    """A server with only these routes (polling mode's --metrics-port), until `stopping` is set."""
    app = web.Application()
    add_routes(app, health)
    await serve_until(app, listen, port, stopping, ready,
                      f"health and metrics on http://{listen}:{port} (/healthz /readyz /metrics)")


async def serve_until(app: web.Application, listen: str, port: int, stopping: asyncio.Event,
                      ready: asyncio.Event | None, started: str) -> None:
    """Serve `app` on listen:port until `stopping` is set; log `started` and set `ready` once it listens.
    No access log: its lines would be noisy, and the webhook's would carry nothing worth keeping."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
        log.info("%s", started)
        if ready is not None:
            ready.set()
        await stopping.wait()
    finally:
        await runner.cleanup()

"""The webhook endpoint: an update is stored in the inbox before Telegram gets its 200.

Telegram signs each request with the secret given to setWebhook (header X-Telegram-Bot-Api-Secret-Token);
anything else is refused with 403, so a stranger who finds the URL cannot make the bot write to anyone.
Without TELEGRAM_WEBHOOK_SECRET a random secret is made once and kept in the data directory.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
import secrets
from pathlib import Path

from aiohttp import web

from bot.ops.health import Health, add_routes
from bot.telegram.inbox import Inbox

log = logging.getLogger("bot.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_FILE = "webhook-secret"
# Telegram's rule for secret_token: 1-256 characters, A-Z, a-z, 0-9, _ and -.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# An update is a few kilobytes; a larger body is not from Telegram.
MAX_BODY = 1024 * 1024


def webhook_secret(configured: str | None, data_dir: Path) -> str:
    """The configured secret, else the one made on the first start, else a new one (kept 0600)."""
    if configured:
        if not SECRET_PATTERN.fullmatch(configured):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)")
        return configured
    path = data_dir / SECRET_FILE
    if path.exists():
        kept = path.read_text().strip()
        if SECRET_PATTERN.fullmatch(kept):
            return kept
    made = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(made + "\n")
    log.info("made a webhook secret (kept in %s)", path)
    return made


def endpoint(inbox: Inbox, secret: str, stopping: asyncio.Event):
    async def receive(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = json.loads(await request.read())
        except ValueError:
            # Signed but not JSON: nothing to store or retry; a 200 stops Telegram resending it.
            log.warning("update=- outcome=skipped detail=webhook body is not JSON")
            return web.Response()
        if not await inbox.accept([update], stopping):
            return web.Response(status=503)  # stopping while the database was locked: Telegram resends it
        return web.Response()

    return receive


async def serve(inbox: Inbox, *, path: str, listen: str, port: int, secret: str, stopping: asyncio.Event,
                ready: asyncio.Event | None = None, health: Health | None = None) -> None:
    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/" + path.lstrip("/"), endpoint(inbox, secret, stopping))
    if health is not None:  # /healthz, /readyz, /metrics beside the hook (the reverse proxy forwards the hook only)
        add_routes(app, health)
    runner = web.AppRunner(app, access_log=None)  # the access log would hold chat-free but noisy lines
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
        log.info("webhook listening on %s:%d", listen, port)
        if ready is not None:
            ready.set()
        await stopping.wait()
    finally:
        await runner.cleanup()


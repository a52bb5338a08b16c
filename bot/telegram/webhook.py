"""The webhook endpoint: an update is stored in the inbox before Telegram gets its 200.

Telegram signs each request with the secret given to setWebhook (header X-Telegram-Bot-Api-Secret-Token);
anything else is refused with 403, so a stranger who finds the URL cannot make the bot write to anyone.
Without TELEGRAM_WEBHOOK_SECRET a random secret is made once and kept in the data directory.

A signed request whose body is not an update (not a JSON object, larger than MAX_BODY, nested deeper than
MAX_DEPTH, an update_id SQLite cannot store) gets a 400 and one log line; a body that does not arrive
within READ_SECONDS a 408. None of them is a 500 or a traceback.
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

from bot.ops.health import Health, add_routes, serve_until
from bot.storage.inbox import update_id_of
from bot.telegram.inbox import Inbox

log = logging.getLogger("bot.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_FILE = "webhook-secret"
# Telegram's rule for secret_token: 1-256 characters, A-Z, a-z, 0-9, _ and -.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# An update is a few kilobytes; a larger body is not from Telegram.
MAX_BODY = 1024 * 1024
# Telegram sends an update's body at once; one that trickles in (a slow-body attack from someone who has
# the secret, or a broken proxy) is given up after this long instead of holding a connection open.
READ_SECONDS = 10.0
# Telegram's updates nest about ten levels (update, callback query, message, the message it replies to,
# its entities, a user); deeper JSON is not an update, and walking or storing it would only cost.
MAX_DEPTH = 32


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


def signed(given: str, secret: str) -> bool:
    """Does the request carry our secret? A header that is not ASCII (aiohttp hands undecodable bytes on
    as surrogates) is simply a wrong one: no exception, no log line for a stranger to fill the log with."""
    return given.isascii() and hmac.compare_digest(given.encode("ascii"), secret.encode("ascii"))


def depth(value: object) -> int:
    """How deep JSON objects and arrays nest in `value` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def read_update(body: bytes) -> tuple[dict | None, str]:
    """(the update, "") or (None, why it is not one) for a signed request's body."""
    try:
        update = json.loads(body)
    except RecursionError:  # nested deeper than the parser goes
        return None, "body nested too deep"
    except ValueError:  # not UTF-8, or not JSON
        return None, "body is not JSON"
    if not isinstance(update, dict):
        return None, "body is not a JSON object"
    if depth(update) > MAX_DEPTH:
        return None, f"body nested deeper than {MAX_DEPTH} levels"
    if update_id_of(update) is None:
        return None, "no update_id that is a whole number in SQLite's integer range"
    return update, ""


def _refused(status: int, detail: str) -> web.Response:
    # One line, no traceback: the request carried the secret, so this is Telegram or someone who holds it.
    log.warning("update=- outcome=refused status=%d detail=webhook %s", status, detail)
    return web.Response(status=status)


def endpoint(inbox: Inbox, secret: str, stopping: asyncio.Event):
    async def receive(request: web.Request) -> web.Response:
        if not signed(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _refused(400, f"body of {request.content_length} bytes, over {MAX_BODY}")
        try:
            body = await asyncio.wait_for(request.read(), READ_SECONDS)
        except TimeoutError:
            return _refused(408, f"body not received within {READ_SECONDS:g} s")
        except web.HTTPRequestEntityTooLarge:  # a chunked body that grew past client_max_size
            return _refused(400, f"body over {MAX_BODY} bytes")
        update, problem = read_update(body)
        if update is None:
            # Nothing to store or retry: a 400 says the request itself is wrong.
            return _refused(400, problem)
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
    await serve_until(app, listen, port, stopping, ready, f"webhook listening on {listen}:{port}")


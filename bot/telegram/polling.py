"""Long polling that confirms nothing it has not stored.

Telegram forgets an update once a later getUpdates asks for an offset past it. python-telegram-bot's
Updater asks for the next batch as soon as it has fetched one, while the handlers still wait on the send
limits; a crash then lost every update in memory (15.6% of them in 20 kill -9s at 100 updates a second).
Here a batch is written to the inbox first, and only then is the next offset requested.
"""

from __future__ import annotations

import asyncio
import logging

from bot.storage import inbox as stored
from bot.telegram.http import NO_ANSWER, BotAPIClient
from bot.telegram.inbox import Inbox

log = logging.getLogger("bot.telegram")

# Seconds Telegram holds a getUpdates open when there is nothing new (long polling); the HTTP client's
# own timeout must be longer (POLL_SECONDS + 10, see build in app.py).
POLL_SECONDS = 25
# At most this many updates per call (Telegram's maximum is 100).
BATCH = 100
# After a failed call: 1, 2, 4 ... seconds, at most 30, so a Telegram outage is not hammered.
MAX_BACKOFF = 30.0


class Poller:
    def __init__(self, client: BotAPIClient, inbox: Inbox, allowed_updates: list[str],
                 poll_seconds: int = POLL_SECONDS):
        self.client = client
        self.inbox = inbox
        self.allowed_updates = allowed_updates
        self.poll_seconds = poll_seconds
        # For /readyz: when getUpdates last answered, and why it fails now (None while it works).
        self.last_ok: float | None = None
        self.failure: str | None = None

    def readiness(self) -> tuple[bool, str]:
        """Ready while getUpdates answers: it did within a long poll and a margin, and is not failing."""
        if self.failure:
            return False, f"getUpdates failing: {self.failure}"
        if self.last_ok is None:
            return False, "no getUpdates answer yet"
        age = asyncio.get_running_loop().time() - self.last_ok
        if age > self.poll_seconds + 35:
            return False, f"no getUpdates answer for {age:.0f} s"
        return True, f"polling (last answer {age:.0f} s ago)"

    async def run(self, stopping: asyncio.Event) -> None:
        offset: int | None = None
        backoff = 1.0
        while not stopping.is_set():
            answer = await _unless_stopping(self.client.call("getUpdates", {
                "offset": offset, "limit": BATCH, "timeout": self.poll_seconds,
                "allowed_updates": self.allowed_updates,
            }), stopping)
            if answer is None:
                return  # stopping: the call in flight is dropped, and nothing it brought was confirmed
            status, body = answer
            if status == 200 and body.get("ok") and isinstance(body.get("result"), list):
                backoff = 1.0
                self.last_ok, self.failure = asyncio.get_running_loop().time(), None
                updates = body["result"]
                if not await self.inbox.accept(updates, stopping):
                    return  # stopping while the database was locked: Telegram keeps the batch
                ids = [i for i in map(stored.update_id_of, updates) if i is not None]
                if ids:
                    offset = max(ids) + 1  # confirms the batch on the next call, now that it is stored
                continue
            if status in (401, 404):
                log.error("getUpdates refused the token (HTTP %d); stopping", status)
                stopping.set()
                return
            what = "no answer" if status == NO_ANSWER else f"HTTP {status}"
            if status == 409:  # another instance polls, or a webhook is set
                what += " (another qogam polling with this token, or a webhook set)"
            self.failure = what
            log.warning("getUpdates failed: %s; retrying in %.0f s", what, backoff)
            await _sleep_unless_stopping(backoff, stopping)
            backoff = min(backoff * 2, MAX_BACKOFF)


async def _unless_stopping(call, stopping: asyncio.Event):
    """The call's result, or None when asked to stop first (the call is cancelled)."""
    task = asyncio.ensure_future(call)
    stop = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    if task.done():
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return None


async def _sleep_unless_stopping(seconds: float, stopping: asyncio.Event) -> None:
    try:
        await asyncio.wait_for(stopping.wait(), seconds)
    except TimeoutError:
        pass

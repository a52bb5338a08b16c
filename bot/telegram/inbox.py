"""From the inbox to the handlers: stored updates are handed to the Application one chat at a time,
private chats first, and each ends done, retried, or set aside. Nothing a resident sent lives only in
memory: the poller (bot/telegram/polling.py) and the webhook (bot/telegram/webhook.py) store an update
before Telegram hears that it arrived.

Handlers commit their effects together with the update's "handled" mark (Handlers.core); the update is
done once its replies are sent. An update found handled but not done (a crash while sending) is replayed
with its effects rolled back, so its replies go out and nothing is stored twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application, ContextTypes

from bot.logs import short_traceback
from bot.storage import inbox
from bot.storage.db import Database

log = logging.getLogger("bot.telegram")

# Updates handled at once. Handlers mostly wait on Telegram (the send limits), not on the CPU.
WORKERS = 16
# Of those, at most this many from groups: a group's replies wait minutes on its 20-a-minute limit, and
# a flood from groups must leave room for residents writing in private (fair under flood).
GROUP_WORKERS = 4
# A handler that failed is tried again after 1 s and 2 s; after the third failure the update is set aside.
MAX_ATTEMPTS = 3
# Telegram or the database busy (not the update's fault): retried without counting, waits capped here.
MAX_TRANSIENT_WAIT = 10.0
# On SIGTERM the updates in hand get this long to finish (docker stop sends SIGKILL 10 s after SIGTERM;
# the rest of the shutdown needs the remainder). Unfinished ones stay in the inbox for the next start.
FINISH_SECONDS = 6.0
# A row the inbox itself failed on waits this long before it is tried again.
REST_SECONDS = 30
# How often due retries are looked for when nothing new arrives.
IDLE_SECONDS = 0.2


def is_transient(error: BaseException) -> bool:
    """Errors that say nothing about the update: a lock held by another process, Telegram unreachable."""
    if isinstance(error, sqlite3.OperationalError):
        return "locked" in str(error) or "busy" in str(error)
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def retrying(write: Callable[[], object], stopping: asyncio.Event | None = None) -> bool:
    """Run a short write, waiting out another process's lock (the bot's busy timeout is 100 ms, so the
    event loop is free between tries). False if asked to stop before it succeeded."""
    wait = 0.05
    while True:
        try:
            write()
            return True
        except sqlite3.OperationalError as exc:
            if not is_transient(exc):
                raise
        if stopping is not None and stopping.is_set():
            return False
        await asyncio.sleep(wait)
        wait = min(wait * 2, 1.0)


class Inbox:
    def __init__(self, application: Application, db: Database, *,
                 apologise: Callable[[Update], Awaitable[None]] | None = None,
                 workers: int = WORKERS, group_workers: int = GROUP_WORKERS):
        self.application = application
        self.db = db
        self.apologise = apologise
        self.workers = workers
        self.group_workers = group_workers
        self.wake = asyncio.Event()
        self._errors: dict[int, BaseException] = {}
        self._transient: dict[int, int] = {}
        self._resting: dict[int, float] = {}
        self._chats: set[str] = set()
        self._ids: set[int] = set()
        self._groups = 0
        self._tasks: set[asyncio.Task] = set()
        application.add_error_handler(self._record_error)

    # ---- in ---------------------------------------------------------------------------------------
    async def accept(self, updates: list, stopping: asyncio.Event | None = None) -> bool:
        """Store a batch from Telegram (waiting out a lock); True once stored, so it may be confirmed."""
        valid = [u for u in updates if inbox.update_id_of(u) is not None]
        if len(valid) < len(updates):
            log.warning("update=- outcome=skipped detail=%d update(s) without an update_id", len(updates) - len(valid))
        if not valid:
            return True
        stored = await retrying(lambda: inbox.store(self.db, valid), stopping)
        if stored:
            self.wake.set()
        return stored

    # ---- out --------------------------------------------------------------------------------------
    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                self._dispatch()
            except sqlite3.OperationalError as exc:
                if not is_transient(exc):
                    raise
            self.wake.clear()
            try:
                await asyncio.wait_for(self.wake.wait(), IDLE_SECONDS)
            except TimeoutError:
                pass
        await self.finish()

    async def finish(self, seconds: float = FINISH_SECONDS) -> None:
        """Let the updates in hand finish; cancel what is still running after `seconds` (it stays in the
        inbox, pending or handled, for the next start)."""
        if not self._tasks:
            return
        _, unfinished = await asyncio.wait(set(self._tasks), timeout=seconds)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)
        if unfinished:
            log.warning("stopped with %d update(s) unfinished; they are handled after the restart", len(unfinished))

    async def settle(self, update_id: int) -> str | None:
        """Handle one stored update now, retries included, until it is done or set aside (tests, and the
        benchmarks' in-process runs). Returns its final status."""
        for _ in range(MAX_ATTEMPTS + 10):  # transient errors do not count as attempts; do not spin on them
            row = inbox.unfinished(self.db, update_id)
            if row is None:
                break
            await self._handle(row)
        return inbox.status(self.db, update_id)

    def _dispatch(self) -> None:
        free = self.workers - len(self._tasks)
        if free <= 0:
            return
        now = asyncio.get_running_loop().time()
        self._resting = {key: until for key, until in self._resting.items() if until > now}
        for row in inbox.due(self.db, limit=free * 8 + len(self._ids) + len(self._resting)):
            if len(self._tasks) >= self.workers:
                break
            if row.update_id in self._ids or (row.chat_key is not None and row.chat_key in self._chats):
                continue  # one update per chat at a time, in order
            if self._resting.get(row.update_id, 0.0) > now:
                continue
            if not row.private and self._groups >= self.group_workers:
                continue
            self._start(row)

    def _start(self, row: inbox.Row) -> None:
        self._ids.add(row.update_id)
        if row.chat_key is not None:
            self._chats.add(row.chat_key)
        if not row.private:
            self._groups += 1
        task = asyncio.create_task(self._handle(row))
        self._tasks.add(task)

        def finished(done: asyncio.Task) -> None:
            self._tasks.discard(done)
            self._ids.discard(row.update_id)
            if row.chat_key is not None:
                self._chats.discard(row.chat_key)
            if not row.private:
                self._groups -= 1
            if not done.cancelled() and done.exception() is not None:
                # The inbox itself failed on this row (the disk full, a bug): rest it, so one bad row
                # neither spins nor fills the log; it is tried again later, and after a restart.
                self._resting[row.update_id] = asyncio.get_running_loop().time() + REST_SECONDS
                log.error("update=%s outcome=inbox_error rest=%ds\n%s", row.update_id, REST_SECONDS,
                          short_traceback(done.exception()))
            self.wake.set()

        task.add_done_callback(finished)

    async def _handle(self, row: inbox.Row) -> None:
        try:
            update = Update.de_json(json.loads(row.payload), self.application.bot)
        except Exception as exc:  # noqa: BLE001 - anything Telegram or a forger sends must not stop the bot
            error = type(exc).__name__
            await retrying(lambda: inbox.set_aside(self.db, row.update_id, "parse", error, row.attempts))
            log.error("update=%s outcome=set_aside stage=parse error=%s", row.update_id, error,
                      extra={"qogam_update": {"kind": "unparsed", "outcome": "set_aside"}})
            return
        self._errors.pop(row.update_id, None)
        try:
            await self.application.process_update(update)
        except Exception as exc:  # noqa: BLE001 - PTB itself fails on some forged updates (an id that is a list)
            self._errors[row.update_id] = exc
        error = self._errors.pop(row.update_id, None)
        if error is None:
            self._transient.pop(row.update_id, None)
            await retrying(lambda: inbox.mark_done(self.db, row.update_id))
            return
        if is_transient(error):
            tries = self._transient[row.update_id] = self._transient.get(row.update_id, 0) + 1
            wait = min(0.25 * 2 ** (tries - 1), MAX_TRANSIENT_WAIT)
            await retrying(lambda: inbox.retry(self.db, row.update_id, wait, counted=False))
            log.warning("update=%s outcome=retry error=%s wait=%.2fs", row.update_id, type(error).__name__, wait)
            return
        attempts = row.attempts + 1
        # Effects committed and then a failure that is not Telegram being away (a reply Telegram refused,
        # the library failing after the handler): another attempt would only send the replies again.
        handled = inbox.status(self.db, row.update_id) == inbox.HANDLED
        if attempts < MAX_ATTEMPTS and not handled:
            await retrying(lambda: inbox.retry(self.db, row.update_id, 2.0 ** (attempts - 1), counted=True))
            log.warning("update=%s outcome=retry attempt=%d error=%s", row.update_id, attempts, type(error).__name__)
            return
        self._transient.pop(row.update_id, None)
        stage = "reply" if handled else "handle"
        await retrying(lambda: inbox.set_aside(self.db, row.update_id, stage, type(error).__name__, attempts))
        log.error("update=%s outcome=set_aside stage=%s attempts=%d\n%s", row.update_id, stage, attempts,
                  short_traceback(error), extra={"qogam_update": {"kind": "failed", "outcome": "set_aside"}})
        if self.apologise is not None:
            try:
                await self.apologise(update)
            except Exception as exc:  # noqa: BLE001 - a forged update may have no chat to apologise to
                log.warning("update=%s could not apologise: %s", row.update_id, type(exc).__name__)

    async def _record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # A 403 is final and already handled (the resident blocked the bot): the update is done.
        if isinstance(update, Update) and not isinstance(context.error, Forbidden):
            self._errors[update.update_id] = context.error

"""The outbox's sender: what to send to whom, paced under Telegram's limits, retried, resumable. It knows
no Telegram: a Transport sends one message and says how it went.

Two tables feed it through the same path (`_deliver`): broadcasts about hearings (bot/storage/outbox.py)
and "there is now an answer" notifications (bot/storage/notifications.py). Notifications are never
urgent: they wait out the quiet hours, and go after the broadcasts of the same round.

Pacing is bot/core/delivery/pacing.py: Telegram's limits, the quiet hours and the moment of each send.
`in_flight` sends await Telegram's answer at once, so a slow answer does not slow the pace.

Crash safety. A row stays "pending" until Telegram has accepted its message, and it is marked "sent"
in its own commit right after. After a kill, a restart sends what is pending: nothing is lost, and a
message goes out twice only if the crash fell between Telegram's answer and that commit, so at most
`in_flight` of them.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlite_utils import Database

from bot.clock import now as clock_now
from bot.core.delivery.pacing import Pacer, Settings
from bot.core.hearings import broadcasts as announcing
from bot.core.hearings import hearing as hearing_store
from bot.core.hearings.messages import message
from bot.core.knowledge.areas import Areas
from bot.core.knowledge.loader import Entry, KnowledgeBase
from bot.core.knowledge.render import TELEGRAM_MESSAGE_LIMIT, answer_text, clip
from bot.core.replies import Outgoing
from bot.i18n import LANGUAGES, translator
from bot.storage import audit, notifications, outbox, users
from bot.storage.db import transaction

log = logging.getLogger(__name__)

# A timeout or network error is retried after 2, 4, 8, 16 s; after the fifth failed try the row fails.
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 2.0
# The broadcaster's progress message is edited at most this often (the figure).
PROGRESS_SECONDS = 5.0
# Rows read from the outbox at a time: memory stays flat however many recipients a broadcast has.
BATCH = 500
# Why an announcement's or a reminder's rows were skipped (deliveries.error, `qogam broadcast show`).
LATE = "the hearing had begun before its turn came"


# ---- what a transport reports ----------------------------------------------------------------------
@dataclass(frozen=True)
class Delivered:
    pass


@dataclass(frozen=True)
class TooMany:
    """429: wait this many seconds before sending anything."""

    retry_after: float


@dataclass(frozen=True)
class Unreachable:
    """403 or "chat not found": the resident blocked the bot or is gone."""

    reason: str


@dataclass(frozen=True)
class Transient:
    """A timeout or a network error: try again later."""

    reason: str


@dataclass(frozen=True)
class Rejected:
    """Any other refusal: retrying would not help."""

    reason: str


Result = Delivered | TooMany | Unreachable | Transient | Rejected


class Transport(Protocol):
    async def send(self, user_key: str, outgoing: Outgoing, *, paid: bool) -> Result: ...

    async def show_progress(self, user_key: str, ref: str | None, text: str) -> str | None:
        """Send (ref None) or edit the progress message; return its ref, or None when it failed."""


class Rows(Protocol):
    """A table of messages owed to residents, as the sender drives it: bot/storage/outbox.py and
    bot/storage/notifications.py both are one."""

    def is_pending(self, db: Database, row_id: int) -> bool: ...

    def hold(self, db: Database, row_id: int, next_at: str, error: str, *, attempt: bool) -> None: ...

    def mark_sent(self, db: Database, row_id: int) -> None: ...

    def mark_stopped(self, db: Database, row_id: int, user_key: str, reason: str) -> None: ...

    def mark_failed(self, db: Database, row_id: int, error: str) -> None: ...

    def attempts(self, db: Database, row_id: int) -> int: ...


def progress_text(counts: Mapping[str, int], seconds_left: float, lang: str, *, done: bool) -> str:
    t = translator(lang)
    lines = [t.gettext("Broadcast finished.") if done else t.gettext("Sending the announcement…"),
             t.gettext("Sent: {n}", n=counts["sent"]), t.gettext("Pending: {n}", n=counts["pending"]),
             t.gettext("Stopped (blocked the bot): {n}", n=counts["stopped"]),
             t.gettext("Failed: {n}", n=counts["failed"])]
    if counts.get("skipped"):
        lines.append(t.gettext("Not sent, as the hearing had begun or was cancelled: {n}", n=counts["skipped"]))
    if not done:
        minutes = max(1, round(seconds_left / 60))
        lines.append(t.ngettext("About {n} minute left.", "About {n} minutes left.", minutes))
    return "\n".join(lines)


def answer_notice(entry: Entry, lang: str) -> Outgoing:
    """The message to a resident who asked to be told when their question gets an answer: one line, then
    the answer as the bot shows it, within Telegram's limit for one message."""
    t = translator(lang)
    text = t.gettext("There is now an answer to a question you asked:") + "\n\n" + answer_text(entry, t)
    return Outgoing(clip(text, TELEGRAM_MESSAGE_LIMIT), (), t.lang)


# ---- the sender ------------------------------------------------------------------------------------
class Sender:
    def __init__(self, db: Database, areas: Areas, transport: Transport, settings: Settings | None = None, *,
                 knowledge: Callable[[], KnowledgeBase] | None = None, monotonic=time.monotonic,
                 sleep=asyncio.sleep):
        """`knowledge` returns the knowledge base as it is now (editors reload it while the bot runs); without
        it, notifications of new answers wait in their table."""
        self.db = db
        self.areas = areas
        self.transport = transport
        self.pacer = Pacer(settings or Settings())
        self.knowledge = knowledge
        self._monotonic = monotonic
        self._sleep = sleep
        self.sent = 0
        # What became of each send since start (sent, stopped, failed, retry, too_many): plain counts that
        # an adapter may publish (bot/ops/metrics.py reads them for /metrics); the core knows no Prometheus.
        self.outcomes: collections.Counter[str] = collections.Counter()

    @property
    def settings(self) -> Settings:
        """The pacing settings; one copy, the pacer's, so a change reaches both."""
        return self.pacer.settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self.pacer.settings = value

    async def run(self, stopping: asyncio.Event, poll_seconds: float = 1.0) -> None:
        """Until `stopping` is set: queue due follow-ups, send what is sendable, wait for more."""
        self.pacer.restart(self._monotonic())
        log.info("sender started: rate=%.0f/s in_flight=%d per_chat=%.1fs paid=%s quiet=%s",
                 self.settings.rate, self.settings.in_flight, self.settings.per_chat_seconds,
                 self.settings.paid, self.settings.quiet)
        while not stopping.is_set():
            try:
                worked = await self.step(stopping)
            except Exception:
                log.exception("sender step failed; retrying")
                worked = 0
            if not worked:
                try:
                    await asyncio.wait_for(stopping.wait(), poll_seconds)
                except TimeoutError:
                    pass

    async def drain(self) -> int:
        """Send everything sendable now (tests and the CLI); returns the number of send attempts."""
        total = 0
        while worked := await self.step():
            total += worked
        return total

    def quiet_now(self) -> bool:
        return self.settings.quiet is not None and clock_now() in self.settings.quiet

    def may_send(self, broadcast: dict, hearing) -> bool:
        """Outside the quiet hours, yes; during them, only what announcing.may_break_quiet allows."""
        if not self.quiet_now():
            return True
        return announcing.may_break_quiet(broadcast, hearing, self.settings.quiet.end_after(clock_now()))

    async def step(self, stopping: asyncio.Event | None = None) -> int:
        announcing.queue_due_followups(self.db, self.areas)
        worked = 0
        for broadcast in outbox.active(self.db):
            hearing = hearing_store.get(self.db, broadcast["hearing_id"])
            # A broadcast too late to send is finished now (its rows skipped), quiet hours or not.
            if not announcing.too_late(broadcast, hearing) and not self.may_send(broadcast, hearing):
                continue  # waits for the morning ("urgent" only where announcing.may_break_quiet says so)
            worked += await self._send_broadcast(broadcast, stopping)
            if stopping is not None and stopping.is_set():
                return worked
        if self.knowledge is not None and not self.quiet_now():
            worked += await self._send_notifications(stopping)
        return worked

    async def _pump(self, batch: Callable[[int], list[tuple]], handle: Callable[[tuple], Awaitable[None]],
                    go_on: Callable[[], bool]) -> None:
        """Hand the rows `batch(after_id)` reads, BATCH at a time in id order, to `in_flight` workers that
        `handle` one each, while `go_on()` and rows are left."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=self.settings.in_flight * 2)

        async def worker() -> None:
            while (row := await queue.get()) is not None:
                await handle(row)

        workers = [asyncio.create_task(worker()) for _ in range(self.settings.in_flight)]
        after = 0
        try:
            while go_on():
                rows = batch(after)
                if not rows:
                    break
                for row in rows:
                    await queue.put(row)
                after = rows[-1][0]
        finally:
            for _ in workers:
                await queue.put(None)
            await asyncio.gather(*workers)

    async def _send_broadcast(self, broadcast: dict, stopping: asyncio.Event | None) -> int:
        bid = broadcast["id"]
        hearing = hearing_store.get(self.db, broadcast["hearing_id"])
        rendered: dict[str | None, Outgoing] = {}
        attempts = 0
        started = self._monotonic()
        progress = {"at": started, "ref": broadcast["progress_ref"]}

        async def handle(row: tuple) -> None:
            nonlocal attempts
            delivery_id, user_key, lang = row
            if lang not in rendered:
                rendered[lang] = message(hearing, broadcast["kind"], lang or "kk", self.areas)
            attempts += 1
            await self._deliver(outbox, delivery_id, user_key, rendered[lang])
            if broadcast["progress_user"] and self._monotonic() - progress["at"] >= PROGRESS_SECONDS:
                progress["at"] = self._monotonic()
                await self._show_progress(broadcast, progress, done=False)

        def go_on() -> bool:
            if stopping is not None and stopping.is_set():
                return False
            # The hearing may begin, or the quiet hours start, while a long broadcast is being sent.
            return not announcing.too_late(broadcast, hearing) and self.may_send(broadcast, hearing)

        await self._pump(lambda after: outbox.pending_batch(self.db, bid, after, _now(), BATCH), handle, go_on)
        if announcing.too_late(broadcast, hearing):
            self._drop_late(broadcast)
        if outbox.finish(self.db, bid):
            counts = outbox.counts(self.db, bid)
            with transaction(self.db):
                audit.record(self.db, "qogam", "broadcast_finished", f"broadcast:{bid}", **counts)
            log.info("broadcast=%s finished sent=%d stopped=%d failed=%d skipped=%d seconds=%.1f", bid,
                     counts["sent"], counts["stopped"], counts["failed"], counts["skipped"],
                     self._monotonic() - started)
            if broadcast["progress_user"]:
                await self._show_progress(broadcast, progress, done=True)
        return attempts

    def _drop_late(self, broadcast: dict) -> None:
        """The hearing began before this announcement or reminder's turn came (the bot was down, or the quiet
        hours held it): what is not sent is skipped, with the reason, and the broadcast is finished."""
        skipped = outbox.skip_broadcast(self.db, broadcast["id"], LATE)
        if skipped:
            log.warning("broadcast=%s kind=%s: %d message(s) not sent, the hearing had begun", broadcast["id"],
                        broadcast["kind"], skipped)

    async def _send_notifications(self, stopping: asyncio.Event | None) -> int:
        """Send the due "there is now an answer" notifications; returns the number of send attempts."""
        kb = self.knowledge()  # one knowledge base for the whole round, even if editors reload it meanwhile
        rendered: dict[tuple[str, str], Outgoing] = {}
        attempts = 0

        async def handle(row: tuple) -> None:
            nonlocal attempts
            notification_id, user_key, entry_id, lang = row
            entry = kb.entries.get(entry_id)
            if entry is None:
                # The editors removed or renamed the entry after queuing: nothing left to send.
                if notifications.is_pending(self.db, notification_id):
                    log.warning("notification=%s: entry %r is no longer in the knowledge base", notification_id,
                                entry_id)
                    notifications.mark_failed(self.db, notification_id,
                                              f"entry {entry_id} is no longer in the knowledge base")
                return
            lang = lang if lang in LANGUAGES else "kk"
            if (entry_id, lang) not in rendered:
                rendered[entry_id, lang] = answer_notice(entry, lang)
            attempts += 1
            await self._deliver(notifications, notification_id, user_key, rendered[entry_id, lang])

        def go_on() -> bool:
            return not (stopping is not None and stopping.is_set()) and not self.quiet_now()

        await self._pump(lambda after: notifications.pending_batch(self.db, after, _now(), BATCH), handle, go_on)
        if attempts:
            log.info("notifications: %d send attempts", attempts)
        return attempts

    async def _deliver(self, rows: Rows, row_id: int, user_key: str, outgoing: Outgoing) -> None:
        """Send one row's message and record how it went in its table (`rows`: the outbox or notifications)."""
        if not rows.is_pending(self.db, row_id):
            return  # cancelled (a hearing), deleted (/forget) or stopped while the row waited in the queue
        wait = self.pacer.chat_wait(user_key, self._monotonic())
        if wait > 0:
            # This resident got a message less than a second ago (another broadcast, a notification): later.
            rows.hold(self.db, row_id, _after(wait), "per-chat limit", attempt=False)
            return
        wait = self.pacer.reserve(self._monotonic())
        if wait > 0:
            await self._sleep(wait)
        self.pacer.sent_to(user_key, self._monotonic())
        try:
            result = await self.transport.send(user_key, outgoing, paid=self.settings.paid)
        except Exception as exc:
            log.exception("transport failed")
            result = Transient(f"{type(exc).__name__}: {exc}")
        if isinstance(result, Delivered):
            rows.mark_sent(self.db, row_id)
            self.sent += 1
            self.outcomes["sent"] += 1
        elif isinstance(result, TooMany):
            # Telegram says stop: every sender waits, this row goes again after the wait.
            self.outcomes["too_many"] += 1
            self.pacer.pause(self._monotonic(), result.retry_after)
            log.warning("429 from Telegram: pausing %.1f s", result.retry_after)
            rows.hold(self.db, row_id, _after(result.retry_after), "429", attempt=False)
        elif isinstance(result, Unreachable):
            rows.mark_stopped(self.db, row_id, user_key, result.reason)
            self.outcomes["stopped"] += 1
        elif isinstance(result, Transient):
            tried = rows.attempts(self.db, row_id) + 1
            if tried >= MAX_ATTEMPTS:
                rows.mark_failed(self.db, row_id, f"after {tried} tries: {result.reason}")
                self.outcomes["failed"] += 1
            else:
                rows.hold(self.db, row_id, _after(BACKOFF_SECONDS * 2 ** (tried - 1)), result.reason,
                          attempt=True)
                self.outcomes["retry"] += 1
        else:
            rows.mark_failed(self.db, row_id, result.reason)
            self.outcomes["failed"] += 1

    async def _show_progress(self, broadcast: dict, progress: dict, *, done: bool) -> None:
        counts = outbox.counts(self.db, broadcast["id"])
        user = broadcast["progress_user"]
        lang = users.get_language(self.db, user) or "kk"
        text = progress_text(counts, counts["pending"] / self.settings.rate, lang, done=done)
        try:
            ref = await self.transport.show_progress(user, progress["ref"], text)
        except Exception:
            log.exception("could not show progress")
            return
        if ref and ref != progress["ref"]:
            progress["ref"] = ref
            outbox.set_progress_ref(self.db, broadcast["id"], ref)


def _now() -> str:
    return clock_now().isoformat(timespec="seconds")


def _after(seconds: float) -> str:
    return (clock_now() + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")

"""The outbox's sender: what to send to whom, paced under Telegram's limits, retried, resumable. It knows
no Telegram: a Transport sends one message and says how it went.

Two tables feed it through the same path (`_deliver`): broadcasts about hearings (bot/storage/outbox.py)
and "there is now an answer" notifications (bot/storage/notifications.py). Notifications are never
urgent: they wait out the quiet hours, and go after the broadcasts of the same round.

Pacing. Telegram allows about 30 messages a second to different chats and about one a second to one
chat, and answers 429 with `retry_after` beyond either. Sends start at evenly spaced moments, 1/rate
apart, so no rolling second ever holds more than `rate` of them; several are in flight at once, so a
slow answer does not slow the pace. A 429 pauses every sender for `retry_after`.

Crash safety. A row stays "pending" until Telegram has accepted its message, and it is marked "sent"
in its own commit right after. After a kill, a restart sends what is pending: nothing is lost, and a
message goes out twice only if the crash fell between Telegram's answer and that commit, so at most
`in_flight` of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlite_utils import Database

from bot.core import announcing
from bot.core.announcement import Outgoing, message
from bot.core.areas import KZ_TIME, Areas
from bot.core.knowledge import Entry, KnowledgeBase
from bot.core.render import TELEGRAM_MESSAGE_LIMIT, answer_text, clip
from bot.i18n import LANGUAGES, translator
from bot.storage import audit, notifications, outbox, users
from bot.storage import hearings as stored
from bot.storage.clock import now as clock_now
from bot.storage.db import transaction

log = logging.getLogger(__name__)

QUIET_HOURS_ENV = "QOGAM_QUIET_HOURS"
PAID_ENV = "QOGAM_PAID_BROADCAST"
RATE_ENV = "QOGAM_BROADCAST_RATE"
PER_CHAT_ENV = "QOGAM_BROADCAST_PER_CHAT_SECONDS"
IN_FLIGHT_ENV = "QOGAM_BROADCAST_IN_FLIGHT"
DEFAULT_QUIET_HOURS = "22:00-08:00"
# Just under Telegram's ~30 messages a second, so that a little network jitter never puts 31 sends in
# one rolling second; measured in bench/broadcast.py.
DEFAULT_RATE = 29.0
# With allow_paid_broadcast Telegram accepts up to 1,000 a second. At that pace a stall of the event loop
# of a few milliseconds puts a dozen sends into the next second together; 4% below the limit absorbs
# 40 ms of such bunching (bench/broadcast.py: 0 x 429).
PAID_RATE = 960.0
# About one message a second to one chat.
DEFAULT_PER_CHAT_SECONDS = 1.0
# Messages awaiting Telegram's answer at once. At ~100 ms per request 8 sustain 29/s with room to spare;
# it is also the most a crash can make us send twice.
DEFAULT_IN_FLIGHT = 8
# 1,000 a second at a 65 ms round trip needs 65 in flight; 128 leaves room for slower answers.
PAID_IN_FLIGHT = 128
# A timeout or network error is retried after 2, 4, 8, 16 s; after the fifth failed try the row fails.
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 2.0
# The broadcaster's progress message is edited at most this often (the figure).
PROGRESS_SECONDS = 5.0
# Rows read from the outbox at a time: memory stays flat however many recipients a broadcast has.
BATCH = 500


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


# ---- settings --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QuietHours:
    start: dt.time
    end: dt.time

    def __contains__(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(KZ_TIME).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def quiet_hours(value: str | None) -> QuietHours | None:
    """"22:00-08:00" (the default) or "off"."""
    value = (value if value is not None else DEFAULT_QUIET_HOURS).strip().lower()
    if value in ("off", "none", ""):
        return None
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as exc:
        raise ValueError(f"{QUIET_HOURS_ENV}: write quiet hours as 22:00-08:00, or off; got {value!r}") from exc
    return QuietHours(start, end)


@dataclass(frozen=True)
class Settings:
    rate: float = DEFAULT_RATE
    per_chat_seconds: float = DEFAULT_PER_CHAT_SECONDS
    in_flight: int = DEFAULT_IN_FLIGHT
    paid: bool = False
    quiet: QuietHours | None = quiet_hours(DEFAULT_QUIET_HOURS)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.in_flight < 1 or self.per_chat_seconds < 0:
            raise ValueError(f"{RATE_ENV} must be above 0, {IN_FLIGHT_ENV} at least 1, {PER_CHAT_ENV} not negative")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = environ if environ is not None else os.environ
        paid = env.get(PAID_ENV, "").strip().lower() in ("1", "true", "yes", "on")
        quiet = quiet_hours(env.get(QUIET_HOURS_ENV))
        try:
            return cls(
                rate=float(env.get(RATE_ENV) or (PAID_RATE if paid else DEFAULT_RATE)),
                per_chat_seconds=float(env.get(PER_CHAT_ENV) or DEFAULT_PER_CHAT_SECONDS),
                in_flight=int(env.get(IN_FLIGHT_ENV) or (PAID_IN_FLIGHT if paid else DEFAULT_IN_FLIGHT)),
                paid=paid,
                quiet=quiet,
            )
        except ValueError as exc:
            raise ValueError(f"{RATE_ENV}, {IN_FLIGHT_ENV} and {PER_CHAT_ENV} take numbers: {exc}") from exc


def progress_text(counts: Mapping[str, int], seconds_left: float, lang: str, *, done: bool) -> str:
    t = translator(lang)
    lines = [t.gettext("Broadcast finished.") if done else t.gettext("Sending the announcement…"),
             t.gettext("Sent: {n}", n=counts["sent"]), t.gettext("Pending: {n}", n=counts["pending"]),
             t.gettext("Stopped (blocked the bot): {n}", n=counts["stopped"]),
             t.gettext("Failed: {n}", n=counts["failed"])]
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
        self.settings = settings or Settings()
        self.knowledge = knowledge
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_to_chat: dict[str, float] = {}
        self.sent = 0

    async def run(self, stopping: asyncio.Event, poll_seconds: float = 1.0) -> None:
        """Until `stopping` is set: queue due follow-ups, send what is sendable, wait for more."""
        # A restarted process cannot know what its predecessor sent in the last second: it waits that
        # second out, so a restart does not add a burst to a full rolling second (a 429).
        self._paused_until = self._monotonic() + 1.0
        log.info("sender started: rate=%.0f/s in_flight=%d per_chat=%.1fs paid=%s quiet=%s",
                 self.settings.rate, self.settings.in_flight, self.settings.per_chat_seconds,
                 self.settings.paid, self.settings.quiet)
        while not stopping.is_set():
            try:
                worked = await self.step(stopping)
            except Exception:  # noqa: BLE001 - the sender must outlive any one bad row or hearing
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

    async def step(self, stopping: asyncio.Event | None = None) -> int:
        announcing.queue_due_followups(self.db, self.areas)
        worked = 0
        for broadcast in outbox.active(self.db, urgent_only=self.quiet_now()):
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
        hearing = stored.get(self.db, broadcast["hearing_id"])
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
            return bool(broadcast["urgent"]) or not self.quiet_now()

        await self._pump(lambda after: outbox.pending_batch(self.db, bid, after, _now(), BATCH), handle, go_on)
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
        last = self._last_to_chat.get(user_key)
        if last is not None and self._monotonic() - last < self.settings.per_chat_seconds:
            # This resident got a message less than a second ago (another broadcast, a notification): later.
            wait = self.settings.per_chat_seconds - (self._monotonic() - last)
            rows.hold(self.db, row_id, _after(wait), "per-chat limit", attempt=False)
            return
        await self._pace()
        self._last_to_chat[user_key] = self._monotonic()
        try:
            result = await self.transport.send(user_key, outgoing, paid=self.settings.paid)
        except Exception as exc:  # noqa: BLE001 - a transport bug must not lose the row
            log.exception("transport failed")
            result = Transient(f"{type(exc).__name__}: {exc}")
        self._forget_old_chats()
        if isinstance(result, Delivered):
            rows.mark_sent(self.db, row_id)
            self.sent += 1
        elif isinstance(result, TooMany):
            # Telegram says stop: every sender waits, this row goes again after the wait.
            self._paused_until = max(self._paused_until, self._monotonic() + result.retry_after)
            log.warning("429 from Telegram: pausing %.1f s", result.retry_after)
            rows.hold(self.db, row_id, _after(result.retry_after), "429", attempt=False)
        elif isinstance(result, Unreachable):
            rows.mark_stopped(self.db, row_id, user_key, result.reason)
        elif isinstance(result, Transient):
            tried = rows.attempts(self.db, row_id) + 1
            if tried >= MAX_ATTEMPTS:
                rows.mark_failed(self.db, row_id, f"after {tried} tries: {result.reason}")
            else:
                rows.hold(self.db, row_id, _after(BACKOFF_SECONDS * 2 ** (tried - 1)), result.reason,
                          attempt=True)
        else:
            rows.mark_failed(self.db, row_id, result.reason)

    async def _pace(self) -> None:
        """Wait for this send's moment: 1/rate after the previous one, and after any 429 pause."""
        now = self._monotonic()
        slot = max(now, self._next_slot, self._paused_until)
        self._next_slot = slot + 1.0 / self.settings.rate
        if slot > now:
            await self._sleep(slot - now)

    def _forget_old_chats(self) -> None:
        # Only the last second matters; trimming when the map grows keeps memory flat on any broadcast.
        if len(self._last_to_chat) > 4 * max(self.settings.rate, 100):
            horizon = self._monotonic() - self.settings.per_chat_seconds
            self._last_to_chat = {k: v for k, v in self._last_to_chat.items() if v >= horizon}

    async def _show_progress(self, broadcast: dict, progress: dict, *, done: bool) -> None:
        counts = outbox.counts(self.db, broadcast["id"])
        user = broadcast["progress_user"]
        lang = users.get_language(self.db, user) or "kk"
        text = progress_text(counts, counts["pending"] / self.settings.rate, lang, done=done)
        try:
            ref = await self.transport.show_progress(user, progress["ref"], text)
        except Exception:  # noqa: BLE001 - progress is a courtesy; the broadcast goes on
            log.exception("could not show progress")
            return
        if ref and ref != progress["ref"]:
            progress["ref"] = ref
            outbox.set_progress_ref(self.db, broadcast["id"], ref)


def _now() -> str:
    return clock_now().isoformat(timespec="seconds")


def _after(seconds: float) -> str:
    return (clock_now() + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")

"""How a broadcast is paced: Telegram's limits as settings, the quiet hours, and the pacer that gives each send
its moment.

Telegram allows about 30 messages a second to different chats and about one a second to one chat, and
answers 429 with `retry_after` beyond either. Sends start at evenly spaced moments, 1/rate apart, so no
rolling second ever holds more than `rate` of them (several are in flight at once, so a slow answer does
not slow the pace); a resident who got a message less than `per_chat_seconds` ago waits; a 429 pauses
every send for `retry_after`. At night (the quiet hours, Astana time) only urgent broadcasts go out.
The pacer knows no clock: the sender passes it the monotonic time and sleeps for what it answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.clock import KZ_TIME
from bot.settings import broadcast as broadcast_settings
from bot.settings import quiet_hours as quiet_hours_setting

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
# A restarted process cannot know what its predecessor sent in the last second: it waits that second out,
# so a restart does not add a burst to a full rolling second (a 429).
RESTART_PAUSE = 1.0


@dataclass(frozen=True)
class QuietHours:
    start: dt.time
    end: dt.time

    def __contains__(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(KZ_TIME).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def end_after(self, moment: dt.datetime) -> dt.datetime:
        """When the quiet hours next end after `moment` (the morning that held messages wait for)."""
        local = moment.astimezone(KZ_TIME)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += dt.timedelta(days=1)
        return end


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


DEFAULT_QUIET = quiet_hours(DEFAULT_QUIET_HOURS)


@dataclass(frozen=True)
class Settings:
    rate: float = DEFAULT_RATE
    per_chat_seconds: float = DEFAULT_PER_CHAT_SECONDS
    in_flight: int = DEFAULT_IN_FLIGHT
    paid: bool = False
    quiet: QuietHours | None = DEFAULT_QUIET

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.in_flight < 1 or self.per_chat_seconds < 0:
            raise ValueError(f"{RATE_ENV} must be above 0, {IN_FLIGHT_ENV} at least 1, {PER_CHAT_ENV} not negative")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = environ if environ is not None else {**broadcast_settings(), QUIET_HOURS_ENV: quiet_hours_setting()}
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


class Pacer:
    """The moments of a broadcast's sends: one every 1/rate seconds, none to a chat within per_chat_seconds
    of its last, none during a 429's pause."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_to_chat: dict[str, float] = {}

    def restart(self, now: float) -> None:
        self._paused_until = now + RESTART_PAUSE

    def pause(self, now: float, seconds: float) -> None:
        """Telegram said 429: no send for `seconds`."""
        self._paused_until = max(self._paused_until, now + seconds)

    def chat_wait(self, user_key: str, now: float) -> float:
        """Seconds until this chat may get another message (0: now)."""
        last = self._last_to_chat.get(user_key)
        if last is None or now - last >= self.settings.per_chat_seconds:
            return 0.0
        return self.settings.per_chat_seconds - (now - last)

    def reserve(self, now: float) -> float:
        """Take the next send's moment: 1/rate after the previous one, and after any pause. Returns the
        seconds to wait for it."""
        slot = max(now, self._next_slot, self._paused_until)
        self._next_slot = slot + 1.0 / self.settings.rate
        return slot - now

    def sent_to(self, user_key: str, now: float) -> None:
        self._last_to_chat[user_key] = now
        # Only the last second matters; trimming when the map grows keeps memory flat on any broadcast.
        if len(self._last_to_chat) > 4 * max(self.settings.rate, 100):
            horizon = now - self.settings.per_chat_seconds
            self._last_to_chat = {k: v for k, v in self._last_to_chat.items() if v >= horizon}

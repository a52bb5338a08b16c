"""Per-resident flood control: a token bucket for each person, so one flooder is slowed, not everyone.

A bucket holds BURST tokens and refills at RATE tokens a second; every message or button press
takes one. A resident who runs out is told once to slow down; what they send until the bucket
refills is dropped, not queued, so a flood cannot build a backlog that delays other residents.
Inline queries take tokens from a bucket of their own (check_inline), sized for typing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

# Paging through /topics can take 5-6 presses in a few seconds; nobody types 10 questions in 10 s.
BURST = 10
# One token a second matches Telegram's own guidance of about 1 message a second per chat.
RATE = 1.0
# Inline queries (`@bot question` in any chat) arrive as the resident types, one every few keystrokes:
# a bucket of their own, twice as deep and twice as fast, lets a person type a long question without
# a pause, while a script sending queries is slowed like any flooder (each query costs a match).
INLINE_BURST = 20
INLINE_RATE = 2.0
# Buckets of people who have been quiet this long are full again and can be forgotten.
IDLE_SECONDS = 600.0
# Forget idle buckets once there are this many, to bound memory however many people write.
PRUNE_AT = 10_000


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first refusal: tell the resident to slow down
    DROP = "drop"  # later refusals in the same flood: stay silent


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


@dataclass
class Throttle:
    burst: int = BURST
    rate: float = RATE
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def check(self, key: str, *, burst: int | None = None, rate: float | None = None) -> Verdict:
        """Take a token from `key`'s bucket; `burst` and `rate` set another size and pace for this kind of
        bucket (inline queries) than the throttle's own."""
        burst = self.burst if burst is None else burst
        rate = self.rate if rate is None else rate
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= PRUNE_AT:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(burst, now)
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def check_inline(self, key: str) -> Verdict:
        """An inline query from `key`: its own bucket (INLINE_BURST, INLINE_RATE)."""
        return self.check(f"inline:{key}", burst=INLINE_BURST, rate=INLINE_RATE)

    def _prune(self, now: float) -> None:
        self._buckets = {k: b for k, b in self._buckets.items() if now - b.updated < IDLE_SECONDS}

    def __len__(self) -> int:
        return len(self._buckets)

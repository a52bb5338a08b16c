"""The one place that reads the wall clock, so tests can move time (`use`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

# The whole country has been on one time zone, UTC+5, since 1 March 2024; tzdata (a dependency) knows
# it, so hearing times and statistics' days are right on machines without system time zones.
KZ_TIME = ZoneInfo("Asia/Almaty")

_source: Callable[[], dt.datetime] | None = None


def now() -> dt.datetime:
    return _source() if _source is not None else dt.datetime.now(dt.UTC)


def now_iso() -> str:
    return now().isoformat(timespec="seconds")


def use(source: Callable[[], dt.datetime] | None) -> None:
    """Read time from `source` (an aware datetime factory) instead of the system; None restores it."""
    global _source
    _source = source

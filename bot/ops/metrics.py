"""Prometheus metrics from what the bot already produces: its one log line per update, the sender's plain
counts, and the database's queues. Nothing here is in the core: the handlers log kind, outcome, language
and time (bot/telegram/handlers.py), the sender counts its outcomes (bot/core/delivery/sender.py), and
this module turns them into counters and a histogram.

No label carries a user, a chat or text: labels are the update's kind, its outcome, the reply's language
and the sender's outcome, each checked against a short pattern (anything else becomes "other").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import re
import time
from collections.abc import Callable, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.storage import inbox, notifications, outbox

# The attribute a log record carries for metrics: {"kind", "outcome", "lang", "seconds"}.
UPDATE_FIELD = "qogam_update"
QUESTION_OUTCOMES = ("answered", "suggested", "unanswered")
LANGS = ("kk", "ru", "en")
# Labels come from our own code's words, never a resident's: short lowercase words (membership outcomes are
# "<chat type>:<status>").
LABEL = re.compile(r"[a-z_]{1,24}(:[a-z_]{1,24})?")
# Reply latency: most answers take milliseconds; the rate limiter can hold a reply for seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# python-telegram-bot's rate limiter logs this when Telegram answers 429 to a reply.
RATE_LIMITER_LOGGER = "telegram.ext.AIORateLimiter"


def label(value: object) -> str:
    text = str(value or "-")
    return text if text == "-" or LABEL.fullmatch(text) else "other"


class Metrics:
    """One registry per process (not prometheus_client's global one, so tests and the web console can
    each have their own)."""

    def __init__(self, db=None, *, sender_outcomes: Callable[[], Mapping[str, int]] | None = None):
        self.registry = CollectorRegistry()
        self.updates = Counter("qogam_updates", "Updates handled, by kind and outcome", ["kind", "outcome"],
                               registry=self.registry)
        self.answers = Counter("qogam_questions", "Residents' questions by outcome (answered, suggested, "
                               "unanswered) and reply language", ["outcome", "lang"], registry=self.registry)
        self.latency = Histogram("qogam_reply_seconds", "Time from an update's start to its replies sent",
                                 ["kind"], buckets=BUCKETS, registry=self.registry)
        self.replies_429 = Counter("qogam_replies_telegram_429", "429 answers to replies (the rate limiter "
                                   "waited and retried)", registry=self.registry)
        if sender_outcomes is not None or db is not None:
            self.registry.register(_Queues(db, sender_outcomes))

    def observe_update(self, kind: str, outcome: str, lang: str, seconds: float | None) -> None:
        kind, outcome = label(kind), label(outcome)
        self.updates.labels(kind, outcome).inc()
        if outcome in QUESTION_OUTCOMES:
            self.answers.labels(outcome, lang if lang in LANGS else "-").inc()
        if seconds is not None and seconds >= 0:
            self.latency.labels(kind).observe(seconds)

    def log_handler(self) -> logging.Handler:
        return _FromLog(self)


class _FromLog(logging.Handler):
    """Reads the records the bot logs anyway; never formats them, never keeps them."""

    def __init__(self, metrics: Metrics):
        super().__init__(level=logging.DEBUG)
        self.metrics = metrics

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # metrics must never break logging, nor the bot
            fields = getattr(record, UPDATE_FIELD, None)
            if isinstance(fields, dict):
                self.metrics.observe_update(fields.get("kind"), fields.get("outcome"), fields.get("lang"),
                                            fields.get("seconds"))
            elif record.name == RATE_LIMITER_LOGGER and str(record.msg).startswith("Rate limit hit"):
                self.metrics.replies_429.inc()


class _Queues(Collector):
    """Gauges read from the database at each scrape (indexed counts, no scan), and the sender's counts."""

    def __init__(self, db, sender_outcomes: Callable[[], Mapping[str, int]] | None):
        self.db = db
        self.sender_outcomes = sender_outcomes

    def collect(self):
        if self.sender_outcomes is not None:
            sent = CounterMetricFamily("qogam_outbox_sends", "Outbox sends since start by outcome (sent, stopped: "
                                       "the resident blocked the bot, failed, retry, too_many: a 429)",
                                       labels=["outcome"])
            counts = dict(self.sender_outcomes())
            for outcome in ("sent", "stopped", "failed", "retry", "too_many"):
                sent.add_metric([outcome], counts.get(outcome, 0))
            yield sent
        if self.db is None:
            return
        try:
            backlog = inbox.backlog(self.db)
            deliveries = outbox.waiting(self.db)
            notes = notifications.waiting(self.db)
            last = inbox.last_received(self.db)
        except Exception:  # noqa: BLE001 - a locked or closed database: no gauges this time, not a 500
            return
        yield GaugeMetricFamily("qogam_inbox_backlog", "Updates stored and not yet done", value=backlog)
        queue = GaugeMetricFamily("qogam_outbox_rows", "Outbox rows waiting (pending) or given up (failed)",
                                  labels=["queue", "status"])
        for status, n in deliveries.items():
            queue.add_metric(["broadcast", status], n)
        for status, n in notes.items():
            queue.add_metric(["notification", status], n)
        yield queue
        yield GaugeMetricFamily("qogam_last_update_age_seconds", "Seconds since the newest update arrived "
                                "(NaN before the first)", value=_age(last))


def _age(iso: str | None) -> float:
    if not iso:
        return math.nan
    try:
        then = dt.datetime.fromisoformat(iso)
    except ValueError:
        return math.nan
    if then.tzinfo is None:
        then = then.replace(tzinfo=dt.UTC)
    return max(0.0, time.time() - then.timestamp())

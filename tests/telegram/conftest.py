"""The real Application with every handler, talking to a FakeBotAPI instead of Telegram."""

from __future__ import annotations

import pytest

from bot.core.delivery.pacing import Settings
from bot.core.flood import Throttle
from bot.telegram.app import build_application, build_inbox, build_sender
from tests.telegram.fakes import TOKEN, FakeBotAPI, FakeRequest

# Broadcasts in tests: fast pacing (the pace itself is measured in bench/broadcast.py), no quiet hours
# unless a test sets them.
TEST_SENDING = Settings(rate=1000.0, in_flight=4, quiet=None)


class Clock:
    """A hand-moved monotonic clock for the flood throttle."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Bot:
    """What a test drives: push an update dict through the application, read the Bot API calls back."""

    def __init__(self, application, api: FakeBotAPI, errors: list, clock: Clock, sender=None, inbox=None):
        self.application = application
        self.inbox = inbox
        # The broadcast sender `qogam run` starts, on the same fake Bot API.
        self.sender = sender
        self.api = api
        self.errors = errors
        self.clock = clock
        # Tests of the error handler itself set this; every other test fails if any handler failed.
        self.expect_errors = False

    async def send(self, update: dict) -> list:
        """Store one update in the inbox and handle it, as `qogam run` does (retries included); return the
        Bot API calls it caused."""
        before = len(self.api.calls)
        assert await self.inbox.accept([update])
        await self.inbox.settle(update["update_id"])
        return self.api.calls[before:]

    async def replies(self, update: dict) -> list[dict]:
        return [c.params for c in await self.send(update) if c.method == "sendMessage"]


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
async def bot(conversation, clock):
    api = FakeBotAPI()
    application = build_application(conversation, TOKEN, request=FakeRequest(api),
                                    updates_request=FakeRequest(api), throttle=Throttle(clock=clock))
    errors: list[BaseException] = []

    async def collect(update, context):
        errors.append(context.error)

    application.add_error_handler(collect)
    _, sender = build_sender(conversation, TOKEN, call=api.call, settings=TEST_SENDING)
    inbox = build_inbox(application, conversation)
    async with application:
        api.clear()  # getMe from initialize()
        driver = Bot(application, api, errors, clock, sender, inbox)
        yield driver
    if not driver.expect_errors:
        assert errors == [], f"a handler failed: {errors!r}"

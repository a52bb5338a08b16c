"""A small Bot API client on aiohttp for the broadcast sender: it calls sendMessage and
editMessageText, nothing else, and hands back Telegram's answer as it came.

Not python-telegram-bot's Bot: with dozens of messages in flight, PTB's default HTTP stack (httpx) costs
about 4 ms of CPU per request on our 2-core machine (243 requests a second against bench/standin.py,
aiohttp 3,679), and building a Message object from every answer costs as much again. At Telegram's free
30 a second either would do; a paid broadcast's 1,000 a second needs this. Replies to residents keep PTB.
"""

from __future__ import annotations

import json
from typing import Any, Self

import aiohttp

# Seconds for one call before it counts as timed out (the outbox retries it later).
TIMEOUT = 10.0
# Status of an answer that never came (timeout, connection refused, reset).
NO_ANSWER = 0


class BotAPIClient:
    def __init__(self, token: str, bot_url: str, connections: int, timeout: float = TIMEOUT):
        """`bot_url` is the API's base ending in /bot (https://api.telegram.org/bot)."""
        self.url = f"{bot_url}{token}/"
        self.connections = connections
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        # trust_env: an operator behind an HTTPS proxy sets HTTPS_PROXY and NO_PROXY, as for PTB.
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.connections),
                                              timeout=aiohttp.ClientTimeout(total=self.timeout), trust_env=True)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict]:
        """(HTTP status, Telegram's JSON answer); status 0 with a description when no answer came."""
        if self._session is None:
            raise RuntimeError("BotAPIClient is not open: use `async with`")
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items() if v is not None}
        try:
            async with self._session.post(self.url + method, data=form) as response:
                try:
                    return response.status, await response.json(content_type=None)
                except ValueError:
                    return response.status, {"ok": False, "description": f"HTTP {response.status}, not JSON"}
        except TimeoutError:
            return NO_ANSWER, {"ok": False, "description": "timed out"}
        except aiohttp.ClientError as exc:
            return NO_ANSWER, {"ok": False, "description": f"{type(exc).__name__}: {exc}"[:200]}

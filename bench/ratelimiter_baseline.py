"""The baseline a broadcast sender has to beat: python-telegram-bot's own AIORateLimiter against Telegram's limits.

`qogam run` sends through `AIORateLimiter(max_retries=3)`. Its overall limit is a leaky bucket (aiolimiter)
of 30 a second, which lets a burst of 30 through and then 30 a second more, so a rolling second can see
more than 30 sends and Telegram answers 429; every 429 then pauses *all* sending for retry_after + 0.1 s.
This measures what that gives for a broadcast: one sendMessage to each of N residents (distinct private
chats), one by one or with several senders in flight, through the real HTTP stack (ExtBot, HTTPXRequest,
httpx) against bench.standin, which enforces the limits as Telegram does. The figures come from the
stand-in's records: accepted sends a second between the first and the last, 429s, sends lost after the
retries, and duplicates (a chat that got the message twice).

Run: `python -m bench.ratelimiter_baseline [--latency 0.065] [--recipients 600]` (about a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bench.standin import StandIn, control

TOKEN = "999000:TEST-token"
# Residents' private chat ids: positive, so AIORateLimiter applies only its overall limit (no group limit).
FIRST_CHAT = 10_000_000
# As in `qogam run` (bot/telegram/app.py): three retries after a 429.
MAX_RETRIES = 3
# Connections beyond one per sender (for ExtBot.initialize's getMe and spares), so no sender waits for the pool.
SPARE_CONNECTIONS = 4
TEXT = "Public hearing on the district budget: 21 November, 15:00, akimat hall."


async def baseline(base_url: str, recipients: int, in_flight: int) -> dict:
    """One sendMessage to each of `recipients` chats through AIORateLimiter, `in_flight` at a time.

    Returns {"recipients", "in_flight", "seconds" (first to last accepted send, stand-in's clock),
    "rate" (accepted / seconds), "too_many" (429s), "lost" (sends that finally failed),
    "duplicates" (accepted sends beyond one per chat), "accepted", "wall" (seconds the senders took)}.
    """
    await asyncio.to_thread(control, base_url, "reset")
    # trust_env=False: an HTTP(S)_PROXY or ALL_PROXY in the environment must not catch 127.0.0.1
    # (the control calls go through a proxy-less urllib opener for the same reason).
    request = HTTPXRequest(connection_pool_size=in_flight + SPARE_CONNECTIONS, httpx_kwargs={"trust_env": False})
    bot = ExtBot(TOKEN, base_url=f"{base_url}/bot", request=request,
                 rate_limiter=AIORateLimiter(max_retries=MAX_RETRIES))
    chats = iter(range(FIRST_CHAT, FIRST_CHAT + recipients))
    lost = 0

    async def sender() -> None:
        nonlocal lost
        for chat_id in chats:  # one iterator shared by all senders: each chat is taken exactly once
            try:
                await bot.send_message(chat_id, TEXT)
            except TelegramError:  # RetryAfter after the last retry, Forbidden, a timeout ...
                lost += 1

    async with bot:
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(in_flight)))
        wall = time.perf_counter() - started

    stats = await asyncio.to_thread(control, base_url, "stats")
    accepted = stats["accepted"]
    seconds = stats["last"] - stats["first"] if accepted else 0.0
    return {"recipients": recipients, "in_flight": in_flight, "seconds": round(seconds, 2),
            "rate": round(accepted / seconds, 1) if seconds else 0.0, "too_many": stats["too_many"],
            "lost": lost, "duplicates": sum(count - 1 for count in stats["per_chat"].values()),
            "accepted": accepted, "wall": round(wall, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ratelimiter_baseline",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=600)
    # Real Telegram is a round trip away (~65 ms from Kazakhstan and Europe): one by one, that round trip,
    # not the limiter, sets the pace (1 / 0.065 s = ~15 msg/s). 0 measures the limiter alone.
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the stand-in adds to each answer")
    args = parser.parse_args(argv)
    recipients = args.recipients
    with StandIn(latency=args.latency) as standin:
        for in_flight in (1, 16):
            result = asyncio.run(baseline(standin.base_url, recipients, in_flight))
            print(f"AIORateLimiter, {recipients} recipients, {in_flight:>2} in flight: {result['rate']:.1f} msg/s "
                  f"over {result['seconds']:.1f} s, {result['too_many']} x 429, {result['lost']} lost, "
                  f"{result['duplicates']} duplicates  {result}")


if __name__ == "__main__":
    main()

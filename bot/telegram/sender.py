"""The outbox's Telegram side: one sendMessage per recipient, and what Telegram's answer means for the
row. Pacing, retries and restarts live in the core (bot/core/delivery/sender.py); this only translates.

It talks to the Bot API through its own client (bot/telegram/http.py), without python-telegram-bot's
AIORateLimiter: the core paces broadcasts itself, more closely than the limiter can (bench/broadcast.py
measures both), and a 429 there would pause the replies to residents too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from bot.core.delivery.sender import Delivered, Rejected, Result, TooMany, Transient, Unreachable
from bot.core.replies import Outgoing

log = logging.getLogger("bot.telegram")

# (method, params) -> (HTTP status, Telegram's JSON answer); status 0 when no answer came.
Call = Callable[[str, dict[str, Any]], Awaitable[tuple[int, dict]]]
# Answers to a send that mean the chat is gone for good: the resident blocked the bot (403), deleted
# their account, or never started it.
GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot can't initiate conversation")
# Announcements carry links (the online stream, the map); previews of them would bury the text.
NO_PREVIEW = json.dumps({"is_disabled": True})


def chat_id(user_key: str) -> int | None:
    channel, _, number = user_key.partition(":")
    return int(number) if channel == "tg" and number.lstrip("-").isdigit() else None


# A broadcast renders one message per language and sends it to many: its keyboard is serialised once.
@lru_cache(maxsize=64)
def keyboard(outgoing: Outgoing) -> str | None:
    if not outgoing.buttons:
        return None
    return json.dumps({"inline_keyboard": [[{"text": b.label, "callback_data": b.data} for b in row]
                                           for row in outgoing.buttons]}, ensure_ascii=False)


def result_of(status: int, answer: dict) -> Result:
    if status == 200 and answer.get("ok"):
        return Delivered()
    description = str(answer.get("description") or f"HTTP {status}")
    code = answer.get("error_code") or status
    if status == 0 or code >= 500:
        return Transient(description)
    if code == 429:
        return TooMany(float((answer.get("parameters") or {}).get("retry_after") or 1))
    if code == 403 or any(gone in description.lower() for gone in GONE):
        return Unreachable(description)
    return Rejected(description)


class TelegramTransport:
    def __init__(self, call: Call):
        self.call = call

    async def send(self, user_key: str, outgoing: Outgoing, *, paid: bool) -> Result:
        chat = chat_id(user_key)
        if chat is None:
            return Rejected(f"not a Telegram user: {user_key.partition(':')[0]}")
        params = {"chat_id": str(chat), "text": outgoing.text, "reply_markup": keyboard(outgoing),
                  "link_preview_options": NO_PREVIEW}
        if paid:
            params["allow_paid_broadcast"] = "true"
        return result_of(*await self.call("sendMessage", params))

    async def show_progress(self, user_key: str, ref: str | None, text: str) -> str | None:
        chat = chat_id(user_key)
        if chat is None:
            return None
        if ref:
            status, answer = await self.call("editMessageText", {"chat_id": str(chat), "message_id": ref,
                                                                  "text": text})
            if status == 200 or "not modified" in str(answer.get("description", "")).lower():
                return ref
        else:
            status, answer = await self.call("sendMessage", {"chat_id": str(chat), "text": text})
            if status == 200 and answer.get("ok"):
                return str(answer["result"]["message_id"])
        log.info("could not show broadcast progress: %s", answer.get("description"))
        return None

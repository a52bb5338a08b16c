"""The outbox's Telegram side: one sendMessage per recipient, and what Telegram's answer means for the
row. Pacing, retries and restarts live in the core (bot/core/delivery.py); this only translates.

It uses its own Bot without python-telegram-bot's AIORateLimiter: the core paces broadcasts itself,
more closely than the limiter can (bench/broadcast.py measures both), and a 429 there would pause the
replies to residents too. Replies keep the application's Bot and its limiter.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.core.announcement import Outgoing
from bot.core.delivery import Delivered, Rejected, Result, TooMany, Transient, Unreachable
from bot.telegram.keyboards import keyboard

log = logging.getLogger("bot.telegram")


def chat_id(user_key: str) -> int | None:
    channel, _, number = user_key.partition(":")
    return int(number) if channel == "tg" and number.lstrip("-").isdigit() else None


def retry_seconds(exc: RetryAfter) -> float:
    # An int in PTB 22 by default, a timedelta with PTB_TIMEDELTA set (bot/telegram/__init__.py).
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramTransport:
    def __init__(self, bot: Bot):
        self.bot = bot

    async def send(self, user_key: str, outgoing: Outgoing, *, paid: bool) -> Result:
        chat = chat_id(user_key)
        if chat is None:
            return Rejected(f"not a Telegram user: {user_key.partition(':')[0]}")
        try:
            await self.bot.send_message(chat, outgoing.text, reply_markup=keyboard(outgoing.buttons),
                                        allow_paid_broadcast=True if paid else None)
        except RetryAfter as exc:
            return TooMany(retry_seconds(exc))
        except Forbidden as exc:
            return Unreachable(exc.message)
        except BadRequest as exc:
            if "chat not found" in exc.message.lower() or "user is deactivated" in exc.message.lower():
                return Unreachable(exc.message)
            return Rejected(exc.message)
        except (TimedOut, NetworkError) as exc:  # TimedOut is a NetworkError; both are worth a retry
            return Transient(exc.message or type(exc).__name__)
        except TelegramError as exc:
            return Rejected(exc.message)
        return Delivered()

    async def show_progress(self, user_key: str, ref: str | None, text: str) -> str | None:
        chat = chat_id(user_key)
        if chat is None:
            return None
        try:
            if ref:
                await self.bot.edit_message_text(text, chat_id=chat, message_id=int(ref))
                return ref
            sent = await self.bot.send_message(chat, text)
            return str(sent.message_id)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return ref
            log.info("could not show broadcast progress: %s", exc.message)
        except TelegramError as exc:
            log.info("could not show broadcast progress: %s", exc)
        return None

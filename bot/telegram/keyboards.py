"""Replies of the core as Telegram messages: inline keyboards and text chunks."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.knowledge.render import split_message
from bot.core.replies import Button, Reply

# Telegram rejects callback_data longer than 64 bytes (bytes, not characters).
CALLBACK_DATA_LIMIT = 64


def markup(reply: Reply, bot_username: str | None = None) -> InlineKeyboardMarkup | None:
    return keyboard(reply.buttons, bot_username)


def keyboard(buttons, bot_username: str | None = None) -> InlineKeyboardMarkup | None:
    """Callback buttons, and deep-link buttons as t.me links to the private chat with the bot. A deep
    link needs the bot's username: without one (never after getMe) the button is left out."""
    rows = [[_button(button, bot_username) for button in row
             if button.deep_link is None or bot_username] for row in buttons]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def deep_link_url(bot_username: str, payload: str) -> str:
    """t.me/<bot>?start=<payload> opens the private chat and sends /start <payload>; an empty payload just
    opens the chat."""
    return f"https://t.me/{bot_username}" + (f"?start={payload}" if payload else "")


def _button(button: Button, bot_username: str | None) -> InlineKeyboardButton:
    if button.deep_link is not None:
        return InlineKeyboardButton(button.label, url=deep_link_url(bot_username, button.deep_link))
    return InlineKeyboardButton(button.label, callback_data=button.data)


def chunks(reply: Reply, bot_username: str | None = None) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The reply as messages within Telegram's limit of 4096 UTF-16 code units; buttons go under the last
    one."""
    parts = split_message(reply.text)
    return [(part, markup(reply, bot_username) if i == len(parts) - 1 else None) for i, part in enumerate(parts)]

"""Replies of the core as Telegram messages: inline keyboards and text chunks."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.conversation import Reply
from bot.core.render import split_message

# Telegram rejects callback_data longer than 64 bytes (bytes, not characters).
CALLBACK_DATA_LIMIT = 64


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    return keyboard(reply.buttons)


def keyboard(buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row] for row in buttons]
    )


def chunks(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The reply as messages under Telegram's 4096-character limit; buttons go under the last one."""
    parts = split_message(reply.text)
    return [(part, markup(reply) if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


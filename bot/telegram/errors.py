"""The last line of defence: a handler failed. The inbox (bot/telegram/inbox.py) retries the update and,
when it sets it aside after the last attempt, logs the update id with the traceback and calls
`apologiser`: the resident gets a short apology. The application goes on with the next update."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Message, Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.core.dialogue.router import Conversation
from bot.core.knowledge.render import clip
from bot.logs import short_traceback
from bot.telegram.handlers import person_of

log = logging.getLogger("bot.telegram")


def error_handler(conversation: Conversation):
    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else "-"
        if isinstance(error, Forbidden):
            # 403: the resident blocked the bot or deleted their account. Nothing to apologise to, and
            # nothing more to send them (subscriptions included) until they /start again.
            user = update.effective_user if isinstance(update, Update) else None
            if user is not None and update.effective_chat and update.effective_chat.id == user.id:
                conversation.stopped(person_of(user))
            log.info("update=%s outcome=forbidden", update_id)
            return
        if not isinstance(update, Update):
            # Errors outside an update: polling lost the network, Telegram restarted... PTB retries.
            if isinstance(error, (NetworkError, RetryAfter)):
                log.warning("telegram unreachable, retrying: %s", error)
            else:
                log.error("error outside an update\n%s", short_traceback(error))
            return
        # The inbox records the error and decides: retry, or set aside with the traceback in the log.
        log.info("update=%s outcome=error error=%s", update_id, type(error).__name__)

    return on_error


def apologiser(conversation: Conversation, bot: Bot) -> Callable[[Update], Awaitable[None]]:
    async def apologise(update: Update) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None:
            return
        text = conversation.apology(person_of(user))[0].text
        try:
            if update.callback_query:
                await update.callback_query.answer(text=clip(text, 200), show_alert=True)
            elif chat is not None:
                message = update.effective_message
                topic = isinstance(message, Message) and message.is_topic_message
                thread = message.message_thread_id if topic else None
                await bot.send_message(chat.id, text, message_thread_id=thread)
        except TelegramError as exc:  # the apology is best effort; the traceback is already logged
            log.warning("update=%s could not apologise: %s", update.update_id, type(exc).__name__)

    return apologise

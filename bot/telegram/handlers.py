"""Telegram updates in, core replies out. No conversation logic lives here, only the Telegram side of it:
who is talking, whether a group message is for us, how a reply becomes messages, edits and toasts.

Every update ends in exactly one INFO log line: its id, kind, chat type, outcome, score, language,
entry and time taken. Message text is never logged at INFO level.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from telegram import (
    Chat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputFile,
    InputTextMessageContent,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import commands
from bot.core.dialogue.base import Slow, deep_link_payload
from bot.core.dialogue.router import Conversation
from bot.core.flood import Throttle, Verdict
from bot.core.knowledge.render import clip
from bot.core.replies import Person, Reply
from bot.i18n import translator
from bot.storage import inbox
from bot.storage.db import transaction
from bot.telegram.keyboards import chunks, markup
from bot.telegram.keyboards import keyboard as buttons_markup
from bot.telegram.slow import Worker

log = logging.getLogger("bot.telegram")
T = TypeVar("T")

# A toast (answerCallbackQuery text) may hold at most 200 characters.
TOAST_LIMIT = 200
# Inline results are cached by Telegram for everyone typing the same query; answers change rarely.
INLINE_CACHE_SECONDS = 300
# A document's caption may hold at most 1,024 characters.
CAPTION_LIMIT = 1024
# Telegram shows a short description under each inline result; longer text is cut by the client anyway.
INLINE_PREVIEW_CHARS = 120


def person_of(user: User, chat: Chat | None = None) -> Person:
    """Who is talking, and whether only they read the reply: a private chat. A group, or no chat at all
    (an inline query, a button under a message sent through inline mode: it may sit in any chat), is not
    private, and personal screens there answer with a link to the private chat."""
    return Person(key=f"tg:{user.id}", channel="telegram", language_hint=user.language_code,
                  private=chat is not None and chat.type == ChatType.PRIVATE)


class Handlers:
    def __init__(self, conversation: Conversation, throttle: Throttle | None = None):
        self.conversation = conversation
        self.throttle = throttle if throttle is not None else Throttle()
        # Grouping questions for editors and broadcasters, off the event loop (bot/telegram/slow.py).
        self.worker = Worker(conversation.db)

    def register(self, application: Application) -> None:
        new_messages = filters.UpdateType.MESSAGE  # edited messages and channel posts fall through: silence
        application.add_handler(MessageHandler(new_messages & filters.COMMAND, self.on_command))
        application.add_handler(MessageHandler(new_messages & filters.TEXT, self.on_text))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(InlineQueryHandler(self.on_inline_query))
        application.add_handler(ChatMemberHandler(self.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
        application.add_handler(MessageHandler(new_messages & filters.ChatType.PRIVATE, self.on_other_message))
        application.add_handler(TypeHandler(Update, self.on_ignored))

    # ---- messages -------------------------------------------------------------------------------
    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        started = time.perf_counter()
        message = update.message
        word, *rest = message.text.split(maxsplit=1)
        argument = rest[0] if rest else ""
        name, _, addressee = word[1:].partition("@")
        private = message.chat.type == ChatType.PRIVATE
        ours = addressee.lower() == (context.bot.username or "").lower()
        # In a group, "/help@otherbot" is for another bot, and a bare unknown "/foo" most likely too.
        if message.from_user is None or (addressee and not ours) or (not private and not addressee
                                        and name.lower() not in commands.PUBLIC):
            _log_update(update, "command", [], started, outcome="ignored")
            return
        person = person_of(message.from_user, message.chat)
        replies = self._throttled(person) or await self._answer(
            update, self.conversation.slow(person, command=name, argument=argument),
            lambda: self.conversation.command(person, name, argument.strip()))
        await self._send(context, message, replies)
        _log_update(update, "command", replies, started)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        started = time.perf_counter()
        message = update.message
        text = message.text
        if message.from_user is None or (message.via_bot and message.via_bot.id == context.bot.id):
            # An answer shared through our own inline mode, posted back into a chat: not a question.
            _log_update(update, "text", [], started, outcome="ignored")
            return
        if message.chat.type != ChatType.PRIVATE:
            text = _addressed_text(message, context.bot)
            if text is None:
                _log_update(update, "text", [], started, outcome="ignored")
                return
        person = person_of(message.from_user, message.chat)
        replies = self._throttled(person) or self.core(update, lambda: self.conversation.ask(person, text))
        await self._send(context, message, replies)
        _log_update(update, "text", replies, started)

    async def on_other_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice, locations ... in a private chat: say that only text is read.

        A photo or document with a caption is answered by its caption: residents send a screenshot of a
        notice with "what does this mean?" written under it."""
        started = time.perf_counter()
        message = update.message
        if message.from_user is None:
            _log_update(update, "other", [], started, outcome="ignored")
            return
        person = person_of(message.from_user, message.chat)
        replies = self._throttled(person) or self.core(update, lambda: (
            self.conversation.ask(person, message.caption) if message.caption else self.conversation.not_text(person)
        ))
        await self._send(context, message, replies)
        _log_update(update, "other", replies, started)

    # ---- buttons --------------------------------------------------------------------------------
    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        started = time.perf_counter()
        query = update.callback_query
        person = person_of(query.from_user, query.message.chat if query.message else None)
        throttled = self._throttled(person)
        if throttled:
            await query.answer(text=_toast(throttled[0].text) if throttled[0].text else None)
            _log_update(update, "button", [], started, outcome="throttled")
            return
        replies = await self._answer(update, self.conversation.slow(person, data=query.data or ""),
                                     lambda: self.conversation.press(person, query.data or ""))
        if query.message is None:
            # A button under a message sent through inline mode: there is no chat of ours. "More" edits that
            # message in place (every reader of the chat sees the full answer); anything else is a toast.
            first = replies[0]
            if first.replaces_pressed and query.inline_message_id and await _edit_inline(query, first, context.bot):
                await query.answer()
            else:
                await query.answer(text=_toast(first.text), show_alert=True)
            _log_update(update, "button", replies, started)
            return
        await query.answer()
        if not query.message.is_accessible or not isinstance(query.message, Message):
            # The message is too old for the Bot API to show or edit (date 0): reply anew.
            await self._send_to(context, query.message.chat.id, replies)
            _log_update(update, "button", replies, started)
            return
        message = query.message
        first = replies[0]
        if first.replaces_pressed and await _edit(message, first):
            unsent = replies[1:]
        else:
            if first.closes_pressed:
                await _edit_markup(message, buttons_markup(first.keeps_pressed, context.bot.username))
            unsent = replies
        await self._send(context, message, unsent, quote=False)
        _log_update(update, "button", replies, started)

    # ---- inline mode ----------------------------------------------------------------------------
    async def on_inline_query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`@bot question` in any chat: matching answers as articles the resident can send to neighbours."""
        started = time.perf_counter()
        query = update.inline_query
        person = person_of(query.from_user)
        verdict = self.throttle.check_inline(person.key)
        if verdict is not Verdict.ALLOW:
            if verdict is Verdict.WARN:
                # Once per flood: no results, and a line above them saying why; later queries get no answer
                # at all (no match, no Bot API call) until the bucket refills.
                t = translator(self.conversation.language(person))
                await query.answer([], is_personal=True, cache_time=0, button=InlineQueryResultsButton(
                    text=t.gettext("Too fast: wait a few seconds"), start_parameter="inline"))
            _log_update(update, "inline", [], started, outcome="throttled")
            return
        replies = self.conversation.shareable(person, query.query)
        lang = replies[0].lang if replies else self.conversation.language(person)
        t = translator(lang)
        username = context.bot.username
        results = []
        for reply in replies:
            text = self.conversation.kb.entries[reply.entry_id].texts[reply.lang]
            # The short answer, as in the bot's chat, with "More" (which edits the shared message in place)
            # and a link that opens the answer in the bot.
            results.append(InlineQueryResultArticle(
                id=reply.entry_id,
                title=text.title,
                description=_preview(text.short or text.answer),
                input_message_content=InputTextMessageContent(reply.text),
                reply_markup=_inline_markup(reply, username),
            ))
        await query.answer(
            results,
            # The language of an unclear query comes from the resident's saved choice: cache per person.
            is_personal=True,
            cache_time=INLINE_CACHE_SECONDS if results else 5,
            button=InlineQueryResultsButton(text=t.gettext("Ask Qogam"), start_parameter="inline"),
        )
        outcome = "shared" if results else "no_results"
        _log_update(update, "inline", replies, started, outcome=outcome)

    # ---- the rest -------------------------------------------------------------------------------
    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was blocked, unblocked, added to or removed from a group. A resident who blocks the
        bot in their private chat is marked stopped: nothing, broadcasts included, is sent to them
        until they press Start again (/start resumes their subscriptions)."""
        started = time.perf_counter()
        change = update.my_chat_member
        status = change.new_chat_member.status
        if change.chat.type == ChatType.PRIVATE and status == ChatMember.BANNED and change.from_user:
            self.core(update, lambda: self.conversation.stopped(person_of(change.from_user, change.chat)))
        _log_update(update, "membership", [], started, outcome=f"{change.chat.type}:{status}")

    async def on_ignored(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Edited messages, group chatter, channel posts, polls ...: silence, but still one log line."""
        _log_update(update, "other", [], time.perf_counter(), outcome="ignored")

    # ---- helpers --------------------------------------------------------------------------------
    async def _answer(self, update: Update, slow: Slow | None, work: Callable[[], T]) -> T:
        """The core's work for an update; its slow part first, in the worker thread (the event loop serves
        other residents meanwhile), then the rest with that result, as any update's work."""
        if slow is None:
            return self.core(update, work)
        result = await self.worker.run(slow)
        with slow.use(result):
            return self.core(update, work)

    def core(self, update: Update, work: Callable[[], T]) -> T:
        """Run the core's work for an update in one transaction with the update's "handled" mark in the
        inbox: a crash leaves either both or neither. An update already handled (a crash came while its
        replies were being sent) runs again with its effects rolled back: the replies go out, nothing is
        stored twice."""
        db = self.conversation.db
        replay = inbox.status(db, update.update_id) == inbox.HANDLED
        with transaction(db, rollback=replay):
            result = work()
            inbox.mark_handled(db, update.update_id)
        return result

    def _throttled(self, person: Person) -> list[Reply]:
        """[] when the resident may go on; otherwise the one "slow down" reply, or a silent drop."""
        verdict = self.throttle.check(person.key)
        if verdict is Verdict.ALLOW:
            return []
        if verdict is Verdict.WARN:
            return self.conversation.slow_down(person)
        return [Reply("", outcome="throttled")]  # empty text: nothing is sent

    async def _send(self, context: ContextTypes.DEFAULT_TYPE, message: Message, replies: list[Reply],
                    *, quote: bool | None = None) -> None:
        """Reply in the message's chat (and forum topic); in groups the first part quotes the question."""
        quote = message.chat.type != ChatType.PRIVATE if quote is None else quote
        await self._send_to(context, message.chat.id, replies,
                            thread=message.message_thread_id if message.is_topic_message else None,
                            quote_id=message.message_id if quote else None)

    @staticmethod
    async def _send_to(context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply], *,
                       thread: int | None = None, quote_id: int | None = None) -> None:
        for reply in replies:
            if reply.document is not None:
                document = reply.document
                file = InputFile(document.content, filename=document.filename)
                caption = clip(reply.text, CAPTION_LIMIT) or None
                # A picture (the /stats chart) is shown inline as a photo; anything else is a file to open.
                # Note: Telegram rescales photos (at most 10 MB, width + height at most 10,000 px).
                send = context.bot.send_photo if document.mime_type.startswith("image/") \
                    else context.bot.send_document
                await send(chat_id, file, caption=caption, reply_markup=markup(reply), message_thread_id=thread)
                continue
            for i, (text, keyboard) in enumerate(chunks(reply, context.bot.username) if reply.text else []):
                await context.bot.send_message(
                    chat_id, text, reply_markup=keyboard, message_thread_id=thread,
                    reply_parameters=ReplyParameters(quote_id, allow_sending_without_reply=True)
                    if quote_id and i == 0 else None,
                )


async def _edit(message: Message, reply: Reply) -> bool:
    """Put the reply in place of the message; False when it cannot be (then it is sent as a new one)."""
    parts = chunks(reply, message.get_bot().username)
    if len(parts) != 1:
        return False
    try:
        await message.edit_text(parts[0][0], reply_markup=parts[0][1])
    except BadRequest as exc:
        # Pressing "More ›" twice quickly asks for the same page again; Telegram refuses a no-op edit.
        if "not modified" in str(exc).lower():
            return True
        log.info("could not edit message: %s", exc)
        return False
    return True


def _inline_markup(reply: Reply, username: str | None) -> InlineKeyboardMarkup | None:
    """Buttons under a message sent through inline mode: the reply's own ("More"), and "Ask Qogam", a link
    that opens its entry in the bot."""
    rows = [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row if b.data] for row in reply.buttons]
    if username and reply.entry_id:
        rows.append([InlineKeyboardButton(translator(reply.lang).gettext("Ask Qogam"),
                                          url=f"https://t.me/{username}?start={deep_link_payload(reply.entry_id)}")])
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def _edit_inline(query, reply: Reply, bot) -> bool:
    """Put the reply in place of a message sent through inline mode; False when it cannot be."""
    parts = chunks(reply, bot.username)
    if len(parts) != 1:
        return False
    try:
        await query.edit_message_text(parts[0][0], reply_markup=_inline_markup(reply, bot.username))
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True
        log.info("could not edit an inline message: %s", exc)
        return False
    return True


async def _edit_markup(message: Message, reply_markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await message.edit_reply_markup(reply_markup=reply_markup)
    except BadRequest as exc:  # already without buttons, or too old to edit
        log.debug("could not remove buttons: %s", exc)


def _addressed_text(message: Message, bot) -> str | None:
    """The text of a group message meant for the bot (a mention or a reply to it), without the mention."""
    text = message.text
    username = (bot.username or "").lower()
    mentioned = False
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if (entity.type == MessageEntity.MENTION and value[1:].lower() == username) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id
        ):
            mentioned = True
            text = text.replace(value, " ")
    replied = message.reply_to_message
    if mentioned or (replied and replied.from_user and replied.from_user.id == bot.id):
        return text
    return None


def _toast(text: str) -> str:
    return clip(text, TOAST_LIMIT)


def _preview(answer: str) -> str:
    line = " ".join(answer.split())
    return line if len(line) <= INLINE_PREVIEW_CHARS else line[:INLINE_PREVIEW_CHARS - 1] + "…"


def _log_update(update: Update, kind: str, replies: list[Reply], started: float, *, outcome: str | None = None) -> None:
    first = replies[0] if replies else None
    score = f"{first.score:.3f}" if first and first.score is not None else "-"
    chat = update.effective_chat.type if update.effective_chat else "-"
    outcome = outcome or (first.outcome if first else "none")
    lang = first.lang if first else "-"
    seconds = time.perf_counter() - started
    # The same fields, as values, for /metrics (bot/ops/metrics.py reads them off the record).
    fields = {"kind": kind, "outcome": outcome, "lang": lang, "seconds": seconds}
    log.info(
        "update=%s kind=%s chat=%s outcome=%s score=%s lang=%s entry=%s ms=%.1f",
        update.update_id, kind, chat, outcome, score, lang, (first.entry_id if first else None) or "-",
        seconds * 1000, extra={"qogam_update": fields},
    )

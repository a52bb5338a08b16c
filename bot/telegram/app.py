"""Build and run the python-telegram-bot Application on top of the core conversation.

Note: the Bot API base URL is configurable (TELEGRAM_API_BASE_URL) for a self-hosted Bot API server and
for tests, which point it at a fake server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter, Defaults
from telegram.request import BaseRequest

from bot.core.conversation import Conversation
from bot.core.delivery import Sender, Settings
from bot.core.throttle import Throttle
from bot.i18n import LANGUAGES, Translator, translator
from bot.telegram.errors import error_handler
from bot.telegram.handlers import Handlers
from bot.telegram.http import BotAPIClient
from bot.telegram.sender import Call, TelegramTransport

log = logging.getLogger("bot.telegram")

DEFAULT_API_BASE_URL = "https://api.telegram.org"
# The update types we handle; asking only for these saves Telegram sending the rest.
ALLOWED_UPDATES = [
    Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.MY_CHAT_MEMBER,
]
# Residents' whose Telegram speaks another language see the menu in Kazakh, as they see the bot.
DEFAULT_MENU_LANGUAGE = "kk"
# Retries after a 429 answer: Telegram's retry_after is the only correct wait (anchors.md, section 4).
RATE_LIMIT_RETRIES = 3


def bot_commands(t: Translator) -> list[BotCommand]:
    """The command menu in one language; Telegram allows descriptions of 1-256 characters."""
    descriptions = {
        "start": t.gettext("Start and choose the language"),
        "topics": t.gettext("Browse topics"),
        "subscribe": t.gettext("Hearing announcements for your area"),
        "subscriptions": t.gettext("The areas you follow"),
        "language": t.gettext("Change the language"),
        "help": t.gettext("How to ask a question"),
        "about": t.gettext("About this bot"),
        "mydata": t.gettext("What is stored about you"),
        "forget": t.gettext("Delete what is stored about you"),
    }
    return [BotCommand(name, descriptions[name]) for name in Conversation.COMMANDS]


async def set_menus(application: Application) -> None:
    """Command menus and the bot's description, per language_code (kk, ru, en) and a Kazakh default."""
    bot = application.bot
    try:
        for lang in (None, *LANGUAGES):
            t = translator(lang or DEFAULT_MENU_LANGUAGE)
            await bot.set_my_commands(bot_commands(t), language_code=lang)
            # The short description shows on the bot's profile, the long one in an empty chat (120 / 512).
            await bot.set_my_short_description(
                t.gettext("Hello! I am Qogam, a guide to local government in Kazakhstan."), language_code=lang)
            await bot.set_my_description("\n\n".join([
                t.gettext("Hello! I am Qogam, a guide to local government in Kazakhstan."),
                t.gettext("Ask me in Kazakh, Russian or English: who elects the village akim, what the maslikhat decides, how to file an appeal to the akimat and how long it may take."),
            ]), language_code=lang)
    except TelegramError as exc:  # menus are a nicety: a bot without them still answers
        log.warning("could not set command menus: %s", exc)


def api_urls(api_base_url: str | None) -> tuple[str, str]:
    """Bot API and file URLs for python-telegram-bot, which appends the token to them."""
    base = (api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
    if base.endswith("/bot"):
        base = base[: -len("/bot")]
    return f"{base}/bot", f"{base}/file/bot"


def build_application(
    conversation: Conversation,
    token: str,
    *,
    api_base_url: str | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter | None = None,
    throttle: Throttle | None = None,
) -> Application:
    """The Application with every handler. Tests pass fake `request`s that record Bot API calls."""
    bot_url, file_url = api_urls(api_base_url)

    async def started(application: Application) -> None:
        log.info("started as @%s with %d knowledge entries", application.bot.username, len(conversation.kb.entries))
        await set_menus(application)

    builder = (
        Application.builder()
        .token(token)
        .base_url(bot_url)
        .base_file_url(file_url)
        # Answers cite several URLs; previews of them would bury the answer.
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        # Handlers never await in the middle of core work (it is synchronous), so updates can run
        # concurrently: a slow sendMessage to one resident does not hold up the next resident.
        .concurrent_updates(True)
        .post_init(started)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    application = builder.build()
    Handlers(conversation, throttle).register(application)
    application.add_error_handler(error_handler(conversation))
    return application


def build_sender(conversation: Conversation, token: str, *, api_base_url: str | None = None,
                 call: Call | None = None, settings: Settings | None = None) -> tuple[BotAPIClient | None, Sender]:
    """The broadcast sender and its Bot API client (no AIORateLimiter: the sender paces itself). Tests
    pass `call`, a fake Bot API, and get no client."""
    settings = settings or Settings.from_env()
    client = None
    if call is None:
        # One connection per message in flight, and two to spare for the progress message.
        client = BotAPIClient(token, api_urls(api_base_url)[0], connections=settings.in_flight + 2)
        call = client.call
    return client, Sender(conversation.db, conversation.areas, TelegramTransport(call), settings)


def run(conversation: Conversation, token: str, *, api_base_url: str | None = None,
        webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443,
        secret_token: str | None = None) -> None:
    """Long polling by default; with `webhook_url`, a webhook server behind a reverse proxy.

    Both stop cleanly on SIGINT and SIGTERM: the update in progress finishes, then the database closes.
    """
    application = build_application(
        conversation, token, api_base_url=api_base_url,
        rate_limiter=AIORateLimiter(max_retries=RATE_LIMIT_RETRIES),
    )

    client, sender = build_sender(conversation, token, api_base_url=api_base_url)
    stopping = asyncio.Event()
    running: list[asyncio.Task] = []
    greet = application.post_init

    async def start_sender(app: Application) -> None:
        await greet(app)
        await client.open()
        # Broadcasts queued by the command line, by /hearing, or left pending by a crash go out from here.
        running.append(asyncio.create_task(sender.run(stopping)))

    async def stop_sender(_: Application) -> None:
        # The messages in flight finish and are committed, so a clean stop repeats nothing.
        stopping.set()
        await asyncio.gather(*running)
        await client.close()

    async def close_db(_: Application) -> None:
        conversation.db.close()

    application.post_init = start_sender
    application.post_stop = stop_sender
    application.post_shutdown = close_db
    if webhook_url:
        application.run_webhook(
            listen=listen, port=port, url_path=urlsplit(webhook_url).path.lstrip("/"), webhook_url=webhook_url,
            secret_token=secret_token, allowed_updates=ALLOWED_UPDATES,
        )
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)

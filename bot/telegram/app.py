"""Build and run the python-telegram-bot Application on top of the core conversation.

Note: the Bot API base URL is configurable (TELEGRAM_API_BASE_URL) for a self-hosted Bot API server and
for tests, which point it at a fake server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import signal
import sqlite3
import threading
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, BaseRateLimiter, Defaults
from telegram.request import BaseRequest

from bot.core import commands
from bot.core.curation import serving
from bot.core.delivery.pacing import Settings
from bot.core.delivery.sender import Sender
from bot.core.dialogue.router import Conversation
from bot.core.flood import Throttle
from bot.i18n import LANGUAGES, Translator, translator
from bot.ops.health import Health, database_check
from bot.ops.health import serve as serve_health
from bot.ops.metrics import Metrics
from bot.settings import retention_days, watch_knowledge
from bot.storage import retention
from bot.storage.db import checkpoint
from bot.telegram import webhook
from bot.telegram.errors import apologiser, error_handler
from bot.telegram.handlers import Handlers
from bot.telegram.http import BotAPIClient
from bot.telegram.inbox import FINISH_SECONDS, Inbox
from bot.telegram.polling import POLL_SECONDS, Poller
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
    return [BotCommand(name, descriptions[name]) for name in commands.PUBLIC]


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
                t.gettext("Ask me in Kazakh, Russian or English: who elects the village akim, what the maslikhat "
                          "decides, how to file an appeal to the akimat and how long it may take."),
            ]), language_code=lang)
    except TelegramError as exc:  # menus are a nicety: a bot without them still answers
        log.warning("could not set command menus: %s", exc)


def api_urls(api_base_url: str | None) -> tuple[str, str]:
    """Bot API and file URLs for python-telegram-bot, which appends the token to them."""
    base = (api_base_url or DEFAULT_API_BASE_URL).rstrip("/")
    base = base.removesuffix("/bot")
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
    """The Application with every handler. Updates reach it through the inbox (bot/telegram/inbox.py),
    never through PTB's Updater. Tests pass fake `request`s that record Bot API calls."""
    bot_url, file_url = api_urls(api_base_url)
    builder = (
        Application.builder()
        .token(token)
        .base_url(bot_url)
        .base_file_url(file_url)
        # Answers cite several URLs; previews of them would bury the answer.
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        # No Updater: the poller and the webhook store updates in the inbox, which hands them over.
        .updater(None)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    application = builder.build()
    Handlers(conversation, throttle).register(application)
    application.add_error_handler(error_handler(conversation))
    return application


def build_inbox(application: Application, conversation: Conversation) -> Inbox:
    return Inbox(application, conversation.db, apologise=apologiser(conversation, application.bot))


def build_sender(conversation: Conversation, token: str, *, api_base_url: str | None = None,
                 call: Call | None = None, settings: Settings | None = None) -> tuple[BotAPIClient | None, Sender]:
    """The sender of broadcasts and of "there is now an answer" notifications, and its Bot API client (no
    AIORateLimiter: the sender paces itself). Tests pass `call`, a fake Bot API, and get no client."""
    settings = settings or Settings.from_env()
    client = None
    if call is None:
        # One connection per message in flight, and two to spare for the progress message.
        client = BotAPIClient(token, api_urls(api_base_url)[0], connections=settings.in_flight + 2)
        call = client.call
    # A callable, not the knowledge base itself: editors reload it while the bot runs, and notifications of
    # new answers are rendered from the one the conversation holds at the time.
    return client, Sender(conversation.db, conversation.areas, TelegramTransport(call), settings,
                          knowledge=lambda: conversation.kb)


class StartupError(Exception):
    """The bot cannot start; the message is one line that says what to fix."""


# Start-up tries to reach the Bot API this many times, waiting 1, 2, 4 s between tries: a bot started
# with its network (docker compose, systemd after network.target) often comes up a moment before it.
STARTUP_TRIES = 4


_CREDENTIALS = re.compile(r"(//)[^/?#]*@")


def without_credentials(url: str) -> str:
    """The URL as it may be shown or logged: a user and password in it (https://user:pass@host, a proxy in
    front of a self-hosted Bot API server) become "<credentials>". Read without parsing, since a malformed
    URL must be shown too."""
    return _CREDENTIALS.sub(r"\1<credentials>@", url)


# A user name or password shorter than this is not looked for in log lines on its own (replacing every
# "a" or "qo" would make the log unreadable); the whole "user:password" always is.
MIN_SECRET_CHARS = 4


def url_secrets(api_base_url: str | None) -> list[str]:
    """What of TELEGRAM_API_BASE_URL must never reach a log line: its user:password part, and each half
    (percent-encoded as written, and decoded as a library may log it)."""
    from urllib.parse import unquote

    found = _CREDENTIALS.search(api_base_url or "")
    if not found:
        return []
    userinfo = found.group(0)[2:-1]
    user, _, password = userinfo.partition(":")
    parts = {userinfo, unquote(userinfo)} | {p for half in (user, password) for p in (half, unquote(half))
                                             if len(p) >= MIN_SECRET_CHARS}
    return sorted(parts - {""}, key=len, reverse=True)


def check_api_base_url(api_base_url: str | None) -> str:
    base = (api_base_url or DEFAULT_API_BASE_URL).strip()
    shown = without_credentials(base)
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:  # "http://[::1" (a bracket not closed), a port that is not a number
        raise StartupError(f"TELEGRAM_API_BASE_URL is not a valid URL ({exc}): {shown!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StartupError(f"TELEGRAM_API_BASE_URL must look like https://api.telegram.org, not {shown!r}")
    return base


async def reach_api(client: BotAPIClient, base: str, tries: int = STARTUP_TRIES) -> dict:
    """getMe, retried with backoff while there is no answer; the bot's user, or a StartupError."""
    description = ""
    for attempt in range(tries):
        if attempt:
            await asyncio.sleep(2.0 ** (attempt - 1))
        status, body = await client.call("getMe", {})
        if status == 200 and body.get("ok"):
            return body["result"]
        if status in (401, 404):
            raise StartupError("Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather")
        description = body.get("description") or f"HTTP {status}"
        if attempt < tries - 1:
            log.warning("the Bot API at %s did not answer (%s); trying again in %.0f s", without_credentials(base),
                        description, 2.0 ** attempt)
    raise StartupError(f"cannot reach the Telegram Bot API at {without_credentials(base)} after {tries} tries "
                       f"({description}): check TELEGRAM_API_BASE_URL and the network")


def run(conversation: Conversation, token: str, *, api_base_url: str | None = None,
        webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443,
        secret_token: str | None = None, metrics_port: int | None = None, metrics_listen: str = "127.0.0.1") -> None:
    """Long polling by default; with `webhook_url`, a webhook server behind a reverse proxy. Both stop
    cleanly on SIGINT and SIGTERM: the updates in hand finish, the rest stay in the inbox. /healthz,
    /readyz and /metrics are on the webhook server, and on `metrics_port` when given (any mode)."""
    asyncio.run(serve(conversation, token, api_base_url=api_base_url, webhook_url=webhook_url,
                      listen=listen, port=port, secret_token=secret_token, metrics_port=metrics_port,
                      metrics_listen=metrics_listen))


def matcher_check(conversation: Conversation):
    def check() -> tuple[bool, str]:
        matcher = conversation.matcher
        if matcher is None or getattr(matcher, "model", None) is None:
            return False, "the matcher has no model yet"
        return True, f"{len(conversation.kb.entries)} entries"
    return check


async def serve(conversation: Conversation, token: str, *, api_base_url: str | None = None,
                webhook_url: str | None = None, listen: str = "127.0.0.1", port: int = 8443,
                secret_token: str | None = None, metrics_port: int | None = None,
                metrics_listen: str = "127.0.0.1") -> None:
    base = check_api_base_url(api_base_url)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    # SIGHUP: reload the knowledge files (the usual meaning for a service; `systemctl reload`).
    reload_asked = asyncio.Event()
    loop.add_signal_handler(signal.SIGHUP, reload_asked.set)

    application = build_application(conversation, token, api_base_url=base,
                                    rate_limiter=AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    inbox = build_inbox(application, conversation)
    client, sender = build_sender(conversation, token, api_base_url=base)
    # Metrics from the lines the handlers log and the sender's counts; readiness from what is running.
    metrics = Metrics(conversation.db, sender_outcomes=lambda: sender.outcomes)
    health = Health(metrics, {"database": database_check(conversation.db), "matcher": matcher_check(conversation)})
    metrics_log = metrics.log_handler()
    logging.getLogger().addHandler(metrics_log)
    # Its own client for getUpdates and setWebhook: a long poll holds a connection for POLL_SECONDS.
    updates_client = BotAPIClient(token, api_urls(base)[0], connections=2, timeout=POLL_SECONDS + 10)
    async with updates_client:
        await reach_api(updates_client, base)
        await application.initialize()
        await client.open()
        try:
            log.info("started as @%s with %d knowledge entries; matcher model: %s", application.bot.username,
                     len(conversation.kb.entries), _model_state(conversation.matcher))
            await set_menus(application)
            if webhook_url:
                hooked = {"set": False}
                health.checks["updates"] = lambda: ((True, f"webhook set ({webhook_url})") if hooked["set"]
                                                    else (False, "setWebhook has not succeeded"))
                source = _webhook(updates_client, inbox, webhook_url, listen, port, secret_token, stopping,
                                  health=health, hooked=hooked)
            else:
                poller = Poller(updates_client, inbox, ALLOWED_UPDATES)
                health.checks["updates"] = poller.readiness
                source = _polling(updates_client, poller, stopping)
            work = [source, inbox.run(stopping), sender.run(stopping), _housekeeping(conversation, stopping),
                    _knowledge_watch(conversation, stopping, reload_asked)]
            if metrics_port:
                work.append(serve_health(health, listen=metrics_listen, port=metrics_port, stopping=stopping))
            tasks = [asyncio.create_task(job) for job in work]
            stop = asyncio.create_task(stopping.wait())
            done, _ = await asyncio.wait([*tasks, stop], return_when=asyncio.FIRST_COMPLETED)
            failed = [t for t in done if t is not stop and not t.cancelled() and t.exception() is not None]
            stopping.set()
            # docker stop waits 10 s before SIGKILL: the inbox gets FINISH_SECONDS, the rest is closing.
            _, unfinished = await asyncio.wait(tasks, timeout=FINISH_SECONDS + 1.5)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if failed:
                raise failed[0].exception()
        finally:
            logging.getLogger().removeHandler(metrics_log)
            await client.close()
            await application.shutdown()
            conversation.db.close()


async def _polling(client: BotAPIClient, poller: Poller, stopping: asyncio.Event) -> None:
    # getUpdates fails with 409 while a webhook is set: a bot moved from webhook to polling removes it.
    # Updates waiting at Telegram are kept (drop_pending_updates is false).
    await client.call("deleteWebhook", {"drop_pending_updates": False})
    await poller.run(stopping)


async def _webhook(client: BotAPIClient, inbox: Inbox, url: str, listen: str, port: int, secret: str,
                   stopping: asyncio.Event, *, health: Health | None = None, hooked: dict | None = None) -> None:
    ready = asyncio.Event()
    server = asyncio.create_task(webhook.serve(inbox, path=urlsplit(url).path, listen=listen, port=port,
                                               secret=secret, stopping=stopping, ready=ready, health=health))
    await asyncio.wait([server, asyncio.create_task(ready.wait())], return_when=asyncio.FIRST_COMPLETED)
    if ready.is_set():
        status, body = await client.call("setWebhook", {"url": url, "secret_token": secret,
                                                        "allowed_updates": ALLOWED_UPDATES})
        if status != 200 or not body.get("ok"):
            log.error("setWebhook failed: %s", body.get("description") or f"HTTP {status}")
            stopping.set()
        elif hooked is not None:
            hooked["set"] = True
    await server


# Old questions and ratings are deleted once at start and then every day.
RETENTION_EVERY = 24 * 3600
# The inbox deletes each update's raw text once it is done, and secure_delete zeroes it in the database
# file; the WAL still holds the pages until a checkpoint. SQLite checkpoints by itself only every 1,000
# pages, which a quiet bot may take days to write, so the WAL is emptied every minute.
CHECKPOINT_EVERY = 60


async def _housekeeping(conversation: Conversation, stopping: asyncio.Event) -> None:
    days = retention_days()
    purged_at = None
    loop = asyncio.get_running_loop()
    while not stopping.is_set():
        try:
            if purged_at is None or loop.time() - purged_at >= RETENTION_EVERY:
                deleted = retention.purge(conversation.db, days)
                purged_at = loop.time()
                log.info("retention: deleted %s (kept %d days)", " ".join(f"{k}={v}" for k, v in deleted.items()),
                         days)
            checkpoint(conversation.db)
        except sqlite3.OperationalError as exc:  # locked by another process: the next round will do
            log.warning("housekeeping skipped: %s", exc)
        try:
            await asyncio.wait_for(stopping.wait(), CHECKPOINT_EVERY)
        except TimeoutError:
            pass


# How often the bot looks for phrasings another process learned (`qogam gaps resolve`) and, with
# QOGAM_WATCH_KNOWLEDGE=1, for changed knowledge files: one small query a second, so an editor's phrasing
# is served within about 1.5 s (the rebuild itself takes about half a second, not waiting for training).
WATCH_SECONDS = 1.0
WATCH_ENV = "QOGAM_WATCH_KNOWLEDGE"


def _knowledge_files() -> dict[str, float]:
    from bot.core.knowledge.loader import knowledge_dir

    try:
        return {str(p): p.stat().st_mtime for p in knowledge_dir().rglob("*.toml")}
    except OSError:
        return {}


def _model_state(matcher) -> str:
    if not matcher.provisional:
        return "trained for this knowledge base"
    return ("the last good model, until this knowledge base's is trained" if matcher.model is not None
            else "none yet (\"did you mean\" only), until this knowledge base's is trained")


async def _in_thread(function, *args):
    """function(*args) in a daemon thread: a process asked to stop does not wait for a training to end, as
    it would for asyncio.to_thread's executor."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def work() -> None:
        def settle(result=None, error: BaseException | None = None) -> None:
            if done.done():  # the awaiting task was cancelled (the bot is stopping)
                return
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(result)

        try:
            outcome = (function(*args), None)
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting task
            outcome = (None, error)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop has closed: the bot stopped meanwhile
            pass

    threading.Thread(target=work, name="knowledge", daemon=True).start()
    return await done


async def reload_knowledge(conversation: Conversation, why: str) -> bool:
    """Rebuild the served knowledge in a thread (the event loop keeps answering meanwhile) and swap it in.
    On errors the previous knowledge base keeps serving and the problems are logged. It does not wait for
    training: without the cached model the new matcher is provisional, and _train_model follows."""
    started = asyncio.get_running_loop().time()
    learned_rows, generation = serving.snapshot(conversation.db)
    try:
        served = await _in_thread(functools.partial(serving.build, learned_rows, train=False))
    except serving.ReloadRefused as exc:
        log.error("knowledge base not reloaded (%s): %d errors, the previous one keeps serving; first: %s",
                  why, len(exc.problems), exc.problems[0])
        return False
    serving.install(conversation.ctx, served, generation)
    log.info("knowledge base reloaded (%s): %d entries, %d phrasings and not-our-topic questions learned, %.2f s; "
             "matcher model: %s", why, len(served.kb.entries), len(learned_rows),
             asyncio.get_running_loop().time() - started, _model_state(served.matcher))
    return True


async def _train_model(conversation: Conversation) -> None:
    """Train the model the provisional matcher stands in for, in a thread, and serve it, unless another
    reload was served meanwhile (the watch then starts again for that one)."""
    ctx = conversation.ctx
    current = ctx.matcher
    started = asyncio.get_running_loop().time()
    learned_rows, generation = serving.snapshot(conversation.db)
    log.info("training the matcher's model for the served knowledge base")
    try:
        served = await _in_thread(serving.retrained, learned_rows)
    except serving.ReloadRefused as exc:  # the files changed since and have errors: the watch reports it
        log.warning("matcher model not trained: the knowledge base has errors (%s)", exc.problems[0])
        return
    if ctx.matcher is current:
        serving.install(ctx, served, generation)
    log.info("matcher model trained and serving, %.1f s", asyncio.get_running_loop().time() - started)


async def _knowledge_watch(conversation: Conversation, stopping: asyncio.Event, reload_asked: asyncio.Event,
                           every: float = WATCH_SECONDS) -> None:
    watch_files = watch_knowledge()
    files = _knowledge_files() if watch_files else {}
    training: asyncio.Task | None = None
    while not stopping.is_set():
        if conversation.matcher.provisional and (training is None or training.done()):
            training = asyncio.create_task(_train_model(conversation))
        try:
            await asyncio.wait_for(reload_asked.wait(), every)
        except TimeoutError:
            pass
        if stopping.is_set():
            break
        why = None
        if reload_asked.is_set():
            reload_asked.clear()
            why = "SIGHUP"
        elif watch_files and (now := _knowledge_files()) != files:
            files, why = now, "files changed"
        else:
            try:
                if conversation.learned_changed():
                    why = "phrasings learned elsewhere"
            except sqlite3.OperationalError as exc:  # locked by another process: the next round will do
                log.debug("knowledge watch skipped: %s", exc)
        if why:
            try:
                await reload_knowledge(conversation, why)
            except Exception:
                log.exception("knowledge reload failed")

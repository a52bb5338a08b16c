"""`qogam run` (the Telegram bot) and `qogam chat` (the same conversation in the terminal)."""

from __future__ import annotations

import logging
import sys

import click

from bot.cli._common import Status, check_broadcast_settings, open_conversation


@click.command()
@click.option("--webhook-url", metavar="URL",
              help="Receive updates by webhook at this public HTTPS URL instead of long polling. Its path "
                   "is served on --listen/--port; requests must carry TELEGRAM_WEBHOOK_SECRET (made and "
                   "kept in the data directory when not set).")
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook mode: address to listen on.")
@click.option("--port", default=8443, show_default=True, type=click.IntRange(1, 65535),
              help="Webhook mode: port to listen on.")
@click.option("--metrics-port", type=click.IntRange(1, 65535), metavar="N",
              help="Serve /healthz, /readyz and /metrics on this port (in webhook mode they are also on the "
                   "webhook's port).")
@click.option("--metrics-listen", default="127.0.0.1", show_default=True,
              help="Address for --metrics-port (0.0.0.0 inside a container).")
def run(webhook_url: str | None, listen: str, port: int, metrics_port: int | None, metrics_listen: str) -> None:
    """Run the Telegram bot. Reads TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL and QOGAM_DATA_DIR
    (and TELEGRAM_WEBHOOK_SECRET in webhook mode). Stops cleanly on Ctrl-C or SIGTERM."""
    from bot import settings

    token = settings.bot_token()
    if not token.strip():
        raise click.ClickException("set TELEGRAM_BOT_TOKEN to the token @BotFather gave you "
                                   "(or use `qogam chat` to talk to the bot in the terminal)")
    if any(c.isspace() for c in token):
        # A token pasted with a newline or a space: Telegram would reject it, PTB with a traceback.
        raise click.ClickException("TELEGRAM_BOT_TOKEN contains whitespace (a newline or a space): "
                                   "set it to the token alone, as @BotFather shows it")
    if webhook_url and not webhook_url.startswith("https://"):
        raise click.ClickException("Telegram sends webhooks only to https:// URLs")
    from telegram.error import InvalidToken, NetworkError

    from bot.logs import configure_service_logging
    from bot.storage import instance
    from bot.storage.db import SERVICE_BUSY_MS, data_dir
    from bot.telegram.app import StartupError, check_api_base_url, url_secrets
    from bot.telegram.app import run as run_bot
    from bot.telegram.webhook import webhook_secret

    admins = check_broadcast_settings()
    api_base_url = settings.api_base_url()
    try:
        check_api_base_url(api_base_url)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from exc
    configure_service_logging(token, log_content=click.get_current_context().obj["log_content"],
                              credentials=url_secrets(api_base_url))
    # Held until the process ends (the kernel releases it, even after kill -9); a second `qogam run` on the
    # same data directory stops here with one line naming the first (AlreadyRunning is a StorageError).
    instance.hold(data_dir())
    # Never waits for training: without the cached model the bot answers with the last good one (or
    # offers "did you mean") and trains in the background (bot/telegram/app.py).
    conversation = open_conversation(busy_ms=SERVICE_BUSY_MS, train=False)
    secret = None
    if webhook_url:
        # Never an open webhook: without TELEGRAM_WEBHOOK_SECRET a random one is made and registered.
        try:
            secret = webhook_secret(settings.webhook_secret(), data_dir())
        except (ValueError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc

    # How many, never who: an operator sees at once that QOGAM_ADMIN_IDS was read.
    logging.getLogger("bot.telegram").info("admins configured (QOGAM_ADMIN_IDS): %d%s", admins, "" if admins else
                                           "; roles can still be granted with `qogam roles grant`")
    try:
        run_bot(conversation, token, api_base_url=api_base_url, webhook_url=webhook_url, listen=listen,
                port=port, secret_token=secret, metrics_port=metrics_port, metrics_listen=metrics_listen)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from exc
    except InvalidToken as exc:
        raise click.ClickException("Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather") from exc
    except NetworkError as exc:
        raise click.ClickException(f"cannot reach the Telegram Bot API: {type(exc).__name__}") from exc
    except OSError as exc:  # the webhook's or the metrics' port taken, an address not ours
        where = f"{listen}:{port}" + (f" or {metrics_listen}:{metrics_port}" if metrics_port else "")
        raise click.ClickException(f"cannot listen on {where}: {exc.strerror or exc}") from exc


@click.command()
def chat() -> None:
    """Talk to the bot in the terminal (the same conversation as in Telegram). Ctrl-D quits."""
    from bot.console.repl import ConsoleChat

    check_broadcast_settings()  # the quotas apply in the terminal too: a bad value is one line here as well
    # Someone typing gets the prompt at once, and the model trains behind it if it must; piped questions
    # (`printf ... | qogam chat`) are answered by the trained model, after a status line.
    interactive = sys.stdin.isatty()
    conversation = open_conversation(train=not interactive)
    chat = ConsoleChat(conversation)
    if conversation.matcher.provisional:
        chat.train_in_background(Status())
    chat.run(sys.stdin)

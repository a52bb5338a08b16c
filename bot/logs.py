"""Logging for the long-running bot: one line per update at INFO, and no secret in any line.

The Bot API URL contains the token, and python-telegram-bot quotes a rejected token in its error; a
leaked log must not leak the bot. Every line is therefore formatted with the token replaced, and so are the
user and password a TELEGRAM_API_BASE_URL may carry.
"""

from __future__ import annotations

import logging
import traceback

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def short_traceback(error: BaseException) -> str:
    """The frames and the error's type, without its message: a message can quote what a resident wrote
    (a KeyError with their text, a BadRequest quoting the message)."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{type(error).__module__}.{type(error).__qualname__}"


class RedactingFormatter(logging.Formatter):
    def __init__(self, secrets: list[str], fmt: str = FORMAT, *, credentials: list[str] = ()):
        super().__init__(fmt)
        self.secrets = [(s, "<token>") for s in secrets if s]
        # Longest first, so that "user:password" goes whole before "user" alone.
        self.secrets += [(s, "<credentials>") for s in sorted(credentials, key=len, reverse=True) if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret, label in self.secrets:
            text = text.replace(secret, label)
        return text


class _Without(logging.Filter):
    """Drops records carrying an exception of the given types (reported to the operator elsewhere)."""

    def __init__(self, *types: type[BaseException]):
        super().__init__()
        self.types = types

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], self.types))


# Libraries that log request and update payloads (text, names, chat ids) at debug level.
CHATTY = ("telegram", "httpx", "httpcore", "aiohttp", "hpack")


def configure_service_logging(token: str, *, log_content: bool = False, credentials: list[str] = ()) -> None:
    """`credentials`: more text no line may show (the user and password in TELEGRAM_API_BASE_URL)."""
    from telegram.error import InvalidToken

    root = logging.getLogger()
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)
    if not log_content:
        # `qogam -v run` turns on debug for our decisions, never the libraries' payload dumps.
        for name in CHATTY:
            if logging.getLogger(name).getEffectiveLevel() < logging.INFO:
                logging.getLogger(name).setLevel(logging.INFO)
    for handler in root.handlers:
        handler.setFormatter(RedactingFormatter([token], credentials=credentials))
    # httpx logs every request URL at INFO, and the URL holds the token; the scheduler logs each job run.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # A rejected token: `qogam run` says so in one sentence; PTB's retry loop would add a traceback.
    logging.getLogger("telegram.ext").addFilter(_Without(InvalidToken))


def configure_console_logging() -> None:
    """`qogam web`: our lines at INFO; aiohttp's access log would write every URL, and a sign-in URL holds
    its one-time token, so it stays off."""
    root = logging.getLogger()
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    for name in CHATTY:
        if logging.getLogger(name).getEffectiveLevel() < logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)

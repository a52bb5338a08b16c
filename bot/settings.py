"""Every setting Qogam reads from its environment, with its default, its check and why: the one module that
reads os.environ (tests/test_layers.py checks it).

The values are read when asked for, so a test or the operator's shell may change them between calls; the
command line asks for them all once at start (`check_all`), so a bad value ends the process with one line
before anything runs. Settings that need a domain's parser (quiet hours, reminders, admins' ids) are
read raw here and parsed by their module, which calls the accessor below; nothing else reads the
environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    why: str


VARIABLES = {v.name: v for v in (
    Variable("QOGAM_DATA_DIR", "data", "where the SQLite file (qogam.db), the model cache and the webhook secret live"),
    Variable("QOGAM_KNOWLEDGE_DIR", "knowledge/ of the repository",
             "the content editors write; an installation points it outside the code so upgrades never touch it"),
    Variable("QOGAM_MODEL_CACHE", "$QOGAM_DATA_DIR/models",
             "trained matcher models, keyed by the knowledge base's content (tests share one for a session)"),
    Variable("QOGAM_RETENTION_DAYS", "365", "how long unanswered questions and ratings are kept (privacy)"),
    Variable("QOGAM_QUOTA_GAPS", "50", "unanswered questions stored per resident in 24 hours; beyond it they are "
             "still answered when the knowledge base can, but not stored for editors"),
    Variable("QOGAM_QUOTA_HEARING_QUESTIONS", "20", "questions for public hearings accepted per resident in 24 "
             "hours"),
    Variable("QOGAM_QUOTA_NOTIFY", "20", "\"tell me when there is an answer\" requests per resident in 24 hours"),
    Variable("QOGAM_ADMIN_IDS", "", "Telegram user ids of the admins, comma-separated (123456789 or tg:123456789, "
             "spaces allowed): they grant every other role; anything else stops `qogam run` with one line"),
    Variable("QOGAM_QUIET_HOURS", "22:00-08:00", "no broadcast at night (Astana time), except urgent ones; or off"),
    Variable("QOGAM_REMINDERS", "24h,2h", "when residents are reminded before a hearing; or off"),
    Variable("QOGAM_PAID_BROADCAST", "", "1: Telegram's paid broadcasts, up to 1,000 messages a second"),
    Variable("QOGAM_BROADCAST_RATE", "29 (960 paid)", "messages a second, just under Telegram's 30"),
    Variable("QOGAM_BROADCAST_PER_CHAT_SECONDS", "1", "seconds between two messages to one chat"),
    Variable("QOGAM_BROADCAST_IN_FLIGHT", "8 (128 paid)", "messages awaiting Telegram's answer at once"),
    Variable("QOGAM_WEB_URL", "http://127.0.0.1:8080",
             "the web console's public address, for the sign-in links /web sends (https behind nginx)"),
    Variable("QOGAM_WATCH_KNOWLEDGE", "", "1: reload when a knowledge file changes (editing on the server)"),
    Variable("QOGAM_LITESTREAM", "", "1: Litestream replicates the database (deploy/litestream.yml), so qogam's WAL "
             "checkpoints are PASSIVE and never truncate under it; deleted text then lingers in the -wal file until "
             "overwritten, and in the replica for its retention (docs/operations.md)"),
    Variable("TELEGRAM_BOT_TOKEN", "", "from @BotFather; without it `make run` opens the terminal chat"),
    Variable("TELEGRAM_API_BASE_URL", "https://api.telegram.org", "a self-hosted Bot API server, or tests' fake"),
    Variable("TELEGRAM_WEBHOOK_SECRET", "", "the webhook's secret header; made and kept in the data directory if "
             "unset"),
    Variable("TELEGRAM_BOT_USERNAME", "", "the bot's @name for links when getMe cannot be asked (qogam qr offline)"),
    Variable("LC_ALL / LANG", "", "the terminal chat's interface language, as Telegram's language_code"),
)}


class SettingsError(ValueError):
    """A setting that cannot be used; the message says which and how to write it."""


def _read(name: str) -> str:
    return os.environ.get(name, "").strip()


def _flag(name: str) -> bool:
    return _read(name).lower() in ("1", "true", "yes", "on")


def data_dir() -> Path:
    return Path(_read("QOGAM_DATA_DIR") or "data")


def knowledge_dir(default: Path) -> Path:
    return Path(_read("QOGAM_KNOWLEDGE_DIR") or default)


def model_cache() -> Path:
    return Path(_read("QOGAM_MODEL_CACHE") or data_dir() / "models")


def retention_days() -> int:
    raw = _read("QOGAM_RETENTION_DAYS")
    if not raw:
        return 365
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"QOGAM_RETENTION_DAYS must be a whole number of days (1 or more), not {raw!r}")
    return int(raw)


# Per resident and 24 hours, set far above what a person asking in good faith does in a day: 50 questions
# the bot cannot answer is an hour or more of typing one after another, 20 questions for hearings are a
# paragraph each for twenty hearings or twenty topics of one, and a "tell me" request follows an unanswered
# question the resident cares about. They bound what one account (or a script behind it) can pile onto
# editors, akimats and the sender; the flood control (bot/core/flood.py) bounds only the pace.
QUOTAS = {"QOGAM_QUOTA_GAPS": 50, "QOGAM_QUOTA_HEARING_QUESTIONS": 20, "QOGAM_QUOTA_NOTIFY": 20}


def quota(name: str) -> int:
    """One of QUOTAS: a whole number of 1 or more, else its default."""
    raw = _read(name)
    if not raw:
        return QUOTAS[name]
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number (1 or more) of items per resident in 24 hours, "
                            f"not {raw[:40]!r}")
    return int(raw)


def admin_ids() -> str:
    """Raw; bot/core/roles.py reads the ids out of it."""
    return os.environ.get("QOGAM_ADMIN_IDS", "")


def quiet_hours() -> str | None:
    """Raw, or None when unset (the default applies); bot/core/delivery/pacing.py parses it."""
    return os.environ.get("QOGAM_QUIET_HOURS")


def reminders() -> str | None:
    """Raw, or None when unset; bot/core/hearings/broadcasts.py parses it."""
    return os.environ.get("QOGAM_REMINDERS")


def broadcast() -> dict[str, str]:
    """The broadcast pacing variables as set (empty strings when not); pacing.Settings checks them."""
    return {name: _read(name) for name in ("QOGAM_PAID_BROADCAST", "QOGAM_BROADCAST_RATE",
                                           "QOGAM_BROADCAST_PER_CHAT_SECONDS", "QOGAM_BROADCAST_IN_FLIGHT")}


def web_url() -> str:
    """The console's address as staff reach it, without a trailing slash; checked to be http(s)."""
    value = (_read("QOGAM_WEB_URL") or "http://127.0.0.1:8080").rstrip("/")
    scheme, _, rest = value.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or any(c.isspace() for c in value):
        raise SettingsError(f"QOGAM_WEB_URL must be the console's address, like https://console.example.kz, "
                            f"not {value!r}")
    return value


def watch_knowledge() -> bool:
    return _flag("QOGAM_WATCH_KNOWLEDGE")


def litestream() -> bool:
    return _flag("QOGAM_LITESTREAM")


def bot_token() -> str:
    """Not stripped: a token with whitespace is an error `qogam run` reports, not one to hide."""
    return os.environ.get("TELEGRAM_BOT_TOKEN", "")


def api_base_url() -> str | None:
    return os.environ.get("TELEGRAM_API_BASE_URL") or None


def webhook_secret() -> str | None:
    return os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None


def bot_username() -> str:
    return _read("TELEGRAM_BOT_USERNAME")


def terminal_language() -> str | None:
    """The terminal's locale (LANG=ru_RU.UTF-8) plays the part of Telegram's language_code."""
    value = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return value.split("_")[0].split(".")[0].lower() or None


def opt_in_ptb_timedelta() -> None:
    """python-telegram-bot 22 warns that RetryAfter.retry_after becomes a timedelta in its next major
    version; opt in now (bot/telegram/sender.py reads either) so that a 429 does not log a warning."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")

"""Who may use the web console, and for how long: sign-in without passwords.

Identity is the Telegram account that already holds a role. /web in a private chat (or `qogam web link
tg:<id>` for the operator) makes a one-time link: a random token, valid for LINK_MINUTES, used once; only
its hash is stored. Redeeming it opens a session: another random id (the cookie), stored as a hash with
the CSRF token every state-changing form must carry. A session ends after IDLE_HOURS without a request, on
"sign out" (this session) or "sign out everywhere" (all of the person's), and at once when the person no
longer holds any role: every request checks, so a revoked editor's open page stops working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from bot.clock import now as clock_now
from bot.core import roles
from bot.storage import audit, web
from bot.storage.db import transaction

LINK_MINUTES = 10
IDLE_HOURS = 12
# 32 bytes of randomness (256 bits) for links and session ids: unguessable, and short enough in a URL.
TOKEN_BYTES = 32


class LinkRefused(Exception):
    """A login link that cannot open a session: `reason` is unknown, used, expired or no_role."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Session:
    id_hash: str
    user_key: str
    csrf: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def has_any_role(db: Database, user_key: str) -> bool:
    """Admins, editors and broadcasters may use the console; the operator's command line is not a person."""
    return roles.is_admin(user_key) or bool(roles.held(db, user_key))


def issue_link(db: Database, user_key: str, *, by: str) -> str | None:
    """A new one-time token for `user_key`, or None when they hold no role (then /web is an unknown
    command and `qogam web link` says so)."""
    if not has_any_role(db, user_key):
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = (clock_now() + dt.timedelta(minutes=LINK_MINUTES)).isoformat(timespec="seconds")
    web.add_link(db, _hash(token), user_key, expires)
    with transaction(db):
        audit.record(db, by, "web_link", user_key)
    return token


def redeem(db: Database, token: str) -> tuple[Session, str]:
    """Open a session with a link's token: (the session, the cookie's value). Raises LinkRefused."""
    if not token or len(token) > 200:
        raise LinkRefused("unknown")
    row = web.use_link(db, _hash(token))
    if row is None:
        raise LinkRefused("unknown")
    if row["used_at"]:
        raise LinkRefused("used")
    if row["expires_at"] < clock_now().isoformat(timespec="seconds"):
        raise LinkRefused("expired")
    if not has_any_role(db, row["user_key"]):
        raise LinkRefused("no_role")
    cookie = secrets.token_urlsafe(TOKEN_BYTES)
    session = Session(_hash(cookie), row["user_key"], secrets.token_urlsafe(TOKEN_BYTES))
    web.add_session(db, session.id_hash, session.user_key, session.csrf)
    with transaction(db):
        audit.record(db, row["user_key"], "web_sign_in")
    return session, cookie


def current(db: Database, cookie: str | None) -> Session | None:
    """The session of a request's cookie, or None when there is none, it is idle too long, or its person
    holds no role any more (their sessions are then deleted)."""
    if not cookie or len(cookie) > 200:
        return None
    id_hash = _hash(cookie)
    row = web.session(db, id_hash)
    if row is None:
        return None
    idle_since = (clock_now() - dt.timedelta(hours=IDLE_HOURS)).isoformat(timespec="seconds")
    if row["last_seen_at"] < idle_since:
        web.end_session(db, id_hash)
        return None
    if not has_any_role(db, row["user_key"]):
        web.end_sessions_of(db, row["user_key"])
        return None
    web.touch_session(db, id_hash)
    return Session(id_hash, row["user_key"], row["csrf"])


def csrf_ok(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf.encode(), str(token).encode("utf-8", "replace"))


def sign_out(db: Database, session: Session, *, everywhere: bool = False) -> None:
    if everywhere:
        web.end_sessions_of(db, session.user_key)
    else:
        web.end_session(db, session.id_hash)
    with transaction(db):
        audit.record(db, session.user_key, "web_sign_out_everywhere" if everywhere else "web_sign_out")


def end_all(db: Database, user_key: str) -> int:
    """End every session of a person (their role was revoked)."""
    return web.end_sessions_of(db, user_key)

"""Who may do what. Every transport asks here, never decides itself.

- Admins are the Telegram user ids in QOGAM_ADMIN_IDS (comma-separated digits, or tg:<digits>). They grant
  and revoke roles. Anything else there stops `qogam run` at start with one line (check_admin_ids).
- An editor works on the knowledge base and the gaps; the role may carry an area, or none (all areas).
- A broadcaster announces hearings; the role always carries an area, and the broadcaster acts on that
  area and the areas under it, nowhere else.
A person without the role never learns that a privileged command exists: the dialogue treats it as an
unknown command, and a forged button for it as an expired one.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.core.knowledge.areas import Areas
from bot.settings import SettingsError, admin_ids
from bot.storage import roles as stored
from bot.storage import web

EDITOR, BROADCASTER = "editor", "broadcaster"
ROLES = (EDITOR, BROADCASTER)
ADMIN_IDS_ENV = "QOGAM_ADMIN_IDS"


class RoleError(ValueError):
    """A grant or revoke that cannot be done, with a message for the person who asked."""


def _admin_ids(raw: str) -> tuple[set[str], list[str]]:
    """(the admins' user keys, the parts that are not a Telegram user id). A part is the digits of an id,
    or tg:<digits>, with spaces around it; empty parts (a trailing comma) are nothing."""
    keys, bad = set(), []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        digits = part.removeprefix("tg:")
        # Telegram's ids have no leading zero: "0123" is a typo for some id, and would match nobody.
        if digits.isascii() and digits.isdigit() and not digits.startswith("0") and len(digits) <= 20:
            keys.add(f"tg:{digits}")
        else:
            bad.append(part)
    return keys, bad


def admin_keys(environ: dict | None = None) -> set[str]:
    """The admins' user keys (tg:<id>). A part that is not an id is left out here; `qogam run` refuses to
    start with one (check_admin_ids), so a running bot never has a typo in place of an admin."""
    raw = environ.get(ADMIN_IDS_ENV, "") if environ is not None else admin_ids()
    return _admin_ids(raw)[0]


def check_admin_ids(environ: dict | None = None) -> int:
    """The number of admins configured; SettingsError (one line) when a part is not a Telegram user id."""
    raw = environ.get(ADMIN_IDS_ENV, "") if environ is not None else admin_ids()
    keys, bad = _admin_ids(raw)
    if bad:
        raise SettingsError(f"{ADMIN_IDS_ENV}: {bad[0][:40]!r} is not a Telegram user id; write the admins' ids "
                            "as digits, comma-separated (tg:123456789 works too), for example 123456789,987654321")
    return len(keys)


def is_admin(user_key: str) -> bool:
    return user_key in admin_keys()


def has_role(db: Database, areas: Areas, user_key: str, role: str, area_code: str | None = None) -> bool:
    """Does the user hold `role`, for `area_code` when one is given (a role's area covers the areas
    under it; an editor role without an area covers all)?"""
    for held in stored.of_user(db, user_key):
        if held["role"] != role:
            continue
        if area_code is None or held["area_code"] is None or areas.within(area_code, held["area_code"]):
            return True
    return False


def parse_user(text: str) -> str:
    """USER on the command line and in /roles: "tg:<id>" or just the digits of a Telegram user id."""
    text = text.strip()
    digits = text.removeprefix("tg:")
    if not digits.isdigit() or len(digits) > 20:
        raise RoleError("a user is tg:<Telegram user id>, for example tg:123456789")
    return f"tg:{int(digits)}"


def check_grant(areas: Areas, role: str, area_code: str | None) -> None:
    if role not in ROLES:
        raise RoleError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    if area_code is not None and area_code not in areas:
        raise RoleError(f"unknown area {area_code!r}; see `qogam areas`")
    if role == BROADCASTER and area_code is None:
        raise RoleError("a broadcaster's role needs an area (--area CODE)")


def grant(db: Database, areas: Areas, user_key: str, role: str, area_code: str | None, by: str) -> bool:
    check_grant(areas, role, area_code)
    return stored.grant(db, user_key, role, area_code, by)


def revoke(db: Database, user_key: str, role: str, area_code: str | None, by: str) -> bool:
    """Take a role back; someone left with no role loses their web console sessions at once."""
    if role not in ROLES:
        raise RoleError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    revoked = stored.revoke(db, user_key, role, area_code, by)
    if revoked and not held(db, user_key) and not is_admin(user_key):
        web.end_sessions_of(db, user_key)
    return revoked


def held(db: Database, user_key: str) -> list[dict]:
    """The roles a person holds: [{"role", "area_code", ...}]."""
    return stored.of_user(db, user_key)


def may_edit(db: Database, user_key: str) -> bool:
    """May this person work on the gaps and the knowledge base (/gaps, /stats, /reload)? Admins, the
    operator at the command line or in the terminal chat (both on the server), and editors (an editor's
    area does not narrow it: the knowledge base and the gaps are the whole country's)."""
    if is_admin(user_key) or user_key.startswith(("cli:", "console:")) or user_key == "cli":
        return True
    return any(held["role"] == EDITOR for held in stored.of_user(db, user_key))


def broadcast_areas(db: Database, user_key: str) -> list[str]:
    """The areas a broadcaster's roles name (each covers the areas under it)."""
    return [held["area_code"] for held in stored.of_user(db, user_key)
            if held["role"] == BROADCASTER and held["area_code"]]


def may_broadcast(db: Database, areas: Areas, user_key: str, area_code: str | None = None) -> bool:
    """May this person announce hearings (in `area_code`, when given)? Admins and the operator at the
    server's command line ("cli:...") may everywhere; a broadcaster in the area of their role."""
    if is_admin(user_key) or user_key.startswith("cli:") or user_key == "cli":
        return True
    return has_role(db, areas, user_key, BROADCASTER, area_code)

"""The admins' dialogue: /roles, a guided way to grant and revoke editor and broadcaster roles.

Only admins (QOGAM_ADMIN_IDS) reach it: for anyone else /roles is an unknown command and a "ro:"
button is an expired one (the router asks `available` first).

Buttons it owns (a user travels as the digits of their Telegram id; roles as e / b):
    ro:g                       start a grant: the bot asks for the user id
    ro:p:<id>:e|b              the role picked for <id> (an editor is granted at once, for all areas)
    ro:a:<id>:b:<area>         grant broadcaster for <area>
    ro:r:<id>:e|b:<area|->     revoke
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import roles
from bot.core.dialogue.base import Context, after_press, expired, unknown_command
from bot.core.replies import Button, Person, Reply
from bot.i18n import Translator
from bot.storage import roles as stored
from bot.storage import users

ROLE_CODES = {"e": roles.EDITOR, "b": roles.BROADCASTER}
AWAITING_USER = "role_user"
AWAITING_AREA = "role_area"  # followed by ":<id>"
MAX_MATCHES = 6


@dataclass
class Admins:
    ctx: Context

    COMMANDS = ("roles",)
    PREFIXES = ("ro",)
    AWAITS = (AWAITING_USER, AWAITING_AREA)

    def available(self, person: Person) -> bool:
        return roles.is_admin(person.key)

    def command(self, person: Person, name: str, argument: str = "") -> list[Reply]:
        if name != "roles":
            return unknown_command(self.ctx.t(person), name)
        return self.listing(person)

    def listing(self, person: Person) -> list[Reply]:
        t = self.ctx.t(person)
        held = stored.all_roles(self.ctx.db)
        lines = [t.gettext("Roles:")] if held else [t.gettext("Nobody holds a role yet.")]
        rows = []
        # A role's button carries its number in the list: a user id, a role and an area do not fit a button.
        for number, r in enumerate(held, start=1):
            where = self.ctx.areas.path(r["area"], t.lang) if r["area"] in self.ctx.areas else t.gettext("all areas")
            lines.append(f"{number}. {r['user']} — {_role_name(r['role'], t)} — {where}")
            code = r["role"][0]
            rows.append((Button(t.gettext("✖ Revoke #{number}", number=number),
                                f"ro:r:{r['user'][3:]}:{code}:{r['area'] or '-'}"),))
        rows.append((Button(t.gettext("➕ Grant a role"), "ro:g"),))
        return [Reply("\n".join(lines), tuple(rows), "command", lang=t.lang)]

    def typed(self, person: Person, text: str, awaiting: str) -> list[Reply]:
        t = self.ctx.t(person)
        if awaiting == AWAITING_USER:
            try:
                user = roles.parse_user(text)
            except roles.RoleError:
                return [Reply(t.gettext("Send the person's Telegram user id: digits only, for example 123456789."),
                              (), "command", lang=t.lang)]
            users.set_awaiting(self.ctx.db, person.key, person.channel, None)
            digits = user[3:]
            rows = ((Button(t.gettext("Editor"), f"ro:p:{digits}:e"),),
                    (Button(t.gettext("Broadcaster"), f"ro:p:{digits}:b"),))
            return [Reply(t.gettext("Which role for {user}?", user=user), rows, "command", lang=t.lang)]
        digits = awaiting.partition(":")[2]
        found = self.ctx.areas.find(text, limit=MAX_MATCHES)
        if not found:
            return [Reply(t.gettext("I could not find an area called “{name}”. Check the spelling.",
                                    name=text.strip()[:60]), (), "command", lang=t.lang)]
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        rows = tuple((Button(self.ctx.areas.path(a.code, t.lang), f"ro:a:{digits}:b:{a.code}"),) for a in found)
        return [Reply(t.gettext("Broadcaster for which area?"), rows, "command", lang=t.lang)]

    def press(self, person: Person, data: str) -> list[Reply]:
        t = self.ctx.t(person)
        args = data.split(":")[1:]
        try:
            if args == ["g"]:
                users.set_awaiting(self.ctx.db, person.key, person.channel, AWAITING_USER)
                return [Reply(t.gettext("Send the Telegram user id of the person (digits)."), (), "command",
                              lang=t.lang)]
            if len(args) == 3 and args[0] == "p" and args[2] in ROLE_CODES:
                user = roles.parse_user(args[1])
                if args[2] == "e":
                    return after_press(self._grant(person, user, roles.EDITOR, None, t), replaces_pressed=True)
                users.set_awaiting(self.ctx.db, person.key, person.channel, f"{AWAITING_AREA}:{user[3:]}")
                return after_press([Reply(t.gettext("Type the name of the broadcaster's area (a region, city or "
                                                    "district)."), (), "command", lang=t.lang)],
                                   replaces_pressed=True)
            if len(args) == 4 and args[0] == "a" and args[2] == "b":
                user = roles.parse_user(args[1])
                return after_press(self._grant(person, user, roles.BROADCASTER, args[3], t), replaces_pressed=True)
            if len(args) == 4 and args[0] == "r" and args[2] in ROLE_CODES:
                user = roles.parse_user(args[1])
                area = None if args[3] == "-" else args[3]
                roles.revoke(self.ctx.db, user, ROLE_CODES[args[2]], area, by=person.key)
                return after_press(self.listing(person), replaces_pressed=True)
        except roles.RoleError:
            pass
        return expired(t)

    def _grant(self, person: Person, user: str, role: str, area: str | None, t: Translator) -> list[Reply]:
        roles.grant(self.ctx.db, self.ctx.areas, user, role, area, by=person.key)
        where = self.ctx.areas.path(area, t.lang) if area else t.gettext("all areas")
        return [Reply(t.gettext("Granted: {user} is {role} for {area}.", user=user, role=_role_name(role, t),
                                area=where), (), "command", lang=t.lang)]


def _role_name(role: str, t: Translator) -> str:
    return t.gettext("editor") if role == roles.EDITOR else t.gettext("broadcaster")

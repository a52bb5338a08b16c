"""/web: a one-time sign-in link to the web console, for anyone who holds a role (editors, broadcasters,
admins). For anyone else /web is an unknown command, as every privileged command is."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import sessions
from bot.core.dialogue.base import Context, unknown_command
from bot.core.replies import Person, Reply
from bot.settings import SettingsError, web_url


@dataclass
class Console:
    ctx: Context

    COMMANDS = ("web",)
    PREFIXES = ()

    def available(self, person: Person) -> bool:
        return sessions.has_any_role(self.ctx.db, person.key)

    def command(self, person: Person, name: str, argument: str = "") -> list[Reply]:
        t = self.ctx.t(person)
        if name != "web":
            return unknown_command(t, name)
        try:
            url = web_url()
        except SettingsError:
            return [Reply(t.gettext("The console's address is not set up (QOGAM_WEB_URL): tell the operator."), (),
                          "command", lang=t.lang)]
        token = sessions.issue_link(self.ctx.db, person.key, by=person.key)
        if token is None:
            return unknown_command(t, name)
        link = url + "/login/" + token
        return [Reply(t.gettext("Your sign-in link to the Qogam console. It works once, for {minutes} minutes; "
                                "do not share it:\n{link}", minutes=sessions.LINK_MINUTES, link=link), (), "command",
                      lang=t.lang)]

    def press(self, person: Person, data: str) -> list[Reply]:
        return []

"""One small router in front of the audiences' dialogue modules.

Commands go to the module that lists them, pressed buttons to the module that owns their prefix, typed
text to the module whose prompt is waiting for it (an area name, a user id), and everything else to the
residents' questions. A privileged module answers only the people it is `available` to: for anyone
else its commands are unknown and its buttons expired, so nobody learns what exists.

Private things stay private: where others read along (a group: `Person.private` is False), the modules
about one person (subscriptions, hearing announcements' buttons, /hearing, /roles) answer only with a link
to the private chat, and so do the residents' /mydata and /forget (residents.py checks those itself).
The link is /start <command>, which opens the same screen there. Telegram and the
terminal chat both talk to this class, so they stay at parity.
"""

from __future__ import annotations

import logging

from sqlite_utils import Database

from bot.core import commands
from bot.core.curation import serving
from bot.core.dialogue.admins import Admins
from bot.core.dialogue.announcements import Announcements
from bot.core.dialogue.base import Context, Slow, expired, private_only, unknown_command
from bot.core.dialogue.broadcasters import Broadcasters
from bot.core.dialogue.console import Console
from bot.core.dialogue.editors import Editors
from bot.core.dialogue.residents import MAX_QUESTION_CHARS, Residents
from bot.core.dialogue.subscriptions import DEEP_LINK_PREFIX, Subscriptions
from bot.core.knowledge.areas import Areas, load_areas_or_fail
from bot.core.knowledge.loader import KnowledgeBase
from bot.core.matching.ranker import Matcher
from bot.core.replies import Person, Reply
from bot.storage import learning as learned
from bot.storage import stats, subscriptions, users

log = logging.getLogger(__name__)

# A typed text of up to this many words, while /subscribe waits for a name, is a name even when no
# area matches it ("Акмешит" gets "not found"); a longer one is a question after all.
AREA_NAME_MAX_WORDS = 4
# What a prompt may receive at most: four Telegram messages (one holds 4,096 characters), against a paste into
# the terminal chat; every prompt that takes long text refuses more than a message with its length anyway.
# Questions are cut further, to MAX_QUESTION_CHARS.
MAX_TYPED_CHARS = 16384


class Conversation:
    def __init__(self, kb: KnowledgeBase, matcher: Matcher, db: Database, areas: Areas | None = None, *,
                 generation: tuple | None = None):
        """generation: the learned phrasings' state `kb` and `matcher` already serve (serving.snapshot);
        without it they are the files alone, and the learned phrasings are added here."""
        self.ctx = Context(kb, matcher, db, areas if areas is not None else load_areas_or_fail(),
                           generation=generation if generation is not None else learned.generation(db))
        if generation is None and learned.taught(self.ctx.generation):
            # Editors taught the bot phrasings or not-our-topic questions that the given matcher (built
            # from the files) lacks.
            self.reload()
        self.residents = Residents(self.ctx)
        self.subscriptions = Subscriptions(self.ctx)
        self.admins = Admins(self.ctx)
        self.announcements = Announcements(self.ctx)
        self.broadcasters = Broadcasters(self.ctx)
        self.editors = Editors(self.ctx)
        self.console = Console(self.ctx)
        self.modules = (self.residents, self.subscriptions, self.announcements, self.broadcasters, self.editors,
                        self.admins, self.console)
        self._by_command = {name: m for m in self.modules for name in m.COMMANDS}
        self._by_prefix = {prefix: m for m in self.modules for prefix in m.PREFIXES}
        # What they show is about one person: the areas they follow (where they live), their RSVPs and
        # questions for hearings, and staff screens that list residents' questions and roles.
        self._private = (self.subscriptions, self.announcements, self.broadcasters, self.editors, self.admins,
                         self.console)
        # /start <command> opens these: the link a group is given to the private chat.
        self._linked = set(commands.PRIVATE) | {name for m in self._private for name in m.COMMANDS}

    # The public commands, in the order menus show them; privileged ones are never listed.
    COMMANDS = commands.PUBLIC

    @property
    def kb(self) -> KnowledgeBase:
        return self.ctx.kb

    @property
    def matcher(self) -> Matcher:
        return self.ctx.matcher

    # ---- the knowledge base served ----------------------------------------------------------------
    def reload(self) -> list:
        """Serve the knowledge files and the learned phrasings anew; the problems that refused it, or []
        (then the previous knowledge base keeps serving). /reload, SIGHUP and the watcher call this."""
        return serving.reload(self.ctx)

    def learned_changed(self) -> bool:
        """Another process learned or exported phrasings since this one last built its matcher."""
        return serving.stale(self.ctx)

    @property
    def db(self) -> Database:
        return self.ctx.db

    @property
    def areas(self) -> Areas:
        return self.ctx.areas

    def language(self, person: Person) -> str:
        return self.ctx.language(person)

    def _allowed(self, module, person: Person) -> bool:
        return getattr(module, "available", lambda _: True)(person)

    # ---- commands ---------------------------------------------------------------------------------
    def command(self, person: Person, name: str, argument: str = "") -> list[Reply]:
        """Dispatch a slash command by name (without the slash)."""
        name = name.lower().split("@")[0]
        if name == "start":
            return self.start(person, argument)
        module = self._by_command.get(name)
        if module is None or not self._allowed(module, person):
            return unknown_command(self.ctx.t(person), name)
        if not person.private and module in self._private:
            return private_only(self.ctx.t(person), name)
        if users.awaiting(self.db, person.key):
            users.set_awaiting(self.db, person.key, person.channel, None)  # a new command ends a prompt
        return module.command(person, name, argument)

    def start(self, person: Person, payload: str = "") -> list[Reply]:
        """Greeting; `payload` is a deep link (t.me/bot?start=...) to a topic, a category or an area."""
        payload = payload.strip()
        if payload in self._linked:  # from a group's "write to me privately" link
            return self.command(person, payload)
        if payload.startswith(DEEP_LINK_PREFIX):
            if not person.private:
                return private_only(self.ctx.t(person), payload)
            subscriptions.resume(self.db, person.key)  # back after blocking the bot, as /start does
            return self.subscriptions.offer(person, payload)
        return self.residents.start(person, payload)

    # ---- text -------------------------------------------------------------------------------------
    def ask(self, person: Person, text: str) -> list[Reply]:
        # Cut only as a question: an agenda or the results typed in /hearing reach their module whole, which
        # says when one is too long rather than losing its end (a Telegram message holds 4,096 at most).
        text = (text or "")[:MAX_TYPED_CHARS]
        # A prompt (an area name, a hearing question) was asked in the private chat: a group message,
        # read by others, is a question, never the answer to it.
        waiting = users.awaiting(self.db, person.key) if text.strip() and person.private else None
        if waiting:
            what = waiting.partition(":")[0]
            module = next((m for m in self.modules if what in getattr(m, "AWAITS", ())), None)
            if module is self.subscriptions:
                # Short texts (nearly every typed name) go straight on; only a long one costs a second search.
                if len(text.split()) <= AREA_NAME_MAX_WORDS or self.areas.find(text[:MAX_QUESTION_CHARS]):
                    return self.subscriptions.typed(person, text[:MAX_QUESTION_CHARS])
                users.set_awaiting(self.db, person.key, person.channel, None)
            elif module is not None and self._allowed(module, person):
                return module.typed(person, text, waiting)
            elif module is not None:
                # The role went while its prompt waited: the text was meant for the staff screen, so it is
                # neither stored as a resident's question nor shown to editors.
                return self._no_longer_allowed(person, module, waiting)
        text = text[:MAX_QUESTION_CHARS]
        replies = self.residents.ask(person, text)
        if replies and replies[0].outcome in stats.OUTCOMES:
            # Counts for editors' statistics: day, language, outcome, entry or out-of-scope topic; never who
            # asked. Small talk is not a question and is not counted.
            stats.count_question(self.db, lang=replies[0].lang, outcome=replies[0].outcome,
                                 entry_id=replies[0].entry_id, topic=replies[0].topic)
        return replies

    # The residents' commands by name, for callers that show one screen directly (tests, transports).
    def help(self, person: Person) -> list[Reply]:
        return self.residents.help(person)

    def topics(self, person: Person, page: int = 0) -> list[Reply]:
        return self.residents.topics(person, page)

    def category(self, person: Person, category_id: str, page: int = 0) -> list[Reply]:
        return self.residents.category(person, category_id, page)

    def forget(self, person: Person) -> list[Reply]:
        return self.residents.forget(person)

    def shareable(self, person: Person, text: str, limit: int = 5) -> list[Reply]:
        return self.residents.shareable(person, text, limit)

    def not_text(self, person: Person) -> list[Reply]:
        return self.residents.not_text(person)

    def slow_down(self, person: Person) -> list[Reply]:
        return self.residents.slow_down(person)

    def apology(self, person: Person) -> list[Reply]:
        return self.residents.apology(person)

    def _no_longer_allowed(self, person: Person, module, waiting: str) -> list[Reply]:
        """Someone typed into a staff prompt after losing the role: the prompt and what it was filling in (a
        /hearing draft) go, and they are told that the action is no longer theirs."""
        t = self.ctx.t(person)
        users.set_awaiting(self.db, person.key, person.channel, None)
        abandon = getattr(module, "abandon", None)
        if abandon is not None:
            abandon(person, waiting)
        log.info("prompt %r dropped: its role was revoked while it waited", waiting.partition(":")[0])
        return [Reply(t.gettext("This action is no longer available to you, so I did not keep your message. "
                                "To ask the bot a question, send it again."), (), "revoked", lang=t.lang)]

    # ---- buttons ----------------------------------------------------------------------------------
    def press(self, person: Person, data: str) -> list[Reply]:
        """Handle pressed button data. Never raises on forged or stale data."""
        data = data or ""
        module = self._by_prefix.get(data.partition(":")[0])
        if module is not None and not self._allowed(module, person):
            # A former broadcaster's or admin's old button: its prompt and draft go too (a stranger's forged
            # one finds nothing to drop). Either way the button has expired, as for anyone without the role.
            waiting = users.awaiting(self.db, person.key) or ""
            if waiting.partition(":")[0] in getattr(module, "AWAITS", ()):
                users.set_awaiting(self.db, person.key, person.channel, None)
            if hasattr(module, "abandon"):
                module.abandon(person, waiting)
        if module is None or not self._allowed(module, person):
            # The data is the sender's to forge: log its prefix (ours are short ASCII words) and length only.
            log.info("stale or forged button data from %s: prefix=%r chars=%d", person.channel,
                     data.partition(":")[0][:8], len(data))
            return expired(self.ctx.t(person))
        if not person.private and module in self._private:
            return private_only(self.ctx.t(person), module.COMMANDS[0] if module.COMMANDS else "")
        return module.press(person, data)

    # ---- for the transports -----------------------------------------------------------------------
    def slow(self, person: Person, *, command: str | None = None, argument: str = "",
             data: str | None = None) -> Slow | None:
        """The slow part of answering this command or pressed button (base.Slow), or None: for most
        updates, and for anyone the command or button would not answer (unknown, not allowed, or a
        personal screen asked for in a group), so nobody can make the bot group questions for nothing."""
        if command is not None:
            name = command.lower().split("@")[0]
            if name == "start":
                name = argument.strip()
                if name not in self._linked:
                    return None
            module = self._by_command.get(name)
        else:
            name = None
            module = self._by_prefix.get((data or "").partition(":")[0])
        if module is None or not hasattr(module, "slow") or not self._allowed(module, person) or (
                not person.private and module in self._private):
            return None
        return module.slow(person, command=name, data=data)

    def stopped(self, person: Person) -> None:
        """The resident blocked the bot (or Telegram answered 403): send them nothing more."""
        subscriptions.mark_stopped(self.db, person.key)

"""What every audience's dialogue shares: the reply types, who is talking, and small helpers.

A dialogue module returns Reply objects; the transports (Telegram, the terminal) show them. Button data
is a short ASCII string (Telegram allows 64 bytes) whose prefix, before the first ":", names the
module that owns the button; the router sends a press to that module and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from bot.core.curation.cache import ClusterCache
from bot.core.knowledge.areas import Areas
from bot.core.knowledge.glossary import Glossary, load_glossary
from bot.core.knowledge.loader import KnowledgeBase
from bot.core.matching.ranker import Matcher
from bot.core.replies import Button, Person, Reply
from bot.i18n import LANGUAGES, Translator, translator
from bot.storage import subscriptions, users

# Rows of buttons per page; Telegram shows up to 100 buttons, but a phone screen about 8.
PAGE_SIZE = 6


@dataclass
class Context:
    """What the dialogue modules work with: content, the matcher, the database, the areas. The knowledge
    base, its matcher and the glossary are replaced together when editors reload or teach the bot
    (bot/core/curation/serving.py); `generation` is the learned phrasings' state they were built with."""

    kb: KnowledgeBase
    matcher: Matcher
    db: Database
    areas: Areas
    # Read on first use: only editors' screens group questions, so residents' start-up does not pay for it.
    glossary_loaded: Glossary | None = None
    generation: tuple = ()
    # The clusters of the open gaps, kept between an editor's screens (computed again when gaps change).
    clusters: ClusterCache = field(default_factory=ClusterCache)

    @property
    def glossary(self) -> Glossary:
        if self.glossary_loaded is None:
            self.glossary_loaded = load_glossary()[0]
        return self.glossary_loaded

    def language(self, person: Person) -> str:
        """Chosen with /language, else inferred from the resident's last clear message, else the
        client's language if we speak it, else Kazakh."""
        return users.get_language(self.db, person.key) or client_language(person)

    def t(self, person: Person) -> Translator:
        return translator(self.language(person))


@dataclass(frozen=True)
class Slow:
    """The part of answering an update that may take seconds: grouping thousands of open gaps (/gaps,
    /stats) or a hearing's questions. The dialogue stays synchronous and shared with the terminal chat,
    which simply waits; a transport serving many residents at once (Telegram) runs `compute` elsewhere.

    `compute(db)` reads only through the connection it is given and changes nothing the dialogue holds,
    so it may run in a worker thread with a connection of that thread's own (one SQLite connection
    belongs to one thread). Its result is handed back with `use(result)`, a context manager inside which
    the dialogue answers the update with that result instead of computing it again."""

    compute: Callable[[Database], object]
    use: Callable[[object], AbstractContextManager]


class Pinned:
    """A result computed for the one dialogue call that answers an update (see Slow), or None."""

    def __init__(self):
        self.value = None

    @contextmanager
    def holding(self, value) -> Iterator[None]:
        self.value = value
        try:
            yield
        finally:
            self.value = None


def client_language(person: Person) -> str:
    hint = (person.language_hint or "").split("-")[0].lower()
    return hint if hint in LANGUAGES else "kk"


def expired(t: Translator) -> list[Reply]:
    return [Reply(t.gettext("This button has expired. Please ask your question again or use /topics."),
                  (), "stale", lang=t.lang)]


def private_only(t: Translator, payload: str) -> list[Reply]:
    """A personal screen asked for where others read along (a group): no data, only a button that
    opens the private chat at /start <payload>, which shows the same screen there."""
    return [Reply(t.gettext("This is personal: write to me privately."),
                  ((Button(t.gettext("Open a private chat"), deep_link=payload),),), "private_only", lang=t.lang)]


def unknown_command(t: Translator, command: str) -> list[Reply]:
    return [Reply(t.gettext("I don't know the command /{command}. See /help.", command=command[:32]),
                  (), "command", lang=t.lang)]


def after_press(replies: list[Reply], **flags: bool) -> list[Reply]:
    """Mark the first reply as replacing or closing the pressed message, unless it is an "expired" notice."""
    if not replies or replies[0].outcome == "stale":
        return replies
    return [replace(replies[0], **flags), *replies[1:]]


def page(items, number, make, nav_pattern, t: Translator, size: int = PAGE_SIZE):
    """One page of button rows, and a row with ‹ Back / More › when there are other pages."""
    pages = max(1, -(-len(items) // size))
    number = min(max(number, 0), pages - 1)
    rows = tuple((make(item),) for item in items[number * size:(number + 1) * size])
    nav = []
    if number > 0:
        nav.append(Button(t.gettext("‹ Back"), nav_pattern.format(number - 1)))
    if number < pages - 1:
        nav.append(Button(t.gettext("More ›"), nav_pattern.format(number + 1)))
    return rows, ((tuple(nav),) if nav else ())


def followed_line(areas: Areas, code: str, scope: str, t: Translator) -> str:
    """A followed area as /subscriptions and /mydata show it, with what following it means when it has
    areas under it."""
    path = areas.path(code, t.lang)
    if not areas.children(code):
        return path
    if scope == subscriptions.AREA:
        return t.gettext("{area} — only its own hearings", area=path)
    return t.gettext("{area} — with everything in it", area=path)


def deep_link_payload(entry_id: str) -> str:
    """t.me/<bot>?start=<payload> allows only A-Z a-z 0-9 _ - (64 at most): dots travel as dashes.
    The router reads them back."""
    return entry_id.replace(".", "-")


def deep_link_key(payload: str) -> str:
    """The reverse of deep_link_payload."""
    return payload.replace("-", ".")

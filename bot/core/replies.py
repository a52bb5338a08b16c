"""What the core hands to the transports (Telegram, the terminal chat, the web console): who is talking,
the reply with its buttons and file, and one message owed to a resident (a broadcast's or a notice's).

Imports nothing: every layer above may use these types.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    """A button under a reply. It either calls back with `data`, or, when `deep_link` is set, opens the
    private chat with the bot at /start <deep_link> (the transport knows the bot's name and makes the
    link; the terminal shows the command to type)."""

    label: str
    data: str = ""
    deep_link: str | None = None


@dataclass(frozen=True)
class Document:
    """A file sent with a reply (a hearing's .ics): the transport sends it with the reply's text as its
    caption (Telegram allows 1,024 characters there)."""

    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # For logs and metrics: answered / suggested / unanswered / command / error ...
    outcome: str = "info"
    score: float | None = None
    lang: str = "kk"
    entry_id: str | None = None
    # The out-of-scope topic whose referral this is (outcome "not_ours"), for the statistics.
    topic: str | None = None
    # After a button press: `replaces_pressed` puts this reply in place of the message that carried the
    # button (paging through topics, a confirmation); `closes_pressed` only removes that message's buttons
    # (one vote per answer). Transports that cannot edit (the terminal) simply show the reply.
    replaces_pressed: bool = False
    closes_pressed: bool = False
    # With `closes_pressed`: the buttons left under the pressed message instead of none (a vote under a short
    # answer keeps its "More").
    keeps_pressed: tuple[tuple[Button, ...], ...] = ()
    document: Document | None = None


@dataclass(frozen=True)
class Person:
    """Who is talking: a stable key ("tg:123") and the language their client reports, if any.

    `private` is False when others may read the reply (a group, or a chat the bot cannot see, such as
    a button under a message shared through inline mode): personal screens then answer with a link to
    the private chat instead (see private_only). The terminal chat is private."""

    key: str
    channel: str
    language_hint: str | None = None
    private: bool = True


@dataclass(frozen=True)
class Outgoing:
    """One message to one resident; `lang` is the language it is written in."""

    text: str
    buttons: tuple[tuple[Button, ...], ...]
    lang: str

"""What the bot keeps about a resident: one list that /mydata shows, that the bot.about answer states (its
answer holds the line STORED_MARKER, replaced by this list in the reader's language) and that README's
Privacy section names. tests/test_privacy_list.py fails when a table holding residents' data is added
without a kind here, or a kind without its /mydata line, so the promise cannot drift from the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Translator

# An answer's line that stands for the list of what is kept, in the reader's language.
STORED_MARKER = "{stored_data}"


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated when shown."""
    return message


@dataclass(frozen=True)
class Kind:
    id: str
    tables: tuple[str, ...]  # where bot/storage keeps it, keyed by the resident's user_key
    label: str  # msgid: how /about names it


STORED = (
    Kind("language", ("users",), N_("your interface language")),
    Kind("questions", ("gaps",), N_("the questions the bot could not answer, without your name and with "
                                    "IIN, phone numbers, e-mail addresses and card numbers removed")),
    Kind("ratings", ("feedback",), N_("your ratings of answers, with the reason for a 👎")),
    Kind("answers", ("answers",), N_("which answers were shown to you, so that you can rate them")),
    Kind("areas", ("subscriptions",), N_("the areas you follow")),
    Kind("hearing_questions", ("hearing_questions",), N_("your questions for public hearings, without your "
                                                          "name")),
    Kind("attending", ("rsvps",), N_("the hearings you said you will attend")),
    Kind("announcements", ("deliveries",), N_("the announcements delivered to you")),
    Kind("told", ("notifications",), N_("your requests to be told when there is an answer")),
)

# Tables with a user_key that hold no resident's data: the roles staff hold (granted by admins, kept in the
# audit log), and the web console's sign-in links and sessions, which only role holders get (hashed tokens,
# swept when they expire), not anything a resident sent.
STAFF_TABLES = ("roles", "web_links", "web_sessions")


def stored_list(t: Translator) -> str:
    return "\n".join(f"– {t.gettext(kind.label)}" for kind in STORED)

"""Interface strings in Kazakh, Russian and English from gettext catalogs in locales/.

The .po files are the source of truth (editors and translators review them in git); they are compiled
in memory at first use with Babel, so nobody runs a compile step. There is no global `_`: every caller
holds a Translator for the user's language and passes it along.

msgids are English sentences with named placeholders: t.gettext("Hello, {name}", name=...).
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"
LANGUAGES = ("kk", "ru", "en")
# Shown in the language picker, each in its own language.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def N_(message: str) -> str:
    """Marks a message for translation (pybabel extracts N_) without translating it here."""
    return message


@dataclass(frozen=True)
class Plural:
    """A message whose words follow a number, {n}: Russian has three forms of the noun after it."""

    singular: str
    plural: str


def Nn_(singular: str, plural: str) -> Plural:
    """Marks a plural pair for translation (pybabel extracts Nn_:1,2) without translating it here."""
    return Plural(singular, plural)


class Translator:
    """gettext for one language, with str.format placeholders and Babel dates."""

    def __init__(self, lang: str, translations: gettext.NullTranslations):
        self.lang = lang
        self._t = translations

    def gettext(self, message: str, **params: object) -> str:
        text = self._t.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        return self._t.ngettext(singular, plural, n).format(n=n, **params)

    def date(self, value: dt.date, format: str = "long") -> str:
        return format_date(value, format=format, locale=self.lang)

    def month(self, value: dt.date) -> str:
        """Month and year in the language's own form: "March 2026", "март 2026 г.", "2026 ж. наурыз"."""
        return format_skeleton("yMMMM", value, locale=self.lang)

    def datetime(self, value: dt.datetime, format: str = "medium") -> str:
        return format_datetime(value, format=format, locale=self.lang)


def read_catalog(lang: str):
    with (LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        return read_po(fh, locale=Locale.parse(lang))


@cache
def translator(lang: str) -> Translator:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    buffer = io.BytesIO()
    # Fuzzy entries are not used: a translator marked them as unchecked.
    write_mo(buffer, read_catalog(lang), use_fuzzy=False)
    buffer.seek(0)
    return Translator(lang, gettext.GNUTranslations(buffer))

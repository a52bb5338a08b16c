"""Catalogs are complete, unfuzzy, placeholder-consistent, and in sync with the code."""

import re
import string

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, LOCALES_DIR, read_catalog, translator

REPO = LOCALES_DIR.parent
# As the Makefile's `messages` target extracts them (_: the console's templates).
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None, "Nn_": (1, 2), "_": None}


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def code_messages():
    found = set()
    # As babel.cfg: Python modules, and the web console's Jinja2 templates.
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}
    for _, _, message, _, _ in extract_from_dir(str(REPO / "bot"), method_map=method_map, options_map=options,
                                                keywords=KEYWORDS, comment_tags=()):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_pot_is_in_sync_with_the_code():
    with (LOCALES_DIR / "messages.pot").open("rb") as fh:
        pot = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert pot == code_messages(), "run `make messages` and translate the new strings"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_unfuzzy_with_the_same_placeholders(lang):
    catalog = read_catalog(lang)
    ids = set()
    for message in catalog:
        if not message.id:
            continue
        singular = message.id if isinstance(message.id, str) else message.id[0]
        ids.add(singular)
        assert not message.fuzzy, f"{lang}: fuzzy {singular!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{lang}: untranslated {singular!r}"
        expected = placeholders(singular) | ({"n"} if not isinstance(message.id, str) else set())
        for s in strings:
            assert placeholders(s) == expected, f"{lang}: placeholders differ in {singular!r}"
    assert ids == code_messages(), f"{lang}: catalog differs from the code; run `make messages`"


def test_translations_are_in_their_language():
    kk = translator("kk").gettext("Choose your language:")
    ru = translator("ru").gettext("Choose your language:")
    assert re.search("[әғқңөұүһі]", kk) and ru == "Выберите язык:"


def test_russian_plurals_have_three_forms():
    t = translator("ru")
    forms = [t.ngettext("{n} rating of an answer", "{n} ratings of answers", n) for n in (1, 3, 5, 21)]
    assert forms == ["1 оценка ответа", "3 оценки ответов", "5 оценок ответов", "21 оценка ответа"]


def test_dates_are_localised():
    import datetime as dt

    day = dt.date(2026, 11, 21)
    assert "ноября" in translator("ru").date(day)
    assert "November" in translator("en").date(day)
    assert "қараша" in translator("kk").date(day).lower()


def test_the_review_date_line_never_ends_in_two_periods(kb):
    """Babel's Russian and Kazakh long dates end in an abbreviation ("2026 г."): no period after it."""
    from bot.core.knowledge.render import answer_text
    from bot.i18n import LANGUAGES, translator

    entry = next(iter(kb.entries.values()))
    for lang in LANGUAGES:
        assert ".." not in answer_text(entry, translator(lang)), lang

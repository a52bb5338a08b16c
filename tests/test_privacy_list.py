"""What the bot says it keeps cannot drift from what it keeps: /mydata, the bot.about answer and README's
Privacy section all come from (or are checked against) bot/core/privacy.STORED, and every table that
holds a resident's data is in that list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge.render import answer_text
from bot.core.privacy import STAFF_TABLES, STORED, STORED_MARKER
from bot.i18n import LANGUAGES, translator
from bot.storage.db import open_db

README = Path(__file__).resolve().parents[1] / "README.md"


def resident_tables() -> set[str]:
    db = open_db(memory=True)
    return {t for t in db.table_names() if "user_key" in {c.name for c in db[t].columns}}


def test_every_table_keyed_by_a_resident_is_a_kind_of_stored_data():
    named = {table for kind in STORED for table in kind.tables}
    unnamed = resident_tables() - named - set(STAFF_TABLES)
    assert not unnamed, f"tables holding residents' data that privacy.STORED does not name: {sorted(unnamed)}"
    assert named <= resident_tables(), "privacy.STORED names a table that holds no user_key"


def test_mydata_has_lines_for_every_kind(conversation):
    assert set(conversation.residents._mydata_lines) == {kind.id for kind in STORED}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bot_about_lists_exactly_what_is_kept(kb, lang):
    entry = kb.entries["bot.about"]
    assert STORED_MARKER in entry.texts[lang].answer
    shown = answer_text(entry, translator(lang))
    t = translator(lang)
    assert STORED_MARKER not in shown
    for kind in STORED:
        assert t.gettext(kind.label) in shown, (lang, kind.id)


def test_readme_privacy_section_names_every_table():
    text = README.read_text(encoding="utf-8")
    privacy = text[text.index("## Privacy"):]
    for kind in STORED:
        for table in kind.tables:
            assert f"`{table}`" in privacy, f"README's Privacy section does not name `{table}` ({kind.id})"

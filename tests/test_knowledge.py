"""Loading and `kb check` on small knowledge bases written for the test, and on the real one."""

import shutil
from pathlib import Path

import pytest

from bot.core.curation.check import check
from bot.core.knowledge.loader import DEFAULT_DIR, load

SEED_IDS = ("akim.role", "akimat.role", "maslikhat.role", "lsg.definition", "budget.village",
            "appeals.file", "appeals.deadlines", "bot.about")
REQUIRED_IDS = Path(__file__).resolve().parents[1] / "eval" / "required_topics.txt"


def entry(eid="test.one", category="akims", kk_answer="Әкім — жергілікті атқарушы органның басшысы. " * 12,
          questions=None, extra="", ru_answer="Аким — глава местного исполнительного органа. " * 12,
          en_answer="An akim heads the local executive body. " * 12):
    questions = questions or {
        "kk": ["әкім деген кім", "әкімнің міндеті"],
        "ru": ["кто такой аким", "чем занимается аким"],
        "en": ["who is an akim", "what does an akim do"],
    }
    blocks = []
    answers = {"kk": kk_answer, "ru": ru_answer, "en": en_answer}
    titles = {"kk": "Әкім деген кім?", "ru": "Кто такой аким?", "en": "Who is an akim?"}
    for lang in ("kk", "ru", "en"):
        qs = ", ".join(f'"{q}"' for q in questions[lang])
        blocks.append(f'[{lang}]\ntitle = "{titles[lang]}"\nanswer = """{answers[lang]}"""\nquestions = [{qs}]\n')
    return (f'id = "{eid}"\ncategory = "{category}"\nreviewed = 2026-11-21\nlaw_as_of = 2026-03-17\n{extra}\n'
            f'[[sources]]\ntitle = "Law No. 148-II"\nurl = "https://adilet.zan.kz/rus/docs/Z010000148_"\n\n'
            + "\n".join(blocks))


@pytest.fixture
def kbdir(tmp_path):
    directory = tmp_path / "knowledge"
    directory.mkdir()
    shutil.copy(DEFAULT_DIR / "categories.toml", directory / "categories.toml")
    shutil.copy(DEFAULT_DIR / "areas.toml", directory / "areas.toml")
    return directory


def errors(directory):
    _, problems = check(directory)
    return [p for p in problems if p.severity == "error"]


def test_a_valid_entry_passes(kbdir):
    (kbdir / "one.toml").write_text(entry(), encoding="utf-8")
    assert errors(kbdir) == []


def test_broken_toml_names_the_file(kbdir):
    (kbdir / "bad.toml").write_text("id = \n", encoding="utf-8")
    (found,) = errors(kbdir)
    assert "bad.toml" in found.path and "TOML" in found.message


def test_duplicate_ids_are_errors(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "b.toml").write_text(entry(), encoding="utf-8")
    assert any("duplicate id" in p.message and p.entry_id == "test.one" for p in errors(kbdir))


def test_missing_language_is_an_error(kbdir):
    text = entry().split("[en]")[0]
    (kbdir / "one.toml").write_text(text, encoding="utf-8")
    assert any("missing language [en]" in p.message for p in errors(kbdir))


def test_schema_errors_are_reported(kbdir):
    text = entry(category="nope").replace("reviewed = 2026-11-21", 'reviewed = "yesterday"')
    (kbdir / "one.toml").write_text(text, encoding="utf-8")
    messages = " ".join(p.message for p in errors(kbdir))
    assert "unknown category" in messages and "reviewed must be a date" in messages


def test_russian_pasted_as_kazakh_is_an_error(kbdir):
    (kbdir / "one.toml").write_text(entry(kk_answer="Аким — глава исполнительного органа. " * 12), encoding="utf-8")
    assert any("no Kazakh letters" in p.message for p in errors(kbdir))


def test_answer_longer_than_a_telegram_message_is_an_error(kbdir):
    (kbdir / "one.toml").write_text(entry(kk_answer="Әкім сөзі. " * 500), encoding="utf-8")
    assert any("one Telegram message" in p.message for p in errors(kbdir))


def test_same_phrasing_in_two_entries_is_an_error(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "b.toml").write_text(entry(eid="test.two"), encoding="utf-8")
    assert any("is also in test.one" in p.message for p in errors(kbdir))


def test_phrasing_that_finds_another_entry_is_an_error(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    other = {
        "kk": ["мәслихат деген не", "мәслихат не істейді"],
        # The second is test.one's "чем занимается аким" reordered: it passes the duplicate check, but the
        # matcher sends it to test.one, whose phrasings are all about the akim.
        "ru": ["что такое маслихат", "аким чем занимается"],
        "en": ["what is a maslikhat", "what does the maslikhat decide"],
    }
    (kbdir / "b.toml").write_text(entry(eid="test.two", category="maslikhat", questions=other), encoding="utf-8")
    assert any(p.entry_id == "test.two" and "finds test.one" in p.message for p in errors(kbdir))


def test_thin_entry_is_a_warning_not_an_error(kbdir):
    (kbdir / "one.toml").write_text(entry(), encoding="utf-8")
    _, problems = check(kbdir)
    assert any(p.severity == "warning" and "phrasings" in p.message for p in problems)


def test_source_titles_in_each_language_reach_the_reader(kbdir):
    from bot.core.knowledge.render import answer_text
    from bot.i18n import translator

    text = entry().replace('title = "Law No. 148-II"\n',
                           'title = "Law No. 148-II"\ntitle_ru = "Закон № 148-II"\ntitle_kk = "№ 148-II Заң"\n')
    (kbdir / "one.toml").write_text(text, encoding="utf-8")
    kb, problems = check(kbdir)
    assert not [p for p in problems if "title_" in p.message]
    one = kb.entries["test.one"]
    assert "• Закон № 148-II — https://" in answer_text(one, translator("ru"))
    assert "• № 148-II Заң — https://" in answer_text(one, translator("kk"))
    assert "• Law No. 148-II — https://" in answer_text(one, translator("en"))


def test_a_source_without_local_titles_is_a_warning(kbdir):
    (kbdir / "one.toml").write_text(entry(), encoding="utf-8")
    _, problems = check(kbdir)
    assert any(p.severity == "warning" and "title_kk / title_ru" in p.message for p in problems)


def test_unknown_source_fields_are_errors(kbdir):
    (kbdir / "one.toml").write_text(entry().replace('title = "Law No. 148-II"\n',
                                                    'title = "Law No. 148-II"\ntitle_de = "Gesetz"\n'),
                                    encoding="utf-8")
    assert any("unknown source field(s): title_de" in p.message for p in errors(kbdir))


def test_law_as_of_is_required_and_not_after_the_review(kbdir):
    (kbdir / "one.toml").write_text(entry().replace("law_as_of = 2026-03-17\n", ""), encoding="utf-8")
    assert any("law_as_of must be a date" in p.message for p in errors(kbdir))
    (kbdir / "one.toml").write_text(entry().replace("law_as_of = 2026-03-17", "law_as_of = 2026-12-01"),
                                    encoding="utf-8")
    assert any("later than reviewed" in p.message for p in errors(kbdir))


def test_residents_see_the_month_the_law_is_stated_as_of_not_the_review_day(kbdir):
    from bot.core.knowledge.render import answer_text
    from bot.i18n import translator

    (kbdir / "one.toml").write_text(entry(), encoding="utf-8")
    kb, _ = check(kbdir)
    one = kb.entries["test.one"]
    assert "The law is stated as of March 2026." in answer_text(one, translator("en"))
    assert "по состоянию на март 2026\u202fг." in answer_text(one, translator("ru"))
    assert "Заң нормалары 2026\u202fж. наурыз айындағы жағдай бойынша берілген." in answer_text(one, translator("kk"))
    for lang in ("kk", "ru", "en"):
        assert "21" not in answer_text(one, translator(lang)).split("\n")[-1]


def test_a_figure_missing_from_one_language_is_an_error(kbdir):
    kk = "Петиция 2 500 дауыс жинаса, әкімдік оны қарайды. " * 10
    ru = "Петицию рассматривают при 2 500 голосах. " * 10
    en = "A petition is considered at 5,000 votes. " * 10  # the audit's kind of drift: en says 5,000
    (kbdir / "one.toml").write_text(entry(kk_answer=kk, ru_answer=ru, en_answer=en), encoding="utf-8")
    found = [p.message for p in errors(kbdir)]
    assert any("[en] answer lacks the figure 2500" in m for m in found), found
    assert any("[kk] answer lacks the figure 5000" in m for m in found), found
    en = "A petition is considered at 2,500 votes. " * 10
    (kbdir / "one.toml").write_text(entry(kk_answer=kk, ru_answer=ru, en_answer=en), encoding="utf-8")
    assert not [m for m in (p.message for p in errors(kbdir)) if "figure" in m]


@pytest.mark.parametrize("note", ["Verified: the Law says so.", "We did not find the article.",
                                  "Law No. 30-VIII (article numbers to be checked)."])
def test_editor_notes_in_an_answer_are_errors(kbdir, note):
    (kbdir / "one.toml").write_text(entry(en_answer="An akim heads the local executive body. " * 12 + note),
                                    encoding="utf-8")
    assert any("editors' note" in p.message for p in errors(kbdir))


def test_an_answer_may_not_promise_a_command_the_bot_lacks(kbdir):
    text = "An akim heads the local executive body. " * 12
    (kbdir / "one.toml").write_text(entry(en_answer=text + "Send /petition to sign it here."),
                                    encoding="utf-8")
    assert any("mentions /petition" in p.message for p in errors(kbdir))
    (kbdir / "one.toml").write_text(entry(en_answer=text + "Browse with /topics; see adilet.zan.kz/rus/docs."),
                                    encoding="utf-8")
    assert not any("mentions" in p.message for p in errors(kbdir))


def test_the_review_flag_and_its_mark_in_the_text_go_together(kbdir):
    (kbdir / "one.toml").write_text(entry(extra='review_note = "The 2,500 threshold is unconfirmed."'),
                                    encoding="utf-8")
    assert len([p for p in errors(kbdir) if "does not mark the point" in p.message]) == 3
    marked = {"kk_answer": "Әкім — басшы (заңгерлік тексеруге белгіленген). " * 10,
              "ru_answer": "Аким — глава (отмечено для юридической проверки). " * 10,
              "en_answer": "An akim is the head (marked for legal review). " * 10}
    (kbdir / "one.toml").write_text(entry(**marked), encoding="utf-8")
    assert len([p for p in errors(kbdir) if "has no review_note" in p.message]) == 3
    (kbdir / "one.toml").write_text(entry(extra='review_note = "The head is unconfirmed."', **marked),
                                    encoding="utf-8")
    assert not [p for p in errors(kbdir) if "review" in p.message]


def test_only_entries_resting_on_an_unconfirmed_fact_show_the_review_line(kb):
    from bot.core.knowledge.render import answer_text
    from bot.i18n import translator

    flagged = [e for e in kb.entries.values() if e.review_note]
    assert 0 < len(flagged) < len(kb.entries) / 2
    line = translator("en").gettext("One point in this answer (marked in the text) is awaiting legal review: "
                                    "check it with the akimat before relying on it.")
    for e in kb.entries.values():
        assert (line in answer_text(e, translator("en"))) == bool(e.review_note), e.id


def test_the_real_knowledge_base_is_clean():
    kb, problems = check()
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert set(SEED_IDS) <= set(kb.entries)


def test_every_required_topic_exists():
    lines = REQUIRED_IDS.read_text(encoding="utf-8").splitlines()
    required = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    kb, _ = load()
    assert required and required <= set(kb.entries), sorted(required - set(kb.entries))


def test_every_entry_has_sources_and_three_languages(kb):
    for e in kb.entries.values():
        assert e.sources and set(e.texts) == {"kk", "ru", "en"}, e.id
        assert e.category in kb.categories


def test_out_of_scope_questions_are_read_per_language(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text(
        '[ru]\nquestions = ["как поменять паспорт", " курс доллара "]\n[en]\nquestions = ["weather tomorrow"]\n',
        encoding="utf-8")
    kb, problems = load(kbdir)
    assert not problems and list(kb.entries) == ["test.one"]  # the file is not an entry
    assert kb.out_of_scope == {"ru": ("как поменять паспорт", "курс доллара"), "en": ("weather tomorrow",)}


def test_a_malformed_out_of_scope_file_is_an_error(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text('[ru]\nquestions = ["курс доллара", ""]\n[de]\nquestions = []\n',
                                             encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert any("[ru] questions must be a list" in m for m in messages)
    assert any("unknown language [de]" in m for m in messages)


def test_an_out_of_scope_question_that_is_an_entry_phrasing_is_an_error(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text('[ru]\nquestions = ["Кто такой аким?"]\n', encoding="utf-8")
    assert any("listed as out of scope but is a phrasing of test.one" in p.message for p in errors(kbdir))


def test_the_real_knowledge_base_lists_out_of_scope_questions_in_every_language(kb):
    assert set(kb.out_of_scope) == {"kk", "ru", "en"}
    assert all(len(questions) >= 40 for questions in kb.out_of_scope.values())


def test_out_of_scope_terms_are_read_and_one_a_phrasing_uses_is_a_warning(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text('[ru]\nterms = ["мажилис", "аким"]\nquestions = ["курс доллара"]\n',
                                             encoding="utf-8")
    kb, problems = check(kbdir)
    assert kb.out_of_scope_terms == {"ru": ("мажилис", "аким")}
    assert [p.message for p in problems if "term" in p.message] == [
        "[ru] term 'аким' is not applied: phrasings use it (аким)"]
    assert all(p.severity == "warning" for p in problems if "term" in p.message)


def test_malformed_terms_and_unknown_fields_of_the_out_of_scope_file_are_errors(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text('[ru]\nterms = "мажилис"\nquestion = ["курс доллара"]\n',
                                             encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert "[ru] terms must be a list of words" in messages
    assert "[ru] unknown field 'question'" in messages

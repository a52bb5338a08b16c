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


# ---- out-of-scope topics (out_of_scope.toml's [[topics]]) ----------------------------------------
def topic(tid="documents", *, titles=None, referrals=None, questions=None, url="https://egov.kz/cms/ru",
          extra=""):
    titles = titles or {"kk": "Құжаттар", "ru": "Документы", "en": "Documents"}
    referrals = referrals or {
        "kk": "Жеке куәлікті egov.kz арқылы немесе ХҚКО-да ауыстырасыз. Сұрақтар: 1414 тегін байланыс орталығы.",
        "ru": "Удостоверение меняют на egov.kz или в ЦОНе. Вопросы: бесплатный контакт-центр 1414.",
        "en": "ID cards are renewed on egov.kz or at a public service centre. Questions: free contact centre 1414.",
    }
    questions = questions or {"kk": ["жеке куәлікті қалай ауыстырамын"], "ru": ["как поменять удостоверение"],
                              "en": ["how do I renew my ID card"]}
    head = (f'[[topics]]\nid = "{tid}"\nreviewed = 2026-12-07\n{extra}\n'
            f'[[topics.sources]]\ntitle = "eGov"\ntitle_ru = "eGov"\ntitle_kk = "eGov"\nurl = "{url}"\n')
    blocks = [head]
    for lang in ("kk", "ru", "en"):
        qs = ", ".join(f'"{q}"' for q in questions[lang])
        blocks.append(f'[topics.{lang}]\ntitle = "{titles[lang]}"\nreferral = """{referrals[lang]}"""\n'
                      f'questions = [{qs}]\n')
    return "\n".join(blocks)


def test_topics_are_read_and_their_questions_join_the_out_of_scope_list(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text('[ru]\nquestions = ["расскажи анекдот"]\n\n' + topic(),
                                             encoding="utf-8")
    kb, problems = check(kbdir)
    assert [p for p in problems if p.severity == "error"] == []
    assert list(kb.out_of_scope_topics) == ["documents"]
    documents = kb.out_of_scope_topics["documents"]
    assert documents.texts["en"].title == "Documents" and "1414" in documents.texts["ru"].referral
    assert documents.sources[0].url == "https://egov.kz/cms/ru"
    # The matcher reads the flat list and the topics alike, flat questions first.
    assert kb.out_of_scope["ru"] == ("расскажи анекдот", "как поменять удостоверение")
    assert kb.topic_of("ru", "как поменять удостоверение") is documents
    assert kb.topic_of("ru", "расскажи анекдот") is None


@pytest.mark.parametrize("text, message", [
    (topic(tid="Documents-1"), "topic id must be a-z"),
    (topic().split("[topics.en]")[0], "missing language [topics.en]"),
    (topic(url="ftp://egov.kz"), "source url must start with https://"),
    (topic().replace('url = "https://egov.kz/cms/ru"\n', ""), "needs a url"),
    (topic(extra="colour = 1"), "topic: unknown field 'colour'"),
    (topic().replace('referral = """Удостоверение', 'referal = """Удостоверение'), "[ru] unknown field 'referal'"),
    (topic() + "\n" + topic(questions={"kk": ["x"], "ru": ["y"], "en": ["z"]}), "duplicate topic id"),
])
def test_malformed_topics_are_errors(kbdir, text, message):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text(text, encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert any(message in m for m in messages), messages


def test_what_residents_read_of_a_topic_is_held_to_its_limits(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    long = topic(titles={"kk": "Құжаттар", "ru": "Документы, паспорта, права, прописка и справки", "en": "Docs"},
                 referrals={"kk": "Жеке куәлік: egov.kz. Сұрақтар: 1414 тегін байланыс орталығы.",
                            "ru": "Удостоверение: egov.kz. " * 20 + "Вопросы: 1414.",
                            "en": "ID cards: egov.kz. Questions: free contact centre 1415. See /passport."})
    (kbdir / "out_of_scope.toml").write_text(long, encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert "[ru] title is 46 characters; at most 40" in messages
    assert any(m.startswith("[ru] referral is ") and m.endswith("at most 400") for m in messages)
    assert "[en] referral lacks the figure 1414 that the [kk/ru] referral states" in messages
    assert "[en] referral mentions /passport, which the bot does not have" in messages


def test_a_topic_question_may_be_in_one_place_only(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    two = topic() + "\n" + topic(tid="social", questions={"kk": ["зейнетақы қашан көтеріледі"],
                                                          "ru": ["Как поменять удостоверение?"],
                                                          "en": ["when will pensions go up"]})
    (kbdir / "out_of_scope.toml").write_text('[en]\nquestions = ["when will pensions go up"]\n\n' + two,
                                             encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert "[ru] 'Как поменять удостоверение?' is listed in documents and in social: a question belongs to one " \
           "topic" in messages
    assert "[en] 'when will pensions go up' is listed in the flat list and in social: a question belongs to one " \
           "topic" in messages
    (kbdir / "out_of_scope.toml").write_text(topic(questions={"kk": ["x"], "ru": ["Кто такой аким?"], "en": ["y"]}),
                                             encoding="utf-8")
    assert any(p.entry_id == "documents" and "is listed as out of scope but is a phrasing of test.one" in p.message
               for p in errors(kbdir))


def test_a_plain_http_source_of_a_topic_is_a_warning(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "out_of_scope.toml").write_text(topic(url="http://egov.kz/cms/ru"), encoding="utf-8")
    _, problems = check(kbdir)
    assert [(p.severity, p.entry_id) for p in problems if "plain http" in p.message] == [("warning", "documents")]


def test_the_real_topics_cover_the_referrals_residents_need(kb):
    assert {"documents", "social", "taxes_fines", "reference_facts"} <= set(kb.out_of_scope_topics)
    for t in kb.out_of_scope_topics.values():
        assert set(t.texts) == {"kk", "ru", "en"} and t.sources, t.id
        assert all(len(text.referral) <= 400 and len(text.title) <= 40 for text in t.texts.values()), t.id


# ---- short answers ---------------------------------------------------------------------------------
def with_short(text, shorts):
    for lang, short in shorts.items():
        text = text.replace(f"[{lang}]\ntitle", f'[{lang}]\nshort = """{short}"""\ntitle')
    return text


def test_a_short_answer_is_read_and_shown_first(kbdir):
    from bot.core.knowledge.render import answer_text, first_answer_text, short_text
    from bot.i18n import translator

    shorts = {"kk": "Әкім — жергілікті атқарушы органның басшысы.", "ru": "Аким — глава исполнительного органа.",
              "en": "An akim heads the local executive body."}
    (kbdir / "one.toml").write_text(with_short(entry(), shorts), encoding="utf-8")
    kb, problems = check(kbdir)
    assert not [p for p in problems if "short" in p.message]
    one = kb.entries["test.one"]
    assert one.texts["ru"].short == "Аким — глава исполнительного органа."
    assert short_text(one, translator("ru")) == "Кто такой аким?\n\nАким — глава исполнительного органа."
    assert first_answer_text(one, translator("en")) == short_text(one, translator("en"))
    assert "Sources:" not in short_text(one, translator("en")) and "Sources:" in answer_text(one, translator("en"))


def test_a_missing_short_answer_is_a_warning_and_the_full_answer_is_shown(kbdir):
    from bot.core.knowledge.render import answer_text, first_answer_text
    from bot.i18n import translator

    (kbdir / "one.toml").write_text(with_short(entry(), {"ru": "Аким — глава исполнительного органа."}),
                                    encoding="utf-8")
    kb, problems = check(kbdir)
    [missing] = [p for p in problems if "no short answer" in p.message]
    assert missing.severity == "warning" and "kk/en" in missing.message
    one = kb.entries["test.one"]
    assert first_answer_text(one, translator("kk")) == answer_text(one, translator("kk"))


def test_a_long_short_answer_or_one_whose_figures_drift_is_an_error(kbdir):
    shorts = {"kk": "Петиция 2 500 дауыс жинаса, әкімдік оны қарайды.", "ru": "Нужно 2 500 голосов. " * 20,
              "en": "A petition needs 5,000 votes. See /petition."}
    (kbdir / "one.toml").write_text(with_short(entry(), shorts), encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert any(m.startswith("[ru] short answer length: ") and "at most 400" in m for m in messages), messages
    assert "[en] short answer lacks the figure 2500 that the [kk/ru] short answer states" in messages
    assert "[en] short answer mentions /petition, which the bot does not have" in messages
    (kbdir / "one.toml").write_text(with_short(entry(), {"kk": "Аким", "ru": "", "en": "x"}), encoding="utf-8")
    assert any("[ru] short must be text when present" in p.message for p in errors(kbdir))


def test_an_unknown_field_in_a_language_block_is_an_error(kbdir):
    (kbdir / "one.toml").write_text(entry().replace("[en]\ntitle", '[en]\nshrot = "typo"\ntitle'), encoding="utf-8")
    assert any("[en] unknown field 'shrot'" in p.message for p in errors(kbdir))


# ---- small talk ------------------------------------------------------------------------------------
def small_talk(kinds):
    """kinds: {kind: {lang: [phrases]}}; every reply is one sentence."""
    blocks = []
    for kind, langs in kinds.items():
        blocks.append(f'[[kinds]]\nid = "{kind}"\n')
        for lang, phrases in langs.items():
            quoted = ", ".join(f'"{p}"' for p in phrases)
            blocks.append(f'[kinds.{lang}]\nphrases = [{quoted}]\nreply = "Hello ({lang}). See /topics."\n')
    return "\n".join(blocks)


GREETINGS = {"kk": ["сәлем"], "ru": ["привет"], "en": ["hello"]}


def test_small_talk_is_read_and_not_taken_for_an_entry(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "small_talk.toml").write_text(small_talk({"greeting": GREETINGS}), encoding="utf-8")
    kb, problems = check(kbdir)
    assert [p for p in problems if p.severity == "error"] == [] and list(kb.entries) == ["test.one"]
    assert kb.small_talk.kinds["greeting"]["ru"].phrases == ("привет",)
    assert kb.small_talk.reply("greeting", "en") == "Hello (en). See /topics."


@pytest.mark.parametrize("kinds, extra, message", [
    ({"gossip": GREETINGS}, "", "unknown kind 'gossip'"),
    ({"greeting": {**GREETINGS, "ru": ["привет", " "]}}, "", "[ru] 1 empty or non-text phrase(s)"),
    ({"greeting": {"kk": ["сәлем"], "ru": ["привет"]}}, "", "missing language [kinds.en]"),
    ({"greeting": GREETINGS}, "mood = 1\n", "unknown field 'mood'"),
])
def test_malformed_small_talk_is_an_error(kbdir, kinds, extra, message):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    (kbdir / "small_talk.toml").write_text(extra + small_talk(kinds), encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert any(message in m for m in messages), messages


def test_a_phrase_in_two_kinds_or_that_is_an_entry_phrasing_is_an_error(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    kinds = {"greeting": {**GREETINGS, "ru": ["привет", "ок"]},
             "ack": {"kk": ["жарайды"], "ru": ["ок"], "en": ["ok"]},
             "who": {"kk": ["сен кімсің"], "ru": ["кто такой аким"], "en": ["who are you"]}}
    (kbdir / "small_talk.toml").write_text(small_talk(kinds), encoding="utf-8")
    messages = [p.message for p in errors(kbdir)]
    assert "[ru] phrase 'ок' is also a phrase of greeting: a phrase belongs to one kind" in messages
    assert "[ru] phrase 'кто такой аким' is a phrasing of test.one" in messages


def test_the_real_small_talk_passes_its_checks(kb):
    from bot.core.curation.check import check_content, check_small_talk_reach

    assert set(kb.small_talk.kinds) == {"greeting", "thanks", "ack", "who", "bye", "insult"}
    found = [p for p in check_content(kb) + check_small_talk_reach(kb) if p.path == "small_talk.toml"]
    assert [str(p) for p in found if p.severity == "error"] == []


def test_a_phrase_another_kind_takes_is_an_error_of_kb_check(kbdir):
    (kbdir / "a.toml").write_text(entry(), encoding="utf-8")
    kinds = {"greeting": {"kk": ["сәлем"], "ru": ["привет"], "en": ["hello", "ok"]},
             "ack": {"kk": ["жарайды"], "ru": ["понятно"], "en": ["got it"]}}
    (kbdir / "small_talk.toml").write_text(small_talk(kinds), encoding="utf-8")
    assert [p.message for p in errors(kbdir) if "recognised as" in p.message] == []
    # Kazakh "ok" is read as "ок": not the same phrase as English "ok", but the same message.
    kinds["ack"]["kk"] = ["жарайды", "ok"]
    (kbdir / "small_talk.toml").write_text(small_talk(kinds), encoding="utf-8")
    assert [p.message for p in errors(kbdir) if "recognised as" in p.message] == [
        "[en] phrase 'ok' is recognised as ack, not greeting: another kind's phrase or an entry's words take it"]

"""Small talk: the recognizer on the frozen eval files, on typos and on questions, and what the conversation
does with it (a short reply in the resident's language, never a gap, never counted as a question)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.core.knowledge.small_talk import SmallTalk, SmallTalkText
from bot.core.matching.evaluation import read_cases, read_small_talk, small_talk_figures
from bot.core.matching.small_talk import Recognizer
from bot.core.replies import Person
from bot.storage import gaps
from tests.conftest import DEV_SET, REPO

SMALL_TALK = REPO / "eval" / "small_talk.tsv"
NOT_SMALL_TALK = REPO / "eval" / "small_talk_not.tsv"
REAL = REPO / "eval" / "real_questions.tsv"


@pytest.fixture(scope="module")
def recognizer(kb):
    return Recognizer(kb)


def test_every_small_talk_line_is_recognised_with_its_kind_and_language(recognizer):
    figures = small_talk_figures(recognizer, read_small_talk(SMALL_TALK))
    assert figures["small_talk"] == 60 and figures["misses"] == []
    assert figures["recognised"] == 1.0 and figures["recognised_in_its_language"] == 1.0


def test_no_near_miss_question_is_taken_for_small_talk(recognizer):
    figures = small_talk_figures(recognizer, read_small_talk(NOT_SMALL_TALK))
    assert figures["questions"] == 30 and figures["misses"] == []
    assert figures["questions_taken_for_small_talk"] == 0.0


def test_real_and_dev_questions_are_not_small_talk(recognizer):
    """Every real question, and every dev-set question except those about the bot itself ("что ты умеешь",
    which bot.about answers first when the matcher is sure) and one greeting."""
    taken = [c.question for c in read_cases(REAL) if recognizer.recognise(c.question)]
    assert taken == []
    taken = [(c.expected, c.question) for c in read_cases(DEV_SET) if recognizer.recognise(c.question)]
    assert {expected for expected, _ in taken} <= {"bot.about", "-"}, taken
    assert [q for e, q in taken if e == "-"] == ["hello how are you"]


@pytest.mark.parametrize("text, kind", [
    ("спасибооооо!!!", "thanks"), ("СПАСИБО", "thanks"), ("пасибо большое", "thanks"), ("Рахмет, түсінікті", "thanks"),
    ("rahmet", "thanks"), ("спс бот", "thanks"), ("ок, спасибо", "ack"), ("понятно спасибо", "ack"),
    ("здраствуйте", "greeting"), ("салеметсиз бе", "greeting"), ("hellooo", "greeting"),
    ("Привет, подскажите", "greeting"),
    ("досвидания", "bye"), ("sau bolynyz", "bye"), ("who r u", "who"), ("ты кто такой вообще", "who"),
    ("you're useless", "insult"),
])
def test_small_talk_as_people_type_it(recognizer, text, kind):
    found = recognizer.recognise(text)
    assert found is not None and found.kind == kind, found


@pytest.mark.parametrize("text", [
    "акимат", "что такое акимат", "akimat degen ne ozi",  # "акимат" is one letter from "ақымақ" (idiot)
    "что умеет этот бот",  # bot.about's phrasing: one letter from "что ты умеешь", but the entry's words win
    "ясли", "салат", "спасибо, а как подать жалобу?", "привет как найти своего депутата маслихата",
    "бот маслихат", "помощь", "", "🙏", "спасибо " * 13,
])
def test_questions_and_knowledge_base_words_are_not_small_talk(recognizer, text):
    assert recognizer.recognise(text) is None


def test_one_typo_only_in_longer_phrases():
    talk = SmallTalk({"thanks": {lang: SmallTalkText(("спасибо", "спс"), "ok") for lang in ("kk", "ru", "en")}})
    recognizer = Recognizer(dataclasses.replace(_empty_kb(), small_talk=talk))
    assert recognizer.recognise("спасибл").kind == "thanks"  # one letter in seven
    assert recognizer.recognise("спасиюл") is None  # two
    assert recognizer.recognise("спм") is None  # a short phrase must be exact


def _empty_kb():
    from bot.core.knowledge.loader import KnowledgeBase

    return KnowledgeBase()


# ---- in the conversation ----------------------------------------------------------------------
def test_small_talk_gets_the_reply_in_the_residents_language_and_no_gap(conversation, db, kb):
    kazakh = Person("tg:11", "telegram", "kk")
    (reply,) = conversation.ask(kazakh, "ок")  # "ок" is ack in all three languages: the resident's
    assert (reply.outcome, reply.lang, reply.text) == ("small_talk", "kk", kb.small_talk.reply("ack", "kk"))
    (reply,) = conversation.ask(kazakh, "спасибо большое")  # only Russian: answered in Russian
    assert (reply.lang, reply.text) == ("ru", kb.small_talk.reply("thanks", "ru"))
    assert reply.buttons == () and list(db["gaps"].rows) == [] and list(db["question_stats"].rows) == []


def test_the_knowledge_base_answers_before_small_talk(conversation, resident):
    (reply,) = conversation.ask(resident, "что умеет этот бот")  # a phrasing of bot.about
    assert (reply.outcome, reply.entry_id) == ("answered", "bot.about")


def test_edited_phrases_are_served_after_a_reload(conversation, resident, tmp_path, monkeypatch):
    import shutil

    from bot.core.knowledge.loader import DEFAULT_DIR

    copy = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, copy)
    text = (copy / "small_talk.toml").read_text(encoding="utf-8")
    (copy / "small_talk.toml").write_text(text.replace('"сяп",', '"сяп", "мерсибо",'), encoding="utf-8")
    assert conversation.ask(resident, "мерсибо")[0].outcome != "small_talk"
    monkeypatch.setenv("QOGAM_KNOWLEDGE_DIR", str(copy))
    assert conversation.reload() == []
    assert conversation.ask(resident, "мерсибо")[0].outcome == "small_talk"


def test_eval_small_talk_command_reports_both_files():
    import json

    from click.testing import CliRunner

    from bot.cli import main

    out = CliRunner().invoke(main, ["eval-small-talk", str(SMALL_TALK), str(NOT_SMALL_TALK), "--json"])
    assert out.exit_code == 0, out.output
    figures = json.loads(out.output)
    assert figures[str(SMALL_TALK)]["recognised"] == 1.0
    assert figures[str(NOT_SMALL_TALK)]["questions_taken_for_small_talk"] == 0.0
    bad = CliRunner().invoke(main, ["eval-small-talk", str(Path(__file__))])
    assert bad.exit_code != 0 and "3 tab-separated columns" in bad.output


def test_gaps_are_untouched_by_small_talk_in_a_group(conversation):
    group = Person("tg:12", "telegram", "ru", private=False)
    assert conversation.ask(group, "спасибо")[0].outcome == "small_talk"
    assert gaps.latest(conversation.db) == []

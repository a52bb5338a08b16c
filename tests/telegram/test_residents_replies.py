"""What residents get on real text, through the real Application and the fake Bot API: small talk gets a
short reply and no gap, a question that is not ours gets the referral of its topic, an answer comes short
with "More", and "did you mean" lists its options once, as buttons. Every entry here has a short answer
(tests/conftest.py, with_shorts), as the writers are adding them."""

from __future__ import annotations

import pytest

from bot.core.curation.stats import report
from bot.core.dialogue.router import Conversation
from bot.core.knowledge.render import answer_text, no_match_text, referral_text, short_text
from bot.core.matching import policy
from bot.i18n import translator
from bot.storage import feedback, gaps
from bot.telegram.keyboards import CALLBACK_DATA_LIMIT
from tests.conftest import find_question
from tests.telegram import fakes

# A passport question as residents write it: the knowledge base lists "потерял удостоверение, как
# восстановить" in the documents topic, not this one.
PASSPORT = "Потерял паспорт, что делать?"


@pytest.fixture
def conversation(short_kb, matcher, db):
    return Conversation(short_kb, matcher, db)


def buttons(params: dict) -> list[dict]:
    markup = params.get("reply_markup") or {"inline_keyboard": []}
    return [b for row in markup["inline_keyboard"] for b in row]


def open_gaps(db) -> list:
    return gaps.with_status(db)


# ---- small talk -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, kind, lang", [
    ("Привет!", "greeting", "ru"), ("рахмет 🙏", "thanks", "kk"), ("спасибо, понятно", "thanks", "ru"),
    ("ok got it", "ack", "en"), ("сен кімсің?", "who", "kk"), ("пока", "bye", "ru"), ("тупой бот", "insult", "ru"),
])
async def test_small_talk_gets_its_reply_and_no_gap(bot, conversation, short_kb, text, kind, lang):
    [reply] = await bot.replies(fakes.message(text, language_code=lang))
    assert reply["text"] == short_kb.small_talk.reply(kind, lang)
    assert "reply_markup" not in reply or not buttons(reply)  # no 🔔, nothing to press
    assert list(conversation.db["gaps"].rows) == []
    assert report(conversation.db, days=1)["questions"] == 0  # not a question


async def test_greeting_and_who_replies_say_what_the_bot_does(short_kb):
    for kind in ("greeting", "who"):
        for lang in ("kk", "ru", "en"):
            assert "/topics" in short_kb.small_talk.reply(kind, lang), (kind, lang)


async def test_a_greeting_with_a_question_in_it_is_a_question(bot, conversation):
    [reply] = await bot.replies(fakes.message("Здравствуйте, как подать жалобу на акима?"))
    assert reply["text"] not in {conversation.kb.small_talk.reply("greeting", lang) for lang in ("kk", "ru", "en")}
    assert reply["text"].split("\n")[0] in {e.texts["ru"].title for e in conversation.kb.entries.values()} \
        or reply["text"].startswith(translator("ru").gettext("I am not sure which topic you mean. Did you mean:"))


# ---- not ours: a topic's referral -------------------------------------------------------------
async def test_a_passport_question_gets_the_documents_referral_no_bell_and_no_gap(bot, conversation):
    [reply] = await bot.replies(fakes.message(PASSPORT))
    documents = conversation.kb.out_of_scope_topics["documents"]
    assert reply["text"] == referral_text(documents, translator("ru"))
    assert "1414" in reply["text"] and "egov.kz" in reply["text"]
    assert [b["text"] for b in buttons(reply)] == [translator("ru").gettext("Not what I asked")]
    assert open_gaps(conversation.db) == []  # nothing for the editors, no promise of an answer
    figures = report(conversation.db, days=1)
    assert (figures["questions"], figures["not_ours"], figures["unanswered"]) == (1, 1, 0)
    assert figures["not_ours_by_topic"] == [{"topic": "documents", "n": 1}]


async def test_a_wrong_referral_can_still_reach_the_editors(bot, conversation):
    [reply] = await bot.replies(fakes.message(PASSPORT))
    [wrong] = buttons(reply)
    [stolen] = await bot.replies(fakes.button(wrong["callback_data"], user_id=7, language_code="en"))
    assert stolen["text"] == translator("en").gettext(
        "This button has expired. Please ask your question again or use /topics.")
    [sorry] = await bot.replies(fakes.button(wrong["callback_data"]))
    assert sorry["text"] == no_match_text(translator("ru"), logged=True)
    assert [b["text"] for b in buttons(sorry)] == [translator("ru").gettext("🔔 Notify me when answered")]
    [gap] = open_gaps(conversation.db)
    assert gap.status == gaps.REJECTED and gap.question == PASSPORT


@pytest.mark.parametrize("text, lang, topic", [
    ("курс доллара на сегодня", "ru", "reference_facts"), ("когда повысят пенсию", "ru", "social"),
    ("how do I pay my car tax", "en", "taxes_fines"), ("зейнетақы қашан көтеріледі", "kk", "social"),
])
async def test_off_topic_questions_are_referred_in_their_language(bot, conversation, text, lang, topic):
    [reply] = await bot.replies(fakes.message(text, language_code=lang))
    assert reply["text"] == referral_text(conversation.kb.out_of_scope_topics[topic], translator(lang))
    assert open_gaps(conversation.db) == []


async def test_a_question_near_no_topic_is_still_a_gap_with_the_bell(bot, conversation):
    [reply] = await bot.replies(fakes.message("расскажи анекдот про бешбармак"))  # the flat list: no topic
    assert reply["text"] == no_match_text(translator("ru"), logged=True)
    [gap] = open_gaps(conversation.db)
    assert gap.status == gaps.UNANSWERED


# ---- short answers and "More" -----------------------------------------------------------------
async def test_an_answer_comes_short_and_more_shows_the_full_one_in_place(bot, conversation, matcher):
    question, lang, decision = find_question(matcher, policy.Answer, "ru")
    entry = conversation.kb.entries[decision.entry_id]
    t = translator(lang)
    [reply] = await bot.replies(fakes.message(question, language_code=lang))
    assert reply["text"] == short_text(entry, t) and "Sources:" not in reply["text"]
    more, up, down = buttons(reply)
    assert (more["text"], up["text"], down["text"]) == (t.gettext("More"), "👍", "👎")
    assert len(more["callback_data"].encode()) <= CALLBACK_DATA_LIMIT and more["callback_data"].isascii()
    calls = await bot.send(fakes.button(more["callback_data"], language_code=lang))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    edited = calls[1].params
    assert edited["text"] == answer_text(entry, t) and t.gettext("Sources:") in edited["text"]
    # 👍 / 👎 for the same showing of the answer: a vote before and after "More" is one vote.
    answer_id = more["callback_data"].rsplit(":", 1)[1]
    assert [b["callback_data"] for b in buttons(edited)] == [f"v:{answer_id}:u", f"v:{answer_id}:d"]
    assert up["callback_data"] == f"v:{answer_id}:u:m"
    await bot.send(fakes.button(up["callback_data"], language_code=lang))
    await bot.send(fakes.button(buttons(edited)[1]["callback_data"], language_code=lang))
    assert [v["vote"] for v in feedback.for_user(conversation.db, "tg:42")] == [-1]


async def test_a_vote_on_the_short_answer_keeps_more(bot, conversation, matcher):
    question, lang, decision = find_question(matcher, policy.Answer, "en")
    [reply] = await bot.replies(fakes.message(question, language_code=lang))
    more, up, _ = buttons(reply)
    calls = await bot.send(fakes.button(up["callback_data"], language_code=lang))
    [kept] = [c.params for c in calls if c.method == "editMessageReplyMarkup"]
    assert [b["callback_data"] for b in buttons(kept)] == [more["callback_data"]]
    assert [c.params["text"] for c in calls if c.method == "sendMessage"] == [translator(lang).gettext("Thank you!")]
    calls = await bot.send(fakes.button(more["callback_data"], language_code=lang))
    [edited] = [c.params for c in calls if c.method == "editMessageText"]
    assert edited["text"] == answer_text(conversation.kb.entries[decision.entry_id], translator(lang))


@pytest.mark.parametrize("data", [
    "m:akim.role", "m:no.such.entry:ru", "m:akim.role:de", "m:akim.role:ru:abc", "m:akim.role:ru:999999",
    "m:akim.role:ru:1:2", "m:" + "я" * 30 + ":ru",
])
async def test_a_forged_more_button_has_expired(bot, data):
    [reply] = await bot.replies(fakes.button(data, language_code="en"))
    assert reply["text"] == translator("en").gettext(
        "This button has expired. Please ask your question again or use /topics.")


async def test_more_with_another_entrys_answer_id_has_expired(bot, matcher):
    question, lang, _ = find_question(matcher, policy.Answer, "ru")
    [reply] = await bot.replies(fakes.message(question, language_code=lang))
    answer_id = buttons(reply)[0]["callback_data"].rsplit(":", 1)[1]
    other = "bot.about" if not reply["text"].startswith("Qogam") else "akim.role"
    [forged] = await bot.replies(fakes.button(f"m:{other}:ru:{answer_id}", language_code="en"))
    assert forged["text"].startswith(translator("en").gettext("This button has expired."))


async def test_a_deep_link_opens_the_short_answer(bot, conversation):
    entry = conversation.kb.entries["akim.role"]
    [reply] = await bot.replies(fakes.command("/start akim-role", language_code="en"))
    assert reply["text"] == short_text(entry, translator("en"))
    assert buttons(reply)[0]["callback_data"].startswith("m:akim.role:en:")


async def test_did_you_mean_shows_its_options_once_as_buttons(bot, matcher, conversation):
    question, lang, decision = find_question(matcher, policy.Suggest)
    [reply] = await bot.replies(fakes.message(question, language_code=lang))
    t = translator(lang)
    assert reply["text"] == t.gettext("I am not sure which topic you mean. Did you mean:")
    titles = [conversation.kb.entries[e].texts[lang].title for e in decision.entry_ids]
    assert [b["text"] for b in buttons(reply)] == [*titles, t.gettext("None of these")]
    assert not any(title in reply["text"] for title in titles)


# ---- inline mode ------------------------------------------------------------------------------
async def test_inline_mode_shares_the_short_answer_and_more_opens_it_for_everyone(bot, matcher, conversation):
    question, lang, decision = find_question(matcher, policy.Answer, "kk")
    entry = conversation.kb.entries[decision.entry_id]
    calls = await bot.send(fakes.inline_query(question))
    [answer] = [c.params for c in calls if c.method == "answerInlineQuery"]
    first = answer["results"][0]
    assert first["id"] == entry.id
    assert first["input_message_content"]["message_text"] == short_text(entry, translator(lang))
    more, link = buttons(first)
    assert more["callback_data"] == f"m:{entry.id}:{lang}" and link["url"].endswith(entry.id.replace(".", "-"))
    assert conversation.db["answers"].count == 0  # nothing recorded per keystroke
    # Pressed in the chat it was shared to: the message is edited in place, the link stays.
    calls = await bot.send(fakes.button(more["callback_data"], with_message=False, user_id=5))
    assert [c.method for c in calls] == ["editMessageText", "answerCallbackQuery"]
    edited = calls[0].params
    assert edited["inline_message_id"] == "inline-1" and edited["text"] == answer_text(entry, translator(lang))
    assert [b.get("url", "") for b in buttons(edited)] == [link["url"]]


# ---- the terminal chat ------------------------------------------------------------------------
def test_the_terminal_shows_more_as_a_choice_and_the_full_answer_as_a_new_message(conversation, matcher):
    import io

    from bot.console.repl import ConsoleChat

    question, lang, decision = find_question(matcher, policy.Answer, "en")
    entry = conversation.kb.entries[decision.entry_id]
    out = io.StringIO()
    chat = ConsoleChat(conversation, out)
    chat.show(chat.handle(question))
    assert out.getvalue().startswith(short_text(entry, translator(lang)))
    assert f"[1] {translator(lang).gettext('More')}" in out.getvalue()
    out.seek(0)
    out.truncate()
    chat.show(chat.handle("1"))
    assert out.getvalue().startswith(answer_text(entry, translator(lang)))
    chat.show(chat.handle("спасибо"))
    assert conversation.kb.small_talk.reply("thanks", "ru") in out.getvalue()


def test_every_more_button_fits_telegram(conversation, short_kb, resident):
    data = [b.data for eid in short_kb.entries for r in conversation.press(resident, f"e:{eid}")
            for row in r.buttons for b in row]
    more = [d for d in data if d.startswith("m:")]
    assert len(more) == len(short_kb.entries)
    assert max(len(d.encode()) for d in more) <= CALLBACK_DATA_LIMIT and all(d.isascii() for d in more)

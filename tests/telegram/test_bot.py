"""The Telegram bot as residents meet it: updates through the real Application, Bot API calls recorded."""

from __future__ import annotations

import json
import logging

import pytest

from bot.core.knowledge.render import first_answer_text, no_match_text
from bot.core.matching import policy
from bot.core.replies import Button, Reply
from bot.i18n import LANGUAGES, translator
from bot.storage import feedback, gaps, inbox, users
from bot.telegram.keyboards import CALLBACK_DATA_LIMIT, chunks
from tests.conftest import find_question
from tests.telegram import fakes


def buttons(params: dict) -> list[dict]:
    markup = params.get("reply_markup") or {"inline_keyboard": []}
    return [b for row in markup["inline_keyboard"] for b in row]


# ---- /start, language, commands ----------------------------------------------------------------
async def test_start_greets_in_the_client_language_and_offers_languages(bot):
    [reply] = await bot.replies(fakes.command("/start", language_code="ru"))
    assert reply["text"].startswith(
        translator("ru").gettext("Hello! I am Qogam, a guide to local government in Kazakhstan."))
    assert [b["callback_data"] for b in buttons(reply)] == [f"l:{lang}" for lang in LANGUAGES]
    assert "parse_mode" not in reply  # plain text: no content can break a parser


async def test_start_in_an_unknown_client_language_is_kazakh(bot):
    [reply] = await bot.replies(fakes.command("/start", language_code="de"))
    assert reply["text"].startswith(
        translator("kk").gettext("Hello! I am Qogam, a guide to local government in Kazakhstan."))


async def test_language_button_is_saved_and_closes_the_picker(bot, conversation):
    calls = await bot.send(fakes.button("l:en", user_id=7))
    methods = [c.method for c in calls]
    assert methods[0] == "answerCallbackQuery"
    assert "editMessageReplyMarkup" in methods
    assert users.get_language(conversation.db, "tg:7") == "en"
    [reply] = await bot.replies(fakes.command("/help", user_id=7, language_code="ru"))
    assert translator("en").gettext("/topics — browse topics") in reply["text"]


async def test_deep_link_opens_an_entry_and_a_category(bot, kb):
    entry = next(iter(kb.entries.values()))
    [reply] = await bot.replies(fakes.command(f"/start {entry.id.replace('.', '-')}", language_code="en"))
    assert reply["text"] == first_answer_text(entry, translator("en"))
    category = next(c for c in kb.categories.values() if kb.in_category(c.id))
    [reply] = await bot.replies(fakes.command(f"/start {category.id}", language_code="kk"))
    assert reply["text"] == category.names["kk"]


async def test_unknown_deep_link_falls_back_to_the_greeting(bot):
    [reply] = await bot.replies(fakes.command("/start " + "x" * 64, language_code="en"))
    assert reply["text"].startswith(
        translator("en").gettext("Hello! I am Qogam, a guide to local government in Kazakhstan."))


@pytest.mark.parametrize("name", ["help", "topics", "language", "about", "mydata", "forget"])
async def test_every_command_answers(bot, name):
    [reply] = await bot.replies(fakes.command(f"/{name}", language_code="kk"))
    assert reply["text"].strip()


async def test_unknown_command_in_private_says_so(bot):
    [reply] = await bot.replies(fakes.command("/weather", language_code="en"))
    assert (reply["text"]
            == translator("en").gettext("I don't know the command /{command}. See /help.", command="weather"))


# ---- questions --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_question_gets_the_answer_in_its_language_with_votes(bot, matcher, kb, lang):
    question, _, decision = find_question(matcher, policy.Answer, lang)
    other = next(code for code in LANGUAGES if code != lang)
    [reply] = await bot.replies(fakes.message(question, language_code=other))
    assert reply["text"] == first_answer_text(kb.entries[decision.entry_id], translator(lang))
    assert [b["text"] for b in buttons(reply)] == [translator(lang).gettext("More"), "👍", "👎"]
    assert reply["link_preview_options"] == {"is_disabled": True}


async def test_suggestions_then_a_pick_opens_the_entry_and_resolves_the_gap(bot, matcher, kb, conversation):
    question, lang, decision = find_question(matcher, policy.Suggest)
    [reply] = await bot.replies(fakes.message(question))
    data = [b["callback_data"] for b in buttons(reply)]
    assert len(data) == len(decision.entry_ids) + 1 and data[-1].startswith("x:")
    [picked] = await bot.replies(fakes.button(data[0]))
    assert picked["text"] == first_answer_text(kb.entries[decision.entry_ids[0]], translator(lang))
    gap_id = int(data[0].split(":")[1])
    gap, _ = gaps.get(conversation.db, gap_id)
    assert gap.status == gaps.RESOLVED and gap.chosen_entry == decision.entry_ids[0]


async def test_none_of_these_logs_the_gap_for_editors(bot, matcher, conversation):
    question, lang, _ = find_question(matcher, policy.Suggest)
    [reply] = await bot.replies(fakes.message(question))
    none = buttons(reply)[-1]["callback_data"]
    [answer] = await bot.replies(fakes.button(none))
    assert answer["text"] == no_match_text(translator(lang), logged=True)
    assert [g.status for g in gaps.latest(conversation.db)] == [gaps.REJECTED]


async def test_out_of_scope_question_is_logged_redacted(bot, conversation):
    text = "Расскажи анекдот про акима. Мой телефон +7 701 123 45 67"  # near no topic: a gap, with 🔔
    [reply] = await bot.replies(fakes.message(text))
    assert reply["text"] == no_match_text(translator("ru"), logged=True)
    [gap] = gaps.latest(conversation.db)
    assert gap.channel == "telegram" and "701" not in gap.question


async def test_thumbs_down_asks_for_a_reason_and_records_it(bot, matcher, conversation):
    question, _, decision = find_question(matcher, policy.Answer, "ru")
    [answer] = await bot.replies(fakes.message(question))
    down = buttons(answer)[-1]["callback_data"]  # 👎, after "More"
    calls = await bot.send(fakes.button(down))
    assert "editMessageReplyMarkup" in [c.method for c in calls]  # one vote per answer (More stays)
    [reasons] = [c.params for c in calls if c.method == "sendMessage"]
    outdated = next(b["callback_data"] for b in buttons(reasons) if b["callback_data"].endswith(":o"))
    calls = await bot.send(fakes.button(outdated))
    [edit] = [c.params for c in calls if c.method == "editMessageText"]
    assert edit["text"] == translator("ru").gettext("Thank you, the editors will look at this answer.")
    [vote] = feedback.for_user(conversation.db, "tg:42")
    assert (vote["entry_id"], vote["vote"], vote["reason"]) == (decision.entry_id, -1, "outdated")


async def test_topics_page_in_place(bot, kb):
    calls = await bot.send(fakes.button("t:0"))
    [edit] = [c.params for c in calls if c.method == "editMessageText"]
    category = buttons(edit)[0]["callback_data"]
    calls = await bot.send(fakes.button(category))
    [edit] = [c.params for c in calls if c.method == "editMessageText"]
    entry_data = buttons(edit)[0]["callback_data"]
    [reply] = await bot.replies(fakes.button(entry_data))
    assert reply["text"] == first_answer_text(kb.entries[entry_data[2:]], translator("ru"))


async def test_every_button_the_bot_can_show_fits_telegram(conversation, kb, resident):
    replies = conversation.topics(resident) + [r for c in kb.categories for p in range(3)
                                               for r in conversation.category(resident, c, p)]
    replies += [r for e in kb.entries for r in conversation.press(resident, f"e:{e}")]
    replies += conversation.start(resident) + conversation.forget(resident)
    data = [b.data for r in replies for row in r.buttons for b in row]
    assert len(data) > len(kb.entries)
    assert max(len(d.encode()) for d in data) <= CALLBACK_DATA_LIMIT


# ---- odd input --------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [
    "", "zzz", "e:no.such.entry", "s:999999:akim.role", "s:abc:def", "x:-1", "r:1:w", "v:akim.role:x",
    "t:abc", "s:99999999999999999999999:akim.role", "c:../../etc:0", "l:de", "forget:now", "e:" + "я" * 30,
])
async def test_forged_button_data_gets_a_polite_reply(bot, data):
    [reply] = await bot.replies(fakes.button(data, language_code="en"))
    assert reply["text"] == translator("en").gettext(
        "This button has expired. Please ask your question again or use /topics.")


async def test_someone_elses_suggestion_button_is_expired(bot, matcher):
    question, _, _ = find_question(matcher, policy.Suggest)
    [reply] = await bot.replies(fakes.message(question, user_id=1))
    [stolen] = await bot.replies(fakes.button(buttons(reply)[0]["callback_data"], user_id=2, language_code="en"))
    assert stolen["text"].startswith(translator("en").gettext(
        "This button has expired. Please ask your question again or use /topics."))


async def test_button_without_a_message_answers_with_an_alert(bot):
    calls = await bot.send(fakes.button("zzz", with_message=False, language_code="en"))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["show_alert"] is True and calls[0].params["text"]


@pytest.mark.parametrize("text", [
    "x" * 10_000, "😀" * 500, "\u200b\u200b\u200b", "\x00\x07 акимат \x1b[31m", "\u202e масличат \u202c", "   ",
])
async def test_odd_text_gets_a_reply_under_the_limit(bot, text):
    replies = await bot.replies(fakes.message(text))
    assert replies and all(0 < len(r["text"]) <= 4096 for r in replies)


@pytest.mark.parametrize("extra", [
    {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                 "is_animated": False, "is_video": False}},
    {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
    {"location": {"latitude": 43.2, "longitude": 76.9}},
])
async def test_non_text_messages_in_private_say_what_the_bot_reads(bot, extra):
    [reply] = await bot.replies(fakes.message(None, language_code="en", **extra))
    assert reply["text"] == translator("en").gettext(
        "I can only read text. Please write your question in words, or browse /topics.")


async def test_a_captioned_photo_is_answered_by_its_caption(bot, matcher, kb):
    question, lang, decision = find_question(matcher, policy.Answer, "ru")
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    [reply] = await bot.replies(fakes.message(None, photo=photo, caption=question))
    assert reply["text"] == first_answer_text(kb.entries[decision.entry_id], translator(lang))


async def test_edited_messages_and_block_notices_are_silent(bot):
    assert await bot.send(fakes.message("кто такой аким?", edited=True)) == []
    assert await bot.send(fakes.blocked()) == []


def test_long_replies_are_split_with_buttons_on_the_last_part():
    reply = Reply("абв " * 3000, ((Button("👍", "v:x:u"),),))
    parts = chunks(reply)
    assert len(parts) == 3 and all(len(text) <= 4096 for text, _ in parts)
    assert [markup is not None for _, markup in parts] == [False, False, True]
    assert " ".join(text for text, _ in parts).split() == reply.text.split()


# ---- groups -----------------------------------------------------------------------------------
async def test_group_chatter_is_ignored(bot):
    assert await bot.send(fakes.message("кто такой аким?", chat=fakes.group_chat())) == []
    assert await bot.send(fakes.command("/weather", chat=fakes.group_chat())) == []
    assert await bot.send(fakes.command("/help@other_bot", chat=fakes.group_chat())) == []
    assert await bot.send(fakes.message(None, chat=fakes.group_chat(),
                                        location={"latitude": 43.2, "longitude": 76.9})) == []


async def test_group_mention_reply_and_command_are_answered_in_thread(bot, matcher, kb):
    question, lang, decision = find_question(matcher, policy.Answer, "ru")
    mention = f"@{fakes.BOT['username']} {question}"
    update = fakes.message(mention, chat=fakes.group_chat(),
                           entities=[{"type": "mention", "offset": 0, "length": len(fakes.BOT["username"]) + 1}])
    [reply] = await bot.replies(update)
    assert reply["text"] == first_answer_text(kb.entries[decision.entry_id], translator(lang))
    assert reply["reply_parameters"]["message_id"] == update["message"]["message_id"]

    to_bot = {"message_id": 1, "date": 0, "chat": fakes.group_chat(), "from": fakes.BOT, "text": "…"}
    [reply] = await bot.replies(fakes.message(question, chat=fakes.group_chat(), reply_to_message=to_bot))
    assert reply["text"] == first_answer_text(kb.entries[decision.entry_id], translator(lang))

    for text in ("/help", f"/help@{fakes.BOT['username']}"):
        [reply] = await bot.replies(fakes.command(text, chat=fakes.group_chat(), language_code="en"))
        assert translator("en").gettext("/topics — browse topics") in reply["text"]


# ---- inline mode ------------------------------------------------------------------------------
async def test_inline_query_offers_answers_to_share(bot, matcher, kb):
    question, lang, decision = find_question(matcher, policy.Answer, "kk")
    calls = await bot.send(fakes.inline_query(question))
    [answer] = [c.params for c in calls if c.method == "answerInlineQuery"]
    results = answer["results"]
    assert results[0]["id"] == decision.entry_id
    assert results[0]["input_message_content"]["message_text"] == first_answer_text(kb.entries[decision.entry_id],
                                                                               translator(lang))
    # "More" (the full answer, edited into the shared message) and the link to ask the bot oneself.
    more, link = [b for row in results[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert more["callback_data"] == f"m:{decision.entry_id}:{lang}"
    assert link["url"].endswith("?start=" + decision.entry_id.replace(".", "-"))


async def test_inline_query_that_is_empty_or_off_topic_offers_nothing(bot, conversation):
    for text in ("", "😀😀", "какая погода завтра"):
        calls = await bot.send(fakes.inline_query(text))
        [answer] = [c.params for c in calls if c.method == "answerInlineQuery"]
        assert answer["results"] == []
    assert gaps.latest(conversation.db) == []  # half-typed queries are not logged


async def test_a_resident_flooding_inline_queries_is_slowed_and_typing_is_not(bot, conversation, monkeypatch):
    matched = []
    shareable = conversation.shareable
    monkeypatch.setattr(conversation, "shareable", lambda person, text: matched.append(text) or shareable(person, text))
    answers = []
    for n in range(30):  # a script, not a person: 30 queries at one instant
        calls = await bot.send(fakes.inline_query("что такое маслихат"[:n % 18 + 1], user_id=8))
        answers += [c.params for c in calls if c.method == "answerInlineQuery"]
    assert len(matched) == 20  # the inline bucket holds 20; the rest cost no match
    refused = answers[20:]
    assert len(answers) == 21 and refused[0]["results"] == [] and refused[0]["cache_time"] == 0
    assert refused[0]["button"]["text"] == translator("ru").gettext("Too fast: wait a few seconds")
    # A neighbour is unaffected, and the flooder's own messages have their own bucket.
    calls = await bot.send(fakes.inline_query("что такое маслихат", user_id=9))
    assert next(c.params["results"] for c in calls if c.method == "answerInlineQuery")
    assert await bot.replies(fakes.message("что такое маслихат?", user_id=8))
    # Someone typing a long question, about two queries a second for 20 s, is never slowed.
    matched.clear()
    text = "кто утверждает бюджет села и как жители могут участвовать в его обсуждении"
    for n in range(40):
        bot.clock.advance(0.5)
        await bot.send(fakes.inline_query(text[:n + 20], user_id=10))
    assert len(matched) == 40


# ---- flood, errors, logs ----------------------------------------------------------------------
async def test_a_flooding_resident_is_slowed_and_others_are_not(bot):
    texts = []
    for _ in range(25):
        texts += [r["text"] for r in await bot.replies(fakes.message("что такое маслихат?", user_id=5))]
    slow = translator("ru").gettext(
        "You are sending messages very quickly. Please wait a few seconds, then ask again.")
    assert texts.count(slow) == 1 and len(texts) == 11  # 10 answered, one notice, then silence
    assert await bot.replies(fakes.message("что такое маслихат?", user_id=6))  # a neighbour is unaffected
    bot.clock.advance(5)
    assert await bot.replies(fakes.message("что такое маслихат?", user_id=5))  # after a pause, answered again


async def test_a_failing_handler_is_tried_3_times_then_set_aside_with_one_apology(bot, conversation,
                                                                                  monkeypatch, caplog):
    bot.expect_errors = True

    def broken(person, text):
        raise RuntimeError(f"boom: {text}")  # an error message that quotes the resident

    monkeypatch.setattr(conversation, "ask", broken)
    update = fakes.message("что такое маслихат?", language_code="en")
    with caplog.at_level(logging.DEBUG, logger="bot.telegram"):
        [apology] = await bot.replies(update)
    assert apology["text"] == translator("en").gettext(
        "Sorry, something went wrong on my side. Please try again in a minute.")
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    logged = record.getMessage()
    assert f"update={update['update_id']}" in logged and "outcome=set_aside" in logged
    assert "Traceback" in logged and "RuntimeError" in logged and "line" in logged
    assert "маслихат" not in caplog.text  # the traceback without the error's message
    assert [type(e) for e in bot.errors] == [RuntimeError] * 3
    [failed] = inbox.failed(conversation.db)
    assert (failed["update_id"], failed["stage"], failed["error"], failed["attempts"]) == (
        update["update_id"], "handle", "RuntimeError", 3)
    assert conversation.db.execute("select payload from inbox where update_id = ?",
                                   [update["update_id"]]).fetchone() == (None,)
    monkeypatch.undo()
    assert await bot.replies(fakes.command("/help"))


async def test_a_blocked_resident_is_logged_without_an_apology(bot, caplog):
    bot.expect_errors = True
    bot.api.failures["sendMessage"] = (403, "Forbidden: bot was blocked by the user")
    with caplog.at_level(logging.INFO, logger="bot.telegram"):
        calls = await bot.send(fakes.command("/help"))
    assert [c.method for c in calls] == ["sendMessage"]  # no second attempt, no apology
    assert any("outcome=forbidden" in r.getMessage() for r in caplog.records)


async def test_one_log_line_per_update_without_the_text(bot, caplog):
    secret = "мой ИИН 900101300123 кто такой аким"
    with caplog.at_level(logging.INFO, logger="bot.telegram"):
        await bot.send(fakes.message(secret))
        await bot.send(fakes.message("hello", chat=fakes.group_chat()))
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.telegram"]
    assert len(lines) == 2
    assert "outcome=" in lines[0] and "score=" in lines[0] and "ms=" in lines[0]
    assert "outcome=ignored" in lines[1]
    assert not any("900101300123" in line or "аким" in line for line in lines)


async def test_menus_are_set_for_each_language(bot):
    from bot.telegram.app import set_menus

    await set_menus(bot.application)
    menus = {c.params.get("language_code"): c.params["commands"] for c in bot.api.calls
             if c.method == "setMyCommands"}
    assert set(menus) == {None, "kk", "ru", "en"}
    assert menus[None] == menus["kk"]
    assert {c["command"] for c in menus["ru"]} == {"start", "topics", "subscribe", "subscriptions", "language",
                                                   "help", "about", "mydata", "forget"}
    assert "roles" not in {c["command"] for c in menus["ru"]}  # privileged commands are never listed
    assert menus["ru"][1]["description"] == translator("ru").gettext("Browse topics")
    assert json.dumps(menus["kk"], ensure_ascii=False) != json.dumps(menus["en"], ensure_ascii=False)


async def test_an_answer_shared_through_inline_mode_is_not_a_question(bot):
    shared = fakes.message("Маслихат\n\nМаслихат – выборный орган", via_bot=fakes.BOT)
    assert await bot.send(shared) == []


# ---- parity with the terminal chat --------------------------------------------------------------
async def test_terminal_chat_says_what_telegram_says(bot, conversation, matcher):
    from bot.console.repl import ConsoleChat
    from bot.core.replies import Person

    console = ConsoleChat(conversation)
    console.person = Person("console:77", "console", "en")  # a fresh resident whose app speaks English
    answered, _, _ = find_question(matcher, policy.Answer, "kk")
    unsure, _, _ = find_question(matcher, policy.Suggest)
    for line in ("/start", "/help", answered, unsure, "/topics", "/nonsense", "/mydata"):
        expected = [r.text for r in console.handle(line)]
        update = fakes.command(line, user_id=78, language_code="en") if line.startswith("/") \
            else fakes.message(line, user_id=78, language_code="en")
        got = [r["text"] for r in await bot.replies(update)]
        assert got == expected, line


async def test_a_button_on_a_message_too_old_to_edit_replies_anew(bot, kb):
    entry = next(iter(kb.entries))
    update = fakes.button(f"e:{entry}", language_code="en")
    update["callback_query"]["message"] = {"chat": fakes.private_chat(), "message_id": 5, "date": 0}
    calls = await bot.send(update)
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert calls[1].params["text"] == first_answer_text(kb.entries[entry], translator("en"))
    update = fakes.button("t:0", language_code="en")  # paging would edit; an old message is answered anew
    update["callback_query"]["message"] = {"chat": fakes.private_chat(), "message_id": 5, "date": 0}
    assert [c.method for c in await bot.send(update)] == ["answerCallbackQuery", "sendMessage"]


async def test_command_argument_after_a_line_break(bot, kb):
    entry = next(iter(kb.entries))
    [reply] = await bot.replies(fakes.command(f"/start\n{entry.replace('.', '-')}", language_code="en"))
    assert reply["text"] == first_answer_text(kb.entries[entry], translator("en"))


async def test_descriptions_fit_telegram_limits(bot):
    from bot.telegram.app import set_menus

    await set_menus(bot.application)
    short = [c.params["short_description"] for c in bot.api.calls if c.method == "setMyShortDescription"]
    long = [c.params["description"] for c in bot.api.calls if c.method == "setMyDescription"]
    assert len(short) == len(long) == 4
    assert max(map(len, short)) <= 120 and max(map(len, long)) <= 512  # Bot API limits
    commands = [c for call in bot.api.calls if call.method == "setMyCommands" for c in call.params["commands"]]
    assert all(1 <= len(c["description"]) <= 256 for c in commands)

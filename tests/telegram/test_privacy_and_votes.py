"""Votes name an answer the resident was shown; personal screens stay in the private chat; long replies fit
Telegram's limit as Telegram counts it (issue 11, parts 5 and 9)."""

from __future__ import annotations

from bot.core.knowledge.render import split_message, utf16_length
from bot.core.matching import policy
from bot.i18n import translator
from bot.storage import feedback, gaps
from tests.conftest import find_question
from tests.telegram import fakes

EXPIRED = "This button has expired. Please ask your question again or use /topics."
PERSONAL = "This is personal: write to me privately."


def buttons(params: dict) -> list[dict]:
    markup = params.get("reply_markup") or {"inline_keyboard": []}
    return [b for row in markup["inline_keyboard"] for b in row]


async def answer_with_votes(bot, matcher, user_id: int = 42, **kwargs) -> tuple[str, str, str]:
    """Ask a question the bot answers; return (entry id, 👍 data, 👎 data)."""
    question, _, decision = find_question(matcher, policy.Answer, "ru")
    [reply] = await bot.replies(fakes.message(question, user_id=user_id, **kwargs))
    up, down = (b["callback_data"] for b in buttons(reply)[-2:])  # after "More" when the answer came short
    return decision.entry_id, up, down


async def press(bot, data: str, **kwargs) -> list:
    bot.clock.advance(2)  # a resident pressing at a human pace, not a flood
    return await bot.send(fakes.button(data, **kwargs))


# ---- votes ------------------------------------------------------------------------------------
async def test_vote_buttons_name_the_answer_shown(bot, matcher, conversation):
    entry_id, up, down = await answer_with_votes(bot, matcher)
    [shown] = conversation.db["answers"].rows
    # ":m": the votes under a short answer, whose vote keeps "More" beside it.
    assert (up, down) == (f"v:{shown['id']}:u:m", f"v:{shown['id']}:d:m")
    assert (shown["user_key"], shown["entry_id"]) == ("tg:42", entry_id)


async def test_the_same_thumbs_up_pressed_8_times_is_one_vote(bot, matcher, conversation):
    entry_id, up, _ = await answer_with_votes(bot, matcher)
    for _ in range(8):
        calls = await press(bot, up)
        assert ([c.params["text"] for c in calls if c.method == "sendMessage"]
                == [translator("ru").gettext("Thank you!")])
    assert [(v["entry_id"], v["vote"]) for v in feedback.for_user(conversation.db, "tg:42")] == [(entry_id, 1)]


async def test_thumbs_up_then_down_changes_the_vote(bot, matcher, conversation):
    entry_id, up, down = await answer_with_votes(bot, matcher)
    await press(bot, up)
    calls = await press(bot, down)
    [reasons] = [c.params for c in calls if c.method == "sendMessage"]
    assert len(buttons(reasons)) == 3  # the 👎 asks why, as a first 👎 does
    [vote] = feedback.for_user(conversation.db, "tg:42")
    assert (vote["entry_id"], vote["vote"]) == (entry_id, -1)


async def test_a_forged_vote_on_another_residents_answer_is_expired_and_not_stored(bot, matcher, conversation):
    _, up, down = await answer_with_votes(bot, matcher, user_id=1)
    for data in (up, down):
        calls = await press(bot, data, user_id=2, language_code="en")
        assert [c.params["text"] for c in calls if c.method == "sendMessage"] == [translator("en").gettext(EXPIRED)]
    assert conversation.db["feedback"].count == 0


async def test_a_vote_for_an_entry_never_shown_is_expired_and_not_stored(bot, matcher, conversation, kb):
    entry_id, _, _ = await answer_with_votes(bot, matcher)
    never_shown = next(e for e in kb.entries if e != entry_id)
    # Old buttons (before answers were recorded) carried the entry id: expired, like any forged one.
    for data in (f"v:{never_shown}:u", f"v:{entry_id}:u", f"v:{entry_id}:d", "v:99999:u", "v:" + "9" * 30 + ":u"):
        [reply] = [c.params for c in await press(bot, data, language_code="en") if c.method == "sendMessage"]
        assert reply["text"] == translator("en").gettext(EXPIRED), data
    assert conversation.db["feedback"].count == 0


async def test_in_a_group_only_the_asker_votes_on_their_answer(bot, matcher, conversation):
    mention = f"@{fakes.BOT['username']} "
    question, _, _ = find_question(matcher, policy.Answer, "ru")
    update = fakes.message(mention + question, chat=fakes.group_chat(),
                           entities=[{"type": "mention", "offset": 0, "length": len(mention) - 1}])
    [reply] = await bot.replies(update)
    up = buttons(reply)[-2]["callback_data"]  # 👍, after "More"
    calls = await press(bot, up, user_id=7, chat=fakes.group_chat(), language_code="en")
    assert [c.params["text"] for c in calls if c.method == "sendMessage"] == [translator("en").gettext(EXPIRED)]
    await press(bot, up, chat=fakes.group_chat())
    assert [v["vote"] for v in feedback.for_user(conversation.db, "tg:42")] == [1]


async def test_inline_answers_record_no_answer_shown(bot, matcher, conversation):
    question, _, _ = find_question(matcher, policy.Answer, "kk")
    calls = await bot.send(fakes.inline_query(question))
    [answer] = [c.params for c in calls if c.method == "answerInlineQuery"]
    assert answer["results"]
    assert conversation.db["answers"].count == 0


# ---- private things stay private --------------------------------------------------------------
SECRET = "Какая погода завтра? Паспорт N12345678, спросить у соседа Ерлана"


async def ask_privately_what_is_stored(bot, conversation) -> list[str]:
    await bot.replies(fakes.message(SECRET))
    stored = [g.question for g in gaps.for_user(conversation.db, "tg:42")]
    assert stored  # the question is kept (redacted) for the resident to see in private
    return stored


def assert_points_to_the_private_chat(sent: list[dict], payload: str, lang: str = "ru") -> None:
    [reply] = sent
    assert reply["text"] == translator(lang).gettext(PERSONAL)
    [link] = buttons(reply)
    assert link["url"] == f"https://t.me/{fakes.BOT['username']}?start={payload}"
    assert "callback_data" not in link


async def test_mydata_in_a_group_shows_nothing_and_links_to_the_private_chat(bot, conversation):
    stored = await ask_privately_what_is_stored(bot, conversation)
    for text in ("/mydata", f"/mydata@{fakes.BOT['username']}"):
        bot.clock.advance(2)
        calls = await bot.send(fakes.command(text, chat=fakes.group_chat()))
        sent = [c.params for c in calls if c.method == "sendMessage"]
        assert not any(s in p["text"] or "12345678" in p["text"] for p in sent for s in stored)
        assert_points_to_the_private_chat(sent, "mydata")
    # The link sends /start mydata in the private chat: the data is shown there.
    bot.clock.advance(2)
    [mine] = await bot.replies(fakes.command("/start mydata"))
    assert all(s in mine["text"] for s in stored)


async def test_forget_in_a_group_deletes_nothing_and_links_to_the_private_chat(bot, conversation):
    await ask_privately_what_is_stored(bot, conversation)
    bot.clock.advance(2)
    assert_points_to_the_private_chat(await bot.replies(fakes.command("/forget", chat=fakes.group_chat())), "forget")
    # A confirmation button pressed in a group (an old message) does not delete either.
    calls = await press(bot, "forget", chat=fakes.group_chat())
    assert_points_to_the_private_chat([c.params for c in calls if c.method == "sendMessage"], "forget")
    assert gaps.for_user(conversation.db, "tg:42")
    bot.clock.advance(2)
    [confirm] = await bot.replies(fakes.command("/start forget"))
    assert [b["callback_data"] for b in buttons(confirm)] == ["forget"]


async def test_subscriptions_in_a_group_link_to_the_private_chat(bot):
    sent = await bot.replies(fakes.command(f"/subscriptions@{fakes.BOT['username']}", chat=fakes.group_chat(),
                                           language_code="kk"))
    assert_points_to_the_private_chat(sent, "subscriptions", "kk")


# ---- Telegram counts UTF-16 code units --------------------------------------------------------
async def test_long_mydata_is_split_within_4096_utf16_units(bot, conversation):
    # Ten stored questions of 1,000 characters, nine in ten an emoji (2 UTF-16 units each): about 19,000
    # units, which parts of 4,096 code points would overrun.
    question = ("😀" * 9 + " ") * 100
    for _ in range(10):
        gaps.record(conversation.db, user_key="tg:42", channel="telegram", lang="ru", question=question,
                    status=gaps.UNANSWERED, candidates=[])
    parts = [p["text"] for p in await bot.replies(fakes.command("/mydata"))]
    assert len(parts) >= 5
    assert all(0 < utf16_length(p) <= 4096 for p in parts)
    assert sum(p.count("😀") for p in parts) == 9000  # nothing lost at the cuts


def test_split_message_counts_utf16_units():
    assert split_message("😀" * 4096) == ["😀" * 2048, "😀" * 2048]  # no spaces: cut between characters
    text = "а😀 " * 3000
    parts = split_message(text)
    assert all(utf16_length(p) <= 4096 for p in parts) and " ".join(parts).split() == text.split()
    assert split_message("😀" * 2048) == ["😀" * 2048]  # exactly the limit: one message
    assert split_message(" " * 5000 + "a") == ["a"]  # a run of spaces makes no empty message

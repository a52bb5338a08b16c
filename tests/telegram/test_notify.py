""""Notify me when answered" through the real Application and the sender `qogam run` starts, with a
fake Bot API at the HTTP boundary: a resident asks what the bot cannot answer, presses 🔔, the editors
answer the question, and the resident gets one message with the answer."""

from __future__ import annotations

from bot.core.knowledge.render import answer_text
from bot.core.matching import policy
from bot.i18n import translator
from bot.storage import gaps, notifications
from bot.storage.db import transaction
from tests.conftest import find_question
from tests.telegram import fakes

ENTRY = "akim.role"


def keyboard_data(params: dict) -> list[str]:
    return [b["callback_data"] for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_a_resident_is_told_once_when_the_editors_answer_their_question(bot, conversation, matcher, kb):
    question, _, _ = find_question(matcher, policy.NoMatch, "ru")
    [no_answer] = await bot.replies(fakes.message(question))
    [bell] = keyboard_data(no_answer)
    gap_id = int(bell.removeprefix("n:"))

    bot.clock.advance(2)  # a human pace, not a flood
    calls = await bot.send(fakes.button(bell))
    ru = translator("ru")
    assert [c.params["text"] for c in calls if c.method == "sendMessage"] == [
        ru.gettext("I will write to you once when the editors add an answer. /forget deletes this too.")]
    assert "editMessageReplyMarkup" in [c.method for c in calls]  # the 🔔 is gone from the question's reply

    with transaction(conversation.db):  # the editors add the question as a phrasing of an entry
        assert notifications.queue_for_gaps(conversation.db, [gap_id], ENTRY) == 1
    bot.api.clear()
    await bot.sender.drain()
    [told] = bot.api.sent()
    gap, _ = gaps.get(conversation.db, gap_id)
    assert gap.lang == "ru" and told["chat_id"] == 42
    assert told["text"] == "\n\n".join([ru.gettext("There is now an answer to a question you asked:"),
                                        answer_text(kb.entries[ENTRY], ru)])
    assert await bot.sender.drain() == 0 and len(bot.api.sent()) == 1

"""The editors' loop through the real Application and a fake Bot API: an editor sees today's clusters,
adds one as a phrasing, the same question is then answered, and the resident who asked to be told gets
the answer; /reload, /stats, and what non-editors see."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import roles
from bot.i18n import translator
from bot.storage import audit, gaps, learning
from bot.telegram.app import _knowledge_watch, reload_knowledge
from tests.telegram import fakes

EDITOR = 555
QUESTION = "как узнать номер секретаря акима района"


def keyboard(params: dict) -> list[tuple[str, str]]:
    return [(b["text"], b.get("callback_data", "")) for row in (params.get("reply_markup") or {})
            .get("inline_keyboard", []) for b in row]


@pytest.fixture
def editor(conversation):
    roles.grant(conversation.db, conversation.areas, f"tg:{EDITOR}", roles.EDITOR, None, by="cli:test")
    return EDITOR


async def ask_unanswered(bot, user_id: int) -> int:
    """The resident asks; the bot suggests; "None of these"; then 🔔. Returns the gap id."""
    [suggested] = await bot.replies(fakes.message(QUESTION, user_id=user_id))
    none_of_these = next(data for _, data in keyboard(suggested) if data.startswith("x:"))
    bot.clock.advance(2)
    [no_answer] = await bot.replies(fakes.button(none_of_these, user_id=user_id))
    [bell] = [data for _, data in keyboard(no_answer) if data.startswith("n:")]
    bot.clock.advance(2)
    await bot.send(fakes.button(bell, user_id=user_id))
    return int(bell[2:])


async def test_an_editor_turns_a_cluster_into_a_phrasing_and_the_resident_is_told(bot, conversation, editor):
    gap_id = await ask_unanswered(bot, 42)
    [listing] = await bot.replies(fakes.command("/gaps", user_id=editor, language_code="en"))
    assert "1 open question" in listing["text"] and QUESTION in listing["text"]
    [(_label, open_cluster), *_others] = keyboard(listing)  # then disputed answers, entries to review
    assert open_cluster == f"g:o:{gap_id}"

    calls = await bot.send(fakes.button(open_cluster, user_id=editor, language_code="en"))
    [screen] = [c.params for c in calls if c.method == "editMessageText"]
    assert QUESTION in screen["text"] and "akim.find" in screen["text"]
    actions = {data: text for text, data in keyboard(screen)}
    assert f"g:p:{gap_id}:akim.find" in actions and f"g:n:{gap_id}" in actions and f"g:i:{gap_id}" in actions
    # The title in full is in the message; the button carries its first 20 characters.
    title = conversation.kb.entries["akim.find"].texts["en"].title
    assert f"{title} (akim.find)" in screen["text"]
    assert actions[f"g:p:{gap_id}:akim.find"] == f"➕ Phrasing of: {title[:19]}…"

    calls = await bot.send(fakes.button(f"g:p:{gap_id}:akim.find", user_id=editor, language_code="en"))
    [done] = [c.params for c in calls if c.method == "editMessageText"]
    assert "Added to" in done["text"] and "1 resident asked to be told" in done["text"]
    assert audit.entries(conversation.db)[0] | {"at": None, "id": None, "detail": None} == {
        "at": None, "id": None, "detail": None, "actor": f"tg:{editor}", "action": "gaps_phrasing",
        "target": f"cluster:{gap_id}"}

    # Another resident asks the same: answered now, without a restart.
    bot.clock.advance(2)
    [answer] = await bot.replies(fakes.message(QUESTION, user_id=77))
    assert "e-Otinish" in answer["text"] or "gov.kz" in answer["text"]
    assert any(d.startswith("v:") for _, d in keyboard(answer))
    # The resident who pressed 🔔 gets the answer once, in Russian.
    bot.api.clear()
    await bot.sender.drain()
    [told] = bot.api.sent()
    assert told["chat_id"] == 42
    assert told["text"].startswith(translator("ru").gettext("There is now an answer to a question you asked:"))
    [listing] = await bot.replies(fakes.command("/gaps", user_id=editor, language_code="en"))
    assert "No open questions" in listing["text"]


async def test_ignore_and_new_entry_from_telegram(bot, conversation, editor):
    # Near no out-of-scope topic (the flat list's jokes and football), so they are gaps for editors.
    for user_id, question in ((42, "расскажи анекдот про акима"), (43, "who won the football match last night")):
        await bot.replies(fakes.message(question, user_id=user_id))
        bot.clock.advance(2)
    [first, second] = gaps.latest(conversation.db)
    calls = await bot.send(fakes.button(f"g:i:{first.id}", user_id=editor, language_code="en"))
    assert "will not be shown again" in next(c.params for c in calls if c.method == "editMessageText")["text"]
    calls = await bot.send(fakes.button(f"g:n:{second.id}", user_id=editor, language_code="en"))
    assert "qogam kb todo" in next(c.params for c in calls if c.method == "editMessageText")["text"]
    assert {gaps.get(conversation.db, g.id)[0].status for g in (first, second)} == {gaps.IGNORED, gaps.NEW_ENTRY}
    calls = await bot.send(fakes.button(f"g:i:{first.id}", user_id=editor, language_code="en"))
    assert "dealt with already" in next(c.params for c in calls if c.method == "sendMessage")["text"]


async def test_not_our_topic_from_telegram_stops_answering_such_questions(bot, conversation, editor):
    question = "когда выборы в мажилис в этом году"
    [reply] = await bot.replies(fakes.message(question, user_id=42))
    for none_of_these in [d for _, d in keyboard(reply) if d.startswith("x:")]:  # when it suggested entries
        bot.clock.advance(2)
        await bot.send(fakes.button(none_of_these, user_id=42))
    [gap] = gaps.latest(conversation.db)
    calls = await bot.send(fakes.button(f"g:o:{gap.id}", user_id=editor, language_code="ru"))
    [screen] = [c.params for c in calls if c.method == "editMessageText"]
    assert ("⛔ Не наша тема", f"g:x:{gap.id}") in keyboard(screen)
    calls = await bot.send(fakes.button(f"g:x:{gap.id}", user_id=editor, language_code="ru"))
    [done] = [c.params for c in calls if c.method == "editMessageText"]
    assert "не наша тема (1 вопрос)" in done["text"] and question in done["text"]
    assert gaps.get(conversation.db, gap.id)[0].status == gaps.NOT_OUR_TOPIC
    assert [r["text"] for r in learning.not_our_topic(conversation.db)] == [question]
    bot.clock.advance(2)
    [reply] = await bot.replies(fakes.message("в каком году следующие выборы в мажилис", user_id=43))
    assert not [d for _, d in keyboard(reply) if d.startswith("v:")]  # no answer to rate


async def test_residents_do_not_see_the_editors_commands_or_buttons(bot, conversation):
    await bot.replies(fakes.message("расскажи анекдот про акима", user_id=42))
    gap = gaps.latest(conversation.db)[0]
    for text in ("/gaps", "/stats", "/reload"):
        bot.clock.advance(2)
        [reply] = await bot.replies(fakes.command(text, user_id=42))
        assert reply["text"] == translator("ru").gettext("I don't know the command /{command}. See /help.",
                                                         command=text[1:])
    for data in (f"g:i:{gap.id}", f"g:p:{gap.id}:akim.find", "g:l:0"):
        bot.clock.advance(2)
        [reply] = await bot.replies(fakes.button(data, user_id=42))
        assert reply["text"] == translator("ru").gettext(
            "This button has expired. Please ask your question again or use /topics.")
    assert gaps.get(conversation.db, gap.id)[0].status == gaps.UNANSWERED and not learning.phrasings(conversation.db)


async def test_forged_editor_buttons_are_expired_not_errors(bot, editor):
    for data in ("g:", "g:o:", "g:o:abc", "g:p:1", "g:o:99999999999999999999999", "g:k:1:x:y", "g:l:x", "g:zz"):
        bot.clock.advance(2)
        replies = await bot.replies(fakes.button(data, user_id=editor, language_code="en"))
        assert replies and ("expired" in replies[0]["text"] or "dealt with already" in replies[0]["text"])


async def test_gaps_in_a_group_answers_with_a_link_to_the_private_chat(bot, editor):
    # A bare unknown-to-the-public command in a group is for another bot: silence.
    assert await bot.send(fakes.command("/gaps", user_id=editor, language_code="en", chat=fakes.group_chat())) == []
    update = fakes.command(f"/gaps@{fakes.BOT['username']}", user_id=editor, language_code="en",
                           chat=fakes.group_chat())
    [reply] = await bot.replies(update)
    assert reply["text"] == translator("en").gettext("This is personal: write to me privately.")


async def test_reload_by_an_editor(bot, editor):
    [reply] = await bot.replies(fakes.command("/reload", user_id=editor, language_code="en"))
    assert reply["text"].startswith("Reloaded: 43 entries") or reply["text"].startswith("Reloaded:")


async def test_stats_sends_the_figures_and_a_chart(bot, editor):
    await bot.replies(fakes.message("Что такое маслихат?", user_id=42))
    bot.clock.advance(2)
    calls = await bot.send(fakes.command("/stats", user_id=editor, language_code="en"))
    methods = [c.method for c in calls]
    assert "sendMessage" in methods and "sendPhoto" in methods
    text = next(c.params["text"] for c in calls if c.method == "sendMessage")
    assert "42" not in text  # no resident's id in statistics


async def test_the_watch_reloads_what_another_process_learned(bot, conversation, tmp_path):
    from bot.storage.db import open_db

    other = open_db(tmp_path / "qogam.db")  # `qogam gaps resolve` in another process
    learning.add_phrasing(other, entry_id="akim.find", lang="ru", text=QUESTION, cluster_id=1, by="cli:x")
    stopping, asked = asyncio.Event(), asyncio.Event()
    watch = asyncio.create_task(_knowledge_watch(conversation, stopping, asked, every=0.05))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if QUESTION in conversation.kb.entries["akim.find"].texts["ru"].questions:
            break
    stopping.set()
    await watch
    [answer] = await bot.replies(fakes.message(QUESTION, user_id=77))
    assert any(d.startswith("v:") for _, d in keyboard(answer))


async def test_a_refused_reload_keeps_the_old_knowledge(bot, conversation, monkeypatch, tmp_path):
    kb = conversation.kb
    monkeypatch.setenv("QOGAM_KNOWLEDGE_DIR", str(tmp_path / "missing"))
    assert await reload_knowledge(conversation, "test") is False
    assert conversation.kb is kb


async def test_disputed_answers_show_the_entry_and_the_reasons(bot, conversation, editor):
    [answer] = await bot.replies(fakes.message("Что такое маслихат?", user_id=42))
    thumbs_down = next(d for _, d in keyboard(answer) if d.startswith("v:") and d.split(":")[2] == "d")
    bot.clock.advance(2)
    [why] = await bot.replies(fakes.button(thumbs_down, user_id=42))
    bot.clock.advance(2)
    await bot.send(fakes.button(next(d for _, d in keyboard(why) if d.endswith(":o")), user_id=42))
    calls = await bot.send(fakes.button("g:d", user_id=editor, language_code="en"))
    [screen] = [c.params for c in calls if c.method == "editMessageText"]
    assert "(maslikhat.role): 👎 1 · 👍 0" in screen["text"] and "outdated 1" in screen["text"]

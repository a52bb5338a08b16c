"""/whoami: anyone learns their numeric Telegram id in a private chat (the first admin needs it for
QOGAM_ADMIN_IDS); in a group only a link to the private chat; the terminal chat has it too."""

from __future__ import annotations

import io

import pytest

from bot.console.repl import ConsoleChat
from bot.core import commands
from bot.i18n import translator
from bot.telegram.app import bot_commands
from tests.telegram import fakes


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_whoami_tells_the_numeric_id_in_a_private_chat(bot, lang):
    [reply] = await bot.replies(fakes.command("/whoami", user_id=7012345678, language_code=lang))
    t = translator(lang)
    assert reply["text"].startswith(t.gettext("Your Telegram user id: {id}", id="7012345678"))
    assert reply["chat_id"] in (7012345678, "7012345678")


async def test_whoami_in_a_group_only_links_to_the_private_chat(bot):
    group = fakes.group_chat()
    [reply] = await bot.replies(fakes.command("/whoami@qogam_test_bot", user_id=7012345678, chat=group))
    assert "7012345678" not in reply["text"]
    assert "start=whoami" in str(reply.get("reply_markup"))
    # The link opens the same screen in the private chat.
    [private] = await bot.replies(fakes.command("/start whoami", user_id=7012345678))
    assert "7012345678" in private["text"]


async def test_whoami_stores_nothing(bot, db):
    before = {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in ("users", "gaps", "answers")}
    await bot.replies(fakes.command("/whoami", user_id=7012345679))
    after = {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in ("users", "gaps", "answers")}
    assert after == before


def test_whoami_in_the_terminal_chat(conversation):
    chat = ConsoleChat(conversation, out=io.StringIO())
    [reply] = chat.handle("/whoami")
    assert "console:local" in reply.text and "/whoami" in reply.text


def test_whoami_stays_out_of_the_menu():
    assert "whoami" in commands.UNLISTED and "whoami" not in commands.PUBLIC
    assert "whoami" not in [c.command for c in bot_commands(translator("ru"))]

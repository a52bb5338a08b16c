"""Subscriptions and roles through the real Application and a fake Bot API."""

import pytest

from bot.storage import roles, subscriptions
from tests.telegram import fakes

ADMIN, STRANGER = 7001, 7002


@pytest.fixture(autouse=True)
def admins(monkeypatch):
    monkeypatch.setenv("QOGAM_ADMIN_IDS", f" {ADMIN}, 99 ")


def buttons(reply: dict) -> list[dict]:
    return [b for row in (reply.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def test_a_poster_link_subscribes_with_one_confirm_tap(bot, conversation):
    (offer,) = await bot.replies(fakes.command("/start sub-akt-khromtau"))
    (confirm,) = buttons(offer)
    assert "Хромтау" in offer["text"] and confirm["callback_data"] == "sb:akt.khromtau"
    calls = await bot.send(fakes.button(confirm["callback_data"]))
    assert any(c.method == "editMessageText" and "Готово" in c.params["text"] for c in calls)
    assert subscriptions.of_user(conversation.db, "tg:42") == ["akt.khromtau"]


async def test_subscribe_by_typing_a_name_in_kazakh(bot, conversation):
    await bot.replies(fakes.command("/subscribe", language_code="kk"))
    (offer,) = await bot.replies(fakes.message("aktobe", language_code="kk"))
    calls = await bot.send(fakes.button(buttons(offer)[0]["callback_data"], language_code="kk"))
    (scope,) = [c.params for c in calls if c.method == "editMessageText"]
    assert [b["callback_data"] for b in buttons(scope)] == ["sb:akt:area", "sb:akt:tree"]
    await bot.send(fakes.button("sb:akt:tree", language_code="kk"))
    assert subscriptions.of_user(conversation.db, "tg:42") == ["akt"]


async def test_blocking_the_bot_stops_a_subscriber_and_start_resumes(bot, conversation):
    await bot.send(fakes.button("sb:akt:tree"))
    assert await bot.send(fakes.blocked()) == []
    assert subscriptions.count(conversation.db, ["akt"]) == {"active": 0, "stopped": 1}
    await bot.replies(fakes.command("/start"))
    assert subscriptions.count(conversation.db, ["akt"]) == {"active": 1, "stopped": 0}


async def test_a_403_on_send_stops_the_resident(bot, conversation):
    await bot.send(fakes.button("sb:akt:tree"))
    bot.expect_errors = True  # the 403 reaches the error handlers, ours marks the resident stopped
    bot.api.failures["sendMessage"] = (403, "Forbidden: bot was blocked by the user")
    await bot.send(fakes.command("/help"))
    assert subscriptions.is_stopped(conversation.db, "tg:42")


async def test_roles_is_an_unknown_command_for_anyone_but_an_admin(bot):
    (reply,) = await bot.replies(fakes.command("/roles", user_id=STRANGER))
    (unknown,) = await bot.replies(fakes.command("/nosuchcommand", user_id=STRANGER))
    assert reply["text"] == unknown["text"].replace("nosuchcommand", "roles")
    assert buttons(reply) == []


@pytest.mark.parametrize("data", ["ro:g", f"ro:p:{STRANGER}:e", f"ro:a:{STRANGER}:b:akt", f"ro:r:{ADMIN}:e:-"])
async def test_a_forged_role_button_gets_the_expired_reply(bot, conversation, data):
    calls = await bot.send(fakes.button(data, user_id=STRANGER))
    (expired,) = await bot.replies(fakes.button("zz:forged", user_id=STRANGER))
    texts = [c.params.get("text") for c in calls if c.method == "sendMessage"]
    assert texts == [expired["text"]]
    assert roles.all_roles(conversation.db) == []


async def test_an_admin_grants_a_broadcaster_for_an_area_step_by_step(bot, conversation):
    (listing,) = await bot.replies(fakes.command("/roles", user_id=ADMIN, language_code="en"))
    grant = next(b for b in buttons(listing) if b["callback_data"] == "ro:g")
    await bot.send(fakes.button(grant["callback_data"], user_id=ADMIN, language_code="en"))
    (which,) = await bot.replies(fakes.message("123456789", user_id=ADMIN, language_code="en"))
    broadcaster = next(b for b in buttons(which) if b["text"] == "Broadcaster")
    await bot.send(fakes.button(broadcaster["callback_data"], user_id=ADMIN, language_code="en"))
    (areas,) = await bot.replies(fakes.message("Хромтау", user_id=ADMIN, language_code="en"))
    calls = await bot.send(fakes.button(buttons(areas)[0]["callback_data"], user_id=ADMIN, language_code="en"))
    assert any("Granted: tg:123456789 is broadcaster" in (c.params.get("text") or "") for c in calls)
    assert roles.all_roles(conversation.db)[0] | {"granted_at": None} == {
        "user": "tg:123456789", "role": "broadcaster", "area": "akt.khromtau", "granted_at": None,
        "granted_by": f"tg:{ADMIN}"}
    from bot.storage import audit

    assert audit.entries(conversation.db)[0]["action"] == "role.grant"


async def test_roles_are_numbered_and_a_revoke_button_carries_the_number(bot, conversation):
    roles.grant(conversation.db, "tg:1234567890", "broadcaster", "akt.khromtau", "tg:1")
    roles.grant(conversation.db, "tg:1234567891", "editor", None, "tg:1")
    (listing,) = await bot.replies(fakes.command("/roles", user_id=ADMIN, language_code="ru"))
    lines = listing["text"].split("\n")
    assert lines[1] == "1. tg:1234567890 — ответственный за объявления — Хромтауский район, Актюбинская область"
    assert lines[2].startswith("2. tg:1234567891 — редактор")
    revoke = [b for b in buttons(listing) if b["callback_data"].startswith("ro:r:")]
    assert [b["text"] for b in revoke] == ["✖ Отозвать роль №1", "✖ Отозвать роль №2"]
    await bot.send(fakes.button(revoke[1]["callback_data"], user_id=ADMIN, language_code="ru"))
    assert [r["user"] for r in roles.all_roles(conversation.db)] == ["tg:1234567890"]

"""The inbox: updates stored before they are confirmed, handled once, poison set aside, fair under flood,
patient with another process's lock. Through the real Application, real SQLite and the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

from bot.core.knowledge.render import first_answer_text
from bot.core.matching import policy
from bot.i18n import translator
from bot.storage import inbox
from bot.telegram.inbox import Inbox
from bot.telegram.polling import Poller
from tests.conftest import find_question
from tests.telegram import fakes

QUESTION = "Где купить билет на поезд до Туркестана?"  # out of scope: each handling stores one gap


def gap_count(db) -> int:
    return db.execute("select count(*) from gaps").fetchone()[0]


class RecordingAPI:
    """The poller's side of the fake Bot API: serves batches, and notes which updates were in the inbox
    at the moment each getUpdates confirmed the ones before its offset."""

    def __init__(self, api, db, batches: list[list[dict]]):
        self.api, self.db, self.batches = api, db, batches
        self.offsets: list[tuple[int | None, set[int]]] = []
        self.done = asyncio.Event()

    async def call(self, method: str, params: dict) -> tuple[int, dict]:
        if method != "getUpdates":
            return await self.api.call(method, params)
        stored = {r[0] for r in self.db.execute("select update_id from inbox")}
        self.offsets.append((params.get("offset"), stored))
        if not self.batches:
            self.done.set()
            await asyncio.sleep(0.01)
            return 200, {"ok": True, "result": []}
        return 200, {"ok": True, "result": self.batches.pop(0)}


async def test_a_batch_is_stored_before_the_next_offset_confirms_it(bot, conversation):
    first = [fakes.message(QUESTION, user_id=i) for i in (1, 2, 3)]
    second = [fakes.message(QUESTION, user_id=i) for i in (4, 5)]
    api = RecordingAPI(bot.api, conversation.db, [first, second])
    stopping = asyncio.Event()
    task = asyncio.create_task(Poller(api, bot.inbox, ["message"]).run(stopping))
    await asyncio.wait_for(api.done.wait(), 5)
    stopping.set()
    await task
    offsets = [offset for offset, _ in api.offsets]
    assert offsets[:3] == [None, first[-1]["update_id"] + 1, second[-1]["update_id"] + 1]
    for offset, stored in api.offsets[1:]:
        assert {u["update_id"] for u in first + second if u["update_id"] < offset} <= stored


async def test_a_batch_is_not_confirmed_while_the_database_is_locked(bot, conversation, tmp_path):
    conversation.db.execute("PRAGMA busy_timeout = 10")
    other = sqlite3.connect(tmp_path / "qogam.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process (the CLI) holds the write lock
    batch = [fakes.message(QUESTION)]
    api = RecordingAPI(bot.api, conversation.db, [batch])
    stopping = asyncio.Event()
    task = asyncio.create_task(Poller(api, bot.inbox, ["message"]).run(stopping))
    await asyncio.sleep(0.5)
    assert [offset for offset, _ in api.offsets] == [None]  # no next call, so nothing confirmed
    other.execute("COMMIT")
    await asyncio.wait_for(api.done.wait(), 5)
    stopping.set()
    await task
    assert api.offsets[1][0] == batch[0]["update_id"] + 1 and batch[0]["update_id"] in api.offsets[1][1]


async def test_a_redelivered_update_is_handled_once(bot, conversation):
    update = fakes.message(QUESTION)
    assert await bot.replies(update)
    assert await bot.replies(update) == []  # Telegram sent it again (a crash before the next getUpdates)
    assert gap_count(conversation.db) == 1


async def test_a_handled_update_leaves_no_telegram_id_in_the_inbox(bot, conversation):
    await bot.replies(fakes.message(QUESTION, user_id=4343))
    await bot.send(fakes.button("zz:forged", user_id=4343, with_message=False))
    await bot.send(fakes.inline_query("маслихат", user_id=4343))
    rows = [tuple(r) for r in conversation.db.execute("select * from inbox").fetchall()]
    assert len(rows) == 3 and all(r[2] == inbox.DONE for r in rows)
    assert not [r for r in rows if "4343" in repr(r)]  # only the bare update ids are kept


async def test_an_update_id_sqlite_cannot_hold_is_skipped_not_a_crash(bot, conversation):
    for huge in (2**63, 10**30):
        assert await bot.inbox.accept([{"update_id": huge, "message": {}}])  # skipped, nothing stored
    assert await bot.inbox.accept([{"update_id": 2**63 - 1}])
    assert [r[0] for r in conversation.db.execute("select update_id from inbox")] == [2**63 - 1]


async def test_an_update_handled_but_not_sent_is_replayed_without_storing_twice(bot, conversation):
    update = fakes.message(QUESTION)
    [first] = await bot.replies(update)
    # As after a kill -9 between the handler's commit and its reply: handled, not done, payload kept.
    conversation.db.execute("update inbox set status = 'handled', payload = ? where update_id = ?",
                            [json.dumps(update), update["update_id"]])
    conversation.db.conn.commit()
    assert await bot.inbox.settle(update["update_id"]) == inbox.DONE
    assert bot.api.sent()[-1]["text"] == first["text"]
    assert gap_count(conversation.db) == 1


async def test_effects_and_the_handled_mark_commit_together(bot, conversation, monkeypatch):
    bot.expect_errors = True
    update = fakes.message(QUESTION)

    def fail_marking(db, update_id):
        raise RuntimeError("crash at the mark")

    monkeypatch.setattr(inbox, "mark_handled", fail_marking)
    assert await bot.inbox.accept([update])
    await bot.inbox.settle(update["update_id"])
    assert gap_count(conversation.db) == 0  # the gap was rolled back with the failed mark
    assert inbox.status(conversation.db, update["update_id"]) == inbox.FAILED


POISON = [
    {"message": "not an object"},
    {"message": {"chat": {"id": 1, "type": "private"}}},            # no message_id, no date
    {"callback_query": {"id": "1"}},                                 # no sender
    {"message": {"message_id": 1, "date": 1, "chat": {"id": "x"}, "text": ["a", "list"]}},
    {"inline_query": {"id": 5, "from": None, "query": 7}},
    {"edited_message": None, "message": {"message_id": 1, "date": "yesterday", "chat": {}}},
    # Parsed, then python-telegram-bot itself fails on them (ids that are lists), outside any handler.
    {"message": {"message_id": 1, "date": 1, "chat": {"id": [1], "type": "private"},
                 "from": {"id": 5, "is_bot": False, "first_name": "A"}, "text": "Кто избирает акима?"}},
    {"message": {"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private"},
                 "from": {"id": [2], "is_bot": False, "first_name": "A"}, "text": "Кто избирает акима?"}},
]


async def test_poison_updates_are_set_aside_and_the_bot_goes_on(bot, conversation, caplog, kb, matcher):
    bot.expect_errors = True
    caplog.set_level(logging.DEBUG)
    ids = []
    for body in POISON:
        update = {"update_id": next(fakes._update_ids), **body}
        ids.append(update["update_id"])
        assert await bot.inbox.accept([update])
        sent = len(bot.api.sent())
        assert await bot.inbox.settle(update["update_id"]) in (inbox.FAILED, inbox.DONE)
        assert len(bot.api.sent()) - sent <= 2  # at most a reply and an apology, never a loop of them
    assert await bot.inbox.accept([{"no": "update_id"}, "garbage", None])  # skipped, nothing stored
    failed = {f["update_id"] for f in inbox.failed(conversation.db)}
    assert failed and failed <= set(ids)
    assert conversation.db.execute("select count(*) from inbox where payload is not null").fetchone()[0] == 0
    question, lang, decision = find_question(matcher, policy.Answer, "ru")
    [reply] = await bot.replies(fakes.message(question))
    assert reply["text"] == first_answer_text(kb.entries[decision.entry_id], translator(lang))
    assert "not an object" not in caplog.text and "yesterday" not in caplog.text


async def test_a_private_question_goes_before_a_group_flood(conversation, bot):
    handled: list[int] = []
    mention = [{"type": "mention", "offset": 0, "length": len("@qogam_test_bot")}]
    flood = [fakes.message(f"@qogam_test_bot {QUESTION}", user_id=100 + i, chat=fakes.group_chat(-1000 - i),
                           entities=mention) for i in range(30)]
    private = fakes.message(QUESTION, user_id=7)
    runner = Inbox(bot.application, conversation.db, workers=4, group_workers=2)
    original = runner._handle

    async def recording(row):
        handled.append(row.update_id)
        await asyncio.sleep(0.02)  # a reply waiting on the send limit
        await original(row)

    runner._handle = recording
    assert await runner.accept(flood)
    assert await runner.accept([private])
    stopping = asyncio.Event()
    task = asyncio.create_task(runner.run(stopping))
    for _ in range(500):
        if inbox.backlog(conversation.db) == 0:
            break
        await asyncio.sleep(0.02)
    stopping.set()
    await task
    assert handled.index(private["update_id"]) == 0  # though it arrived after 30 group updates
    assert len(set(handled)) == 31 and len(bot.api.sent()) == 31  # the group mentions were answered too


async def test_a_lock_held_by_another_process_delays_a_question_without_failing_it(bot, conversation, tmp_path):
    bot.expect_errors = True
    conversation.db.execute("PRAGMA busy_timeout = 100")  # as `qogam run` opens it
    other = sqlite3.connect(tmp_path / "qogam.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    update = fakes.message(QUESTION)
    ticks = 0
    stopping = asyncio.Event()

    async def ticker():
        nonlocal ticks
        while not stopping.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    async def release():
        await asyncio.sleep(1.5)
        other.execute("COMMIT")

    tick_task = asyncio.create_task(ticker())
    accepted = asyncio.create_task(bot.inbox.accept([update]))
    run = asyncio.create_task(bot.inbox.run(stopping))
    await release()
    assert await asyncio.wait_for(accepted, 5)
    for _ in range(300):
        if inbox.status(conversation.db, update["update_id"]) == inbox.DONE:
            break
        await asyncio.sleep(0.02)
    stopping.set()
    await asyncio.gather(run, tick_task)
    assert inbox.status(conversation.db, update["update_id"]) == inbox.DONE
    assert bot.api.sent() and gap_count(conversation.db) == 1
    assert inbox.failed(conversation.db) == []
    # The event loop kept turning while the lock was held: ~150 ticks of 10 ms in 1.5 s, not a stall.
    assert ticks > 60
    assert all(isinstance(e, sqlite3.OperationalError) for e in bot.errors)

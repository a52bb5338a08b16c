"""The webhook endpoint under hostile requests, over a real socket: a wrong or undecodable secret is a 403
without a log line, a signed body that is not an update a 400 with one line, a body that trickles in a
408; never a 500 or a traceback."""

from __future__ import annotations

import asyncio
import json
import logging
import socket

import pytest

from bot.telegram import webhook
from tests.telegram import fakes

SECRET = "s3cret-value"
PATH = "/telegram/hook"


class Stored:
    """The inbox's door, recording what it was given."""

    def __init__(self):
        self.updates: list[dict] = []

    async def accept(self, updates: list, stopping=None) -> bool:
        self.updates.extend(updates)
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def server():
    inbox, stopping, ready, port = Stored(), asyncio.Event(), asyncio.Event(), free_port()
    task = asyncio.create_task(webhook.serve(inbox, path=PATH, listen="127.0.0.1", port=port, secret=SECRET,
                                             stopping=stopping, ready=ready))
    await asyncio.wait_for(ready.wait(), 10)
    yield port, inbox
    stopping.set()
    await task


async def raw(port: int, head: bytes, body: bytes = b"", *, pause: float | None = None) -> int:
    """Send a raw HTTP request (bytes no client library would send); the status of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head + b"\r\n" + body)
        await writer.drain()
        if pause is not None:
            await asyncio.sleep(pause)
        line = await asyncio.wait_for(reader.readline(), 15)
        return int(line.split()[1])
    finally:
        writer.close()


def request(body: bytes, secret: bytes | None = SECRET.encode(), *, length: int | None = None) -> tuple[bytes, bytes]:
    head = [b"POST " + PATH.encode() + b" HTTP/1.1", b"Host: 127.0.0.1", b"Content-Type: application/json",
            b"Content-Length: " + str(len(body) if length is None else length).encode(), b"Connection: close"]
    if secret is not None:
        head.append(b"X-Telegram-Bot-Api-Secret-Token: " + secret)
    return b"\r\n".join(head) + b"\r\n", body


def lines_of(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_wrong_or_undecodable_secret_is_403_without_a_word(server, caplog):
    port, inbox = server
    update = json.dumps(fakes.command("/help")).encode()
    for secret in (b"\xff\xfe\xc3(", "сезам".encode(), b"wrong", None):
        assert await raw(port, *request(update, secret)) == 403
    assert inbox.updates == [] and lines_of(caplog) == []
    assert await raw(port, *request(update)) == 200 and len(inbox.updates) == 1


@pytest.mark.parametrize("body, detail", [
    (b"not json", "not JSON"),
    (b"\xff\xfe{}", "not JSON"),
    (b"[1, 2, 3]", "not a JSON object"),
    (b'"update"', "not a JSON object"),
    (b'{"message": {}}', "update_id"),
    (b'{"update_id": -1}', "update_id"),
    (b'{"update_id": "12"}', "update_id"),
    (b'{"update_id": 1e3}', "update_id"),
    (b'{"update_id": 9223372036854775808}', "update_id"),
    (b'{"update_id": 99999999999999999999999999999999}', "update_id"),
    (b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
    (b'{"update_id": 1, "message": ' + b'{"a": ' * 40 + b"1" + b"}" * 40 + b"}", "nested"),
])
async def test_a_signed_body_that_is_no_update_is_400_and_one_line(server, caplog, body, detail):
    port, inbox = server
    assert await raw(port, *request(body)) == 400
    records = lines_of(caplog)
    assert len(records) == 1 and detail in records[0].getMessage() and "\n" not in records[0].getMessage()
    assert records[0].exc_info is None and inbox.updates == []


async def test_the_largest_update_id_sqlite_holds_is_stored(server, caplog):
    port, inbox = server
    assert await raw(port, *request(json.dumps({"update_id": 2**63 - 1}).encode())) == 200
    assert [u["update_id"] for u in inbox.updates] == [2**63 - 1] and lines_of(caplog) == []


async def test_a_body_over_the_limit_is_400_declared_or_not(server, caplog):
    port, inbox = server
    # Declared by Content-Length: refused before a byte of it is read.
    assert await raw(port, *request(b"{}", length=webhook.MAX_BODY + 1)) == 400
    # Chunked, so no length is declared: refused once it grows past the limit.
    chunk = b"x" * 65536
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(webhook.MAX_BODY // len(chunk) + 2))
    head = (b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\nX-Telegram-Bot-Api-Secret-Token: " + SECRET.encode() + b"\r\n")
    assert await raw(port, head, body + b"0\r\n\r\n") == 400
    assert inbox.updates == [] and len(lines_of(caplog)) == 2
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_body_that_trickles_in_is_given_up_with_408(server, caplog, monkeypatch):
    monkeypatch.setattr(webhook, "READ_SECONDS", 0.3)
    port, inbox = server
    update = json.dumps(fakes.command("/help")).encode()
    head, _ = request(update)
    assert await raw(port, head, update[:10], pause=None) == 408  # the rest never comes
    assert inbox.updates == []
    (record,) = lines_of(caplog)
    assert "408" in record.getMessage() and record.exc_info is None

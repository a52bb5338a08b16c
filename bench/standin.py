"""A local stand-in for the Telegram Bot API that enforces Telegram's flood limits, for broadcast benchmarks.

Why it exists: a broadcast to thousands of residents is bounded by Telegram, not by us. Telegram accepts
about 30 messages a second per bot (1,000 with `allow_paid_broadcast`) and about one a second per chat, and
answers anything beyond with HTTP 429 "retry after N". To measure a broadcast sender (its rate, its 429s,
whether it loses or duplicates a message) we need a server that says no the way Telegram does, locally and
repeatably. The fake in tests/telegram/fakes.py accepts everything and runs on http.server, which tops out
well below what a sender without limits asks of it; this one is a small asyncio HTTP/1.1 server (keep-alive,
one coroutine per connection) that answers thousands of requests a second on one core, so the limits it
enforces are the only thing a benchmark measures.

Limits apply to the "sends" (sendMessage, sendDocument), all configurable:
- overall: at most `rate` sends accepted in any rolling second; a send with allow_paid_broadcast=true counts
  against `paid_rate` per rolling second instead;
- per chat: at most one send to a chat in any rolling `per_chat_window` seconds;
- beyond either, HTTP 429 with parameters.retry_after = the ceiling of the wait until the window frees;
- chats in `blocked` answer HTTP 403 "bot was blocked by the user", before the limits are looked at.
Refused sends are counted, never recorded as accepted.

Control endpoints (GET or POST, JSON): /_stats, /_reset, /_config, /_push (see StandInServer.control).

Two ways to run it:
- `python -m bench.standin --port 0 [--rate 30] [--paid-rate 1000] [--per-chat-window 1.0] [--latency 0]`
  prints one line `PORT <n>` once it listens on 127.0.0.1, then serves until SIGTERM or SIGINT;
- `with StandIn() as standin: ...` starts that subprocess and offers base_url, stats(), reset(),
  configure(**settings) and push(update).
A separate process keeps the server's event loop off the benchmark's core and its clock honest.
Times in /_stats are time.monotonic() of the server; on Linux that clock is shared by all processes.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import re
import select
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter, deque
from pathlib import Path
from typing import Any, NamedTuple, Self
from urllib.parse import parse_qsl

BOT = {"id": 999000, "is_bot": True, "first_name": "Qogam", "username": "qogam_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}

# Telegram's documented flood limits: ~30 messages a second per bot, 1,000 a second with paid broadcast,
# and no more than one message a second to the same chat.
RATE = 30
PAID_RATE = 1000
PER_CHAT_WINDOW = 1.0
# The overall limits are counted over a rolling window of this many seconds.
RATE_WINDOW = 1.0
# getUpdates holds a long poll at most this long, whatever its timeout, so a benchmark's bot stops quickly.
MAX_POLL = 1.0
# getUpdates returns at most this many updates unless `limit` says fewer (Telegram's own default and cap).
UPDATES_LIMIT = 100
# The per-chat table is swept of chats outside their window once it holds this many; a broadcast to a
# million residents then keeps a few seconds' worth of chats, not a million.
PER_CHAT_SWEEP = 65_536

SENDS = frozenset({"sendmessage", "senddocument"})
# Form fields python-telegram-bot sends as text that are numbers or booleans in the Bot API.
_INTEGERS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "cache_time",
                       "message_thread_id", "reply_to_message_id", "from_chat_id"})
_BOOLEANS = frozenset({"allow_paid_broadcast", "disable_notification", "protect_content", "show_alert",
                       "disable_web_page_preview", "disable_content_type_detection", "drop_pending_updates"})
_TRUE = frozenset({True, "true", "True", "1"})

_REASONS = {200: b"OK", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found", 413: b"Payload Too Large",
            429: b"Too Many Requests", 500: b"Internal Server Error"}
# A request body larger than this is refused: Telegram's own cap on uploads by bots is 50 MB.
MAX_BODY = 50 * 1024 * 1024
_DISPOSITION_PARAM = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


class Upload(NamedTuple):
    """A file part of a multipart request: its content is dropped, only its name is kept."""
    file_name: str


class StandInServer:
    """The Bot API and its flood limits, served over HTTP/1.1 by `handle_connection`."""

    def __init__(self, *, rate: int = RATE, paid_rate: int = PAID_RATE, per_chat_window: float = PER_CHAT_WINDOW,
                 latency: float = 0.0, blocked: set[int] | frozenset[int] = frozenset()) -> None:
        self.rate = rate
        self.paid_rate = paid_rate
        self.per_chat_window = per_chat_window
        self.latency = latency
        self.blocked = frozenset(blocked)
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._updates: list[dict] = []
        self._new_update = asyncio.Event()
        self._writers: set[asyncio.StreamWriter] = set()
        self.reset()

    def reset(self) -> None:
        """Forget every send: records, counters, and the windows the limits are counted in."""
        # (time.monotonic(), method, chat_id, text or file name) per accepted send: tuples, to stay small.
        self.accepted: list[tuple[float, str, int | str, str]] = []
        self.too_many = 0
        self.forbidden = 0
        self._window: deque[float] = deque()       # accepted unpaid sends within the last RATE_WINDOW
        self._paid_window: deque[float] = deque()  # accepted paid sends within the last RATE_WINDOW
        self._last_send: dict[int | str, float] = {}  # chat_id -> time of its last accepted send
        self._sweep_at = PER_CHAT_SWEEP

    # ---- HTTP/1.1 -------------------------------------------------------------------------------
    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one client connection, request after request (keep-alive), until it closes."""
        self._writers.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                request_line, _, header_block = head[:-4].partition(b"\r\n")
                try:
                    _, target, version = request_line.split(b" ", 2)
                except ValueError:
                    return
                headers = {}
                for line in header_block.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower()] = value.strip()
                if headers.get(b"expect", b"").lower() == b"100-continue":
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                try:
                    body = await self._read_body(reader, headers)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
                    return  # cut short, or a length that is not a number: nothing sensible to answer
                connection = headers.get(b"connection", b"").lower()
                keep_alive = (connection != b"close") if version == b"HTTP/1.1" else (connection == b"keep-alive")
                if body is None:
                    # The body is left unread, so the connection cannot carry another request.
                    status, answer, keep_alive = 413, _error(413, "Request Entity Too Large"), False
                else:
                    status, answer = await self.respond(target.decode("latin-1"), headers, body)
                payload = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
                writer.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s"
                             % (status, _REASONS.get(status, b"Unknown"), len(payload),
                                b"" if keep_alive else b"Connection: close\r\n", payload))
                await writer.drain()
                if not keep_alive:
                    return
        except ConnectionError:
            return  # the client went away mid-answer, e.g. a bot stopping during a long poll
        except asyncio.CancelledError:
            # The server is stopping (asyncio.run cancels what is left). This is the connection's own
            # top-level task, so ending quietly is right; Python 3.11's streams would log a traceback.
            return
        finally:
            self._writers.discard(writer)
            writer.close()

    @staticmethod
    async def _read_body(reader: asyncio.StreamReader, headers: dict[bytes, bytes]) -> bytes | None:
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            chunks, size = [], 0
            while True:
                length = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
                if length == 0:
                    await _skip_trailers(reader)
                    return b"".join(chunks)
                size += length
                if size > MAX_BODY:
                    return None
                chunks.append(await reader.readexactly(length))
                await reader.readexactly(2)  # the CRLF after each chunk
        length = int(headers.get(b"content-length", b"0") or 0)
        if length > MAX_BODY:
            return None
        return await reader.readexactly(length) if length else b""

    def close_connections(self) -> None:
        """Close every open client connection (keep-alive ones would otherwise outlive the server)."""
        for writer in list(self._writers):
            writer.close()

    # ---- routing --------------------------------------------------------------------------------
    async def respond(self, target: str, headers: dict[bytes, bytes], body: bytes) -> tuple[int, dict]:
        """The HTTP status and JSON answer to one request for `target` (path and query)."""
        path, _, query = target.partition("?")
        try:
            if path.startswith("/_"):
                return 200, self.control(path[2:], json.loads(body) if body.strip() else {})
            # /bot<token>/<method>: any token is accepted.
            parts = path.split("/")
            if len(parts) != 3 or not parts[1].startswith("bot"):
                return 404, _error(404, "Not Found")
            params = _parse_params(headers.get(b"content-type", b"").decode("latin-1"), body, query)
            if parts[2].lower() == "getupdates":
                answer = 200, {"ok": True, "result": await self._get_updates(params)}
            else:
                answer = self.call(parts[2], params)
            if self.latency:
                # The limits are decided on arrival, as at Telegram; the answer travels back afterwards.
                await asyncio.sleep(self.latency)
            return answer
        except (ValueError, TypeError, KeyError) as exc:
            return 400, _error(400, f"Bad Request: {exc}")

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict]:
        """One Bot API method, answered at once (getUpdates without waiting)."""
        name = method.lower()
        if name in SENDS:
            return self._send(name, params)
        if name == "getme":
            return 200, {"ok": True, "result": BOT}
        if name == "getupdates":
            return 200, {"ok": True, "result": self._pending(params)}
        if name in ("editmessagetext", "editmessagereplymarkup"):
            if params.get("inline_message_id"):
                return 200, {"ok": True, "result": True}
            if "chat_id" not in params or "message_id" not in params:
                return 400, _error(400, "Bad Request: message to edit not found")
            return 200, {"ok": True, "result": self._message(params, int(params["message_id"]))}
        return 200, {"ok": True, "result": True}  # answerCallbackQuery, setMyCommands, deleteWebhook ...

    def _send(self, name: str, params: dict[str, Any]) -> tuple[int, dict]:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            return 400, _error(400, "Bad Request: chat_id is empty")
        if chat_id in self.blocked:
            self.forbidden += 1
            return 403, _error(403, "Forbidden: bot was blocked by the user")
        if name == "sendmessage":
            label = params.get("text")
            if not label:
                return 400, _error(400, "Bad Request: message text is empty")
        else:
            label = _file_name(params.get("document"))
            if label is None:
                return 400, _error(400, "Bad Request: there is no document in the request")
        now = time.monotonic()
        retry_after = self._admit(chat_id, params.get("allow_paid_broadcast") in _TRUE, now)
        if retry_after:
            self.too_many += 1
            return 429, {"ok": False, "error_code": 429,
                         "description": f"Too Many Requests: retry after {retry_after}",
                         "parameters": {"retry_after": retry_after}}
        self.accepted.append((now, "sendMessage" if name == "sendmessage" else "sendDocument", chat_id, label))
        message = self._message(params, next(self._message_ids))
        if name == "senddocument":
            del message["text"]
            message["document"] = {"file_id": f"BQAC-{message['message_id']}",
                                   "file_unique_id": f"AgAD-{message['message_id']}", "file_name": label}
            if params.get("caption"):
                message["caption"] = params["caption"]
        return 200, {"ok": True, "result": message}

    def _admit(self, chat_id: int | str, paid: bool, now: float) -> int:
        """0 and the send is counted, or the whole seconds to wait (>= 1) and nothing is counted."""
        window, limit = (self._paid_window, self.paid_rate) if paid else (self._window, self.rate)
        while window and window[0] <= now - RATE_WINDOW:
            window.popleft()
        wait = 0.0
        if len(window) >= limit:
            # A slot frees when the send `limit` places from the newest leaves the window.
            wait = window[len(window) - limit] + RATE_WINDOW - now if limit > 0 else RATE_WINDOW
        last = self._last_send.get(chat_id)
        if last is not None and now - last < self.per_chat_window:
            wait = max(wait, last + self.per_chat_window - now)
        if wait > 0:
            return max(1, math.ceil(wait))
        window.append(now)
        if len(self._last_send) >= self._sweep_at:
            self._last_send = {chat: t for chat, t in self._last_send.items() if now - t < self.per_chat_window}
            # Twice what is left, so chats that are all still in their window do not cost a sweep a send.
            self._sweep_at = max(PER_CHAT_SWEEP, 2 * len(self._last_send))
        self._last_send[chat_id] = now
        return 0

    def _message(self, params: dict[str, Any], message_id: int) -> dict:
        chat_id = params["chat_id"]
        message = {"message_id": message_id, "date": int(time.time()),
                   # A chat id is a resident's private chat; "@name" can only be a public channel.
                   "chat": {"id": chat_id, "type": "private"} if isinstance(chat_id, int)
                   else {"id": -1001000000001, "type": "channel", "username": str(chat_id).lstrip("@")},
                   "from": BOT, "text": params.get("text") or "…"}
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        return message

    # ---- getUpdates -----------------------------------------------------------------------------
    def _pending(self, params: dict[str, Any]) -> list[dict]:
        offset = int(params.get("offset") or 0)
        limit = min(int(params.get("limit") or UPDATES_LIMIT), UPDATES_LIMIT)
        if offset > 0:
            # Like Telegram: an offset confirms, and so forgets, every update before it.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            return self._updates[:limit]
        if offset < 0:
            return self._updates[offset:][:limit]  # the last -offset updates
        return self._updates[:limit]

    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(float(params.get("timeout") or 0), MAX_POLL)
        while True:
            pending = self._pending(params)
            left = deadline - loop.time()
            if pending or left <= 0:
                return pending
            try:
                await asyncio.wait_for(self._new_update.wait(), left)
            except TimeoutError:
                pass

    def push(self, update: dict) -> dict:
        """Queue an update for getUpdates; one without an update_id gets the next one."""
        if not isinstance(update, dict):
            raise TypeError("an update is a JSON object")
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        self._new_update.set()    # wakes every long poll waiting now ...
        self._new_update.clear()  # ... and the next ones wait for the next update
        return update

    # ---- control --------------------------------------------------------------------------------
    def control(self, name: str, payload: dict) -> dict:
        """/_stats, /_reset, /_config (JSON body: settings to change) and /_push (JSON body: an Update)."""
        if name == "stats":
            return self.stats()
        if name == "reset":
            self.reset()
            return {"ok": True}
        if name == "config":
            return self.configure(**payload)
        if name == "push":
            return self.push(payload)
        raise KeyError(f"no control endpoint /_{name}")

    def stats(self) -> dict:
        per_chat = Counter(chat_id for _, _, chat_id, _ in self.accepted)
        return {"accepted": len(self.accepted), "too_many": self.too_many, "forbidden": self.forbidden,
                "per_chat": {str(chat): count for chat, count in per_chat.items()},
                "first": self.accepted[0][0] if self.accepted else None,
                "last": self.accepted[-1][0] if self.accepted else None}

    def configure(self, *, rate: int | None = None, paid_rate: int | None = None,
                  per_chat_window: float | None = None, blocked: list[int] | None = None,
                  latency: float | None = None) -> dict:
        """Change some settings; returns them all."""
        if rate is not None:
            self.rate = int(rate)
        if paid_rate is not None:
            self.paid_rate = int(paid_rate)
        if per_chat_window is not None:
            self.per_chat_window = float(per_chat_window)
        if blocked is not None:
            self.blocked = frozenset(int(chat) for chat in blocked)
        if latency is not None:
            self.latency = float(latency)
        return {"rate": self.rate, "paid_rate": self.paid_rate, "per_chat_window": self.per_chat_window,
                "blocked": sorted(self.blocked), "latency": self.latency}


async def _skip_trailers(reader: asyncio.StreamReader) -> None:
    while await reader.readuntil(b"\r\n") != b"\r\n":
        pass


def _error(code: int, description: str) -> dict:
    return {"ok": False, "error_code": code, "description": description}


def _decode(key: str, value: str) -> Any:
    """A form field as the Bot API means it: JSON objects and arrays, integers, booleans, else text."""
    if value[:1] in ("{", "["):
        return json.loads(value)
    if key in _INTEGERS:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelusername"
    if key in _BOOLEANS:
        return value in _TRUE
    return value


def _parse_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    params = {key: _decode(key, value) for key, value in parse_qsl(query, keep_blank_values=True)}
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if media_type == "application/json":
        params.update(json.loads(body))
    elif media_type == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    else:  # application/x-www-form-urlencoded, as python-telegram-bot sends everything but files
        params.update((key, _decode(key, value))
                      for key, value in parse_qsl(body.decode(), keep_blank_values=True))
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """The plain fields of a multipart/form-data body; a file part becomes an Upload with its name."""
    boundary = next((value.strip().strip('"') for key, _, value in
                     (param.strip().partition("=") for param in content_type.split(";")[1:])
                     if key.lower() == "boundary"), None)
    if not boundary:
        raise ValueError("multipart body without a boundary")
    fields: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        disposition = next((line.split(b":", 1)[1].decode() for line in head.split(b"\r\n")
                            if line.lower().startswith(b"content-disposition:")), "")
        attributes = {key.lower(): value for key, value in _DISPOSITION_PARAM.findall(disposition)}
        name = attributes.get("name")
        if name is None:
            continue
        if "filename" in attributes:
            uploads[name] = Upload(attributes["filename"])
        else:
            fields[name] = _decode(name, content.removesuffix(b"\r\n").decode())
    for name, value in fields.items():
        # python-telegram-bot may name a file part and refer to it as "attach://<part name>".
        if isinstance(value, str) and value.startswith("attach://") and value[9:] in uploads:
            fields[name] = uploads.pop(value[9:])
    return {**uploads, **fields}


def _file_name(document: Any) -> str | None:
    if isinstance(document, Upload):
        return document.file_name
    if isinstance(document, str) and document:
        return document.rsplit("/", 1)[-1]  # a file_id, or the last part of a URL
    return None


# ---- the subprocess -------------------------------------------------------------------------------
async def serve(host: str, port: int, standin: StandInServer) -> None:
    """Serve `standin` on host:port, print `PORT <n>` once listening, return on SIGTERM or SIGINT."""
    # A backlog well above the concurrency of any benchmark, so bursts of new connections are not dropped.
    server = await asyncio.start_server(standin.handle_connection, host, port, backlog=1024)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    standin.close_connections()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.standin", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed as PORT <n>)")
    parser.add_argument("--rate", type=int, default=RATE, help="sends a rolling second (default %(default)s)")
    parser.add_argument("--paid-rate", type=int, default=PAID_RATE,
                        help="paid broadcast sends a rolling second (default %(default)s)")
    parser.add_argument("--per-chat-window", type=float, default=PER_CHAT_WINDOW,
                        help="seconds between two sends to one chat (default %(default)s)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added before each answer")
    parser.add_argument("--blocked", default="", help="comma-separated chat ids that blocked the bot")
    args = parser.parse_args(argv)
    blocked = frozenset(int(chat) for chat in args.blocked.split(",") if chat.strip())

    async def run() -> None:
        # Built inside the loop: the server's asyncio.Event belongs to it.
        await serve(args.host, args.port, StandInServer(rate=args.rate, paid_rate=args.paid_rate,
                                                        per_chat_window=args.per_chat_window,
                                                        latency=args.latency, blocked=blocked))

    asyncio.run(run())


# ---- the helper for benchmarks ----------------------------------------------------------------------
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through an HTTP(S)_PROXY


def control(base_url: str, endpoint: str, payload: dict | None = None, timeout: float = 10.0) -> dict:
    """POST to a control endpoint ("stats", "reset", "config", "push") and return its JSON answer."""
    data = json.dumps(payload if payload is not None else {}).encode()
    request = urllib.request.Request(f"{base_url}/_{endpoint}", data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
    with _OPENER.open(request, timeout=timeout) as response:
        return json.load(response)


class StandIn:
    """`python -m bench.standin` as a subprocess, for the length of a `with` block."""

    # Seconds the subprocess has to print its port, and then to stop after SIGTERM before it is killed.
    START_TIMEOUT = 10.0
    STOP_TIMEOUT = 5.0

    def __init__(self, *, rate: int = RATE, paid_rate: int = PAID_RATE, per_chat_window: float = PER_CHAT_WINDOW,
                 latency: float = 0.0, blocked: tuple[int, ...] | list[int] = ()) -> None:
        self.args = ["--rate", str(rate), "--paid-rate", str(paid_rate), "--per-chat-window", str(per_chat_window),
                     "--latency", str(latency), "--blocked", ",".join(str(chat) for chat in blocked)]
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the stand-in is not running")
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        """The server process to start; bench/inbox.py starts its recording server instead."""
        return [sys.executable, "-m", "bench.standin", "--port", "0", *self.args]

    def start(self) -> StandIn:
        # Run from the repository root so `-m bench.standin` finds this very module.
        self.process = subprocess.Popen(self.command(), cwd=Path(__file__).resolve().parent.parent,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], self.START_TIMEOUT)
        line = self.process.stdout.readline().decode() if ready else ""
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"the stand-in did not start (it said {line!r})")
        self.port = int(line.split()[1])
        return self

    def close(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(self.STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.process, self.port = None, None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stats(self) -> dict:
        """{"accepted", "too_many", "forbidden", "per_chat": {"<chat_id>": n}, "first", "last"}."""
        return control(self.base_url, "stats")

    def reset(self) -> None:
        control(self.base_url, "reset")

    def configure(self, **settings: Any) -> dict:
        """Set any of rate, paid_rate, per_chat_window, blocked, latency; returns all the settings."""
        return control(self.base_url, "config", settings)

    def push(self, update: dict) -> dict:
        """Queue an update for getUpdates; returns it with its update_id."""
        return control(self.base_url, "push", update)


if __name__ == "__main__":
    main()

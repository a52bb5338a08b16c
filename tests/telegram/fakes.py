"""A fake Telegram Bot API at the HTTP boundary, and factories for the updates residents send.

FakeBotAPI answers Bot API methods the way Telegram does (getMe, sendMessage, getUpdates ...) and records
every call. It is used two ways:
- FakeRequest plugs it into python-telegram-bot as the BaseRequest, for in-process tests and the benchmark;
- FakeBotAPIServer serves it over HTTP on 127.0.0.1, for `qogam run` as a subprocess.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

BOT = {"id": 999000, "is_bot": True, "first_name": "Qogam", "username": "qogam_test_bot",
       "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True}
TOKEN = "999000:TEST-token"


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotAPI:
    calls: list[Call] = field(default_factory=list)
    # method -> (HTTP status, description) to answer with an error instead, e.g. 403 for a blocked user.
    failures: dict[str, tuple[int, str]] = field(default_factory=dict)
    # chat id -> [(HTTP status, description), ...]: the next sends to that chat fail so, one per send, in
    # order; the last one repeats when `sticky`. Status 429 carries retry_after 1; status 0 is a timeout.
    chat_failures: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    sticky: set[int] = field(default_factory=set)
    _updates: list[dict] = field(default_factory=list)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _lock: threading.Condition = field(default_factory=threading.Condition)

    # ---- what tests look at ---------------------------------------------------------------------
    def sent(self, method: str = "sendMessage") -> list[dict]:
        with self._lock:
            return [c.params for c in self.calls if c.method == method]

    def texts(self) -> list[str]:
        return [p["text"] for p in self.sent()]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def push(self, update: dict) -> None:
        """Queue an update for getUpdates."""
        with self._lock:
            self._updates.append(update)
            self._lock.notify_all()

    def wait_for(self, predicate, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    # ---- the API --------------------------------------------------------------------------------
    def handle(self, method: str, params: dict[str, Any], *, poll_wait: float = 0.0) -> tuple[int, dict]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params, poll_wait)}
        with self._lock:
            self.calls.append(Call(method, params))
            self._lock.notify_all()
        if method in self.failures:
            status, description = self.failures[method]
            return status, {"ok": False, "error_code": status, "description": description}
        chat = params.get("chat_id")
        if method in ("sendMessage", "sendDocument") and self.chat_failures.get(chat):
            queue = self.chat_failures[chat]
            status, description = queue[0] if chat in self.sticky and len(queue) == 1 else queue.pop(0)
            body = {"ok": False, "error_code": status, "description": description}
            if status == 429:
                body["parameters"] = {"retry_after": 1}
            return status, body
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method == "getWebhookInfo":
            hooks = [c.params for c in self.calls if c.method in ("setWebhook", "deleteWebhook")]
            url = hooks[-1].get("url", "") if hooks else ""
            return 200, {"ok": True, "result": {"url": url, "has_custom_certificate": False,
                                                "pending_update_count": len(self._updates)}}
        if method in ("editMessageText", "editMessageReplyMarkup") and params.get("inline_message_id"):
            return 200, {"ok": True, "result": True}  # a message sent through inline mode: Telegram says only True
        if method in ("sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup"):
            return 200, {"ok": True, "result": self._message(params)}
        return 200, {"ok": True, "result": True}

    async def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict]:
        """The broadcast sender's boundary (bot/telegram/http.py): form fields as strings, decoded as the
        HTTP server would; status 0 is a timeout."""
        decoded = {k: FakeBotAPIServer.decode(k, v) if isinstance(v, str) else v
                   for k, v in params.items()}
        status, body = self.handle(method, decoded)
        if status == 0:
            return 0, {"ok": False, "description": "timed out"}
        return status, body

    def _get_updates(self, params: dict[str, Any], poll_wait: float) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + poll_wait
        with self._lock:
            while True:
                # Like Telegram: an offset confirms every update before it.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or time.monotonic() >= deadline:
                    return list(self._updates)
                self._lock.wait(deadline - time.monotonic())

    def _message(self, params: dict[str, Any]) -> dict:
        message = {
            "message_id": int(params.get("message_id") or next(self._message_ids)),
            "date": int(time.time()),
            "chat": {"id": int(params.get("chat_id") or 1), "type": "private"},
            "from": BOT,
            "text": params.get("text") or "…",
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message


class FakeRequest(BaseRequest):
    """python-telegram-bot's HTTP boundary, answered by a FakeBotAPI instead of the network."""

    def __init__(self, api: FakeBotAPI):
        self.api = api

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None, pool_timeout=None):
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            # Uploaded files (a hearing's .ics) as {field: (file name, bytes, MIME type)}, for tests to open.
            params["_files"] = {name: (value[0], value[1], value[2]) if isinstance(value, tuple)
                                else (None, value, None)
                                for name, value in request_data.multipart_data.items()}
        status, body = self.api.handle(url.rsplit("/", 1)[-1], params)
        if status == 0:
            raise TimedOut("fake timeout")
        return status, json.dumps(body).encode()


class FakeBotAPIServer:
    """The same fake over HTTP: http://127.0.0.1:<port>/bot<token>/<method>, as TELEGRAM_API_BASE_URL."""

    # Long polling: getUpdates waits this long for an update before answering with none.
    POLL_WAIT = 0.5
    # Parameters that python-telegram-bot sends as form fields and that are numbers.
    _NUMERIC = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "cache_time", "message_thread_id"})

    def __init__(self, api: FakeBotAPI):
        self.api = api
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: fake.decode(k, v) for k, v in parse_qsl(raw)}
                method = self.path.rsplit("/", 1)[-1]
                status, body = fake.api.handle(method, params, poll_wait=fake.POLL_WAIT)
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped in the middle of a long poll

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @staticmethod
    def decode(key: str, value: str) -> Any:
        if value[:1] in "{[":
            return json.loads(value)
        if key in FakeBotAPIServer._NUMERIC:
            return int(value)
        return value

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ---- updates as Telegram sends them -------------------------------------------------------------
_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int = 42, language_code: str | None = "ru") -> dict:
    person = {"id": user_id, "is_bot": False, "first_name": "Aigerim"}
    if language_code:
        person["language_code"] = language_code
    return person


def private_chat(user_id: int = 42) -> dict:
    return {"id": user_id, "type": "private", "first_name": "Aigerim"}


def group_chat(chat_id: int = -100500) -> dict:
    return {"id": chat_id, "type": "supergroup", "title": "Aul residents"}


def message(text: str | None = None, *, user_id: int = 42, language_code: str | None = "ru",
            chat: dict | None = None, edited: bool = False, **extra: Any) -> dict:
    body = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat or private_chat(user_id),
        "from": user(user_id, language_code),
        **extra,
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_update_ids), "edited_message" if edited else "message": body}


def command(text: str, **kwargs: Any) -> dict:
    return message(text, **kwargs)


def button(data: str, *, user_id: int = 42, language_code: str | None = "ru", message_text: str = "…",
           chat: dict | None = None, with_message: bool = True) -> dict:
    query = {"id": str(next(_update_ids)), "from": user(user_id, language_code), "chat_instance": "1", "data": data}
    if with_message:
        query["message"] = {"message_id": next(_message_ids), "date": int(time.time()),
                            "chat": chat or private_chat(user_id), "from": BOT, "text": message_text}
    else:
        query["inline_message_id"] = "inline-1"
    return {"update_id": next(_update_ids), "callback_query": query}


def inline_query(text: str, *, user_id: int = 42, language_code: str | None = "ru") -> dict:
    return {"update_id": next(_update_ids),
            "inline_query": {"id": str(next(_update_ids)), "from": user(user_id, language_code),
                             "query": text, "offset": ""}}


def blocked(user_id: int = 42) -> dict:
    member = {"user": BOT, "status": "member"}
    return {"update_id": next(_update_ids), "my_chat_member": {
        "chat": private_chat(user_id), "from": user(user_id), "date": int(time.time()),
        "old_chat_member": member, "new_chat_member": {"user": BOT, "status": "kicked", "until_date": 0},
    }}

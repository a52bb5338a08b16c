"""The web console through aiohttp's test client: real SQLite, the real knowledge base copied to a temporary
directory (saves write files), and sign-in through the real one-time links."""

from __future__ import annotations

import re
import shutil

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core import sessions
from bot.storage import roles
from bot.storage.db import open_db
from bot.web.app import make_app
from bot.web.console import Console
from tests.conftest import REPO

EDITOR, BROADCASTER, ADMIN, RESIDENT = "tg:42", "tg:43", "tg:44", "tg:45"


@pytest.fixture
def knowledge(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", target)
    return target


@pytest.fixture
def web_db(tmp_path, monkeypatch):
    monkeypatch.setenv("QOGAM_ADMIN_IDS", ADMIN[3:])
    db = open_db(tmp_path / "qogam.db")
    roles.grant(db, EDITOR, "editor", None, "test")
    roles.grant(db, BROADCASTER, "broadcaster", "akt", "test")
    return db


@pytest.fixture
async def state(web_db, knowledge, matcher):
    console = Console(web_db, "http://127.0.0.1:8080", directory=knowledge)
    return console


@pytest.fixture
async def client(state):
    async with TestClient(TestServer(make_app(state))) as test_client:
        yield test_client


async def sign_in(client: TestClient, db, key: str) -> str:
    """Sign in as `key` through a real link; returns the session's CSRF token (read from a page)."""
    token = sessions.issue_link(db, key, by="test")
    assert token
    response = await client.post(f"/login/{token}", allow_redirects=False)
    assert response.status == 303
    page = await (await client.get("/signin")).text()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on a signed-in page"
    return found.group(1)

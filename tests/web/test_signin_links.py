"""Where sign-in links come from: /web in a private chat (for anyone with a role), and `qogam web link` for the
operator."""

from __future__ import annotations

import re

from bot.core.replies import Person
from bot.storage import roles
from bot.storage.db import open_db
from tests.test_cli import env, qogam  # noqa: F401 - the fixture is used by name


def test_web_sends_a_role_holder_a_one_time_link(conversation, db, monkeypatch):
    monkeypatch.setenv("QOGAM_WEB_URL", "https://console.example.kz/")
    roles.grant(db, "tg:42", "editor", None, "test")
    [reply] = conversation.command(Person("tg:42", "tg", "en"), "web")
    link = re.search(r"https://console\.example\.kz/login/\S+", reply.text)
    assert link and "10" in reply.text
    [again] = conversation.command(Person("tg:42", "tg", "en"), "web")
    assert link.group() not in again.text  # a new link each time


def test_web_is_an_unknown_command_for_a_resident_and_private_only(conversation, db):
    [reply] = conversation.command(Person("tg:7", "tg", "en"), "web")
    assert "/web" in reply.text and "login" not in reply.text
    roles.grant(db, "tg:42", "editor", None, "test")
    [group] = conversation.command(Person("tg:42", "tg", "en", private=False), "web")
    assert "login" not in group.text


def test_qogam_web_link_for_the_operator(env):  # noqa: F811
    db = open_db()
    roles.grant(db, "tg:42", "editor", None, "test")
    out = qogam("web", "link", "tg:42", env={**env, "QOGAM_WEB_URL": "https://console.example.kz"})
    assert out.returncode == 0 and re.fullmatch(r"https://console\.example\.kz/login/[\w-]+\n", out.stdout)
    refused = qogam("web", "link", "tg:999", env=env)
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "Traceback" not in refused.stderr

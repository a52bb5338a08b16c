"""Signing in and out, sessions, CSRF, and who may open which page."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import sessions
from bot.storage import roles
from tests.web.conftest import ADMIN, BROADCASTER, EDITOR, RESIDENT, sign_in

PAGES = ("/gaps", "/entries", "/entries/appeals.deadlines", "/entries/new", "/hearings", "/hearings/1",
         "/hearings/new", "/stats", "/roles", "/audit")


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_without_a_session_leads_to_the_sign_in_page(client, path):
    response = await client.get(path, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/signin?next=")
    page = await (await client.get(response.headers["Location"])).text()
    assert "/web" in page


async def test_a_link_signs_in_once_with_safe_cookies(client, web_db):
    token = sessions.issue_link(web_db, EDITOR, by="test")
    shown = await client.get(f"/login/{token}")  # a preview fetching the link does not use it up
    assert shown.status == 200 and "csrf" not in await shown.text()
    signed = await client.post(f"/login/{token}", allow_redirects=False)
    assert signed.status == 303
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert (await client.get("/gaps", allow_redirects=False)).status == 200
    client.session.cookie_jar.clear()
    again = await client.post(f"/login/{token}?lang=en", allow_redirects=False)
    assert again.status == 403 and "once" in await again.text()


async def test_an_expired_or_unknown_link_is_refused(client, web_db, wall):
    token = sessions.issue_link(web_db, EDITOR, by="test")
    wall.advance(minutes=sessions.LINK_MINUTES + 1)
    assert (await client.post(f"/login/{token}", allow_redirects=False)).status == 403
    assert (await client.post("/login/forged-token", allow_redirects=False)).status == 403


async def test_no_link_for_someone_without_a_role(web_db):
    assert sessions.issue_link(web_db, RESIDENT, by="test") is None


async def test_cookies_are_secure_behind_https(web_db, knowledge, matcher):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.web.app import make_app
    from bot.web.console import Console

    app = make_app(Console(web_db, "https://console.example.kz", directory=knowledge))
    async with TestClient(TestServer(app)) as https_client:
        token = sessions.issue_link(web_db, EDITOR, by="test")
        response = await https_client.post(f"/login/{token}", allow_redirects=False)
        assert "Secure" in response.headers["Set-Cookie"]


async def test_a_post_without_the_right_csrf_token_changes_nothing(client, web_db):
    await sign_in(client, web_db, ADMIN)
    for data in ({"user": "tg:77", "role": "editor"}, {"user": "tg:77", "role": "editor", "csrf": "forged"}):
        response = await client.post("/roles/grant", data=data)
        assert response.status == 403
    assert not roles.of_user(web_db, "tg:77")


async def test_revoking_the_role_ends_the_session_at_once(client, web_db):
    from bot.core import roles as core_roles

    await sign_in(client, web_db, EDITOR)
    assert (await client.get("/gaps", allow_redirects=False)).status == 200
    core_roles.revoke(web_db, EDITOR, "editor", None, by="test")
    assert (await client.get("/gaps", allow_redirects=False)).status == 303
    assert not list(web_db.query("select * from web_sessions where user_key = ?", [EDITOR]))


async def test_idle_sessions_end_after_twelve_hours(client, web_db, wall):
    await sign_in(client, web_db, EDITOR)
    wall.advance(hours=sessions.IDLE_HOURS - 1)
    assert (await client.get("/entries", allow_redirects=False)).status == 200
    wall.advance(hours=sessions.IDLE_HOURS + 1)
    assert (await client.get("/entries", allow_redirects=False)).status == 303


async def test_sign_out_and_sign_out_everywhere(client, web_db):
    csrf = await sign_in(client, web_db, EDITOR)
    other = sessions.redeem(web_db, sessions.issue_link(web_db, EDITOR, by="test"))[0]
    await client.post("/signout", data={"csrf": csrf}, allow_redirects=False)
    assert (await client.get("/gaps", allow_redirects=False)).status == 303
    assert sessions.current(web_db, None) is None and web_db["web_sessions"].count == 1
    csrf = await sign_in(client, web_db, EDITOR)
    await client.post("/signout/everywhere", data={"csrf": csrf}, allow_redirects=False)
    assert web_db["web_sessions"].count == 0 and other.user_key == EDITOR


@pytest.mark.parametrize(("who", "allowed", "refused"), [
    (EDITOR, ("/gaps", "/entries", "/stats"), ("/hearings", "/roles", "/audit")),
    (BROADCASTER, ("/hearings", "/hearings/new"), ("/gaps", "/entries", "/stats", "/roles", "/audit")),
    (ADMIN, ("/gaps", "/entries", "/hearings", "/roles", "/audit"), ()),
])
async def test_each_person_sees_only_their_pages(client, web_db, who, allowed, refused):
    await sign_in(client, web_db, who)
    for path in allowed:
        assert (await client.get(path, allow_redirects=False)).status == 200, path
    for path in refused:
        assert (await client.get(path, allow_redirects=False)).status == 404, path


async def test_pages_carry_a_strict_content_security_policy(client, web_db):
    await sign_in(client, web_db, EDITOR)
    response = await client.get("/entries")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_a_body_that_is_too_large_or_not_utf8_is_refused_politely(client, web_db):
    csrf = await sign_in(client, web_db, EDITOR)
    big = await client.post("/entries/new", data={"csrf": csrf, "kk.answer": "x" * (10 * 1024 * 1024)})
    assert big.status == 413 and "<html" in await big.text()
    raw = await client.post("/entries/new", data=b"csrf=" + csrf.encode() + b"&kk.title=\xff\xfe",
                            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert raw.status in (400, 403) and "Traceback" not in await raw.text()


async def test_the_language_is_switched_on_every_page_and_kept(client, web_db):
    await sign_in(client, web_db, EDITOR)
    russian = await (await client.get("/entries?lang=ru")).text()
    assert 'lang="ru"' in russian
    assert 'lang="ru"' in await (await client.get("/gaps")).text()


async def test_the_date_of_a_link_follows_the_wall_clock(web_db, wall):
    token = sessions.issue_link(web_db, EDITOR, by="test")
    row = next(web_db.query("select * from web_links"))
    expected = (wall.now + dt.timedelta(minutes=sessions.LINK_MINUTES)).isoformat(timespec="seconds")
    assert row["expires_at"] == expected and token not in str(row)

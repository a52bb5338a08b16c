"""Signing in with a one-time link, signing out, and the home page that leads to each person's work."""

from __future__ import annotations

from aiohttp import web

from bot.core import sessions
from bot.web.page import COOKIE, console, render, staff_of, t_of


def _safe_next(value: str | None) -> str:
    """Only a path on this console: never an address elsewhere (an open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


async def home(request: web.Request) -> web.Response:
    staff = staff_of(request)
    if staff is None:
        raise web.HTTPSeeOther("/signin")
    raise web.HTTPSeeOther("/gaps" if staff.editor else "/hearings" if staff.broadcaster else "/signin")


async def signin(request: web.Request) -> web.Response:
    return render(request, "signin.html", next=_safe_next(request.query.get("next")), problem=None,
                  signed_out="out" in request.query)


async def login_page(request: web.Request) -> web.Response:
    """The link opens a page with one button: the token is used by that POST, not by the GET, so a link
    preview or a scanner that fetches the address does not use up the link."""
    return render(request, "login.html", token=request.match_info["token"],
                  next=_safe_next(request.query.get("next")))


async def login(request: web.Request) -> web.Response:
    state = console(request)
    t = t_of(request)
    try:
        _, cookie = sessions.redeem(state.db, request.match_info["token"])
    except sessions.LinkRefused as exc:
        reasons = {
            "used": t.gettext("This sign-in link was used already: each link works once. Send /web to the bot "
                              "for a new one."),
            "expired": t.gettext("This sign-in link has expired: a link works for 10 minutes. Send /web to the "
                                 "bot for a new one."),
            "no_role": t.gettext("You no longer hold a role in Qogam, so the console is not open to you."),
        }
        message = reasons.get(exc.reason, t.gettext("This sign-in link is not valid. Send /web to the bot for a "
                                                    "new one."))
        return render(request, "signin.html", status=403, problem=message, next="/", signed_out=False)
    response = web.HTTPSeeOther(_safe_next(request.query.get("next")))
    response.set_cookie(COOKIE, cookie, httponly=True, samesite="Strict", secure=state.secure, path="/")
    raise response


async def signout(request: web.Request) -> web.Response:
    staff = staff_of(request)
    if staff is not None:
        everywhere = request.path.endswith("everywhere")
        sessions.sign_out(console(request).db, staff.session, everywhere=everywhere)
    response = web.HTTPSeeOther("/signin?out=1")
    response.del_cookie(COOKIE, path="/")
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", home)
    app.router.add_get("/signin", signin)
    app.router.add_get("/login/{token}", login_page)
    app.router.add_post("/login/{token}", login)
    app.router.add_post("/signout", signout)
    app.router.add_post("/signout/everywhere", signout)

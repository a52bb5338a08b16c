"""What every page of the web console shares: the middlewares (sessions, CSRF, language, security headers,
polite error pages), the template renderer, and the helpers a view uses (`require`, `render`, `form_of`).
The views import this module; bot/web/app.py assembles them, so nothing imports in a circle.

A handler turns a request into calls of the core and renders a template; checks, roles and SQL stay in the
core and in storage, as for the Telegram adapter. Every state change is a POST carrying the session's
CSRF token, and the core audits it with who did it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import jinja2
from aiohttp import web

from bot.core import roles, sessions
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator, translator
from bot.storage import users
from bot.web.console import Console

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "qogam_session"
LANG_COOKIE = "qogam_lang"
# Forms are small: an entry in three languages with 80 phrasings each is under 100 KB. A 10 MB body is
# refused with 413 before it is read.
MAX_BODY = 1024 * 1024
# No inline scripts or styles, nothing from elsewhere: the console works on an akimat's intranet, and a
# text an editor or a resident wrote can never run as code.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

CONSOLE: web.AppKey[Console] = web.AppKey("console", Console)
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("templates", jinja2.Environment)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Staff:
    """The signed-in person and what they may do."""

    key: str
    session: sessions.Session
    admin: bool
    editor: bool
    broadcaster_areas: tuple[str, ...]

    @property
    def broadcaster(self) -> bool:
        return self.admin or bool(self.broadcaster_areas)


STAFF: web.RequestKey[Staff] = web.RequestKey("staff", Staff)
TRANSLATOR: web.RequestKey[Translator] = web.RequestKey("translator", Translator)
FORM: web.RequestKey[object] = web.RequestKey("form", object)


def console(request: web.Request) -> Console:
    return request.app[CONSOLE]


def t_of(request: web.Request) -> Translator:
    return request[TRANSLATOR]


def staff_of(request: web.Request) -> Staff | None:
    return request.get(STAFF)


# ---- middlewares -------------------------------------------------------------------------------------
@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # The sign-in link carries its token in the path: never send it onward as a Referer.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _language(request: web.Request, key: str | None) -> str:
    wanted = request.query.get("lang") or request.cookies.get(LANG_COOKIE)
    if wanted in LANGUAGES:
        return wanted
    if key:
        stored = users.get_language(console(request).db, key)
        if stored in LANGUAGES:
            return stored
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "kk"


@web.middleware
async def identity(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Who is asking (the session's person and roles), in which language, and for a POST its CSRF token."""
    state = console(request)
    session = sessions.current(state.db, request.cookies.get(COOKIE))
    if session is not None:
        request[STAFF] = Staff(session.user_key, session, roles.is_admin(session.user_key),
                                 roles.may_edit(state.db, session.user_key),
                                 tuple(roles.broadcast_areas(state.db, session.user_key)))
    request[TRANSLATOR] = translator(_language(request, session.user_key if session else None))
    if request.method == "POST" and not request.path.startswith("/login/"):
        if session is None:
            return await signed_out(request)
        token = request.headers.get("X-CSRF-Token")
        if token is None:
            try:
                form = await request.post()
            except (UnicodeDecodeError, ValueError):
                raise web.HTTPBadRequest(text="the form is not valid UTF-8") from None
            request[FORM] = form
            token = form.get("csrf")
        if not sessions.csrf_ok(session, token if isinstance(token, str) else None):
            return page_error(request, 403, t_of(request).gettext(
                "This form has expired or did not come from this console. Reload the page and try again."))
    response = await handler(request)
    if "lang" in request.query and request.query["lang"] in LANGUAGES:
        response.set_cookie(LANG_COOKIE, request.query["lang"], max_age=365 * 24 * 3600, httponly=True,
                            samesite="Strict", secure=state.secure)
    return response


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Polite pages for 404, 405, 413 and a form that is not UTF-8; anything unexpected is logged and gets a
    page that says so, never a traceback."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return page_error(request, 413, _t(request).gettext("This form is too large to send."))
    except web.HTTPNotFound:
        return page_error(request, 404, _t(request).gettext("There is no such page here."))
    except web.HTTPMethodNotAllowed:
        return page_error(request, 405, _t(request).gettext("This page cannot be used that way."))
    except web.HTTPBadRequest:
        return page_error(request, 400, _t(request).gettext("The form could not be read. Reload the page and try "
                                                            "again."))
    except web.HTTPException:
        raise
    except (UnicodeDecodeError, ValueError):
        return page_error(request, 400, _t(request).gettext("The form could not be read. Reload the page and try "
                                                             "again."))
    except Exception:
        log.exception("console: %s %s failed", request.method, request.path)
        return page_error(request, 500, _t(request).gettext("Something went wrong on the server. Nothing was "
                                                            "changed; try again in a moment."))


def _t(request: web.Request) -> Translator:
    return request.get(TRANSLATOR) or translator("kk")


# ---- rendering ----------------------------------------------------------------------------------------
def render(request: web.Request, template: str, status: int = 200, **context: object) -> web.Response:
    t = _t(request)
    staff = staff_of(request)
    html = request.app[TEMPLATES].get_template(template).render(
        _=t.gettext, ngettext=t.ngettext, t=t, lang=t.lang, languages=LANGUAGE_NAMES, staff=staff,
        csrf=staff.session.csrf if staff else "", path=request.path,
        lang_link=lambda code: f"{request.path}?{urlencode({**request.query, 'lang': code})}",
        static=lambda name: str(request.app.router["static"].url_for(filename=name)), **context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def page_error(request: web.Request, status: int, message: str) -> web.Response:
    return render(request, "error.html", status=status, message=message)


async def signed_out(request: web.Request) -> web.Response:
    """Without a session every page leads to the page that says how to sign in (303)."""
    raise web.HTTPSeeOther(f"/signin?next={quote(request.path_qs, safe='')}")


def require(request: web.Request, allowed: Callable[[Staff], bool]) -> Staff:
    """The signed-in person when `allowed`; a 303 to the sign-in page without a session; 404 for someone the
    page is not for (they learn nothing of what exists, as in Telegram)."""
    staff = staff_of(request)
    if staff is None:
        raise web.HTTPSeeOther(f"/signin?next={quote(request.path_qs, safe='')}")
    if not allowed(staff):
        raise web.HTTPNotFound()
    return staff


async def form_of(request: web.Request):
    if FORM not in request:
        request[FORM] = await request.post()
    return request[FORM]

"""/roles and /audit, for admins: grant and revoke roles with an area picker (the same checks as `qogam
roles` and /roles in Telegram, audited), and the audit log with filters."""

from __future__ import annotations

from aiohttp import web

from bot.core import roles
from bot.storage import audit
from bot.storage import roles as stored
from bot.web.page import console, form_of, render, require, t_of


def _admin(staff) -> bool:
    return staff.admin


def area_choices(areas, lang: str, within: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(code, "Region › District") for the area picker, in tree order; `within`: only those areas and the
    areas under them."""
    out: list[tuple[str, str]] = []

    def walk(code: str | None) -> None:
        for area in areas.children(code, lang):
            if within is None or any(areas.within(area.code, scope) for scope in within):
                out.append((area.code, areas.path(area.code, lang)))
            walk(area.code)

    walk(None)
    return out


async def listing(request: web.Request, problem: str | None = None, done: str | None = None,
                  status: int = 200) -> web.Response:
    require(request, _admin)
    state = console(request)
    t = t_of(request)
    held = stored.all_roles(state.db)
    for row in held:
        row["where"] = state.areas.path(row["area"], t.lang) if row["area"] in state.areas else t.gettext("all areas")
    return render(request, "roles.html", status=status, held=held, areas=area_choices(state.areas, t.lang),
                  problem=problem, done=done)


async def change(request: web.Request) -> web.Response:
    staff = require(request, _admin)
    state = console(request)
    t = t_of(request)
    form = await form_of(request)
    role = str(form.get("role", ""))
    area = str(form.get("area", "")) or None
    try:
        key = roles.parse_user(str(form.get("user", "")))
        if request.path.endswith("grant"):
            changed = roles.grant(state.db, state.areas, key, role, area, by=staff.key)
            done = t.gettext("Granted.") if changed else t.gettext("This person already holds this role.")
        else:
            changed = roles.revoke(state.db, key, role, area, by=staff.key)
            done = t.gettext("Revoked.") if changed else t.gettext("This person does not hold this role.")
    except roles.RoleError:
        return await listing(request, problem=t.gettext(
            "Check the form: a user is a Telegram user id (digits, or tg:digits), a broadcaster needs an area, and "
            "the role must be editor or broadcaster."), status=422)
    return await listing(request, done=done)


async def log(request: web.Request) -> web.Response:
    require(request, _admin)
    state = console(request)
    actor = request.query.get("actor", "").strip()[:40] or None
    action = request.query.get("action", "").strip()[:40] or None
    since = request.query.get("since", "").strip()[:10] or None
    rows = audit.search(state.db, actor=actor, action=action, since=since, limit=500)
    return render(request, "audit.html", rows=rows, actor=actor or "", action=action or "", since=since or "",
                  actions=audit.actions(state.db))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/roles", listing)
    app.router.add_post("/roles/grant", change)
    app.router.add_post("/roles/revoke", change)
    app.router.add_get("/audit", log)

"""/hearings: public hearings for akimats' broadcasters (within their areas) and admins (everywhere). The form
has the same checks as `qogam hearings add` and /hearing (bot/core/hearings/), the preview shows each
language's message exactly as residents receive it with its buttons, and the live dashboard follows each
broadcast until it is done. A broadcaster who asks for another area's hearing by its address gets 404."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace

from aiohttp import web

from bot.clock import now as clock_now
from bot.core import roles
from bot.core.delivery.pacing import Settings
from bot.core.hearings import broadcasts
from bot.core.hearings import hearing as hearing_store
from bot.core.hearings.hearing import HearingError, check_duration, check_place, check_start, check_url, from_mapping
from bot.core.hearings.messages import ANNOUNCEMENT, buttons, check_fits, message, text
from bot.core.hearings.questions import group_questions
from bot.core.text.spreadsheet import row
from bot.i18n import LANGUAGES, translator
from bot.storage import hearings as stored
from bot.storage import outbox
from bot.web.page import Staff, console, form_of, render, require, t_of
from bot.web.views.people import area_choices

FIELDS = ("area", "starts_at", "duration_minutes", "place", "online_url", "latitude", "longitude")


def _broadcaster(staff: Staff) -> bool:
    return staff.broadcaster


def _scope(staff: Staff) -> tuple[str, ...] | None:
    """The areas a person may announce in (with the areas under them); None: everywhere (admins)."""
    return None if staff.admin else staff.broadcaster_areas


def _may_see(request: web.Request, staff: Staff, hearing) -> bool:
    return roles.may_broadcast(console(request).db, console(request).areas, staff.key, hearing.area)


def _hearing_or_404(request: web.Request, staff: Staff):
    try:
        hearing_id = int(request.match_info["hearing"])
    except ValueError:
        raise web.HTTPNotFound() from None
    hearing = hearing_store.get(console(request).db, hearing_id)
    if hearing is None or hearing.status == "draft" or not _may_see(request, staff, hearing):
        raise web.HTTPNotFound()
    return hearing


async def listing(request: web.Request) -> web.Response:
    staff = require(request, _broadcaster)
    state = console(request)
    t = t_of(request)
    shown = [h for h in hearing_store.listing(state.db, statuses=("announced", "corrected", "cancelled", "held"))
             if _may_see(request, staff, h)]
    rows = [{"hearing": h, "title": h.texts[h.language_for(t.lang)].title,
             "area": state.areas.path(h.area, t.lang) if h.area in state.areas else h.area,
             "attending": stored.attending(state.db, h.id), "questions": stored.question_count(state.db, h.id)}
            for h in shown]
    return render(request, "hearings.html", rows=rows)


def _mapping(form) -> dict:
    """The form as a hearing file's mapping, for hearing.from_mapping (the same checks as the file)."""
    data: dict = {key: str(form.get(key, "")).strip() for key in FIELDS}
    for key in ("online_url", "latitude", "longitude"):
        if not data[key]:
            del data[key]
    for key in ("latitude", "longitude"):
        if key in data:
            try:
                data[key] = float(data[key].replace(",", "."))
            except ValueError:
                pass  # the check says it is not a number
    if data.get("duration_minutes", "").isdigit():
        data["duration_minutes"] = int(data["duration_minutes"])
    data["starts_at"] = data.get("starts_at", "").replace("T", " ")
    for lang in LANGUAGES:
        title, agenda = (str(form.get(f"{lang}.{part}", "")).strip() for part in ("title", "agenda"))
        if title or agenda:
            data[lang] = {"title": title, "agenda": agenda}
    if form.get("urgent"):
        data["urgent"] = True
    return data


def _form_page(request: web.Request, staff: Staff, values: dict, problems: list[str], status: int = 200):
    state = console(request)
    t = t_of(request)
    return render(request, "hearing_form.html", status=status, values=values, problems=problems,
                  areas=area_choices(state.areas, t.lang, _scope(staff)), languages_order=LANGUAGES)


async def new(request: web.Request) -> web.Response:
    staff = require(request, _broadcaster)
    return _form_page(request, staff, {}, [])


async def submit(request: web.Request) -> web.Response:
    """step=preview shows what residents will receive; step=send (or send-urgent) queues it."""
    staff = require(request, _broadcaster)
    state = console(request)
    t = t_of(request)
    form = await form_of(request)
    values = {key: str(value) for key, value in form.items() if key != "csrf"}
    try:
        hearing = from_mapping(_mapping(form), state.areas)
        broadcasts.check_scope(state.db, state.areas, staff.key, hearing.area)
        check_fits(hearing, state.areas)
    except HearingError as exc:
        return _form_page(request, staff, values, exc.texts(t), status=422)
    step = str(form.get("step", "preview"))
    if step == "edit":
        return _form_page(request, staff, values, [])
    if step not in ("send", "send-urgent"):
        previews = [{"lang": lang, "text": text(hearing, ANNOUNCEMENT, translator(lang), state.areas),
                     "buttons": [[b.label for b in row] for row in buttons(hearing, ANNOUNCEMENT, translator(lang))]}
                    for lang in LANGUAGES if lang in hearing.texts]
        return render(request, "hearing_preview.html", values=values, previews=previews,
                      recipients=broadcasts.recipients(state.db, state.areas, hearing.area),
                      area=state.areas.path(hearing.area, t.lang))
    if step == "send-urgent":
        hearing = replace(hearing, urgent=True)
    queued = broadcasts.announce(state.db, state.areas, hearing, staff.key)
    raise web.HTTPSeeOther(f"/hearings/{queued.hearing}?sent=1")


def _dashboard(state, broadcast: dict, t) -> dict:
    counts = outbox.counts(state.db, broadcast["id"])
    rate = Settings.from_env().rate
    elapsed = None
    if broadcast.get("queued_at"):
        started = dt.datetime.fromisoformat(broadcast["queued_at"])
        elapsed = max(1.0, (clock_now() - started).total_seconds())
    finished = broadcast["status"] in ("done", "cancelled")
    return {**counts, "id": broadcast["id"], "kind": broadcast["kind"], "status": broadcast["status"],
            "rate": round(counts["sent"] / elapsed, 1) if elapsed and not finished else 0.0,
            "seconds_left": round(counts["pending"] / rate) if counts["pending"] else 0, "finished": finished,
            "status_text": _status_text(broadcast["status"], t)}


def _status_text(status: str, t) -> str:
    return {"queued": t.gettext("sending"), "done": t.gettext("done"), "cancelled": t.gettext("cancelled"),
            "scheduled": t.gettext("scheduled")}.get(status, status)


async def page(request: web.Request) -> web.Response:
    staff = require(request, _broadcaster)
    state = console(request)
    t = t_of(request)
    hearing = _hearing_or_404(request, staff)
    questions = group_questions(stored.questions(state.db, hearing.id))
    dashboards = [_dashboard(state, b, t) for b in outbox.of_hearing(state.db, hearing.id)
                  if b["status"] not in ("scheduled",)]
    return render(request, "hearing.html", hearing=hearing, title=hearing.texts[hearing.language_for(t.lang)].title,
                  details=message(hearing, ANNOUNCEMENT, t.lang, state.areas).text,
                  dashboards=dashboards, groups=questions, attending=stored.attending(state.db, hearing.id),
                  sent=request.query.get("sent") == "1", problems=[], done=None, open=hearing.status in
                  broadcasts.OPEN, languages_order=LANGUAGES)


async def dashboard(request: web.Request) -> web.Response:
    staff = require(request, _broadcaster)
    state = console(request)
    hearing = _hearing_or_404(request, staff)
    try:
        broadcast_id = int(request.match_info["broadcast"])
    except ValueError:
        raise web.HTTPNotFound() from None
    broadcast = outbox.get(state.db, broadcast_id)
    if broadcast is None or broadcast["hearing_id"] != hearing.id:
        raise web.HTTPNotFound()
    return web.json_response(_dashboard(state, broadcast, t_of(request)))


async def act(request: web.Request) -> web.Response:
    """Change the time or place, cancel, or publish the results (each queues its broadcast)."""
    staff = require(request, _broadcaster)
    state = console(request)
    t = t_of(request)
    hearing = _hearing_or_404(request, staff)
    form = await form_of(request)
    action = request.match_info["action"]
    try:
        if action == "change":
            starts = str(form.get("starts_at", "")).strip().replace("T", " ")
            duration = str(form.get("duration_minutes", "")).strip()
            place = str(form.get("place", "")).strip()
            url = str(form.get("online_url", "")).strip()
            broadcasts.correct(state.db, state.areas, hearing.id, staff.key,
                               starts_at=check_start(starts) if starts else None,
                               duration_minutes=check_duration(int(duration) if duration.isdigit() else duration)
                               if duration else None,
                               place=check_place(place) if place else None,
                               online_url=check_url(url) if url else None)
        elif action == "cancel":
            broadcasts.cancel(state.db, state.areas, hearing.id, staff.key)
        elif action == "results":
            broadcasts.publish_results(state.db, state.areas, hearing.id,
                                       {lang: str(form.get(f"results.{lang}", "")) for lang in LANGUAGES}, staff.key)
        else:
            raise web.HTTPNotFound()
    except HearingError as exc:
        return render(request, "done.html", status=422, title=t.gettext("Hearings"), back=f"/hearings/{hearing.id}",
                      lines=[], problems=exc.texts(t))
    raise web.HTTPSeeOther(f"/hearings/{hearing.id}?sent=1")


async def questions_csv(request: web.Request) -> web.Response:
    """Residents' questions, grouped, without who asked; every cell safe to open in a spreadsheet."""
    staff = require(request, _broadcaster)
    state = console(request)
    hearing = _hearing_or_404(request, staff)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "group_size", "question", "lang", "asked_at"])
    for number, group in enumerate(group_questions(stored.questions(state.db, hearing.id)), start=1):
        for q in group.questions:
            writer.writerow(row([number, group.count, q["question"], q["lang"], q["created_at"]]))
    return web.Response(text=out.getvalue(), content_type="text/csv", charset="utf-8", headers={
        "Content-Disposition": f'attachment; filename="hearing-{hearing.id}-questions.csv"'})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/hearings", listing)
    app.router.add_get("/hearings/new", new)
    app.router.add_post("/hearings/new", submit)
    app.router.add_get("/hearings/{hearing}", page)
    app.router.add_get("/hearings/{hearing}/broadcasts/{broadcast}.json", dashboard)
    app.router.add_get("/hearings/{hearing}/questions.csv", questions_csv)
    app.router.add_post("/hearings/{hearing}/{action}", act)

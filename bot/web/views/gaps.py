"""/gaps: residents' unanswered questions grouped, with the same four actions and checks as /gaps in
Telegram (bot/core/curation/resolve.py), the disputed answers, and the entries due for review."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiohttp import web

from bot.clock import KZ_TIME
from bot.clock import now as clock_now
from bot.core.curation import clustering, resolve, review
from bot.core.curation.stats import disputed
from bot.storage import gaps as gap_log
from bot.storage import learning
from bot.web.page import console, form_of, render, require, t_of

DISPUTED_DAYS = 30
# Clusters per page: a phone scrolls through 20 comfortably, and a page of 20 renders in milliseconds
# whatever the number of open gaps.
PER_PAGE = 20


def _editor(staff) -> bool:
    return staff.editor


async def clusters_now(request: web.Request) -> list[clustering.Cluster]:
    """The open clusters, computed in a thread from rows read here, and kept until the gaps change."""
    state = console(request)
    served = await state.knowledge()
    now = clock_now()
    ignored = learning.ignored_forms(state.db)
    key = (gap_log.signature(state.db), len(ignored), id(served.matcher), now.date(), now.hour)
    cached = getattr(state, "_clusters", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    rows = gap_log.with_status(state.db)
    clusters = await asyncio.to_thread(clustering.cluster_gaps, rows, served.matcher, served.glossary,
                                       ignored=ignored, now=now)
    state._clusters = (key, clusters)
    return clusters


def today() -> dt.date:
    return clock_now().astimezone(KZ_TIME).date()


async def listing(request: web.Request) -> web.Response:
    require(request, _editor)
    state = console(request)
    served = await state.knowledge()
    clusters = await clusters_now(request)
    pages = max(1, -(-len(clusters) // PER_PAGE))
    try:
        page = min(max(int(request.query.get("page", "0")), 0), pages - 1)
    except ValueError:
        page = 0
    return render(request, "gaps.html", clusters=clusters, kb=served.kb, page=page, pages=pages,
                  shown=clusters[page * PER_PAGE:(page + 1) * PER_PAGE],
                  disputed=disputed(state.db, DISPUTED_DAYS), disputed_days=DISPUTED_DAYS,
                  due=review.due_for_review(served.kb, today()), due_months=review.DEFAULT_MONTHS,
                  outcome=None)


async def act(request: web.Request) -> web.Response:
    staff = require(request, _editor)
    state = console(request)
    t = t_of(request)
    served = await state.knowledge()
    action = request.match_info["action"]
    try:
        cluster_id = int(request.match_info["cluster"])
    except ValueError:
        raise web.HTTPNotFound() from None
    cluster = clustering.find(await clusters_now(request), cluster_id)
    if cluster is None:
        return render(request, "done.html", title=t.gettext("Questions"), back="/gaps", lines=[
            t.gettext("This cluster was dealt with already.")], problems=[])
    form = await form_of(request)
    if action == "phrasing":
        entry_id = str(form.get("other", "")).strip() or str(form.get("entry", ""))
        if entry_id not in served.kb.entries:
            return render(request, "done.html", status=400, title=t.gettext("Questions"), back="/gaps",
                          lines=[], problems=[t.gettext("Choose the entry these questions are phrasings of.")])
        outcome = resolve.add_as_phrasing(state.db, served.kb, served.matcher, served.glossary, cluster, entry_id,
                                          by=staff.key)
    elif action == "new-entry":
        outcome = resolve.mark_new_entry(state.db, cluster, by=staff.key)
    elif action == "not-ours":
        outcome = resolve.not_our_topic(state.db, served.kb, served.matcher, served.glossary, cluster, by=staff.key)
    elif action == "ignore":
        outcome = resolve.ignore(state.db, cluster, by=staff.key)
    else:
        raise web.HTTPNotFound()
    state._clusters = None
    state.changed()
    lines = []
    for lang, text in outcome.added:
        lines.append(t.gettext("Added [{lang}] {text}", lang=lang, text=text) if outcome.entry_id else
                     t.gettext("Listed [{lang}] {text} as not our topic", lang=lang, text=text))
    problems = [t.gettext("Refused [{lang}] {text}: {reason}", lang=lang, text=text, reason=_refusal(r, t))
                for lang, text, r in outcome.refused]
    if outcome.done:
        lines.append(t.ngettext("{n} question closed.", "{n} questions closed.", outcome.closed))
        if outcome.notified:
            lines.append(t.ngettext("{n} resident will be told the answer.", "{n} residents will be told the answer.",
                                    outcome.notified))
    return render(request, "done.html", title=t.gettext("Questions"), back="/gaps", lines=lines, problems=problems)


def _refusal(refusal: resolve.Refusal, t) -> str:
    return {
        "empty": t.gettext("it has no words left after personal data was removed"),
        "has_it": t.gettext("the entry already has this phrasing"),
        "elsewhere": t.gettext("it is already a phrasing of {entry}", entry=refusal.entry),
        "not_first": t.gettext("even with it, the question finds {entry} first", entry=refusal.found),
        "breaks": t.gettext("with it, the phrasing “{phrasing}” of {entry} would find {found} instead",
                            phrasing=refusal.phrasing, entry=refusal.entry, found=refusal.found),
    }[refusal.code]


def add_routes(app: web.Application) -> None:
    app.router.add_get("/gaps", listing)
    app.router.add_post("/gaps/{cluster}/{action}", act)

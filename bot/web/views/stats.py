"""/stats: the editors' figures, the same report as `qogam stats` and /stats, with the chart in the page."""

from __future__ import annotations

import asyncio
import base64
import json

from aiohttp import web

from bot.core.curation.chart import chart_png
from bot.core.curation.stats import report
from bot.web.page import console, render, require, t_of
from bot.web.views.gaps import clusters_now

CHOICES = (7, 28, 90, 365)
_charts: dict[tuple[str, str], bytes] = {}


async def page(request: web.Request) -> web.Response:
    require(request, lambda staff: staff.editor)
    state = console(request)
    t = t_of(request)
    try:
        days = int(request.query.get("days", "28"))
    except ValueError:
        days = 28
    days = days if days in CHOICES else 28
    clusters = [c.as_dict() for c in (await clusters_now(request))[:5]]
    figures = report(state.db, days=days, clusters=clusters)
    # matplotlib takes a second on a cold start and a third of one after: never on the event loop, and the
    # same figures in the same language are drawn once.
    key = (t.lang, json.dumps(figures["per_day"], sort_keys=True))
    chart = _charts.get(key)
    if chart is None:
        chart = await asyncio.to_thread(chart_png, figures, t)
        if len(_charts) > 32:
            _charts.clear()
        _charts[key] = chart
    kb = (await state.knowledge()).kb
    topics = {topic.id: topic.texts[t.lang].title for topic in kb.out_of_scope_topics.values()}
    return render(request, "stats.html", figures=figures, days=days, choices=CHOICES, kb=kb, topics=topics,
                  chart=base64.b64encode(chart).decode("ascii"))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/stats", page)

"""The web console's aiohttp application: the shared middlewares and templates (bot/web/page.py), the pages
of bot/web/views/, and /healthz, /readyz and /metrics (bot/ops/health.py) for the operator's monitoring."""

from __future__ import annotations

import jinja2
from aiohttp import web

from bot.ops.health import Health, add_routes, database_check
from bot.ops.metrics import Metrics
from bot.web.console import Console
from bot.web.page import CONSOLE, HERE, MAX_BODY, TEMPLATES, errors, identity, security_headers
from bot.web.views import auth, entries, gaps, hearings, people, stats


def make_app(state: Console) -> web.Application:
    app = web.Application(middlewares=[errors, security_headers, identity], client_max_size=MAX_BODY)
    app[CONSOLE] = state
    app[TEMPLATES] = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    app.router.add_static("/static/", HERE / "static", append_version=True, name="static")
    for module in (auth, gaps, entries, hearings, stats, people):
        module.add_routes(app)
    add_routes(app, Health(Metrics(state.db), {"database": database_check(state.db)}))
    return app

"""`qogam web`: the web console for editors, akimats' staff and admins (bot/web/), and `qogam web link`, the
operator's way to sign in the first admin."""

from __future__ import annotations

import click


@click.group(invoke_without_command=True)
@click.option("--listen", default="127.0.0.1", show_default=True,
              help="Address to listen on (put nginx in front for TLS, as for the webhook).")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.pass_context
def web(ctx: click.Context, listen: str, port: int) -> None:
    """Run the web console on the same data directory as `qogam run`; what it changes reaches the running bot
    within seconds. Sign in with /web in a private chat with the bot, or `qogam web link tg:<id>`."""
    if ctx.invoked_subcommand is not None:
        return
    from aiohttp import web as aiohttp_web

    from bot.logs import configure_console_logging
    from bot.settings import SettingsError, web_url
    from bot.storage.db import SERVICE_BUSY_MS, open_db
    from bot.web.app import make_app
    from bot.web.console import Console

    try:
        url = web_url()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    configure_console_logging()
    app = make_app(Console(open_db(busy_ms=SERVICE_BUSY_MS), url))
    click.echo(f"Qogam console on http://{listen}:{port} (public address {url}); Ctrl-C stops it.", err=True)
    try:
        aiohttp_web.run_app(app, host=listen, port=port, print=None, shutdown_timeout=5)
    except OSError as exc:  # the port taken, an address not ours
        raise click.ClickException(f"cannot listen on {listen}:{port}: {exc.strerror}") from exc


@web.command("link")
@click.argument("user")
def web_link(user: str) -> None:
    """Print a one-time sign-in link for USER (tg:<id>), who must hold a role (for the first admin: put their
    id in QOGAM_ADMIN_IDS). The link works once, for 10 minutes."""
    from bot.cli._common import actor
    from bot.core import roles, sessions
    from bot.settings import SettingsError, web_url
    from bot.storage.db import open_db

    try:
        url = web_url()
        key = roles.parse_user(user)
    except (SettingsError, roles.RoleError) as exc:
        raise click.ClickException(str(exc)) from exc
    token = sessions.issue_link(open_db(), key, by=actor())
    if token is None:
        raise click.ClickException(f"{key} holds no role: grant one first (qogam roles grant), or add the id to "
                                   "QOGAM_ADMIN_IDS for an admin")
    click.echo(f"{url}/login/{token}")

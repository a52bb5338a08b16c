"""`qogam areas`, `qogam subscribers` and `qogam qr`: the areas residents follow, who follows them, and QR
codes of deep links for posters."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli._common import area_code, load_areas, load_kb


@click.command("areas")
@click.option("--json", "as_json", is_flag=True, help='Print {"areas": [{"code", "parent", "kind", "iso", "names"}]}.')
def areas_command(as_json: bool) -> None:
    """List the areas residents can follow (knowledge/areas.toml), as a tree."""
    areas = load_areas()
    if as_json:
        rows = [{"code": a.code, "parent": a.parent, "kind": a.kind, "iso": a.iso, "names": a.names}
                for a in areas.by_code.values()]
        click.echo(json.dumps({"areas": rows}, ensure_ascii=False, indent=2))
        return

    def show(code: str, depth: int) -> None:
        area = areas.get(code)
        iso = f"  {area.iso}" if area.iso else ""
        click.echo(f"{'  ' * depth}{area.code}  {area.names['en']} / {area.names['kk']}  ({area.kind}){iso}")
        for child in areas.children(code, "en"):
            show(child.code, depth + 1)

    for root in areas.children(None):
        show(root.code, 0)


@click.command()
@click.argument("code")
@click.option("--tree", is_flag=True, help="Count the subscribers of the areas under CODE too (each person once).")
@click.option("--json", "as_json", is_flag=True, help='Print {"area", "active", "stopped"}.')
def subscribers(code: str, tree: bool, as_json: bool) -> None:
    """How many residents follow area CODE: active ones, and stopped ones (they blocked the bot)."""
    from bot.storage import subscriptions
    from bot.storage.db import open_db

    areas = load_areas()
    code = area_code(areas, code)
    counts = subscriptions.count(open_db(), areas.descendants(code) if tree else [code])
    if as_json:
        click.echo(json.dumps({"area": code, **counts}))
    else:
        click.echo(f"{code}{' and the areas under it' if tree else ''}: {counts['active']} active, "
                   f"{counts['stopped']} stopped")


@click.group()
def qr() -> None:
    """Write a PNG QR code of a deep link, for posters and leaflets."""


def _bot_username(given: str | None) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME, else asked from Telegram (getMe) with the bot's token."""
    from bot import settings

    name = (given or settings.bot_username()).lstrip("@").strip()
    if name:
        return name
    token = settings.bot_token().strip()
    if not token:
        raise click.ClickException("name the bot with --bot-username (offline), or set TELEGRAM_BOT_TOKEN so "
                                   "its username can be asked from Telegram")
    import httpx  # python-telegram-bot's own HTTP client

    base = (settings.api_base_url() or "https://api.telegram.org").rstrip("/")
    try:
        answer = httpx.get(f"{base}/bot{token}/getMe", timeout=10).json()
    except (httpx.HTTPError, ValueError) as exc:
        raise click.ClickException(f"cannot ask Telegram for the bot's username ({type(exc).__name__}); "
                                   "use --bot-username") from exc
    if not answer.get("ok"):
        raise click.ClickException("Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather")
    return answer["result"]["username"]


def _write_qr(link: str, out: Path) -> None:
    import segno

    # Error correction "Q" survives a quarter of the code smudged or covered, as posters often are;
    # scale 10 gives about 4 cm at 300 dpi for a link of this length, readable from a metre away.
    segno.make(link, error="q", micro=False).save(str(out), kind="png", scale=10, border=4)
    click.echo(f"{out}: {link}")


_BOT_OPTION = click.option("--bot-username", "--bot", "bot", metavar="USERNAME",
                           help="The bot's username, offline (default: TELEGRAM_BOT_USERNAME, else getMe with "
                                "TELEGRAM_BOT_TOKEN).")
_OUT_OPTION = click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                           help="The PNG file to write.")


@qr.command("sub")
@click.argument("code")
@_OUT_OPTION
@_BOT_OPTION
def qr_sub(code: str, out: Path, bot: str | None) -> None:
    """QR code of t.me/<bot>?start=sub-<code>: scanning it offers that area's subscription."""
    from bot.core.dialogue.base import deep_link_payload
    from bot.core.dialogue.subscriptions import DEEP_LINK_PREFIX

    code = area_code(load_areas(), code)
    _write_qr(f"https://t.me/{_bot_username(bot)}?start={DEEP_LINK_PREFIX}{deep_link_payload(code)}", out)


@qr.command("entry")
@click.argument("entry_id")
@_OUT_OPTION
@_BOT_OPTION
def qr_entry(entry_id: str, out: Path, bot: str | None) -> None:
    """QR code of t.me/<bot>?start=<entry>: scanning it opens that answer."""
    from bot.core.dialogue.base import deep_link_payload

    if entry_id not in load_kb().entries:
        raise click.ClickException(f"unknown entry {entry_id!r}; `qogam kb dump` lists them")
    _write_qr(f"https://t.me/{_bot_username(bot)}?start={deep_link_payload(entry_id)}", out)

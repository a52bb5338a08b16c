"""`qogam areas`, `qogam subscribers` and `qogam qr`: the areas residents follow, who follows them, and QR
codes of deep links for posters."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
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
@click.option("--json", "as_json", is_flag=True, help='Print {"area", "active", "stopped", "reach"}.')
def subscribers(code: str, tree: bool, as_json: bool) -> None:
    """How many residents follow area CODE (active ones, and stopped ones: they blocked the bot), and how many
    an announcement for CODE reaches: its followers and those who follow an area around it with everything
    in it (with --tree: for CODE or any area under it)."""
    from bot.core.hearings.broadcasts import audience
    from bot.storage import subscriptions
    from bot.storage.db import open_db

    areas = load_areas()
    code = area_code(areas, code)
    db = open_db()
    followed = areas.descendants(code) if tree else [code]
    counts = subscriptions.count(db, followed)
    # Those who hear about a hearing held there: its followers (either scope), and the 'tree' followers of the
    # areas around CODE (an area inside CODE's tree is in `followed` already).
    reach = subscriptions.count(db, followed, tree_codes=audience(areas, code)[1])["active"]
    if as_json:
        click.echo(json.dumps({"area": code, **counts, "reach": reach}))
    else:
        where = f"{code} and the areas under it" if tree else code
        click.echo(f"{where}: {counts['active']} active, {counts['stopped']} stopped; an announcement there reaches "
                   f"{reach} (with those who follow an area around it with everything in it)")


@click.group()
def qr() -> None:
    """Write a PNG QR code of a deep link, for posters and leaflets."""


# A bot's username as Telegram allows it: 5-32 letters, digits and underscores, starting with a letter and
# ending in "bot" (any case), as @BotFather requires.
BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{1,28}[Bb][Oo][Tt]")


def _bot_username(given: str | None) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME, else asked from Telegram (getMe) with the bot's token."""
    from bot import settings

    name = (given or settings.bot_username()).strip().removeprefix("@")
    if name:
        if not BOT_USERNAME.fullmatch(name):
            where = "--bot-username" if given else "TELEGRAM_BOT_USERNAME"
            raise click.ClickException(f"{where}: {name[:40]!r} is not a bot's username (5-32 letters, digits or "
                                       "underscores, starting with a letter and ending in 'bot', as @BotFather "
                                       "shows it)")
        return name
    token = settings.bot_token().strip()
    if not token:
        raise click.ClickException("name the bot with --bot-username (offline), or set TELEGRAM_BOT_TOKEN so "
                                   "its username can be asked from Telegram")
    import httpx  # python-telegram-bot's own HTTP client

    from bot.telegram.app import StartupError, check_api_base_url

    try:
        base = check_api_base_url(settings.api_base_url()).rstrip("/")
    except StartupError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        answer = httpx.get(f"{base}/bot{token}/getMe", timeout=10).json()
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise click.ClickException(f"cannot ask Telegram for the bot's username ({type(exc).__name__}); "
                                   "use --bot-username") from exc
    if not answer.get("ok"):
        raise click.ClickException("Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather")
    return answer["result"]["username"]


def _write_qr(link: str, out: Path) -> None:
    import segno

    # Error correction "Q" survives a quarter of the code smudged or covered, as posters often are;
    # scale 10 gives about 4 cm at 300 dpi for a link of this length, readable from a metre away.
    code = segno.make(link, error="q", micro=False)
    with _open_out(out) as file:
        code.save(file, kind="png", scale=10, border=4)
    click.echo(f"{out}: {link}")


def _open_out(out: Path):
    """The PNG file opened for writing, never through a symbolic link (another user's link in a shared
    directory would make the operator overwrite its target) and never a device or a pipe; every problem
    is one line."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        fd = os.open(out, flags, 0o644)
    except FileNotFoundError as exc:
        raise click.ClickException(f"cannot write {out}: the directory {out.parent} does not exist") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP or out.is_symlink():
            raise click.ClickException(f"{out} is a symbolic link: refusing to write through it; give the path "
                                       "of a new or regular file") from exc
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise click.ClickException(f"{out} is not a regular file: give the path of a new or regular file")
    return os.fdopen(fd, "wb")


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

"""`qogam roles` and `qogam audit`: who may do what, and the log of privileged actions."""

from __future__ import annotations

import json

import click

from bot.cli._common import actor, area_code, load_areas


@click.group()
def roles() -> None:
    """Grant, revoke and list staff roles (editor, broadcaster). USER is tg:<Telegram user id>."""


def _role_change(action, user: str, role: str, area: str | None) -> None:
    from bot.core import roles as core_roles
    from bot.storage.db import open_db

    areas = load_areas()
    try:
        key = core_roles.parse_user(user)
        if area is not None:
            area_code(areas, area)
        changed = action(open_db(), areas, key, role, area)
    except core_roles.RoleError as exc:
        raise click.ClickException(str(exc)) from exc
    return key, changed


@roles.command("grant")
@click.argument("user")
@click.argument("role", type=click.Choice(["editor", "broadcaster"]))
@click.option("--area", metavar="CODE", help="The area the role covers, with the areas under it "
                                             "(required for broadcaster; none = all areas for an editor).")
def roles_grant(user: str, role: str, area: str | None) -> None:
    """Give USER a ROLE (audited)."""
    from bot.core import roles as core_roles

    key, changed = _role_change(lambda db, areas, k, r, a: core_roles.grant(db, areas, k, r, a, by=actor()),
                                user, role, area)
    click.echo(f"granted: {key} {role} {area or 'all areas'}" if changed else f"{key} already has {role} {area or ''}")


@roles.command("revoke")
@click.argument("user")
@click.argument("role", type=click.Choice(["editor", "broadcaster"]))
@click.option("--area", metavar="CODE", help="The area of the role to revoke (as it was granted).")
def roles_revoke(user: str, role: str, area: str | None) -> None:
    """Take ROLE away from USER (audited)."""
    from bot.core import roles as core_roles

    key, changed = _role_change(lambda db, areas, k, r, a: core_roles.revoke(db, k, r, a, by=actor()),
                                user, role, area)
    if not changed:
        raise click.ClickException(f"{key} has no {role} role{' for ' + area if area else ''}")
    click.echo(f"revoked: {key} {role} {area or ''}".rstrip())


@roles.command("list")
@click.option("--json", "as_json", is_flag=True, help='Print [{"user", "role", "area", "granted_at", "granted_by"}].')
def roles_list(as_json: bool) -> None:
    """Everyone who holds a role. Admins come from QOGAM_ADMIN_IDS and are not listed."""
    from bot.storage import roles as stored
    from bot.storage.db import open_db

    rows = stored.all_roles(open_db())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['user']}\t{r['role']}\t{r['area'] or 'all areas'}\t{r['granted_at']}\t{r['granted_by']}")
    if not rows:
        click.echo("nobody holds a role")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, newest first.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000000), help="How many entries.")
def audit(as_json: bool, limit: int) -> None:
    """The append-only log of privileged actions: grants, revokes and later staff actions."""
    from bot.storage import audit as audit_log
    from bot.storage.db import open_db

    rows = audit_log.entries(open_db(), limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        detail = " ".join(f"{k}={v}" for k, v in r["detail"].items())
        click.echo(f"{r['at']}\t{r['actor']}\t{r['action']}\t{r['target'] or '-'}\t{detail}")

"""`qogam backup`, `qogam restore` and `qogam doctor`: what an operator runs to keep the installation safe
and to find out what is wrong (docs/operations.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _directories() -> tuple[Path, Path, Path]:
    from bot.core.knowledge.loader import knowledge_dir
    from bot.settings import REPO
    from bot.storage.db import data_dir

    return data_dir(), knowledge_dir(), REPO


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@click.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="The archive to write (tar.gz), e.g. /var/backups/qogam/qogam-$(date +%F).tar.gz.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def backup(out: Path, as_json: bool) -> None:
    """Back up the database (a consistent snapshot, safe while `qogam run` runs), the webhook secret and the
    editors' knowledge files into one tar.gz with a manifest of checksums."""
    from bot.storage import backup as backups

    data, knowledge, repo = _directories()
    manifest = backups.create(out, data_dir=data, knowledge_dir=knowledge, repo=repo)
    if as_json:
        click.echo(json.dumps(manifest, ensure_ascii=False, indent=2))
        return
    knowledge_count = sum(f["path"].startswith("knowledge/") for f in manifest["files"])
    click.echo(f"Wrote {manifest['archive']} ({_size(manifest['size'])}, {manifest['seconds']:.1f} s): the database "
               f"at migration level {manifest['migration_level']} (integrity ok), "
               f"{'the webhook secret, ' if any(f['path'] == 'data/webhook-secret' for f in manifest['files']) else ''}"
               f"{knowledge_count} knowledge file(s) ({manifest['knowledge']['why']}).")
    click.echo(f"Restore it with: qogam restore {manifest['archive']}")


@click.command()
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was restored as JSON.")
def restore(archive: Path, as_json: bool) -> None:
    """Restore a `qogam backup` archive into QOGAM_DATA_DIR and QOGAM_KNOWLEDGE_DIR. Refuses while `qogam run`
    uses the data directory; checks every checksum first; keeps what it replaces in
    data/pre-restore-<time>/."""
    from bot.storage import backup as backups

    data, knowledge, _ = _directories()
    done = backups.restore(archive, data_dir=data, knowledge_dir=knowledge)
    if as_json:
        click.echo(json.dumps(done, ensure_ascii=False, indent=2))
        return
    click.echo(f"Restored {done['archive']} (made {done['created_at']} by qogam {done['qogam_version']}, migration "
               f"level {done['migration_level']}):")
    for path in done["restored"]:
        click.echo(f"  {path}")
    click.echo(f"  {len(done['knowledge_files'])} knowledge file(s) into {done['knowledge_dir']} "
               f"({'the whole directory' if done['knowledge_mode'] == 'all' else 'changed files only'})")
    click.echo(f"What was there before is in {done['kept_aside']} ({len(done['kept'])} item(s)).")
    if done["migration_level"] < done["code_migration_level"]:
        click.echo(f"The next `qogam run` brings the database from migration level {done['migration_level']} "
                   f"to {done['code_migration_level']}.")
    click.echo("Start the bot again (systemctl start qogam) and run `qogam doctor`.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print {\"checks\": [{\"name\", \"status\", \"detail\", "
              "\"fix\"}], \"status\"} instead.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(0.5, 60),
              help="Seconds for each network check.")
def doctor(as_json: bool, timeout: float) -> None:
    """Check everything an operator needs (token, Telegram, webhook, database, disk, permissions, queues,
    model cache, knowledge base, admins, time zones, another instance): OK / WARN / FAIL, each with its
    fix. Exit code 1 on any FAIL."""
    from bot.ops.doctor import run_checks

    results = run_checks(timeout=timeout)
    failed = any(r.status == "FAIL" for r in results)
    if as_json:
        overall = "FAIL" if failed else "WARN" if any(r.status == "WARN" for r in results) else "OK"
        click.echo(json.dumps({"status": overall, "checks": [r.as_dict() for r in results]}, ensure_ascii=False,
                              indent=2))
    else:
        width = max(len(r.name) for r in results)
        for r in results:
            click.echo(f"{r.status:<4}  {r.name:<{width}}  {r.detail}")
            if r.status != "OK" and r.fix:
                click.echo(f"{'':<4}  {'':<{width}}  fix: {r.fix}")
    if failed:
        sys.exit(1)

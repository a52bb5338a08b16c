"""`qogam hearings ...`, `qogam broadcasts` and `qogam broadcast show`: the akimat's hearings from the
server's command line. The checks are the core's, the same as in /hearing; a queued broadcast is sent
by the running `qogam run`.
"""

from __future__ import annotations

import csv
import json
import sys
import tomllib
from pathlib import Path

import click

from bot.cli._common import actor, check_broadcast_settings, load_areas

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_AS = click.option("--as", "as_user", metavar="USER",
                   help="Act as this broadcaster (tg:<id>), with their area's limits; default: the operator.")
_JSON = click.option("--json", "as_json", is_flag=True, help='Print {"hearing", "broadcast", "recipients"}.')


def _context(as_user: str | None):
    from bot.core import roles
    from bot.storage.db import open_db

    check_broadcast_settings()
    try:
        who = roles.parse_user(as_user) if as_user else actor()
    except roles.RoleError as exc:
        raise click.ClickException(str(exc)) from exc
    return open_db(), load_areas(), who


def _problems(exc) -> click.ClickException:
    from bot.i18n import translator

    return click.ClickException("the hearing was not queued:\n" + "\n".join(
        f"  - {text}" for text in exc.texts(translator("en"))))


def _read_toml(file: Path) -> dict:
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file}: not a valid TOML file: {exc}") from exc


def _queue(operation, as_json: bool, what: str) -> None:
    """Run a core operation that queues a broadcast; print what it queued, or its problems."""
    from bot.core.hearings.hearing import HearingError

    try:
        queued = operation()
    except HearingError as exc:
        raise _problems(exc) from exc
    _print_queued(queued, as_json, what)


def _print_queued(queued, as_json: bool, what: str) -> None:
    if as_json:
        click.echo(json.dumps({"hearing": queued.hearing, "broadcast": queued.broadcast,
                               "recipients": queued.recipients}))
    else:
        click.echo(f"hearing {queued.hearing}: {what} queued as broadcast {queued.broadcast} for "
                   f"{queued.recipients} recipients; the running `qogam run` sends it")


@click.group()
def hearings() -> None:
    """Announce public hearings and follow them up (FILE format: see README, "Hearings")."""


@hearings.command("add")
@click.argument("file", type=_FILE)
@click.option("--dry-run", is_flag=True, help="Check and preview; queue nothing.")
@_JSON
@_AS
def hearings_add(file: Path, dry_run: bool, as_json: bool, as_user: str | None) -> None:
    """Check FILE.toml, then queue the announcement to every subscriber of the area (and its reminders)."""
    from bot.core.hearings import broadcasts as announcing
    from bot.core.hearings.hearing import HearingError, from_mapping
    from bot.core.hearings.messages import ANNOUNCEMENT, check_fits, text
    from bot.i18n import translator

    db, areas, actor = _context(as_user)
    try:
        hearing = from_mapping(_read_toml(file), areas)
        announcing.check_scope(db, areas, actor, hearing.area)
        check_fits(hearing, areas)
        if dry_run:
            count = announcing.recipients(db, areas, hearing.area)
            preview = {lang: text(hearing, ANNOUNCEMENT, translator(lang), areas) for lang in hearing.texts}
            if as_json:
                click.echo(json.dumps({"hearing": None, "broadcast": None, "recipients": count,
                                       "preview": preview}, ensure_ascii=False))
            else:
                for lang, body in preview.items():
                    click.echo(f"--- {lang} ---\n{body}\n")
                click.echo(f"recipients: {count} (dry run: nothing queued)")
            return
        queued = announcing.announce(db, areas, hearing, actor)
    except HearingError as exc:
        raise _problems(exc) from exc
    _print_queued(queued, as_json, "announcement")


@hearings.command("list")
@click.option("--json", "as_json", is_flag=True, help='Print [{"id", "area", "starts_at", "status", "title", ...}].')
def hearings_list(as_json: bool) -> None:
    """Hearings, the latest first, with how many will attend and how many questions they have."""
    from bot.core.hearings import hearing as hearing_store
    from bot.storage import hearings as stored
    from bot.storage.db import open_db

    db, areas = open_db(), load_areas()
    rows = [{"id": h.id, "area": h.area, "starts_at": h.starts_at.isoformat(timespec="minutes"),
             "duration_minutes": h.duration_minutes, "place": h.place, "status": h.status, "sequence": h.sequence,
             "title": h.texts[h.language_for("en")].title, "attending": stored.attending(db, h.id),
             "questions": stored.question_count(db, h.id)}
            for h in hearing_store.listing(db, statuses=("announced", "corrected", "cancelled", "held"))]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['id']}\t{r['starts_at']}\t{r['status']}\t{areas.path(r['area'], 'en')}\t{r['title']}\t"
                   f"attending={r['attending']} questions={r['questions']}")


@hearings.command("questions")
@click.argument("hearing_id", type=int)
@click.option("--csv", "as_csv", is_flag=True,
              help="Print CSV: group, group_size (residents), question, lang, asked_at, group_questions.")
def hearings_questions(hearing_id: int, as_csv: bool) -> None:
    """Residents' questions for a hearing, grouped by similarity, with the number who will attend. A
    group's size counts residents: one who asked five times is one."""
    from bot.core.hearings import hearing as hearing_store
    from bot.core.hearings.questions import group_questions
    from bot.core.text.spreadsheet import row
    from bot.storage import hearings as stored
    from bot.storage.db import open_db

    db = open_db()
    if hearing_store.get(db, hearing_id) is None:
        raise click.ClickException(f"there is no hearing {hearing_id}; see `qogam hearings list`")
    groups = group_questions(stored.questions(db, hearing_id))
    if as_csv:
        writer = csv.writer(sys.stdout)
        # group_questions (the rows) was added after group_size, at the end, so readers by position still work.
        writer.writerow(["group", "group_size", "question", "lang", "asked_at", "group_questions"])
        for number, group in enumerate(groups, 1):
            for q in group.questions:
                # Residents' text never runs as a formula in the akimat's spreadsheet.
                writer.writerow(row([number, group.count, q["question"], q["lang"], q["created_at"], group.asked]))
        return
    click.echo(f"hearing {hearing_id}: {sum(g.asked for g in groups)} questions in {len(groups)} groups, "
               f"{stored.attending(db, hearing_id)} will attend")
    for number, group in enumerate(groups, 1):
        click.echo(f"\n{number}. ×{group.count} " + ("resident" if group.count == 1 else "residents")
                   + (f", {group.asked} questions" if group.asked != group.count else ""))
        for q in group.questions:
            click.echo(f"   - {q['question']}")


@hearings.command("change")
@click.argument("hearing_id", type=int)
@click.option("--starts-at", metavar="LOCAL", help="New start, local time: 2026-12-05T15:00.")
@click.option("--duration", "duration_minutes", type=int, help="New duration in minutes.")
@click.option("--place", help="New place.")
@click.option("--online-url", help="New online link.")
@_JSON
@_AS
def hearings_change(hearing_id: int, starts_at: str | None, duration_minutes: int | None, place: str | None,
                    online_url: str | None, as_json: bool, as_user: str | None) -> None:
    """Correct a hearing's time or place: everyone who received the announcement is told, with a new .ics."""
    from bot.core.hearings import broadcasts as announcing
    from bot.core.hearings.hearing import check_duration, check_place, check_start, check_url

    db, areas, actor = _context(as_user)
    _queue(lambda: announcing.correct(
        db, areas, hearing_id, actor,
        starts_at=check_start(starts_at) if starts_at else None,
        duration_minutes=check_duration(duration_minutes) if duration_minutes is not None else None,
        place=check_place(place) if place else None,
        online_url=check_url(online_url) if online_url else None), as_json, "correction")


@hearings.command("cancel")
@click.argument("hearing_id", type=int)
@_JSON
@_AS
def hearings_cancel(hearing_id: int, as_json: bool, as_user: str | None) -> None:
    """Cancel a hearing: unsent messages about it are dropped, and everyone who received it is told."""
    from bot.core.hearings import broadcasts as announcing

    db, areas, actor = _context(as_user)
    _queue(lambda: announcing.cancel(db, areas, hearing_id, actor), as_json, "cancellation")


@hearings.command("results")
@click.argument("hearing_id", type=int)
@click.argument("file", type=_FILE)
@_JSON
@_AS
def hearings_results(hearing_id: int, file: Path, as_json: bool, as_user: str | None) -> None:
    """Publish a held hearing's results from FILE.toml (kk = "...", ru = "...", optional en = "...")."""
    from bot.core.hearings import broadcasts as announcing

    db, areas, actor = _context(as_user)
    _queue(lambda: announcing.publish_results(db, areas, hearing_id, _read_toml(file), actor), as_json, "results")


@click.command("broadcasts")
@click.option("--json", "as_json", is_flag=True, help='Print [{"id", "hearing", "kind", "status", "total", ...}].')
def broadcasts(as_json: bool) -> None:
    """Broadcasts, the latest first, with their delivery counts."""
    from bot.storage import outbox
    from bot.storage.db import open_db

    db = open_db()
    rows = [_broadcast_row(db, b) for b in outbox.listing(db)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['id']}\thearing={r['hearing']}\t{r['kind']}\t{r['status']}\ttotal={r['total']} "
                   f"sent={r['sent']} pending={r['pending']} stopped={r['stopped']} failed={r['failed']}")


def _broadcast_row(db, broadcast: dict) -> dict:
    from bot.storage import outbox

    counts = outbox.counts(db, broadcast["id"])
    return {"id": broadcast["id"], "hearing": broadcast["hearing_id"], "kind": broadcast["kind"],
            "status": broadcast["status"], "urgent": bool(broadcast["urgent"]), "due_at": broadcast["due_at"],
            "created_by": broadcast["created_by"], "created_at": broadcast["created_at"],
            "finished_at": broadcast["finished_at"], "total": counts["total"], "sent": counts["sent"],
            "pending": counts["pending"], "stopped": counts["stopped"], "failed": counts["failed"],
            "skipped": counts["skipped"]}


@click.group("broadcast")
def broadcast() -> None:
    """One broadcast."""


@broadcast.command("show")
@click.argument("broadcast_id", type=int)
@click.option("--json", "as_json", is_flag=True, help='Print {"id", "total", "sent", "pending", "stopped", "failed"}.')
def broadcast_show(broadcast_id: int, as_json: bool) -> None:
    """A broadcast's delivery counts, and why rows failed."""
    from bot.storage import outbox
    from bot.storage.db import open_db

    db = open_db()
    found = outbox.get(db, broadcast_id)
    if found is None:
        raise click.ClickException(f"there is no broadcast {broadcast_id}; see `qogam broadcasts`")
    row = _broadcast_row(db, found)
    if as_json:
        click.echo(json.dumps(row, ensure_ascii=False))
        return
    for key, value in row.items():
        click.echo(f"{key}: {value}")
    for reason, count in outbox.failures(db, broadcast_id):
        click.echo(f"failed ({count}): {reason}")

"""`qogam kb check|dump|learned|todo`: the knowledge base as editors keep it."""

from __future__ import annotations

import json
import sys

import click

from bot.cli._common import Status, echo_cluster, load_kb, served, served_glossary


@click.group()
def kb() -> None:
    """Check or dump the knowledge base in knowledge/ (QOGAM_KNOWLEDGE_DIR overrides)."""


@kb.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def kb_check(strict: bool) -> None:
    """Validate every entry; exit 1 on errors. Prints file and entry id for each problem."""
    from bot.core.curation.check import check

    status = Status()
    knowledge, problems = check(progress=lambda what, share: status(f"kb check: {what}", share))
    if status.shown and status.terminal:
        status.done(f"kb check: done in {status.seconds:.1f} s")
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{len(knowledge.entries)} entries, {errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


@kb.command("dump")
def kb_dump() -> None:
    """Print the loaded knowledge base as JSON."""
    knowledge = load_kb()
    entries = [
        {
            "id": e.id,
            "category": e.category,
            "answers": {lang: text.answer for lang, text in e.texts.items()},
            "questions": {lang: list(text.questions) for lang, text in e.texts.items()},
            "sources": [{"title": s.title, "titles": {lang: s.title_in(lang) for lang in e.texts}, "url": s.url}
                        for s in e.sources],
            "titles": {lang: text.title for lang, text in e.texts.items()},
            "reviewed": e.reviewed.isoformat(),
            "law_as_of": e.law_as_of.isoformat(),
            "review_note": e.review_note,
            "editor_note": e.editor_note,
        }
        for e in knowledge.entries.values()
    ]
    categories = [{"id": c.id, "names": c.names} for c in knowledge.categories.values()]
    click.echo(json.dumps({"entries": entries, "categories": categories}, ensure_ascii=False, indent=2))


@kb.command("learned")
@click.option("--export", "do_export", is_flag=True,
              help="Write the phrasings not yet exported into the entry files (then review and commit them).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def kb_learned(do_export: bool, as_json: bool) -> None:
    """Phrasings and not-our-topic questions editors added from residents' questions; with --export,
    into the knowledge files."""
    from bot.core.curation.export import export
    from bot.core.knowledge.loader import OUT_OF_SCOPE_FILE, KnowledgeError
    from bot.storage import learning as learned
    from bot.storage.db import open_db

    db = open_db()
    if not do_export:
        rows, listed = learned.phrasings(db), learned.not_our_topic(db)
        if as_json:
            # "not_our_topic" only when there are some: `{"phrasings": []}` on a fresh data directory is a contract.
            shown = {"phrasings": rows, **({"not_our_topic": listed} if listed else {})}
            click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
            return
        if not rows and not listed:
            click.echo("No learned phrasings.")
        for r in rows + listed:
            state = f"exported {r['exported_at'][:10]}" if r["exported_at"] else "not exported"
            click.echo(f"{r['entry_id'] or 'not our topic'}  [{r['lang']}] {r['text']}  ({r['created_by']}, "
                       f"{r['created_at'][:10]}, {state})")
        return
    try:
        result = export(db)
    except KnowledgeError as exc:
        raise click.ClickException(f"the knowledge base has errors (run `qogam kb check`):\n{exc}") from exc
    if as_json:
        click.echo(json.dumps({"written": result.written, "problems": [str(p) for p in result.problems]},
                              ensure_ascii=False, indent=2))
    elif result.ok:
        for path, n in result.written.items():
            kind = "question" if path.endswith(OUT_OF_SCOPE_FILE) else "phrasing"
            click.echo(f"{path}: {n} {kind}{'s' if n != 1 else ''} added")
        click.echo("nothing to export" if not result.written else "kb check passed: review the diff and commit it")
    else:
        for problem in result.problems:
            click.echo(str(problem), err=True)
    if not result.ok:
        raise click.ClickException("kb check found errors with the learned phrasings: the files were restored "
                                   "and nothing was exported")


@kb.command("todo")
@click.option("--json", "as_json", is_flag=True, help='Print {"todo": [clusters]}.')
def kb_todo(as_json: bool) -> None:
    """Clusters of residents' questions that editors marked as needing a new entry."""
    from bot.core.curation.clustering import cluster_gaps
    from bot.storage import gaps as gap_log

    db, _, matcher = served()
    clusters = cluster_gaps(gap_log.with_status(db, (gap_log.NEW_ENTRY,)), matcher, served_glossary())
    if as_json:
        click.echo(json.dumps({"todo": [{**c.as_dict(), "marked": max(g.resolved_at or "" for g in c.gaps)}
                                        for c in clusters]}, ensure_ascii=False, indent=2))
        return
    if not clusters:
        click.echo("Nothing to write: no cluster is marked as needing a new entry.")
    for c in clusters:
        echo_cluster(c, f"last asked {c.last[:10]}")


@kb.command("stale")
@click.option("--months", default=6, show_default=True, type=click.IntRange(0, 1200),
              help="List entries whose law is stated as of this many months ago or more.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"entries": [{"id", "law_as_of", "months", "review_note"}]}.')
def kb_stale(months: int, as_json: bool) -> None:
    """Entries due for review: their law_as_of (the newest source checked) is MONTHS or more ago."""
    from bot.clock import KZ_TIME
    from bot.clock import now as clock_now
    from bot.core.curation.review import due_for_review

    due = due_for_review(load_kb(), clock_now().astimezone(KZ_TIME).date(), months)
    if as_json:
        click.echo(json.dumps({"entries": [d.as_dict() for d in due]}, ensure_ascii=False, indent=2))
        return
    if not due:
        click.echo(f"No entry states the law as of {months} months ago or more.")
    for d in due:
        note = f"  ({d.review_note})" if d.review_note else ""
        click.echo(f"{d.entry_id}\tlaw as of {d.law_as_of.isoformat()}, {d.months} months ago{note}")

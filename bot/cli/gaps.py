"""`qogam gaps` (with --clusters, --disputed and `resolve`): the editors' loop from the command line. The same
actions as /gaps in Telegram (bot/core/curation/resolve.py), audited as the operator
("cli:<login>").

A phrasing added here reaches a running `qogam run` without a restart: it watches the learned
phrasings and rebuilds its matcher within seconds (bot/telegram/app.py).
"""

from __future__ import annotations

import json

import click

from bot.cli._common import actor, echo_cluster, served, served_glossary


@click.group(invoke_without_command=True)
@click.option("--clusters", "clustered", is_flag=True,
              help="Group the open questions by similarity across languages and spellings.")
@click.option("--disputed", is_flag=True, help="Answers residents rated 👎, per entry, with the reasons.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000), help="How many gaps.")
@click.option("--all", "show_all", is_flag=True, help="Include suggested and resolved questions too.")
@click.pass_context
def gaps(ctx: click.Context, clustered: bool, disputed: bool, as_json: bool, limit: int, show_all: bool) -> None:
    """List logged gaps (questions without an answer), newest first; or their clusters; or act on one
    with `qogam gaps resolve`."""
    if ctx.invoked_subcommand is not None:
        return
    if clustered:
        _print_clusters(as_json)
    elif disputed:
        _print_disputed(as_json)
    else:
        _print_gaps(as_json, limit, show_all)


def _print_gaps(as_json: bool, limit: int, show_all: bool) -> None:
    from bot.core.text.hygiene import scrub
    from bot.storage import gaps as gap_log
    from bot.storage.db import open_db

    statuses = (gap_log.UNANSWERED, gap_log.REJECTED, gap_log.SUGGESTED, gap_log.RESOLVED, gap_log.LEARNED,
                gap_log.NEW_ENTRY, gap_log.NOT_OUR_TOPIC, gap_log.IGNORED) if show_all else gap_log.OPEN_STATUSES
    rows = gap_log.latest(open_db(), limit, statuses)
    if as_json:
        click.echo(json.dumps([
            {"id": g.id, "created_at": g.created_at, "lang": g.lang, "channel": g.channel,
             "question": scrub(g.question), "status": g.status, "best_score": g.best_score,
             "candidates": g.candidates, "chosen_entry": g.chosen_entry}
            for g in rows
        ], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No gaps logged.")
    for g in rows:
        best = ", ".join(f"{c['entry']} {c['score']:.2f}" for c in g.candidates) or "-"
        click.echo(f"{g.created_at}  {g.lang}  {g.channel:<8} {g.status:<10} {scrub(g.question)}\n"
                   f"    candidates: {best}")


def _print_clusters(as_json: bool) -> None:
    from bot.core.curation.clustering import open_clusters

    db, _, matcher = served()
    clusters = open_clusters(db, matcher, served_glossary())
    if as_json:
        click.echo(json.dumps({"clusters": [c.as_dict() for c in clusters]}, ensure_ascii=False, indent=2))
        return
    if not clusters:
        click.echo("No open questions.")
    for c in clusters:
        echo_cluster(c, f"first {c.first[:10]}  last {c.last[:10]}")
        closest = ", ".join(f"{entry} {score:.2f}" for entry, score in c.candidates) or "-"
        click.echo(f"    closest: {closest}")
    if clusters:
        click.echo("Act on one: qogam gaps resolve ID --phrasing-of ENTRY | --new-entry | --not-our-topic | --ignore")


def _print_disputed(as_json: bool) -> None:
    from bot.core.curation.stats import disputed
    from bot.storage.db import open_db

    rows = disputed(open_db(), 30)
    if as_json:
        click.echo(json.dumps({"disputed": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No 👎 on any answer in the last 30 days.")
    for r in rows:
        reasons = ", ".join(f"{k} {v}" for k, v in r["reasons"].items() if v) or "no reason given"
        click.echo(f"{r['entry']}: 👎 {r['down']} 👍 {r['up']} ({reasons})")


@gaps.command("resolve")
@click.argument("cluster", type=int)
@click.option("--phrasing-of", "entry", metavar="ENTRY", help="Add the cluster's questions as phrasings of ENTRY.")
@click.option("--new-entry", is_flag=True, help="Mark the cluster as needing a new entry (`qogam kb todo`).")
@click.option("--not-our-topic", "not_ours", is_flag=True,
              help="List the cluster's questions as not our topic: the bot stops answering such questions.")
@click.option("--ignore", is_flag=True, help="Ignore such questions from now on.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def resolve(cluster: int, entry: str | None, new_entry: bool, not_ours: bool, ignore: bool, as_json: bool) -> None:
    """Act on CLUSTER (its id in `qogam gaps --clusters`): one of --phrasing-of ENTRY, --new-entry,
    --not-our-topic, --ignore."""
    from bot.core.curation import resolve as actions
    from bot.core.curation.clustering import find, open_clusters

    if sum((entry is not None, new_entry, not_ours, ignore)) != 1:
        raise click.UsageError("choose one: --phrasing-of ENTRY, --new-entry, --not-our-topic or --ignore")
    db, kb, matcher = served()
    glossary = served_glossary()
    if entry is not None and entry not in kb.entries:
        raise click.ClickException(f"unknown entry {entry!r}; `qogam kb dump` lists them")
    found = find(open_clusters(db, matcher, glossary), cluster)
    if found is None:
        raise click.ClickException(f"no open cluster {cluster}: it was dealt with already, or see "
                                   "`qogam gaps --clusters`")
    if entry is not None:
        outcome = actions.add_as_phrasing(db, kb, matcher, glossary, found, entry, by=actor())
    elif new_entry:
        outcome = actions.mark_new_entry(db, found, by=actor())
    elif not_ours:
        outcome = actions.not_our_topic(db, kb, matcher, glossary, found, by=actor())
    else:
        outcome = actions.ignore(db, found, by=actor())
    if as_json:
        click.echo(json.dumps({
            "cluster": found.id, "action": outcome.action, "entry": outcome.entry_id, "closed": outcome.closed,
            "added": [{"lang": lang, "text": text} for lang, text in outcome.added],
            "refused": [{"lang": lang, "text": text, "reason": r.english()} for lang, text, r in outcome.refused],
            "notified": outcome.notified}, ensure_ascii=False, indent=2))
    else:
        for lang, text in outcome.added:
            click.echo(f"added [{lang}] {text!r} as a phrasing of {entry}" if entry else
                       f"listed [{lang}] {text!r} as not our topic")
        for lang, text, refusal in outcome.refused:
            click.echo(f"refused [{lang}] {text!r}: {refusal.english()}", err=True)
        if outcome.done:
            click.echo(f"cluster {found.id} closed ({outcome.closed} questions, {outcome.action})"
                       + (f"; {outcome.notified} residents will get the answer" if outcome.notified else ""))
    if not outcome.done:
        raise SystemExit(1)

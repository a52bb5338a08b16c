"""The editors' command line: `qogam gaps` (with --clusters and `resolve`), `qogam kb learned` and
`qogam kb todo`. The same actions as /gaps in Telegram (bot/core/learning.py), audited as the operator
("cli:<login>").

A phrasing added here reaches a running `qogam run` without a restart: it watches the learned
phrasings and rebuilds its matcher within seconds (bot/telegram/app.py).
"""

from __future__ import annotations

import json

import click


def _served():
    """The database, and the knowledge base as the bot serves it: files plus what editors taught it."""
    from bot.core.knowledge import KnowledgeError
    from bot.core.learning import ReloadRefused, load_served
    from bot.storage import learning
    from bot.storage.db import open_db

    db = open_db()
    try:
        kb, matcher = load_served(learning.served(db))
    except (ReloadRefused, KnowledgeError) as exc:
        raise click.ClickException(f"the knowledge base has errors (run `qogam kb check`):\n{exc}") from exc
    return db, kb, matcher


def _glossary():
    from bot.core.glossary import load_glossary

    return load_glossary()[0]


def _actor() -> str:
    from bot.cli import _actor as actor

    return actor()


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
    from bot.storage import gaps as gap_log
    from bot.storage.db import open_db

    statuses = (gap_log.UNANSWERED, gap_log.REJECTED, gap_log.SUGGESTED, gap_log.RESOLVED, gap_log.LEARNED,
                gap_log.NEW_ENTRY, gap_log.NOT_OUR_TOPIC, gap_log.IGNORED) if show_all else gap_log.OPEN_STATUSES
    rows = gap_log.latest(open_db(), limit, statuses)
    if as_json:
        click.echo(json.dumps([
            {"id": g.id, "created_at": g.created_at, "lang": g.lang, "channel": g.channel,
             "question": g.question, "status": g.status, "best_score": g.best_score,
             "candidates": g.candidates, "chosen_entry": g.chosen_entry}
            for g in rows
        ], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No gaps logged.")
    for g in rows:
        best = ", ".join(f"{c['entry']} {c['score']:.2f}" for c in g.candidates) or "-"
        click.echo(f"{g.created_at}  {g.lang}  {g.channel:<8} {g.status:<10} {g.question}\n    candidates: {best}")


def _print_clusters(as_json: bool) -> None:
    from bot.core.clustering import open_clusters

    db, _, matcher = _served()
    clusters = open_clusters(db, matcher, _glossary())
    if as_json:
        click.echo(json.dumps({"clusters": [c.as_dict() for c in clusters]}, ensure_ascii=False, indent=2))
        return
    if not clusters:
        click.echo("No open questions.")
    for c in clusters:
        _echo_cluster(c, f"first {c.first[:10]}  last {c.last[:10]}")
        closest = ", ".join(f"{entry} {score:.2f}" for entry, score in c.candidates) or "-"
        click.echo(f"    closest: {closest}")
    if clusters:
        click.echo("Act on one: qogam gaps resolve ID --phrasing-of ENTRY | --new-entry | --not-our-topic | --ignore")


def _print_disputed(as_json: bool) -> None:
    from bot.core.stats import disputed
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
    from bot.core import learning
    from bot.core.clustering import find, open_clusters

    if sum((entry is not None, new_entry, not_ours, ignore)) != 1:
        raise click.UsageError("choose one: --phrasing-of ENTRY, --new-entry, --not-our-topic or --ignore")
    db, kb, matcher = _served()
    glossary = _glossary()
    if entry is not None and entry not in kb.entries:
        raise click.ClickException(f"unknown entry {entry!r}; `qogam kb dump` lists them")
    found = find(open_clusters(db, matcher, glossary), cluster)
    if found is None:
        raise click.ClickException(f"no open cluster {cluster}: it was dealt with already, or see "
                                   "`qogam gaps --clusters`")
    if entry is not None:
        outcome = learning.add_as_phrasing(db, kb, matcher, glossary, found, entry, by=_actor())
    elif new_entry:
        outcome = learning.mark_new_entry(db, found, by=_actor())
    elif not_ours:
        outcome = learning.not_our_topic(db, kb, matcher, glossary, found, by=_actor())
    else:
        outcome = learning.ignore(db, found, by=_actor())
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


@click.command("learned")
@click.option("--export", "do_export", is_flag=True,
              help="Write the phrasings not yet exported into the entry files (then review and commit them).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def kb_learned(do_export: bool, as_json: bool) -> None:
    """Phrasings and not-our-topic questions editors added from residents' questions; with --export,
    into the knowledge files."""
    from bot.core import learning
    from bot.core.knowledge import OUT_OF_SCOPE_FILE, KnowledgeError
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
        result = learning.export(db)
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


@click.command("todo")
@click.option("--json", "as_json", is_flag=True, help='Print {"todo": [clusters]}.')
def kb_todo(as_json: bool) -> None:
    """Clusters of residents' questions that editors marked as needing a new entry."""
    from bot.core.clustering import cluster_gaps
    from bot.storage import gaps as gap_log

    db, _, matcher = _served()
    clusters = cluster_gaps(gap_log.with_status(db, (gap_log.NEW_ENTRY,)), matcher, _glossary())
    if as_json:
        click.echo(json.dumps({"todo": [{**c.as_dict(), "marked": max(g.resolved_at or "" for g in c.gaps)}
                                        for c in clusters]}, ensure_ascii=False, indent=2))
        return
    if not clusters:
        click.echo("Nothing to write: no cluster is marked as needing a new entry.")
    for c in clusters:
        _echo_cluster(c, f"last asked {c.last[:10]}")


def _echo_cluster(cluster, when: str) -> None:
    langs = " · ".join(f"{lang} {n}" for lang, n in cluster.langs.items() if n)
    click.echo(f"#{cluster.id}  ×{cluster.size}  {langs}  {when}")
    for sample in cluster.samples():
        click.echo(f"    «{sample}»")

"""`qogam stats`: the editors' figures from the server's command line, as text, JSON or a PNG chart.
The same report is what /stats shows editors in Telegram (bot/core/curation/stats.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object (the contract in README, "
              '"Statistics").')
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650),
              help="The last N days up to today (Kazakhstan's dates), today included.")
@click.option("--chart", "chart_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a PNG chart of the questions per day (1200 x 700 px) to FILE.")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["kk", "ru", "en"]),
              help="Language of the text summary and of the chart.")
def stats(as_json: bool, days: int, chart_file: Path | None, lang: str) -> None:
    """Questions per day and language, answered / suggested / unanswered rates, the most answered entries,
    clusters of unanswered questions, and 👍 / 👎 per entry. Counts only: never a resident."""
    from bot.core.curation.stats import report, summary_text
    from bot.i18n import translator
    from bot.storage.db import open_db

    db = open_db()
    figures = report(db, days=days, clusters=_clusters(db))
    t = translator(lang)
    if chart_file is not None:
        from bot.core.curation.chart import chart_png

        try:
            chart_file.write_bytes(chart_png(figures, t))
        except OSError as exc:
            raise click.ClickException(f"cannot write {chart_file}: {exc.strerror}") from exc
        # stderr, so that --json output stays one JSON object.
        click.echo(f"chart written to {chart_file}", err=True)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        # Entry ids rather than titles: ids are what the files in knowledge/ and `qogam kb` use.
        click.echo(summary_text(figures, t))


def _clusters(db) -> list[dict]:
    """The open clusters of unanswered questions, most asked recently first; none while the clustering
    module is not there. Building the matcher (a second or so) happens only when it is."""
    try:
        from bot.core.curation.clustering import open_clusters
    except ImportError as exc:
        if exc.name != "bot.core.curation.clustering":  # the module is there but cannot load: say so
            click.echo(f"warning: no clusters: {exc}", err=True)
        return []
    from bot.core.matching.engine import build_matcher

    kb = _knowledge()
    if kb is None:
        return []
    return [cluster.as_dict() for cluster in open_clusters(db, build_matcher(kb))]


def _knowledge():
    """The knowledge base, or None with a warning when it has errors: the figures are still worth having."""
    from bot.core.knowledge.loader import KnowledgeError, load_or_fail

    try:
        return load_or_fail()
    except KnowledgeError:
        click.echo("warning: the knowledge base has errors (run `qogam kb check`): no clusters", err=True)
        return None


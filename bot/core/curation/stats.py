"""What editors learn from the bot's use: how many questions, how many answered, in which language, which
entries residents need, which they dispute, and the open questions that come up together.

`report` is the JSON contract of `qogam stats --json` (and what the chart and /stats are drawn from);
`summary_text` is the short text an editor reads in Telegram. Neither ever holds a user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlite_utils import Database

from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from bot.storage import stats as stored
from bot.storage.feedback import REASONS

OUTCOMES = stored.OUTCOMES
TOP_ENTRIES = 10
TOP_CLUSTERS = 5
# The Telegram summary stays a screen long: 5 entries, 3 clusters, 3 disputed entries; a sample
# question is cut at 80 characters.
SUMMARY_ENTRIES = 5
SUMMARY_CLUSTERS = 3
SUMMARY_DISPUTED = 3
SUMMARY_TOPICS = 5
SAMPLE_LENGTH = 80
# Keys a cluster from the clustering module might carry that could name a resident: never reported.
_PRIVATE_KEYS = ("user_key", "user_keys", "users")


def report(db: Database, *, days: int = 30, clusters: Iterable = (), today: dt.date | None = None) -> dict:
    """The last `days` days up to today (Kazakhstan's dates), today included. `clusters` are the open
    clusters of unanswered questions (dicts, or objects with `as_dict()`) in the clustering module's
    order, most asked recently first; the first 5 are included as given."""
    if days < 1:
        raise ValueError("days must be at least 1")
    last = today or stored.today()
    first = last - dt.timedelta(days=days - 1)
    per_day = {(first + dt.timedelta(days=i)).isoformat(): _zeros() for i in range(days)}
    by_lang = {lang: _zeros() for lang in LANGUAGES}
    for row in stored.counts(db, first, last):
        for bucket in (per_day[row["day"]], by_lang.setdefault(row["lang"], _zeros())):
            bucket[row["outcome"]] += row["n"]
            bucket["questions"] += row["n"]
    totals = _zeros()
    for counts in by_lang.values():
        for key in totals:
            totals[key] += counts[key]
    votes = stored.feedback_per_entry(db, first, last)
    raters = stored.feedback_totals(db, first, last)
    return {
        "not_ours_by_topic": stored.not_ours_by_topic(db, first, last),
        "days": days,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        **totals,
        "rates": _rates(totals),
        "by_lang": {lang: {**counts, "rates": _rates(counts)} for lang, counts in by_lang.items()},
        "per_day": [{"day": day, **counts} for day, counts in per_day.items()],
        "top_entries": stored.top_answered(db, first, last, TOP_ENTRIES),
        "top_clusters": [_cluster(c) for c in list(clusters)[:TOP_CLUSTERS]],
        # Residents, not rows (issue 32): `up` and `down` count the residents who rated any answer so, per
        # entry too; `up_votes` and `down_votes` the votes.
        "feedback": {**raters, "by_entry": votes},
    }


def _zeros() -> dict:
    return {"questions": 0, **{outcome: 0 for outcome in OUTCOMES}}


def _rates(counts: Mapping[str, int]) -> dict:
    """Each outcome's share of the questions, 0.0 when there were none (not a division by zero)."""
    total = counts["questions"]
    return {outcome: round(counts[outcome] / total, 4) if total else 0.0 for outcome in OUTCOMES}


def _cluster(cluster) -> dict:
    data = cluster.as_dict() if hasattr(cluster, "as_dict") else dict(cluster)
    return {k: v for k, v in data.items() if k not in _PRIVATE_KEYS}


def summary_text(report: Mapping, t: Translator, titles: Mapping[str, str] | None = None,
                 topics: Mapping[str, str] | None = None) -> str:
    """The report as an editor reads it in a chat: totals and rates, per language, "not ours" by topic, the
    most answered entries, the first clusters of unanswered questions, 👍 / 👎 and the most disputed entries.
    `titles` maps entry ids to titles in the editor's language, `topics` the out-of-scope topics' ids to
    theirs; ids are shown without them."""
    titles = titles or {}
    topics = topics or {}

    def name(entry: str) -> str:
        return titles.get(entry) or entry

    def pct(rate: float) -> str:
        return f"{round(rate * 100)}%"

    lines = [t.ngettext("Statistics for the last {n} day", "Statistics for the last {n} days", report["days"])]
    if not report["questions"]:
        lines.append(t.gettext("No questions in this period."))
    else:
        rates = report["rates"]
        lines += [
            t.gettext("Questions: {count}", count=report["questions"]),
            t.gettext("Answered: {count} ({rate})", count=report["answered"], rate=pct(rates["answered"])),
            t.gettext("Suggestions shown: {count} ({rate})", count=report["suggested"],
                      rate=pct(rates["suggested"])),
            t.gettext("Unanswered: {count} ({rate})", count=report["unanswered"], rate=pct(rates["unanswered"])),
            t.gettext("Not ours, referred elsewhere: {count} ({rate})", count=report["not_ours"],
                      rate=pct(rates["not_ours"])),
            "",
            t.gettext("By language:"),
        ]
        for lang, counts in report["by_lang"].items():
            if counts["questions"]:
                lines.append("• " + t.gettext(
                    "{language}: {count}, answered {answered}, unanswered {unanswered}",
                    language=LANGUAGE_NAMES.get(lang, lang), count=counts["questions"],
                    answered=pct(counts["rates"]["answered"]), unanswered=pct(counts["rates"]["unanswered"])))
    if report["not_ours_by_topic"]:
        lines += ["", t.gettext("Not ours, by topic:")]
        lines += [f"• {topics.get(row['topic']) or row['topic']}: {row['n']}"
                  for row in report["not_ours_by_topic"][:SUMMARY_TOPICS]]
    if report["top_entries"]:
        lines += ["", t.gettext("Answered most often:")]
        lines += [f"• {name(e['entry'])}: {e['answered']}" for e in report["top_entries"][:SUMMARY_ENTRIES]]
    clusters = report["top_clusters"][:SUMMARY_CLUSTERS]
    if clusters:
        lines += ["", t.gettext("Frequent questions without an answer:")]
        for cluster in clusters:
            samples = cluster.get("samples") or [""]
            # A cluster's size counts residents (bot/core/curation/clustering.py).
            lines.append("• " + t.ngettext("{n} resident, e.g. “{sample}”", "{n} residents, e.g. “{sample}”",
                                           int(cluster.get("size") or 0), sample=_clip(str(samples[0]))))
    votes = report["feedback"]
    if votes["up"] or votes["down"]:
        lines += ["", t.gettext("Ratings: 👍 {up}  👎 {down}", up=votes["up"], down=votes["down"])]
        disputed = [e for e in votes["by_entry"] if e["down"]][:SUMMARY_DISPUTED]
        if disputed:
            lines.append(t.gettext("Most disputed:"))
            reason_names = {"wrong_topic": t.gettext("Wrong topic"), "outdated": t.gettext("Outdated"),
                            "unclear": t.gettext("Unclear")}
            for e in disputed:
                why = ", ".join(f"{reason_names[r].lower()} {e['reasons'][r]}" for r in REASONS if e["reasons"][r])
                lines.append(f"• {name(e['entry'])}: 👎 {e['down']}" + (f" ({why})" if why else ""))
    return "\n".join(lines)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SAMPLE_LENGTH else text[:SAMPLE_LENGTH - 1] + "…"


def disputed(db: Database, days: int = 30) -> list[dict]:
    """Entries rated 👎 in the last `days` days, the most disputed first: {"entry", "up", "down", "reasons"}."""
    last = stored.today()
    rows = [r for r in stored.feedback_per_entry(db, last - dt.timedelta(days=days - 1), last) if r["down"]]
    return sorted(rows, key=lambda r: (-r["down"], r["entry"]))

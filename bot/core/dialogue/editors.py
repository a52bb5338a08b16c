"""The editors' dialogue: /gaps (clusters of unanswered questions, and what to do with each), /stats and
/reload.

Only editors and admins reach it (roles.may_edit): for anyone else the commands are unknown and the
buttons expired. It shows residents' questions (redacted) and is private-only (router.py).

Buttons it owns (<c> is a cluster's id: the id of its first question):
    g:l:<page>          the list of clusters              g:o:<c>             one cluster
    g:p:<c>:<entry>     add as a phrasing of <entry>      g:c:<c>             pick another entry: categories
    g:k:<c>:<category>  pick another entry: entries       g:n:<c>             needs a new entry
    g:i:<c>             ignore such questions             g:d                 disputed answers (👎)
    g:x:<c>             not our topic: stop answering such questions
    g:r                 entries due for review (their law is stated as of 6 months ago or more)
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from bot.clock import KZ_TIME
from bot.clock import now as clock_now
from bot.core import roles
from bot.core.curation import clustering, resolve, review, serving
from bot.core.dialogue.base import Context, Slow, after_press, expired, page, unknown_command
from bot.core.replies import Button, Document, Person, Reply
from bot.i18n import Translator
from bot.storage import learning as learned

log = logging.getLogger(__name__)

# Days the statistics and the chart cover: four weeks show a trend and fit a phone screen.
STATS_DAYS = 28
# The disputed answers screen: 👎 of the last month, the most disputed entries first.
DISPUTED_DAYS = 30
DISPUTED_SHOWN = 10
# Entries due for review listed on one screen: the oldest first, and the web console lists them all.
DUE_SHOWN = 15
# Clusters per page of /gaps, each as a line and a button.
CLUSTERS_PER_PAGE = 5
# Clusters /stats reports (bot/core/curation/stats.py shows them with their closest entries).
TOP_CLUSTERS = 5
# Buttons that name a cluster: g:<action>:<cluster>[:...].
CLUSTER_ACTIONS = ("o", "p", "c", "k", "n", "i", "x")
SAMPLE_CHARS = 80
# An entry's title on the "add as its phrasing" button: the message above lists the titles in full, and
# the button's own words ("➕ Жазбаға қосу:") take half a phone's width.
BUTTON_TITLE_CHARS = 20


@dataclass
class Editors:
    ctx: Context

    COMMANDS = ("gaps", "stats", "reload")
    PREFIXES = ("g",)

    def available(self, person: Person) -> bool:
        return roles.may_edit(self.ctx.db, person.key)

    def command(self, person: Person, name: str, argument: str = "") -> list[Reply]:
        if name == "gaps":
            return self.listing(person)
        if name == "stats":
            return self.stats(person)
        if name == "reload":
            return self.reload(person)
        return unknown_command(self.ctx.t(person), name)

    # ---- clusters -------------------------------------------------------------------------------
    def _clusters(self) -> list[clustering.Cluster]:
        return self.ctx.clusters.get(self.ctx.db, self.ctx.matcher, self.ctx.glossary)

    def slow(self, person: Person, *, command: str | None = None, data: str | None = None) -> Slow | None:
        """/gaps, /stats and the cluster buttons group every open gap: with 20,000 of them, about a
        second of CPU (base.Slow). The screen's closest entries are ranked there too: the opened
        cluster's, or for /stats the first ones'."""
        args = (data or "").split(":")
        if command not in ("gaps", "stats") and not (args[0] == "g" and len(args) > 1 and args[1] != "d"):
            return None
        matcher, glossary, cache = self.ctx.matcher, self.ctx.glossary, self.ctx.clusters
        opened = int(args[2]) if len(args) > 2 and args[1] in CLUSTER_ACTIONS and args[2].isdigit() else None

        def compute(db):
            result = cache.compute(db, matcher, glossary)
            clusters = result[1]
            shown = clusters[:TOP_CLUSTERS] if command == "stats" else \
                [c for c in [clustering.find(clusters, opened)] if c is not None] if opened is not None else []
            for cluster in shown:
                cluster.candidates  # noqa: B018 - ranked here, read by the screen
            return result

        return Slow(compute, cache.using)

    def listing(self, person: Person, number: int = 0) -> list[Reply]:
        t = self.ctx.t(person)
        clusters = self._clusters()
        if not clusters:
            text = t.gettext("No open questions: every question residents asked has an answer or was dealt with.")
            return [Reply(text, self._more_rows(t), "command", lang=t.lang)]
        questions = sum(c.questions for c in clusters)
        number = min(max(number, 0), (len(clusters) - 1) // CLUSTERS_PER_PAGE)
        shown = clusters[number * CLUSTERS_PER_PAGE:(number + 1) * CLUSTERS_PER_PAGE]
        lines = [t.ngettext("{n} open question", "{n} open questions", questions) + " · "
                 + t.ngettext("{n} cluster", "{n} clusters", len(clusters)),
                 t.gettext("Most asked in the last week first. Open one to act on it."), ""]
        for index, cluster in enumerate(shown, start=number * CLUSTERS_PER_PAGE + 1):
            lines.append(f"{index}. {_headline(cluster, t)}")
            lines.append(f"   «{_short(cluster.samples(1)[0])}»")
        rows, nav = page(clusters, number, lambda c: Button(f"#{c.id} ×{c.size} {_short(c.samples(1)[0], 40)}",
                                                             f"g:o:{c.id}"), "g:l:{}", t, size=CLUSTERS_PER_PAGE)
        return [Reply("\n".join(lines), (*rows, *nav, *self._more_rows(t)), "command", lang=t.lang)]

    def _more_rows(self, t: Translator) -> tuple[tuple[Button, ...], ...]:
        """Under the clusters: disputed answers, and the entries due for review when there are some."""
        rows = [(Button(t.gettext("👎 Disputed answers"), "g:d"),)]
        due = len(self._due())
        if due:
            rows.append((Button(t.ngettext("📅 {n} entry to review", "📅 {n} entries to review", due), "g:r"),))
        return tuple(rows)

    def _due(self) -> list[review.Due]:
        return review.due_for_review(self.ctx.kb, clock_now().astimezone(KZ_TIME).date())

    def due_for_review(self, person: Person) -> list[Reply]:
        t = self.ctx.t(person)
        due = self._due()
        if not due:
            lines = [t.ngettext("No entry states the law as of {n} month ago or more.",
                                "No entry states the law as of {n} months ago or more.", review.DEFAULT_MONTHS)]
        else:
            lines = [t.ngettext("The law in these answers is stated as of {n} month ago or more: check them "
                                "against their sources.",
                                "The law in these answers is stated as of {n} months ago or more: check them "
                                "against their sources.", review.DEFAULT_MONTHS)]
            for d in due[:DUE_SHOWN]:
                entry = self.ctx.kb.entries[d.entry_id]
                lines.append(f"• {entry.texts[t.lang].title} ({d.entry_id}): "
                             + t.gettext("law as of {month}", month=t.month(d.law_as_of)))
        return [Reply("\n".join(lines), ((Button(t.gettext("« All clusters"), "g:l:0"),),), "command", lang=t.lang)]

    def cluster(self, person: Person, cluster: clustering.Cluster) -> list[Reply]:
        t = self.ctx.t(person)
        lines = [t.gettext("Cluster #{id}", id=cluster.id) + ": " + _headline(cluster, t),
                 t.gettext("First asked {first}, last {last}.", first=_day(cluster.first, t),
                           last=_day(cluster.last, t)),
                 "", t.gettext("Questions (redacted):")]
        lines += [f"• {_short(s, 200)}" for s in cluster.samples()]
        rows = []
        if cluster.candidates:
            lines += ["", t.gettext("Closest entries:")]
            for entry_id, score in cluster.candidates:
                entry = self.ctx.kb.entries.get(entry_id)
                if entry is None:
                    continue
                lines.append(f"• {entry.texts[t.lang].title} ({entry_id}) — {score:.2f}")
                short_title = _short(entry.texts[t.lang].title, BUTTON_TITLE_CHARS)
                rows.append((Button(t.gettext("➕ Phrasing of: {title}", title=short_title),
                                    f"g:p:{cluster.id}:{entry_id}"),))
        rows += [(Button(t.gettext("🔎 Another entry…"), f"g:c:{cluster.id}"),),
                 (Button(t.gettext("📝 Needs a new entry"), f"g:n:{cluster.id}"),),
                 (Button(t.gettext("⛔ Not our topic"), f"g:x:{cluster.id}"),),
                 (Button(t.gettext("🚫 Ignore such questions"), f"g:i:{cluster.id}"),),
                 (Button(t.gettext("« All clusters"), "g:l:0"),)]
        return [Reply("\n".join(lines), tuple(rows), "command", lang=t.lang)]

    def categories(self, person: Person, cluster: clustering.Cluster) -> list[Reply]:
        t = self.ctx.t(person)
        used = [c for c in self.ctx.kb.categories.values() if self.ctx.kb.in_category(c.id)]
        rows = tuple((Button(c.names[t.lang], f"g:k:{cluster.id}:{c.id}"),) for c in used)
        back = ((Button(t.gettext("« Back"), f"g:o:{cluster.id}"),),)
        return [Reply(t.gettext("Add cluster #{id} to an entry in which topic?", id=cluster.id), rows + back,
                      "command", lang=t.lang)]

    def entries(self, person: Person, cluster: clustering.Cluster, category_id: str) -> list[Reply]:
        t = self.ctx.t(person)
        entries = self.ctx.kb.in_category(category_id)
        if not entries:
            return expired(t)
        rows = tuple((Button(e.texts[t.lang].title, f"g:p:{cluster.id}:{e.id}"),) for e in entries)
        back = ((Button(t.gettext("« Back"), f"g:c:{cluster.id}"),),)
        return [Reply(t.gettext("Add cluster #{id} as a phrasing of which entry?", id=cluster.id), rows + back,
                      "command", lang=t.lang)]

    def add_phrasing(self, person: Person, cluster: clustering.Cluster, entry_id: str) -> list[Reply]:
        t = self.ctx.t(person)
        if entry_id not in self.ctx.kb.entries:
            return expired(t)
        outcome = resolve.add_as_phrasing(self.ctx.db, self.ctx.kb, self.ctx.matcher, self.ctx.glossary, cluster,
                                           entry_id, by=person.key)
        title = self.ctx.kb.entries[entry_id].texts[t.lang].title
        lines = []
        if outcome.done:
            self._serve(outcome)
            lines.append(t.gettext("Added to “{title}”:", title=title))
            lines += [f"• [{lang}] {text}" for lang, text in outcome.added]
            lines.append(t.ngettext("The cluster is closed ({n} question).", "The cluster is closed ({n} questions).",
                                    outcome.closed))
            if outcome.notified:
                lines.append(t.ngettext("{n} resident asked to be told: they will get the answer.",
                                        "{n} residents asked to be told: they will get the answer.",
                                        outcome.notified))
        else:
            lines.append(t.gettext("Nothing was added to “{title}”; the cluster stays open.", title=title))
        lines += _refused_lines(outcome, t)
        return [Reply("\n".join(lines), ((Button(t.gettext("« All clusters"), "g:l:0"),),), "command", lang=t.lang)]

    def _serve(self, outcome: resolve.Outcome) -> None:
        """What an action taught is answered from the next message on: no restart, no reload."""
        self.ctx.kb, self.ctx.matcher = outcome.kb, outcome.matcher
        self.ctx.clusters.forget()
        self.ctx.generation = learned.generation(self.ctx.db)

    def new_entry(self, person: Person, cluster: clustering.Cluster) -> list[Reply]:
        t = self.ctx.t(person)
        outcome = resolve.mark_new_entry(self.ctx.db, cluster, by=person.key)
        text = t.ngettext("Marked as needing a new entry ({n} question): writers see it in `qogam kb todo`.",
                          "Marked as needing a new entry ({n} questions): writers see it in `qogam kb todo`.",
                          outcome.closed)
        return [Reply(text, ((Button(t.gettext("« All clusters"), "g:l:0"),),), "command", lang=t.lang)]

    def not_our_topic(self, person: Person, cluster: clustering.Cluster) -> list[Reply]:
        t = self.ctx.t(person)
        outcome = resolve.not_our_topic(self.ctx.db, self.ctx.kb, self.ctx.matcher, self.ctx.glossary, cluster,
                                         by=person.key)
        if outcome.done:
            self._serve(outcome)
            lines = [t.ngettext("Listed as not our topic ({n} question): I will no longer answer questions like it.",
                                "Listed as not our topic ({n} questions): I will no longer answer questions "
                                "like these.",
                                outcome.closed)]
            lines += [f"• [{lang}] {text}" for lang, text in outcome.added]
        else:
            lines = [t.gettext("Nothing was listed; the cluster stays open.")]
        lines += _refused_lines(outcome, t)
        return [Reply("\n".join(lines), ((Button(t.gettext("« All clusters"), "g:l:0"),),), "command", lang=t.lang)]

    def ignore(self, person: Person, cluster: clustering.Cluster) -> list[Reply]:
        t = self.ctx.t(person)
        outcome = resolve.ignore(self.ctx.db, cluster, by=person.key)
        text = t.ngettext("Ignored ({n} question): such questions will not be shown again.",
                          "Ignored ({n} questions): such questions will not be shown again.", outcome.closed)
        return [Reply(text, ((Button(t.gettext("« All clusters"), "g:l:0"),),), "command", lang=t.lang)]

    def disputed(self, person: Person) -> list[Reply]:
        from bot.core.curation.stats import disputed

        t = self.ctx.t(person)
        rows = disputed(self.ctx.db, DISPUTED_DAYS)
        if not rows:
            lines = [t.ngettext("No 👎 on any answer in the last {n} day.", "No 👎 on any answer in the last {n} days.",
                                DISPUTED_DAYS)]
        else:
            lines = [t.ngettext("Answers residents disputed in the last {n} day:",
                                "Answers residents disputed in the last {n} days:", DISPUTED_DAYS)]
            for r in rows[:DISPUTED_SHOWN]:
                entry = self.ctx.kb.entries.get(r["entry"])
                title = entry.texts[t.lang].title if entry else r["entry"]
                reasons = r["reasons"]
                lines.append(f"• {title} ({r['entry']}): 👎 {r['down']} · 👍 {r['up']}")
                lines.append("   " + t.gettext("wrong topic {w}, outdated {o}, unclear {u}",
                                              w=reasons.get("wrong_topic", 0),
                                               o=reasons.get("outdated", 0), u=reasons.get("unclear", 0)))
        return [Reply("\n".join(lines), ((Button(t.gettext("« All clusters"), "g:l:0"),),), "command", lang=t.lang)]

    # ---- statistics and reload ------------------------------------------------------------------
    def stats(self, person: Person) -> list[Reply]:
        from bot.core.curation.chart import chart_png
        from bot.core.curation.stats import report, summary_text

        t = self.ctx.t(person)
        figures = report(self.ctx.db, days=STATS_DAYS,
                         clusters=[c.as_dict() for c in self._clusters()[:TOP_CLUSTERS]])
        picture = Document("qogam-stats.png", chart_png(figures, t), "image/png")
        titles = {e.id: e.texts[t.lang].title for e in self.ctx.kb.entries.values()}
        topics = {topic.id: topic.texts[t.lang].title for topic in self.ctx.kb.out_of_scope_topics.values()}
        return [Reply(summary_text(figures, t, titles, topics), (), "command", lang=t.lang),
                Reply(t.ngettext("Questions per day, last {n} day", "Questions per day, last {n} days", STATS_DAYS),
                      (), "command", lang=t.lang, document=picture)]

    def reload(self, person: Person) -> list[Reply]:
        t = self.ctx.t(person)
        started = time.perf_counter()
        problems = serving.reload(self.ctx)
        if problems:
            lines = [t.gettext("The knowledge base has errors, so I keep serving the previous one. Fix these and "
                               "reload again:")]
            lines += [f"• {p}" for p in problems[:10]]
            if len(problems) > 10:
                lines.append(t.gettext("…and {n} more (see `qogam kb check`).", n=len(problems) - 10))
            log.warning("reload refused: %d problems", len(problems))
            return [Reply("\n".join(lines), (), "command", lang=t.lang)]
        seconds = time.perf_counter() - started
        log.info("knowledge base reloaded by an editor: %d entries in %.2f s", len(self.ctx.kb.entries), seconds)
        return [Reply(t.ngettext("Reloaded: {n} entry, in {seconds} s.", "Reloaded: {n} entries, in {seconds} s.",
                                 len(self.ctx.kb.entries), seconds=f"{seconds:.2f}"), (), "command", lang=t.lang)]

    # ---- buttons --------------------------------------------------------------------------------
    def press(self, person: Person, data: str) -> list[Reply]:
        t = self.ctx.t(person)
        args = data.split(":")[1:]
        try:
            if len(args) == 2 and args[0] == "l":
                return after_press(self.listing(person, int(args[1])), replaces_pressed=True)
            if args == ["d"]:
                return after_press(self.disputed(person), replaces_pressed=True)
            if args == ["r"]:
                return after_press(self.due_for_review(person), replaces_pressed=True)
            if len(args) >= 2 and args[0] in CLUSTER_ACTIONS:
                cluster = clustering.find(self._clusters(), int(args[1]))
                if cluster is None:
                    return [Reply(t.gettext("This cluster was dealt with already. See /gaps."), (), "stale",
                                  lang=t.lang)]
                kind, rest = args[0], args[2:]
                if kind == "o" and not rest:
                    return after_press(self.cluster(person, cluster), replaces_pressed=True)
                if kind == "p" and len(rest) == 1:
                    return after_press(self.add_phrasing(person, cluster, rest[0]), replaces_pressed=True)
                if kind == "c" and not rest:
                    return after_press(self.categories(person, cluster), replaces_pressed=True)
                if kind == "k" and len(rest) == 1:
                    return after_press(self.entries(person, cluster, rest[0]), replaces_pressed=True)
                if kind == "n" and not rest:
                    return after_press(self.new_entry(person, cluster), replaces_pressed=True)
                if kind == "i" and not rest:
                    return after_press(self.ignore(person, cluster), replaces_pressed=True)
                if kind == "x" and not rest:
                    return after_press(self.not_our_topic(person, cluster), replaces_pressed=True)
        except (ValueError, OverflowError):
            pass
        return expired(t)


def _headline(cluster: clustering.Cluster, t: Translator) -> str:
    """Residents first (how many need an answer), then the rows when one resident asked more than once."""
    langs = " · ".join(f"{lang} {n}" for lang, n in cluster.langs.items() if n)
    counts = t.ngettext("{n} resident", "{n} residents", cluster.size)
    if cluster.questions != cluster.size:
        counts += ", " + t.ngettext("{n} question", "{n} questions", cluster.questions)
    return counts + f" ({langs}), " + t.gettext("last {day}", day=_day(cluster.last, t))


def _day(moment: str, t: Translator) -> str:
    """A stored UTC time as the day it was in Kazakhstan, written as the rest of the bot writes dates."""
    when = dt.datetime.fromisoformat(moment)
    return t.date((when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(KZ_TIME).date(), "medium")


def _short(text: str, limit: int = SAMPLE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _refused_lines(outcome: resolve.Outcome, t: Translator) -> list[str]:
    return [t.gettext("Not added: [{lang}] “{text}”: {reason}", lang=lang, text=_short(text, 120),
                      reason=_refusal(refusal, t)) for lang, text, refusal in outcome.refused]


def _refusal(refusal: resolve.Refusal, t: Translator) -> str:
    if refusal.code == "empty":
        return t.gettext("no words are left once names and numbers are removed")
    if refusal.code == "elsewhere":
        return t.gettext("it is already a phrasing of {entry}", entry=refusal.entry)
    if refusal.code == "not_first":
        return t.gettext("even then the matcher finds {entry} first", entry=refusal.found or "-")
    if refusal.code == "breaks":
        return t.gettext("the phrasing “{phrasing}” of {entry} would then find {found} instead",
                         phrasing=refusal.phrasing, entry=refusal.entry, found=refusal.found)
    return t.gettext("the entry already has this phrasing")

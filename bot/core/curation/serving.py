"""The knowledge base the bot serves: the entry files plus what editors taught it since the last export (their
phrasings, and the questions they marked not our topic), with its matcher. A running bot rebuilds it in a
thread when either changes (`reload`, `stale`) and swaps it in one step (`install`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlite_utils import Database

from bot.core.curation.check import check_content
from bot.core.curation.features import PLACEHOLDER
from bot.core.knowledge.glossary import Glossary, load_glossary
from bot.core.knowledge.loader import KnowledgeBase, load
from bot.core.matching.engine import Progress, build_matcher
from bot.core.matching.ranker import Matcher
from bot.core.matching.reading import transliterates
from bot.core.text.normalize import clean, tokens
from bot.storage import learning

log = logging.getLogger(__name__)


def phrasing_key(text: str, lang: str) -> str:
    """A phrasing as editors' rows and the files are compared: its normalised words, placeholders removed."""
    return " ".join(tokens(clean(PLACEHOLDER.sub(" ", text)), latin_kazakh=transliterates(lang)))


def with_learned(kb: KnowledgeBase, learned: list[dict]) -> KnowledgeBase:
    """The knowledge base with learned phrasings added to their entries, and rows without an entry (not
    our topic) to the out-of-scope list (once; entries or languages that no longer exist are skipped)."""
    kb = _with_listed(kb, [row for row in learned if row["entry_id"] is None])
    extra: dict[tuple[str, str], list[str]] = {}
    for row in learned:
        if row["entry_id"] is None:
            continue
        entry = kb.entries.get(row["entry_id"])
        if entry is None or row["lang"] not in entry.texts:
            continue
        extra.setdefault((row["entry_id"], row["lang"]), []).append(row["text"])
    if not extra:
        return kb
    entries = dict(kb.entries)
    for (entry_id, lang), texts in extra.items():
        entry = entries[entry_id]
        local = entry.texts[lang]
        have = {phrasing_key(q, lang) for q in local.questions}
        added = []
        for text in texts:
            if (key := phrasing_key(text, lang)) not in have:
                have.add(key)
                added.append(text)
        if added:
            texts_by_lang = {**entry.texts, lang: replace(local, questions=(*local.questions, *added))}
            entries[entry_id] = replace(entry, texts=texts_by_lang)
    return replace(kb, entries=entries)  # the categories and the out-of-scope list as they were


def _with_listed(kb: KnowledgeBase, rows: list[dict]) -> KnowledgeBase:
    listed = {lang: list(questions) for lang, questions in kb.out_of_scope.items()}
    have = {(lang, phrasing_key(q, lang)) for lang, questions in listed.items() for q in questions}
    added = False
    for row in rows:
        if (key := (row["lang"], phrasing_key(row["text"], row["lang"]))) not in have:
            have.add(key)
            listed.setdefault(row["lang"], []).append(row["text"])
            added = True
    return replace(kb, out_of_scope={lang: tuple(questions) for lang, questions in listed.items()}) if added else kb


class ReloadRefused(Exception):
    """The knowledge files have errors: the bot keeps serving what it had."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_served(learned: list[dict], directory: Path | None = None, *, train: bool = True,
                progress: Progress | None = None) -> tuple[KnowledgeBase, Matcher]:
    """Read and validate the knowledge files, add the learned phrasings, build the matcher. Errors of the
    loader and of the content checks refuse the whole knowledge base (ReloadRefused). Touches no database:
    a running bot reads `learned` first and may build this in a thread. train=False: do not wait for
    a model that is not cached (engine.build_matcher: the matcher is then provisional)."""
    kb, problems = load(directory)
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        errors = [p for p in check_content(kb) if p.severity == "error"]
    if errors:
        raise ReloadRefused(errors)
    kb = with_learned(kb, learned)
    return kb, build_matcher(kb, train=train, progress=progress)


@dataclass(frozen=True)
class Served:
    kb: KnowledgeBase
    matcher: Matcher
    glossary: Glossary


def snapshot(db: Database) -> tuple[list[dict], tuple]:
    """The learned phrasings and not-our-topic questions, and their generation (on the database's thread).
    The generation is read first: a phrasing learned in between makes it stale, and the next check
    reloads again."""
    generation = learning.generation(db)
    return learning.served(db), generation


def build(learned: list[dict], directory: Path | None = None, *, train: bool = True) -> Served:
    """Everything a reload reads from disk and computes; no database, so it may run in a thread."""
    kb, matcher = load_served(learned, directory, train=train)
    return Served(kb, matcher, load_glossary(directory)[0])


def install(ctx, served: Served, generation: tuple) -> None:
    """Swap the served knowledge in one step: the next message is answered from it."""
    ctx.kb, ctx.matcher, ctx.glossary_loaded, ctx.generation = served.kb, served.matcher, served.glossary, generation
    ctx.clusters.forget()


def reload(ctx) -> list:
    """Serve the knowledge files and learned phrasings anew (`ctx`: the dialogue's Context). Returns the
    problems that refused it, [] when it was served; on problems the old knowledge base keeps serving.
    It never waits for training: without the cached model the matcher is provisional, and the running
    bot trains the model in the background (`retrained`)."""
    learned, generation = snapshot(ctx.db)
    try:
        served = build(learned, train=False)
    except ReloadRefused as exc:
        return exc.problems
    install(ctx, served, generation)
    return []


def stale(ctx) -> bool:
    """Has another process (`qogam gaps resolve`, `kb learned --export`) changed the learned phrasings?"""
    return learning.generation(ctx.db) != ctx.generation




class Trainer:
    """Trains the model for the newest served content in the background, one training at a time: a reload
    serves new files at once with the model it has, and asks for the trained one here; asked again while
    busy (an editor saving five times in a minute), only the newest request runs next, so two trainings
    never compete for the cores residents' questions need. A daemon thread: stopping never waits for it.

    `done(served, generation)` is called from the training thread; the caller hands it to its event loop."""

    def __init__(self, done: Callable[[Served, tuple], None], directory: Path | None = None):
        self.done = done
        self.directory = directory
        self._lock = threading.Lock()
        self._next: tuple[list[dict], tuple] | None = None
        self._busy = False

    def request(self, learned: list[dict], generation: tuple) -> None:
        with self._lock:
            self._next = (learned, generation)
            if self._busy:
                return
            self._busy = True
        threading.Thread(target=self._run, name="qogam-training", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._next is None:
                    self._busy = False
                    return
                learned, generation = self._next
                self._next = None
            try:
                served = build(learned, self.directory, train=True)
            except Exception:  # the quick rebuild keeps serving; the next change tries again
                log.exception("training the model for the served content failed")
                continue
            self.done(served, generation)


def retrained(learned: list[dict], directory: Path | None = None) -> Served:
    """The served knowledge with its model trained (and cached): what replaces a provisional matcher. No
    database; it runs in a thread beside the answers (a few seconds)."""
    return build(learned, directory, train=True)

"""The curated knowledge base: TOML files in knowledge/ that editors write and review in git.

Loading never stops at the first mistake: every problem is collected with its file and entry id, so an
editor sees them all at once in `qogam kb check`. The running bot refuses to start on errors.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge.small_talk import SmallTalk
from bot.core.knowledge.small_talk import parse as parse_small_talk
from bot.core.text.language import LANGUAGES
from bot.settings import knowledge_dir as knowledge_dir_setting

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "knowledge"
CATEGORIES_FILE = "categories.toml"
# Files in knowledge/ that are not entries: the topic groups, the areas (bot/core/knowledge/areas.py) and the
# glossary that groups residents' questions across languages (bot/core/knowledge/glossary.py).
GLOSSARY_FILE = "glossary.toml"
# Questions residents ask that the knowledge base does not answer (passports, car tax, the weather), by
# language: the matcher learns from them to say "I don't know" rather than answer with an entry that
# shares a word ("how do I pay my car tax" is not "which taxes go to the village budget").
OUT_OF_SCOPE_FILE = "out_of_scope.toml"
# Changes of the law that entries may rest on (bot/core/curation/review.py): kb check flags an entry that
# cites a changed act and states the law as of a day before the change.
LAW_CHANGES_FILE = "law_changes.toml"
# Messages that are not questions ("привет", "рахмет", "ок"): bot/core/knowledge/small_talk.py reads it.
SMALL_TALK_FILE = "small_talk.toml"
NOT_ENTRIES = {CATEGORIES_FILE, "areas.toml", GLOSSARY_FILE, OUT_OF_SCOPE_FILE, LAW_CHANGES_FILE, SMALL_TALK_FILE}
# Ids travel in callback data and /start deep links, so they stay short and ASCII.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
# Out-of-scope topics' ids name them in the statistics: a-z, digits and underscore.
TOPIC_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_ID_LENGTH = 40


@dataclass(frozen=True)
class Source:
    """A citation. `title` is English; `titles` holds the Kazakh and Russian names (title_kk, title_ru)."""

    title: str
    url: str | None = None
    titles: tuple[tuple[str, str], ...] = ()

    def title_in(self, lang: str) -> str:
        """The source's name in the reader's language; English when a translation is missing."""
        return dict(self.titles).get(lang, self.title)


@dataclass(frozen=True)
class LocalText:
    """An entry in one language. `short`: the direct answer and the one step to take (at most
    SHORT_MAX_CHARS), which residents see first; None when the entry has none yet (the full answer is
    shown instead)."""

    title: str
    answer: str
    questions: tuple[str, ...]
    # The direct answer and the one step to take, at most 400 characters: what a phone shows first.
    short: str | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    texts: dict[str, LocalText]
    sources: tuple[Source, ...]
    # The day an editor last read the entry against its sources (for editors, not shown to residents).
    reviewed: dt.date
    # The date the law is stated as of: the newest source actually checked. Residents see this one,
    # because a review in November of sources from March does not make the law current to November.
    law_as_of: dt.date
    # Set only when the answer itself rests on a fact not yet confirmed in a legal text; it names that
    # fact, and residents see that part of the answer awaits legal review.
    review_note: str | None
    path: Path
    # Notes for editors only: what was left out and why, what to re-check later. Never shown.
    editor_note: str | None = None


@dataclass(frozen=True)
class Referral:
    """An out-of-scope topic in one language: its name, where residents should go instead, and the
    questions of this topic that the matcher learns are not ours."""

    title: str
    referral: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class OutOfScopeTopic:
    """A group of questions the knowledge base does not answer ([[topics]] of out_of_scope.toml: documents,
    pensions, taxes ...), with a sourced referral per language."""

    id: str
    reviewed: dt.date
    sources: tuple[Source, ...]
    texts: dict[str, Referral]


@dataclass(frozen=True)
class Category:
    id: str
    names: dict[str, str]


@dataclass(frozen=True)
class Problem:
    """A finding of the loader or of `kb check`. Errors stop the bot; warnings inform editors."""

    path: str
    entry_id: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}" + (f" [{self.entry_id}]" if self.entry_id else "")
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class KnowledgeBase:
    categories: dict[str, Category] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    # Language -> questions the knowledge base does not answer (OUT_OF_SCOPE_FILE; optional): the flat lists,
    # then every topic's questions, in the file's order. The matcher learns from all of them alike.
    out_of_scope: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The same file's [[topics]], by id in the file's order: the questions above grouped by subject, each
    # topic with a referral that tells residents where such questions are answered.
    out_of_scope_topics: dict[str, OutOfScopeTopic] = field(default_factory=dict)
    # Language -> words that mark a question as out of scope (the same file's `terms`;
    # bot/core/matching/scope_terms.py).
    out_of_scope_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    # Messages that are not questions, by kind (SMALL_TALK_FILE; optional; bot/core/knowledge/small_talk.py).
    small_talk: SmallTalk | None = None

    def in_category(self, category_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.category == category_id]

    def topic_of(self, lang: str, question: str) -> OutOfScopeTopic | None:
        """The out-of-scope topic a listed question (as kb.out_of_scope holds it) belongs to; None for a
        question of the flat lists or one an editor marked not our topic."""
        for topic in self.out_of_scope_topics.values():
            text = topic.texts.get(lang)
            if text is not None and question in text.questions:
                return topic
        return None


class KnowledgeError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def knowledge_dir() -> Path:
    return knowledge_dir_setting(DEFAULT_DIR)


def load(directory: Path | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    """Read categories and every entry file; return what could be read and the problems found."""
    directory = Path(directory or knowledge_dir())
    kb = KnowledgeBase()
    problems: list[Problem] = []
    if not directory.is_dir():
        return kb, [Problem(str(directory), None, "knowledge directory not found")]
    _load_categories(directory / CATEGORIES_FILE, kb, problems)
    _load_out_of_scope(directory / OUT_OF_SCOPE_FILE, kb, problems)
    _load_small_talk(directory / SMALL_TALK_FILE, kb, problems)
    for path in sorted(directory.rglob("*.toml")):
        if path.name in NOT_ENTRIES:
            continue
        entry = _load_entry(path, directory, kb, problems)
        if entry is None:
            continue
        if entry.id in kb.entries:
            problems.append(Problem(_rel(path, directory), entry.id,
                                    f"duplicate id, also in {_rel(kb.entries[entry.id].path, directory)}"))
            continue
        kb.entries[entry.id] = entry
    return kb, problems


def load_or_fail(directory: Path | None = None) -> KnowledgeBase:
    kb, problems = load(directory)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise KnowledgeError(errors)
    return kb


def _rel(path: Path, directory: Path) -> str:
    try:
        return str(path.relative_to(directory.parent))
    except ValueError:
        return str(path)


def _read_toml(path: Path, directory: Path, problems: list[Problem]) -> dict | None:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(_rel(path, directory), None, f"not valid TOML: {exc}"))
    except OSError as exc:
        problems.append(Problem(_rel(path, directory), None, f"cannot read: {exc}"))
    return None


def _load_categories(path: Path, kb: KnowledgeBase, problems: list[Problem]) -> None:
    directory = path.parent
    data = _read_toml(path, directory, problems) if path.exists() else None
    if data is None:
        if not path.exists():
            problems.append(Problem(_rel(path, directory), None, "categories file missing"))
        return
    for item in data.get("category", []):
        cid = item.get("id")
        names = {lang: item.get(lang) for lang in LANGUAGES}
        if not isinstance(cid, str) or not all(isinstance(n, str) and n.strip() for n in names.values()):
            problems.append(Problem(_rel(path, directory), cid, "a category needs an id and names in kk, ru, en"))
            continue
        if cid in kb.categories:
            problems.append(Problem(_rel(path, directory), cid, "duplicate category id"))
            continue
        kb.categories[cid] = Category(cid, {lang: n.strip() for lang, n in names.items()})


def _load_out_of_scope(path: Path, kb: KnowledgeBase, problems: list[Problem]) -> None:
    if not path.exists():
        return
    directory = path.parent
    data = _read_toml(path, directory, problems)
    if data is None:
        return
    rel = _rel(path, directory)
    for key in sorted(set(data) - {*LANGUAGES, "topics"}):
        problems.append(Problem(rel, None, f"unknown language [{key}]; use kk, ru or en (and [[topics]])"))

    listed: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for lang in LANGUAGES:
        block = data.get(lang, {})
        if not isinstance(block, dict):
            problems.append(Problem(rel, None, f"[{lang}] questions must be a list of phrasings"))
            continue
        for key in sorted(set(block) - {"questions", "terms"}):
            problems.append(Problem(rel, None, f"[{lang}] unknown field {key!r}"))
        questions = block.get("questions", [])
        if not _texts(questions):
            problems.append(Problem(rel, None, f"[{lang}] questions must be a list of phrasings"))
        else:
            listed[lang] += [q.strip() for q in questions]
        terms = block.get("terms", [])
        if not _texts(terms):
            problems.append(Problem(rel, None, f"[{lang}] terms must be a list of words"))
        elif terms:
            kb.out_of_scope_terms[lang] = tuple(t.strip() for t in terms)
    topics = data.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, dict) for t in topics):
        problems.append(Problem(rel, None, "[[topics]] must be tables, each with an id"))
        topics = []
    for raw in topics:
        topic = _load_topic(raw, rel, problems)
        if topic is None:
            continue
        if topic.id in kb.out_of_scope_topics:
            problems.append(Problem(rel, topic.id, "duplicate topic id"))
            continue
        kb.out_of_scope_topics[topic.id] = topic
        for lang, text in topic.texts.items():
            listed[lang] += text.questions
    kb.out_of_scope.update({lang: tuple(questions) for lang, questions in listed.items() if questions})


def _load_small_talk(path: Path, kb: KnowledgeBase, problems: list[Problem]) -> None:
    if not path.exists():
        return
    data = _read_toml(path, path.parent, problems)
    if data is None:
        return
    small_talk, found = parse_small_talk(data)
    problems += [Problem(_rel(path, path.parent), kind, message) for kind, message in found]
    kb.small_talk = small_talk


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(t, str) and t.strip() for t in value)


def _load_topic(data: dict, rel: str, problems: list[Problem]) -> OutOfScopeTopic | None:
    """One [[topics]] table of out_of_scope.toml; None when it has errors (all of them are reported)."""
    tid = data.get("id")
    before = len(problems)

    def bad(message: str) -> None:
        problems.append(Problem(rel, tid if isinstance(tid, str) else None, message))

    for key in sorted(set(data) - {"id", "reviewed", "sources", *LANGUAGES}):
        bad(f"topic: unknown field {key!r}")
    if not isinstance(tid, str) or not TOPIC_ID_PATTERN.match(tid) or len(tid) > MAX_ID_LENGTH:
        bad(f"topic id must be a-z, digits and underscore, at most {MAX_ID_LENGTH} characters ({tid!r})")
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
        bad("topic: reviewed must be a date like 2026-12-07")
    sources = _sources(data.get("sources"), bad, what="topic")
    texts: dict[str, Referral] = {}
    for lang in LANGUAGES:
        block = data.get(lang)
        if not isinstance(block, dict):
            bad(f"topic: missing language [topics.{lang}]")
            continue
        for key in sorted(set(block) - {"title", "referral", "questions"}):
            bad(f"[{lang}] unknown field {key!r}")
        title, referral, questions = block.get("title"), block.get("referral"), block.get("questions")
        if not isinstance(title, str) or not title.strip():
            bad(f"[{lang}] title is missing")
        if not isinstance(referral, str) or not referral.strip():
            bad(f"[{lang}] referral is missing")
        if not isinstance(questions, list) or not questions or not _texts(questions):
            bad(f"[{lang}] questions must be a non-empty list of phrasings")
        if len(problems) == before:
            texts[lang] = Referral(title.strip(), referral.strip(), tuple(q.strip() for q in questions))
    if len(problems) != before:
        return None
    return OutOfScopeTopic(tid, reviewed, tuple(sources), texts)


def _sources(raw_sources, bad, *, what: str = "entry") -> list[Source]:
    """[[sources]] of an entry or a topic: a title in English, optional title_kk and title_ru, a web address."""
    sources: list[Source] = []
    if not isinstance(raw_sources, list) or not raw_sources:
        bad(f"{'topic: ' if what == 'topic' else ''}at least one [[sources]] with a title is required")
        return sources
    for src in raw_sources:
        title, url = (src.get("title"), src.get("url")) if isinstance(src, dict) else (None, None)
        if not isinstance(title, str) or not title.strip():
            bad("every source needs a title")
        elif url is not None and (not isinstance(url, str) or not url.startswith(("https://", "http://"))):
            bad(f"source url must start with https:// ({url!r})")
        elif what == "topic" and not isinstance(url, str):
            bad(f"source \"{title.strip()[:60]}\" needs a url: residents are sent there")
        else:
            local = {lang: src.get(f"title_{lang}") for lang in LANGUAGES if lang != "en"}
            unknown = set(src) - {"title", "url", *(f"title_{lang}" for lang in local)}
            if unknown:
                bad(f"unknown source field(s): {', '.join(sorted(unknown))}")
            for lang, value in local.items():
                if value is not None and (not isinstance(value, str) or not value.strip()):
                    bad(f"source title_{lang} must be text when present")
            titles = tuple((lang, v.strip()) for lang, v in local.items() if isinstance(v, str) and v.strip())
            sources.append(Source(title.strip(), url, titles))
    return sources


def _load_entry(path: Path, directory: Path, kb: KnowledgeBase, problems: list[Problem]) -> Entry | None:
    rel = _rel(path, directory)
    data = _read_toml(path, directory, problems)
    if data is None:
        return None
    eid = data.get("id")
    before = len(problems)

    def bad(message: str) -> None:
        problems.append(Problem(rel, eid if isinstance(eid, str) else None, message))

    known = {"id", "category", "reviewed", "law_as_of", "review_note", "editor_note", "sources", *LANGUAGES}
    for key in data.keys() - known:
        bad(f"unknown field {key!r}")
    if not isinstance(eid, str) or not ID_PATTERN.match(eid) or len(eid) > MAX_ID_LENGTH:
        bad(f"id must be lowercase ASCII words joined by dots, at most {MAX_ID_LENGTH} characters")
    category = data.get("category")
    if category not in kb.categories:
        bad(f"unknown category {category!r}; categories are: {', '.join(kb.categories)}")
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
        bad("reviewed must be a date like 2026-11-21")
    law_as_of = data.get("law_as_of")
    if not isinstance(law_as_of, dt.date) or isinstance(law_as_of, dt.datetime):
        bad("law_as_of must be a date like 2026-03-17: the newest source the answer was checked against")
    elif isinstance(reviewed, dt.date) and law_as_of > reviewed:
        bad("law_as_of is later than reviewed: an editor cannot have checked a source before it existed")
    notes = {key: data.get(key) for key in ("review_note", "editor_note")}
    for key, value in notes.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            bad(f"{key} must be text when present")
    sources = _sources(data.get("sources"), bad)
    texts: dict[str, LocalText] = {}
    for lang in LANGUAGES:
        block = data.get(lang)
        if not isinstance(block, dict):
            bad(f"missing language [{lang}]")
            continue
        for key in sorted(set(block) - {"title", "answer", "short", "questions"}):
            bad(f"[{lang}] unknown field {key!r}")
        title, answer, questions = block.get("title"), block.get("answer"), block.get("questions")
        short = block.get("short")
        if not isinstance(title, str) or not title.strip():
            bad(f"[{lang}] title is missing")
        if not isinstance(answer, str) or not answer.strip():
            bad(f"[{lang}] answer is missing")
        if short is not None and (not isinstance(short, str) or not short.strip()):
            bad(f"[{lang}] short must be text when present (or leave it out: the full answer is shown)")
        if not isinstance(questions, list) or not questions or not all(
            isinstance(q, str) and q.strip() for q in questions
        ):
            bad(f"[{lang}] questions must be a non-empty list of phrasings")
        short = block.get("short")
        if short is not None and not isinstance(short, str):
            bad(f"[{lang}] short must be text")
        if len(problems) == before:
            texts[lang] = LocalText(title.strip(), answer.strip(), tuple(q.strip() for q in questions),
                                    short.strip() or None if isinstance(short, str) else None)
    if len(problems) != before:
        return None
    return Entry(eid, category, texts, tuple(sources), reviewed, law_as_of, notes["review_note"], path,
                 notes["editor_note"])

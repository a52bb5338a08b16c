"""The editors' loop: what an editor does with a cluster of unanswered questions, and the knowledge base
the bot serves, which is the entry files plus the phrasings editors added since the last export.

- "Add as a phrasing of X": a phrasing per language of the cluster (its most central question, without
  redaction placeholders) joins entry X, in the database at once and in the served matcher, and the
  cluster closes. A phrasing is refused, with the reason, when it would make a phrasing of another entry
  find the wrong entry (self-retrieval, as `qogam kb check` tests it).
- "Needs a new entry": the cluster waits in `qogam kb todo` for a writer.
- "Not our topic": a question per language of the cluster (chosen as for a phrasing) joins the questions
  the knowledge base does not answer (knowledge/out_of_scope.toml), at once in the served matcher, which
  then does not answer a question nearer it than any phrasing (model.listed_nearer); the cluster closes.
- "Ignore": its questions' normal forms are remembered and similar questions are never shown again.
Every action is audited with who did it. `export` writes learned phrasings into the entry files, and the
not-our-topic questions into out_of_scope.toml, with tomlkit, so the diff shows only the new lines, and
keeps them only if `kb check` still passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

from bot.core.clustering import PLACEHOLDER, Cluster, features, normal_form
from bot.core.glossary import Glossary, load_glossary
from bot.core.knowledge import OUT_OF_SCOPE_FILE, KnowledgeBase, KnowledgeError, knowledge_dir, load
from bot.core.matcher import Matcher, features as matcher_features, read_phrasing, transliterates
from bot.core.normalize import clean, tokens
from bot.storage import audit, gaps, learning
from bot.storage.db import transaction

# A learned phrasing is one question; a longer text is a message, not a phrasing.
MAX_PHRASING_CHARS = 200


def _key(text: str, lang: str) -> str:
    return " ".join(tokens(clean(PLACEHOLDER.sub(" ", text)), latin_kazakh=transliterates(lang)))


# ---- the served knowledge base -------------------------------------------------------------------
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
        have = {_key(q, lang) for q in local.questions}
        added = []
        for text in texts:
            if (key := _key(text, lang)) not in have:
                have.add(key)
                added.append(text)
        if added:
            texts_by_lang = {**entry.texts, lang: replace(local, questions=(*local.questions, *added))}
            entries[entry_id] = replace(entry, texts=texts_by_lang)
    return replace(kb, entries=entries)  # the categories and the out-of-scope list as they were


def _with_listed(kb: KnowledgeBase, rows: list[dict]) -> KnowledgeBase:
    listed = {lang: list(questions) for lang, questions in kb.out_of_scope.items()}
    have = {(lang, _key(q, lang)) for lang, questions in listed.items() for q in questions}
    added = False
    for row in rows:
        if (key := (row["lang"], _key(row["text"], row["lang"]))) not in have:
            have.add(key)
            listed.setdefault(row["lang"], []).append(row["text"])
            added = True
    return replace(kb, out_of_scope={lang: tuple(questions) for lang, questions in listed.items()}) if added else kb


class ReloadRefused(Exception):
    """The knowledge files have errors: the bot keeps serving what it had."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_served(learned: list[dict], directory: Path | None = None) -> tuple[KnowledgeBase, Matcher]:
    """Read and validate the knowledge files, add the learned phrasings, build the matcher. Errors of the
    loader and of the content checks refuse the whole knowledge base (ReloadRefused). Touches no database:
    a running bot reads `learned` first and may build this in a thread."""
    from bot.core.checks import check_content  # checks imports the dialogue, which imports this module

    kb, problems = load(directory)
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        errors = [p for p in check_content(kb) if p.severity == "error"]
    if errors:
        raise ReloadRefused(errors)
    kb = with_learned(kb, learned)
    return kb, Matcher(kb)


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


def build(learned: list[dict], directory: Path | None = None) -> Served:
    """Everything a reload reads from disk and computes; no database, so it may run in a thread."""
    kb, matcher = load_served(learned, directory)
    return Served(kb, matcher, load_glossary(directory)[0])


def install(ctx, served: Served, generation: tuple) -> None:
    """Swap the served knowledge in one step: the next message is answered from it."""
    ctx.kb, ctx.matcher, ctx.glossary_loaded, ctx.generation = served.kb, served.matcher, served.glossary, generation


def reload(ctx) -> list:
    """Serve the knowledge files and learned phrasings anew (`ctx`: the dialogue's Context). Returns the
    problems that refused it, [] when it was served; on problems the old knowledge base keeps serving."""
    learned, generation = snapshot(ctx.db)
    try:
        served = build(learned)
    except ReloadRefused as exc:
        return exc.problems
    install(ctx, served, generation)
    return []


def stale(ctx) -> bool:
    """Has another process (`qogam gaps resolve`, `kb learned --export`) changed the learned phrasings?"""
    return learning.generation(ctx.db) != ctx.generation


# ---- acting on a cluster -------------------------------------------------------------------------
@dataclass
class Outcome:
    """What an action did: phrasings added and refused (with reasons), gaps closed, residents to notify."""

    action: str
    cluster_id: int
    entry_id: str | None = None
    added: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str, Refusal]] = field(default_factory=list)
    closed: int = 0
    notified: int = 0
    kb: KnowledgeBase | None = None
    matcher: Matcher | None = None

    @property
    def done(self) -> bool:
        return self.closed > 0


def proposed_phrasings(cluster: Cluster, matcher: Matcher, glossary: Glossary) -> list[tuple[str, str]]:
    """(lang, text): per language of the cluster, its most central question (closest on average to the
    others of that language), without placeholders."""
    chosen = []
    for lang in ("kk", "ru", "en"):
        texts = list(dict.fromkeys(_phrasing_text(g.question) for g in cluster.gaps if g.lang == lang))
        texts = [t for t in texts if t]
        if not texts:
            continue
        central = 0  # of one or two, the first asked
        if len(texts) > 2:
            bags = [features(t, lang, matcher, glossary) for t in texts]
            central = max(range(len(texts)), key=lambda i: sum(_overlap(bags[i], b) for b in bags))
        chosen.append((lang, texts[central]))
    return chosen


def _overlap(a, b) -> float:
    shared = a.keys() & b.keys()
    return sum(min(a[k], b[k]) for k in shared) / (1 + sum(a.values()))


def _phrasing_text(question: str) -> str:
    text = " ".join(PLACEHOLDER.sub(" ", question).split())
    return text if len(text) <= MAX_PHRASING_CHARS else ""


@dataclass(frozen=True)
class Refusal:
    """Why a phrasing was not added. The editors' dialogue words it in the editor's language."""

    code: str  # empty | has_it | elsewhere | not_first | breaks
    entry: str | None = None  # the other entry concerned
    phrasing: str | None = None  # the other entry's phrasing that would go wrong
    found: str | None = None  # the entry it would find instead

    def english(self) -> str:
        return {
            "empty": "it has no words left after redaction",
            "has_it": "the entry already has this phrasing",
            "elsewhere": f"it is already a phrasing of {self.entry}",
            "not_first": f"even with it, the question finds {self.found} first",
            "breaks": f"with it, the phrasing “{self.phrasing}” of {self.entry} would find {self.found} instead",
        }[self.code]


def check_phrasing(kb: KnowledgeBase, entry_id: str, lang: str, text: str, model=None
                   ) -> tuple[Refusal | None, KnowledgeBase, Matcher | None]:
    """(why it is refused or None, the knowledge base with it, its matcher).

    model: the served matcher's trained model, reused so that a check takes a fraction of a second. The
    new phrasing is answered through the exact-phrasing rule at once; the model itself is retrained on
    the grown knowledge base at the next reload (the running bot does that within seconds, in a thread)."""
    key = _key(text, lang)
    if not key.strip():
        return Refusal("empty"), kb, None
    if (owner := _phrasing_owner(kb, key)) is not None:
        return (Refusal("has_it") if owner == entry_id else Refusal("elsewhere", owner)), kb, None
    grown = with_learned(kb, [{"entry_id": entry_id, "lang": lang, "text": text}])
    matcher = Matcher(grown, model=model)
    own = matcher.match(text, lang).candidates
    if not own or own[0].entry_id != entry_id:
        return Refusal("not_first", found=own[0].entry_id if own else None), kb, None
    # Only phrasings that share a feature with the new one can rank differently now: check those.
    new_features = set(matcher_features(read_phrasing(lang, text)))
    for entry in grown.entries.values():
        for other_lang, local in entry.texts.items():
            for question in local.questions:
                words = read_phrasing(other_lang, question)
                if not new_features & set(matcher_features(words)):
                    continue
                top = matcher.match(question, other_lang).candidates
                if top and top[0].entry_id != entry.id:
                    return Refusal("breaks", entry.id, question, top[0].entry_id), kb, None
    return None, grown, matcher


def _phrasing_owner(kb: KnowledgeBase, key: str) -> str | None:
    """The entry that has a phrasing with these normalised words (_key), if any."""
    return next((entry.id for entry in kb.entries.values() for lang, local in entry.texts.items()
                 if any(_key(q, lang) == key for q in local.questions)), None)


def add_as_phrasing(db: Database, kb: KnowledgeBase, matcher: Matcher, glossary: Glossary, cluster: Cluster,
                    entry_id: str, *, by: str) -> Outcome:
    """Learn the cluster's phrasings for `entry_id`, close it, queue the opted-in residents' answers."""
    outcome = Outcome("phrasing", cluster.id, entry_id)
    if entry_id not in kb.entries:
        raise KeyError(entry_id)
    served, served_matcher = kb, matcher
    for lang, text in proposed_phrasings(cluster, matcher, glossary):
        reason, grown, grown_matcher = check_phrasing(served, entry_id, lang, text, served_matcher.model)
        if reason and reason.code == "has_it":
            outcome.added.append((lang, text))  # nothing to add; the cluster is still answered by it
            continue
        if reason:
            outcome.refused.append((lang, text, reason))
            continue
        served, served_matcher = grown, grown_matcher
        outcome.added.append((lang, text))
    if not outcome.added:
        return outcome
    from bot.storage import notifications

    ids = [g.id for g in cluster.gaps]
    with transaction(db):
        for lang, text in outcome.added:
            learning.add_phrasing(db, entry_id=entry_id, lang=lang, text=text, cluster_id=cluster.id, by=by)
        outcome.closed = gaps.close(db, ids, gaps.LEARNED, by=by, entry_id=entry_id)
        outcome.notified = notifications.queue_for_gaps(db, ids, entry_id)
        audit.record(db, by, "gaps_phrasing", f"cluster:{cluster.id}", entry=entry_id, questions=cluster.size,
                     added=[f"{lang}: {text}" for lang, text in outcome.added],
                     refused=[f"{lang}: {reason.english()}" for lang, _, reason in outcome.refused], notified=outcome.notified)
    outcome.kb, outcome.matcher = served, served_matcher
    return outcome


def mark_new_entry(db: Database, cluster: Cluster, *, by: str) -> Outcome:
    outcome = Outcome("new_entry", cluster.id)
    with transaction(db):
        outcome.closed = gaps.close(db, [g.id for g in cluster.gaps], gaps.NEW_ENTRY, by=by)
        audit.record(db, by, "gaps_new_entry", f"cluster:{cluster.id}", questions=cluster.size,
                     samples=cluster.samples())
    return outcome


def not_our_topic(db: Database, kb: KnowledgeBase, matcher: Matcher, glossary: Glossary, cluster: Cluster, *,
                  by: str) -> Outcome:
    """List the cluster's questions (one per language, chosen as for a phrasing) as not our topic, close
    the cluster. A question that is an entry's phrasing is refused: the entry answers it."""
    outcome = Outcome("not_our_topic", cluster.id)
    listed = {(lang, _key(q, lang)) for lang, questions in kb.out_of_scope.items() for q in questions}
    new = []
    for lang, text in proposed_phrasings(cluster, matcher, glossary):
        key = _key(text, lang)
        if not key.strip():
            outcome.refused.append((lang, text, Refusal("empty")))
        elif (owner := _phrasing_owner(kb, key)) is not None:
            outcome.refused.append((lang, text, Refusal("elsewhere", owner)))
        else:
            outcome.added.append((lang, text))
            if (lang, key) not in listed:
                new.append({"entry_id": None, "lang": lang, "text": text})
    if not outcome.added:
        return outcome
    with transaction(db):
        for row in new:
            learning.add_not_our_topic(db, lang=row["lang"], text=row["text"], cluster_id=cluster.id, by=by)
        outcome.closed = gaps.close(db, [g.id for g in cluster.gaps], gaps.NOT_OUR_TOPIC, by=by)
        audit.record(db, by, "gaps_not_our_topic", f"cluster:{cluster.id}", questions=cluster.size,
                     added=[f"{lang}: {text}" for lang, text in outcome.added],
                     refused=[f"{lang}: {reason.english()}" for lang, _, reason in outcome.refused])
    # The list is part of the content hash: the served matcher reuses the trained model now, and the next
    # reload trains a new one (as after a learned phrasing).
    outcome.kb = with_learned(kb, new)
    outcome.matcher = Matcher(outcome.kb, model=matcher.model) if new else matcher
    return outcome


def ignore(db: Database, cluster: Cluster, *, by: str) -> Outcome:
    """Remember the normal form of each different question (they are redacted already) and close it."""
    outcome = Outcome("ignore", cluster.id)
    with transaction(db):
        for gap in cluster.gaps:
            learning.ignore(db, form=normal_form(gap.question, gap.lang), lang=gap.lang, by=by)
        outcome.closed = gaps.close(db, [g.id for g in cluster.gaps], gaps.IGNORED, by=by)
        audit.record(db, by, "gaps_ignore", f"cluster:{cluster.id}", questions=cluster.size,
                     samples=cluster.samples())
    return outcome


# ---- export to the entry files -------------------------------------------------------------------
@dataclass
class Export:
    written: dict[str, int] = field(default_factory=dict)  # file -> phrasings added
    problems: list = field(default_factory=list)  # kb check errors: nothing was kept

    @property
    def ok(self) -> bool:
        return not self.problems


def export(db: Database, directory: Path | None = None) -> Export:
    """Write the phrasings not yet exported into their entry files, and the not-our-topic questions into
    out_of_scope.toml, keeping formatting and comments (tomlkit). If `kb check` then finds errors, every
    file is restored and nothing is marked."""
    import tomlkit

    from bot.core.checks import check

    directory = Path(directory or knowledge_dir())
    pending = learning.phrasings(db, exported=False)
    kb, problems = load(directory)
    if any(p.severity == "error" for p in problems):
        raise KnowledgeError([p for p in problems if p.severity == "error"])
    originals: dict[Path, str] = {}
    documents: dict[Path, tomlkit.TOMLDocument] = {}
    result = Export()
    exported = []
    for row in pending:
        entry = kb.entries.get(row["entry_id"])
        if entry is None or row["lang"] not in entry.texts:
            continue  # the entry was removed or renamed since; the row stays for an editor to see
        path = entry.path
        if path not in documents:
            originals[path] = path.read_text(encoding="utf-8")
            documents[path] = tomlkit.parse(originals[path])
        exported.append(row["id"])
        _append(documents[path][row["lang"]]["questions"], row, result, str(path.relative_to(directory.parent)))
    listed = _export_not_our_topic(db, directory, originals, documents, result)
    for path, document in documents.items():
        path.write_text(tomlkit.dumps(document), encoding="utf-8")
    if documents:
        _, found = check(directory)
        result.problems = [p for p in found if p.severity == "error"]
        if result.problems:
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")
            result.written = {}
            return result
    if exported:
        learning.mark_exported(db, exported)
    if listed:
        learning.mark_not_our_topic_exported(db, listed)
    return result


def _export_not_our_topic(db: Database, directory: Path, originals: dict, documents: dict,
                          result: Export) -> list[int]:
    """Add the not-our-topic questions not yet exported to out_of_scope.toml's documents; their row ids."""
    import tomlkit

    pending = learning.not_our_topic(db, exported=False)
    if not pending:
        return []
    path = directory / OUT_OF_SCOPE_FILE
    if path not in documents:
        originals[path] = path.read_text(encoding="utf-8") if path.exists() else ""
        documents[path] = tomlkit.parse(originals[path])
    document = documents[path]
    name = str(path.relative_to(directory.parent))
    for row in pending:
        if row["lang"] not in document:
            document[row["lang"]] = tomlkit.table()
            document[row["lang"]]["questions"] = tomlkit.array().multiline(True)
        _append(document[row["lang"]]["questions"], row, result, name)
    return [row["id"] for row in pending]


def _append(questions, row: dict, result: Export, name: str) -> None:
    """Add a learned row's text to a TOML array of questions, unless it is there already (written by
    hand: the row is only marked exported), and count it for the file `name`."""
    if any(_key(str(q), row["lang"]) == _key(row["text"], row["lang"]) for q in questions):
        return
    questions.add_line(row["text"], indent=_indent(questions.as_string()))
    result.written[name] = result.written.get(name, 0) + 1


def _indent(array_text: str) -> str:
    """The indentation of the array's items in the file (two spaces in ours)."""
    found = re.search(r"\n([ \t]+)\S", array_text)
    return found.group(1) if found else "  "

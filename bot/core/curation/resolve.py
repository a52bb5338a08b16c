"""Editors' actions on a cluster of unanswered questions, each with the same checks in Telegram, the command
line and the web console, and each audited with who did it:

- "Add as a phrasing of X": a phrasing per language of the cluster (its most central question, without
  redaction placeholders) joins entry X, in the database at once and in the served matcher, and the
  cluster closes. A phrasing is refused, with the reason, when it would make a phrasing of another entry
  find the wrong entry (self-retrieval, as `qogam kb check` tests it).
- "Needs a new entry": the cluster waits in `qogam kb todo` for a writer.
- "Not our topic": a question per language of the cluster (chosen as for a phrasing) joins the questions
  the knowledge base does not answer (knowledge/out_of_scope.toml), at once in the served matcher, which
  then does not answer a question nearer it than any phrasing (model.listed_nearer); the cluster closes.
- "Ignore": its questions' normal forms are remembered and similar questions are never shown again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.core.curation.clustering import Cluster
from bot.core.curation.features import PLACEHOLDER, Reader, normal_form
from bot.core.curation.serving import phrasing_key, with_learned
from bot.core.knowledge.glossary import Glossary
from bot.core.knowledge.loader import KnowledgeBase
from bot.core.matching.ranker import Matcher
from bot.core.matching.reading import features as matcher_features
from bot.core.matching.reading import read_phrasing
from bot.core.text.hygiene import scrub
from bot.storage import audit, gaps, learning
from bot.storage.db import transaction

# A learned phrasing is one question; a longer text is a message, not a phrasing.
MAX_PHRASING_CHARS = 200
# Different texts of one language compared to find a cluster's most central question: 200 texts are
# 40,000 comparisons, about 0.1 s.
CENTRAL_TEXTS = 200


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
    read = Reader(matcher, glossary)
    for lang in ("kk", "ru", "en"):
        texts = list(dict.fromkeys(_phrasing_text(g.question) for g in cluster.gaps if g.lang == lang))
        # Centrality compares every text with every other: the first CENTRAL_TEXTS keep it bounded
        # (a cluster of 5,000 gaps from one resident took seconds).
        texts = [t for t in texts if t][:CENTRAL_TEXTS]
        if not texts:
            continue
        central = 0  # of one or two, the first asked
        if len(texts) > 2:
            bags = [read(t, lang) for t in texts]
            central = max(range(len(texts)), key=lambda i: sum(_overlap(bags[i], b) for b in bags))
        chosen.append((lang, texts[central]))
    return chosen


def _overlap(a, b) -> float:
    shared = a.keys() & b.keys()
    return sum(min(a[k], b[k]) for k in shared) / (1 + sum(a.values()))


def _phrasing_text(question: str) -> str:
    text = " ".join(PLACEHOLDER.sub(" ", scrub(question)).split())
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
    new phrasing is answered through the exact-phrasing rule at once; the matcher is provisional, so the
    running bot trains the grown knowledge base's model in a thread and swaps it in."""
    key = phrasing_key(text, lang)
    if not key.strip():
        return Refusal("empty"), kb, None
    if (owner := phrasing_owner(kb, key)) is not None:
        return (Refusal("has_it") if owner == entry_id else Refusal("elsewhere", owner)), kb, None
    grown = with_learned(kb, [{"entry_id": entry_id, "lang": lang, "text": text}])
    matcher = Matcher(grown, model=model)
    # Its model is the old knowledge base's: the running bot trains the grown one's behind the answers.
    matcher.provisional = True
    own = matcher.match(text, lang).candidates
    if not own or own[0].entry_id != entry_id:
        return Refusal("not_first", found=own[0].entry_id if own else None), kb, None
    # Only phrasings that share a feature with the new one can rank differently now: check those, all
    # at once (Matcher.match_many), in the knowledge base's order so the first one broken is named.
    new_features = set(matcher_features(read_phrasing(lang, text)))
    affected = [(entry, other_lang, question) for entry in grown.entries.values()
                for other_lang, local in entry.texts.items() for question in local.questions
                if new_features & set(matcher_features(read_phrasing(other_lang, question)))]
    results = matcher.match_many([(question, other_lang) for _, other_lang, question in affected])
    for (entry, _, question), result in zip(affected, results):
        top = result.candidates
        if top and top[0].entry_id != entry.id:
            return Refusal("breaks", entry.id, question, top[0].entry_id), kb, None
    return None, grown, matcher


def phrasing_owner(kb: KnowledgeBase, key: str) -> str | None:
    """The entry that has a phrasing with these normalised words (phrasing_key), if any."""
    return next((entry.id for entry in kb.entries.values() for lang, local in entry.texts.items()
                 if any(phrasing_key(q, lang) == key for q in local.questions)), None)


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
        audit.record(db, by, "gaps_phrasing", f"cluster:{cluster.id}", entry=entry_id, questions=cluster.questions,
                     residents=cluster.size, added=[f"{lang}: {text}" for lang, text in outcome.added],
                     refused=[f"{lang}: {reason.english()}" for lang, _, reason in outcome.refused],
                     notified=outcome.notified)
    outcome.kb, outcome.matcher = served, served_matcher
    return outcome


def mark_new_entry(db: Database, cluster: Cluster, *, by: str) -> Outcome:
    outcome = Outcome("new_entry", cluster.id)
    with transaction(db):
        outcome.closed = gaps.close(db, [g.id for g in cluster.gaps], gaps.NEW_ENTRY, by=by)
        audit.record(db, by, "gaps_new_entry", f"cluster:{cluster.id}", questions=cluster.questions,
                     residents=cluster.size, samples=cluster.samples())
    return outcome


def not_our_topic(db: Database, kb: KnowledgeBase, matcher: Matcher, glossary: Glossary, cluster: Cluster, *,
                  by: str) -> Outcome:
    """List the cluster's questions (one per language, chosen as for a phrasing) as not our topic, close
    the cluster. A question that is an entry's phrasing is refused: the entry answers it."""
    outcome = Outcome("not_our_topic", cluster.id)
    listed = {(lang, phrasing_key(q, lang)) for lang, questions in kb.out_of_scope.items() for q in questions}
    new = []
    for lang, text in proposed_phrasings(cluster, matcher, glossary):
        key = phrasing_key(text, lang)
        if not key.strip():
            outcome.refused.append((lang, text, Refusal("empty")))
        elif (owner := phrasing_owner(kb, key)) is not None:
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
        audit.record(db, by, "gaps_not_our_topic", f"cluster:{cluster.id}", questions=cluster.questions,
                     residents=cluster.size, added=[f"{lang}: {text}" for lang, text in outcome.added],
                     refused=[f"{lang}: {reason.english()}" for lang, _, reason in outcome.refused])
    # The list is part of the content hash: the served matcher reuses the trained model now, and the next
    # reload trains a new one (as after a learned phrasing).
    outcome.kb = with_learned(kb, new)
    if new:
        outcome.matcher = Matcher(outcome.kb, model=matcher.model)
        outcome.matcher.provisional = True  # as for a learned phrasing
    else:
        outcome.matcher = matcher
    return outcome


def ignore(db: Database, cluster: Cluster, *, by: str) -> Outcome:
    """Remember the normal form of each different question (they are redacted already) and close it."""
    outcome = Outcome("ignore", cluster.id)
    with transaction(db):
        for gap in cluster.gaps:
            learning.ignore(db, form=normal_form(gap.question, gap.lang), lang=gap.lang, by=by)
        outcome.closed = gaps.close(db, [g.id for g in cluster.gaps], gaps.IGNORED, by=by)
        audit.record(db, by, "gaps_ignore", f"cluster:{cluster.id}", questions=cluster.questions,
                     residents=cluster.size, samples=cluster.samples())
    return outcome



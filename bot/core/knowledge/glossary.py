"""The trilingual glossary (knowledge/glossary.toml): word stems in Kazakh, Russian and English that
mean the same thing, so that "жер учаскесі", "земельный участок" and "land plot" share a concept when
residents' unanswered questions are grouped for editors (bot/core/curation/clustering.py).

A stem matches a normalised word (casefolded, Kazakh letters folded as bot/core/text/normalize.py does) that
begins with it. A stem ending in "$" is a short word that would begin too many others ("су", water:
"сурет", "сұрақ"): it matches the word itself, or the word followed by one of the file's `endings`.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from bot.core.knowledge.loader import GLOSSARY_FILE, Problem, knowledge_dir
from bot.core.text.language import LANGUAGES
from bot.core.text.normalize import fold

# Stems are indexed by their first letters; a stem this short is allowed only with "$".
MIN_STEM = 3
# A word that begins with no stem may begin with a typo of one ("фанари" for "фонари", "пасбище"): its
# beginning is compared with stems of at least TYPO_STEM letters, and one letter in five may differ
# (rapidfuzz ratio, 0-100). Shorter stems are too easy to hit by accident.
TYPO_STEM = 6
TYPO_SIMILARITY = 80


@dataclass
class Glossary:
    # first letters of a stem -> [(stem, concept id, exact)]
    _stems: dict[str, list[tuple[str, str, bool]]] = field(default_factory=lambda: defaultdict(list))
    # first letter -> stems of TYPO_STEM letters or more, for typos
    _long: dict[str, list[tuple[str, str, bool]]] = field(default_factory=lambda: defaultdict(list))
    endings: frozenset[str] = frozenset()
    size: int = 0

    def concepts(self, word: str) -> list[str]:
        """Ids of the concepts a normalised word belongs to (usually none or one); for a word of five
        letters or more that begins with no stem, those of the stem its beginning is a typo of."""
        found = self._exact(word)
        if found or len(word) < TYPO_STEM:
            return found
        return self._typo(word)

    def _exact(self, word: str) -> list[str]:
        found = []
        for stem, concept, exact in self._stems.get(word[:2], ()):
            if not word.startswith(stem):
                continue
            if exact and word != stem and word[len(stem):] not in self.endings:
                continue
            if concept not in found:
                found.append(concept)
        return found

    def _typo(self, word: str) -> list[str]:
        best, score = None, TYPO_SIMILARITY
        for stem, concept, exact in self._long.get(word[0], ()):
            if exact or len(word) < len(stem):
                continue
            similarity = fuzz.ratio(word[:len(stem)], stem)
            if similarity >= score:
                best, score = concept, similarity
        return [best] if best else []


def load_glossary(directory: Path | None = None) -> tuple[Glossary, list[Problem]]:
    """The glossary and its problems; a missing file is an empty glossary (grouping then works on words)."""
    path = Path(directory or knowledge_dir()) / GLOSSARY_FILE
    glossary = Glossary()
    if not path.exists():
        return glossary, []
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        return glossary, [Problem(where, None, f"not valid TOML: {exc}")]
    problems = []
    endings = data.get("endings", [])
    if not isinstance(endings, list) or not all(isinstance(e, str) for e in endings):
        problems.append(Problem(where, None, "endings must be a list of word endings"))
        endings = []
    glossary.endings = frozenset(fold(e) for e in endings)
    seen = set()
    for item in data.get("concept", []):
        cid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(cid, str) or not cid:
            problems.append(Problem(where, None, "every [[concept]] needs an id"))
            continue
        if cid in seen:
            problems.append(Problem(where, cid, "duplicate concept id"))
            continue
        seen.add(cid)
        for lang in LANGUAGES:
            stems = item.get(lang)
            if not isinstance(stems, list) or not stems or not all(isinstance(s, str) for s in stems):
                problems.append(Problem(where, cid, f"[{lang}] must be a non-empty list of word stems"))
                continue
            for raw in stems:
                exact = raw.endswith("$")
                stem = fold(raw.rstrip("$").strip())
                if len(stem) < (2 if exact else MIN_STEM) or " " in stem:
                    problems.append(Problem(where, cid, f"[{lang}] stem {raw!r}: one word of at least "
                                                        f"{MIN_STEM} letters, or a short word ending in $"))
                    continue
                glossary._stems[stem[:2]].append((stem, cid, exact))
                if len(stem) >= TYPO_STEM:
                    glossary._long[stem[0]].append((stem, cid, exact))
        glossary.size += 1
    return glossary, problems

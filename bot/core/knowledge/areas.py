"""The areas residents follow: the country, its regions and cities, their districts (knowledge/areas.toml).

Areas are data that editors maintain next to the entries, so they live in a file, not in the database.
Each has a stable short ASCII code (it travels in deep links, QR codes and button data, so it is never
renamed), a kind, a parent and names in kk, ru and en. A resident finds one by paging or by typing a
name; typed names are folded like questions, so "aktobe", "актобе" and "Ақтөбе" are one name, and a
small typo still finds the area.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.clock import KZ_TIME  # noqa: F401 - the rest of the core imports it from here
from bot.core.knowledge.loader import ID_PATTERN, KnowledgeError, Problem, knowledge_dir
from bot.core.text.language import LANGUAGES
from bot.core.text.normalize import clean, fold, tokens

AREAS_FILE = "areas.toml"
# Regions and the three cities of republican significance carry an ISO 3166-2 code; the smaller
# kinds have none. Rural districts and villages may be added later as data.
KINDS = ("country", "region", "city_republican", "district", "city_regional", "city_district",
         "rural_district", "settlement")
ISO_KINDS = ("region", "city_republican")
# Words that say what kind of place a name is; a resident may type them or not ("Ақтөбе облысы",
# "Aktobe region", "Актобе"), so names are compared without them.
GENERIC_WORDS = ("облысы облыс область обл region oblast oblysy ауданы аудан район р-н district audany "
                 "audan rayon raion қаласы қала город г city qalasy kalasy республикалық маңызы бар "
                 "облыстық аудандық significance of republican regional городской областного значения")
# A typed name this similar (rapidfuzz ratio, 0-100) to a known name is taken as that name: one
# wrong, missing or extra letter in a six-letter name scores about 83-91; unrelated names stay
# below 70.
FUZZY_CUTOFF = 80


@dataclass(frozen=True)
class Area:
    code: str
    kind: str
    names: dict[str, str]
    parent: str | None = None
    iso: str | None = None
    aliases: tuple[str, ...] = ()
    source: str | None = None

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["kk"]


@dataclass
class Areas:
    by_code: dict[str, Area] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def get(self, code: str) -> Area | None:
        return self.by_code.get(code)

    @cached_property
    def _children(self) -> dict[str | None, list[Area]]:
        children: dict[str | None, list[Area]] = {}
        for area in self.by_code.values():
            children.setdefault(area.parent, []).append(area)
        return children

    def children(self, code: str | None, lang: str = "kk") -> list[Area]:
        """The areas directly under `code`, alphabetical in the reader's language (Kazakh letters sort
        with their base letters, "Ақтөбе" next to "Актау", not after "Я" as code points would)."""
        return sorted(self._children.get(code, []), key=lambda a: fold(a.name(lang)))

    def top(self, lang: str = "kk") -> list[Area]:
        """What a resident picks first: the regions and the cities of republican significance."""
        roots = self._children.get(None, [])
        return [a for root in roots for a in self.children(root.code, lang)]

    def descendants(self, code: str) -> list[str]:
        """`code` and every area under it."""
        found, stack = [], [code]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(a.code for a in self._children.get(current, []))
        return found

    def ancestors(self, code: str) -> list[str]:
        """`code` and the areas above it, up to the country."""
        chain = []
        while code in self.by_code and code not in chain:
            chain.append(code)
            code = self.by_code[code].parent
        return chain

    def within(self, code: str, scope: str) -> bool:
        """Is `code` the area `scope` or one under it?"""
        return scope in self.ancestors(code)

    def path(self, code: str, lang: str) -> str:
        """"Khromtau District, Aktobe Region": the area with its parents, without the country; the country
        itself is its name ("Kazakhstan"), never an empty string."""
        chain = [self.by_code[c] for c in self.ancestors(code)]
        named = [a.name(lang) for a in chain if a.kind != "country"]
        return ", ".join(named) if named else ", ".join(a.name(lang) for a in chain)

    @cached_property
    def _name_index(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = {}
        for area in self.by_code.values():
            if area.kind == "country":
                continue
            for name in (*area.names.values(), *area.aliases):
                key = name_key(name)
                if key:
                    index.setdefault(key, set()).add(area.code)
        return index

    @cached_property
    def _keys(self) -> list[str]:
        return list(self._name_index)

    def find(self, text: str, limit: int = 6) -> list[Area]:
        """Areas whose name matches what a resident typed, best first: exact names, then near ones."""
        key = name_key(text)
        if not key:
            return []
        codes: list[str] = sorted(self._name_index.get(key, ()), key=_broad_first(self))
        if not codes:
            for found, score, _ in process.extract(key, self._keys, scorer=fuzz.ratio, limit=limit * 2,
                                                   score_cutoff=FUZZY_CUTOFF):
                codes += [c for c in sorted(self._name_index[found], key=_broad_first(self)) if c not in codes]
        return [self.by_code[c] for c in codes[:limit]]


def _broad_first(areas: Areas):
    # "Абай" is a region and a district: the region comes first, then by code for a stable order.
    return lambda code: (KINDS.index(areas.by_code[code].kind), code)


@cache
def _generic_tokens() -> frozenset[str]:
    return frozenset(t for word in GENERIC_WORDS.split() for t in tokens(word, latin_kazakh=True))


def name_key(name: str) -> str:
    """A place name folded the way questions are, without words like "region" or "ауданы"."""
    generic = _generic_tokens()
    return " ".join(t for t in tokens(clean(name), latin_kazakh=True) if t not in generic)


def load_areas(directory: Path | None = None) -> tuple[Areas, list[Problem]]:
    """Read and validate areas.toml; every problem is reported with the area's code."""
    path = Path(directory or knowledge_dir()) / AREAS_FILE
    rel = f"knowledge/{AREAS_FILE}"
    areas, problems = Areas(), []
    if not path.exists():
        return areas, [Problem(rel, None, "areas file missing")]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        return areas, [Problem(rel, None, f"not valid TOML: {exc}")]
    known = {"code", "parent", "kind", "iso", "names", "aliases", "source", "source_title", "see_also", "centre"}
    for raw in data.get("area", []):
        code = raw.get("code")

        def bad(message: str) -> None:
            problems.append(Problem(rel, code if isinstance(code, str) else None, message))  # noqa: B023 - called only within this iteration

        before = len(problems)
        for key in set(raw) - known:
            bad(f"unknown field {key!r}")
        if not isinstance(code, str) or not ID_PATTERN.match(code):
            bad("code must be lowercase ASCII words joined by dots")
        elif code in areas.by_code:
            bad("duplicate code")
        if raw.get("kind") not in KINDS:
            bad(f"kind must be one of {', '.join(KINDS)}")
        names = raw.get("names")
        if not isinstance(names, dict) or not all(isinstance(names.get(lang), str) and names[lang].strip()
                                                  for lang in LANGUAGES):
            bad("names must give kk, ru and en")
        aliases = raw.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            bad("aliases must be a list of names")
        if len(problems) == before:
            areas.by_code[code] = Area(code, raw["kind"], {lang: names[lang].strip() for lang in LANGUAGES},
                                       raw.get("parent"), raw.get("iso"), tuple(aliases), raw.get("source"))
    problems += check_tree(areas, rel)
    return areas, problems


def check_tree(areas: Areas, rel: str) -> list[Problem]:
    """Parents exist and lead to the one country; regions carry a real ISO code and a cited source."""
    problems = []
    iso_known = _kz_subdivisions()
    roots = [a for a in areas.by_code.values() if a.parent is None]
    if len(roots) != 1 or roots[0].kind != "country":
        problems.append(Problem(rel, None, "exactly one area, the country, must have no parent"))
    for area in areas.by_code.values():
        def bad(message: str) -> None:
            problems.append(Problem(rel, area.code, message))  # noqa: B023 - called only within this iteration

        if area.parent is not None and area.parent not in areas.by_code:
            bad(f"parent {area.parent!r} is not an area")
        elif (area.parent is not None and not area.code.startswith(area.parent + ".")
              and areas.get(area.parent).kind != "country"):
            bad(f"code should start with its parent's code {area.parent!r}.")
        chain = areas.ancestors(area.code)
        if chain and areas.by_code[chain[-1]].parent is not None:
            bad("the parents form a loop")
        if area.kind in ISO_KINDS:
            if not area.iso:
                bad("regions and cities of republican significance carry their ISO 3166-2 code")
            elif iso_known is not None and area.iso not in iso_known:
                bad(f"ISO code {area.iso} is not a subdivision of Kazakhstan in pycountry")
            if not area.source:
                bad("cite the source its list of districts was checked against (source = ...)")
        elif area.iso and area.kind != "country":
            bad("only regions and cities of republican significance carry an ISO code")
    return problems


def _kz_subdivisions() -> set[str] | None:
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency; the check just gets weaker
        return None
    return {s.code for s in pycountry.subdivisions.get(country_code="KZ")}


def load_areas_or_fail(directory: Path | None = None) -> Areas:
    areas, problems = load_areas(directory)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise KnowledgeError(errors)
    return areas

"""Which entries are due for review: the law they state is older than a few months, or a law they rest on
changed after the date they state it as of.

`law_as_of` is the date of the newest source actually checked for an entry (knowledge/README.md), so its
age is how stale the answer may be: `qogam kb stale` and the editors' /gaps list the entries past
DEFAULT_MONTHS. Changes of the law itself are content, kept by editors in knowledge/law_changes.toml: an
act, the day it changed and how its citations are recognised in an entry's sources (a piece of the
source's URL or title). `kb check` flags an entry that cites a changed act but states the law as of a
day before the change: its answer may describe the law that no longer applies (the 2026 Constitution
took effect on 1 July 2026 and five answers still called the 1995 text current).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.core.knowledge.loader import LAW_CHANGES_FILE, Entry, KnowledgeBase, Problem, knowledge_dir

# Half a year: laws on local government changed several times a year in 2022-2026, and an answer an editor
# has not re-checked for longer is likely to miss one.
DEFAULT_MONTHS = 6


@dataclass(frozen=True)
class Due:
    entry_id: str
    law_as_of: dt.date
    months: int
    review_note: str | None

    def as_dict(self) -> dict:
        return {"id": self.entry_id, "law_as_of": self.law_as_of.isoformat(), "months": self.months,
                "review_note": self.review_note}


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier` to `later` (10 March to 9 May is 1, to 10 May is 2)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return max(0, months - (later.day < earlier.day))


def due_for_review(kb: KnowledgeBase, today: dt.date, months: int = DEFAULT_MONTHS) -> list[Due]:
    """Entries whose law is stated as of `months` or more ago, the oldest first."""
    due = [Due(e.id, e.law_as_of, months_between(e.law_as_of, today), e.review_note) for e in kb.entries.values()]
    return sorted((d for d in due if d.months >= months), key=lambda d: (d.law_as_of, d.entry_id))


@dataclass(frozen=True)
class LawChange:
    act: str
    changed: dt.date
    what: str
    cited_as: tuple[str, ...]  # pieces of a source's URL or title that name the act

    def cited_by(self, entry: Entry) -> bool:
        for source in entry.sources:
            texts = [source.title, *(title for _, title in source.titles), source.url or ""]
            if any(piece.casefold() in text.casefold() for piece in self.cited_as for text in texts):
                return True
        return False


def load_law_changes(directory: Path | None = None) -> tuple[list[LawChange], list[Problem]]:
    path = Path(directory or knowledge_dir()) / LAW_CHANGES_FILE
    if not path.exists():
        return [], []
    where = f"{path.parent.name}/{path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return [], [Problem(where, None, f"not valid TOML: {exc}")]
    changes, problems = [], []
    for number, raw in enumerate(data.get("changes", []), start=1):
        fields = {"act", "changed", "what", "cited_as"}
        cited = raw.get("cited_as") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or set(raw) - fields:
            problems.append(Problem(where, None, f"change {number}: only {', '.join(sorted(fields))} are allowed"))
        elif not isinstance(raw.get("changed"), dt.date) or isinstance(raw.get("changed"), dt.datetime):
            problems.append(Problem(where, None, f"change {number}: changed must be a date like 2026-07-01"))
        elif not all(isinstance(raw.get(k), str) and raw[k].strip() for k in ("act", "what")):
            problems.append(Problem(where, None, f"change {number}: act and what must be text"))
        elif not isinstance(cited, list) or not cited or not all(isinstance(c, str) and len(c.strip()) >= 6
                                                                  for c in cited):
            problems.append(Problem(where, None, f"change {number}: cited_as must list pieces of URLs or titles "
                                                 "of at least 6 characters"))
        else:
            changes.append(LawChange(raw["act"].strip(), raw["changed"], raw["what"].strip(),
                                     tuple(c.strip() for c in cited)))
    return changes, problems


def check_law_changes(kb: KnowledgeBase, changes: list[LawChange]) -> list[Problem]:
    """An entry that cites a changed act and states the law as of a day before the change."""
    problems = []
    for entry in kb.entries.values():
        for change in changes:
            if change.cited_by(entry) and entry.law_as_of < change.changed:
                problems.append(Problem(
                    str(entry.path), entry.id,
                    f"cites {change.act}, which changed on {change.changed.isoformat()} ({change.what}), but states "
                    f"the law as of {entry.law_as_of.isoformat()}: review the answer, then set law_as_of to the "
                    "date of the newest source you checked", "warning"))
    return problems

"""Saving an editor's entry from the web console: checked, written whole or not at all, kept in the entry's
history, and picked up by the running bot within seconds.

- The form carries the hash of the file as the editor opened it. If the file changed since (another
  editor saved first), the save is refused and the editor is shown the other's change: no edit is lost.
- The draft must pass the form's and kb check's findings (drafts.findings); errors refuse the save, with
  the reasons beside their fields.
- The file is written to a temporary file beside it and renamed over it, then read back by the loader; if
  the loader does not read back the entry the draft describes, the old file is put back. Nothing is ever
  half-written.
- Every saved version (and the file as it was before the first save from the console) is stored in the
  database with who saved it: the history shows a readable diff, and any version can be restored with one
  click (a revert is a save like any other, checked the same way).
- The running bot compares a generation that includes the newest version's id (storage/learning
  .generation) every 2 s and rebuilds what it serves when it changes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
from sqlite_utils import Database

from bot.core.curation import drafts
from bot.core.curation.check import N_, Finding
from bot.core.knowledge.loader import CATEGORIES_FILE, ID_PATTERN, KnowledgeBase, Problem, _load_entry
from bot.i18n import LANGUAGES
from bot.storage import audit, web
from bot.storage.db import transaction


def content_hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


@dataclass
class Saved:
    entry_id: str
    path: Path
    version_id: int
    changed: bool = True


@dataclass
class Refused:
    findings: list[Finding]


@dataclass
class Conflict:
    """The file changed since the editor opened it: their draft is not saved; this is the other change."""

    current: str
    current_hash: str
    diff: str


@dataclass
class Version:
    id: int
    saved_at: str
    saved_by: str
    action: str
    diff: str  # against the version before it
    content: str = field(repr=False)


def relative(path: Path, directory: Path) -> str:
    return str(path.relative_to(directory))


def entry_path(directory: Path, draft: drafts.Draft, kb: KnowledgeBase, editing: str | None) -> Path:
    """An existing entry keeps its file; a new one goes into its category's folder, named after its id."""
    if editing and editing in kb.entries:
        return kb.entries[editing].path
    return directory / draft.category / f"{draft.id}.toml"


def diff(before: str | None, after: str | None, name: str) -> str:
    return "".join(difflib.unified_diff((before or "").splitlines(keepends=True),
                                        (after or "").splitlines(keepends=True), f"{name} (before)",
                                        f"{name} (after)", n=2))


def _write(path: Path, text: str) -> None:
    """The whole file or nothing: a temporary file in the same folder, flushed, renamed over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _record(db: Database, directory: Path, path: Path, entry_id: str | None, before: str | None, after: str,
            by: str, action: str) -> int:
    name = relative(path, directory)
    with transaction(db):
        if before is not None and not web.versions(db, name):
            # The file as it was before the console first changed it: its history starts there.
            web.add_version(db, path=name, entry_id=entry_id, content=before, content_hash=content_hash(before),
                            by="files", action="before")
        version = web.add_version(db, path=name, entry_id=entry_id, content=after, content_hash=content_hash(after),
                                  by=by, action=action)
        audit.record(db, by, f"entry_{action}", f"entry:{entry_id}" if entry_id else name, path=name,
                     version=version)
    return version


def save_entry(db: Database, directory: Path, kb: KnowledgeBase, draft: drafts.Draft, *, editing: str | None,
               base_hash: str | None, by: str, today: dt.date, action: str = "saved") -> Saved | Refused | Conflict:
    """Check and write the draft as entry `editing` (None: a new entry)."""
    directory = Path(directory)
    if editing is not None and draft.id != editing:
        # Ids travel in links, QR codes and statistics: an existing entry's id never changes.
        return Refused([Finding(N_("An entry's id cannot be changed: links and statistics use it."), {},
                                field="id")])
    path = entry_path(directory, draft, kb, editing)
    before = read(path)
    if base_hash is not None and content_hash(before) != base_hash:
        return Conflict(before or "", content_hash(before), "")
    found = drafts.findings(draft, kb, editing=editing, path=path, today=today)
    if any(f.severity == "error" for f in found):
        return Refused(found)
    if editing is None and before is not None:  # a file no entry is loaded from (an editor's broken file)
        return Refused([Finding(N_("A file for this id exists already."), {}, field="id")])
    after = drafts.toml_text(draft, before, today)
    if after == before:
        return Saved(draft.id, path, 0, changed=False)
    problems = _write_checked(path, directory, kb, after, before, draft.id)
    if problems:
        return Refused([Finding(N_("The file could not be written as the entry: {problem}"), {"problem": str(p)})
                        for p in problems])
    return Saved(draft.id, path, _record(db, directory, path, draft.id, before, after, by, action))


def _write_checked(path: Path, directory: Path, kb: KnowledgeBase, text: str, before: str | None,
                   entry_id: str) -> list[Problem]:
    """Write `text` and read it back with the loader; put the old file back when it is not the entry."""
    _write(path, text)
    problems: list[Problem] = []
    entry = _load_entry(path, directory, kb, problems)
    if entry is None or entry.id != entry_id or problems:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            _write(path, before)
        return problems or [Problem(str(path), entry_id, "the file does not read back as this entry")]
    return []


def history(db: Database, directory: Path, path: Path) -> list[Version]:
    """A file's versions saved in the console, newest first, each with its diff against the one before."""
    rows = web.versions(db, relative(path, Path(directory)))
    out = []
    for row, older in zip(rows, [*rows[1:], None], strict=False):
        out.append(Version(row["id"], row["saved_at"], row["saved_by"], row["action"],
                           diff(older["content"] if older else None, row["content"], path.name), row["content"]))
    return out


def revert(db: Database, directory: Path, kb: KnowledgeBase, entry_id: str, version_id: int, *, base_hash: str | None,
           by: str, today: dt.date) -> Saved | Refused | Conflict:
    """Save an earlier version of an entry again (checked as any save)."""
    entry = kb.entries.get(entry_id)
    row = web.version(db, version_id)
    if entry is None or row is None or row["path"] != relative(entry.path, Path(directory)):
        return Refused([Finding(N_("There is no such version of this entry."), {})])
    problems: list[Problem] = []
    scratch = Path(tempfile.mkdtemp(prefix="qogam-revert-"))
    try:
        copy = scratch / entry.path.name
        copy.write_text(row["content"], encoding="utf-8")
        old = _load_entry(copy, scratch, kb, problems)
    finally:
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()
    if old is None or old.id != entry_id:
        return Refused([Finding(N_("This version cannot be read as the entry any more: {problem}"),
                                {"problem": "; ".join(p.message for p in problems) or "?"})])
    draft = drafts.from_entry(old)
    return save_entry(db, directory, kb, draft, editing=entry_id, base_hash=base_hash, by=by, today=today,
                      action="reverted")


# ---- categories --------------------------------------------------------------------------------------
def add_category(db: Database, directory: Path, kb: KnowledgeBase, category_id: str, names: dict[str, str], *,
                 by: str) -> list[Finding]:
    """Add a topic group to categories.toml (kept with its comments); the findings that refused it, or []."""
    found = []
    if not ID_PATTERN.match(category_id) or "." in category_id or len(category_id) > 30:
        found.append(Finding(N_("A category's id is one lower-case Latin word, like budgets."), {}, field="id"))
    elif category_id in kb.categories:
        found.append(Finding(N_("The id {id} is taken by another category."), {"id": category_id}, field="id"))
    for lang in LANGUAGES:
        name = names.get(lang, "").strip()
        if not name or len(name) > 60 or drafts.INVISIBLE.search(name):
            found.append(Finding(N_("Give the category's name, at most 60 characters."), {}, lang=lang,
                                 field="name"))
    if found:
        return found
    path = Path(directory) / CATEGORIES_FILE
    before = read(path) or ""
    document = tomlkit.parse(before)
    table = tomlkit.table()
    table["id"] = category_id
    for lang in LANGUAGES:
        table[lang] = names[lang].strip()
    document.setdefault("category", tomlkit.aot()).append(table)
    after = tomlkit.dumps(document)
    _write(path, after)
    _record(db, Path(directory), path, None, before, after, by, "category_added")
    return []

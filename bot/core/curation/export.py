"""`qogam kb learned --export`: what editors taught the bot, written into the knowledge files that git carries.
Learned phrasings go into their entry files and not-our-topic questions into out_of_scope.toml, with tomlkit,
so the diff shows only the new lines; they are kept only if `kb check` still passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from bot.core.curation.check import check
from bot.core.curation.serving import phrasing_key
from bot.core.knowledge.loader import OUT_OF_SCOPE_FILE, KnowledgeError, knowledge_dir, load
from bot.storage import learning


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
    if any(phrasing_key(str(q), row["lang"]) == phrasing_key(row["text"], row["lang"]) for q in questions):
        return
    questions.add_line(row["text"], indent=_indent(questions.as_string()))
    result.written[name] = result.written.get(name, 0) + 1


def _indent(array_text: str) -> str:
    """The indentation of the array's items in the file (two spaces in ours)."""
    found = re.search(r"\n([ \t]+)\S", array_text)
    return found.group(1) if found else "  "

"""An entry as an editor writes it in the web console: the form's fields, what is wrong with each (in the
editor's language), and the entry file it becomes.

The checks are `kb check`'s own (check.entry_findings: Kazakh letters, figures across languages, editors'
notes, review marks, commands, lengths, phrasings another entry has), after the checks a form needs
first: every field present, within its length, without invisible characters, an id that can be a file
name and a link, a URL that is a web address. A finding names the field it is about, so the console
shows it beside that field.

The file is written with tomlkit over the file as it was: what the editor did not change keeps its
layout and comments, so the diff in git (and in the entry's history) shows only what changed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import tomlkit

from bot.core.curation.check import N_, Finding, _phrasing_key, entry_findings
from bot.core.knowledge.loader import ID_PATTERN, MAX_ID_LENGTH, Entry, KnowledgeBase, LocalText, Source
from bot.i18n import LANGUAGES

# Limits a form field is checked against (characters). An answer with its sources must fit one Telegram
# message (4,096, which kb check measures on the rendered text); a title is a line on a phone; a phrasing
# is one question, as residents type one.
MAX_TITLE = 200
MAX_ANSWER = 4000
MAX_SHORT = 400
MAX_PHRASING = 200
MAX_PHRASINGS = 80
MAX_NOTE = 2000
MAX_SOURCES = 15
MAX_SOURCE_TITLE = 400
MAX_URL = 500
# Characters a reader cannot see but that change what the bot matches and shows: control characters (but
# newline and tab), zero-width ones, and bidirectional overrides (which can make a text read backwards).
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
                       "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Words the console's addresses use after /entries/: an entry may not be called so.
RESERVED_IDS = {"new", "check", "try"}


@dataclass
class SourceDraft:
    title: str = ""
    title_ru: str = ""
    title_kk: str = ""
    url: str = ""

    def empty(self) -> bool:
        return not (self.title or self.title_ru or self.title_kk or self.url)


@dataclass
class TextDraft:
    title: str = ""
    short: str = ""
    answer: str = ""
    questions: list[str] = field(default_factory=list)


@dataclass
class Draft:
    id: str = ""
    category: str = ""
    law_as_of: str = ""
    review_note: str = ""
    editor_note: str = ""
    texts: dict[str, TextDraft] = field(default_factory=lambda: {lang: TextDraft() for lang in LANGUAGES})
    sources: list[SourceDraft] = field(default_factory=list)


def _clean(value: object) -> str:
    """A form value as text: line endings normalised, surrounding blanks dropped (not invisible characters:
    those are reported, so the editor sees what they pasted)."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def from_form(form: Mapping[str, str]) -> Draft:
    """Fields: id, category, law_as_of, review_note, editor_note; <lang>.title, <lang>.short, <lang>.answer,
    <lang>.questions (one per line); source.<i>.title, .title_ru, .title_kk, .url for i = 0, 1, ..."""
    draft = Draft(_clean(form.get("id")), _clean(form.get("category")), _clean(form.get("law_as_of")),
                  _clean(form.get("review_note")), _clean(form.get("editor_note")))
    for lang in LANGUAGES:
        lines = _clean(form.get(f"{lang}.questions")).split("\n")
        draft.texts[lang] = TextDraft(_clean(form.get(f"{lang}.title")), _clean(form.get(f"{lang}.short")),
                                      _clean(form.get(f"{lang}.answer")), [q.strip() for q in lines if q.strip()])
    for i in range(MAX_SOURCES + 1):
        source = SourceDraft(*(_clean(form.get(f"source.{i}.{key}")) for key in ("title", "title_ru", "title_kk",
                                                                                  "url")))
        if not source.empty():
            draft.sources.append(source)
    return draft


def from_entry(entry: Entry) -> Draft:
    draft = Draft(entry.id, entry.category, entry.law_as_of.isoformat(), entry.review_note or "",
                  entry.editor_note or "")
    for lang, text in entry.texts.items():
        draft.texts[lang] = TextDraft(text.title, text.short or "", text.answer, list(text.questions))
    titles = [dict(s.titles) for s in entry.sources]
    draft.sources = [SourceDraft(s.title, t.get("ru", ""), t.get("kk", ""), s.url or "")
                     for s, t in zip(entry.sources, titles, strict=True)]
    return draft


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def field_findings(draft: Draft, kb: KnowledgeBase, *, editing: str | None) -> list[Finding]:
    """What a form needs before kb check can read it. `editing`: the id of the entry being edited (None for a
    new one: its id must be new)."""
    found: list[Finding] = []

    def need(value: str, where: str, limit: int, lang: str | None = None, required: bool = True) -> None:
        if required and not value:
            found.append(Finding(N_("This field is empty."), {}, lang=lang, field=where))
        elif len(value) > limit:
            found.append(Finding(N_("This field is too long (length: {length}, at most {limit})."),
                                 {"length": len(value), "limit": limit}, lang=lang, field=where))
        if INVISIBLE.search(value):
            found.append(Finding(N_("This field contains invisible characters (control, zero-width or "
                                    "right-to-left marks): retype it or paste it as plain text."), {},
                                 lang=lang, field=where))

    if not ID_PATTERN.match(draft.id) or len(draft.id) > MAX_ID_LENGTH:
        found.append(Finding(N_("An id is lower-case Latin words joined by dots, like appeals.deadlines, at "
                                "most {limit} characters."), {"limit": MAX_ID_LENGTH}, field="id"))
    elif draft.id in RESERVED_IDS:
        found.append(Finding(N_("The id {id} is reserved; choose another."), {"id": draft.id}, field="id"))
    elif draft.id != editing and draft.id in kb.entries:
        found.append(Finding(N_("The id {id} is taken by another entry."), {"id": draft.id}, field="id"))
    if draft.category not in kb.categories:
        found.append(Finding(N_("Choose a category."), {}, field="category"))
    if _date(draft.law_as_of) is None:
        found.append(Finding(N_("Give the date of the newest source you checked, like 2026-09-10."), {},
                             field="law_as_of"))
    elif _date(draft.law_as_of) > dt.date.today() + dt.timedelta(days=1):
        found.append(Finding(N_("This date is in the future."), {}, field="law_as_of"))
    need(draft.review_note, "review_note", MAX_NOTE, required=False)
    need(draft.editor_note, "editor_note", MAX_NOTE, required=False)
    for lang in LANGUAGES:
        text = draft.texts[lang]
        need(text.title, "title", MAX_TITLE, lang)
        need(text.answer, "answer", MAX_ANSWER, lang)
        need(text.short, "short", MAX_SHORT, lang, required=False)
        if not text.questions:
            found.append(Finding(N_("Write at least one phrasing: a question as residents ask it."), {}, lang=lang,
                                 field="questions"))
        if len(text.questions) > MAX_PHRASINGS:
            found.append(Finding(N_("Too many phrasings: {count}; at most {limit} fit."),
                                 {"count": len(text.questions), "limit": MAX_PHRASINGS}, lang=lang, field="questions"))
        for question in text.questions:
            if len(question) > MAX_PHRASING or INVISIBLE.search(question):
                found.append(Finding(N_("The phrasing {phrasing} is longer than {limit} characters or contains "
                                        "invisible characters."), {"phrasing": repr(question[:60]),
                                                                   "limit": MAX_PHRASING},
                                     lang=lang, field="questions"))
    if not draft.sources:
        found.append(Finding(N_("Name at least one source."), {}, field="sources"))
    if len(draft.sources) > MAX_SOURCES:
        found.append(Finding(N_("Too many sources: {count}; at most {limit} fit."),
                             {"count": len(draft.sources), "limit": MAX_SOURCES}, field="sources"))
    for number, source in enumerate(draft.sources, start=1):
        if not source.title:
            found.append(Finding(N_("Source {number} has no title."), {"number": number}, field="sources"))
        for value in (source.title, source.title_ru, source.title_kk):
            if len(value) > MAX_SOURCE_TITLE or INVISIBLE.search(value):
                found.append(Finding(N_("A title of source {number} is too long or contains invisible characters."),
                                     {"number": number}, field="sources"))
                break
        if source.url and (not URL.match(source.url) or len(source.url) > MAX_URL):
            found.append(Finding(N_("The address of source {number} must be a web address starting with https:// "
                                    "or http://."), {"number": number}, field="sources"))
    return found


def to_entry(draft: Draft, path: Path, today: dt.date) -> Entry:
    """The entry the draft describes (after field_findings found no error)."""
    texts = {}
    for lang in LANGUAGES:
        text = draft.texts[lang]
        texts[lang] = LocalText(text.title, text.answer, tuple(text.questions), text.short or None)
    sources = tuple(Source(s.title, s.url or None, tuple((lang, v) for lang, v in (("ru", s.title_ru),
                                                                                   ("kk", s.title_kk)) if v))
                    for s in draft.sources)
    return Entry(draft.id, draft.category, texts, sources, today, _date(draft.law_as_of) or today,
                 draft.review_note or None, path, draft.editor_note or None)


def findings(draft: Draft, kb: KnowledgeBase, *, editing: str | None, path: Path, today: dt.date) -> list[Finding]:
    """The form's findings, then kb check's for the entry (its phrasings against every other entry's)."""
    found = field_findings(draft, kb, editing=editing)
    if any(f.severity == "error" for f in found):
        return found
    owners, listed = _phrasing_index(kb)
    others = {key: other for key, ids in owners.items()
              if (other := next((i for i in ids if i not in (editing, draft.id)), None))}
    entry = to_entry(draft, path, today)
    found += entry_findings(entry, others)
    for lang, text in entry.texts.items():
        for question in text.questions:
            if _phrasing_key(question) in listed:
                found.append(Finding(N_("The phrasing {phrasing} is listed as a question the bot does not answer."),
                                     {"phrasing": repr(question)}, lang=lang, field="questions"))
    return found


def _phrasing_index(kb: KnowledgeBase) -> tuple[dict[str, list[str]], set[str]]:
    """Every phrasing's normalised words -> the entries that have it, and the listed out-of-scope questions';
    kept with the knowledge base, since the live checks ask for it at every keystroke (normalising 3,800
    phrasings took a third of a second)."""
    cached = getattr(kb, "_qogam_phrasing_index", None)
    if cached is None:
        owners: dict[str, list[str]] = {}
        for e in kb.entries.values():
            for text in e.texts.values():
                for q in text.questions:
                    owners.setdefault(_phrasing_key(q), []).append(e.id)
        listed = {_phrasing_key(q) for questions in kb.out_of_scope.values() for q in questions}
        cached = kb._qogam_phrasing_index = (owners, listed)
    return cached


def with_draft(kb: KnowledgeBase, entry: Entry, *, replacing: str | None) -> KnowledgeBase:
    """The knowledge base with the draft's entry in place of `replacing` (or added)."""
    entries = {eid: e for eid, e in kb.entries.items() if eid != replacing}
    entries[entry.id] = entry
    return replace(kb, entries=entries)


# ---- the file ---------------------------------------------------------------------------------------
def _multiline(value: str) -> tomlkit.items.Item:
    """A multi-line string laid out as the files are written by hand: the text starts on the line after the
    opening quotes (TOML drops that first newline) and the closing quotes stand on their own line. tomlkit
    escapes the text; the newline is put after the quotes in its output and the item read back from it."""
    escaped = tomlkit.string(value + "\n", multiline=True).as_string()
    return tomlkit.parse('x = """\n' + escaped[3:])["x"]


def _array(values: list[str]) -> tomlkit.items.Array:
    array = tomlkit.array()
    for value in values:
        array.add_line(value, indent="  ")
    array.add_line(indent="")
    return array


def toml_text(draft: Draft, original: str | None, today: dt.date) -> str:
    """The entry file: `original` (the file as it is) with the draft's values, or a new file."""
    document = tomlkit.parse(original) if original else tomlkit.document()

    def put(table, key: str, value, make=lambda v: v) -> None:
        old = table.get(key)
        current = str(old).strip() if isinstance(old, str) else old
        if value in ("", None, []):
            if key in table:
                del table[key]
        elif current != value:
            table[key] = make(value)

    put(document, "id", draft.id)
    put(document, "category", draft.category)
    put(document, "reviewed", today)
    put(document, "law_as_of", _date(draft.law_as_of))
    put(document, "review_note", draft.review_note)
    put(document, "editor_note", draft.editor_note)
    sources = [{key: value for key, value in (("title", s.title), ("title_ru", s.title_ru),
                                               ("title_kk", s.title_kk), ("url", s.url)) if value}
               for s in draft.sources]
    if [dict(item) for item in document.get("sources", [])] != sources:
        tables = tomlkit.aot()
        for source in sources:
            table = tomlkit.table()
            for key, value in source.items():
                table[key] = value
            tables.append(table)
        if "sources" in document:
            document["sources"] = tables
        else:
            document.add(tomlkit.nl())
            document["sources"] = tables
    for lang in LANGUAGES:
        text = draft.texts[lang]
        if lang not in document:
            document.add(tomlkit.nl())
            document[lang] = tomlkit.table()
        table = document[lang]
        put(table, "title", text.title)
        put(table, "answer", text.answer, _multiline)
        put(table, "short", text.short, _multiline)
        if [str(q) for q in table.get("questions", [])] != text.questions:
            table["questions"] = _array(text.questions)
    return tomlkit.dumps(document)

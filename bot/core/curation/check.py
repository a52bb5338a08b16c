"""`qogam kb check`: what an editor must fix before the knowledge base ships, and what to improve.

Errors: schema problems (from the loader), Kazakh text without Kazakh letters (Russian pasted by
mistake), a rendered answer longer than one Telegram message, the same phrasing in two entries or in an
entry and the out-of-scope list, and a phrasing that the real matcher sends to a different entry than its
own.
Errors too, so that answers stay true to each other and to the bot: a figure (number, date,
percentage) that one language's answer gives and another's lacks, editors' working notes left in an
answer ("Verified:", "we did not find"), and a slash command the bot does not have.
Warnings: thin entries (few phrasings, very short or very long answers), sources without a Kazakh or
Russian title, and entries whose phrasing is only suggested, not answered, by the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core import commands
from bot.core.curation.review import check_law_changes, load_law_changes
from bot.core.knowledge.areas import load_areas
from bot.core.knowledge.glossary import load_glossary
from bot.core.knowledge.loader import OUT_OF_SCOPE_FILE, Entry, KnowledgeBase, Problem, load
from bot.core.knowledge.render import TELEGRAM_MESSAGE_LIMIT, answer_text, utf16_length
from bot.core.matching import policy
from bot.core.matching.engine import build_matcher
from bot.core.matching.ranker import Matcher
from bot.core.text.figures import figures
from bot.core.text.normalize import clean, has_kazakh_letters, tokens
from bot.i18n import Translator, translator

MIN_QUESTIONS = 6
# A plain answer a resident reads on a phone: long enough to be useful, short enough to be read.
ANSWER_CHARS = (400, 1200)
# Editors' working language that must never reach a resident. Hedging the resident can act on ("not
# yet confirmed: check with the akimat") is fine; notes about our own research ("Verified:", "we did
# not find", "(article numbers to be checked)") belong in review_note or editor_note.
EDITOR_MARKERS = re.compile("|".join((  # noqa: FLY002 - one alternative per line
    r"\b(?:verified|checked|unverified|note to editors?|review note|todo|fixme|tbd)\s*:",
    r"\bwe (?:did not|didn't|have not|haven't|could not|couldn't) (?:find|verify|confirm|check)",
    r"\bwe found no\b", r"\bto be checked\)",
    r"\b(?:проверено|не проверено|примечание редактора)\s*:", r"\bмы не (?:нашли|проверили|смогли)",
    r"\bнужно уточнить\)",
    r"\b(?:тексерілді|тексерілмеген)\s*:", r"\b(?:таппадық|тексермедік|анықтай алмадық)\b",
    r"\bтексеру керек\)",
)), re.IGNORECASE)
# The footer tells residents that the point awaiting legal review is "marked in the text": this is the
# mark, and an entry with a review_note carries it in every language (and only such an entry does).
REVIEW_MARKS = {"kk": "заңгерлік тексеруге белгіленген", "ru": "отмечено для юридической проверки",
                "en": "marked for legal review"}
# "/topics" in an answer is a promise; a slash inside a word or an address ("аудан/район") is not.
COMMAND_MENTION = re.compile(r"(?<![\w/.:])/([A-Za-z_]+)\b")


def check(directory=None, progress=None) -> tuple[KnowledgeBase, list[Problem]]:
    """progress(what, share done): for a status line (engine.Progress)."""
    kb, problems = load(directory)
    if any(p.severity == "error" for p in problems):
        return kb, problems
    problems += check_content(kb)
    matcher = build_matcher(kb, progress=progress)
    if progress is not None:
        progress("asking every phrasing", None)
    problems += check_retrieval(kb, matcher)
    problems += check_scope_terms(matcher)
    problems += load_areas(directory)[1]
    problems += load_glossary(directory)[1]
    changes, found = load_law_changes(directory)
    problems += found + check_law_changes(kb, changes)
    return kb, problems


@dataclass(frozen=True)
class Finding:
    """One problem of one entry, worded as a msgid with named placeholders: `kb check` prints it in English
    with the language in front ("[kk] ..."), the web console shows it in the editor's language beside the
    field it is about (`field`: "answer", "title", "short", "questions", "sources", "review_note" or None)."""

    msgid: str
    params: dict = field(default_factory=dict)
    severity: str = "error"
    lang: str | None = None
    field: str | None = None

    def english(self) -> str:
        return (f"[{self.lang}] " if self.lang else "") + self.msgid.format(**self.params)

    def text(self, t: Translator) -> str:
        return t.gettext(self.msgid, **self.params)


def N_(message: str) -> str:
    """Marks a msgid for extraction; Finding.text translates it."""
    return message


def entry_findings(entry: Entry, owners: Mapping[str, str] | None = None) -> list[Finding]:
    """Everything `kb check` says about one entry on its own, and about its phrasings against `owners`
    (normalised phrasing -> the entry that has it: another entry's phrasing may not be this one's)."""
    owners = owners or {}
    found: list[Finding] = []
    kk = entry.texts.get("kk")
    # A short Kazakh title may have no Kazakh-specific letter ("Петициялар"); an answer always has.
    checked = ([("answer", kk.answer)] + ([("title", kk.title)] if len(kk.title.split()) >= 4 else [])) if kk else []
    for name, value in checked:
        if not has_kazakh_letters(value):
            found.append(Finding(N_("{field} has no Kazakh letters (ә ғ қ ң ө ұ ү һ і): is it Russian pasted "
                                    "by mistake?"), {"field": name}, lang="kk", field=name))
    for source in entry.sources:
        missing = [lang for lang in ("kk", "ru") if source.title_in(lang) == source.title]
        if missing:
            found.append(Finding(N_('source "{title}" has no title_{missing}: readers of those languages see the '
                                    "English name"), {"title": source.title[:60], "missing": " / title_".join(missing)},
                                 "warning", field="sources"))
    found += figure_findings(entry)
    seen: dict[str, str] = {}
    for lang, text in entry.texts.items():
        for marker in EDITOR_MARKERS.finditer(text.answer):
            found.append(Finding(N_("answer contains an editors' note ({marker}): move it to review_note"),
                                 {"marker": repr(marker.group())}, lang=lang, field="answer"))
        marked = REVIEW_MARKS[lang] in text.answer
        if entry.review_note and not marked:
            found.append(Finding(N_("the entry has a review_note, but the answer does not mark the point ({mark}) "
                                    "that residents are told is marked in the text"),
                                 {"mark": repr(REVIEW_MARKS[lang])}, lang=lang, field="answer"))
        elif marked and not entry.review_note:
            found.append(Finding(N_("the answer says {mark} but the entry has no review_note naming the fact"),
                                 {"mark": repr(REVIEW_MARKS[lang])}, lang=lang, field="review_note"))
        for command in COMMAND_MENTION.findall(text.answer):
            if command.lower() not in commands.PUBLIC + commands.UNLISTED:
                found.append(Finding(N_("answer mentions /{command}, which the bot does not have"),
                                     {"command": command}, lang=lang, field="answer"))
        length = utf16_length(answer_text(entry, translator(lang)))  # as Telegram counts: an emoji is 2
        if length > TELEGRAM_MESSAGE_LIMIT:
            found.append(Finding(N_("answer with sources is too long for one Telegram message (length: "
                                    "{length}, at most {limit})"),
                                 {"length": length, "limit": TELEGRAM_MESSAGE_LIMIT}, lang=lang, field="answer"))
        low, high = ANSWER_CHARS
        if not low <= len(text.answer) <= high:
            found.append(Finding(N_("answer length: {length}; aim for {low}-{high} characters"),
                                 {"length": len(text.answer), "low": low, "high": high}, "warning", lang, "answer"))
        if len(text.questions) < MIN_QUESTIONS:
            found.append(Finding(N_("few phrasings: {count}; write at least {least}"),
                                 {"count": len(text.questions), "least": MIN_QUESTIONS}, "warning", lang, "questions"))
        for question in text.questions:
            key = _phrasing_key(question)
            other = owners.get(key)
            if other and other != entry.id:
                found.append(Finding(N_("phrasing {phrasing} is also in {entry}"),
                                     {"phrasing": repr(question), "entry": other}, lang=lang, field="questions"))
            elif key in seen:
                found.append(Finding(N_("phrasing {phrasing} is repeated"), {"phrasing": repr(question)}, "warning",
                                     lang, "questions"))
            seen[key] = entry.id
    return found


def check_content(kb: KnowledgeBase) -> list[Problem]:
    problems = []
    owners: dict[str, str] = {}
    for entry in kb.entries.values():
        problems += [Problem(str(entry.path), entry.id, f.english(), f.severity)
                     for f in entry_findings(entry, owners)]
        for text in entry.texts.values():
            for question in text.questions:
                owners.setdefault(_phrasing_key(question), entry.id)
    for lang, questions in kb.out_of_scope.items():
        for question in questions:
            # The matcher would learn that this entry's own question has no answer.
            other = owners.get(_phrasing_key(question))
            if other:
                problems.append(Problem(OUT_OF_SCOPE_FILE, None,
                                        f"[{lang}] {question!r} is listed as out of scope but is a phrasing of "
                                        f"{other}"))
    return problems


def check_scope_terms(matcher: Matcher) -> list[Problem]:
    """A term of out_of_scope.toml that a phrasing uses is not applied (the knowledge base answers
    questions with it): the editor removes the term or rewords the phrasing."""
    return [Problem(OUT_OF_SCOPE_FILE, None,
                    f"[{lang}] term {term!r} is not applied: phrasings use it ({used})", "warning")
            for lang, term, used in matcher.scope_terms.unused]


def _phrasing_key(question: str) -> str:
    """A phrasing as the duplicate checks compare it: its normalised words."""
    return " ".join(tokens(clean(question)))


def figure_findings(entry) -> list[Finding]:
    """A figure stated in one language's answer must be stated in the other two."""
    found = {lang: figures(text.answer) for lang, text in entry.texts.items()}
    every = set().union(*found.values())
    return [Finding(N_("answer lacks the figure {figure} that the [{having}] answer states"),
                    {"figure": figure, "having": "/".join(other for other in found if figure in found[other])},
                    lang=lang, field="answer")
            for lang, own in found.items() for figure in sorted(every - own)]


def check_figures(entry) -> list[str]:
    return [f.english() for f in figure_findings(entry)]


def _retrieval(entries: list[Entry], matcher: Matcher) -> list[tuple[Entry, Finding]]:
    """Each phrasing of `entries` must find its entry first, and should be answered outright. All asked at
    once (Matcher.match_many): 3,300 phrasings took 13 s one by one, now well under a second."""
    asked = [(entry, lang, question) for entry in entries for lang, text in entry.texts.items()
             for question in text.questions]
    results = matcher.match_many([(question, lang) for _, lang, question in asked])
    found = []
    for (entry, lang, question), result in zip(asked, results):
        candidates = result.candidates
        top = candidates[0].entry_id if candidates else None
        if top != entry.id:
            found.append((entry, Finding(N_("phrasing {phrasing} finds {found} ({score}) instead"),
                                         {"phrasing": repr(question), "found": top,
                                          "score": f"{candidates[0].score if candidates else 0.0:.2f}"},
                                         lang=lang, field="questions")))
        elif not isinstance(policy.decide(result), policy.Answer):
            found.append((entry, Finding(N_("phrasing {phrasing} is not answered outright (score {score}); make "
                                            "it more specific to this entry"),
                                         {"phrasing": repr(question), "score": f"{candidates[0].score:.2f}"},
                                         "warning", lang, "questions")))
    return found


def retrieval_findings(entry: Entry, matcher: Matcher) -> list[Finding]:
    """Each of the entry's phrasings must find the entry first, and should be answered outright."""
    return [finding for _, finding in _retrieval([entry], matcher)]


def check_retrieval(kb: KnowledgeBase, matcher: Matcher) -> list[Problem]:
    """Every phrasing must find its own entry first (self-retrieval through the real matcher)."""
    return [Problem(str(entry.path), entry.id, f.english(), f.severity)
            for entry, f in _retrieval(list(kb.entries.values()), matcher)]

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

from bot.core import commands
from bot.core.knowledge.areas import load_areas
from bot.core.knowledge.glossary import load_glossary
from bot.core.knowledge.loader import OUT_OF_SCOPE_FILE, KnowledgeBase, Problem, load
from bot.core.knowledge.render import TELEGRAM_MESSAGE_LIMIT, answer_text, utf16_length
from bot.core.matching import policy
from bot.core.matching.engine import build_matcher
from bot.core.matching.ranker import Matcher
from bot.core.text.figures import figures
from bot.core.text.normalize import clean, has_kazakh_letters, tokens
from bot.i18n import translator

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
    return kb, problems


def check_content(kb: KnowledgeBase) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    for entry in kb.entries.values():
        where = str(entry.path)

        def add(message: str, severity: str = "error") -> None:
            problems.append(Problem(where, entry.id, message, severity))  # noqa: B023 - called only within this iteration

        kk = entry.texts["kk"]
        # A short Kazakh title may have no Kazakh-specific letter ("Петициялар"); an answer always has.
        checked = [("answer", kk.answer)] + ([("title", kk.title)] if len(kk.title.split()) >= 4 else [])
        for field, value in checked:
            if not has_kazakh_letters(value):
                add(f"[kk] {field} has no Kazakh letters (ә ғ қ ң ө ұ ү һ і): is it Russian pasted by mistake?")
        for source in entry.sources:
            missing = [lang for lang in ("kk", "ru") if source.title_in(lang) == source.title]
            if missing:
                add(f"source \"{source.title[:60]}\" has no title_{' / title_'.join(missing)}: "
                    "readers of those languages see the English name", "warning")
        problems += [Problem(where, entry.id, message) for message in check_figures(entry)]
        for lang, text in entry.texts.items():
            for marker in EDITOR_MARKERS.finditer(text.answer):
                add(f"[{lang}] answer contains an editors' note ({marker.group()!r}): move it to review_note")
            marked = REVIEW_MARKS[lang] in text.answer
            if entry.review_note and not marked:
                add(f"[{lang}] the entry has a review_note, but the answer does not mark the point "
                    f"({REVIEW_MARKS[lang]!r}) that residents are told is marked in the text")
            elif marked and not entry.review_note:
                add(f"[{lang}] the answer says {REVIEW_MARKS[lang]!r} but the entry has no review_note naming the fact")
            for command in COMMAND_MENTION.findall(text.answer):
                if command.lower() not in commands.PUBLIC:
                    add(f"[{lang}] answer mentions /{command}, which the bot does not have")
            rendered = answer_text(entry, translator(lang))
            length = utf16_length(rendered)  # as Telegram counts: an emoji is 2
            if length > TELEGRAM_MESSAGE_LIMIT:
                add(f"[{lang}] answer with sources is {length} characters; one Telegram message holds "
                    f"{TELEGRAM_MESSAGE_LIMIT}")
            low, high = ANSWER_CHARS
            if not low <= len(text.answer) <= high:
                add(f"[{lang}] answer is {len(text.answer)} characters; aim for {low}-{high}", "warning")
            if len(text.questions) < MIN_QUESTIONS:
                add(f"[{lang}] only {len(text.questions)} phrasings; write at least {MIN_QUESTIONS}", "warning")
            for question in text.questions:
                key = _phrasing_key(question)
                other = seen.get(key)
                if other and other != entry.id:
                    add(f"[{lang}] phrasing {question!r} is also in {other}")
                elif other == entry.id:
                    add(f"[{lang}] phrasing {question!r} is repeated", "warning")
                seen.setdefault(key, entry.id)
    for lang, questions in kb.out_of_scope.items():
        for question in questions:
            # The matcher would learn that this entry's own question has no answer.
            other = seen.get(_phrasing_key(question))
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


def check_figures(entry) -> list[str]:
    """A figure stated in one language's answer must be stated in the other two."""
    found = {lang: figures(text.answer) for lang, text in entry.texts.items()}
    every = set().union(*found.values())
    messages = []
    for lang, own in found.items():
        for figure in sorted(every - own):
            having = "/".join(other for other in found if figure in found[other])
            messages.append(f"[{lang}] answer lacks the figure {figure} that the [{having}] answer states")
    return messages


def check_retrieval(kb: KnowledgeBase, matcher: Matcher) -> list[Problem]:
    """Every phrasing must find its own entry first (self-retrieval through the real matcher)."""
    problems = []
    asked = [(entry, lang, question) for entry in kb.entries.values() for lang, text in entry.texts.items()
             for question in text.questions]
    # All at once (Matcher.match_many): 3,300 phrasings took 13 s one by one, now well under a second.
    results = matcher.match_many([(question, lang) for _, lang, question in asked])
    for (entry, lang, question), result in zip(asked, results):
        candidates = result.candidates
        top = candidates[0].entry_id if candidates else None
        if top != entry.id:
            score = candidates[0].score if candidates else 0.0
            problems.append(Problem(str(entry.path), entry.id,
                                    f"[{lang}] phrasing {question!r} finds {top} ({score:.2f}) instead"))
            continue
        decision = policy.decide(result)
        if not isinstance(decision, policy.Answer):
            problems.append(Problem(
                str(entry.path), entry.id,
                f"[{lang}] phrasing {question!r} is not answered outright "
                f"(score {candidates[0].score:.2f}); make it more specific to this entry", "warning"))
    return problems

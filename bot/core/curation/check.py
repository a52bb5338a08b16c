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

Short answers (`short`, what residents see first): a missing one is a warning (the full answer is shown
instead); one over SHORT_MAX_CHARS, or whose figures differ across the languages, is an error, and so are
the answers' other errors (editors' notes, unknown commands, a review mark without a review_note).

Out-of-scope topics (out_of_scope.toml's [[topics]]): a title over 40 characters or a referral over 400,
figures that differ across the languages, a question in two topics or also an entry's phrasing, an unknown
command, Kazakh without Kazakh letters are errors; a source by plain http:// is a warning.

Small talk (small_talk.toml): a phrase in two kinds, a phrase that is an entry's phrasing or an
out-of-scope question, an unknown command in a reply are errors (also on reload); in `kb check` only, a
phrase the recognizer does not give its own kind is an error and an entry's phrasing it takes for small
talk a warning.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.core import commands
from bot.core.knowledge.areas import load_areas
from bot.core.knowledge.glossary import load_glossary
from bot.core.knowledge.loader import OUT_OF_SCOPE_FILE, SMALL_TALK_FILE, KnowledgeBase, Problem, load
from bot.core.knowledge.render import (
    REVIEW_MARKS,
    SHORT_MAX_CHARS,
    TELEGRAM_MESSAGE_LIMIT,
    answer_text,
    utf16_length,
)
from bot.core.matching import policy
from bot.core.matching.engine import build_matcher
from bot.core.matching.ranker import Matcher
from bot.core.matching.reading import read_phrasing
from bot.core.matching.small_talk import Recognizer
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
# An out-of-scope topic's name and referral (out_of_scope.toml): a line, and a few sentences on a phone.
TOPIC_TITLE_CHARS = 40
REFERRAL_CHARS = 400
# "/topics" in an answer is a promise; a slash inside a word or an address ("аудан/район") is not.
COMMAND_MENTION = re.compile(r"(?<![\w/.:])/([A-Za-z_]+)\b")


def check(directory=None) -> tuple[KnowledgeBase, list[Problem]]:
    kb, problems = load(directory)
    if any(p.severity == "error" for p in problems):
        return kb, problems
    problems += check_content(kb)
    matcher = build_matcher(kb)
    problems += check_retrieval(kb, matcher)
    problems += check_small_talk_reach(kb)
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
        problems += check_shorts(entry)
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
                topic = kb.topic_of(lang, question)
                problems.append(Problem(OUT_OF_SCOPE_FILE, topic.id if topic else None,
                                        f"[{lang}] {question!r} is listed as out of scope but is a phrasing of "
                                        f"{other}"))
    problems += check_topics(kb)
    problems += check_small_talk(kb, seen)
    return problems


def check_shorts(entry) -> list[Problem]:
    """The short answers (LocalText.short) of an entry; see the module's docstring."""
    where = str(entry.path)
    problems = []
    for lang, text in entry.texts.items():
        if not text.short:
            continue
        messages = []
        if len(text.short) > SHORT_MAX_CHARS:
            messages.append(f"[{lang}] short answer is {len(text.short)} characters; at most {SHORT_MAX_CHARS}: "
                            "the direct answer and the one step to take")
        if lang == "kk" and not has_kazakh_letters(text.short):
            messages.append("[kk] short answer has no Kazakh letters (ә ғ қ ң ө ұ ү һ і): is it Russian pasted "
                            "by mistake?")
        messages += [f"[{lang}] short answer contains an editors' note ({marker.group()!r}): move it to review_note"
                     for marker in EDITOR_MARKERS.finditer(text.short)]
        if REVIEW_MARKS[lang] in text.short and not entry.review_note:
            messages.append(f"[{lang}] the short answer says {REVIEW_MARKS[lang]!r} but the entry has no "
                            "review_note naming the fact")
        messages += [f"[{lang}] short answer mentions /{command}, which the bot does not have"
                     for command in COMMAND_MENTION.findall(text.short) if command.lower() not in commands.PUBLIC]
        problems += [Problem(where, entry.id, message) for message in messages]
    problems += [Problem(where, entry.id, message) for message in check_figures(entry, "short")]
    missing = [lang for lang, text in entry.texts.items() if not text.short]
    if missing:
        problems.append(Problem(where, entry.id, f"no short answer in {'/'.join(missing)}: residents see the full "
                                "answer first (write short = \"\"\"...\"\"\" after answer: the direct answer and "
                                "the one step to take)", "warning"))
    return problems


def check_topics(kb: KnowledgeBase) -> list[Problem]:
    """The out-of-scope topics: what residents read (title, referral) and where their questions go."""
    problems = []
    in_topics = [(topic.id, lang, question) for topic in kb.out_of_scope_topics.values()
                 for lang, text in topic.texts.items() for question in text.questions]
    # kb.out_of_scope holds the flat lists and then the topics' questions: what is left is the flat lists.
    flat = Counter((lang, q) for lang, questions in kb.out_of_scope.items() for q in questions)
    flat.subtract(Counter((lang, q) for _, lang, q in in_topics))
    owner: dict[tuple[str, str], str | None] = {}
    for topic_id, lang, question in [(None, lang, q) for (lang, q), n in flat.items() for _ in range(n)] + in_topics:
        key = (lang, _phrasing_key(question))
        if key in owner:
            first, second = owner[key] or "the flat list", topic_id or "the flat list"
            where = f"twice in {first}" if first == second else f"in {first} and in {second}"
            problems.append(Problem(OUT_OF_SCOPE_FILE, topic_id,
                                    f"[{lang}] {question!r} is listed {where}: a question belongs to one topic"))
        owner.setdefault(key, topic_id)
    for topic in kb.out_of_scope_topics.values():
        def add(message: str, severity: str = "error") -> None:
            problems.append(Problem(OUT_OF_SCOPE_FILE, topic.id, message, severity))  # noqa: B023 - this iteration only

        for lang, text in topic.texts.items():
            if len(text.title) > TOPIC_TITLE_CHARS:
                add(f"[{lang}] title is {len(text.title)} characters; at most {TOPIC_TITLE_CHARS}")
            if len(text.referral) > REFERRAL_CHARS:
                add(f"[{lang}] referral is {len(text.referral)} characters; at most {REFERRAL_CHARS}")
            if lang == "kk" and not has_kazakh_letters(text.referral):
                add("[kk] referral has no Kazakh letters (ә ғ қ ң ө ұ ү һ і): is it Russian pasted by mistake?")
            for marker in EDITOR_MARKERS.finditer(text.referral):
                add(f"[{lang}] referral contains an editors' note ({marker.group()!r})")
            for command in COMMAND_MENTION.findall(text.referral):
                if command.lower() not in commands.PUBLIC:
                    add(f"[{lang}] referral mentions /{command}, which the bot does not have")
        for message in _figure_gaps({lang: text.referral for lang, text in topic.texts.items()}, "referral"):
            add(message)
        for source in topic.sources:
            missing = [lang for lang in ("kk", "ru") if source.title_in(lang) == source.title]
            if missing:
                add(f"source \"{source.title[:60]}\" has no title_{' / title_'.join(missing)}", "warning")
            if source.url and source.url.startswith("http://"):
                add(f"source url {source.url} is plain http: use https:// where the site has it", "warning")
    return problems


def check_small_talk(kb: KnowledgeBase, entry_phrasings: dict[str, str]) -> list[Problem]:
    """small_talk.toml against itself, the entries and the out-of-scope list (what the recognizer makes of
    it is check_small_talk_reach's)."""
    if kb.small_talk is None:
        return []
    problems = []

    def add(kind: str | None, message: str, severity: str = "error") -> None:
        problems.append(Problem(SMALL_TALK_FILE, kind, message, severity))

    listed = {_phrasing_key(q) for questions in kb.out_of_scope.values() for q in questions}
    kinds_of: dict[str, str] = {}
    for kind, texts in kb.small_talk.kinds.items():
        for lang, text in texts.items():
            for phrase in text.phrases:
                key = " ".join(read_phrasing(lang, phrase))
                other = kinds_of.setdefault(key, kind)
                if other != kind:
                    add(kind, f"[{lang}] phrase {phrase!r} is also a phrase of {other}: a phrase belongs to one kind")
                if _phrasing_key(phrase) in entry_phrasings:
                    add(kind, f"[{lang}] phrase {phrase!r} is a phrasing of {entry_phrasings[_phrasing_key(phrase)]}")
                if _phrasing_key(phrase) in listed:
                    add(kind, f"[{lang}] phrase {phrase!r} is listed in {OUT_OF_SCOPE_FILE}")
            for command in COMMAND_MENTION.findall(text.reply):
                if command.lower() not in commands.PUBLIC:
                    add(kind, f"[{lang}] reply mentions /{command}, which the bot does not have")
    return problems


def check_small_talk_reach(kb: KnowledgeBase) -> list[Problem]:
    """The recognizer on the content: every phrase must give its own kind (an error), and a phrasing of an
    entry that it takes for small talk is a warning. Part of `kb check`, as the matcher's self-retrieval
    is, not of a reload, which it would slow by most of a second."""
    if kb.small_talk is None:
        return []
    recognizer = Recognizer(kb)
    problems = []
    for kind, texts in kb.small_talk.kinds.items():
        for lang, text in texts.items():
            for phrase in text.phrases:
                found = recognizer.recognise(phrase)
                if found is None or found.kind != kind:
                    problems.append(Problem(
                        SMALL_TALK_FILE, kind, f"[{lang}] phrase {phrase!r} is recognised as "
                        f"{found.kind if found else 'a question'}, not {kind}: another kind's phrase or an entry's "
                        "words take it"))
    for entry in kb.entries.values():
        for lang, text in entry.texts.items():
            for phrasing in (text.title, *text.questions):
                found = recognizer.recognise(phrasing)
                if found is not None:
                    problems.append(Problem(
                        SMALL_TALK_FILE, found.kind,
                        f"[{lang}] {phrasing!r}, a phrasing of {entry.id}, reads as small talk ({found.kind}): the "
                        "bot answers it from the entry, but a typo of it would get the small-talk reply; reword "
                        "the phrase or the phrasing", "warning"))
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


def check_figures(entry, field: str = "answer") -> list[str]:
    """A figure stated in one language's answer (field "answer") or short answer ("short") must be stated in
    the other two; languages without a short answer are left out."""
    texts = {lang: getattr(text, field) for lang, text in entry.texts.items() if getattr(text, field)}
    return _figure_gaps(texts, "answer" if field == "answer" else "short answer")


def _figure_gaps(texts: dict[str, str], name: str) -> list[str]:
    found = {lang: figures(text) for lang, text in texts.items()}
    every = set().union(*found.values())
    messages = []
    for lang, own in found.items():
        for figure in sorted(every - own):
            having = "/".join(other for other in found if figure in found[other])
            messages.append(f"[{lang}] {name} lacks the figure {figure} that the [{having}] {name} states")
    return messages


def check_retrieval(kb: KnowledgeBase, matcher: Matcher) -> list[Problem]:
    """Every phrasing must find its own entry first (self-retrieval through the real matcher)."""
    problems = []
    for entry in kb.entries.values():
        for lang, text in entry.texts.items():
            for question in text.questions:
                result = matcher.match(question, lang)
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

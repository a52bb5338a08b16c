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
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core import commands
from bot.core.curation.review import check_law_changes, load_law_changes
from bot.core.knowledge.areas import load_areas
from bot.core.knowledge.glossary import load_glossary
from bot.core.knowledge.loader import OUT_OF_SCOPE_FILE, SMALL_TALK_FILE, Entry, KnowledgeBase, Problem, load
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
# An out-of-scope topic's name and referral (out_of_scope.toml): a line, and a few sentences on a phone.
TOPIC_TITLE_CHARS = 40
REFERRAL_CHARS = 400
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
    problems += check_small_talk_reach(kb)
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
    found += short_findings(entry)
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
                topic = kb.topic_of(lang, question)
                problems.append(Problem(OUT_OF_SCOPE_FILE, topic.id if topic else None,
                                        f"[{lang}] {question!r} is listed as out of scope but is a phrasing of "
                                        f"{other}"))
    problems += check_topics(kb)
    problems += check_small_talk(kb, owners)
    return problems


def short_findings(entry: Entry) -> list[Finding]:
    """The short answers (LocalText.short) of an entry; see the module's docstring."""
    found: list[Finding] = []
    for lang, text in entry.texts.items():
        if not text.short:
            continue
        if len(text.short) > SHORT_MAX_CHARS:
            found.append(Finding(N_("short answer length: {length}; at most {limit}: the direct answer and the "
                                    "one step to take"), {"length": len(text.short), "limit": SHORT_MAX_CHARS},
                                 lang=lang, field="short"))
        if lang == "kk" and not has_kazakh_letters(text.short):
            found.append(Finding(N_("{field} has no Kazakh letters (ә ғ қ ң ө ұ ү һ і): is it Russian pasted "
                                    "by mistake?"), {"field": "short"}, lang="kk", field="short"))
        found += [Finding(N_("short answer contains an editors' note ({marker}): move it to review_note"),
                          {"marker": repr(marker.group())}, lang=lang, field="short")
                  for marker in EDITOR_MARKERS.finditer(text.short)]
        if REVIEW_MARKS[lang] in text.short and not entry.review_note:
            found.append(Finding(N_("the short answer says {mark} but the entry has no review_note naming the "
                                    "fact"), {"mark": repr(REVIEW_MARKS[lang])}, lang=lang, field="review_note"))
        found += [Finding(N_("short answer mentions /{command}, which the bot does not have"), {"command": command},
                          lang=lang, field="short")
                  for command in COMMAND_MENTION.findall(text.short)
                  if command.lower() not in commands.PUBLIC + commands.UNLISTED]
    found += figure_findings(entry, "short")
    missing = [lang for lang, text in entry.texts.items() if not text.short]
    if missing:
        found.append(Finding(N_("no short answer in {langs}: residents see the full answer first (write the "
                                "direct answer and the one step to take)"), {"langs": "/".join(missing)},
                             "warning", field="short"))
    return found


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


def _missing_figures(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(language, figure, the languages that state it) for each figure one language's text lacks."""
    found = {lang: figures(text) for lang, text in texts.items()}
    every = set().union(*found.values())
    return [(lang, figure, "/".join(other for other in found if figure in found[other]))
            for lang, own in found.items() for figure in sorted(every - own)]


def figure_findings(entry, field: str = "answer") -> list[Finding]:
    """A figure stated in one language's answer (field "answer") or short answer ("short") must be stated in
    the other two; languages without a short answer are left out."""
    texts = {lang: getattr(text, field) for lang, text in entry.texts.items() if getattr(text, field)}
    msgid = (N_("answer lacks the figure {figure} that the [{having}] answer states") if field == "answer" else
             N_("short answer lacks the figure {figure} that the [{having}] short answer states"))
    return [Finding(msgid, {"figure": figure, "having": having}, lang=lang, field=field)
            for lang, figure, having in _missing_figures(texts)]


def check_figures(entry, field: str = "answer") -> list[str]:
    return [f.english() for f in figure_findings(entry, field)]


def _figure_gaps(texts: dict[str, str], name: str) -> list[str]:
    """Figures one language's `name` (a referral) states and another's lacks, as kb check prints them."""
    return [f"[{lang}] {name} lacks the figure {figure} that the [{having}] {name} states"
            for lang, figure, having in _missing_figures(texts)]


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

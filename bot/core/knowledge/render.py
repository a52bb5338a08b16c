"""Turn entries and decisions into text a resident reads, in their language.

Replies are plain text: no parse mode, so no content can break Telegram's HTML/Markdown parser, and
the terminal shows exactly the same thing.
"""

from __future__ import annotations

from bot.core.knowledge.loader import Entry, KnowledgeBase, OutOfScopeTopic
from bot.core.privacy import STORED_MARKER, stored_list
from bot.i18n import Translator

# Telegram's limit for one message: 4096 characters as Telegram counts them, in UTF-16 code units (an
# emoji or another character outside the Basic Multilingual Plane counts 2). An answer with its sources
# must fit in one.
TELEGRAM_MESSAGE_LIMIT = 4096
# A short answer (LocalText.short) is read on a phone without scrolling: the direct answer and the one step
# to take. `kb check` holds editors to it.
SHORT_MAX_CHARS = 400
# The footer tells residents that the point awaiting legal review is "marked in the text": this is the
# mark, and an entry with a review_note carries it in every language's answer (and only such an entry
# does; `kb check`).
REVIEW_MARKS = {"kk": "заңгерлік тексеруге белгіленген", "ru": "отмечено для юридической проверки",
                "en": "marked for legal review"}


def utf16_length(text: str) -> int:
    """The length Telegram checks its limits against."""
    return len(text.encode("utf-16-le")) // 2


def answer_body(answer: str, t: Translator) -> str:
    """An answer as the resident reads it: the line privacy.STORED_MARKER becomes the list of what the bot
    keeps (bot.about), from the same list /mydata shows."""
    if STORED_MARKER not in answer:
        return answer
    return "\n".join(stored_list(t) if line.strip() == STORED_MARKER else line for line in answer.split("\n"))


def answer_text(entry: Entry, t: Translator) -> str:
    """The full answer with its sources: what "More" shows, and the answer of an entry without a short one."""
    text = entry.texts[t.lang]
    lines = [text.title, "", answer_body(text.answer, t), "", t.gettext("Sources:")]
    for source in entry.sources:
        lines.append(f"• {source.title_in(t.lang)}" + (f" — {source.url}" if source.url else ""))
    # Month precision: the sources behind an answer are dated by the law's state, not by the hour.
    lines.append(t.gettext("The law is stated as of {date}.", date=t.month(entry.law_as_of)))
    if entry.review_note:
        lines.append(_review_line(t))
    return "\n".join(lines)


def short_text(entry: Entry, t: Translator) -> str | None:
    """The answer residents see first: the title and the short answer (a "More" button shows answer_text);
    None when the entry has no short answer in this language, and the full answer is shown instead."""
    text = entry.texts[t.lang]
    if not text.short:
        return None
    lines = [text.title, "", text.short]
    if entry.review_note and REVIEW_MARKS[t.lang] in text.short:
        lines += ["", _review_line(t)]
    return "\n".join(lines)


def first_answer_text(entry: Entry, t: Translator) -> str:
    """What an answer shows first: the short answer, or the full one when there is no short one."""
    return short_text(entry, t) or answer_text(entry, t)


def _review_line(t: Translator) -> str:
    return t.gettext("One point in this answer (marked in the text) is awaiting legal review: "
                     "check it with the akimat before relying on it.")


def suggestion_text(entry_ids: tuple[str, ...], kb: KnowledgeBase, t: Translator, *, numbered: bool = False) -> str:
    """"Did you mean": the options are the buttons under it, so the text does not repeat them; `numbered`
    lists them for a reader without buttons (`qogam ask`)."""
    lines = [t.gettext("I am not sure which topic you mean. Did you mean:")]
    if numbered:
        lines += [f"{n}. {kb.entries[eid].texts[t.lang].title}" for n, eid in enumerate(entry_ids, 1)]
    return "\n".join(lines)


def referral_text(topic: OutOfScopeTopic, t: Translator) -> str:
    """A question that is not ours: the topic as the bot understood it, and where such questions are answered."""
    text = topic.texts[t.lang]
    return f"{text.title}\n\n{text.referral}"


def no_match_text(t: Translator, *, logged: bool) -> str:
    first = t.gettext("I don't have an answer to this question yet.")
    if logged:
        return "\n".join([
            first,
            t.gettext("I have passed it to the editors, who add new answers to the knowledge base."),
            t.gettext("You can browse the topics I know with /topics."),
        ])
    return "\n".join([first, t.gettext("You can browse the topics I know with /topics.")])



def split_message(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """Split at paragraph, then line, then word boundaries so that each part fits `limit` UTF-16 code
    units (Telegram's count, see utf16_length)."""
    parts: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        fits = _fitting_prefix(rest, limit)
        cut = max(rest.rfind("\n\n", 0, fits), rest.rfind("\n", 0, fits), rest.rfind(" ", 0, fits))
        if cut <= 0:
            cut = fits
        part = rest[:cut].rstrip()
        if part:  # a run of spaces at the cut leaves nothing worth a message
            parts.append(part)
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 code units with "…" at the cut (a toast, a caption)."""
    if utf16_length(text) <= limit:
        return text
    return text[:_fitting_prefix(text, limit - 1)] + "…"


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters (code points) of `text` fit in `limit` UTF-16 code units; never a half pair."""
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)

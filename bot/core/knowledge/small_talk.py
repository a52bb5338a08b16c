"""Small talk: messages that are not questions ("привет", "рахмет", "спасибо, понятно", "ок", "кто ты?",
"пока", "тупой бот"), as editors write them in knowledge/small_talk.toml: per kind and language, the phrases
people type and the short reply they get. The recognizer that matches a message against the phrases is
bot/core/matching/small_talk.py; `kb check` also compares the phrases with the entries' phrasings
(bot/core/curation/check.py).

Reading never stops at the first mistake: `parse` returns what it could read and every problem, and the
loader (loader.py) reports them with the file's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.text.language import LANGUAGES

# The kinds the bot knows. A new kind needs a decision in code (what it is for), not only content.
KINDS = ("greeting", "thanks", "ack", "who", "bye", "insult")


@dataclass(frozen=True)
class SmallTalkText:
    """One kind in one language: the phrases people type, and the reply."""

    phrases: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class SmallTalk:
    """kind -> language -> its phrases and reply, in the file's order."""

    kinds: dict[str, dict[str, SmallTalkText]]

    def reply(self, kind: str, lang: str) -> str:
        return self.kinds[kind][lang].reply


def parse(data: dict) -> tuple[SmallTalk, list[tuple[str | None, str]]]:
    """The file's content as read by tomllib, and the problems as (kind id or None, message)."""
    problems: list[tuple[str | None, str]] = []
    kinds: dict[str, dict[str, SmallTalkText]] = {}
    for key in sorted(set(data) - {"kinds"}):
        problems.append((None, f"unknown field {key!r}; the file holds [[kinds]]"))
    raw_kinds = data.get("kinds", [])
    if not isinstance(raw_kinds, list) or not all(isinstance(k, dict) for k in raw_kinds):
        return SmallTalk({}), [*problems, (None, "[[kinds]] must be tables, each with an id")]
    for raw in raw_kinds:
        kid = raw.get("id")
        where = kid if isinstance(kid, str) else None
        if kid not in KINDS:
            problems.append((where, f"unknown kind {kid!r}; kinds are: {', '.join(KINDS)}"))
            continue
        if kid in kinds:
            problems.append((where, "duplicate kind"))
            continue
        before = len(problems)
        for key in sorted(set(raw) - {"id", *LANGUAGES}):
            problems.append((where, f"unknown field {key!r}"))
        texts: dict[str, SmallTalkText] = {}
        for lang in LANGUAGES:
            block = raw.get(lang)
            if not isinstance(block, dict):
                problems.append((where, f"missing language [kinds.{lang}]"))
                continue
            for key in sorted(set(block) - {"phrases", "reply"}):
                problems.append((where, f"[{lang}] unknown field {key!r}"))
            phrases, reply = block.get("phrases"), block.get("reply")
            if not isinstance(phrases, list) or not phrases:
                problems.append((where, f"[{lang}] phrases must be a non-empty list"))
                continue
            empty = [p for p in phrases if not isinstance(p, str) or not p.strip()]
            if empty:
                problems.append((where, f"[{lang}] {len(empty)} empty or non-text phrase(s)"))
            if not isinstance(reply, str) or not reply.strip():
                problems.append((where, f"[{lang}] reply is missing"))
                continue
            texts[lang] = SmallTalkText(tuple(p.strip() for p in phrases if isinstance(p, str) and p.strip()),
                                        reply.strip())
        if len(problems) == before:
            kinds[kid] = texts
    return SmallTalk(kinds), problems

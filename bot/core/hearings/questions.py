"""Group residents' questions that ask the same thing, so a broadcaster reads 12 themes, not 300 lines.

Questions are compared after the same folding as the matcher's (Kazakh letters, Latin script, case),
by the mean of rapidfuzz's token_set_ratio (word order and extra words do not matter) and
token_sort_ratio (but a one-word question is not the same as every question containing that word):
"когда построят школу" and "школу когда построят в ауле" score about 90, unrelated questions under 50.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.text.hygiene import scrub
from bot.core.text.normalize import clean, fold, tokens

# Two questions at least this similar (0-100) are one theme. At 70 reworded questions about one school
# or one road join; questions that share only the place name do not.
SIMILAR = 70


@dataclass
class Group:
    questions: list[dict]

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def example(self) -> dict:
        return self.questions[0]


def group_questions(questions: list[dict], key: str = "question") -> list[Group]:
    """Largest groups first; within a group, the first question asked leads. The questions are scrubbed
    (bot/core/text/hygiene.py) again for the staff who read them: rows stored before scrubbing existed."""
    groups: list[tuple[str, Group]] = []
    for question in questions:
        question = {**question, key: scrub(question[key])}
        folded = " ".join(tokens(clean(question[key]), latin_kazakh=True)) or fold(question[key])
        for lead, group in groups:
            if similarity(folded, lead) >= SIMILAR:
                group.questions.append(question)
                break
        else:
            groups.append((folded, Group([question])))
    return sorted((g for _, g in groups), key=lambda g: -g.count)


def similarity(a: str, b: str) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2

"""Group residents' questions that ask the same thing, so a broadcaster reads 12 themes, not 300 lines.

Questions are read as unanswered questions are (bot/core/curation/features.py: words cut to their stems,
and the glossary's concepts, which carry "мектеп", "школа" and "school" to one theme), without the
matcher's typo correction, which corrects towards the knowledge base's words, not a village's. They are
grouped by average linkage on cosine distance (bot/core/curation/grouping.py), in memory linear in
their number: 10,000 questions in 0.2 to 1.7 s of CPU, the worst when they are all different
(bench/hearing_questions.py).

This replaced rapidfuzz's token-set ratio against each group's first question, which compared every
question with every group found so far (issue 27: 3,000 questions took 35 s) and, on
eval/hearing_questions.tsv (64 questions, 10 themes, kk/ru/en, written for this change), scored ARI
0.07 (precision 0.78, recall 0.04): it joined almost nothing but word-for-word rewordings. This
grouping: ARI 0.90 (precision 0.96, recall 0.87); with a typo in every question 0.88 (0.99, 0.81),
where rapidfuzz scored 0.04.

A group's size is the number of residents who asked (issue 32): one resident asking five times is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.curation.features import Reader
from bot.core.curation.grouping import group
from bot.core.knowledge.glossary import Glossary, load_glossary
from bot.core.text.hygiene import scrub

# Average cosine distance at which themes stop joining: the gaps' cut (bot/core/curation/clustering.py).
# On eval/hearing_questions.tsv (as written / with typos): 0.7 ARI 0.87 / 0.76, 0.8 ARI 0.90 / 0.88
# (precision 0.96 / 0.99), 0.9 ARI 0.89 / 0.93 but precision 0.89 / 0.96: themes start to mix. Questions
# that share only a place name stay apart at 0.8: the name is one feature of several, and the topic
# words and concepts differ.
DISTANCE = 0.8


@dataclass
class Group:
    questions: list[dict]

    @property
    def count(self) -> int:
        """Residents who asked (a question without a known resident counts as one)."""
        return len({("asker", q["asker"]) if q.get("asker") is not None else ("row", i)
                    for i, q in enumerate(self.questions)})

    @property
    def asked(self) -> int:
        """Questions in the group (rows)."""
        return len(self.questions)

    @property
    def example(self) -> dict:
        return self.questions[0]


def group_questions(questions: list[dict], key: str = "question", glossary: Glossary | None = None) -> list[Group]:
    """Groups asked by the most residents first (ties: the earlier first); within a group, the first
    question asked leads. A question's language is its "lang" (Russian when missing)."""
    if not questions:
        return []
    # Scrubbed again for the staff who read them (bot/core/text/hygiene.py): rows stored before scrubbing
    # existed. A row scrubbing leaves as it is stays the same object (callers may key by it).
    questions = [_scrubbed(question, key) for question in questions]
    read = Reader(None, glossary if glossary is not None else load_glossary()[0])
    labels = group([read(q[key], q.get("lang") or "ru") for q in questions], DISTANCE)
    groups: dict[int, Group] = {}
    for question, label in zip(questions, labels):
        groups.setdefault(label, Group([])).questions.append(question)
    return sorted(groups.values(), key=lambda g: -g.count)


def _scrubbed(question: dict, key: str) -> dict:
    text = scrub(question[key])
    return question if text == question[key] else {**question, key: text}

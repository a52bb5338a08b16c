"""The dev-set figures stay above an agreed floor (see README, "Matching quality")."""


from bot.core.matching import evaluation
from tests.conftest import DEV_SET

# A regression guard a little under what the reporting split measures today (README, "Matching
# quality"): a change to the matcher or the content that drops below it must not land.
FLOOR = {"accuracy_at_1": 0.92, "language_accuracy": 0.95, "out_of_scope_abstention": 0.94, "top_1": 0.96}
CEILING = {"false_answer_rate": 0.02}


def test_dev_set_figures_hold(matcher):
    cases = [c for c in evaluation.read_cases(DEV_SET) if c.split == "report"]
    assert len(cases) > 300
    summary = evaluation.summarize(evaluation.run(matcher, cases))
    for key, floor in FLOOR.items():
        assert summary[key] >= floor, (key, summary[key])
    for key, ceiling in CEILING.items():
        assert summary[key] <= ceiling, (key, summary[key])


def test_every_label_names_an_entry_of_the_knowledge_base(kb):
    cases = evaluation.read_cases(DEV_SET)
    unknown = {(c.question, e) for c in cases for e in (c.expected, *c.also)
               if e != evaluation.OUT_OF_SCOPE and e not in kb.entries}
    assert unknown == set()
    assert all(c.expected not in c.also and c.expected != evaluation.OUT_OF_SCOPE for c in cases if c.also)
    assert {c.split for c in cases} == {"tune", "report"}

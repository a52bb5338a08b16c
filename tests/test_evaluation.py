"""qogam eval's reading and counting: questions that ask two things accept either entry."""

from bot.core.matching import evaluation
from bot.core.matching.evaluation import Case, Outcome


def _outcome(case, status, entry=None, top=None):
    return Outcome(case, status, entry, (), case.lang, 0.001, 0.9 if status == "answered" else 0.1, top or entry)


def test_the_also_column_is_read(tmp_path):
    path = tmp_path / "dev.tsv"
    path.write_text("# comment\n"
                    "appeals.file\ten\thow to send an appeal and how long do they have?\toriginal\ttune\t"
                    "appeals.deadlines, appeals.eotinish\n"
                    "maslikhat.role\tru\tчто делает маслихат\n", encoding="utf-8")
    two, one = evaluation.read_cases(path)
    assert two.also == ("appeals.deadlines", "appeals.eotinish")
    assert (two.kind, two.split) == ("original", "tune")
    assert one.also == () and one.kind == "original"


def test_an_also_entry_counts_as_right_and_others_as_wrong():
    two = Case("appeals.file", "en", "how to send an appeal and how long do they have?", also=("appeals.deadlines",))
    out = Case("-", "en", "what is the weather")
    outcomes = [_outcome(two, "answered", "appeals.deadlines"),
                _outcome(Case("appeals.file", "en", "x", also=("appeals.deadlines",)), "answered", "akim.role"),
                _outcome(out, "suggested", top="akim.role")]
    summary = evaluation.summarize(outcomes)
    assert summary["accuracy_at_1"] == 0.5
    assert summary["false_answer_rate"] == round(1 / 3, 4)
    assert summary["top_1"] == 0.5
    assert [o.case.question for o in evaluation.errors(outcomes)] == ["x"]
    # An out-of-scope question accepts nothing, not even its own "-".
    assert not out.accepts("-") and not out.accepts(None)
    assert [row["accuracy_at_1"] for row in evaluation.sweep(outcomes, [0.5, 0.95])] == [0.5, 0.0]

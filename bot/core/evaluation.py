"""`qogam eval`: how well the matcher does on labelled questions.

Input: TSV lines "expected_entry<TAB>lang<TAB>question", "-" as expected for an out-of-scope question,
"#" comments. Figures:
- accuracy@1: in-scope questions answered with the expected entry;
- false-answer rate: answered with a wrong entry, or an out-of-scope question answered at all, over all
  questions;
- suggestion recall: in-scope questions where the expected entry is among the suggestions offered;
- out-of-scope abstention: out-of-scope questions not answered (suggested or unanswered);
- language detection accuracy; a per-language breakdown; latency p50/p99 of match + decide.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bot.core import policy
from bot.core.matcher import Matcher

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class Case:
    expected: str
    lang: str
    question: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: str
    entry: str | None
    suggestions: tuple[str, ...]
    detected: str
    seconds: float


def read_cases(path: Path) -> list[Case]:
    cases = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise ValueError(f"expected 3 tab-separated columns: {line!r}")
        cases.append(Case(parts[0].strip(), parts[1].strip(), parts[2].strip()))
    return cases


def run(matcher: Matcher, cases: list[Case]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        # No language hint: the evaluation measures what the text alone tells.
        started = time.perf_counter()
        result = matcher.match(case.question)
        decision = policy.decide(result)
        elapsed = time.perf_counter() - started
        status, entry, suggestions = policy.describe(decision)
        outcomes.append(Outcome(case, status, entry, suggestions, result.query.detection.lang, elapsed))
    return outcomes


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarize(outcomes: list[Outcome]) -> dict:
    def figures(items: list[Outcome]) -> dict:
        in_scope = [o for o in items if o.case.expected != OUT_OF_SCOPE]
        out_scope = [o for o in items if o.case.expected == OUT_OF_SCOPE]
        correct = sum(o.entry == o.case.expected for o in in_scope)
        wrong = sum(o.status == "answered" and o.entry != o.case.expected for o in items)
        suggested = [o for o in in_scope if o.status == "suggested"]
        return {
            "questions": len(items),
            "in_scope": len(in_scope),
            "out_of_scope": len(out_scope),
            "accuracy_at_1": _ratio(correct, len(in_scope)),
            "false_answer_rate": _ratio(wrong, len(items)),
            "suggestion_recall": _ratio(sum(o.case.expected in o.suggestions for o in suggested), len(suggested)),
            "found_in_answer_or_suggestions": _ratio(
                sum(o.entry == o.case.expected or o.case.expected in o.suggestions for o in in_scope), len(in_scope)),
            "out_of_scope_abstention": _ratio(sum(o.status != "answered" for o in out_scope), len(out_scope)),
            "language_accuracy": _ratio(sum(o.detected == o.case.lang for o in items), len(items)),
        }

    latencies = sorted(o.seconds * 1000 for o in outcomes)
    summary = figures(outcomes)
    summary["latency_ms"] = {
        "p50": round(statistics.median(latencies), 3) if latencies else None,
        "p99": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 3) if latencies else None,
    }
    summary["by_language"] = {
        lang: figures([o for o in outcomes if o.case.lang == lang])
        for lang in sorted({o.case.lang for o in outcomes})
    }
    summary["thresholds"] = {"answer_min": policy.ANSWER_MIN, "margin_min": policy.MARGIN_MIN,
                             "strong_min": policy.STRONG_MIN, "strong_margin_min": policy.STRONG_MARGIN_MIN,
                             "unknown_max": policy.UNKNOWN_MAX, "suggest_min": policy.SUGGEST_MIN}
    return summary


def errors(outcomes: list[Outcome]) -> list[Outcome]:
    """Questions not answered with the expected entry (or out-of-scope ones answered)."""
    return [o for o in outcomes if o.entry != o.case.expected and not
            (o.case.expected == OUT_OF_SCOPE and o.status != "answered")]

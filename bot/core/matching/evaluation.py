"""`qogam eval`: how well the matcher does on labelled questions.

Input: TSV lines "expected_entry<TAB>lang<TAB>question[<TAB>kind[<TAB>split[<TAB>also]]]", "-" as expected
for an out-of-scope question, "#" comments (format: eval/README.md). `also`: for a question that asks two
things, the other entries that answer one of them; answering with one of those is right too. Figures:
- accuracy@1: in-scope questions answered with the expected entry (or one it also accepts);
- false-answer rate: answered with a wrong entry, or an out-of-scope question answered at all, over all
  questions;
- suggestion recall: in-scope questions where the expected entry is among the suggestions offered;
- out-of-scope abstention: out-of-scope questions not answered (suggested or unanswered);
- referrals: out-of-scope questions that get an out-of-scope topic's referral (where such questions are
  answered) instead of "no answer", and in-scope questions that get one (wrongly: the resident is sent
  elsewhere; policy.referral);
- language detection accuracy; breakdowns per language and per kind (original, typo, no Kazakh
  letters, Latin); latency p50/p99 of match + decide;
- a baseline: plain TF-IDF over character 2-5-grams of the phrasings (scikit-learn), answering when its
  best cosine passes the threshold that gives it the same wrong-answer rate as Qogam, so the gain is
  visible.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bot.core.matching import policy
from bot.core.matching.ranker import Matcher

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class Case:
    expected: str
    lang: str
    question: str
    kind: str = "original"
    split: str = ""
    also: tuple[str, ...] = ()

    def accepts(self, entry: str | None) -> bool:
        """Whether answering with `entry` is right (never for an out-of-scope question)."""
        return self.expected != OUT_OF_SCOPE and entry is not None and (entry == self.expected or entry in self.also)


@dataclass(frozen=True)
class Outcome:
    case: Case
    status: str
    entry: str | None
    suggestions: tuple[str, ...]
    detected: str
    seconds: float
    confidence: float = 0.0
    top: str | None = None
    offered: float = 0.0  # P(the entry asked for is among the candidates offered)
    offerable: tuple[str, ...] = ()  # the candidates "did you mean" would offer
    referral: str | None = None  # the out-of-scope topic whose referral the question gets, if any


def read_cases(path: Path) -> list[Case]:
    cases = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise ValueError(f"expected 3 tab-separated columns: {line!r}")
        extra = [p.strip() for p in parts[3:6]]
        also = tuple(e.strip() for e in extra[2].split(",") if e.strip()) if len(extra) > 2 else ()
        cases.append(Case(parts[0].strip(), parts[1].strip(), parts[2].strip(),
                          extra[0] if extra and extra[0] else "original", extra[1] if len(extra) > 1 else "", also))
    return cases


def run(matcher: Matcher, cases: list[Case], progress=None) -> list[Outcome]:
    """progress(share done), every 50 questions."""
    outcomes = []
    for n, case in enumerate(cases):
        if progress is not None and n % 50 == 0:
            progress(n / len(cases))
        # No language hint: the evaluation measures what the text alone tells.
        started = time.perf_counter()
        result = matcher.match(case.question)
        decision = policy.decide(result)
        elapsed = time.perf_counter() - started
        status, entry, suggestions = policy.describe(decision)
        top = result.candidates[0].entry_id if result.candidates else None
        topic = policy.referral(matcher.kb, result, decision)
        if topic is not None:  # what the resident gets: the referral, without "did you mean"
            status, suggestions = "referred", ()
        outcomes.append(Outcome(case, status, entry, suggestions, result.query.detection.lang, elapsed,
                                result.confidence, top, result.offered, policy.offerable(result),
                                topic.id if topic else None))
    return outcomes


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarize(outcomes: list[Outcome]) -> dict:
    def figures(items: list[Outcome]) -> dict:
        in_scope = [o for o in items if o.case.expected != OUT_OF_SCOPE]
        out_scope = [o for o in items if o.case.expected == OUT_OF_SCOPE]
        correct = sum(o.case.accepts(o.entry) for o in in_scope)
        wrong = sum(o.status == "answered" and not o.case.accepts(o.entry) for o in items)
        suggested = [o for o in in_scope if o.status == "suggested"]
        return {
            "questions": len(items),
            "in_scope": len(in_scope),
            "out_of_scope": len(out_scope),
            "accuracy_at_1": _ratio(correct, len(in_scope)),
            "false_answer_rate": _ratio(wrong, len(items)),
            "suggestion_recall": _ratio(sum(any(map(o.case.accepts, o.suggestions)) for o in suggested),
                                        len(suggested)),
            "found_in_answer_or_suggestions": _ratio(
                sum(o.case.accepts(o.entry) or any(map(o.case.accepts, o.suggestions)) for o in in_scope),
                len(in_scope)),
            "out_of_scope_abstention": _ratio(sum(o.status != "answered" for o in out_scope), len(out_scope)),
            "out_of_scope_referred": _ratio(sum(o.referral is not None for o in out_scope), len(out_scope)),
            "in_scope_referred": _ratio(sum(o.referral is not None for o in in_scope), len(in_scope)),
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
    summary["by_kind"] = {
        kind: figures([o for o in outcomes if o.case.kind == kind])
        for kind in sorted({o.case.kind for o in outcomes})
    }
    summary["top_1"] = _ratio(sum(o.case.accepts(o.top) for o in outcomes if o.case.expected != OUT_OF_SCOPE),
                              sum(o.case.expected != OUT_OF_SCOPE for o in outcomes))
    summary["thresholds"] = {"answer_min": policy.ANSWER_MIN, "suggest_min": policy.SUGGEST_MIN}
    return summary


def sweep(outcomes: list[Outcome], cuts: list[float]) -> list[dict]:
    """Accuracy@1 and wrong answers if the answer cut point were each of `cuts` (to set ANSWER_MIN)."""
    rows = []
    in_scope = sum(o.case.expected != OUT_OF_SCOPE for o in outcomes)
    for cut in cuts:
        answered = [o for o in outcomes if o.top is not None and o.confidence >= cut]
        rows.append({"cut": cut,
                     "accuracy_at_1": _ratio(sum(o.case.accepts(o.top) for o in answered), in_scope),
                     "false_answer_rate": _ratio(sum(not o.case.accepts(o.top) for o in answered), len(outcomes))})
    return rows


def suggestion_sweep(outcomes: list[Outcome], cuts: list[float]) -> list[dict]:
    """Among the questions not answered, how many "did you mean" would reach if the suggestion cut point
    were each of `cuts` (to set SUGGEST_CONFIDENCE_MIN): out-of-scope questions offered suggestions, and
    in-scope ones whose entry is among them."""
    rows = []
    unanswered = [o for o in outcomes if o.status != "answered"]
    out_scope = [o for o in unanswered if o.case.expected == OUT_OF_SCOPE]
    in_scope = [o for o in unanswered if o.case.expected != OUT_OF_SCOPE]
    for cut in cuts:
        offered = [o for o in unanswered if o.offerable and o.offered >= cut]
        rows.append({"cut": cut, "out_of_scope_offered": sum(o.case.expected == OUT_OF_SCOPE for o in offered),
                     "out_of_scope": len(out_scope),
                     "found": sum(any(map(o.case.accepts, o.offerable)) for o in offered),
                     "in_scope": len(in_scope)})
    return rows


def baseline(kb, cases: list[Case], wrong_rate: float) -> dict:
    """Plain TF-IDF over character 2-5-grams (within words) of every phrasing; the best phrasing's entry is
    answered when its cosine reaches the lowest threshold whose wrong-answer rate is <= wrong_rate."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts, owners = [], []
    for entry in kb.entries.values():
        for text in entry.texts.values():
            for phrasing in (text.title, *text.questions):
                texts.append(phrasing)
                owners.append(entry.id)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    similarities = (vectorizer.transform([c.question for c in cases]) @ matrix.T).toarray()
    best = similarities.argmax(axis=1)
    scored = [(float(similarities[i, best[i]]), owners[best[i]], case) for i, case in enumerate(cases)]
    in_scope = sum(c.expected != OUT_OF_SCOPE for c in cases)
    chosen = None
    for cut in sorted({s for s, _, _ in scored}, reverse=True):
        answered = [(entry, case) for s, entry, case in scored if s >= cut]
        wrong = sum(not case.accepts(entry) for entry, case in answered)
        if wrong / max(1, len(cases)) > wrong_rate:
            break
        chosen = {"cut": round(cut, 4), "accuracy_at_1": _ratio(sum(c.accepts(e) for e, c in answered), in_scope),
                  "false_answer_rate": _ratio(wrong, len(cases))}
    top_1 = _ratio(sum(c.accepts(e) for _, e, c in scored), in_scope)
    return {**(chosen or {"cut": None, "accuracy_at_1": 0.0, "false_answer_rate": 0.0}), "top_1": top_1}


def errors(outcomes: list[Outcome]) -> list[Outcome]:
    """Questions not answered with the expected entry (or out-of-scope ones answered)."""
    return [o for o in outcomes if not o.case.accepts(o.entry) and not
            (o.case.expected == OUT_OF_SCOPE and o.status != "answered")]


# ---- small talk ---------------------------------------------------------------------------------------

QUESTION = "question"


@dataclass(frozen=True)
class SmallTalkCase:
    """A line of eval/small_talk.tsv or eval/small_talk_not.tsv: kind (greeting ... insult, or "question" for a
    message that must not be small talk), language, text."""

    kind: str
    lang: str
    text: str


def read_small_talk(path: Path) -> list[SmallTalkCase]:
    cases = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"expected 3 tab-separated columns (kind, language, text): {line!r}")
        cases.append(SmallTalkCase(*(p.strip() for p in parts)))
    return cases


def small_talk_figures(recognizer, cases: list[SmallTalkCase]) -> dict:
    """How the recognizer (bot/core/matching/small_talk.py) reads labelled messages: small talk recognised
    with its kind, and in a language of the line (the reply's language is chosen among them), and questions
    left alone; with every miss."""
    talk = [c for c in cases if c.kind != QUESTION]
    questions = [c for c in cases if c.kind == QUESTION]
    misses = []
    right = in_language = 0
    for case in talk:
        found = recognizer.recognise(case.text)
        if found is not None and found.kind == case.kind:
            right += 1
            in_language += case.lang in found.langs
        else:
            misses.append({"kind": case.kind, "lang": case.lang, "text": case.text,
                           "got": found.kind if found else None})
    taken = 0
    for case in questions:
        found = recognizer.recognise(case.text)
        if found is not None:
            taken += 1
            misses.append({"kind": case.kind, "lang": case.lang, "text": case.text, "got": found.kind})
    return {
        "small_talk": len(talk),
        "recognised": _ratio(right, len(talk)),
        "recognised_in_its_language": _ratio(in_language, len(talk)),
        "questions": len(questions),
        "questions_taken_for_small_talk": _ratio(taken, len(questions)),
        "misses": misses,
    }

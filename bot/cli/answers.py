"""`qogam ask` and `qogam eval`: the matcher's answers, one question at a time or measured on a labelled set."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli._common import Status, build_served, learned_rows, load_kb


@click.command()
@click.option("--lang", type=click.Choice(["kk", "ru", "en"]), help="Reply in this language instead of the question's.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@click.argument("question", nargs=-1, required=True)
def ask(lang: str | None, as_json: bool, question: tuple[str, ...]) -> None:
    """Answer QUESTION (or, with "-", every line of standard input) from the knowledge base as the bot
    serves it: the files plus the phrasings and not-our-topic questions editors taught it. Never writes
    to the database."""
    from bot.core.matching import policy

    kb, matcher = build_served(learned_rows()[0], quiet=as_json)
    text = " ".join(question)
    questions = [line.rstrip("\n") for line in sys.stdin] if text == "-" else [text]
    for q in questions:
        result = matcher.match(q, hint=lang)
        query, candidates = result.query, result.candidates
        decision = policy.decide(result)
        status, entry, suggestions = policy.describe(decision)
        reply_lang = lang or query.detection.lang
        if as_json:
            print(json.dumps({
                "question": q, "lang": reply_lang, "status": status, "entry": entry,
                "score": candidates[0].score if candidates else 0.0, "suggestions": list(suggestions),
            }, ensure_ascii=False), flush=True)
        else:
            click.echo(_human_reply(kb, decision, reply_lang, policy.referral(kb, result, decision)))


def _human_reply(kb, decision, lang: str, topic=None) -> str:
    from bot.core.knowledge.render import answer_text, no_match_text, referral_text, suggestion_text
    from bot.core.matching import policy
    from bot.i18n import translator

    t = translator(lang)
    if isinstance(decision, policy.Answer):
        return answer_text(kb.entries[decision.entry_id], t)
    if topic is not None:
        return referral_text(topic, t)
    if isinstance(decision, policy.Suggest):
        return suggestion_text(decision.entry_ids, kb, t, numbered=True)
    return no_match_text(t, logged=False)


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--errors", "show_errors", is_flag=True, help="List the questions that went wrong.")
@click.option("--split", type=click.Choice(["tune", "report"]),
              help="Only the questions of this split (the file's fifth column); all by default.")
@click.option("--sweep", is_flag=True, help="Also print accuracy and wrong answers for other answer cut points, "
              "and what \"did you mean\" would reach for other suggestion cut points.")
def evaluate(file: Path, as_json: bool, show_errors: bool, split: str | None, sweep: bool) -> None:
    """Measure the matcher on a labelled TSV (expected id or "-", language, question, [kind, [split, [also]]]),
    beside a plain TF-IDF character n-gram baseline at the same wrong-answer rate."""
    from bot.core.matching import evaluation

    try:
        cases = evaluation.read_cases(file)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if split:
        cases = [c for c in cases if c.split == split]
        if not cases:
            raise click.ClickException(f"no questions in split {split!r} (the fifth column)")
    # As served: an editor's learned phrasing counts, as it does for residents.
    kb, matcher = build_served(learned_rows()[0], quiet=as_json)
    status = Status(quiet=as_json)
    outcomes = evaluation.run(matcher, cases, progress=lambda share: status("evaluating", share))
    summary = evaluation.summarize(outcomes)
    status("the baseline (TF-IDF character n-grams)")
    summary["baseline"] = evaluation.baseline(kb, cases, summary["false_answer_rate"] or 0.0)
    status.done(f"evaluated {len(cases)} questions in {status.seconds:.1f} s")
    if sweep:
        cuts = [round(0.05 * i, 2) for i in range(1, 20)]
        summary["sweep"] = evaluation.sweep(outcomes, cuts)
        summary["suggestion_sweep"] = evaluation.suggestion_sweep(outcomes, cuts)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(_format_summary(summary))
    if show_errors:
        for o in evaluation.errors(outcomes):
            got = o.entry or ",".join(o.suggestions) or "-"
            expected = "|".join((o.case.expected, *o.case.also))
            click.echo(f"  {expected:<24} {o.status:<10} {got:<40} [{o.case.lang}→{o.detected}] {o.case.question}")


@click.command("eval-small-talk")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures of each file as JSON.")
def evaluate_small_talk(files: tuple[Path, ...], as_json: bool) -> None:
    """Measure the small-talk recognizer on labelled TSVs (kind or "question", language, text): small talk
    recognised with its kind, and questions left alone; every miss is listed."""
    from bot.core.matching import evaluation
    from bot.core.matching.small_talk import Recognizer

    recognizer = Recognizer(load_kb())
    results = {}
    for file in files:
        try:
            cases = evaluation.read_small_talk(file)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        results[str(file)] = evaluation.small_talk_figures(recognizer, cases)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return

    def pct(x):
        return "n/a" if x is None else f"{x * 100:.1f}%"

    for file, f in results.items():
        click.echo(file)
        if f["small_talk"]:
            click.echo(f"  small talk {f['small_talk']}: recognised with its kind {pct(f['recognised'])}, "
                       f"in its language {pct(f['recognised_in_its_language'])}")
        if f["questions"]:
            click.echo(f"  questions {f['questions']}: taken for small talk {pct(f['questions_taken_for_small_talk'])}")
        for miss in f["misses"]:
            got = miss["got"] or "not small talk"
            click.echo(f"  miss: {miss['kind']:<9} [{miss['lang']}] {miss['text']}  -> {got}")


def _format_summary(s: dict) -> str:
    def pct(x):
        return "n/a" if x is None else f"{x * 100:.1f}%"

    lines = [
        f"questions {s['questions']} (in scope {s['in_scope']}, out of scope {s['out_of_scope']})",
        f"accuracy@1               {pct(s['accuracy_at_1'])}",
        f"false answers            {pct(s['false_answer_rate'])}",
        f"suggestion recall        {pct(s['suggestion_recall'])}",
        f"answered or suggested    {pct(s['found_in_answer_or_suggestions'])}",
        f"out-of-scope abstention  {pct(s['out_of_scope_abstention'])}",
        f"out of scope referred    {pct(s['out_of_scope_referred'])} (a topic's referral, not \"no answer\")",
        f"in scope referred        {pct(s['in_scope_referred'])} (sent elsewhere by mistake)",
        f"language detection       {pct(s['language_accuracy'])}",
        f"latency p50 / p99        {s['latency_ms']['p50']} / {s['latency_ms']['p99']} ms",
        "by language:",
    ]
    for lang, f in s["by_language"].items():
        lines.append(f"  {lang}: {f['questions']} questions, accuracy@1 {pct(f['accuracy_at_1'])}, "
                     f"false answers {pct(f['false_answer_rate'])}, language {pct(f['language_accuracy'])}")
    lines.append("by kind:")
    for kind, f in s["by_kind"].items():
        lines.append(f"  {kind}: {f['questions']} questions, accuracy@1 {pct(f['accuracy_at_1'])}, "
                     f"false answers {pct(f['false_answer_rate'])}")
    lines.append(f"right entry ranked first  {pct(s['top_1'])}")
    b = s["baseline"]
    lines.append(f"baseline (TF-IDF char 2-5-grams) at the same wrong-answer rate: accuracy@1 "
                 f"{pct(b['accuracy_at_1'])}, false answers {pct(b['false_answer_rate'])}, ranked first "
                 f"{pct(b['top_1'])}")
    for row in s.get("sweep", []):
        lines.append(f"  cut {row['cut']:.2f}: accuracy@1 {pct(row['accuracy_at_1'])}, "
                     f"false answers {pct(row['false_answer_rate'])}")
    for row in s.get("suggestion_sweep", []):
        lines.append(f"  suggestion cut {row['cut']:.2f}: offered to {row['out_of_scope_offered']} of "
                     f"{row['out_of_scope']} out-of-scope questions not answered; entry offered for "
                     f"{row['found']} of {row['in_scope']} in-scope ones")
    return "\n".join(lines)

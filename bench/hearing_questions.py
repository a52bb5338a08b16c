"""How well and how fast a hearing's questions are grouped for the broadcaster (bot/core/hearings/questions.py).

Quality on eval/hearing_questions.tsv (64 questions about one village's hearing, 10 themes, kk/ru/en,
several sharing only a street or village name), as written and with a typo in each: the adjusted Rand
index and pairwise precision, recall and F1 (bench/clustering.py's measures).

Speed: 3,000 and 10,000 questions built from the set, as bench/clustering_scale.py builds gaps (the set
once, then copies with typos; or "varied": up to two typos, a word left out, a polite word added; or
"mixed": 4 to 8 words drawn at random from the set's questions in one language, so that nearly every
question is a theme of its own, the worst case for comparing each question with every theme), one
resident per question, each size in a new process: time (wall and CPU) and peak resident set (VmHWM
reset once the glossary is loaded).

    python -m bench.hearing_questions [--sizes 3000 10000] [--kind typos|varied|mixed]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import time
from pathlib import Path

SET = Path(__file__).resolve().parents[1] / "eval" / "hearing_questions.tsv"


def read_set(path: Path = SET) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def make_questions(n: int, kind: str = "typos") -> list[dict]:
    from bench.clustering_scale import typo, varied

    rows = read_set()
    rng = random.Random(11)
    words = {lang: [w for r in rows if r["lang"] == lang for w in r["question"].split()] for lang in ("kk", "ru", "en")}
    out = []
    while len(out) < n:
        for row in rows:
            if len(out) == n:
                break
            text, group = row["question"], row["group"]
            if len(out) >= len(rows):
                if kind == "mixed":
                    text = " ".join(rng.choice(words[row["lang"]]) for _ in range(rng.randint(4, 8)))
                    group = f"mixed-{len(out)}"
                else:
                    text = typo(text, rng) if kind == "typos" else varied(text, row["lang"], rng)
            out.append({"id": len(out) + 1, "lang": row["lang"], "question": text, "asker": len(out),
                        "group": group})
    return out


def quality(rows: list[dict], glossary) -> dict:
    from bench.clustering import adjusted_rand, pairwise
    from bot.core.hearings.questions import group_questions

    groups = group_questions(rows, glossary=glossary)
    found = {id(q): number for number, g in enumerate(groups) for q in g.questions}
    truth, labels = [r["group"] for r in rows], [found[id(r)] for r in rows]
    precision, recall, f1 = pairwise(truth, labels)
    return {"groups": len(groups), "ari": adjusted_rand(truth, labels), "precision": precision, "recall": recall,
            "f1": f1}


def measure_one(n: int, kind: str) -> dict:
    from bench.clustering import adjusted_rand
    from bench.clustering_scale import _rss
    from bot.core.hearings.questions import group_questions
    from bot.core.knowledge.glossary import load_glossary

    glossary = load_glossary()[0]
    questions = make_questions(n, kind)
    group_questions(questions[:50], glossary=glossary)  # imports and first use, not counted
    Path("/proc/self/clear_refs").write_text("5")
    before, _ = _rss()
    started, cpu = time.perf_counter(), time.process_time()
    groups = group_questions(questions, glossary=glossary)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    _, peak = _rss()
    found = {q["id"]: number for number, g in enumerate(groups) for q in g.questions}
    return {"n": n, "kind": kind, "seconds": seconds, "cpu_seconds": cpu, "groups": len(groups),
            "rss_before_mb": before / 1024, "rss_peak_mb": peak / 1024, "rss_growth_mb": (peak - before) / 1024,
            "ari": adjusted_rand([q["group"] for q in questions], [found[q["id"]] for q in questions])}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.hearing_questions")
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 10000])
    parser.add_argument("--kind", choices=("typos", "varied", "mixed"), default=None)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure_one(args.one, args.kind or "typos")))
        return
    from bench.clustering import typo
    from bot.core.knowledge.glossary import load_glossary

    glossary = load_glossary()[0]
    rows = read_set()
    rng = random.Random(3)
    print(f"grouping a hearing's questions (eval/hearing_questions.tsv, {len(rows)} questions, "
          f"{len({r['group'] for r in rows})} themes)")
    for name, part in (("as written", rows), ("with typos", [{**r, "question": typo(r["question"], rng)}
                                                             for r in rows])):
        q = quality(part, glossary)
        print(f"  {name:<11} -> {q['groups']} groups: ARI {q['ari']:.3f}, pairwise precision {q['precision']:.3f} "
              f"recall {q['recall']:.3f} F1 {q['f1']:.3f}")
    for kind in [args.kind] if args.kind else ["typos", "varied", "mixed"]:
        for n in args.sizes:
            done = subprocess.run([sys.executable, "-m", "bench.hearing_questions", "--one", str(n), "--kind", kind],
                                  capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {kind:<6} {n:>6} questions -> {r['groups']} groups in {r['seconds']:.2f} s "
                  f"({r['cpu_seconds']:.2f} s CPU), peak RSS {r['rss_peak_mb']:.0f} MB "
                  f"(+{r['rss_growth_mb']:.0f} MB over {r['rss_before_mb']:.0f} MB loaded), ARI {r['ari']:.3f}")


if __name__ == "__main__":
    main()

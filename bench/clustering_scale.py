"""Time and peak memory of grouping many unanswered questions (bot/core/curation/clustering.py).

The questions are built from eval/gap_clusters.tsv (410 questions, 41 needs, kk/ru/en), as
bench/clustering.py builds its 2,000: the set once as written, then copies with variations. Two kinds:
- "typos": one pair of neighbouring letters swapped in a longer word (bench/clustering.py's variation);
- "varied": up to two such typos, a word left out, a polite word added in the question's language;
  far more of these copies are different after normalisation, the harder case for memory.
The labels of the copies are their original's need, so the adjusted Rand index is reported at scale too.

Each size runs in a new process, so one run's memory does not count in the next. Memory is the peak
resident set (VmHWM, reset through /proc/self/clear_refs once the knowledge base and the matcher are
loaded, so it is the peak while grouping, the loaded process included), and the growth over the
resident set before grouping. `--tracemalloc` measures Python's and numpy's allocations instead (slower).

    python -m bench.clustering_scale [--sizes 2000 20000] [--kind typos|varied] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

# Polite words residents add, per language: they change the words, not the need.
FILLERS = {"kk": ("өтінемін", "сәлем", "айтыңызшы", "рахмет"), "ru": ("пожалуйста", "подскажите", "здравствуйте",
                                                                       "спасибо"),
           "en": ("please", "hello", "thanks", "kindly")}


def typo(text: str, rng: random.Random) -> str:
    from bench.clustering import typo as one_typo

    return one_typo(text, rng)


def varied(text: str, lang: str, rng: random.Random) -> str:
    for _ in range(rng.choice((1, 2))):
        text = typo(text, rng)
    words = text.split()
    if len(words) > 3 and rng.random() < 0.4:
        del words[rng.randrange(1, len(words))]
    if rng.random() < 0.4:
        words.insert(rng.choice((0, len(words))), rng.choice(FILLERS.get(lang, FILLERS["en"])))
    return " ".join(words)


def make_gaps(n: int, kind: str = "typos", people: int | None = None):
    """(gaps, labels): n gaps, the set first as written, then varied copies; `people` residents ask them
    in turn (default: one each)."""
    from bench.clustering import read_set
    from bot.storage.gaps import Gap

    rows = read_set()
    rng = random.Random(7)
    gaps, labels = [], []
    while len(gaps) < n:
        for group, lang, question in rows:
            if len(gaps) == n:
                break
            if len(gaps) >= len(rows):
                question = typo(question, rng) if kind == "typos" else varied(question, lang, rng)
            i = len(gaps) + 1
            gap = Gap(i, "2026-11-20T10:00:00+00:00", lang, "tg", question, "unanswered", 0.0, [], None)
            if people is not None and hasattr(gap, "asker"):
                gap = _with_asker(gap, i % people)
            gaps.append(gap)
            labels.append(group)
    return gaps, labels


def _with_asker(gap, asker: int):
    from dataclasses import replace

    return replace(gap, asker=asker)


def _rss() -> tuple[int, int]:
    """(current, peak) resident set of this process, in kB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def measure_one(n: int, kind: str, use_tracemalloc: bool) -> dict:
    """In this process: build the gaps, group them once, report time and memory."""
    from bench.clustering import adjusted_rand
    from bot.core.curation import clustering
    from bot.core.knowledge.glossary import load_glossary
    from bot.core.knowledge.loader import load_or_fail
    from bot.core.matching.engine import build_matcher

    matcher = build_matcher(load_or_fail())
    glossary = load_glossary()[0]
    gaps, labels = make_gaps(n, kind)
    # Warm up the imports (scipy, numpy) on a small set, so their memory is not counted as grouping's.
    clustering.cluster_gaps(gaps[:50], matcher, glossary)
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident set
    before, _ = _rss()
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    clusters = clustering.cluster_gaps(gaps, matcher, glossary)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    result = {"n": n, "kind": kind, "seconds": seconds, "cpu_seconds": cpu, "clusters": len(clusters)}
    if use_tracemalloc:
        import tracemalloc

        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    _, peak = _rss()
    result |= {"rss_before_mb": before / 1024, "rss_peak_mb": peak / 1024, "rss_growth_mb": (peak - before) / 1024}
    predicted = {g.id: i for i, c in enumerate(clusters) for g in c.gaps}
    result["ari"] = adjusted_rand(labels, [predicted[g.id] for g in gaps])
    return result


def measure(n: int, kind: str = "typos", use_tracemalloc: bool = False) -> dict:
    """measure_one in a new process (so each size's peak memory is its own)."""
    done = subprocess.run([sys.executable, "-m", "bench.clustering_scale", "--one", str(n), "--kind", kind,
                           *(["--tracemalloc"] if use_tracemalloc else [])],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.clustering_scale")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--kind", choices=("typos", "varied"), default=None)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure_one(args.one, args.kind or "typos", args.tracemalloc)))
        return
    print("grouping unanswered questions at scale (eval/gap_clusters.tsv with variations, nothing cached)")
    for kind in [args.kind] if args.kind else ["typos", "varied"]:
        for n in args.sizes:
            r = measure(n, kind, args.tracemalloc)
            memory = (f"tracemalloc peak {r['tracemalloc_peak_mb']:.0f} MB" if args.tracemalloc else
                      f"peak RSS {r['rss_peak_mb']:.0f} MB (+{r['rss_growth_mb']:.0f} MB over "
                      f"{r['rss_before_mb']:.0f} MB loaded)")
            print(f"  {kind:<6} {n:>6} gaps -> {r['clusters']} clusters in {r['seconds']:.2f} s "
                  f"({r['cpu_seconds']:.2f} s CPU), {memory}, "
                  f"ARI {r['ari']:.3f}")


if __name__ == "__main__":
    main()

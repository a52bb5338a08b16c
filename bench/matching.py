"""Matching latency on the real knowledge base and on a synthetic one 250 times larger; memory; build.

The old pure-Python index had a 2.7 s outlier at this size: it held its postings as tuples and
floats in dicts and lists, and when the cyclic garbage collector ran a full collection during a
question, it walked every one of them (millions). The sparse index (bot/core/matching/index.py) keeps its
numbers in a few numpy arrays, which the collector does not walk, so there is nothing to freeze and no such pause.

The synthetic knowledge base keeps the shape of the real one (phrasing lengths, three languages,
shared words such as "аким" in many entries) but gives every copy its own topic words, drawn from a
Zipf-like vocabulary of 60,000 made-up words, so postings lists grow as they would in a real larger
knowledge base rather than repeating one topic 250 times.
"""

from __future__ import annotations

import gc
import itertools
import random
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.core.knowledge.loader import Entry, KnowledgeBase, LocalText, load_or_fail
from bot.core.matching import policy
from bot.core.matching.engine import build_matcher
from bot.core.matching.evaluation import read_cases
from bot.core.matching.ranker import Matcher

SCALE = 250
REBUILDS = 5
DEV_SET = Path(__file__).resolve().parents[1] / "eval" / "dev_questions.tsv"
FALLBACK_QUESTIONS = ["Что такое маслихат?", "Ауыл бюджетін кім бекітеді?", "How do I file an appeal?"]


def questions() -> list[str]:
    if DEV_SET.exists():
        return [case.question for case in read_cases(DEV_SET)]
    return FALLBACK_QUESTIONS


def synthetic(kb: KnowledgeBase, scale: int, seed: int = 7) -> KnowledgeBase:
    rng = random.Random(seed)
    vocabulary = [f"{rng.choice('бвгдклмнпрст')}{rng.choice('аеиоу')}{i:x}" for i in range(60_000)]
    # Cumulative weights once: rng.choices(..., weights) would sum all 60,000 on every draw.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    # The out-of-scope list and terms come along as they are: a larger knowledge base would keep them.
    out = KnowledgeBase(categories=dict(kb.categories), out_of_scope=kb.out_of_scope,
                        out_of_scope_terms=kb.out_of_scope_terms)
    real = list(kb.entries.values())
    for copy in range(scale):
        topic = rng.choices(vocabulary, cum_weights=cumulative, k=4)
        for base in real:
            texts = {}
            for lang, text in base.texts.items():
                def vary(phrase: str) -> str:
                    words = phrase.split()
                    for _ in range(max(1, len(words) // 3)):
                        words[rng.randrange(len(words))] = (
                            rng.choice(topic) if rng.random() < 0.6  # noqa: B023 - called only within this iteration
                            else rng.choices(vocabulary, cum_weights=cumulative)[0])
                    return " ".join(words)
                texts[lang] = LocalText(vary(text.title), text.answer, tuple(vary(q) for q in text.questions))
            eid = f"{base.id}.s{copy}"
            out.entries[eid] = Entry(eid, base.category, texts, base.sources, base.reviewed, base.law_as_of, None,
                                     base.path)
    return out


def latency(matcher: Matcher, qs: list[str], rounds: int) -> dict:
    """Wall and CPU milliseconds per question (CPU: what the wall time is when a core is free; this
    machine runs other work beside the benchmark)."""
    samples, cpu = [], []
    for _ in range(rounds):
        for q in qs:
            started, cpu_started = time.perf_counter(), time.thread_time()
            policy.decide(matcher.match(q))
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
    samples.sort()
    cpu.sort()
    return {"n": len(samples), "p50": statistics.median(samples), "p99": samples[int(len(samples) * 0.99)],
            "max": samples[-1], "samples": samples, "cpu_p50": statistics.median(cpu),
            "cpu_p99": cpu[int(len(cpu) * 0.99)]}


def main() -> None:
    kb = load_or_fail()
    qs = questions()
    walls, cpus = [], []
    for _ in range(REBUILDS):
        with tempfile.TemporaryDirectory() as cache:
            started, cpu = time.perf_counter(), time.process_time()
            real_matcher = build_matcher(kb, cache_dir=Path(cache))
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
    gc.collect()
    gc.freeze()  # as qogam run and qogam chat do after building
    real = latency(real_matcher, qs, rounds=20)
    phrasings = sum(len(t.questions) + 1 for e in kb.entries.values() for t in e.texts.values())
    print(f"real knowledge base: {len(kb.entries)} entries, {phrasings} phrasings")
    print(f"  rebuild after a change (index + model, nothing cached), median of {REBUILDS}: "
          f"{statistics.median(walls):.2f} s wall ({min(walls):.2f}-{max(walls):.2f}), "
          f"{statistics.median(cpus):.2f} s CPU")
    print(f"  match+decide latency over {real['n']} questions: p50 {real['p50']:.3f} ms, "
          f"p99 {real['p99']:.3f} ms, max {real['max']:.3f} ms (CPU time per question: p50 "
          f"{real['cpu_p50']:.3f} ms, p99 {real['cpu_p99']:.3f} ms)")
    gc.unfreeze()

    big = synthetic(kb, SCALE)
    gc.collect()
    # Timed without tracemalloc, which slows Python's allocations; a fresh cache directory, so the build
    # includes training the model, as after a change.
    started, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as cache:
        big_matcher = build_matcher(big, cache_dir=Path(cache))
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    del big_matcher
    gc.collect()
    # Built again, from scratch too, under tracemalloc for the memory it holds and its peak.
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as cache:
        big_matcher = build_matcher(big, cache_dir=Path(cache))
    gc.collect()
    memory, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    large = latency(big_matcher, qs, rounds=3)
    big_phrasings = sum(len(t.questions) + 1 for e in big.entries.values() for t in e.texts.values())
    print(f"synthetic knowledge base x{SCALE}: {len(big.entries)} entries, {big_phrasings} phrasings")
    print(f"  build (index + model, nothing cached) {build:.1f} s wall, {build_cpu:.1f} s CPU; "
          f"memory held {memory / 2**20:.0f} MiB "
          f"(peak while building {peak / 2**20:.0f} MiB, measured on a second build under tracemalloc)")
    print(f"  match+decide latency over {large['n']} questions: p50 {large['p50']:.3f} ms, "
          f"p99 {large['p99']:.3f} ms, max {large['max']:.3f} ms, over 200 ms: "
          f"{sum(s > 200 for s in large['samples'])}")


if __name__ == "__main__":
    main()

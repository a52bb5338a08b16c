"""Subscribers and area names at national scale.

- All active subscribers of one region when 100,000 residents follow its districts (and some the whole
  region), from a real SQLite file: the query a broadcast to a region starts with. Target <= 200 ms.
- A typed area name resolved to areas (exact, folded, or with a typo), over the real areas.toml.
  Target p99 <= 5 ms.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.knowledge.areas import load_areas_or_fail
from bot.storage import subscriptions
from bot.storage.db import open_db

SUBSCRIBERS = 100_000
REGION = "akt"
RUNS = 20
NAMES = ["aktobe", "Ақтөбе", "актобе облысы", "Хромтау", "khromtau", "Каргалинский район", "Есиль", "abai",
         "Шымкент", "Almaty region", "актбе", "хромтуа", "Байконыр", "Turkistan", "Қызылорда", "петропавл"]


def subscriber_query() -> None:
    areas = load_areas_or_fail()
    codes = areas.descendants(REGION)
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "qogam.db")
        now = "2026-11-21T00:00:00+00:00"
        with db.conn:
            db.conn.executemany("insert into users (user_key, channel, created_at, updated_at, stopped_at) "
                                "values (?, 'telegram', ?, ?, ?)",
                                [(f"tg:{i}", now, now, now if i % 50 == 0 else None) for i in range(SUBSCRIBERS)])
            # Most follow one district, some the whole region, some two areas: distinct people counted once.
            rows = [(f"tg:{i}", rng.choice(codes), now) for i in range(SUBSCRIBERS)]
            rows += [(f"tg:{i}", REGION, now) for i in range(0, SUBSCRIBERS, 10)]
            db.conn.executemany("insert or ignore into subscriptions (user_key, area_code, created_at) "
                                "values (?, ?, ?)", rows)
        samples, found = [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            found = len(subscriptions.subscribers(db, areas.descendants(REGION)))
            samples.append((time.perf_counter() - started) * 1000)
        print(f"active subscribers of a region ({SUBSCRIBERS:,} subscribers across {len(codes)} areas, "
              f"{found:,} active): median {statistics.median(samples):.0f} ms, max {max(samples):.0f} ms "
              f"(target <= 200 ms)")


def name_resolution() -> None:
    areas = load_areas_or_fail()
    areas.find("warm up")  # builds the name index once, as the running bot does at its first /subscribe
    samples = []
    for _ in range(200):
        for name in NAMES:
            started = time.perf_counter()
            areas.find(name)
            samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p50, p99 = samples[len(samples) // 2], samples[int(len(samples) * 0.99)]
    print(f"typed area name -> areas ({len(samples):,} lookups over {len(areas.by_code)} areas): "
          f"p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {samples[-1]:.3f} ms (target p99 <= 5 ms)")


def main() -> None:
    subscriber_query()
    name_resolution()


if __name__ == "__main__":
    main()

"""Disk growth per 10,000 residents, and `qogam backup` on that database: a busy year written through the
storage functions the bot uses, then the file and each table measured (SQLite's dbstat), VACUUMed as
`qogam backup`'s copy is not (it copies pages as they are).

A busy year per resident (docs/operations.md explains the choice): 12 questions (70% answered, 20% "did
you mean", 10% no answer: every answer shown is a row, every question not answered a redacted gap), 2
ratings (one in five with a reason), 1.5 areas followed, 24 hearing messages a year for each area followed
(6 hearings an area, each an announcement, two reminders and results: 36 a resident), one RSVP in two, a
hearing question in three, one "tell me" notification in two. The inbox keeps only 2 days of bare rows;
statistics are per day, not per resident. Questions are real dev-set questions, so their lengths are residents' lengths.

Usage: python -m bench.disk [RESIDENTS]
"""

from __future__ import annotations

import itertools
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.core.matching.evaluation import read_cases
from bot.storage import feedback, gaps, hearings, outbox, stats, subscriptions, users
from bot.storage.db import open_db, transaction

REPO = Path(__file__).resolve().parents[1]
RESIDENTS = 10_000
AREAS = [f"area-{n}" for n in range(200)]
ENTRIES = [f"entry.{n}" for n in range(50)]


def populate(db, residents: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    questions = [c.question for c in read_cases(REPO / "eval" / "dev_questions.tsv")]
    texts = itertools.cycle(questions)
    made = dict.fromkeys(("gaps", "answers", "feedback", "subscriptions", "deliveries", "rsvps",
                          "hearing_questions", "notifications"), 0)
    with transaction(db):
        # 6 hearings a year in each of 200 areas, 4 broadcasts each (announcement, 2 reminders, results).
        hearing_ids, broadcast_of = [], {}
        for area, _ in itertools.product(AREAS, range(6)):
            hid = hearings.insert(db, {"area_code": area, "starts_at": "2026-06-01T10:00", "duration_minutes": 90,
                                       "place": "Акимат, актовый зал", "latitude": None, "longitude": None,
                                       "online_url": None, "texts": '{"kk": {"title": "Тыңдау", "agenda": "Бюджет"},'
                                       ' "ru": {"title": "Слушания", "agenda": "Бюджет села на 2027 год"}}',
                                       "results": None, "urgent": 0}, "tg:1", status="announced")
            hearing_ids.append(hid)
            broadcast_of.setdefault(area, []).extend(
                outbox.create(db, hid, kind, "tg:1", status="done")
                for kind in ("announcement", "reminder", "reminder", "results"))
        for r in range(residents):
            key = f"tg:{5_000_000_000 + r}"
            lang = ("kk", "ru", "en")[r % 3]
            users.set_language(db, key, "telegram", lang, chosen=r % 2 == 0)
            followed = rng.sample(AREAS, 2 if r % 2 else 1)
            for area in followed:
                subscriptions.subscribe(db, key, "telegram", area)
                made["subscriptions"] += 1
            for q in range(12):
                roll = rng.random()
                entry = rng.choice(ENTRIES)
                if roll < 0.7:
                    answer = feedback.show_answer(db, user_key=key, entry_id=entry, lang=lang)
                    made["answers"] += 1
                    if q < 2:
                        vote = feedback.vote(db, answer_id=answer, user_key=key, entry_id=entry, lang=lang,
                                             vote=-1 if rng.random() < 0.2 else 1)
                        made["feedback"] += 1
                        if rng.random() < 0.2:
                            feedback.set_reason(db, vote, key, "unclear")
                    outcome = "answered"
                else:
                    status = gaps.SUGGESTED if roll < 0.9 else gaps.UNANSWERED
                    gaps.record(db, user_key=key, channel="telegram", lang=lang, question=next(texts),
                                status=status, candidates=[(rng.choice(ENTRIES), round(rng.random(), 3))
                                                           for _ in range(3)])
                    made["gaps"] += 1
                    outcome = "suggested" if roll < 0.9 else "unanswered"
                stats.count_question(db, lang=lang, outcome=outcome, entry_id=entry if outcome == "answered" else None)
            # Every message about the hearings in the areas they follow: 24 an area.
            for area in followed:
                for bid in broadcast_of[area]:
                    db.execute("insert or ignore into deliveries (broadcast_id, user_key, status, attempts, sent_at) "
                               "values (?, ?, 'sent', 1, '2026-06-01T05:00:00+00:00')", [bid, key])
                    made["deliveries"] += 1
            hid = hearing_ids[AREAS.index(followed[0]) * 6]
            if r % 2 == 0:
                hearings.attend(db, hid, key)
                made["rsvps"] += 1
            if r % 3 == 0:
                db.execute("insert into hearing_questions (hearing_id, user_key, lang, question, created_at) "
                           "values (?, ?, ?, ?, '2026-05-30T10:00:00+00:00')", [hid, key, lang, next(texts)])
                made["hearing_questions"] += 1
            if r % 2 == 1:
                db.execute("insert into notifications (user_key, gap_id, entry_id, lang, status, created_at, sent_at) "
                           "values (?, ?, ?, ?, 'sent', '2026-05-01', '2026-05-02')", [key, r, rng.choice(ENTRIES),
                                                                                        lang])
                made["notifications"] += 1
    return made


def table_sizes(path: Path) -> dict[str, int] | None:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("select name, sum(pgsize) from dbstat group by name").fetchall()
    except sqlite3.OperationalError:
        return None  # SQLite built without the dbstat table
    finally:
        conn.close()
    # Indexes are counted with their table: sqlite_autoindex_x_1 and idx_x_... belong to x.
    sizes: dict[str, int] = {}
    conn = sqlite3.connect(path)
    owner = dict(conn.execute("select name, tbl_name from sqlite_master").fetchall())
    conn.close()
    for name, size in rows:
        sizes[owner.get(name, name)] = sizes.get(owner.get(name, name), 0) + size
    return sizes


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    residents = int(argv[0]) if argv else RESIDENTS
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        db = open_db(data / "qogam.db")
        started = time.perf_counter()
        made = populate(db, residents)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        wrote = time.perf_counter() - started
        size = (data / "qogam.db").stat().st_size
        sizes = table_sizes(data / "qogam.db") or {}
        print(f"{residents:,} residents, a busy year: written in {wrote:.0f} s; qogam.db {size / 1024**2:.1f} MiB "
              f"({size / residents:,.0f} bytes a resident)")
        for name, n in sorted(sizes.items(), key=lambda kv: -kv[1])[:10]:
            rows = made.get(name)
            print(f"  {name:<20} {n / 1024**2:6.1f} MiB" + (f"  {rows:>8,} rows, {n / rows:,.0f} bytes each"
                                                           if rows else ""))
        out = Path(folder) / "backup.tar.gz"
        env = {"QOGAM_DATA_DIR": str(data), "PATH": str(Path(sys.executable).parent)}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "backup", "--out", str(out)], cwd=REPO, env=env, check=True,
                       capture_output=True)
        took = time.perf_counter() - started
        print(f"qogam backup of it: {took:.1f} s (the whole command, Python's start included), archive "
              f"{out.stat().st_size / 1024**2:.1f} MiB")


if __name__ == "__main__":
    main()

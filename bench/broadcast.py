"""A hearing announcement to thousands of subscribers, against a Bot API stand-in that enforces Telegram's
limits (bench/standin.py: 30 sends per rolling second, about one a second per chat, 429 with
retry_after beyond either, 1,000 a second for paid broadcasts), with python-telegram-bot's
AIORateLimiter measured in the same run as the baseline to beat.

Every figure is read from the stand-in's records of accepted sendMessage calls: the rate between the
first and the last, the 429s it answered, recipients who got nothing (lost) and messages beyond one per
recipient (duplicates). The stand-in answers each request after LATENCY seconds, a round trip to
Telegram's servers from Kazakhstan; without it the one-by-one baseline would not be limited by the
network as a real bot is.

1. Rate: 3,000 recipients through the sender `qogam run` starts (core pacing, Telegram transport).
2. Blocked: 2% of 1,000 recipients answer 403; each must end "stopped", the rest delivered.
3. Crashes: `qogam run` as a subprocess, 10 x kill -9 at random points of a 2,000-recipient broadcast,
   each followed by a restart.
4. Paid: QOGAM_PAID_BROADCAST, the stand-in allowing 1,000 a second, 20,000 recipients; the process's
   resident memory is sampled while it sends.

`python -m bench.broadcast [--quick]` (about 6 minutes; --quick runs a tenth of each).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from bench.ratelimiter_baseline import baseline
from bench.standin import StandIn
from bot.core.delivery.pacing import DEFAULT_IN_FLIGHT, PAID_IN_FLIGHT, PAID_RATE, Settings
from bot.core.delivery.sender import Sender
from bot.core.hearings import broadcasts as announcing
from bot.core.hearings.hearing import from_mapping, local_now
from bot.core.knowledge.areas import load_areas_or_fail
from bot.storage import outbox
from bot.storage.db import open_db
from bot.telegram.sender import TelegramTransport

REPO = Path(__file__).resolve().parents[1]
TOKEN = "999000:TEST-token"
AREA = "akt.khromtau"
# A round trip to api.telegram.org from Kazakhstan; see bench/ratelimiter_baseline.py.
LATENCY = 0.065
FIRST_CHAT = 20_000_000


def hearing_data() -> dict:
    start = local_now().replace(second=0, microsecond=0) + dt.timedelta(days=10)
    return {"area": AREA, "starts_at": start.isoformat(timespec="minutes"), "duration_minutes": 120,
            "place": "Хромтау, ул. Абая 12, актовый зал акимата",
            "kk": {"title": "Аудан бюджетінің жобасы", "agenda": "2027 жылғы аудан бюджетінің жобасын талқылау."},
            "ru": {"title": "Проект бюджета района", "agenda": "Обсуждение проекта бюджета района на 2027 год."}}


def populate(db, count: int) -> list[int]:
    """`count` residents subscribed to the hearing's district, in kk/ru/en by turns."""
    now = "2026-11-21T00:00:00+00:00"
    chats = list(range(FIRST_CHAT, FIRST_CHAT + count))
    with db.conn:
        db.conn.executemany("insert into users (user_key, channel, language, language_chosen, created_at, updated_at) "
                            "values (?, 'telegram', ?, 0, ?, ?)",
                            [(f"tg:{c}", ("kk", "ru", "en")[c % 3], now, now) for c in chats])
        db.conn.executemany("insert into subscriptions (user_key, area_code, created_at) values (?, ?, ?)",
                            [(f"tg:{c}", AREA, now) for c in chats])
    return chats


def figures(stats: dict, chats: Iterable[int], blocked: set[int] = frozenset()) -> dict:
    accepted = stats["accepted"]
    seconds = stats["last"] - stats["first"] if accepted > 1 else 0.0
    per_chat = {int(k): v for k, v in stats["per_chat"].items()}
    wanted = [c for c in chats if c not in blocked]
    return {"accepted": accepted, "seconds": round(seconds, 1), "rate": round(accepted / seconds, 1) if seconds else 0,
            "too_many": stats["too_many"], "forbidden": stats["forbidden"],
            "lost": sum(1 for c in wanted if per_chat.get(c, 0) == 0),
            "duplicates": sum(v - 1 for v in per_chat.values() if v > 1)}


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def send_in_process(standin: StandIn, count: int, settings: Settings, *, blocked: set[int] = frozenset(),
                          sample_memory: bool = False) -> dict:
    """Queue an announcement to `count` subscribers and let the sender deliver it; the stand-in's figures."""
    from bot.telegram.http import BotAPIClient

    areas = load_areas_or_fail()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "qogam.db")
        chats = populate(db, count)
        queued = announcing.announce(db, areas, from_mapping(hearing_data(), areas), "cli:bench")
        standin.reset()
        standin.configure(blocked=sorted(blocked))
        client = BotAPIClient(TOKEN, f"{standin.base_url}/bot", settings.in_flight + 2)
        memory: list[float] = []

        async def sample() -> None:
            while True:
                memory.append(rss_mib())
                await asyncio.sleep(0.5)

        async with client:
            sender = Sender(db, areas, TelegramTransport(client.call), settings)
            sampler = asyncio.create_task(sample()) if sample_memory else None
            started = time.perf_counter()
            await sender.drain()
            wall = time.perf_counter() - started
            if sampler:
                sampler.cancel()
        counts = outbox.counts(db, queued.broadcast)
        result = figures(standin.stats(), chats, blocked) | {"wall": round(wall, 1), "counts": counts}
        if memory:
            result["memory_mib"] = {"first": round(memory[0], 1), "middle": round(memory[len(memory) // 2], 1),
                                    "last": round(memory[-1], 1), "max": round(max(memory), 1)}
        db.close()
        return result


def crashes(standin: StandIn, count: int, kills: int, seed: int = 11) -> dict:
    """`qogam run` against the stand-in; kill -9 at `kills` random points of the broadcast, restart each
    time; then wait for it to finish."""
    rng = random.Random(seed)
    standin.reset()
    standin.configure(blocked=[])
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "qogam.db")
        chats = populate(db, count)
        db.close()
        hearing = Path(tmp) / "hearing.toml"
        hearing.write_text(_toml(hearing_data()), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=standin.base_url, QOGAM_DATA_DIR=tmp,
                   QOGAM_QUIET_HOURS="off", NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
        qogam = [sys.executable, "-m", "bot"]
        subprocess.run([*qogam, "hearings", "add", str(hearing)], cwd=REPO, env=env, check=True,
                       capture_output=True)
        points = sorted(rng.sample(range(count // 20, count - count // 20), kills))
        for point in points:
            proc = subprocess.Popen([*qogam, "run"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            while standin.stats()["accepted"] < point and proc.poll() is None:
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        proc = subprocess.Popen([*qogam, "run"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + count / 10 + 60
        while time.monotonic() < deadline:
            stats = standin.stats()
            if sum(1 for c in chats if stats["per_chat"].get(str(c))) == count:
                break
            time.sleep(0.5)
        time.sleep(1.0)  # let the last commits land
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        shown = subprocess.run([*qogam, "broadcast", "show", "1", "--json"], cwd=REPO, env=env, check=True,
                               capture_output=True, text=True)
        result = figures(standin.stats(), chats)
        result["outbox"] = {k: v for k, v in json.loads(shown.stdout).items()
                            if k in ("total", "sent", "pending", "stopped", "failed")}
        result["kills"] = kills
        return result


def _toml(data: dict) -> str:
    lines = [f'{k} = {json.dumps(v, ensure_ascii=False)}' for k, v in data.items() if not isinstance(v, dict)]
    for lang in ("kk", "ru"):
        lines.append(f"[{lang}]")
        lines += [f'{k} = {json.dumps(v, ensure_ascii=False)}' for k, v in data[lang].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of each figure's recipients")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    quiet_off = Settings(quiet=None)
    with StandIn(latency=LATENCY) as standin:
        for in_flight in (1, 16):
            r = asyncio.run(baseline(standin.base_url, 600 // scale, in_flight))
            print(f"baseline AIORateLimiter, {r['recipients']} recipients, {in_flight} in flight: {r['rate']} msg/s, "
                  f"{r['too_many']} x 429, {r['lost']} lost, {r['duplicates']} duplicates", flush=True)

        r = asyncio.run(send_in_process(standin, 3000 // scale, quiet_off))
        print(f"rate: {3000 // scale} recipients, {DEFAULT_IN_FLIGHT} in flight: {r['rate']} msg/s sustained over "
              f"{r['seconds']} s, {r['too_many']} x 429, {r['lost']} lost, {r['duplicates']} duplicates "
              f"(target >= 28 msg/s, 0, 0, 0)", flush=True)

        count = 1000 // scale
        blocked = set(random.Random(5).sample(range(FIRST_CHAT, FIRST_CHAT + count), count // 50))
        r = asyncio.run(send_in_process(standin, count, quiet_off, blocked=blocked))
        print(f"blocked: {len(blocked)} of {count} recipients answer 403: {r['counts']['stopped']} marked stopped, "
              f"{r['counts']['sent']} delivered, {r['lost']} lost, {r['duplicates']} duplicates", flush=True)

        r = crashes(standin, 2000 // scale, 10)
        print(f"crashes: 10 x kill -9 during {2000 // scale} recipients, each restarted: {r['lost']} lost, "
              f"{r['duplicates']} duplicates (bound {10 * DEFAULT_IN_FLIGHT}: 10 x {DEFAULT_IN_FLIGHT} in flight), "
              f"{r['too_many']} x 429, outbox {r['outbox']}", flush=True)

        standin.configure(paid_rate=1000)
        paid = Settings(rate=PAID_RATE, in_flight=PAID_IN_FLIGHT, paid=True, quiet=None)
        r = asyncio.run(send_in_process(standin, 20000 // scale, paid, sample_memory=True))
        print(f"paid: {20000 // scale} recipients, {PAID_IN_FLIGHT} in flight: {r['rate']} msg/s, "
              f"{r['too_many']} x 429, {r['lost']} lost, {r['duplicates']} duplicates; resident memory "
              f"{r['memory_mib']} MiB (target >= 950 msg/s, flat)", flush=True)


if __name__ == "__main__":
    main()

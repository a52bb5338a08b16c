"""What an operator installs from deploy/ and the Containerfile: systemd units that systemd itself accepts and
that are hardened as docs/operations.md says, a Containerfile hadolint passes, a compose file and a
Litestream configuration that parse and say what the README promises."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"
UNITS = sorted(p for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
HADOLINT = str(Path(sys.executable).parent / "hadolint") if (Path(sys.executable).parent / "hadolint").exists() \
    else shutil.which("hadolint")


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def installed_copy(path: Path, folder: Path) -> Path:
    """The unit with /opt/qogam/venv/bin/... pointing at this checkout's venv (systemd-analyze verify
    checks that ExecStart's program exists)."""
    text = path.read_text()
    for name in ("qogam", "litestream"):
        here = Path(sys.executable).parent / name
        text = text.replace(f"/opt/qogam/venv/bin/{name}", str(here if here.exists() else shutil.which("true")))
    copy = folder / path.name
    copy.write_text(text)
    return copy


def verify(paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run([SYSTEMD_ANALYZE, "verify", *map(str, paths)], capture_output=True, text=True,
                          cwd=paths[0].parent, timeout=60, check=False)


def test_the_units_are_there():
    assert {p.name for p in UNITS} >= {"qogam.service", "qogam-web.service", "qogam-backup.service",
                                       "qogam-backup.timer", "qogam-litestream.service"}


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (Debian: apt-get install "
                    "systemd); .ci/run installs it where it can")
def test_systemd_analyze_verify_passes_on_every_unit(tmp_path):
    copies = [installed_copy(p, tmp_path) for p in UNITS]
    done = verify(copies)
    assert done.returncode == 0, done.stderr
    ours = [line for line in done.stderr.splitlines() if any(p.name in line for p in UNITS)]
    assert ours == [], "\n".join(ours)


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_verify_would_catch_a_broken_unit(tmp_path):
    broken = installed_copy(DEPLOY / "qogam.service", tmp_path)
    broken.write_text(broken.read_text().replace("ProtectSystem=strict", "ProtectSystem=very")
                      .replace("Restart=on-failure", "Restart=sometimes"))
    done = verify([broken])
    # systemd ignores a value it cannot parse and says so, exiting 0: the test above reads those lines.
    complaints = [line for line in done.stderr.splitlines() if broken.name in line]
    assert len(complaints) == 2 and "protect system" in done.stderr and "restart" in done.stderr


@pytest.mark.parametrize("name, command", [
    ("qogam.service", "/opt/qogam/venv/bin/qogam run"),
    ("qogam-web.service", "/opt/qogam/venv/bin/qogam web --listen 127.0.0.1 --port 8080"),
])
def test_services_run_hardened_as_their_own_user(name, command):
    service = unit(DEPLOY / name)["Service"]
    assert service["ExecStart"].startswith(command)
    assert service["User"] == "qogam" and service["Group"] == "qogam"
    assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "true"
    assert service["PrivateTmp"] == "true" and service["Restart"] == "on-failure"
    assert set(service["ReadWritePaths"].split()) == {"/var/lib/qogam", "/srv/qogam/knowledge"}
    assert "QOGAM_DATA_DIR=/var/lib/qogam" in service["Environment"]
    assert service["StandardError"] == "journal"
    # `qogam run` stops cleanly within 10 s of SIGTERM: systemd must wait longer, but not forever.
    stop = int(service["TimeoutStopSec"].rstrip("s"))
    assert service["KillSignal"] == "SIGTERM" and 10 < stop <= 30


def test_the_backup_timer_runs_qogam_backup_nightly():
    service = unit(DEPLOY / "qogam-backup.service")["Service"]
    assert "qogam backup --out /var/backups/qogam/" in service["ExecStart"]
    assert service["Type"] == "oneshot" and service["ProtectSystem"] == "strict"
    timer = unit(DEPLOY / "qogam-backup.timer")["Timer"]
    assert timer["OnCalendar"].startswith("*-*-* 03:30") and timer["Persistent"] == "true"


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed (pip install 'qogam[lint]' brings it)")
def test_hadolint_passes_on_the_containerfile():
    done = subprocess.run([HADOLINT, str(REPO / "Containerfile")], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed")
def test_hadolint_would_catch_a_bad_containerfile(tmp_path):
    bad = tmp_path / "Containerfile"
    bad.write_text("FROM debian:latest\nRUN apt-get install curl\nUSER root\n")
    done = subprocess.run([HADOLINT, str(bad)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "DL3007" in done.stdout


def test_the_containerfile_says_what_the_readme_promises():
    text = (REPO / "Containerfile").read_text()
    assert "ARG BASE=python:3.12-slim-bookworm" in text and "FROM ${BASE}" in text
    users = [line.split()[1] for line in text.splitlines() if line.startswith("USER ")]
    assert users and all(not u.startswith(("root", "0")) for u in users)
    assert 'VOLUME ["/var/lib/qogam"' in text and "QOGAM_DATA_DIR=/var/lib/qogam" in text
    assert "HEALTHCHECK" in text and "/healthz" in text


def test_compose_and_litestream_files_parse_and_fit_together():
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (a test dependency)")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"bot", "web", "bot-api", "litestream"} <= set(services)
    assert services["web"]["command"] == ["qogam", "web", "--listen", "0.0.0.0", "--port", "8080"]
    assert services["bot-api"]["profiles"] == ["local-bot-api"]
    assert services["litestream"]["profiles"] == ["replication"]
    assert "profiles" not in services["bot"] and "profiles" not in services["web"]
    for name in ("bot", "web", "litestream"):
        assert "data:/var/lib/qogam" in services[name]["volumes"]
    assert services["bot"]["build"]["dockerfile"] == "Containerfile"
    config = yaml.safe_load((DEPLOY / "litestream.yml").read_text())
    [db] = config["dbs"]
    assert db["path"] == "${QOGAM_DATA_DIR}/qogam.db" and db["replica"]["url"] == "${QOGAM_REPLICA_URL}"

"""The second half of `make container-test`: run the built image as an operator would and check it.

- `qogam run` with the image's own CMD (polling, /healthz on 9100) inside `buildah run --isolation chroot`,
  as the image's user, with a host directory as the data volume, against the fake Bot API on 127.0.0.1
  (chroot isolation shares the host's network);
- a resident's question gets an answer (with 👍 / 👎, so an entry was matched);
- /healthz answers from the host, and the image's own HEALTHCHECK command passes inside;
- SIGTERM stops it within 10 s;
- `qogam backup` inside writes an archive to the volume whose manifest and checksums hold;
- `qogam doctor --json` inside runs every check and reports no FAIL.

Usage: python deploy/container_check.py IMAGE
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.telegram import fakes
from tests.telegram.fakes import FakeBotAPI, FakeBotAPIServer

UID = 10001  # the image's qogam user
HEALTH_PORT = 9100  # the image's CMD: qogam run --metrics-port 9100
QUESTION = "Что такое маслихат?"


def log(message: str) -> None:
    print(f"container-test: {message}", file=sys.stderr, flush=True)


def buildah(*args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["buildah", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"buildah {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done


def run_args(container: str, volume: Path, env: dict[str, str]) -> list[str]:
    args = ["run", "--isolation", "chroot", "-v", f"{volume}:/var/lib/qogam"]
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    return [*args, container, "--"]


def healthz() -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{HEALTH_PORT}/healthz", timeout=3) as response:
        return response.status


def main(image: str) -> None:
    started = time.monotonic()
    volume = Path(tempfile.mkdtemp(prefix="qogam-volume-"))
    os.chown(volume, UID, UID)
    os.chmod(volume, 0o700)
    container = buildah("from", "--name", f"qogam-check-{os.getpid()}", image).stdout.strip()
    config = json.loads(buildah("inspect", "--type", "container", container).stdout)
    docker = config.get("Docker", {}).get("config", {}) or config.get("Docker", {}).get("Config", {})
    command = docker.get("Cmd") or []
    health_test = (docker.get("Healthcheck") or {}).get("Test") or []
    assert command[:2] == ["qogam", "run"], command
    assert health_test and health_test[0] == "CMD", f"no HEALTHCHECK in the image: {health_test}"
    assert docker.get("User") == f"{UID}:{UID}", f"the image does not run as its own user: {docker.get('User')!r}"
    try:
        api = FakeBotAPI()
        with FakeBotAPIServer(api) as server:
            env = {"TELEGRAM_BOT_TOKEN": fakes.TOKEN, "TELEGRAM_API_BASE_URL": server.base_url}
            bot = subprocess.Popen(["buildah", *run_args(container, volume, env), *command],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
            try:
                log("qogam run started inside the container; the first start trains the matcher")
                before = len(api.sent())
                api.push(fakes.message(QUESTION, user_id=4242, language_code="ru"))
                if not api.wait_for(lambda a: len(a.sent()) > before, timeout=900):
                    raise SystemExit(f"no answer from the container; stderr:\n{_stderr(bot)}")
                reply = api.sent()[before]
                markup = reply.get("reply_markup") or {}
                if isinstance(markup, str):
                    markup = json.loads(markup)
                votes = [b for row in markup.get("inline_keyboard", []) for b in row
                         if b.get("callback_data", "").startswith("v:")]
                assert votes, f"not an answer: {reply.get('text', '')[:200]}"
                assert "аслихат" in reply["text"], reply["text"][:200]
                log(f"answered after {time.monotonic() - started:.0f} s: {reply['text'].splitlines()[0][:60]}")

                deadline = time.monotonic() + 60
                status = 0
                while time.monotonic() < deadline:
                    try:
                        status = healthz()
                        break
                    except OSError:
                        time.sleep(0.5)
                assert status == 200, "/healthz did not answer 200 from the host"
                probe = buildah(*run_args(container, volume, {}), *health_test[1:], check=False)
                assert probe.returncode == 0, f"the image's HEALTHCHECK failed: {probe.stderr[-500:]}"
                log("/healthz 200 from the host, and the image's HEALTHCHECK command passes inside")
            finally:
                # As `docker stop` does: SIGTERM to the container's process (buildah itself would answer a
                # SIGTERM by killing it).
                stop_started = time.monotonic()
                inner = _inner_process(bot.pid)
                os.kill(inner or bot.pid, signal.SIGTERM)
                try:
                    _, stderr = bot.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(bot.pid, signal.SIGKILL)
                    _, stderr = bot.communicate()
                    raise SystemExit(f"qogam run did not stop within 30 s of SIGTERM:\n{stderr[-2000:]}") from None
            took = time.monotonic() - stop_started
            assert bot.returncode == 0 and took < 10, (bot.returncode, took, stderr[-2000:])
            assert "Traceback" not in stderr, stderr[-2000:]
            log(f"SIGTERM: exit 0 in {took:.1f} s")

            done = buildah(*run_args(container, volume, env), "qogam", "backup", "--out",
                           "/var/lib/qogam/backup.tar.gz", "--json", check=False)
            assert done.returncode == 0, done.stderr[-2000:]
            manifest = json.loads(done.stdout)
            archive = volume / "backup.tar.gz"
            with tarfile.open(archive) as tar:
                for entry in manifest["files"]:
                    content = tar.extractfile(entry["path"]).read()
                    assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["path"]
            knowledge = [f for f in manifest["files"] if f["path"].startswith("knowledge/")]
            assert manifest["knowledge"]["mode"] == "all" and len(knowledge) > 40, manifest["knowledge"]
            assert archive.stat().st_uid == UID, "the backup is not owned by the image's user"
            log(f"backup: {archive.stat().st_size / 1024:.0f} KiB, {len(manifest['files'])} files, migration level "
                f"{manifest['migration_level']}, checksums hold")

            done = buildah(*run_args(container, volume, env), "qogam", "doctor", "--json", check=False)
            report = json.loads(done.stdout or "{}")
            failed = [c for c in report.get("checks", []) if c["status"] == "FAIL"]
            assert report.get("checks") and not failed and done.returncode == 0, (failed, done.stderr[-1000:])
            log("doctor: " + ", ".join(f"{c['name']} {c['status']}" for c in report["checks"]))
    finally:
        buildah("rm", container, check=False)
        subprocess.run(["rm", "-rf", str(volume)], check=False)
    log(f"all checks passed in {time.monotonic() - started:.0f} s")


def _inner_process(root: int) -> int | None:
    """The `qogam run` process buildah started inside the container: a descendant of `root`."""
    parents = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parents[int(entry.name)] = (int(fields[1]), [a.decode(errors="replace") for a in argv if a])
    deepest, depth = None, 0
    for pid, (_, argv) in parents.items():
        if "qogam" not in " ".join(argv) or "run" not in argv:
            continue
        ancestor, steps = pid, 0
        while ancestor in parents and ancestor != root:
            ancestor, steps = parents[ancestor][0], steps + 1
        if ancestor == root and steps > depth:  # buildah's own helpers carry the same words: take the leaf
            deepest, depth = pid, steps
    return deepest


def _stderr(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        return "(still running)"
    return proc.stderr.read()[-3000:]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])

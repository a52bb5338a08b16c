"""`qogam backup` and `qogam restore` as an operator runs them: a consistent snapshot while residents write,
the knowledge files editors changed, and bad input refused in one line with nothing changed."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_or_fail
from bot.storage import backup as backups
from bot.storage import gaps, instance
from bot.storage.db import open_db
from tests.conftest import REPO


def qogam(*args: str, env: dict, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=120, check=False, preexec_fn=preexec)


@pytest.fixture
def site(tmp_path) -> dict:
    """A data directory with a database and a webhook secret, and a knowledge directory outside the
    repository (as an installation keeps it), with the environment pointing at them."""
    data = tmp_path / "data"
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    db = open_db(data / "qogam.db")
    for n in range(20):
        gaps.record(db, user_key=f"tg:{n}", channel="telegram", lang="ru", question=f"вопрос zq{n:03d}",
                    status=gaps.UNANSWERED, candidates=[])
    db.close()
    (data / "webhook-secret").write_text("s3cret-kept\n")
    env = {**os.environ, "QOGAM_DATA_DIR": str(data), "QOGAM_KNOWLEDGE_DIR": str(knowledge)}
    return {"data": data, "knowledge": knowledge, "env": env, "tmp": tmp_path}


def questions(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("select question from gaps")}
    finally:
        conn.close()


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != instance.LOCK_FILE}


def test_backup_while_residents_write_then_restore_brings_everything_back(site):
    data, knowledge, env = site["data"], site["knowledge"], site["env"]
    stop = threading.Event()
    written = []

    def write() -> None:  # a resident writing all the while, one commit each
        writer_db = open_db(data / "qogam.db")
        n = 100
        while not stop.is_set():
            gaps.record(writer_db, user_key="tg:7", channel="telegram", lang="ru", question=f"поток zq{n}",
                        status=gaps.UNANSWERED, candidates=[])
            written.append(f"поток zq{n}")
            n += 1
            time.sleep(0.002)
        writer_db.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        time.sleep(0.2)
        archive = site["tmp"] / "out" / "qogam.tar.gz"
        archive.parent.mkdir()
        done = qogam("backup", "--out", str(archive), "--json", env=env)
    finally:
        stop.set()
        thread.join()
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    assert manifest["format"] == 1 and manifest["migration_level"] == len(backups.code_migrations())
    assert manifest["sqlite_version"] == sqlite3.sqlite_version and manifest["qogam_version"]
    assert manifest["knowledge"]["mode"] == "all"  # outside the repository: all of it
    paths = {f["path"] for f in manifest["files"]}
    assert {"data/qogam.db", "data/webhook-secret", "knowledge/categories.toml"} <= paths
    assert len([p for p in paths if p.startswith("knowledge/")]) == len(tree(knowledge))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in archive.parent.iterdir()] == ["qogam.tar.gz"]  # no temporary file left
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"
        for entry in manifest["files"]:
            content = tar.extractfile(entry["path"]).read()
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    before = questions(data / "qogam.db")
    assert len(written) > 10 and {f"вопрос zq{n:03d}" for n in range(20)} <= before

    # Editors' work after the backup, and a damaged secret: the restore brings back the backup's state.
    (knowledge / "categories.toml").write_text("broken = [\n")
    (knowledge / "extra.toml").write_text("# made after the backup\n")
    (data / "webhook-secret").write_text("changed\n")
    old_tree = tree(knowledge)
    inode = knowledge.stat().st_ino
    done = qogam("restore", str(archive), "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    restored = questions(data / "qogam.db")
    # Every write committed before the snapshot is there; the snapshot is a consistent prefix of them.
    snapshot_writes = [q for q in written if q in restored]
    assert snapshot_writes == written[:len(snapshot_writes)] and len(snapshot_writes) > 0
    assert {f"вопрос zq{n:03d}" for n in range(20)} <= restored
    assert (data / "webhook-secret").read_text() == "s3cret-kept\n"
    assert not (knowledge / "extra.toml").exists()
    assert tree(knowledge) == tree(REPO / "knowledge")
    assert knowledge.stat().st_ino == inode  # emptied and refilled, never moved: it may be a mount point
    aside = Path(report["kept_aside"])
    assert aside.parent == data and aside.name.startswith("pre-restore-")
    assert (aside / "webhook-secret").read_text() == "changed\n"
    assert tree(aside / "knowledge") == old_tree  # editors' later work is kept, not lost
    assert questions(aside / "qogam.db") == before
    assert load_or_fail(knowledge).entries  # the editors' knowledge base loads again


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_inside_the_repository_only_changed_knowledge_files_are_kept(tmp_path):
    repo = tmp_path / "repo"
    knowledge = repo / "knowledge"
    (knowledge / "sub").mkdir(parents=True)
    for name in ("a.toml", "b.toml", "sub/c.toml"):
        (knowledge / name).write_text(f"# {name}\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "knowledge")
    (knowledge / "a.toml").write_text("# edited on the server\n")
    (knowledge / "sub" / "new.toml").write_text("# new\n")
    (knowledge / "b.toml").unlink()
    found = backups.knowledge_files(knowledge, repo)
    assert found.mode == "changed"
    assert sorted(found.files) == ["a.toml", "sub/new.toml"] and found.deleted == ["b.toml"]

    data = tmp_path / "data"
    open_db(data / "qogam.db").close()
    archive = tmp_path / "b.tar.gz"
    backups.create(archive, data_dir=data, knowledge_dir=knowledge, repo=repo)
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "clean", "-qfd")
    assert (knowledge / "b.toml").exists() and not (knowledge / "sub" / "new.toml").exists()
    report = backups.restore(archive, data_dir=data, knowledge_dir=knowledge)
    assert report["knowledge_mode"] == "changed"
    assert (knowledge / "a.toml").read_text() == "# edited on the server\n"
    assert (knowledge / "sub" / "new.toml").read_text() == "# new\n"
    assert not (knowledge / "b.toml").exists()
    assert (knowledge / "sub" / "c.toml").read_text() == "# sub/c.toml\n"
    aside = Path(report["kept_aside"]) / "knowledge"
    assert (aside / "a.toml").read_text() == "# a.toml\n" and (aside / "b.toml").exists()


def test_restore_refuses_while_qogam_run_holds_the_data_directory(site):
    archive = site["tmp"] / "b.tar.gz"
    assert qogam("backup", "--out", str(archive), env=site["env"]).returncode == 0
    before = tree(site["data"])
    lock = instance.hold(site["data"])  # what `qogam run` takes at start
    try:
        done = qogam("restore", str(archive), env=site["env"])
    finally:
        lock.release()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "qogam run" in line and "stop it first" in line and str(os.getpid()) in line
    assert tree(site["data"]) == before


def rewrite(archive: Path, out: Path, *, manifest=None, member=None, content: bytes | None = None) -> None:
    """A copy of the archive with its manifest changed (a dict -> dict function) or one member's bytes."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            if info.name == member:
                data = content
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


@pytest.fixture
def good_archive(site) -> Path:
    archive = site["tmp"] / "good.tar.gz"
    done = qogam("backup", "--out", str(archive), env=site["env"])
    assert done.returncode == 0, done.stderr
    return archive


def bad_archives(good: Path, folder: Path) -> dict[str, Path]:
    made = {}
    raw = good.read_bytes()
    made["truncated"] = folder / "truncated.tar.gz"
    made["truncated"].write_bytes(raw[: len(raw) // 2])
    made["empty"] = folder / "empty.tar.gz"
    made["empty"].write_bytes(b"")
    made["not gzip"] = folder / "notes.txt"
    made["not gzip"].write_text("just some text, not an archive\n")
    foreign = folder / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as tar:
        tar.add(REPO / "pyproject.toml", arcname="pyproject.toml")
    made["foreign"] = foreign
    made["newer"] = folder / "newer.tar.gz"
    rewrite(good, made["newer"], manifest=lambda m: {**m, "migrations": [*m["migrations"], "m099_future"],
                                                    "migration_level": 99, "qogam_version": "9.0.0"})
    made["format"] = folder / "format.tar.gz"
    rewrite(good, made["format"], manifest=lambda m: {**m, "format": 2})
    made["checksum"] = folder / "checksum.tar.gz"
    rewrite(good, made["checksum"], member="data/webhook-secret", content=b"tampered\n")
    made["missing"] = folder / "missing.tar.gz"
    with tarfile.open(good) as src, tarfile.open(made["missing"], "w:gz") as dst:
        for info in src:
            if info.name != "data/qogam.db":
                dst.addfile(info, src.extractfile(info))
    made["nonexistent"] = folder / "no-such-file.tar.gz"
    return made


def test_bad_archives_are_refused_in_one_line_and_change_nothing(site, good_archive):
    folder = site["tmp"] / "bad"
    folder.mkdir()
    made = bad_archives(good_archive, folder)
    before = tree(site["data"]), tree(site["knowledge"])
    expect = {"truncated": "truncated", "empty": "not a", "not gzip": "not a", "foreign": "not a Qogam backup",
              "newer": "newer qogam", "format": "format 2", "checksum": "checksum", "missing": "missing",
              "nonexistent": "does not exist"}
    for what, archive in made.items():
        done = qogam("restore", str(archive), env=site["env"])
        assert done.returncode == 1, (what, done.stdout)
        assert "Traceback" not in done.stderr, (what, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and expect[what] in lines[0], (what, lines)
        assert (tree(site["data"]), tree(site["knowledge"])) == before, what
    assert [p.name for p in site["data"].iterdir() if p.name.startswith((".restore", "pre-restore"))] == []


def test_backup_to_a_bad_place_says_so_in_one_line_and_leaves_no_file(site, tmp_path):
    env = site["env"]
    for out, expect in ((tmp_path / "no" / "such" / "dir" / "b.tar.gz", "does not exist"),
                        (Path("/proc/version/b.tar.gz"), "cannot write the backup"),
                        (tmp_path, "is a directory")):
        done = qogam("backup", "--out", str(out), env=env)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        [line] = done.stderr.strip().splitlines()
        assert expect in line, line
    assert not (tmp_path / "no").exists()

    empty = {**env, "QOGAM_DATA_DIR": str(tmp_path / "fresh")}
    done = qogam("backup", "--out", str(tmp_path / "x.tar.gz"), env=empty)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1 and "no database" in done.stderr
    assert not (tmp_path / "x.tar.gz").exists()


def test_a_full_disk_leaves_no_partial_archive(site, tmp_path):
    """The kernel refuses writes past 64 KiB (RLIMIT_FSIZE, as a full disk refuses them with ENOSPC): the
    database copy or the archive fails part-way, and nothing is left behind."""
    out = tmp_path / "full"
    out.mkdir()

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then write() fails with EFBIG instead of a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    done = qogam("backup", "--out", str(out / "b.tar.gz"), env=site["env"], preexec=small_files)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "cannot write the backup" in line and "nothing was left behind" in line
    assert list(out.iterdir()) == []


def test_a_damaged_database_names_the_restore_command(tmp_path):
    path = tmp_path / "qogam.db"
    path.write_bytes(b"this is not sqlite" * 500)
    from bot.storage.db import StorageError

    with pytest.raises(StorageError, match=r"qogam restore FILE.*qogam backup --out FILE"):
        open_db(path)


def test_a_gzip_of_garbage_is_not_taken_for_an_archive(tmp_path):
    bad = tmp_path / "garbage.tar.gz"
    bad.write_bytes(gzip.compress(b"\x00garbage" * 100))
    with pytest.raises(backups.BackupError, match="not"):
        backups.read_manifest(bad)

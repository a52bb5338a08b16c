"""Backups an operator can restore: one tar.gz with the database, the webhook secret and editors' knowledge
files, and a manifest that says what is in it and lets a restore check every byte.

The database is copied with SQLite's online backup API while `qogam run` goes on writing: the copy is
one consistent snapshot (never a file copy, which could catch the WAL half-written), and it is checked
with PRAGMA integrity_check before it goes into the archive. The archive is written to a temporary file
in the destination's directory, synced and renamed into place, so a full disk or a crash leaves either
the whole archive or nothing.

Knowledge files: all of QOGAM_KNOWLEDGE_DIR when it lies outside the repository (an installation keeps
editors' content there), otherwise the files that differ from the repository's committed version (git
says which; where it cannot, all of them).

A restore refuses while `qogam run` holds the data directory, checks the format, every checksum and the
migration level (never newer than this code's) before it touches anything, and moves what it replaces
into data/pre-restore-<timestamp>/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.storage import instance
from bot.storage.db import DB_FILE, StorageError, migrations

FORMAT = 1
MANIFEST = "manifest.json"
SECRET_FILE = "webhook-secret"  # bot/telegram/webhook.py keeps the generated webhook secret here
DATA = "data"
KNOWLEDGE = "knowledge"


class BackupError(StorageError):
    """A backup or restore that cannot be done; the message is one line saying why."""


def code_migrations() -> list[str]:
    return [m.name for m in migrations._migrations]


def qogam_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("qogam")
    except PackageNotFoundError:
        return "unknown"


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = conn.execute("select name from _sqlite_migrations where migration_set = ? order by rowid",
                            [migrations.name]).fetchall()
    except sqlite3.OperationalError:
        return []
    return [r[0] for r in rows]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


# ---- knowledge files ----------------------------------------------------------------------------------
@dataclass
class KnowledgeFiles:
    mode: str  # "all" or "changed"
    files: dict[str, Path]  # archive-relative name (under knowledge/) -> file on disk
    deleted: list[str]  # "changed" mode: files the repository has that the knowledge directory no longer has
    why: str


def knowledge_files(knowledge_dir: Path, repo: Path) -> KnowledgeFiles:
    knowledge_dir = knowledge_dir.resolve()
    if not knowledge_dir.is_dir():
        return KnowledgeFiles("all", {}, [], f"{knowledge_dir} does not exist")
    every = {p.relative_to(knowledge_dir).as_posix(): p for p in sorted(knowledge_dir.rglob("*"))
             if p.is_file() and not p.is_symlink()}
    if not knowledge_dir.is_relative_to(repo.resolve()):
        return KnowledgeFiles("all", every, [], "outside the repository: all of it")
    changed = _git_changes(knowledge_dir, repo.resolve())
    if changed is None:
        return KnowledgeFiles("all", every, [], "git cannot tell what changed: all of it")
    modified, deleted = changed
    files = {name: every[name] for name in modified if name in every}
    return KnowledgeFiles("changed", files, sorted(deleted), "inside the repository: files that differ from git HEAD")


def _git_changes(knowledge_dir: Path, repo: Path) -> tuple[set[str], set[str]] | None:
    """(changed or new files, deleted files) under knowledge_dir, relative to it; None without git."""
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
             "--", str(knowledge_dir)], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    top = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                         check=False).stdout.strip()
    if not top:
        return None
    modified, deleted = set(), set()
    for item in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if len(item) < 4:
            continue
        status, path = item[:2], (Path(top) / item[3:]).resolve()
        if not path.is_relative_to(knowledge_dir):
            continue
        name = path.relative_to(knowledge_dir).as_posix()
        (deleted if "D" in status else modified).add(name)
    return modified, deleted


# ---- backup -------------------------------------------------------------------------------------------
def snapshot(database: Path, into: Path) -> list[str]:
    """A consistent copy of the live database through SQLite's online backup API, checked; returns the
    migrations applied in it."""
    if not database.exists():
        raise BackupError(f"no database at {database}: nothing to back up (QOGAM_DATA_DIR is {database.parent})")
    try:
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {database}: {exc}") from exc
    try:
        target = sqlite3.connect(into)
        try:
            source.backup(target)  # all pages in one step, under one read transaction: one snapshot
            target.execute("PRAGMA journal_mode = DELETE")  # a self-contained file: no -wal beside it
            result = target.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(f"the copy of {database} failed its integrity check ({result[0][0]}): "
                                  "the database itself may be damaged; run `qogam doctor`")
            return applied_migrations(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc) or "disk" in str(exc):
            raise OSError(28, f"cannot write the database copy ({exc})") from exc
        raise BackupError(f"cannot copy {database}: {exc}") from exc
    finally:
        source.close()


def create(out: Path, *, data_dir: Path, knowledge_dir: Path, repo: Path) -> dict:
    """Write the archive to `out` (atomically) and return its manifest, with `archive`, `size` and `seconds`."""
    started = time.monotonic()
    out = out.expanduser()
    if out.is_dir():
        raise BackupError(f"{out} is a directory: give the archive's file name, e.g. {out / 'qogam.tar.gz'}")
    folder = out.parent.resolve() if str(out.parent) else Path.cwd()
    if not folder.is_dir():
        raise BackupError(f"cannot write the backup to {out}: the directory {out.parent} does not exist")
    data_dir = data_dir.resolve()
    tmp_archive = None
    try:
        with tempfile.TemporaryDirectory(prefix=".qogam-backup-", dir=folder) as work:
            copy = Path(work) / DB_FILE
            applied = snapshot(data_dir / DB_FILE, copy)
            members: dict[str, Path] = {f"{DATA}/{DB_FILE}": copy}
            if (data_dir / SECRET_FILE).is_file():
                members[f"{DATA}/{SECRET_FILE}"] = data_dir / SECRET_FILE
            knowledge = knowledge_files(knowledge_dir, repo)
            for name, path in knowledge.files.items():
                members[f"{KNOWLEDGE}/{name}"] = path
            manifest = {
                "format": FORMAT,
                "app": "qogam",
                "qogam_version": qogam_version(),
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "sqlite_version": sqlite3.sqlite_version,
                "migration_level": len(applied),
                "migrations": applied,
                "knowledge": {"mode": knowledge.mode, "source": str(knowledge_dir.resolve()),
                              "deleted": knowledge.deleted, "why": knowledge.why},
                "files": [{"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}
                          for name, path in members.items()],
            }
            fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
            tmp_archive = Path(tmp_name)
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
                    for name, path in members.items():
                        info = tar.gettarinfo(str(path), arcname=name)
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        with path.open("rb") as fh:
                            tar.addfile(info, fh)
                raw.flush()
                os.fsync(raw.fileno())
            os.chmod(tmp_archive, 0o600)  # residents' questions are in it, like in the database
            _verify_archive(tmp_archive)
            os.replace(tmp_archive, out)
            tmp_archive = None
            _fsync_dir(folder)
    except OSError as exc:
        raise BackupError(f"cannot write the backup to {out}: {exc.strerror or exc}; nothing was left "
                          "behind") from exc
    finally:
        if tmp_archive is not None:
            tmp_archive.unlink(missing_ok=True)
    manifest["archive"] = str(out)
    manifest["size"] = out.stat().st_size
    manifest["seconds"] = round(time.monotonic() - started, 3)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _verify_archive(path: Path) -> None:
    """Read the written archive back: every member's checksum matches the manifest."""
    with tempfile.TemporaryDirectory(prefix=".qogam-verify-", dir=path.parent) as work:
        check(path, Path(work))


# ---- reading an archive -------------------------------------------------------------------------------
def read_manifest(path: Path) -> dict:
    """The manifest, or BackupError when the file is not a complete Qogam archive of a format we read."""
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST or not member.isfile():
                raise BackupError(f"{path} is not a Qogam backup (no {MANIFEST} at its start)")
            manifest = json.loads(tar.extractfile(member).read())
    except FileNotFoundError as exc:
        raise BackupError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise BackupError(f"{path} is a directory, not a backup archive") from exc
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"{path} is not a readable Qogam backup (truncated or not a tar.gz: "
                          f"{type(exc).__name__})") from exc
    except ValueError as exc:  # the manifest is not JSON
        raise BackupError(f"{path} is not a Qogam backup (its manifest is not JSON)") from exc
    if not isinstance(manifest, dict) or manifest.get("app") != "qogam":
        raise BackupError(f"{path} is not a Qogam backup (its manifest is another program's)")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup in format {manifest.get('format')!r}; this qogam "
                          f"({qogam_version()}) reads format {FORMAT}: restore it with the version that made it")
    known = code_migrations()
    unknown = [m for m in manifest.get("migrations") or [] if m not in known]
    if unknown:
        raise BackupError(f"{path} was made by a newer qogam ({manifest.get('qogam_version')}, migration "
                          f"level {manifest.get('migration_level')}; this code knows {len(known)}): upgrade "
                          "qogam first, then restore")
    files = manifest.get("files")
    if not isinstance(files, list) or not any(f.get("path") == f"{DATA}/{DB_FILE}" for f in files):
        raise BackupError(f"{path} is not a Qogam backup (its manifest lists no database)")
    return manifest


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts and \
        parts[0] in (DATA, KNOWLEDGE) and (parts[0] != DATA or len(parts) == 2)


def check(path: Path, into: Path) -> dict:
    """Extract the archive into `into` and check it all: manifest, every checksum and size, nothing extra,
    the database's integrity. Returns the manifest; BackupError (and `into` left to the caller) if not."""
    manifest = read_manifest(path)
    expected = {f["path"]: f for f in manifest["files"]}
    if not all(_safe_name(name) for name in expected):
        raise BackupError(f"{path} lists a file outside data/ and knowledge/: refusing it")
    seen = set()
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise BackupError(f"{path} holds {member.name!r}, which its manifest does not list: refusing it")
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with tar.extractfile(member) as src, open(target, "wb") as dst:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        digest.update(block)
                        size += len(block)
                        dst.write(block)
                want = expected[member.name]
                if digest.hexdigest() != want.get("sha256") or size != want.get("size"):
                    raise BackupError(f"{path}: {member.name} does not match its checksum (damaged archive)")
                seen.add(member.name)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is truncated or damaged ({type(exc).__name__}): nothing was restored") from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path} is incomplete: {missing[0]} is missing (truncated archive?)")
    database = into / DATA / DB_FILE
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: the database in it cannot be read ({exc})") from exc
    if result != [("ok",)]:
        raise BackupError(f"{path}: the database in it fails its integrity check ({result[0][0]})")
    return manifest


# ---- restore ------------------------------------------------------------------------------------------
DATA_FILES = (DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", SECRET_FILE)


def restore(path: Path, *, data_dir: Path, knowledge_dir: Path) -> dict:
    """Put the archive's database, secret and knowledge files in place; the replaced ones go to
    data_dir/pre-restore-<timestamp>/. Nothing changes unless every check passed first."""
    path = path.expanduser()
    running = instance.holder(data_dir) if data_dir.is_dir() else None
    if running:
        raise BackupError(f"{running} is using the data directory {data_dir}: stop it first "
                          "(systemctl stop qogam), then restore")
    read_manifest(path)  # a foreign or newer archive fails here, before anything is made
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = instance.hold(data_dir)  # no `qogam run` may start while files move
    try:
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
        try:
            manifest = check(path, staging)
            aside = _unique(data_dir / f"pre-restore-{_now_stamp()}")
            aside.mkdir(mode=0o700)
            try:
                kept = _move_data_aside(data_dir, aside)
                restored = []
                for name in (DB_FILE, SECRET_FILE):
                    source = staging / DATA / name
                    if source.exists():
                        os.chmod(source, 0o600)
                        os.replace(source, data_dir / name)
                        restored.append(str(data_dir / name))
                knowledge = manifest.get("knowledge") or {}
                restored_knowledge, kept_knowledge = _restore_knowledge(
                    staging / KNOWLEDGE, knowledge_dir, aside / KNOWLEDGE, knowledge.get("mode", "all"),
                    knowledge.get("deleted") or [])
                _fsync_dir(data_dir)
            except OSError as exc:  # the checks passed, but the disk or a permission failed while moving
                raise BackupError(f"the restore stopped part-way ({exc.strerror or exc}): what was there before "
                                  f"is in {aside}; fix the cause and run the restore again") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
    return {
        "archive": str(path),
        "created_at": manifest.get("created_at"),
        "qogam_version": manifest.get("qogam_version"),
        "migration_level": manifest.get("migration_level"),
        "code_migration_level": len(code_migrations()),
        "restored": restored,
        "knowledge_dir": str(knowledge_dir),
        "knowledge_mode": knowledge.get("mode", "all"),
        "knowledge_files": restored_knowledge,
        "kept_aside": str(aside),
        "kept": kept + kept_knowledge,
    }


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _move_data_aside(data_dir: Path, aside: Path) -> list[str]:
    kept = []
    for name in DATA_FILES:
        source = data_dir / name
        if source.exists():
            os.replace(source, aside / name)
            kept.append(str(aside / name))
    return kept


def _restore_knowledge(source: Path, target: Path, aside: Path, mode: str, deleted: list[str]) -> tuple[list, list]:
    """"all": the directory is replaced by the archive's (the old one is kept aside); "changed": the
    archive's files are laid over the repository's, and files the editors had deleted are deleted."""
    restored, kept = [], []
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else []
    if mode == "all":
        if not files and not source.is_dir():
            return restored, kept  # the backup had no knowledge directory: leave the current one alone
        # Its contents, not the directory itself: in a container or a systemd unit it is a mount point.
        if target.is_dir() and any(target.iterdir()):
            aside.mkdir(parents=True, exist_ok=True)
            for child in sorted(target.iterdir()):
                shutil.move(str(child), str(aside / child.name))
            kept.append(str(aside))
        target.mkdir(parents=True, exist_ok=True)
    for path in files:
        name = path.relative_to(source)
        destination = target / name
        if mode != "all" and destination.exists():
            (aside / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(destination, aside / name)
            kept.append(str(aside / name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(destination))
        restored.append(str(destination))
    if mode != "all":
        for name in deleted:
            if not _safe_relative(name):
                continue
            destination = target / name
            if destination.is_file():
                (aside / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(destination), str(aside / name))
                kept.append(str(aside / name))
    return restored, kept


def _safe_relative(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts

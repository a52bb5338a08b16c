"""One `qogam run` per data directory: a second one would answer every resident twice and send every
announcement twice (a restart script, a systemd unit plus a manual run, two containers on one volume).

The lock is the kernel's (flock on a file in the data directory), so it is released when the process
dies, even by kill -9: a stale lock file never blocks a start. The file holds the holder's pid and start
time, so the refusal can name the running one; `holder` lets backup, restore and doctor ask without
taking it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import StorageError

LOCK_FILE = "qogam-run.lock"


class AlreadyRunning(StorageError):
    """Another process holds the data directory."""


@dataclass
class InstanceLock:
    path: Path
    fd: int

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing releases the lock
            self.fd = -1


def _describe(path: Path) -> str:
    try:
        pid, _, since = path.read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return "another process"
    return f"another `qogam run` (pid {pid}, since {since})" if pid.isdigit() else "another process"


def hold(directory: Path) -> InstanceLock:
    """Take the data directory for this process, or raise AlreadyRunning naming the one that has it."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AlreadyRunning(f"{_describe(path)} is already using the data directory {directory}; stop it "
                             "first (one instance per data directory, or every message would go out twice)")
    os.ftruncate(fd, 0)
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    os.write(fd, f"{os.getpid()} {started}\n".encode())
    return InstanceLock(path, fd)


def holder(directory: Path) -> str | None:
    """Who holds the data directory ("another `qogam run` (pid ..., since ...)"), or None when nobody."""
    path = directory / LOCK_FILE
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _describe(path)
    finally:
        os.close(fd)
    return None

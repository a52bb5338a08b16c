"""The database file: private (0600), deleted text really gone, safe concurrent first starts, clear errors,
old questions deleted after QOGAM_RETENTION_DAYS, one transaction per handled update."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot import clock, settings
from bot.storage import feedback, gaps, inbox, retention, users
from bot.storage.db import StorageError, checkpoint, open_db, transaction
from tests.conftest import REPO

SECRET = "passport N12345678 of a resident"


def test_the_database_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    db = open_db(tmp_path / "data" / "qogam.db")
    gaps.record(db, user_key="u", channel="t", lang="ru", question="q", status=gaps.UNANSWERED, candidates=[])
    for name in ("qogam.db", "qogam.db-wal", "qogam.db-shm"):
        assert stat.S_IMODE((tmp_path / "data" / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    open_db(tmp_path / "qogam.db").conn.close()
    os.chmod(tmp_path / "qogam.db", 0o644)
    open_db(tmp_path / "qogam.db")
    assert stat.S_IMODE((tmp_path / "qogam.db").stat().st_mode) == 0o600


def test_forgotten_text_leaves_neither_the_database_nor_the_wal(tmp_path):
    db = open_db(tmp_path / "qogam.db")
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    gaps.record(db, user_key="tg:1", channel="telegram", lang="en", question=SECRET, status=gaps.UNANSWERED,
                candidates=[])
    users.forget(db, "tg:1")
    files = [tmp_path / "qogam.db", tmp_path / "qogam.db-wal"]
    assert not any(SECRET.encode() in f.read_bytes() for f in files if f.exists())


def test_retention_deletes_old_questions_and_ratings_only(db, wall):
    old = gaps.record(db, user_key="u", channel="t", lang="ru", question="old", status=gaps.UNANSWERED, candidates=[])
    shown = feedback.show_answer(db, user_key="u", entry_id="akim.role", lang="ru")
    feedback.vote(db, answer_id=shown, user_key="u", entry_id="akim.role", lang="ru", vote=1)
    wall.advance(days=400)
    new = gaps.record(db, user_key="u", channel="t", lang="ru", question="new", status=gaps.UNANSWERED, candidates=[])
    deleted = retention.purge(db, 365)
    assert (deleted["gaps"], deleted["feedback"], deleted["answers"]) == (1, 1, 1)
    assert [g.id for g in gaps.for_user(db, "u")] == [new] and old != new


@pytest.mark.parametrize("value, ok", [("", True), ("30", True), ("0", False), ("a year", False), ("-5", False)])
def test_retention_days_come_from_the_environment(monkeypatch, value, ok):
    monkeypatch.setenv("QOGAM_RETENTION_DAYS", value)
    if ok:
        assert settings.retention_days() == (int(value) if value else 365)
    else:
        with pytest.raises(ValueError, match="QOGAM_RETENTION_DAYS"):
            settings.retention_days()


def test_nested_transactions_commit_once_and_roll_back_together(db):
    with pytest.raises(RuntimeError), transaction(db):
        gaps.record(db, user_key="u", channel="t", lang="ru", question="q", status=gaps.UNANSWERED,
                    candidates=[])
        raise RuntimeError("the handler failed after storing")
    assert gaps.for_user(db, "u") == []
    with transaction(db, rollback=True):  # a replay: the work runs, its effects are discarded
        gaps.record(db, user_key="u", channel="t", lang="ru", question="q", status=gaps.UNANSWERED, candidates=[])
    assert gaps.for_user(db, "u") == []


def test_finished_inbox_rows_are_pruned_after_two_days(db, wall):
    inbox.store(db, [{"update_id": 1, "message": {}}, {"update_id": 2, "message": {}}])
    inbox.mark_done(db, 1)
    wall.advance(days=3)
    assert inbox.prune(db) == 1
    assert inbox.status(db, 1) is None and inbox.status(db, 2) == inbox.PENDING


OPEN = "import sys; from bot.storage.db import open_db; open_db(sys.argv[1]); print('ok')"


def test_forty_processes_starting_together_on_a_fresh_directory_all_migrate(tmp_path):
    target = tmp_path / "fresh" / "qogam.db"
    procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(target)], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(40)]
    results = [p.communicate(timeout=120) for p in procs]
    failures = [err for (out, err), p in zip(results, procs) if p.returncode != 0 or out.strip() != "ok"]
    assert failures == []
    assert open_db(target).execute("select count(*) from _sqlite_migrations").fetchone()[0] >= 5


def test_a_data_directory_that_cannot_be_made_is_one_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(StorageError, match="data directory"):
        open_db(tmp_path / "file" / "data" / "qogam.db")


@pytest.fixture
def shared_dir():
    """A directory an unprivileged user can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="qogam-"))
    path.chmod(0o755)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


def qogam(args: list[str], data_dir: Path) -> tuple[int, str]:
    """`qogam ARGS` in a forked child without privileges: root ignores file permissions, a service user
    does not. Returns the exit code and what it printed."""
    from click.testing import CliRunner

    from bot.cli import main

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run the command, report, and leave without pytest's cleanup
        code = 3
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            os.environ["QOGAM_DATA_DIR"] = str(data_dir)
            result = CliRunner().invoke(main, args)
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            report = result.output + ("\nTraceback: " + repr(result.exception) if crashed else "")
            os.write(write, json.dumps([result.exit_code, report]).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return tuple(json.loads(answer))


def test_an_unwritable_data_directory_is_one_line(shared_dir):
    data = shared_dir / "data"
    data.mkdir(mode=0o555)
    code, output = qogam(["gaps"], data)
    assert code == 1 and "Traceback" not in output
    assert output.strip().count("\n") == 0 and "writable" in output and str(data) in output


def test_a_read_only_database_is_one_line(shared_dir):
    data = shared_dir / "data"
    data.mkdir()
    open_db(data / "qogam.db").conn.close()
    for path in data.iterdir():
        path.chmod(0o444)
    if os.geteuid() == 0:
        os.chown(data, 65534, 65534)  # nobody owns the directory, not the read-only database
    code, output = qogam(["gaps"], data)
    assert code == 1 and "Traceback" not in output
    assert output.strip().count("\n") == 0 and "qogam.db" in output and "writable" in output


def test_wall_fixture_is_used_by_the_inbox(db, wall):
    inbox.store(db, [{"update_id": 9, "message": {}}])
    inbox.retry(db, 9, 60, counted=True)
    assert inbox.due(db, 10) == []
    wall.advance(seconds=61)
    assert [r.update_id for r in inbox.due(db, 10)] == [9]
    assert dt.datetime.fromisoformat(db["inbox"].get(9)["next_at"]) < clock.now()


def test_a_checkpoint_after_forget_that_a_reader_blocks_is_one_warning_then_retried(tmp_path, caplog):
    db = open_db(tmp_path / "qogam.db", busy_ms=50)
    gaps.record(db, user_key="tg:1", channel="telegram", lang="en", question=SECRET, status=gaps.UNANSWERED,
                candidates=[])
    checkpoint(db)
    reader = sqlite3.connect(tmp_path / "qogam.db")  # Datasette, or a sqlite3 shell, in a transaction
    reader.execute("begin")
    reader.execute("select count(*) from gaps").fetchone()
    caplog.set_level(logging.INFO, logger="bot.storage.db")
    users.forget(db, "tg:1")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "/forget" in warnings[0].getMessage() and "tg:1" not in caplog.text
    files = [tmp_path / "qogam.db", tmp_path / "qogam.db-wal"]
    # What the warning is about: the text is in the database file until the WAL's zeroed pages are copied.
    assert any(SECRET.encode() in f.read_bytes() for f in files)
    assert checkpoint(db) is False  # the next periodic try: still held, and no second warning
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    reader.rollback()
    assert checkpoint(db) is True
    assert "completed" in caplog.records[-1].getMessage()
    assert not any(SECRET.encode() in f.read_bytes() for f in files if f.exists())
    reader.close()


def test_forget_leaves_no_telegram_id_in_the_inbox(db):
    update = {"update_id": 77, "message": {"chat": {"id": 4242, "type": "private"}, "from": {"id": 4242},
                                           "text": "Мой номер 4242"}}
    other = {"update_id": 78, "message": {"chat": {"id": 5151, "type": "private"}, "text": "?"}}
    inbox.store(db, [update, other])
    # As an older version left a finished row: the payload gone, the chat key (the resident's id) kept.
    db.execute("update inbox set status = 'done', done_at = '2026-01-01T00:00:00+00:00' where update_id = 77")
    db.conn.commit()
    users.forget(db, "tg:4242")
    rows = [tuple(r) for r in db.execute("select * from inbox").fetchall()]
    assert not [r for r in rows if "4242" in repr(r)]
    assert [r for r in rows if "5151" in repr(r)]  # someone else's pending update is untouched

"""Open the SQLite database: one file under QOGAM_DATA_DIR, WAL, schema brought up to date by migrations.

Schema changes happen only here, as new migrations appended to the list; an applied migration is
never edited. sqlite-utils records applied steps in its _sqlite_migrations table.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database, Migrations

from bot import settings

DB_FILE = "qogam.db"

migrations = Migrations("qogam")
log = logging.getLogger(__name__)


@migrations()
def m001_users_and_gaps(db: Database) -> None:
    # user_key is "<channel>:<id>" (tg:123, console:local). No names, no usernames: the language choice is
    # all we need to serve someone.
    db["users"].create(
        {"user_key": str, "channel": str, "language": str, "created_at": str, "updated_at": str},
        pk="user_key",
    )
    # Questions the bot could not answer, redacted. status: unanswered (no match), suggested (did-you-mean
    # shown, waiting), rejected ("none of these"), resolved (the resident picked a suggestion: chosen_entry).
    # user_key lets a resident see and delete their own questions; editors' listings never show it.
    db["gaps"].create(
        {
            "id": int, "created_at": str, "updated_at": str, "user_key": str, "channel": str, "lang": str,
            "question": str, "status": str, "best_score": float, "candidates": str, "chosen_entry": str,
        },
        pk="id",
        not_null={"created_at", "channel", "lang", "question", "status"},
    )
    db["gaps"].create_index(["status", "created_at"])
    db["gaps"].create_index(["user_key"])


@migrations()
def m002_feedback(db: Database) -> None:
    # 👍 / 👎 on an answer; reason is filled in after 👎 (wrong_topic, outdated, unclear).
    db["feedback"].create(
        {"id": int, "created_at": str, "user_key": str, "entry_id": str, "lang": str, "vote": int, "reason": str},
        pk="id",
        not_null={"created_at", "entry_id", "vote"},
    )
    db["feedback"].create_index(["entry_id"])


@migrations()
def m003_subscriptions_roles_audit(db: Database) -> None:
    # Where a conversation waits for typed text (an area name after /subscribe, a user id in /roles),
    # kept here so that a restart does not forget it; the interface language the bot inferred from a
    # resident's messages (language_chosen = 0) until they choose one with /language (1); and when a
    # resident blocked the bot (stopped_at), so that nothing more is sent until they /start again.
    db["users"].add_column("language_chosen", int)
    db["users"].add_column("awaiting", str)
    db["users"].add_column("awaiting_at", str)
    db["users"].add_column("stopped_at", str)
    db.execute("update users set language_chosen = 1 where language is not null")
    # One row per resident and area. A broadcast reads "every active subscriber of these areas": the
    # index on area_code serves it; the primary key makes subscribing twice a no-op.
    db["subscriptions"].create({"user_key": str, "area_code": str, "created_at": str},
                               pk=("user_key", "area_code"), not_null={"created_at"})
    db["subscriptions"].create_index(["area_code", "user_key"])
    # Staff roles: editor (area optional: all areas when null) and broadcaster (always with an area;
    # acts on it and the areas under it). Admins are not stored: they come from QOGAM_ADMIN_IDS.
    db["roles"].create({"user_key": str, "role": str, "area_code": str, "granted_at": str, "granted_by": str},
                       not_null={"user_key", "role", "granted_at", "granted_by"})
    db.execute("create unique index roles_unique on roles (user_key, role, ifnull(area_code, ''))")
    # Every privileged action, append-only: the triggers refuse to change or delete a row.
    db["audit"].create({"id": int, "at": str, "actor": str, "action": str, "target": str, "detail": str},
                       pk="id", not_null={"at", "actor", "action"})
    db.execute("create trigger audit_no_update before update on audit "
               "begin select raise(abort, 'the audit log is append-only'); end")
    db.execute("create trigger audit_no_delete before delete on audit "
               "begin select raise(abort, 'the audit log is append-only'); end")


@migrations()
def m004_hearings_and_outbox(db: Database) -> None:
    # A public hearing an akimat announces. starts_at is local time in Kazakhstan (one zone, UTC+5, since
    # March 2024), written as ISO 8601 without an offset, as the akimat gives it. texts holds
    # {"kk": {"title", "agenda"}, "ru": {...}, "en": {...}}; results the same per language after it is
    # held. uid and sequence are the calendar's: a correction keeps the uid and raises the sequence.
    # status: draft -> announced -> corrected -> cancelled | held. A draft is filled in step by step in
    # the /hearing conversation; `changes` holds a correction or results being written, until confirmed.
    db["hearings"].create(
        {"id": int, "uid": str, "area_code": str, "starts_at": str, "duration_minutes": int, "place": str,
         "latitude": float, "longitude": float, "online_url": str, "texts": str, "results": str,
         "status": str, "sequence": int, "urgent": int, "changes": str, "created_by": str, "created_at": str,
         "updated_at": str},
        pk="id", not_null={"uid", "status", "sequence", "created_by", "created_at"}, defaults={"sequence": 0},
    )
    db["hearings"].create_index(["area_code", "starts_at"])
    # One broadcast per message about a hearing: announcement, reminder, correction, cancellation,
    # results. A follow-up waits as "scheduled" until due_at (UTC), then its outbox rows are written and it
    # is "queued"; "done" when no row is pending. progress_user/progress_ref: the broadcaster's progress
    # message, edited while it sends.
    db["broadcasts"].create(
        {"id": int, "hearing_id": int, "kind": str, "status": str, "urgent": int, "due_at": str,
         "created_by": str, "created_at": str, "queued_at": str, "finished_at": str,
         "progress_user": str, "progress_ref": str},
        pk="id", not_null={"hearing_id", "kind", "status", "created_by", "created_at"},
        foreign_keys=[("hearing_id", "hearings", "id")],
    )
    db["broadcasts"].create_index(["status", "due_at"])
    # The transactional outbox: one row per broadcast and recipient, written in the transaction that
    # queues the broadcast. status: pending -> sent | stopped (blocked the bot) | failed (error says why)
    # | skipped (the hearing was cancelled first). next_at holds a retry back.
    db["deliveries"].create(
        {"id": int, "broadcast_id": int, "user_key": str, "status": str, "attempts": int, "next_at": str,
         "sent_at": str, "error": str},
        pk="id", not_null={"broadcast_id", "user_key", "status"}, defaults={"attempts": 0},
        foreign_keys=[("broadcast_id", "broadcasts", "id")],
    )
    db.execute("create unique index deliveries_once on deliveries (broadcast_id, user_key)")
    db["deliveries"].create_index(["broadcast_id", "status", "id"])
    db["deliveries"].create_index(["user_key"])
    # "I'll attend", once per resident and hearing.
    db["rsvps"].create({"hearing_id": int, "user_key": str, "created_at": str},
                       pk=("hearing_id", "user_key"), not_null={"created_at"})
    # Residents' questions for a hearing, redacted before they are stored.
    db["hearing_questions"].create(
        {"id": int, "hearing_id": int, "user_key": str, "lang": str, "question": str, "created_at": str},
        pk="id", not_null={"hearing_id", "question", "created_at"},
    )
    db["hearing_questions"].create_index(["hearing_id"])
    db["hearing_questions"].create_index(["user_key"])


@migrations()
def m005_inbox_and_answers(db: Database) -> None:
    # The inbox: every update from Telegram, stored before Telegram is told it arrived (the next
    # getUpdates offset, or the webhook's 200). payload is the raw JSON, deleted once the update is done;
    # the row stays a while so that a redelivered update_id is recognised. status: pending -> handled
    # (its effects committed, replies being sent) -> done | failed. chat_key orders and spreads the work:
    # one update per chat at a time, private chats first (a group flood must not delay a resident).
    db["inbox"].create(
        {"update_id": int, "received_at": str, "status": str, "chat_key": str, "private": int,
         "attempts": int, "next_at": str, "payload": str, "done_at": str},
        pk="update_id", not_null={"received_at", "status"}, defaults={"attempts": 0, "private": 0},
    )
    db["inbox"].create_index(["status", "private", "update_id"])
    # Updates set aside after 3 failed attempts (or that could not be parsed): the kind and the error's
    # type only, never the payload, which holds residents' text.
    db["failed_updates"].create(
        {"update_id": int, "failed_at": str, "stage": str, "error": str, "attempts": int}, pk="update_id",
        not_null={"failed_at", "stage"},
    )
    # Answers the bot showed a resident with 👍 / 👎 under them: a vote names one of these rows, so a vote
    # is for an entry the resident was actually shown, once per answer message (a second press changes it).
    db["answers"].create(
        {"id": int, "user_key": str, "entry_id": str, "lang": str, "shown_at": str}, pk="id",
        not_null={"user_key", "entry_id", "shown_at"},
    )
    db["answers"].create_index(["user_key"])
    db["answers"].create_index(["shown_at"])
    db["feedback"].add_column("answer_id", int)
    db["feedback"].add_column("updated_at", str)
    db.execute("create unique index feedback_once on feedback (answer_id) where answer_id is not null")
    db["feedback"].create_index(["created_at"])
    db["gaps"].create_index(["created_at"])


@migrations()
def m006_editors_loop(db: Database) -> None:
    # A resident who pressed "Notify me when answered" under an unanswered question (notify = 1);
    # when and by which editor's action the gap was closed. New gap statuses: learned (added as a phrasing
    # of chosen_entry), new_entry (waits in `qogam kb todo`), ignored.
    db["gaps"].add_column("notify", int)
    db["gaps"].add_column("resolved_at", str)
    db["gaps"].add_column("resolved_by", str)
    # Phrasings editors added from clusters of gaps, in their language. The matcher serves them at once;
    # `qogam kb learned --export` writes them into the entry files (exported_at), and git takes over.
    db["learned_phrasings"].create(
        {"id": int, "entry_id": str, "lang": str, "text": str, "cluster_id": int, "created_at": str,
         "created_by": str, "exported_at": str},
        pk="id", not_null={"entry_id", "lang", "text", "created_at", "created_by"},
    )
    db.execute("create unique index learned_once on learned_phrasings (entry_id, lang, text)")
    # Questions editors chose to ignore ("what's the exchange rate"), by their normalised, redacted form:
    # similar questions are never shown to editors again.
    db["ignored_questions"].create(
        {"id": int, "form": str, "lang": str, "created_at": str, "created_by": str},
        pk="id", not_null={"form", "created_at", "created_by"},
    )
    db.execute("create unique index ignored_once on ignored_questions (form)")
    # "There is an answer now": one message per resident and gap, sent by the broadcast sender
    # (bot/core/delivery/sender.py) with its pacing, quiet hours and retries. status as in deliveries.
    db["notifications"].create(
        {"id": int, "user_key": str, "gap_id": int, "entry_id": str, "lang": str, "status": str,
         "attempts": int, "next_at": str, "created_at": str, "sent_at": str, "error": str},
        pk="id", not_null={"user_key", "entry_id", "status", "created_at"}, defaults={"attempts": 0},
    )
    db.execute("create unique index notifications_once on notifications (user_key, gap_id)")
    db["notifications"].create_index(["status", "id"])
    db["notifications"].create_index(["user_key"])
    # Statistics for editors: counts only, per day (Kazakhstan's date), language, outcome and entry; no
    # user and no text, so residents' identities cannot appear in them. entry_id is '' when none.
    db["question_stats"].create(
        {"day": str, "lang": str, "outcome": str, "entry_id": str, "n": int},
        pk=("day", "lang", "outcome", "entry_id"), not_null={"n"}, defaults={"n": 0},
    )
    # Read-only views for Datasette and SQL users (README, "For editors"): none shows a user_key.
    db.execute("create view open_gaps as select id, created_at, lang, channel, question, status, best_score, "
               "candidates from gaps where status in ('unanswered', 'rejected')")
    db.execute("create view questions_per_day as select day, lang, "
               "sum(n) as questions, "
               "sum(case when outcome = 'answered' then n else 0 end) as answered, "
               "sum(case when outcome = 'suggested' then n else 0 end) as suggested, "
               "sum(case when outcome = 'unanswered' then n else 0 end) as unanswered "
               "from question_stats group by day, lang")
    db.execute("create view feedback_per_entry as select entry_id, "
               "sum(vote > 0) as up, sum(vote < 0) as down, "
               "sum(vote < 0 and reason = 'wrong_topic') as wrong_topic, "
               "sum(vote < 0 and reason = 'outdated') as outdated, "
               "sum(vote < 0 and reason = 'unclear') as unclear "
               "from feedback group by entry_id")
    db.execute("create view kb_todo as select id, created_at, resolved_at, resolved_by, lang, question "
               "from gaps where status = 'new_entry'")
    db.execute("create view learned as select id, entry_id, lang, text, created_at, created_by, exported_at "
               "from learned_phrasings")



@migrations()
def m007_not_our_topic(db: Database) -> None:
    # Questions editors marked "not our topic" from a cluster of gaps, one per language: the matcher
    # serves them at once as part of knowledge/out_of_scope.toml (it does not answer questions nearer
    # them than any phrasing), and `qogam kb learned --export` writes them into that file (exported_at).
    db["learned_out_of_scope"].create(
        {"id": int, "lang": str, "text": str, "cluster_id": int, "created_at": str, "created_by": str,
         "exported_at": str},
        pk="id", not_null={"lang", "text", "created_at", "created_by"},
    )
    db.execute("create unique index listed_once on learned_out_of_scope (lang, text)")


@migrations()
def m008_finished_inbox_rows_without_chat(db: Database) -> None:
    # A finished update keeps only its update_id (to recognise a redelivery): the chat key, which in a
    # private chat is the resident's Telegram id, goes with the payload. Rows finished before this kept it.
    db.execute("update inbox set chat_key = null, payload = null where status in ('done', 'failed')")


@migrations()
def m009_notify_at(db: Database) -> None:
    # When a resident asked to be told about a gap's answer: a resident's requests are counted per 24 hours
    # (bot/core/quotas.py). Earlier requests have none and count for no day.
    db["gaps"].add_column("notify_at", str)
    db["gaps"].create_index(["user_key", "created_at"])


@migrations()
def m010_subscription_scope(db: Database) -> None:
    # What following an area means: 'area', the hearings held for that area itself; 'tree', those and the
    # hearings of every area in it. Until now a subscription meant 'tree', and so it stays for every
    # region, city and district a resident chose ("All of <region>" said so), except the country: following
    # it came only from a sub-kz link that did not even name the country, and as 'tree' it would bring every
    # district hearing in Kazakhstan; it becomes the country's own, national hearings.
    db["subscriptions"].add_column("scope", str, not_null_default="tree")
    db.execute("update subscriptions set scope = 'area' where area_code = 'kz'")


@migrations()
def m011_web_console(db: Database) -> None:
    # The web console (bot/web/) signs staff in with a one-time link from /web in Telegram: only a hash of
    # the link's token is kept, so this table cannot be used to sign in; it is single use (used_at) and
    # expires (expires_at).
    db["web_links"].create(
        {"token_hash": str, "user_key": str, "created_at": str, "expires_at": str, "used_at": str},
        pk="token_hash", not_null={"user_key", "created_at", "expires_at"},
    )
    # Sessions by the hash of the cookie's random id; csrf is the token every state-changing form carries.
    # last_seen_at gives the idle expiry; revoking a person's role deletes their rows.
    db["web_sessions"].create(
        {"id_hash": str, "user_key": str, "csrf": str, "created_at": str, "last_seen_at": str},
        pk="id_hash", not_null={"user_key", "csrf", "created_at", "last_seen_at"},
    )
    db["web_sessions"].create_index(["user_key"])
    # Every version of a knowledge file an editor saved in the console (and the version it replaced, the
    # first time), for the entry's history, its diff and one-click revert. content is the whole TOML text.
    db["knowledge_versions"].create(
        {"id": int, "path": str, "entry_id": str, "content": str, "content_hash": str, "saved_at": str,
         "saved_by": str, "action": str},
        pk="id", not_null={"path", "content", "content_hash", "saved_at", "saved_by", "action"},
    )
    db["knowledge_versions"].create_index(["path", "id"])
    db["knowledge_versions"].create_index(["entry_id", "id"])
    # The shipped content (the release's knowledge/) each installed file was last taken from: its hash tells
    # what a new release changed upstream and what editors changed here (bot/core/curation/upstream.py).
    db["upstream_base"].create({"path": str, "content_hash": str, "taken_at": str}, pk="path",
                               not_null={"content_hash", "taken_at"})


@migrations()
def m012_feedback_per_entry_counts_residents(db: Database) -> None:
    # Issue 32: one resident's 20 👎 on one entry (one per answer shown) are one resident, not 20. The view
    # counts residents in up, down and the reasons (a vote without a resident as its own), as
    # bot/storage/stats.py does, and the votes in up_votes and down_votes. Still no user_key in it.
    who = "coalesce(user_key, 'row:' || id)"
    db.execute("drop view feedback_per_entry")
    db.execute("create view feedback_per_entry as select entry_id, "
               f"count(distinct case when vote > 0 then {who} end) as up, "
               f"count(distinct case when vote < 0 then {who} end) as down, "
               f"count(distinct case when vote < 0 and reason = 'wrong_topic' then {who} end) as wrong_topic, "
               f"count(distinct case when vote < 0 and reason = 'outdated' then {who} end) as outdated, "
               f"count(distinct case when vote < 0 and reason = 'unclear' then {who} end) as unclear, "
               "sum(vote > 0) as up_votes, sum(vote < 0) as down_votes "
               "from feedback group by entry_id")


@migrations()
def m013_not_ours(db: Database) -> None:
    # Questions that got an out-of-scope topic's referral (knowledge/out_of_scope.toml: documents, pensions,
    # taxes ...) instead of "no answer": counts per day (Kazakhstan's date), language and topic id, as
    # question_stats counts the other outcomes; no user and no text. question_stats counts them too, as
    # outcome 'not_ours', so the totals per day and language stay whole.
    db["not_ours_stats"].create(
        {"day": str, "lang": str, "topic": str, "n": int},
        pk=("day", "lang", "topic"), not_null={"n"}, defaults={"n": 0},
    )
    db.execute("drop view questions_per_day")
    db.execute("create view questions_per_day as select day, lang, "
               "sum(n) as questions, "
               "sum(case when outcome = 'answered' then n else 0 end) as answered, "
               "sum(case when outcome = 'suggested' then n else 0 end) as suggested, "
               "sum(case when outcome = 'unanswered' then n else 0 end) as unanswered, "
               "sum(case when outcome = 'not_ours' then n else 0 end) as not_ours "
               "from question_stats group by day, lang")

def data_dir() -> Path:
    return settings.data_dir()


class StorageError(Exception):
    """The data directory or the database cannot be used; the message says what to fix."""


# How long a statement waits for another process's write lock. The command line can wait (5 s); the
# bot must not: its event loop serves every resident, so it gives up after 100 ms and the inbox retries
# the update a moment later (bot/telegram/inbox.py) instead of stalling everyone behind one lock.
CLI_BUSY_MS = 5000
SERVICE_BUSY_MS = 100


def open_db(path: Path | str | None = None, *, memory: bool = False, busy_ms: int = CLI_BUSY_MS) -> Database:
    """Open (creating if needed) and migrate the database. `memory=True` is for tests and `qogam ask`."""
    if memory:
        db = Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(db)
        return db
    path = Path(path) if path else data_dir() / DB_FILE
    _prepare(path)
    try:
        # Concurrent first starts (several processes on a fresh directory) would race to switch to WAL
        # and to migrate, and all but one failed with "database is locked": one at a time, under a lock
        # file beside the database that the kernel releases even after kill -9.
        with _exclusive(path.with_name(path.name + ".lock")):
            db = Database(path)
            db.execute(f"PRAGMA busy_timeout = {CLI_BUSY_MS}")
            db.enable_wal()
            db.execute("PRAGMA foreign_keys = ON")
            migrations.apply(db)
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise StorageError(f"the database {path} is read-only: make it writable by the user running "
                               "qogam (chmod u+w, and the same for its -wal and -shm files)") from exc
        raise StorageError(f"cannot open the database {path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"{path} is not a usable SQLite database ({exc}): restore the last backup with "
                           "`qogam restore FILE` (made by `qogam backup --out FILE`)") from exc
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives a crash or kill -9
    # of the process (only a power cut can lose the last ones), and the outbox's one commit per message
    # costs microseconds instead of an fsync each (~100 a second at best).
    db.execute("PRAGMA synchronous = NORMAL")
    # Deleted rows (/forget, retention) are overwritten with zeros in the file, not just unlinked.
    db.execute("PRAGMA secure_delete = ON")
    db.execute(f"PRAGMA busy_timeout = {busy_ms}")
    return db


def _prepare(path: Path) -> None:
    """The directory exists and is writable, the file is created 0600 (residents' questions are in it)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
    except PermissionError as exc:
        where = path if path.exists() else path.parent
        raise StorageError(f"cannot write to {where}: make it writable by the user running qogam, "
                           "or set QOGAM_DATA_DIR to a directory it can write") from exc
    except OSError as exc:
        raise StorageError(f"cannot use the data directory {path.parent}: {exc.strerror}") from exc
    if not os.access(path.parent, os.W_OK | os.X_OK):
        # SQLite needs the directory itself for the -wal and -shm files beside the database.
        raise StorageError(f"cannot write to {path.parent}: make it writable by the user running qogam, "
                           "or set QOGAM_DATA_DIR to a directory it can write")
    # SQLite creates -wal and -shm with the database's permissions; tighten a file made by an older version.
    if path.stat().st_mode & 0o077:
        try:
            os.chmod(path, 0o600)
        except PermissionError:
            pass  # not ours to change; the operator made it so


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def transaction(db: Database, *, rollback: bool = False) -> Iterator[None]:
    """One write transaction; nested ones join the outermost, so that what a handler does and the mark
    that its update is done commit together (bot/telegram/inbox.py). BEGIN IMMEDIATE takes the write lock
    at once: a transaction that read first and then had to wait for the lock could not go on.
    `rollback=True` runs the work and discards it (replaying an update whose effects were committed)."""
    conn = db.conn
    if getattr(db, "_qogam_depth", 0):
        db._qogam_depth += 1
        try:
            yield
        finally:
            db._qogam_depth -= 1
        return
    if conn.in_transaction:
        conn.commit()  # a statement outside any transaction left one open; it is not part of this one
    conn.execute("BEGIN IMMEDIATE")
    db._qogam_depth = 1
    db._qogam_after = []
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    else:
        if rollback:
            conn.rollback()
        else:
            conn.commit()
            for action in db._qogam_after:
                action()
    finally:
        db._qogam_depth = 0
        db._qogam_after = []


def after_commit(db: Database, action: Callable[[], object]) -> None:
    """Run `action` once the current transaction commits (at once outside one); dropped on rollback."""
    if getattr(db, "_qogam_depth", 0):
        db._qogam_after.append(action)
    else:
        action()


def file_of(db: Database) -> str | None:
    """The file the database lives in, or None for one in memory."""
    for _, name, path in db.execute("pragma database_list").fetchall():
        if name == "main":
            return path or None
    return None


@contextmanager
def reader(path: str) -> Iterator[Database]:
    """A connection to the database file for the calling thread alone, that can only read (query_only):
    a worker thread's, for slow reading work off the bot's event loop (one SQLite connection belongs to
    one thread). In WAL mode it reads the last committed state and neither waits for writers nor holds
    them up; it may wait CLI_BUSY_MS for a lock, which blocks only its own thread."""
    conn = sqlite3.connect(path, timeout=CLI_BUSY_MS / 1000)
    try:
        conn.execute("PRAGMA query_only = ON")
        yield Database(conn)
    finally:
        conn.close()


def checkpoint_mode() -> str:
    """TRUNCATE by default; PASSIVE while Litestream replicates (QOGAM_LITESTREAM=1).

    Litestream reads the WAL to replicate it, holding a read transaction so that frames are not
    checkpointed away before it copied them, and runs its own checkpoints (PASSIVE every minute and at
    1,000 pages, TRUNCATE only past ~500 MB). A TRUNCATE or RESTART checkpoint from the application waits on
    that reader, blocking the bot's own writers for the busy timeout, and then fails anyway. PASSIVE copies
    what it can and never waits. The price: a resident's deleted text (zeroed in the database file by
    secure_delete) stays in the -wal file until SQLite writes over those frames, instead of being emptied
    at once; docs/operations.md says so."""
    return "PASSIVE" if settings.litestream() else "TRUNCATE"


def checkpoint(db: Database, *, after_forget: bool = False) -> bool:
    """Copy the WAL into the database and empty it, so deleted text does not linger in the -wal file (only
    copy it while Litestream replicates: see checkpoint_mode). True when the WAL is empty now.

    Another process reading the database (Datasette, a sqlite3 shell with a transaction open) keeps the
    frames it may still read: then SQLite answers busy, or copies fewer frames than the WAL holds, and
    text deleted by /forget stays in qogam.db-wal. After a /forget (`after_forget`) that is logged once,
    as one WARNING without ids; the bot's minute-by-minute checkpoint tries again and logs when it
    succeeds."""
    try:
        busy, frames, copied = db.execute(f"PRAGMA wal_checkpoint({checkpoint_mode()})").fetchone()
        complete = not busy and frames <= copied  # (0, -1, -1) when the database is not in WAL mode
    except sqlite3.OperationalError:  # locked by another writer
        busy, frames, copied, complete = 1, -1, -1, False
    if after_forget and not complete:
        db._qogam_wal_owed = True
        log.warning("checkpoint after /forget incomplete (busy=%d, %d of %d WAL frames copied): another process "
                    "holds the database open, so deleted text stays in %s-wal until a checkpoint succeeds; "
                    "the bot tries again every minute", busy, max(copied, 0), max(frames, 0), DB_FILE)
    elif complete and getattr(db, "_qogam_wal_owed", False):
        db._qogam_wal_owed = False
        log.info("checkpoint after /forget completed: the WAL is empty")
    return complete

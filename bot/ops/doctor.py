"""`qogam doctor`: every check an operator needs, each OK, WARN or FAIL with its fix in one line.

Network checks (getMe, getWebhookInfo) each FAIL with their reason when Telegram cannot be reached, and the
rest still run. Nothing here changes anything: the database is opened without migrating, getUpdates is
never called (it would take updates from the running bot), the knowledge base is checked without training.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import pwd
import re
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlite_utils import Database

from bot import settings
from bot.storage import inbox as stored_inbox
from bot.storage import instance, notifications, outbox
from bot.storage.backup import applied_migrations, code_migrations
from bot.storage.db import DB_FILE

OK, WARN, FAIL = "OK", "WARN", "FAIL"
TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
# Disk: FAIL under this many bytes free (SQLite cannot even checkpoint), WARN under the second.
DISK_FAIL = 200 * 1024**2
DISK_WARN = 2 * 1024**3
INBOX_WARN = 100
WEBHOOK_PENDING_WARN = 100


@dataclass
class Result:
    name: str
    status: str
    detail: str
    fix: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def run_checks(timeout: float = 5.0) -> list[Result]:
    data_dir = settings.data_dir()
    results: list[Result] = []
    results += _telegram(timeout)
    db = _open(data_dir / DB_FILE)
    checks = (("database", lambda: _integrity(db, data_dir)), ("migrations", lambda: _migrations(db)),
              ("disk", lambda: _disk(data_dir)), ("data directory", lambda: _permissions(data_dir)),
              ("inbox", lambda: _inbox(db)), ("outbox", lambda: _outbox(db, data_dir)),
              ("model cache", lambda: _model_cache(db)), ("kb check", _knowledge), ("admins", _admins),
              ("time zone", _time_zone), ("instances", lambda: _instances(data_dir)))
    for name, check in checks:
        results.append(_safely(name, check))
    if isinstance(db, Database):
        db.close()
    return results


def _safely(name: str, check: Callable[[], Result]) -> Result:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
        return Result(name, FAIL, f"the check itself failed: {type(exc).__name__}: {exc}"[:300],
                      "report this with the output of `qogam doctor --json`")


# ---- Telegram -----------------------------------------------------------------------------------------
def _telegram(timeout: float) -> list[Result]:
    token = settings.bot_token()
    base = (settings.api_base_url() or "https://api.telegram.org").strip().rstrip("/").removesuffix("/bot")
    if not token.strip():
        reason = "TELEGRAM_BOT_TOKEN is not set"
        fix = "set TELEGRAM_BOT_TOKEN to the token @BotFather gave you (in /etc/qogam/qogam.env)"
        return [Result("token", FAIL, reason, fix),
                Result("telegram api", FAIL, f"cannot ask {base} without a token", fix),
                Result("webhook", FAIL, "cannot ask getWebhookInfo without a token", fix)]
    if any(c.isspace() for c in token) or not TOKEN.fullmatch(token):
        fix = "set TELEGRAM_BOT_TOKEN to the token alone, as @BotFather shows it (digits, a colon, then letters)"
        return [Result("token", FAIL, "TELEGRAM_BOT_TOKEN is malformed (whitespace or wrong shape)", fix),
                Result("telegram api", FAIL, "not asked with a malformed token", fix),
                Result("webhook", FAIL, "not asked with a malformed token", fix)]
    try:
        me, info = asyncio.run(_ask_telegram(token, base, timeout))
    except Exception as exc:  # noqa: BLE001 - an unreachable API is a FAIL line, not a traceback
        me = info = (0, {"description": f"{type(exc).__name__}: {exc}"})
    results = []
    status, body = me
    if status == 200 and body.get("ok"):
        bot = body["result"]
        results.append(Result("token", OK, f"valid: @{bot.get('username')} (id {bot.get('id')})"))
        results.append(Result("telegram api", OK, f"{base} answers"))
    elif status in (401, 404):
        results.append(Result("token", FAIL, "Telegram rejected TELEGRAM_BOT_TOKEN (getMe: HTTP "
                              f"{status})", "copy the token again from @BotFather (/mybots → API Token)"))
        results.append(Result("telegram api", OK, f"{base} answers"))
    else:
        why = body.get("description") or f"HTTP {status}"
        results.append(Result("token", FAIL, f"not checked: getMe got no answer ({why})",
                              "fix the network first (next line)"))
        results.append(Result("telegram api", FAIL, f"{base} unreachable: {why}",
                              "check the network, DNS, an HTTPS proxy (HTTPS_PROXY) or TELEGRAM_API_BASE_URL"))
    results.append(_webhook(*info))
    return results


async def _ask_telegram(token: str, base: str, timeout: float) -> tuple[tuple[int, dict], tuple[int, dict]]:
    import aiohttp

    url = f"{base}/bot{token}/"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout), trust_env=True) as session:
        async def call(method: str) -> tuple[int, dict]:
            try:
                async with session.post(url + method) as response:
                    try:
                        return response.status, await response.json(content_type=None)
                    except ValueError:
                        return response.status, {"description": f"HTTP {response.status}, not JSON"}
            except TimeoutError:
                return 0, {"description": f"no answer within {timeout:.0f} s"}
            except aiohttp.ClientError as exc:
                return 0, {"description": f"{type(exc).__name__}: {exc}"[:200].replace(token, "<token>")}

        return await call("getMe"), await call("getWebhookInfo")


def _webhook(status: int, body: dict) -> Result:
    if status != 200 or not body.get("ok"):
        why = body.get("description") or f"HTTP {status}"
        return Result("webhook", FAIL, f"getWebhookInfo failed: {why}", "see the telegram api line")
    info = body.get("result")
    if not isinstance(info, dict):
        return Result("webhook", FAIL, f"getWebhookInfo answered {str(info)[:60]!r}, not a WebhookInfo",
                      "check TELEGRAM_API_BASE_URL points at a Telegram Bot API server")
    url = info.get("url") or ""
    pending = int(info.get("pending_update_count") or 0)
    mode = f"webhook {url}" if url else "no webhook (long polling)"
    detail = f"{mode}, {pending} update(s) waiting at Telegram"
    error_at = info.get("last_error_date")
    if error_at and time.time() - int(error_at) < 3600:
        when = dt.datetime.fromtimestamp(int(error_at), dt.UTC).strftime("%H:%M UTC")
        return Result("webhook", WARN, f"{detail}; last error at {when}: {info.get('last_error_message')}",
                      "check the reverse proxy forwards the hook path to qogam run --listen/--port, and its TLS")
    if pending > WEBHOOK_PENDING_WARN:
        return Result("webhook", WARN, detail, "Telegram is holding updates: is `qogam run` running and "
                      "receiving? (systemctl status qogam; journalctl -u qogam)")
    return Result("webhook", OK, detail)


# ---- the database -------------------------------------------------------------------------------------
def _open(path: Path) -> Database | Result:
    if not path.exists():
        return Result("database", WARN, f"no database at {path} yet",
                      "it is created at the first start of `qogam run`; check QOGAM_DATA_DIR if one exists")
    try:
        conn = sqlite3.connect(path, timeout=2)  # read and checked only: no migration, no WAL switch
        conn.execute("PRAGMA query_only = ON")
        return Database(conn)
    except sqlite3.Error as exc:
        return Result("database", FAIL, f"cannot open {path}: {exc}",
                      "make it readable by this user, or restore the last backup: qogam restore FILE")


def _integrity(db, data_dir: Path) -> Result:
    if isinstance(db, Result):
        return db
    try:
        result = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return Result("database", FAIL, f"{data_dir / DB_FILE} cannot be read: {exc}",
                      "stop the bot and restore the last backup: qogam restore FILE")
    if result != [("ok",)]:
        return Result("database", FAIL, f"quick_check found damage: {result[0][0]}"[:200],
                      "stop the bot and restore the last backup: qogam restore FILE")
    size = sum((data_dir / n).stat().st_size for n in (DB_FILE, f"{DB_FILE}-wal") if (data_dir / n).exists())
    return Result("database", OK, f"quick_check ok, {size / 1024**2:.1f} MiB with its WAL")


def _migrations(db) -> Result:
    if isinstance(db, Result):
        return Result("migrations", WARN, "no database to check", db.fix)
    applied = applied_migrations(db.conn)
    known = code_migrations()
    newer = [m for m in applied if m not in known]
    if newer:
        return Result("migrations", FAIL, f"the database has migrations this code does not know ({newer[-1]})",
                      "run the qogam version that wrote it, or restore a backup made by this version")
    if len(applied) < len(known):
        return Result("migrations", WARN, f"level {len(applied)} of {len(known)}",
                      "the next `qogam run` applies the rest at start; take `qogam backup` first")
    return Result("migrations", OK, f"current (level {len(known)})")


def _disk(data_dir: Path) -> Result:
    where = data_dir.absolute()
    while not where.exists() and where != where.parent:  # not made yet: the disk it will be made on
        where = where.parent
    usage = shutil.disk_usage(where)
    detail = f"{usage.free / 1024**3:.1f} GiB free of {usage.total / 1024**3:.1f} GiB at {where}"
    if usage.free < DISK_FAIL:
        return Result("disk", FAIL, detail, "free space now: old backups, journal (journalctl --vacuum-size=200M)")
    if usage.free < DISK_WARN or usage.free < usage.total * 0.05:
        return Result("disk", WARN, detail, "free space or grow the disk (docs/operations.md: disk growth)")
    return Result("disk", OK, detail)


def _permissions(data_dir: Path) -> Result:
    if not data_dir.exists():
        return Result("data directory", WARN, f"{data_dir} does not exist",
                      f"create it: install -d -o qogam -g qogam -m 0700 {data_dir}")
    me = os.geteuid()
    problems = []
    info = data_dir.stat()
    if info.st_uid != me:
        problems.append(f"{data_dir} is owned by {_user(info.st_uid)}, qogam runs as {_user(me)}")
    if stat.S_IMODE(info.st_mode) & 0o077:
        problems.append(f"{data_dir} is {oct(stat.S_IMODE(info.st_mode))[2:]} (others can enter)")
    if not os.access(data_dir, os.W_OK | os.X_OK):
        problems.append(f"{data_dir} is not writable")
    for name in (DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", "webhook-secret"):
        path = data_dir / name
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                problems.append(f"{name} is {oct(mode)[2:]}")
            if path.stat().st_uid != me:
                problems.append(f"{name} is owned by {_user(path.stat().st_uid)}")
    if problems:
        return Result("data directory", WARN, "; ".join(problems),
                      f"chown -R {_user(me)} {data_dir} && chmod 700 {data_dir} && chmod 600 {data_dir}/qogam.db*")
    return Result("data directory", OK, f"{data_dir}: owner {_user(me)}, 0700, files 0600")


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _inbox(db) -> Result:
    if isinstance(db, Result):
        return Result("inbox", WARN, "no database to check", db.fix)
    backlog = stored_inbox.backlog(db)
    day_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat(timespec="seconds")
    set_aside = db.execute("select count(*) from failed_updates where failed_at >= ?", [day_ago]).fetchone()[0]
    detail = f"{backlog} update(s) waiting, {set_aside} set aside in the last 24 h"
    if backlog > INBOX_WARN:
        return Result("inbox", WARN, detail, "the bot is behind or stopped: systemctl status qogam; "
                      "journalctl -u qogam | grep outcome=")
    if set_aside:
        return Result("inbox", WARN, detail, "journalctl -u qogam | grep set_aside shows each one's traceback")
    return Result("inbox", OK, detail)


def _outbox(db, data_dir: Path) -> Result:
    if isinstance(db, Result):
        return Result("outbox", WARN, "no database to check", db.fix)
    deliveries, notes = outbox.waiting(db), notifications.waiting(db)
    pending = deliveries["pending"] + notes["pending"]
    failed = deliveries["failed"] + notes["failed"]
    detail = (f"{pending} message(s) pending ({deliveries['pending']} broadcast, {notes['pending']} notification), "
              f"{failed} failed")
    if pending and instance.holder(data_dir) is None:
        return Result("outbox", WARN, detail + "; no `qogam run` is sending them",
                      "start the bot: systemctl start qogam")
    if failed:
        return Result("outbox", WARN, detail, "qogam broadcasts, then qogam broadcast show ID: why rows failed")
    return Result("outbox", OK, detail)


def _model_cache(db) -> Result:
    from bot.core.curation.serving import with_learned
    from bot.core.knowledge.loader import load
    from bot.core.matching.engine import cache_dir
    from bot.core.matching.ranker import Matcher
    from bot.storage import learning

    kb, problems = load()
    if any(p.severity == "error" for p in problems):
        return Result("model cache", WARN, "not checked: the knowledge base has errors (see kb check)",
                      "fix the knowledge base first")
    learned = learning.served(db) if isinstance(db, Database) else []
    matcher = Matcher(with_learned(kb, learned))
    path = cache_dir() / f"matcher-{matcher.content_hash}.npz"
    if path.exists():
        return Result("model cache", OK, f"{path.name} matches the knowledge served")
    return Result("model cache", WARN, f"no model for the knowledge served in {cache_dir()}",
                  "the next start or reload trains it (about a minute on 2 cores): qogam kb check trains it now")


def _knowledge() -> Result:
    from bot.core.curation.check import check_content
    from bot.core.knowledge.areas import load_areas
    from bot.core.knowledge.glossary import load_glossary
    from bot.core.knowledge.loader import knowledge_dir, load

    directory = knowledge_dir()
    kb, problems = load(directory)
    if not any(p.severity == "error" for p in problems):
        problems += check_content(kb)
    problems += load_areas(directory)[1] + load_glossary(directory)[1]
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        return Result("kb check", FAIL, f"{len(errors)} error(s) in {directory}; first: {errors[0]}"[:300],
                      "qogam kb check lists them all; the bot keeps serving the last good version until fixed")
    return Result("kb check", OK, f"{len(kb.entries)} entries in {directory}, no errors (retrieval not checked: "
                  "qogam kb check)")


def _admins() -> Result:
    raw = settings.admin_ids()
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    fix = ("send /whoami to the bot in a private chat, then set QOGAM_ADMIN_IDS=<that number> "
           "(comma-separated for several) and restart")
    if not parts:
        return Result("admins", WARN, "QOGAM_ADMIN_IDS is empty: nobody can grant roles in Telegram", fix)
    bad = [p for p in parts if not p.isdigit() or len(p) > 20]
    if bad:
        return Result("admins", FAIL, f"QOGAM_ADMIN_IDS has entries that are not Telegram user ids: {bad[0]!r}",
                      "only numbers, comma-separated (usernames do not work); " + fix)
    return Result("admins", OK, f"{len(parts)} admin(s) configured")


def _time_zone() -> Result:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo("Asia/Almaty")
    except ZoneInfoNotFoundError:
        return Result("time zone", FAIL, "no time zone data for Asia/Almaty",
                      "pip install tzdata (a dependency: reinstall qogam) or apt-get install tzdata")
    offset = dt.datetime(2026, 6, 1, tzinfo=zone).utcoffset()
    if offset != dt.timedelta(hours=5):
        return Result("time zone", FAIL, f"Asia/Almaty is UTC{offset} in this data (Kazakhstan is UTC+5 since "
                      "March 2024)", "update tzdata: pip install -U tzdata, apt-get install --only-upgrade tzdata")
    return Result("time zone", OK, "Asia/Almaty is UTC+5")


def _instances(data_dir: Path) -> Result:
    """This data directory's `qogam run` (the lock it holds), and any other `qogam run` on this machine with the
    same bot token but another data directory: two bots on one token each take some of the updates."""
    held = instance.holder(data_dir) if data_dir.exists() else None
    token = settings.bot_token()
    here = data_dir.resolve()
    twins = []
    for pid, environ in _qogam_runs():
        if pid == os.getpid() or not token or environ.get("TELEGRAM_BOT_TOKEN") != token:
            continue
        theirs = Path(environ.get("QOGAM_DATA_DIR") or "data")
        if not theirs.is_absolute():
            cwd = _cwd(pid)
            theirs = (cwd / theirs) if cwd else theirs
        if theirs.resolve() != here:
            twins.append(f"pid {pid} with {theirs}")
    if twins:
        return Result("instances", FAIL, f"another `qogam run` uses the same bot token: {'; '.join(twins)}",
                      "one `qogam run` per bot token: stop the other (each takes some of the updates)")
    if held:
        return Result("instances", OK, f"{held} holds {data_dir}")
    return Result("instances", WARN, f"no `qogam run` holds {data_dir}: the bot is not running here",
                  "start it: systemctl start qogam (or check QOGAM_DATA_DIR is the bot's)")


def _cwd(pid: int) -> Path | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None


def _qogam_runs() -> list[tuple[int, dict[str, str]]]:
    """(pid, environment) of every `qogam run` (or `python -m bot run`) whose environment we may read."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            argv = [a.decode(errors="replace") for a in (entry / "cmdline").read_bytes().split(b"\0") if a]
            if "run" not in argv:
                continue
            before = argv[: argv.index("run")]
            if not any(Path(w).name == "qogam" or w == "bot" for w in before):
                continue
            raw = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        environ = dict(item.decode(errors="replace").partition("=")[::2] for item in raw if b"=" in item)
        found.append((int(entry.name), environ))
    return found

"""Helpers the command modules share (maubot's shape: commands import this module, never the group in
bot/cli/__init__.py). Each turns a problem into one line for the operator (click.ClickException), never a
traceback.
"""

from __future__ import annotations

import logging
import sys
import time

import click

from bot.logs import FORMAT


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format=FORMAT,
        stream=sys.stderr,
    )


def load_kb():
    from bot.core.knowledge.loader import KnowledgeError, load_or_fail

    try:
        return load_or_fail()
    except KnowledgeError as exc:
        raise click.ClickException(f"the knowledge base has errors (run `qogam kb check`):\n{exc}") from exc


def load_areas():
    from bot.core.knowledge.areas import load_areas_or_fail
    from bot.core.knowledge.loader import KnowledgeError

    try:
        return load_areas_or_fail()
    except KnowledgeError as exc:
        raise click.ClickException(f"knowledge/areas.toml has errors (run `qogam kb check`):\n{exc}") from exc


def area_code(areas, code: str) -> str:
    if code not in areas:
        raise click.ClickException(f"unknown area {code!r}; `qogam areas` lists the codes")
    return code


def actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def check_broadcast_settings() -> int:
    """Every QOGAM_* setting that needs parsing (QOGAM_QUIET_HOURS, QOGAM_REMINDERS, the pacing variables,
    QOGAM_RETENTION_DAYS, the QOGAM_QUOTA_* quotas, QOGAM_ADMIN_IDS), read once so that a typo is one clear
    line. Returns the number of admins configured."""
    from bot.core import quotas
    from bot.core.delivery.pacing import Settings
    from bot.core.hearings.broadcasts import reminder_offsets
    from bot.core.roles import check_admin_ids
    from bot.settings import retention_days

    try:
        Settings.from_env()
        reminder_offsets()
        retention_days()
        quotas.check()
        return check_admin_ids()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


class Status:
    """What a slow command is doing, on stderr: on a terminal one line that updates in place, elsewhere
    (a pipe, a log file) nothing but the final line. Its instance is an engine.Progress callback."""

    def __init__(self, stream=None, *, quiet: bool = False):
        """quiet: not even the final line unless on a terminal (machine-readable output, --json)."""
        self.stream = stream if stream is not None else sys.stderr
        self.terminal = self.stream.isatty()
        self.quiet = quiet and not self.terminal
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, what: str, share: float | None = None) -> None:
        self.shown = True
        if self.terminal:
            done = f" {share * 100:.0f}%" if share is not None else ""
            self.stream.write(f"\r\033[K{what}…{done}")
            self.stream.flush()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def done(self, line: str) -> None:
        if self.quiet:
            return
        self.stream.write(("\r\033[K" if self.terminal else "") + line + "\n")
        self.stream.flush()


def build_served(learned: list[dict], *, train: bool = True, quiet: bool = False):
    """The knowledge files plus what editors taught them (learned rows), and their matcher; training the
    model when it is not cached (train=False: a provisional matcher instead), with a status line then.
    Only the loader's errors refuse (the bot starts on a knowledge base a reload would refuse, as before)."""
    from bot.core.curation.serving import with_learned
    from bot.core.matching.engine import build_matcher

    kb = with_learned(load_kb(), learned)
    status = Status(quiet=quiet)
    matcher = build_matcher(kb, train=train, progress=lambda what, share: status(f"matcher model: {what}", share))
    if status.shown:
        status.done(f"matcher model trained for this knowledge base in {status.seconds:.1f} s")
    return kb, matcher


def learned_rows(db=None) -> tuple[list[dict], tuple]:
    """The learned phrasings and not-our-topic questions, and their generation; nothing when there is no
    database yet (a command that only reads does not create one)."""
    from bot.core.curation.serving import snapshot
    from bot.storage.db import data_dir

    if db is None:
        if not (data_dir() / "qogam.db").exists():
            return [], ()
        from bot.storage.db import open_db

        db = open_db()
    return snapshot(db)


def open_conversation(busy_ms: int | None = None, *, train: bool = True):
    """The conversation over the knowledge base as served (files plus learned phrasings). train=False:
    answer at once, with a provisional matcher if the model is not cached (the caller trains it)."""
    import gc

    from bot.core.dialogue.router import Conversation
    from bot.storage.db import CLI_BUSY_MS, open_db

    db = open_db(busy_ms=busy_ms or CLI_BUSY_MS)
    learned, generation = learned_rows(db)
    kb, matcher = build_served(learned, train=train)
    conversation = Conversation(kb, matcher, db, generation=generation)
    # The index lives as long as the process: keep the garbage collector from re-scanning it.
    gc.freeze()
    return conversation


def served(*, train: bool = False):
    """The database, and the knowledge base as the bot serves it: files plus what editors taught it. Editors'
    commands do not wait for a model that is not cached (train=False): they rank and check phrasings with
    the last good one, and the running bot trains the new one."""
    from bot.core.curation.serving import ReloadRefused, load_served
    from bot.core.knowledge.loader import KnowledgeError
    from bot.storage import learning
    from bot.storage.db import open_db

    db = open_db()
    status = Status()
    try:
        kb, matcher = load_served(learning.served(db), train=train,
                                  progress=lambda what, share: status(f"matcher model: {what}", share))
    except (ReloadRefused, KnowledgeError) as exc:
        raise click.ClickException(f"the knowledge base has errors (run `qogam kb check`):\n{exc}") from exc
    if status.shown:
        status.done(f"matcher model trained for this knowledge base in {status.seconds:.1f} s")
    return db, kb, matcher


def served_glossary():
    from bot.core.knowledge.glossary import load_glossary

    return load_glossary()[0]


def echo_cluster(cluster, when: str) -> None:
    langs = " · ".join(f"{lang} {n}" for lang, n in cluster.langs.items() if n)
    click.echo(f"#{cluster.id}  ×{cluster.size}  {langs}  {when}")
    for sample in cluster.samples():
        click.echo(f"    «{sample}»")

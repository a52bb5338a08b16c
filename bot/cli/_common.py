"""Helpers the command modules share (maubot's shape: commands import this module, never the group in
bot/cli/__init__.py). Each turns a problem into one line for the operator (click.ClickException), never a
traceback.
"""

from __future__ import annotations

import logging
import sys

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


def open_conversation(busy_ms: int | None = None):
    import gc

    from bot.core.dialogue.router import Conversation
    from bot.core.matching.engine import build_matcher
    from bot.storage.db import CLI_BUSY_MS, open_db

    kb = load_kb()
    conversation = Conversation(kb, build_matcher(kb), open_db(busy_ms=busy_ms or CLI_BUSY_MS))
    # The index lives as long as the process: keep the garbage collector from re-scanning it.
    gc.freeze()
    return conversation


def served():
    """The database, and the knowledge base as the bot serves it: files plus what editors taught it."""
    from bot.core.curation.serving import ReloadRefused, load_served
    from bot.core.knowledge.loader import KnowledgeError
    from bot.storage import learning
    from bot.storage.db import open_db

    db = open_db()
    try:
        kb, matcher = load_served(learning.served(db))
    except (ReloadRefused, KnowledgeError) as exc:
        raise click.ClickException(f"the knowledge base has errors (run `qogam kb check`):\n{exc}") from exc
    return db, kb, matcher


def served_glossary():
    from bot.core.knowledge.glossary import load_glossary

    return load_glossary()[0]


def echo_cluster(cluster, when: str) -> None:
    langs = " · ".join(f"{lang} {n}" for lang, n in cluster.langs.items() if n)
    click.echo(f"#{cluster.id}  ×{cluster.size}  {langs}  {when}")
    for sample in cluster.samples():
        click.echo(f"    «{sample}»")

"""The `qogam` command line: one click group here, and one module per command group beside it (serve: run,
chat; answers: ask, eval, eval-small-talk; kb; gaps; stats; areas: areas, subscribers, qr; roles: roles,
audit; hearings: hearings, broadcasts, broadcast; ops: backup, restore, doctor; web: the web console).
Helpers they share are in _common.py, which never imports this module.

Heavy imports stay inside the commands so that `qogam ask` starts fast.
"""

from __future__ import annotations

import click

from bot.cli import answers, areas, gaps, hearings, kb, ops, roles, serve, stats, web
from bot.cli._common import setup_logging


class _Group(click.Group):
    """Turns a storage problem (unwritable data directory, read-only database) into one line, exit 1."""

    def invoke(self, ctx: click.Context):
        from bot.storage.db import StorageError

        try:
            return super().invoke(ctx)
        except StorageError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log decisions and their numbers at debug level to stderr "
              "(never message text, names or ids).")
@click.option("--log-content", is_flag=True, help="For local debugging only: let the Telegram library log "
              "update payloads and requests (residents' text, names, ids) at debug level.")
@click.version_option(package_name="qogam")
@click.pass_context
def main(ctx: click.Context, verbose: bool, log_content: bool) -> None:
    """Qogam: answers about local government in Kazakhstan, in Kazakh, Russian and English."""
    setup_logging(verbose)
    ctx.obj = {"log_content": log_content}



for command in (serve.run, serve.chat, answers.ask, answers.evaluate, answers.evaluate_small_talk, kb.kb,
                gaps.gaps, stats.stats, areas.areas_command, areas.subscribers, areas.qr, roles.roles, roles.audit,
                hearings.hearings, hearings.broadcasts, hearings.broadcast, ops.backup, ops.restore, ops.doctor,
                web.web):
    main.add_command(command)

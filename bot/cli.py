"""The `qogam` command line: run (Telegram), chat, ask, eval, kb check|dump, areas, subscribers, roles,
audit, qr; hearings, broadcasts, broadcast show (in cli_hearings.py); gaps, kb learned|todo (in
cli_editors.py); stats (in cli_stats.py).

Heavy imports stay inside the commands so that `qogam ask` starts fast.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from bot.logs import FORMAT


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format=FORMAT,
        stream=sys.stderr,
    )


def _load_kb():
    from bot.core.knowledge import KnowledgeError, load_or_fail

    try:
        return load_or_fail()
    except KnowledgeError as exc:
        raise click.ClickException(f"the knowledge base has errors (run `qogam kb check`):\n{exc}") from exc


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
    _setup_logging(verbose)
    ctx.obj = {"log_content": log_content}


@main.command()
@click.option("--lang", type=click.Choice(["kk", "ru", "en"]), help="Reply in this language instead of the question's.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per question.")
@click.argument("question", nargs=-1, required=True)
def ask(lang: str | None, as_json: bool, question: tuple[str, ...]) -> None:
    """Answer QUESTION (or, with "-", every line of standard input). Never writes to the database."""
    from bot.core import policy
    from bot.core.matcher import Matcher

    kb = _load_kb()
    matcher = Matcher(kb)
    text = " ".join(question)
    questions = [line.rstrip("\n") for line in sys.stdin] if text == "-" else [text]
    for q in questions:
        result = matcher.match(q, hint=lang)
        query, candidates = result.query, result.candidates
        decision = policy.decide(result)
        status, entry, suggestions = policy.describe(decision)
        reply_lang = lang or query.detection.lang
        if as_json:
            print(json.dumps({
                "question": q, "lang": reply_lang, "status": status, "entry": entry,
                "score": candidates[0].score if candidates else 0.0, "suggestions": list(suggestions),
            }, ensure_ascii=False), flush=True)
        else:
            click.echo(_human_reply(kb, decision, reply_lang))


def _human_reply(kb, decision, lang: str) -> str:
    from bot.core import policy
    from bot.core.render import answer_text, no_match_text, suggestion_text
    from bot.i18n import translator

    t = translator(lang)
    if isinstance(decision, policy.Answer):
        return answer_text(kb.entries[decision.entry_id], t)
    if isinstance(decision, policy.Suggest):
        return suggestion_text(decision.entry_ids, kb, t)
    return no_match_text(t, logged=False)


def _conversation(busy_ms: int | None = None):
    from bot.core.conversation import Conversation
    from bot.core.matcher import Matcher
    from bot.storage.db import CLI_BUSY_MS, open_db

    import gc

    kb = _load_kb()
    conversation = Conversation(kb, Matcher(kb), open_db(busy_ms=busy_ms or CLI_BUSY_MS))
    # The index lives as long as the process: keep the garbage collector from re-scanning it.
    gc.freeze()
    return conversation


@main.command()
@click.option("--webhook-url", metavar="URL",
              help="Receive updates by webhook at this public HTTPS URL instead of long polling. Its path "
                   "is served on --listen/--port; requests must carry TELEGRAM_WEBHOOK_SECRET (made and "
                   "kept in the data directory when not set).")
@click.option("--listen", default="127.0.0.1", show_default=True, help="Webhook mode: address to listen on.")
@click.option("--port", default=8443, show_default=True, type=click.IntRange(1, 65535),
              help="Webhook mode: port to listen on.")
def run(webhook_url: str | None, listen: str, port: int) -> None:
    """Run the Telegram bot. Reads TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL and QOGAM_DATA_DIR
    (and TELEGRAM_WEBHOOK_SECRET in webhook mode). Stops cleanly on Ctrl-C or SIGTERM."""
    import os

    token = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    if not token.strip():
        raise click.ClickException("set TELEGRAM_BOT_TOKEN to the token @BotFather gave you "
                                   "(or use `qogam chat` to talk to the bot in the terminal)")
    if any(c.isspace() for c in token):
        # A token pasted with a newline or a space: Telegram would reject it, PTB with a traceback.
        raise click.ClickException("TELEGRAM_BOT_TOKEN contains whitespace (a newline or a space): "
                                   "set it to the token alone, as @BotFather shows it")
    if webhook_url and not webhook_url.startswith("https://"):
        raise click.ClickException("Telegram sends webhooks only to https:// URLs")
    from telegram.error import InvalidToken, NetworkError

    from bot.logs import configure_service_logging
    from bot.storage.db import SERVICE_BUSY_MS, data_dir
    from bot.telegram.app import StartupError, check_api_base_url
    from bot.telegram.app import run as run_bot
    from bot.telegram.webhook import webhook_secret

    _check_broadcast_settings()
    api_base_url = os.environ.get("TELEGRAM_API_BASE_URL") or None
    try:
        check_api_base_url(api_base_url)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from exc
    configure_service_logging(token, log_content=click.get_current_context().obj["log_content"])
    conversation = _conversation(busy_ms=SERVICE_BUSY_MS)
    secret = None
    if webhook_url:
        # Never an open webhook: without TELEGRAM_WEBHOOK_SECRET a random one is made and registered.
        try:
            secret = webhook_secret(os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None, data_dir())
        except (ValueError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc

    try:
        run_bot(conversation, token, api_base_url=api_base_url, webhook_url=webhook_url, listen=listen,
                port=port, secret_token=secret)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from exc
    except InvalidToken as exc:
        raise click.ClickException("Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather") from exc
    except NetworkError as exc:
        raise click.ClickException(f"cannot reach the Telegram Bot API: {type(exc).__name__}") from exc
    except OSError as exc:  # the webhook's port taken, an address not ours
        raise click.ClickException(f"cannot listen on {listen}:{port}: {exc.strerror}") from exc


def _check_broadcast_settings() -> None:
    """QOGAM_QUIET_HOURS, QOGAM_REMINDERS and the pacing variables, read once so a typo is one clear line."""
    from bot.core.announcing import reminder_offsets
    from bot.core.delivery import Settings
    from bot.storage.retention import retention_days

    try:
        Settings.from_env()
        reminder_offsets()
        retention_days()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
def chat() -> None:
    """Talk to the bot in the terminal (the same conversation as in Telegram). Ctrl-D quits."""
    from bot.console.repl import ConsoleChat

    ConsoleChat(_conversation()).run(sys.stdin)


@main.group()
def kb() -> None:
    """Check or dump the knowledge base in knowledge/ (QOGAM_KNOWLEDGE_DIR overrides)."""


@kb.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def kb_check(strict: bool) -> None:
    """Validate every entry; exit 1 on errors. Prints file and entry id for each problem."""
    from bot.core.checks import check

    knowledge, problems = check()
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{len(knowledge.entries)} entries, {errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        sys.exit(1)


@kb.command("dump")
def kb_dump() -> None:
    """Print the loaded knowledge base as JSON."""
    knowledge = _load_kb()
    entries = [
        {
            "id": e.id,
            "category": e.category,
            "answers": {lang: text.answer for lang, text in e.texts.items()},
            "questions": {lang: list(text.questions) for lang, text in e.texts.items()},
            "sources": [{"title": s.title, "titles": {lang: s.title_in(lang) for lang in e.texts}, "url": s.url}
                        for s in e.sources],
            "titles": {lang: text.title for lang, text in e.texts.items()},
            "reviewed": e.reviewed.isoformat(),
            "law_as_of": e.law_as_of.isoformat(),
            "review_note": e.review_note,
            "editor_note": e.editor_note,
        }
        for e in knowledge.entries.values()
    ]
    categories = [{"id": c.id, "names": c.names} for c in knowledge.categories.values()]
    click.echo(json.dumps({"entries": entries, "categories": categories}, ensure_ascii=False, indent=2))


@main.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--errors", "show_errors", is_flag=True, help="List the questions that went wrong.")
@click.option("--split", type=click.Choice(["tune", "report"]),
              help="Only the questions of this split (the file's fifth column); all by default.")
@click.option("--sweep", is_flag=True, help="Also print accuracy and wrong answers for other answer cut points, "
              "and what \"did you mean\" would reach for other suggestion cut points.")
def evaluate(file: Path, as_json: bool, show_errors: bool, split: str | None, sweep: bool) -> None:
    """Measure the matcher on a labelled TSV (expected id or "-", language, question, [kind, [split, [also]]]),
    beside a plain TF-IDF character n-gram baseline at the same wrong-answer rate."""
    from bot.core import evaluation
    from bot.core.matcher import Matcher

    try:
        cases = evaluation.read_cases(file)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if split:
        cases = [c for c in cases if c.split == split]
        if not cases:
            raise click.ClickException(f"no questions in split {split!r} (the fifth column)")
    kb = _load_kb()
    outcomes = evaluation.run(Matcher(kb), cases)
    summary = evaluation.summarize(outcomes)
    summary["baseline"] = evaluation.baseline(kb, cases, summary["false_answer_rate"] or 0.0)
    if sweep:
        cuts = [round(0.05 * i, 2) for i in range(1, 20)]
        summary["sweep"] = evaluation.sweep(outcomes, cuts)
        summary["suggestion_sweep"] = evaluation.suggestion_sweep(outcomes, cuts)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(_format_summary(summary))
    if show_errors:
        for o in evaluation.errors(outcomes):
            got = o.entry or ",".join(o.suggestions) or "-"
            expected = "|".join((o.case.expected, *o.case.also))
            click.echo(f"  {expected:<24} {o.status:<10} {got:<40} [{o.case.lang}→{o.detected}] {o.case.question}")


def _format_summary(s: dict) -> str:
    def pct(x):
        return "n/a" if x is None else f"{x * 100:.1f}%"

    lines = [
        f"questions {s['questions']} (in scope {s['in_scope']}, out of scope {s['out_of_scope']})",
        f"accuracy@1               {pct(s['accuracy_at_1'])}",
        f"false answers            {pct(s['false_answer_rate'])}",
        f"suggestion recall        {pct(s['suggestion_recall'])}",
        f"answered or suggested    {pct(s['found_in_answer_or_suggestions'])}",
        f"out-of-scope abstention  {pct(s['out_of_scope_abstention'])}",
        f"language detection       {pct(s['language_accuracy'])}",
        f"latency p50 / p99        {s['latency_ms']['p50']} / {s['latency_ms']['p99']} ms",
        "by language:",
    ]
    for lang, f in s["by_language"].items():
        lines.append(f"  {lang}: {f['questions']} questions, accuracy@1 {pct(f['accuracy_at_1'])}, "
                     f"false answers {pct(f['false_answer_rate'])}, language {pct(f['language_accuracy'])}")
    lines.append("by kind:")
    for kind, f in s["by_kind"].items():
        lines.append(f"  {kind}: {f['questions']} questions, accuracy@1 {pct(f['accuracy_at_1'])}, "
                     f"false answers {pct(f['false_answer_rate'])}")
    lines.append(f"right entry ranked first  {pct(s['top_1'])}")
    b = s["baseline"]
    lines.append(f"baseline (TF-IDF char 2-5-grams) at the same wrong-answer rate: accuracy@1 "
                 f"{pct(b['accuracy_at_1'])}, false answers {pct(b['false_answer_rate'])}, ranked first "
                 f"{pct(b['top_1'])}")
    for row in s.get("sweep", []):
        lines.append(f"  cut {row['cut']:.2f}: accuracy@1 {pct(row['accuracy_at_1'])}, "
                     f"false answers {pct(row['false_answer_rate'])}")
    for row in s.get("suggestion_sweep", []):
        lines.append(f"  suggestion cut {row['cut']:.2f}: offered to {row['out_of_scope_offered']} of "
                     f"{row['out_of_scope']} out-of-scope questions not answered; entry offered for "
                     f"{row['found']} of {row['in_scope']} in-scope ones")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    main()


# ---- areas, subscriptions, roles, audit, QR codes -----------------------------------------------------------
def _load_areas():
    from bot.core.areas import load_areas_or_fail
    from bot.core.knowledge import KnowledgeError

    try:
        return load_areas_or_fail()
    except KnowledgeError as exc:
        raise click.ClickException(f"knowledge/areas.toml has errors (run `qogam kb check`):\n{exc}") from exc


def _area_code(areas, code: str) -> str:
    if code not in areas:
        raise click.ClickException(f"unknown area {code!r}; `qogam areas` lists the codes")
    return code


@main.command("areas")
@click.option("--json", "as_json", is_flag=True, help='Print {"areas": [{"code", "parent", "kind", "iso", "names"}]}.')
def areas_command(as_json: bool) -> None:
    """List the areas residents can follow (knowledge/areas.toml), as a tree."""
    areas = _load_areas()
    if as_json:
        rows = [{"code": a.code, "parent": a.parent, "kind": a.kind, "iso": a.iso, "names": a.names}
                for a in areas.by_code.values()]
        click.echo(json.dumps({"areas": rows}, ensure_ascii=False, indent=2))
        return

    def show(code: str, depth: int) -> None:
        area = areas.get(code)
        iso = f"  {area.iso}" if area.iso else ""
        click.echo(f"{'  ' * depth}{area.code}  {area.names['en']} / {area.names['kk']}  ({area.kind}){iso}")
        for child in areas.children(code, "en"):
            show(child.code, depth + 1)

    for root in areas.children(None):
        show(root.code, 0)


@main.command()
@click.argument("code")
@click.option("--tree", is_flag=True, help="Count the subscribers of the areas under CODE too (each person once).")
@click.option("--json", "as_json", is_flag=True, help='Print {"area", "active", "stopped"}.')
def subscribers(code: str, tree: bool, as_json: bool) -> None:
    """How many residents follow area CODE: active ones, and stopped ones (they blocked the bot)."""
    from bot.storage import subscriptions
    from bot.storage.db import open_db

    areas = _load_areas()
    code = _area_code(areas, code)
    counts = subscriptions.count(open_db(), areas.descendants(code) if tree else [code])
    if as_json:
        click.echo(json.dumps({"area": code, **counts}))
    else:
        click.echo(f"{code}{' and the areas under it' if tree else ''}: {counts['active']} active, "
                   f"{counts['stopped']} stopped")


@main.group()
def roles() -> None:
    """Grant, revoke and list staff roles (editor, broadcaster). USER is tg:<Telegram user id>."""


def _actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def _role_change(action, user: str, role: str, area: str | None) -> None:
    from bot.core import roles as core_roles
    from bot.storage.db import open_db

    areas = _load_areas()
    try:
        key = core_roles.parse_user(user)
        if area is not None:
            _area_code(areas, area)
        changed = action(open_db(), areas, key, role, area)
    except core_roles.RoleError as exc:
        raise click.ClickException(str(exc)) from exc
    return key, changed


@roles.command("grant")
@click.argument("user")
@click.argument("role", type=click.Choice(["editor", "broadcaster"]))
@click.option("--area", metavar="CODE", help="The area the role covers, with the areas under it "
                                             "(required for broadcaster; none = all areas for an editor).")
def roles_grant(user: str, role: str, area: str | None) -> None:
    """Give USER a ROLE (audited)."""
    from bot.core import roles as core_roles

    key, changed = _role_change(lambda db, areas, k, r, a: core_roles.grant(db, areas, k, r, a, by=_actor()),
                                user, role, area)
    click.echo(f"granted: {key} {role} {area or 'all areas'}" if changed else f"{key} already has {role} {area or ''}")


@roles.command("revoke")
@click.argument("user")
@click.argument("role", type=click.Choice(["editor", "broadcaster"]))
@click.option("--area", metavar="CODE", help="The area of the role to revoke (as it was granted).")
def roles_revoke(user: str, role: str, area: str | None) -> None:
    """Take ROLE away from USER (audited)."""
    from bot.core import roles as core_roles

    key, changed = _role_change(lambda db, areas, k, r, a: core_roles.revoke(db, k, r, a, by=_actor()),
                                user, role, area)
    if not changed:
        raise click.ClickException(f"{key} has no {role} role{' for ' + area if area else ''}")
    click.echo(f"revoked: {key} {role} {area or ''}".rstrip())


@roles.command("list")
@click.option("--json", "as_json", is_flag=True, help='Print [{"user", "role", "area", "granted_at", "granted_by"}].')
def roles_list(as_json: bool) -> None:
    """Everyone who holds a role. Admins come from QOGAM_ADMIN_IDS and are not listed."""
    from bot.storage import roles as stored
    from bot.storage.db import open_db

    rows = stored.all_roles(open_db())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['user']}\t{r['role']}\t{r['area'] or 'all areas'}\t{r['granted_at']}\t{r['granted_by']}")
    if not rows:
        click.echo("nobody holds a role")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, newest first.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1000000), help="How many entries.")
def audit(as_json: bool, limit: int) -> None:
    """The append-only log of privileged actions: grants, revokes and later staff actions."""
    from bot.storage import audit as audit_log
    from bot.storage.db import open_db

    rows = audit_log.entries(open_db(), limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        detail = " ".join(f"{k}={v}" for k, v in r["detail"].items())
        click.echo(f"{r['at']}\t{r['actor']}\t{r['action']}\t{r['target'] or '-'}\t{detail}")


@main.group()
def qr() -> None:
    """Write a PNG QR code of a deep link, for posters and leaflets."""


def _bot_username(given: str | None) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME, else asked from Telegram (getMe) with the bot's token."""
    import os

    name = (given or os.environ.get("TELEGRAM_BOT_USERNAME") or "").lstrip("@").strip()
    if name:
        return name
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise click.ClickException("name the bot with --bot-username (offline), or set TELEGRAM_BOT_TOKEN so "
                                   "its username can be asked from Telegram")
    import httpx  # python-telegram-bot's own HTTP client

    base = (os.environ.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org").rstrip("/")
    try:
        answer = httpx.get(f"{base}/bot{token}/getMe", timeout=10).json()
    except (httpx.HTTPError, ValueError) as exc:
        raise click.ClickException(f"cannot ask Telegram for the bot's username ({type(exc).__name__}); "
                                   "use --bot-username") from exc
    if not answer.get("ok"):
        raise click.ClickException("Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather")
    return answer["result"]["username"]


def _write_qr(link: str, out: Path) -> None:
    import segno

    # Error correction "Q" survives a quarter of the code smudged or covered, as posters often are;
    # scale 10 gives about 4 cm at 300 dpi for a link of this length, readable from a metre away.
    segno.make(link, error="q", micro=False).save(str(out), kind="png", scale=10, border=4)
    click.echo(f"{out}: {link}")


_BOT_OPTION = click.option("--bot-username", "--bot", "bot", metavar="USERNAME",
                           help="The bot's username, offline (default: TELEGRAM_BOT_USERNAME, else getMe with "
                                "TELEGRAM_BOT_TOKEN).")
_OUT_OPTION = click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
                           help="The PNG file to write.")


@qr.command("sub")
@click.argument("code")
@_OUT_OPTION
@_BOT_OPTION
def qr_sub(code: str, out: Path, bot: str | None) -> None:
    """QR code of t.me/<bot>?start=sub-<code>: scanning it offers that area's subscription."""
    from bot.core.dialogue.base import deep_link_payload
    from bot.core.dialogue.subscriptions import DEEP_LINK_PREFIX

    code = _area_code(_load_areas(), code)
    _write_qr(f"https://t.me/{_bot_username(bot)}?start={DEEP_LINK_PREFIX}{deep_link_payload(code)}", out)


@qr.command("entry")
@click.argument("entry_id")
@_OUT_OPTION
@_BOT_OPTION
def qr_entry(entry_id: str, out: Path, bot: str | None) -> None:
    """QR code of t.me/<bot>?start=<entry>: scanning it opens that answer."""
    from bot.core.dialogue.base import deep_link_payload

    if entry_id not in _load_kb().entries:
        raise click.ClickException(f"unknown entry {entry_id!r}; `qogam kb dump` lists them")
    _write_qr(f"https://t.me/{_bot_username(bot)}?start={deep_link_payload(entry_id)}", out)


def _register_commands() -> None:
    from bot.cli_editors import gaps, kb_learned, kb_todo
    from bot.cli_hearings import broadcast, broadcasts, hearings
    from bot.cli_stats import stats

    for command in (hearings, broadcasts, broadcast, gaps, stats):
        main.add_command(command)
    kb.add_command(kb_learned)
    kb.add_command(kb_todo)


_register_commands()


"""The command line as users and acceptance checks call it (the contract in README)."""

import json
import os
import pty
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.conftest import DEV_SET, REPO


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("QOGAM_DATA_DIR", str(tmp_path / "data"))
    return {**os.environ, "QOGAM_DATA_DIR": str(tmp_path / "data")}


# A command that meets a knowledge base no cached model fits (a learned phrasing or not-our-topic question)
# trains one: about 20 s on a quiet 2-core machine, and it took over 60 s on one shared with other test
# suites (load average 10), which failed test_resolve_as_not_our_topic_then_kb_learned on a timeout.
TIMEOUT = 300


def qogam(*args, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=TIMEOUT, check=False)


def test_ask_json_contract(env):
    out = qogam("ask", "--json", "Что такое маслихат?", env=env)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) == {"question", "lang", "status", "entry", "score", "suggestions"}
    assert obj == {**obj, "question": "Что такое маслихат?", "lang": "ru", "status": "answered",
                   "entry": "maslikhat.role", "suggestions": []}
    assert isinstance(obj["score"], float)


def test_ask_reads_questions_from_stdin_in_order_and_never_writes(env, tmp_path):
    questions = "Мәслихат не істейді?\nКакой курс евро сегодня?\nWho approves the village budget?\n"
    out = qogam("ask", "--json", "-", stdin=questions, env=env)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions.splitlines()
    assert [r["lang"] for r in rows] == ["kk", "ru", "en"]
    assert rows[1]["status"] == "unanswered" and rows[1]["entry"] is None
    assert not (tmp_path / "data").exists()


def test_ask_prints_a_readable_reply_in_the_chosen_language(env):
    out = qogam("ask", "--lang", "en", "Мәслихат не істейді?", env=env)
    assert out.returncode == 0 and "Sources:" in out.stdout and "{" not in out.stdout.splitlines()[0]


def test_piped_chat_answers_and_logs_gaps(env):
    stdin = "Что такое маслихат?\nКакой курс евро сегодня?\nРасскажи анекдот про акима\nрахмет\n"
    out = qogam("chat", stdin=stdin, env=env)
    assert out.returncode == 0, out.stderr
    assert "Маслихат" in out.stdout and "[1] Подробнее   [2] 👍" in out.stdout
    assert "Национальный банк" in out.stdout  # the exchange rate: where to ask, not a gap
    gaps = json.loads(qogam("gaps", "--json", env=env).stdout)
    assert [g["question"] for g in gaps] == ["Расскажи анекдот про акима"]  # "рахмет" is not a question


def test_chat_numbers_press_buttons(env):
    out = qogam("chat", stdin="/language\n3\n", env=env)
    assert "Language saved: English" in out.stdout


def test_gaps_limit_and_empty(env):
    runner = CliRunner()
    assert "No gaps logged." in runner.invoke(main, ["gaps"]).output
    qogam("chat", stdin="расскажи анекдот\nкогда основали Астану\nрецепт плова\n", env=env)
    rows = json.loads(runner.invoke(main, ["gaps", "--json", "--limit", "2"]).output)
    assert [r["question"] for r in rows] == ["рецепт плова", "когда основали Астану"]


def test_kb_dump_contract():
    out = CliRunner().invoke(main, ["kb", "dump"])
    data = json.loads(out.output)
    first = data["entries"][0]
    assert {"id", "category", "answers", "questions", "sources"} <= set(first)
    assert set(first["answers"]) == {"kk", "ru", "en"} and isinstance(first["questions"]["ru"], list)


def test_kb_check_exits_1_on_errors(tmp_path, monkeypatch):
    (tmp_path / "categories.toml").write_text("", encoding="utf-8")
    (tmp_path / "x.toml").write_text('id = "x"\n', encoding="utf-8")
    monkeypatch.setenv("QOGAM_KNOWLEDGE_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["kb", "check"])
    assert result.exit_code == 1 and "x.toml" in result.output


def test_eval_json_reports_every_figure():
    out = CliRunner().invoke(main, ["eval", str(DEV_SET), "--json"])
    summary = json.loads(out.output)
    for key in ("accuracy_at_1", "false_answer_rate", "suggestion_recall", "out_of_scope_abstention",
                "language_accuracy", "latency_ms", "by_language"):
        assert key in summary
    assert set(summary["by_language"]) == {"kk", "ru", "en"}


def test_eval_rejects_a_malformed_file(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("only one column\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(bad)])
    assert result.exit_code != 0 and "3 tab-separated columns" in result.output


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help_and_is_documented_in_the_readme():
    from tests.conftest import REPO

    text = (REPO / "README.md").read_text(encoding="utf-8")
    for path, command in all_commands(main):
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0 and command.help, path
        assert f"qogam {' '.join(path)}" in text, f"README does not mention `qogam {' '.join(path)}`"


def test_areas_json_contract():
    out = qogam("areas", "--json")
    rows = json.loads(out.stdout)["areas"]
    assert all(set(r) == {"code", "parent", "kind", "iso", "names"} for r in rows)
    by_code = {r["code"]: r for r in rows}
    assert by_code["kz"]["parent"] is None and by_code["akt.khromtau"]["iso"] is None
    assert by_code["akt"] == {"code": "akt", "parent": "kz", "kind": "region", "iso": "KZ-15",
                              "names": {"kk": "Ақтөбе облысы", "ru": "Актюбинская область", "en": "Aktobe Region"}}


def test_subscribers_counts_active_and_stopped_with_and_without_the_tree(env):
    from bot.storage import subscriptions
    from bot.storage.db import open_db

    db = open_db()
    for n, (code, scope) in enumerate([("akt", "tree"), ("akt.khromtau", "tree"), ("akt.khromtau", "tree"),
                                       ("ast", "tree"), ("akt", "area"), ("kz", "area"), ("kz", "tree")]):
        subscriptions.subscribe(db, f"tg:{n}", "telegram", code, scope)
    subscriptions.mark_stopped(db, "tg:2")
    flat = json.loads(qogam("subscribers", "akt", "--json", env=env).stdout)
    tree = json.loads(qogam("subscribers", "akt", "--tree", "--json", env=env).stdout)
    # akt's followers either way; an announcement for akt also reaches whoever follows all of Kazakhstan.
    assert flat == {"area": "akt", "active": 2, "stopped": 0, "reach": 3}
    assert tree == {"area": "akt", "active": 3, "stopped": 1, "reach": 4}
    district = json.loads(qogam("subscribers", "akt.khromtau", "--json", env=env).stdout)
    # A district's hearing: its follower, akt's 'tree' follower and the whole country's; not akt's or kz's own.
    assert district == {"area": "akt.khromtau", "active": 1, "stopped": 1, "reach": 3}
    assert "reaches 3" in qogam("subscribers", "akt.khromtau", env=env).stdout
    assert qogam("subscribers", "atlantis", env=env).returncode != 0


def test_roles_grant_revoke_list_and_audit(env):
    assert qogam("roles", "grant", "tg:42", "broadcaster", "--area", "akt", env=env).returncode == 0
    assert qogam("roles", "grant", "43", "editor", env=env).returncode == 0
    refused = qogam("roles", "grant", "tg:44", "broadcaster", env=env)
    assert refused.returncode != 0 and "needs an area" in refused.stderr
    assert qogam("roles", "grant", "tg:44", "broadcaster", "--area", "atlantis", env=env).returncode != 0
    rows = json.loads(qogam("roles", "list", "--json", env=env).stdout)
    assert ([(r["user"], r["role"], r["area"]) for r in rows]
            == [("tg:42", "broadcaster", "akt"), ("tg:43", "editor", None)])
    assert all(set(r) == {"user", "role", "area", "granted_at", "granted_by"} for r in rows)
    assert qogam("roles", "revoke", "tg:42", "broadcaster", "--area", "akt", env=env).returncode == 0
    assert qogam("roles", "revoke", "tg:42", "broadcaster", "--area", "akt", env=env).returncode != 0
    log = json.loads(qogam("audit", "--json", env=env).stdout)
    assert [e["action"] for e in log] == ["role.revoke", "role.grant", "role.grant"]


@pytest.mark.parametrize("args, link", [
    (["sub", "akt.khromtau"], "https://t.me/QogamTestBot?start=sub-akt-khromtau"),
    (["entry", "petitions"], "https://t.me/QogamTestBot?start=petitions"),
])
def test_qr_codes_decode_to_the_deep_link(env, tmp_path, args, link):
    import zxingcpp
    from PIL import Image

    out = tmp_path / "code.png"
    result = qogam("qr", *args, "--out", str(out), "--bot-username", "QogamTestBot", env=env)
    assert result.returncode == 0, result.stderr
    assert [code.text for code in zxingcpp.read_barcodes(Image.open(out))] == [link]


def test_qr_never_writes_through_a_symbolic_link(env, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")
    link = tmp_path / "poster.png"
    link.symlink_to(victim)
    result = qogam("qr", "sub", "akt", "--out", str(link), "--bot-username", "QogamTestBot", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [(f"Error: {link} is a symbolic link: refusing to write through "
                                                  "it; give the path of a new or regular file")]
    assert victim.read_text() == "someone else's file" and link.is_symlink()
    dangling = tmp_path / "dangling.png"
    dangling.symlink_to(tmp_path / "made-by-the-link.png")
    result = qogam("qr", "sub", "akt", "--out", str(dangling), "--bot-username", "QogamTestBot", env=env)
    assert result.returncode == 1 and not (tmp_path / "made-by-the-link.png").exists()


def test_qr_into_a_missing_directory_is_one_line(env, tmp_path):
    out = tmp_path / "no" / "such" / "poster.png"
    result = qogam("qr", "sub", "akt", "--out", str(out), "--bot-username", "QogamTestBot", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [(f"Error: cannot write {out}: the directory {out.parent} does "
                                                  "not exist")]


@pytest.mark.parametrize("name", ["qogam", "qogam-bot", "1qogam_bot", "_qogam_bot", "bot", "qogam bot",
                                  "q" * 30 + "bot", "qogam_bot/../x", "qоgam_bot"])
def test_qr_refuses_a_username_telegram_would_not_give_a_bot(env, tmp_path, name):
    out = tmp_path / "poster.png"
    for args, where in ((["--bot-username", name], "--bot-username"), ([], "TELEGRAM_BOT_USERNAME")):
        result = qogam("qr", "sub", "akt", "--out", str(out), *args, env={**env, "TELEGRAM_BOT_USERNAME": name})
        assert result.returncode == 1 and "Traceback" not in result.stderr and not out.exists()
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(f"Error: {where}: {name!r} is not a bot's username")


@pytest.mark.parametrize("name", ["@QogamTestBot", "qogam_bot", "abbot", "Q" * 29 + "Bot"])
def test_qr_takes_every_username_telegram_gives_a_bot(env, tmp_path, name):
    result = qogam("qr", "sub", "akt", "--out", str(tmp_path / "poster.png"), "--bot-username", name, env=env)
    assert result.returncode == 0, result.stderr


def test_qr_with_a_malformed_base_url_is_one_line_without_credentials(env, tmp_path):
    env = {**env, "TELEGRAM_BOT_TOKEN": "999000:TEST-token", "TELEGRAM_API_BASE_URL": "http://qogam:pa55word@[::1"}
    env.pop("TELEGRAM_BOT_USERNAME", None)
    result = qogam("qr", "sub", "akt", "--out", str(tmp_path / "x.png"), env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "TELEGRAM_API_BASE_URL" in line and "pa55word" not in line and "<credentials>" in line


def test_qr_refuses_an_unknown_area(env, tmp_path):
    result = qogam("qr", "sub", "atlantis", "--out", str(tmp_path / "x.png"), "--bot", "b", env=env)
    assert result.returncode != 0 and "unknown area" in result.stderr


def test_qr_asks_telegram_for_the_username_when_not_given(env, tmp_path):
    import zxingcpp
    from PIL import Image

    from tests.telegram.fakes import BOT, TOKEN, FakeBotAPI, FakeBotAPIServer

    out = tmp_path / "code.png"
    with FakeBotAPIServer(FakeBotAPI()) as server:
        env = {**env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url,
               "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
        env.pop("TELEGRAM_BOT_USERNAME", None)
        result = qogam("qr", "sub", "akt", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert [c.text for c in zxingcpp.read_barcodes(Image.open(out))] == [
        f"https://t.me/{BOT['username']}?start=sub-akt"]


def test_qr_without_a_username_or_token_says_what_to_do(env, tmp_path):
    env = {k: v for k, v in env.items() if k not in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME")}
    result = qogam("qr", "sub", "akt", "--out", str(tmp_path / "x.png"), env=env)
    assert result.returncode != 0 and "--bot-username" in result.stderr and "Traceback" not in result.stderr


def small_knowledge(tmp_path):
    """The maslikhat entries alone, with the files every knowledge base has: trains in a second or two."""
    target = tmp_path / "knowledge"
    target.mkdir()
    for name in ("categories.toml", "areas.toml", "glossary.toml", "out_of_scope.toml"):
        shutil.copy(REPO / "knowledge" / name, target / name)
    shutil.copytree(REPO / "knowledge" / "maslikhat", target / "maslikhat")
    return target


def test_training_shows_a_status_line_on_a_terminal_and_only_a_final_line_in_a_pipe(tmp_path):
    """A command that trains the model (here `qogam ask` with no cached model) says what it does on stderr:
    a line that updates in place on a terminal (a pty here), one final line when stderr is a pipe."""
    base = {**os.environ, "QOGAM_DATA_DIR": str(tmp_path / "data"),
            "QOGAM_KNOWLEDGE_DIR": str(small_knowledge(tmp_path))}
    question = "Что такое маслихат?"

    master, slave = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "bot", "ask", question], stdout=subprocess.PIPE,
                              stderr=slave, env={**base, "QOGAM_MODEL_CACHE": str(tmp_path / "models-1")},
                              timeout=120, check=False)
    finally:
        os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child's end is closed and everything was read
            break
        if not chunk:
            break
        terminal += chunk
    os.close(master)
    terminal_text = terminal.decode("utf-8", "replace")
    assert done.returncode == 0
    assert "\r\x1b[Kmatcher model: " in terminal_text and "%" in terminal_text
    assert "matcher model trained for this knowledge base in" in terminal_text

    piped = qogam("ask", question, env={**base, "QOGAM_MODEL_CACHE": str(tmp_path / "models-2")})
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.splitlines() == [next(line for line in piped.stderr.splitlines()
                                              if line.startswith("matcher model trained for this knowledge base in"))]
    assert "\r" not in piped.stderr
    # With the model cached, nothing is said at all.
    again = qogam("ask", question, env={**base, "QOGAM_MODEL_CACHE": str(tmp_path / "models-2")})
    assert again.returncode == 0 and again.stderr == ""

"""The command line as users and acceptance checks call it (the contract in README)."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.conftest import DEV_SET


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("QOGAM_DATA_DIR", str(tmp_path / "data"))
    return {**os.environ, "QOGAM_DATA_DIR": str(tmp_path / "data")}


def qogam(*args, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=60)


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
    out = qogam("chat", stdin="Что такое маслихат?\nКакой курс евро сегодня?\n", env=env)
    assert out.returncode == 0, out.stderr
    assert "Маслихат" in out.stdout and "[1] 👍" in out.stdout
    gaps = json.loads(qogam("gaps", "--json", env=env).stdout)
    assert [g["question"] for g in gaps] == ["Какой курс евро сегодня?"]


def test_chat_numbers_press_buttons(env):
    out = qogam("chat", stdin="/language\n3\n", env=env)
    assert "Language saved: English" in out.stdout


def test_gaps_limit_and_empty(env):
    runner = CliRunner()
    assert "No gaps logged." in runner.invoke(main, ["gaps"]).output
    qogam("chat", stdin="курс евро\nпогода завтра\nрецепт плова\n", env=env)
    rows = json.loads(runner.invoke(main, ["gaps", "--json", "--limit", "2"]).output)
    assert [r["question"] for r in rows] == ["рецепт плова", "погода завтра"]


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


@pytest.mark.skipif(not DEV_SET.exists(), reason="shared/eval not beside the repository")
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

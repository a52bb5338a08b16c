"""The editors' command line as acceptance checks call it: gaps --clusters, gaps resolve, kb learned,
kb todo (the contract in README)."""

import json

import pytest

from tests.test_cli import env, qogam  # noqa: F401 - the fixture

# Near no out-of-scope topic (the flat list's jokes and recipes), so they stay gaps for editors: the exchange
# rate now gets its topic's referral instead.
JOKES = "расскажи мне какой-нибудь анекдот про акима\nрасскажи мне смешной анекдот про нашего акима\nрецепт плова\n"


@pytest.fixture
def asked(env):  # noqa: F811
    out = qogam("chat", stdin=JOKES, env=env)
    assert out.returncode == 0, out.stderr
    return env


def clusters(env):  # noqa: F811
    out = qogam("gaps", "--clusters", "--json", env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["clusters"]


def test_gaps_clusters_json_contract(asked):
    found = clusters(asked)
    assert all(set(c) == {"id", "size", "questions", "langs", "first", "last", "samples", "candidates"}
               for c in found)
    by_size = sorted(found, key=lambda c: -c["questions"])
    # One resident (the terminal's) asked all three: sizes and languages count residents, "questions" rows.
    assert by_size[0]["size"] == 1 and by_size[0]["questions"] == 2
    assert by_size[0]["langs"] == {"kk": 0, "ru": 1, "en": 0}
    assert set(by_size[0]["samples"]) == {"расскажи мне какой-нибудь анекдот про акима",
                                          "расскажи мне смешной анекдот про нашего акима"}
    assert sum(c["questions"] for c in found) == 3 and sum(c["size"] for c in found) == 2
    text = qogam("gaps", "--clusters", env=asked).stdout
    assert f"#{by_size[0]['id']}" in text and "qogam gaps resolve" in text


def test_resolve_ignore_and_new_entry_then_kb_todo(asked):
    jokes, pilaf = sorted(clusters(asked), key=lambda c: -c["questions"])
    out = qogam("gaps", "resolve", str(jokes["id"]), "--ignore", "--json", env=asked)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["closed"] == 2
    assert qogam("gaps", "resolve", str(pilaf["id"]), "--new-entry", env=asked).returncode == 0
    assert clusters(asked) == []
    todo = json.loads(qogam("kb", "todo", "--json", env=asked).stdout)["todo"]
    assert [c["samples"] for c in todo] == [["рецепт плова"]]
    audit = json.loads(qogam("audit", "--json", env=asked).stdout)
    assert [a["action"] for a in audit[:2]] == ["gaps_new_entry", "gaps_ignore"]
    # Asked again, the ignored question is not shown to editors again.
    qogam("chat", stdin="есть у тебя анекдот про акима?\n", env=asked)
    assert clusters(asked) == []


def test_resolve_as_a_phrasing_then_kb_learned(asked):
    jokes = max(clusters(asked), key=lambda c: c["questions"])
    out = qogam("gaps", "resolve", str(jokes["id"]), "--phrasing-of", "budget.village.revenue", "--json",
                env=asked)
    result = json.loads(out.stdout)
    assert result["action"] == "phrasing" and (result["added"] or result["refused"])
    learned = json.loads(qogam("kb", "learned", "--json", env=asked).stdout)["phrasings"]
    assert [(p["entry_id"], p["lang"]) for p in learned] == [("budget.village.revenue", a["lang"])
                                                              for a in result["added"]]


def test_resolve_as_not_our_topic_then_kb_learned(asked):
    jokes = max(clusters(asked), key=lambda c: c["questions"])
    out = qogam("gaps", "resolve", str(jokes["id"]), "--not-our-topic", "--json", env=asked)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["action"] == "not_our_topic" and result["closed"] == 2 and result["added"]
    listed = json.loads(qogam("kb", "learned", "--json", env=asked).stdout)["not_our_topic"]
    assert [(r["lang"], r["text"]) for r in listed] == [(a["lang"], a["text"]) for a in result["added"]]
    assert "not our topic  [ru]" in qogam("kb", "learned", env=asked).stdout
    assert json.loads(qogam("audit", "--json", env=asked).stdout)[0]["action"] == "gaps_not_our_topic"
    assert all(c["id"] != jokes["id"] for c in clusters(asked))


@pytest.mark.parametrize("args, says", [
    (["gaps", "resolve", "1"], "choose one"),
    (["gaps", "resolve", "1", "--ignore", "--new-entry"], "choose one"),
    (["gaps", "resolve", "1", "--ignore", "--not-our-topic"], "choose one"),
    (["gaps", "resolve", "999", "--ignore"], "no open cluster 999"),
    (["gaps", "resolve", "1", "--phrasing-of", "no.such.entry"], "unknown entry"),
    (["gaps", "resolve", "abc", "--ignore"], "is not a valid integer"),
])
def test_resolve_mistakes_are_one_clear_line(asked, args, says):
    out = qogam(*args, env=asked)
    assert out.returncode != 0 and says in out.stderr and "Traceback" not in out.stderr


def test_kb_learned_and_todo_on_a_fresh_data_directory(env):  # noqa: F811
    assert json.loads(qogam("kb", "learned", "--json", env=env).stdout) == {"phrasings": []}
    assert qogam("kb", "learned", env=env).stdout.strip() == "No learned phrasings."
    assert json.loads(qogam("kb", "todo", "--json", env=env).stdout) == {"todo": []}
    assert json.loads(qogam("gaps", "--clusters", "--json", env=env).stdout) == {"clusters": []}
    assert json.loads(qogam("gaps", "--disputed", "--json", env=env).stdout) == {"disputed": []}


def test_ask_answers_with_a_phrasing_learned_through_gaps_resolve(env):  # noqa: F811
    """`qogam ask` reads the knowledge base as the bot serves it: a question an editor resolved as a
    phrasing is then answered by `ask` too, not only by `chat` and the running bot."""
    question = "номер секретаря акима"
    before = json.loads(qogam("ask", "--json", question, env=env).stdout)
    assert before["status"] != "answered"
    assert qogam("chat", stdin=question + "\n", env=env).returncode == 0
    [cluster] = clusters(env)
    out = qogam("gaps", "resolve", str(cluster["id"]), "--phrasing-of", "akim.find", "--json", env=env)
    assert out.returncode == 0, out.stderr
    # The terminal chat reads a short question without Kazakh letters in its saved language (Kazakh).
    assert [added["text"] for added in json.loads(out.stdout)["added"]] == [question]
    after = json.loads(qogam("ask", "--json", question, env=env).stdout)
    assert (after["status"], after["entry"]) == ("answered", "akim.find")

"""Entries due for review (qogam kb stale, /gaps) and answers resting on a law that changed after their
law_as_of (kb check, knowledge/law_changes.toml)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from bot.core.curation.review import (
    DEFAULT_MONTHS,
    LawChange,
    check_law_changes,
    due_for_review,
    load_law_changes,
    months_between,
)
from bot.core.knowledge.loader import Source
from tests.conftest import REPO
from tests.test_cli import env, qogam  # noqa: F401 - the fixture is used by name

CONSTITUTION_1995 = Source("Constitution of the RK of 30 August 1995, Section VIII",
                           "https://constitution.kz/english/section8/")


def test_months_are_counted_whole():
    assert months_between(dt.date(2026, 3, 10), dt.date(2026, 5, 9)) == 1
    assert months_between(dt.date(2026, 3, 10), dt.date(2026, 5, 10)) == 2
    assert months_between(dt.date(2026, 3, 31), dt.date(2026, 4, 30)) == 0
    assert months_between(dt.date(2026, 12, 1), dt.date(2026, 3, 1)) == 0


def test_due_lists_old_law_oldest_first(kb):
    today = dt.date(2026, 12, 7)
    due = due_for_review(kb, today)
    assert due and [d.law_as_of for d in due] == sorted(d.law_as_of for d in due)
    assert all(d.months >= DEFAULT_MONTHS and months_between(d.law_as_of, today) == d.months for d in due)
    fresh = {e.id for e in kb.entries.values() if months_between(e.law_as_of, today) < DEFAULT_MONTHS}
    assert fresh and not fresh & {d.entry_id for d in due}
    assert len(due_for_review(kb, today, months=0)) == len(kb.entries)


def test_an_answer_citing_a_changed_act_before_the_change_is_flagged(kb):
    changes, problems = load_law_changes()
    assert not problems and any(c.changed == dt.date(2026, 7, 1) for c in changes)
    entry = next(iter(kb.entries.values()))
    old = dataclasses.replace(entry, sources=(*entry.sources, CONSTITUTION_1995), law_as_of=dt.date(2026, 3, 17))
    new = dataclasses.replace(old, law_as_of=dt.date(2026, 9, 10))
    flagged = check_law_changes(dataclasses.replace(kb, entries={old.id: old}), changes)
    assert len(flagged) == 1 and "2026-07-01" in flagged[0].message and flagged[0].severity == "warning"
    assert check_law_changes(dataclasses.replace(kb, entries={new.id: new}), changes) == []


def test_the_real_knowledge_base_has_no_answer_resting_on_a_changed_law(kb):
    assert check_law_changes(kb, load_law_changes()[0]) == []


def test_a_change_is_recognised_by_its_own_citations_only():
    change = LawChange("Constitution of 1995", dt.date(2026, 7, 1), "ceased", ("Конституция РК от 30 августа 1995",))
    elections = Source("Конституционный закон РК от 28 сентября 1995 года № 2464 «О выборах»")
    entry = type("E", (), {"sources": (elections,)})()
    assert not change.cited_by(entry)


def test_malformed_law_changes_are_problems(tmp_path):
    (tmp_path / "law_changes.toml").write_text('[[changes]]\nact = "X"\nchanged = "July"\nwhat = "y"\n'
                                               'cited_as = ["x.kz/abc"]\n', encoding="utf-8")
    changes, problems = load_law_changes(tmp_path)
    assert changes == [] and "date" in problems[0].message


def test_kb_stale_json_contract(env):  # noqa: F811
    out = qogam("kb", "stale", "--json", env=env)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["entries"]
    assert rows and all(set(r) == {"id", "law_as_of", "months", "review_note"} for r in rows)
    assert all(r["months"] >= DEFAULT_MONTHS for r in rows)
    everything = json.loads(qogam("kb", "stale", "--months", "0", "--json", env=env).stdout)["entries"]
    assert len(everything) == len(list((REPO / "knowledge").glob("*/*.toml")))


def test_editors_see_the_entries_due_for_review(conversation, db, wall):
    from bot.core.replies import Person
    from bot.storage import roles

    roles.grant(db, "tg:5", "editor", None, by="test")
    editor = Person("tg:5", "test", "en")
    listing = conversation.command(editor, "gaps")[0]
    [button] = [b for row in listing.buttons for b in row if b.data == "g:r"]
    due = due_for_review(conversation.kb, dt.date(2026, 11, 23))  # the wall clock's day
    assert str(len(due)) in button.label
    shown = conversation.press(editor, "g:r")[0].text
    assert all(d.entry_id in shown for d in due[:15])

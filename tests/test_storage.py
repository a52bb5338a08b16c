import os

import pytest

from bot.storage import feedback, gaps, users
from bot.storage.db import migrations, open_db


def test_database_file_uses_wal_and_is_migrated(tmp_path):
    db = open_db(tmp_path / "q.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"users", "gaps", "feedback"} <= set(db.table_names())
    assert migrations.pending(db) == []


def test_reopening_applies_nothing_twice_and_keeps_data(tmp_path):
    db = open_db(tmp_path / "q.db")
    users.set_language(db, "tg:1", "telegram", "kk")
    db.conn.close()
    again = open_db(tmp_path / "q.db")
    assert users.get_language(again, "tg:1") == "kk"
    applied = [m.name for m in migrations.applied(again)]
    assert len(applied) == len(set(applied))


def test_data_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("QOGAM_DATA_DIR", str(tmp_path / "d"))
    open_db()
    assert (tmp_path / "d" / "qogam.db").exists()


def test_language_is_upserted(db):
    users.set_language(db, "tg:1", "telegram", "kk")
    users.set_language(db, "tg:1", "telegram", "en")
    assert users.get_language(db, "tg:1") == "en"
    assert db["users"].count == 1


def test_gaps_are_listed_newest_first_and_by_status(db):
    first = gaps.record(db, user_key="u", channel="test", lang="ru", question="первый", status=gaps.UNANSWERED,
                        candidates=[("akim.role", 0.1)])
    gaps.record(db, user_key="u", channel="test", lang="kk", question="екінші", status=gaps.SUGGESTED, candidates=[])
    third = gaps.record(db, user_key="v", channel="test", lang="en", question="third", status=gaps.UNANSWERED,
                        candidates=[])
    listed = gaps.latest(db)
    assert [g.id for g in listed] == [third, first]
    assert listed[1].candidates == [{"entry": "akim.role", "score": 0.1}]
    assert len(gaps.latest(db, limit=1)) == 1


def test_deleting_a_user_removes_only_their_rows(db):
    gaps.record(db, user_key="u", channel="t", lang="ru", question="q", status=gaps.UNANSWERED, candidates=[])
    gaps.record(db, user_key="v", channel="t", lang="ru", question="q", status=gaps.UNANSWERED, candidates=[])
    shown = feedback.show_answer(db, user_key="u", entry_id="akim.role", lang="ru")
    feedback.vote(db, answer_id=shown, user_key="u", entry_id="akim.role", lang="ru", vote=1)
    feedback.show_answer(db, user_key="v", entry_id="akim.role", lang="ru")
    users.set_language(db, "u", "t", "kk")
    assert users.forget(db, "u") == 4  # a question, a vote, the answer shown, the language
    assert [g for g in gaps.latest(db)] and gaps.for_user(db, "v")
    assert feedback.answers_shown(db, "u") == 0 and feedback.answers_shown(db, "v") == 1


def test_a_reason_attaches_only_to_the_owners_thumbs_down(db):
    shown = feedback.show_answer(db, user_key="u", entry_id="akim.role", lang="ru")
    down = feedback.vote(db, answer_id=shown, user_key="u", entry_id="akim.role", lang="ru", vote=-1)
    assert not feedback.set_reason(db, down, "someone-else", "outdated")
    assert feedback.set_reason(db, down, "u", "outdated")


def test_a_vote_is_one_row_per_answer_and_a_thumbs_up_drops_the_reason(db):
    shown = feedback.show_answer(db, user_key="u", entry_id="akim.role", lang="ru")
    down = feedback.vote(db, answer_id=shown, user_key="u", entry_id="akim.role", lang="ru", vote=-1)
    assert feedback.set_reason(db, down, "u", "outdated")
    again = feedback.vote(db, answer_id=shown, user_key="u", entry_id="akim.role", lang="ru", vote=-1)
    assert again == down and db["feedback"].get(down)["reason"] == "outdated"  # the same 👎: reason kept
    assert feedback.vote(db, answer_id=shown, user_key="u", entry_id="akim.role", lang="ru", vote=1) == down
    [row] = db["feedback"].rows
    assert (row["vote"], row["reason"], row["answer_id"]) == (1, None, shown) and row["updated_at"]
    other = feedback.show_answer(db, user_key="u", entry_id="akim.role", lang="ru")  # the same entry, shown again
    feedback.vote(db, answer_id=other, user_key="u", entry_id="akim.role", lang="ru", vote=1)
    assert db["feedback"].count == 2 and feedback.answer_of(db, other)["entry_id"] == "akim.role"
    assert feedback.answer_of(db, other + 1) is None


def test_one_instance_per_data_directory(tmp_path):
    from bot.storage import instance

    assert instance.holder(tmp_path) is None
    first = instance.hold(tmp_path)
    with pytest.raises(instance.AlreadyRunning, match=rf"pid {os.getpid()}.*{tmp_path}"):
        instance.hold(tmp_path)
    assert f"pid {os.getpid()}" in instance.holder(tmp_path)
    first.release()
    assert instance.holder(tmp_path) is None
    instance.hold(tmp_path).release()  # the file left behind is no lock


def test_existing_subscriptions_keep_their_meaning_and_the_country_becomes_national_only(tmp_path):
    from sqlite_utils import Database

    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m010_subscription_scope")
    for user, code in (("tg:1", "akt"), ("tg:2", "akt.khromtau"), ("tg:3", "kz")):
        db.execute("insert into subscriptions (user_key, area_code, created_at) values (?, ?, '2026-01-01')",
                   [user, code])
    db.conn.commit()
    migrations.apply(db)
    assert dict(db.execute("select area_code, scope from subscriptions").fetchall()) == {
        "akt": "tree", "akt.khromtau": "tree", "kz": "area"}

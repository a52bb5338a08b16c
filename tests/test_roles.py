"""Who may do what: the checks every transport asks."""

import pytest

from bot.core import roles
from bot.core.knowledge.areas import load_areas_or_fail
from bot.storage import audit


@pytest.fixture(scope="module")
def areas():
    return load_areas_or_fail()


def test_admins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("QOGAM_ADMIN_IDS", " 12, tg:34 ,, ")
    assert roles.admin_keys() == {"tg:12", "tg:34"} and roles.check_admin_ids() == 2
    assert roles.is_admin("tg:12") and roles.is_admin("tg:34") and not roles.is_admin("tg:56")
    monkeypatch.delenv("QOGAM_ADMIN_IDS")
    assert roles.admin_keys() == set() and roles.check_admin_ids() == 0


@pytest.mark.parametrize("raw, bad", [
    ("12,x", "'x'"), ("123 456", "'123 456'"), ("@alice", "'@alice'"), ("0123456", "'0123456'"),
    ("tg: 12", "'tg: 12'"), ("user:12", "'user:12'"), ("12;34", "'12;34'"), ("١٢٣", "'١٢٣'"), ("0", "'0'"),
])
def test_a_malformed_admin_id_is_one_clear_line_not_silence(raw, bad):
    from bot.settings import SettingsError

    with pytest.raises(SettingsError) as refused:
        roles.check_admin_ids({"QOGAM_ADMIN_IDS": raw})
    assert str(refused.value).startswith("QOGAM_ADMIN_IDS: " + bad) and "\n" not in str(refused.value)


def test_a_broadcaster_acts_on_their_area_and_below_only(db, areas):
    roles.grant(db, areas, "tg:1", roles.BROADCASTER, "akt", by="tg:9")
    assert roles.has_role(db, areas, "tg:1", roles.BROADCASTER, "akt")
    assert roles.has_role(db, areas, "tg:1", roles.BROADCASTER, "akt.khromtau")
    assert not roles.has_role(db, areas, "tg:1", roles.BROADCASTER, "ast")
    assert not roles.has_role(db, areas, "tg:1", roles.BROADCASTER, "kz")
    assert not roles.has_role(db, areas, "tg:1", roles.EDITOR)


def test_an_editor_without_an_area_covers_all(db, areas):
    roles.grant(db, areas, "tg:2", roles.EDITOR, None, by="tg:9")
    assert roles.has_role(db, areas, "tg:2", roles.EDITOR, "shy.turan")


def test_bad_grants_are_refused_and_nothing_is_audited(db, areas):
    for role, area in ((roles.BROADCASTER, None), ("mayor", "akt"), (roles.EDITOR, "atlantis")):
        with pytest.raises(roles.RoleError):
            roles.grant(db, areas, "tg:3", role, area, by="tg:9")
    assert audit.entries(db) == []


def test_grant_and_revoke_are_audited_once(db, areas):
    assert roles.grant(db, areas, "tg:4", roles.EDITOR, "akt", by="tg:9")
    assert not roles.grant(db, areas, "tg:4", roles.EDITOR, "akt", by="tg:9")
    assert roles.revoke(db, "tg:4", roles.EDITOR, "akt", by="tg:9")
    assert [(e["action"], e["actor"], e["target"]) for e in audit.entries(db)] == [
        ("role.revoke", "tg:9", "tg:4"), ("role.grant", "tg:9", "tg:4")]


def test_the_audit_log_cannot_be_rewritten(db, areas):
    import sqlite3

    roles.grant(db, areas, "tg:5", roles.EDITOR, None, by="tg:9")
    for sql in ("update audit set actor = 'x'", "delete from audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)


@pytest.mark.parametrize("text, key", [("tg:123", "tg:123"), (" 123 ", "tg:123"), ("tg:007", "tg:7")])
def test_users_are_telegram_ids(text, key):
    assert roles.parse_user(text) == key


@pytest.mark.parametrize("text", ["", "@alice", "tg:", "tg:12a", "1" * 25])
def test_anything_else_is_not_a_user(text):
    with pytest.raises(roles.RoleError):
        roles.parse_user(text)

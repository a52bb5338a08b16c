"""Staff prompts in the conversation: a role revoked while its prompt waits, and agendas and results typed in
/hearing kept whole or refused with their length, never cut without a word."""

from __future__ import annotations

import pytest

from bot.core import roles
from bot.core.hearings import broadcasts as announcing
from bot.core.hearings.hearing import from_mapping
from bot.core.replies import Person
from bot.i18n import translator
from bot.storage import gaps, hearings, users
from bot.storage import roles as stored_roles

STAFF = Person("tg:7", "telegram", "en", private=True)


@pytest.fixture
def broadcaster(conversation, wall):
    stored_roles.grant(conversation.db, STAFF.key, roles.BROADCASTER, "akt", "tg:1")
    return STAFF


def to_the_agenda(conversation, person) -> int:
    """Walk /hearing up to the Kazakh agenda; the draft's id."""
    conversation.command(person, "hearing")
    conversation.press(person, "hb:new")
    [draft] = hearings.drafts_of(conversation.db, person.key)
    conversation.press(person, f"hb:ar:{draft}:akt.khromtau")
    conversation.ask(person, "05.12.2026 15:00")
    conversation.press(person, f"hb:du:{draft}:120")
    conversation.ask(person, "Хромтау, ул. Абая 12, актовый зал")
    conversation.press(person, f"hb:sk:{draft}:point")
    conversation.press(person, f"hb:sk:{draft}:url")
    conversation.ask(person, "Аудан бюджетінің жобасы")
    assert users.awaiting(conversation.db, person.key) == f"hw:{draft}:kk.agenda"
    return draft


def agenda_of(conversation, draft: int) -> str | None:
    from bot.core.hearings import hearing as hearing_store

    texts = hearing_store.get(conversation.db, draft).texts
    return texts["kk"].agenda if "kk" in texts else None


def test_a_revoked_broadcasters_next_text_is_no_question_and_the_draft_goes(conversation, broadcaster):
    draft = to_the_agenda(conversation, broadcaster)
    roles.revoke(conversation.db, broadcaster.key, roles.BROADCASTER, "akt", by="tg:1")
    [reply] = conversation.ask(broadcaster, "2027 жылғы бюджет жобасын талқылау: жолдар мен мектептер.")
    assert reply.outcome == "revoked" and reply.text == translator("en").gettext(
        "This action is no longer available to you, so I did not keep your message. To ask the bot a question, "
        "send it again.")
    assert gaps.for_user(conversation.db, broadcaster.key) == [] and gaps.latest(conversation.db) == []
    assert hearings.drafts_of(conversation.db, broadcaster.key) == [] and hearings.get(conversation.db, draft) is None
    assert users.awaiting(conversation.db, broadcaster.key) is None
    # The next text is an ordinary question again.
    assert conversation.ask(broadcaster, "Who approves the village budget?")[0].outcome != "revoked"


def test_a_revoked_broadcasters_old_button_expires_and_takes_the_draft_along(conversation, broadcaster):
    draft = to_the_agenda(conversation, broadcaster)
    roles.revoke(conversation.db, broadcaster.key, roles.BROADCASTER, "akt", by="tg:1")
    [reply] = conversation.press(broadcaster, f"hb:sk:{draft}:url")
    assert reply.outcome == "stale"
    assert hearings.drafts_of(conversation.db, broadcaster.key) == []
    assert users.awaiting(conversation.db, broadcaster.key) is None


def test_a_former_admins_typed_user_id_is_no_question(conversation, monkeypatch):
    admin = Person("tg:9", "telegram", "ru", private=True)
    monkeypatch.setenv("QOGAM_ADMIN_IDS", "9")
    conversation.press(admin, "ro:g")
    assert users.awaiting(conversation.db, admin.key) == "role_user"
    monkeypatch.setenv("QOGAM_ADMIN_IDS", "")
    [reply] = conversation.ask(admin, "123456789")
    assert reply.outcome == "revoked" and reply.lang == "ru"
    assert gaps.latest(conversation.db) == [] and users.awaiting(conversation.db, admin.key) is None


def test_a_long_agenda_is_kept_whole_and_a_too_long_one_is_refused_with_its_length(conversation, broadcaster):
    draft = to_the_agenda(conversation, broadcaster)
    agenda = " ".join(f"{n}. Жолды жөндеу туралы мәселе." for n in range(1, 60))  # about 1,800 characters
    assert len(agenda) > 1000
    replies = conversation.ask(broadcaster, agenda)
    assert agenda_of(conversation, draft) == agenda  # whole, not its first 1,000 characters
    assert "step 9 of 12" in replies[0].text
    conversation.press(broadcaster, "hb:ls")  # back to the agenda, to type a longer one
    users.set_awaiting(conversation.db, broadcaster.key, "telegram", f"hw:{draft}:kk.agenda")
    too_long = "Бюджет. " * 520  # 4,160 characters: more than one Telegram message
    [refused] = conversation.ask(broadcaster, too_long)
    assert "The agenda in kk is 4159 characters long" in refused.text and "step 8 of 12" in refused.text
    limit = int(refused.text.split("at most ")[1].split()[0])
    assert 3000 < limit < 4096
    assert agenda_of(conversation, draft) == agenda  # the earlier agenda stays, nothing was cut
    # Exactly the room left fits, and the announcement is then exactly one message.
    conversation.ask(broadcaster, "ә" * limit)
    assert agenda_of(conversation, draft) == "ә" * limit


def test_long_results_are_kept_whole_and_too_long_ones_refused(conversation, broadcaster, wall):
    hearing = from_mapping({
        "area": "akt.khromtau", "starts_at": "2026-12-05T15:00", "duration_minutes": 120, "place": "Хромтау",
        "kk": {"title": "Бюджет", "agenda": "Талқылау."}, "ru": {"title": "Бюджет", "agenda": "Обсуждение."},
    }, conversation.areas)
    queued = announcing.announce(conversation.db, conversation.areas, hearing, "cli:test")
    conversation.press(broadcaster, f"hb:rs:{queued.hearing}")
    results = "Шешім: " + "жол жөнделеді, " * 100  # about 1,500 characters
    conversation.ask(broadcaster, results)
    assert hearings.changes(conversation.db, queued.hearing)["kk"] == results.strip()
    [refused, again] = conversation.ask(broadcaster, "Нәтиже. " * 600)
    assert "The results in ru are 4799 characters long" in refused.text and again.text == translator(
        "en").gettext("The results in Russian.")
    assert "ru" not in hearings.changes(conversation.db, queued.hearing)

"""The resident's conversation, read like a chat transcript (same logic for Telegram and the terminal)."""

import pytest

from bot.core.conversation import MAX_QUESTION_CHARS, Person
from bot.storage import gaps, users


def texts(replies):
    return "\n".join(r.text for r in replies)


def buttons(replies):
    return [b for r in replies for row in r.buttons for b in row]


def test_start_greets_in_the_client_language_and_offers_languages(conversation):
    replies = conversation.start(Person("tg:5", "telegram", "ru"))
    assert "Здравствуйте" in texts(replies)
    assert [b.data for b in buttons(replies)] == ["l:kk", "l:ru", "l:en"]


def test_start_defaults_to_kazakh_for_unknown_client_language(conversation):
    assert "Сәлеметсіз бе" in texts(conversation.start(Person("tg:6", "telegram", "de")))


def test_choosing_a_language_is_saved(conversation, db):
    person = Person("tg:7", "telegram", "ru")
    reply = conversation.press(person, "l:en")
    assert "Language saved: English" in texts(reply)
    assert users.get_language(db, "tg:7") == "en"
    assert "Hello" in texts(conversation.start(person))


def test_a_question_is_answered_in_its_own_language_with_sources_and_rating(conversation, resident):
    (reply,) = conversation.ask(resident, "Мәслихат не істейді?")
    assert reply.outcome == "answered" and reply.lang == "kk"
    assert "Дереккөздер:" in reply.text
    assert [b.data for b in buttons([reply])] == ["v:maslikhat.role:u", "v:maslikhat.role:d"]


def test_thumbs_down_asks_why_and_records_the_reason(conversation, resident, db):
    replies = conversation.press(resident, "v:akim.role:d")
    reasons = buttons(replies)
    assert len(reasons) == 3
    assert "Спасибо" in texts(conversation.press(resident, reasons[1].data))
    assert db["feedback"].get(1)["reason"] == "outdated"


def test_suggestions_then_none_of_these_logs_the_gap(conversation, resident, db, matcher, monkeypatch):
    from bot.core import policy

    # Make any question a suggestion, to walk the flow independently of thresholds.
    monkeypatch.setattr(policy, "ANSWER_MIN", 2.0)
    monkeypatch.setattr(policy, "STRONG_MIN", 2.0)
    (reply,) = conversation.ask(resident, "аким маслихат бюджет")
    assert reply.outcome == "suggested"
    choices = buttons([reply])
    assert choices[-1].label == "Ничего из этого" and 2 <= len(choices) <= 4
    gap_id = int(choices[-1].data.split(":")[1])
    assert gaps.get(db, gap_id)[0].status == gaps.SUGGESTED
    assert "редакторам" in texts(conversation.press(resident, choices[-1].data))
    assert gaps.get(db, gap_id)[0].status == gaps.REJECTED
    assert [g.id for g in gaps.latest(db)] == [gap_id]


def test_picking_a_suggestion_answers_and_resolves(conversation, resident, db, monkeypatch):
    from bot.core import policy

    monkeypatch.setattr(policy, "ANSWER_MIN", 2.0)
    monkeypatch.setattr(policy, "STRONG_MIN", 2.0)
    (reply,) = conversation.ask(resident, "аким маслихат бюджет")
    first = buttons([reply])[0]
    (answer,) = conversation.press(resident, first.data)
    assert answer.outcome == "answered"
    gap = gaps.get(db, int(first.data.split(":")[1]))[0]
    assert gap.status == gaps.RESOLVED and gap.chosen_entry == first.data.split(":")[2]


def test_an_out_of_scope_question_is_logged_redacted(conversation, resident, db):
    (reply,) = conversation.ask(resident, "Какой курс евро сегодня? мой номер +7 701 123 45 67")
    assert reply.outcome == "unanswered" and "/topics" in reply.text
    (gap,) = gaps.latest(db)
    assert gap.question == "Какой курс евро сегодня? мой номер [PHONE]" and gap.channel == "test"


def test_someone_elses_suggestion_button_is_refused(conversation, resident, db, monkeypatch):
    from bot.core import policy

    monkeypatch.setattr(policy, "ANSWER_MIN", 2.0)
    monkeypatch.setattr(policy, "STRONG_MIN", 2.0)
    (reply,) = conversation.ask(resident, "аким маслихат бюджет")
    stranger = Person("tg:999", "telegram", "ru")
    assert conversation.press(stranger, buttons([reply])[-1].data)[0].outcome == "stale"


@pytest.mark.parametrize(
    "data",
    ["", "e:no.such", "s:1:akim.role", "x:999999", "x:abc", "s:99999999999999999999999:akim.role", "v:akim.role:z",
     "r:1:w", "c:nope:0", "t:x", "l:de", "forget:now", "🙂", "a" * 64, "e:akim.role:extra"],
)
def test_forged_or_stale_buttons_get_a_polite_reply(conversation, resident, data):
    (reply,) = conversation.press(resident, data)
    assert reply.outcome == "stale" and "/topics" in reply.text


def test_topics_browse_categories_and_pages(conversation, resident, kb):
    (reply,) = conversation.topics(resident)
    category_buttons = [b for b in buttons([reply]) if b.data.startswith("c:")]
    assert category_buttons and all(len(b.data.encode()) <= 64 for b in category_buttons)
    (akims,) = conversation.press(resident, "c:akims:0")
    entry_buttons = [b for b in buttons([akims]) if b.data.startswith("e:")]
    assert 1 <= len(entry_buttons) <= 6
    assert any(b.data == "c:akims:1" for b in buttons([akims])) == (len(kb.in_category("akims")) > 6)


def test_all_button_data_fits_telegram_limit(conversation, resident, kb):
    for entry_id in kb.entries:
        for reply in conversation.press(resident, f"e:{entry_id}"):
            assert all(len(b.data.encode()) <= 64 for b in buttons([reply]))


def test_deep_link_opens_a_topic_or_category(conversation, resident):
    assert conversation.start(resident, "appeals-deadlines")[0].outcome == "answered"
    assert "Акимы" in texts(conversation.start(resident, "akims"))
    assert "Здравствуйте" in texts(conversation.start(resident, "no-such-thing"))


def test_mydata_shows_and_forget_deletes(conversation, resident, db):
    conversation.press(resident, "l:ru")
    conversation.ask(resident, "Какой курс евро сегодня?")
    shown = texts(conversation.command(resident, "mydata"))
    assert "Русский" in shown and "Какой курс евро сегодня?" in shown
    (confirm,) = conversation.command(resident, "forget")
    assert buttons([confirm])[0].data == "forget"
    assert db["gaps"].count == 1  # nothing deleted before confirmation
    conversation.press(resident, "forget")
    assert db["gaps"].count == 0 and users.get_user(db, resident.key) is None


def test_unknown_command_and_empty_input_get_help(conversation, resident):
    assert "/help" in texts(conversation.command(resident, "weather"))
    assert conversation.ask(resident, "")[0].outcome == "empty"
    assert conversation.ask(resident, "🙂🙂 ?!")[0].outcome == "empty"


def test_a_very_long_message_is_handled_and_stored_cut(conversation, resident, db):
    (reply,) = conversation.ask(resident, "курс валют " * 2000)
    assert reply.outcome in {"answered", "suggested", "unanswered"}
    assert all(len(g.question) <= MAX_QUESTION_CHARS for g in gaps.latest(db, statuses=(gaps.UNANSWERED, gaps.SUGGESTED)))


def test_help_lists_the_commands_in_the_users_language(conversation):
    text = texts(conversation.help(Person("tg:8", "telegram", "kk")))
    for command in ("/topics", "/language", "/about", "/mydata", "/forget"):
        assert command in text
    assert "тақырыптар" in text

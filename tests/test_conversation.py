"""The resident's conversation, read like a chat transcript (same logic for Telegram and the terminal)."""

import pytest

from bot.core.dialogue.residents import MAX_QUESTION_CHARS
from bot.core.replies import Person
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
    assert reply.entry_id == "maslikhat.role"
    # Short first; "Толығырақ" shows the full answer with its sources.
    more, up, down = buttons([reply])
    [shown] = db_rows(conversation, "answers")
    assert (up.data, down.data) == (f"v:{shown['id']}:u:m", f"v:{shown['id']}:d:m")
    assert "Дереккөздер:" not in reply.text and more.label == "Толығырақ"
    (full,) = conversation.press(resident, more.data)
    assert "Дереккөздер:" in full.text
    assert (shown["user_key"], shown["entry_id"], shown["lang"]) == (resident.key, "maslikhat.role", "kk")


def db_rows(conversation, table):
    return list(conversation.db[table].rows)


def vote_buttons(conversation, person, question="Чем занимается маслихат?"):
    (reply,) = conversation.ask(person, question)
    up, down = buttons([reply])[-2:]  # after "More" when the answer came short
    return up.data, down.data


def test_thumbs_down_asks_why_and_records_the_reason(conversation, resident, db):
    _, down = vote_buttons(conversation, resident)
    replies = conversation.press(resident, down)
    reasons = buttons(replies)
    assert len(reasons) == 3
    assert "Спасибо" in texts(conversation.press(resident, reasons[1].data))
    [vote] = db_rows(conversation, "feedback")
    assert (vote["entry_id"], vote["vote"], vote["reason"], vote["lang"]) == ("maslikhat.role", -1, "outdated", "ru")


def test_one_vote_per_answer_which_a_second_press_changes(conversation, resident, db):
    up, down = vote_buttons(conversation, resident)
    for _ in range(8):
        assert "Спасибо" in texts(conversation.press(resident, up))
    assert [r["vote"] for r in db_rows(conversation, "feedback")] == [1]
    (reasons,) = conversation.press(resident, down)
    conversation.press(resident, buttons([reasons])[0].data)
    [vote] = db_rows(conversation, "feedback")
    assert (vote["vote"], vote["reason"]) == (-1, "wrong_topic")
    conversation.press(resident, up)  # changed back: the 👎's reason goes with it
    [vote] = db_rows(conversation, "feedback")
    assert (vote["vote"], vote["reason"]) == (1, None)
    up_again, _ = vote_buttons(conversation, resident)  # the same entry shown again: a new answer, a new vote
    conversation.press(resident, up_again)
    assert len(db_rows(conversation, "feedback")) == 2


@pytest.mark.parametrize("data", ["v:maslikhat.role:u", "v:akim.role:d", "v:petitions:u", "v:999999:u", "v:٣:u"])
def test_votes_for_answers_never_shown_are_expired_and_not_stored(conversation, resident, db, data):
    vote_buttons(conversation, resident)  # something was shown, but not these
    (reply,) = conversation.press(resident, data)
    assert reply.outcome == "stale"
    assert db_rows(conversation, "feedback") == []


def test_a_vote_on_someone_elses_answer_is_expired(conversation, resident, db):
    up, _ = vote_buttons(conversation, Person("tg:1", "telegram", "ru"))
    (reply,) = conversation.press(resident, up)
    assert reply.outcome == "stale" and db_rows(conversation, "feedback") == []


def test_inline_shareable_answers_carry_no_votes_and_record_nothing(conversation, resident, db):
    replies = conversation.shareable(Person("tg:2", "telegram", "ru", private=False), "Мәслихат не істейді?")
    # No votes: only "More", which shows the full answer in the shared message.
    assert replies and all(r.entry_id and all(b.data.startswith("m:") for row in r.buttons for b in row)
                           for r in replies)
    assert db_rows(conversation, "answers") == []


def test_suggestions_then_none_of_these_logs_the_gap(conversation, resident, db, matcher, monkeypatch):
    from bot.core.matching import policy

    # Make any question a suggestion, to walk the flow independently of thresholds.
    monkeypatch.setattr(policy, "ANSWER_MIN", 2.0)
    monkeypatch.setattr(policy, "SUGGEST_CONFIDENCE_MIN", 0.0)
    (reply,) = conversation.ask(resident, "аким маслихат бюджет")
    assert reply.outcome == "suggested"
    choices = buttons([reply])
    assert choices[-1].label == "Ничего не подходит" and 2 <= len(choices) <= 4
    gap_id = int(choices[-1].data.split(":")[1])
    assert gaps.get(db, gap_id)[0].status == gaps.SUGGESTED
    assert "редакторам" in texts(conversation.press(resident, choices[-1].data))
    assert gaps.get(db, gap_id)[0].status == gaps.REJECTED
    assert [g.id for g in gaps.latest(db)] == [gap_id]


def test_picking_a_suggestion_answers_and_resolves(conversation, resident, db, monkeypatch):
    from bot.core.matching import policy

    monkeypatch.setattr(policy, "ANSWER_MIN", 2.0)
    monkeypatch.setattr(policy, "SUGGEST_CONFIDENCE_MIN", 0.0)
    (reply,) = conversation.ask(resident, "аким маслихат бюджет")
    first = buttons([reply])[0]
    (answer,) = conversation.press(resident, first.data)
    assert answer.outcome == "answered"
    gap = gaps.get(db, int(first.data.split(":")[1]))[0]
    assert gap.status == gaps.RESOLVED and gap.chosen_entry == first.data.split(":")[2]


def test_an_out_of_scope_question_near_no_topic_is_logged_redacted(conversation, resident, db):
    # Nearest "расскажи анекдот", a question of the flat list, which belongs to no topic: a gap, as before.
    (reply,) = conversation.ask(resident, "Расскажи анекдот про акима. Мой телефон +7 701 123 45 67")
    assert reply.outcome == "unanswered" and "/topics" in reply.text
    (gap,) = gaps.latest(db)
    assert gap.question == "Расскажи анекдот про акима. Мой телефон [PHONE]" and gap.channel == "test"


def test_an_out_of_scope_question_near_a_topic_gets_its_referral_and_is_no_gap(conversation, resident, db):
    from bot.core.knowledge.render import referral_text
    from bot.i18n import translator

    (reply,) = conversation.ask(resident, "Какая завтра погода в Алматы? Мой телефон +7 701 123 45 67")
    facts = conversation.kb.out_of_scope_topics["reference_facts"]
    assert (reply.outcome, reply.topic, reply.text) == ("not_ours", "reference_facts",
                                                         referral_text(facts, translator("ru")))
    assert gaps.latest(db) == []  # editors see nothing: there is nothing for them to write
    # Kept redacted (and shown by /mydata, deleted by /forget) only for "Not what I asked".
    (kept,) = gaps.for_user(db, resident.key)
    assert (kept.status, kept.question) == (gaps.REFERRED, "Какая завтра погода в Алматы? Мой телефон [PHONE]")
    assert "[PHONE]" in texts(conversation.command(resident, "mydata"))
    (wrong,) = buttons([reply])
    (sorry,) = conversation.press(resident, wrong.data)
    assert sorry.outcome == "unanswered" and [g.status for g in gaps.latest(db)] == [gaps.REJECTED]


def test_a_question_is_logged_without_escape_control_or_bidi_characters(conversation, resident, db):
    # A question near no out-of-scope topic (the weather would get its referral), so it becomes a gap.
    (reply,) = conversation.ask(resident, "\x1b[31mКто выиграл футбольный матч\x1b[0m вчера?\x00 \u202eМой телефон "
                                          "+7 701\u200b123 45 67\u202c\x1b]0;title\x07")
    assert reply.outcome == "unanswered"
    (gap,) = gaps.latest(db)
    assert gap.question == "Кто выиграл футбольный матч вчера? Мой телефон [PHONE]"


def test_someone_elses_suggestion_button_is_refused(conversation, resident, db, monkeypatch):
    from bot.core.matching import policy

    monkeypatch.setattr(policy, "ANSWER_MIN", 2.0)
    monkeypatch.setattr(policy, "SUGGEST_CONFIDENCE_MIN", 0.0)
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


def test_mydata_counts_the_answers_shown(conversation, resident):
    vote_buttons(conversation, resident)
    assert "1 ответ показан вам" in texts(conversation.command(resident, "mydata"))


# ---- private things stay private: in a group, personal screens only point to the private chat ---------
def in_group(person):
    return Person(person.key, person.channel, person.language_hint, private=False)


def assert_private_only(replies, payload):
    (reply,) = replies
    assert reply.outcome == "private_only" and "лично" in reply.text
    (link,) = buttons([reply])
    assert link.deep_link == payload and not link.data


def test_mydata_and_forget_in_a_group_only_point_to_the_private_chat(conversation, resident, db):
    conversation.ask(resident, "Какой курс евро сегодня? паспорт N1234567")
    group = in_group(resident)
    assert_private_only(conversation.command(group, "mydata"), "mydata")
    assert_private_only(conversation.command(group, "forget"), "forget")
    assert_private_only(conversation.press(group, "forget"), "forget")  # an old confirmation, pressed there
    assert_private_only(conversation.start(group, "mydata"), "mydata")
    assert db["gaps"].count == 1  # nothing deleted
    # The link opens the same screen in the private chat.
    assert "Какой курс евро сегодня?" in texts(conversation.start(resident, "mydata"))
    assert buttons(conversation.start(resident, "forget"))[0].data == "forget"


def test_subscriptions_and_staff_screens_in_a_group_point_to_the_private_chat(conversation, resident, db):
    from bot.storage import subscriptions

    code = next(iter(conversation.areas.top("ru"))).code
    subscriptions.subscribe(db, resident.key, resident.channel, code)
    group = in_group(resident)
    assert_private_only(conversation.command(group, "subscriptions"), "subscriptions")
    assert_private_only(conversation.command(group, "subscribe"), "subscribe")
    assert_private_only(conversation.press(group, f"us:{code}"), "subscribe")
    assert_private_only(conversation.start(group, f"sub-{code}"), f"sub-{code}")
    assert subscriptions.of_user(db, resident.key) == [code]  # the group's press changed nothing
    assert conversation.command(group, "roles")[0].outcome != "private_only"  # unknown to non-admins, as before
    assert "/roles" in texts(conversation.command(group, "roles"))
    # In private, the link's /start opens the screen itself.
    assert conversation.start(resident, "subscriptions")[0].outcome == "command"


def test_a_prompt_from_the_private_chat_is_not_answered_from_a_group(conversation, resident, db):
    conversation.command(resident, "subscribe")  # waits for an area name, in private
    assert users.awaiting(db, resident.key)
    (reply,) = conversation.ask(in_group(resident), "Алматы")
    assert reply.outcome not in ("area_found", "area_unknown")


def test_the_terminal_shows_a_private_chat_link_as_the_command_to_type(conversation, resident):
    import io

    from bot.console.repl import ConsoleChat

    out = io.StringIO()
    chat = ConsoleChat(conversation, out)
    chat.show(conversation.command(in_group(resident), "mydata"))
    assert "/start mydata" in out.getvalue() and chat.choices == []


def test_unknown_command_and_empty_input_get_help(conversation, resident):
    assert "/help" in texts(conversation.command(resident, "weather"))
    assert conversation.ask(resident, "")[0].outcome == "empty"
    assert conversation.ask(resident, "🙂🙂 ?!")[0].outcome == "empty"
    # Numbers alone are no question: asked to write in words, and nothing is passed to the editors.
    assert [conversation.ask(resident, text)[0].outcome for text in ("9", "12 / 5", "87011234567")] == ["empty"] * 3
    assert gaps.for_user(conversation.db, resident.key) == []


def test_a_very_long_message_is_handled_and_stored_cut(conversation, resident, db):
    (reply,) = conversation.ask(resident, "курс валют " * 2000)
    assert reply.outcome in {"answered", "suggested", "unanswered", "not_ours"}
    assert all(len(g.question) <= MAX_QUESTION_CHARS for g in gaps.for_user(db, resident.key))


def test_help_lists_the_commands_in_the_users_language(conversation):
    text = texts(conversation.help(Person("tg:8", "telegram", "kk")))
    for command in ("/topics", "/language", "/about", "/mydata", "/forget"):
        assert command in text
    assert "тақырыптар" in text

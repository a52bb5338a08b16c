"""Residents follow areas, as transcripts: buttons, a typed name, a poster's deep link, in three languages."""

import pytest

from bot.core.replies import Person
from bot.storage import subscriptions, users


def pressed(replies, label_part):
    """The data of the first button whose label contains `label_part`."""
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                if label_part in button.label:
                    return button.data
    labels = [b.label for r in replies for row in r.buttons for b in row]
    raise AssertionError(f"no button with {label_part!r} in {labels}")


@pytest.mark.parametrize("lang, region, district, done", [
    ("kk", "Ақтөбе облысы", "Хромтау ауданы", "Дайын"),
    ("ru", "Актюбинская область", "Хромтауский район", "Готово"),
    ("en", "Aktobe Region", "Khromtau District", "Done"),
])
def test_subscribe_by_buttons(conversation, lang, region, district, done):
    person = Person(f"test:{lang}", "test", lang)
    first = conversation.command(person, "subscribe")
    second = conversation.press(person, pressed(first, region))
    assert second[0].replaces_pressed
    third = conversation.press(person, pressed(second, district))
    assert third[0].text.startswith(done) and district in third[0].text
    assert subscriptions.of_user(conversation.db, person.key) == ["akt.khromtau"]


def test_the_region_itself_or_everything_in_it_is_one_tap_each(conversation, resident):
    region = conversation.press(resident, pressed(conversation.command(resident, "subscribe"), "Актюбинская"))
    done = conversation.press(resident, pressed(region, "Вместе со всем"))
    assert subscriptions.scopes_of(conversation.db, resident.key) == {"akt": "tree"}
    assert "по всем входящим в неё территориям" in done[0].text
    region = conversation.press(resident, pressed(conversation.command(resident, "subscribe"), "Актюбинская"))
    done = conversation.press(resident, pressed(region, "Только общие слушания"))
    assert subscriptions.scopes_of(conversation.db, resident.key) == {"akt": "area"}  # changed, not doubled
    assert "Слушания входящих в неё территорий и населённых пунктов приходить не будут" in done[0].text
    listing = conversation.command(resident, "subscriptions")[0].text
    assert "Актюбинская область — только общие слушания" in listing


@pytest.mark.parametrize("lang, code", [("ru", "ast"), ("kk", "akt"), ("en", "ala")])
def test_the_scope_buttons_leave_the_area_name_to_the_screen(conversation, lang, code):
    from bot.i18n import translator

    t = translator(lang)
    person = Person(f"test:{lang}", "test", lang)
    (screen,) = conversation.press(person, f"a:{code}:0")
    name = conversation.areas.get(code).name(lang)
    assert screen.text.startswith(name)  # the name is said once, above
    assert [(b.label, b.data) for b in (screen.buttons[0][0], screen.buttons[1][0])] == [
        (t.gettext("📍 Only its own hearings"), f"sb:{code}:area"),
        (t.gettext("🗺 With everything in it"), f"sb:{code}:tree")]
    assert not any(name in b.label for row in screen.buttons for b in row)


@pytest.mark.parametrize("typed", ["aktobe", "актобе", "Ақтөбе", "Актбе"])
def test_subscribe_by_a_typed_name(conversation, resident, typed):
    conversation.command(resident, "subscribe")
    offer = conversation.ask(resident, typed)
    assert offer[0].outcome == "area_found"
    # A region has areas under it: which hearings, asked with two buttons, its own first.
    scope = conversation.press(resident, offer[0].buttons[0][0].data)
    assert [b.data for row in scope[0].buttons for b in row] == ["sb:akt:area", "sb:akt:tree"]
    assert subscriptions.of_user(conversation.db, resident.key) == []
    conversation.press(resident, "sb:akt:tree")
    assert subscriptions.scopes_of(conversation.db, resident.key) == {"akt": "tree"}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_following_the_country_offers_its_own_hearings_first_and_says_what_each_means(conversation, lang):
    from bot.i18n import translator

    t = translator(lang)
    person = Person(f"test:country-{lang}", "test", lang)
    [offer] = conversation.start(person, "sub-kz")
    country = conversation.areas.get("kz").name(lang)
    assert [b.data for row in offer.buttons for b in row] == ["sb:kz:area", "sb:kz:tree"]
    assert [b.label for row in offer.buttons for b in row] == [
        t.gettext("📍 Only its own hearings"), t.gettext("🗺 With everything in it")]
    assert t.gettext("🗺 Those, and the hearings of every district, town and village in it: many more messages.") \
        in offer.text
    [done] = conversation.press(person, "sb:kz:area")
    assert done.text.startswith(t.gettext("Done: you will get announcements of the public hearings held for {area} "
                                          "as a whole, not for the areas in it.", area=country))
    assert subscriptions.scopes_of(conversation.db, person.key) == {"kz": "area"}
    assert t.gettext("{area} — only its own hearings", area=country) in conversation.command(person, "mydata")[0].text


def test_a_name_given_with_the_command(conversation, resident):
    offer = conversation.command(resident, "subscribe", "Хромтау")
    assert offer[0].buttons[0][0].data == "sb:akt.khromtau"


def test_one_typed_match_is_offered_as_a_posters_link_offers_it(conversation, resident):
    (typed,) = conversation.command(resident, "subscribe", "Хромтау")
    (linked,) = conversation.start(resident, "sub-akt.khromtau")
    assert (typed.text, typed.buttons) == (linked.text, linked.buttons) and typed.outcome == "area_found"
    assert "Хромтауский район, Актюбинская область" in typed.text


def test_several_typed_matches_are_numbered_with_their_paths_and_the_buttons_carry_the_names(conversation):
    person = Person("test:ru", "test", "ru")
    (reply,) = conversation.command(person, "subscribe", "Абай")
    lines = reply.text.split("\n")[1:]
    labels = [row[0].label for row in reply.buttons]
    assert "2. Абайский район, область Абай" in lines and "3. Абайский район, Карагандинская область" in lines
    assert labels[1:3] == ["2. Абайский район", "3. Абайский район"]
    assert len(labels) == len(lines) and all(len(label) < 30 for label in labels)
    assert [row[0].data for row in reply.buttons][1:3] == ["sb:aba.abai", "sb:kar.abai"]


def test_an_unknown_name_is_said_so_and_a_question_is_still_a_question(conversation, resident):
    conversation.command(resident, "subscribe")
    assert conversation.ask(resident, "Акмешит")[0].outcome == "area_unknown"
    # A real question while the prompt waits goes to the knowledge base, not to the area search.
    answer = conversation.ask(resident, "кто утверждает бюджет села и с какого года он есть")
    assert answer[0].outcome in ("answered", "suggested")


def test_a_question_after_a_command_is_not_read_as_an_area(conversation, resident):
    conversation.command(resident, "subscribe")
    conversation.command(resident, "help")
    assert users.awaiting(conversation.db, resident.key) is None


@pytest.mark.parametrize("payload", ["sub-akt-khromtau", "sub-akt.khromtau"])
def test_a_poster_deep_link_offers_one_confirm_tap(conversation, resident, payload):
    offer = conversation.start(resident, payload)
    assert "Хромтау" in offer[0].text and offer[0].buttons[0][0].data == "sb:akt.khromtau"
    conversation.press(resident, offer[0].buttons[0][0].data)
    assert subscriptions.of_user(conversation.db, resident.key) == ["akt.khromtau"]


@pytest.mark.parametrize("lang, country", [("kk", "Қазақстан"), ("ru", "Казахстан"), ("en", "Kazakhstan")])
def test_the_whole_country_deep_link_names_the_country(conversation, lang, country):
    person = Person(f"test:kz-{lang}", "test", lang)
    offer = conversation.start(person, "sub-kz")
    assert country in offer[0].text and "  " not in offer[0].text and " ?" not in offer[0].text
    assert conversation.areas.path("kz", lang) == country


def test_a_deep_link_to_an_unknown_area_is_polite(conversation, resident):
    assert conversation.start(resident, "sub-atlantis")[0].outcome == "stale"


def test_several_subscriptions_listed_each_with_a_remove_tap(conversation, resident):
    for code in ("akt", "ast.esil"):
        conversation.press(resident, f"sb:{code}:tree")
    conversation.press(resident, "sb:akt:tree")  # twice: still once
    listing = conversation.command(resident, "subscriptions")
    assert [b.data for row in listing[0].buttons for b in row] == ["us:akt", "us:ast.esil"]
    assert [b.label for row in listing[0].buttons for b in row] == ["✖ Актюбинская область", "✖ район Есиль"]
    after = conversation.press(resident, "us:akt")
    assert after[0].replaces_pressed and subscriptions.of_user(conversation.db, resident.key) == ["ast.esil"]


@pytest.mark.parametrize("data", ["sb:nowhere", "a:kz:x", "a:nowhere:0", "us", "sb:", "a:kz:99999999999999999999",
                                  "sb:akt:all", "sb:akt:tree:x", "sb:nowhere:area"])
def test_forged_subscription_buttons_expire(conversation, resident, data):
    replies = conversation.press(resident, data)
    assert replies[0].outcome in ("stale", "command")  # a page number past the end shows the last page
    assert subscriptions.of_user(conversation.db, resident.key) == []


def test_mydata_shows_subscriptions_and_forget_deletes_them(conversation, resident):
    conversation.press(resident, "sb:akt.khromtau")
    assert "Хромтау" in conversation.command(resident, "mydata")[0].text
    conversation.press(resident, "forget")
    assert subscriptions.of_user(conversation.db, resident.key) == []


def test_blocking_stops_and_start_resumes(conversation, resident):
    conversation.press(resident, "sb:akt:tree")
    conversation.stopped(resident)
    assert subscriptions.count(conversation.db, ["akt"]) == {"active": 0, "stopped": 1}
    conversation.start(resident)
    assert subscriptions.subscribers(conversation.db, ["akt"]) == [resident.key]


def test_interface_follows_the_language_the_resident_writes_until_they_choose(conversation):
    person = Person("test:nolang", "test", None)
    assert conversation.help(person)[0].lang == "kk"
    conversation.ask(person, "who approves the budget of a village?")
    assert conversation.help(person)[0].lang == "en"
    conversation.press(person, "l:ru")
    conversation.ask(person, "who approves the budget of a village?")
    assert conversation.help(person)[0].lang == "ru"

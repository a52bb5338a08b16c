"""The catalogs' wording stays as a native editor left it (issue 29): no case suffix glued to a
placeholder in Kazakh, the glossary's words for its concepts, one spelling of "Рақмет", and button
labels short enough for a narrow phone.

tests/test_i18n.py checks that the catalogs are complete and keep their placeholders; this file checks
what the translations say.
"""

import re
import string
from functools import cache

import pytest
from babel.messages.extract import extract_from_dir

from bot.core.knowledge.areas import load_areas_or_fail
from bot.i18n import LANGUAGES, LOCALES_DIR, read_catalog, translator
from tests.test_i18n import KEYWORDS


def messages(lang):
    """(msgid, [msgstr, ...]) for every entry; a plural entry gives all its forms."""
    found = []
    for message in read_catalog(lang):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
        found.append((msgid, strings, not isinstance(message.id, str)))
    return found


@cache
def translations(lang):
    return {msgid: strings for msgid, strings, _ in messages(lang)}


def msgstrs(lang, msgid):
    for found, strings, _ in messages(lang):
        if found == msgid:
            return strings
    raise AssertionError(f"{lang}: no msgid {msgid!r} in the catalog")


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ---- (a) Kazakh: a case suffix is never glued to a placeholder ---------------------------------------
# "{low}-ден", "{high}-ге", "{n}-қадамы", "{area}ға": the right suffix depends on the value (15-тен,
# 720-ға), which the catalog cannot know. Sentences are built so the value stands alone instead.
GLUED = re.compile(r"\{[^{}]*\}(?:\s*-\s*)?[^\W\d_]")


def test_no_kazakh_suffix_is_glued_to_a_placeholder():
    problems = [f"{msgid!r}: {text!r}" for msgid, strings, _ in messages("kk") for text in strings
                if GLUED.search(text)]
    assert not problems, "\n".join(problems)


def test_the_glued_suffix_check_catches_the_forms_it_is_for():
    for bad in ("{low}-ден {high}-ге дейін", "{n}-қадамы", "{area}ға", "{date} - ші"):
        assert GLUED.search(bad), bad
    for good in ("кемінде {low}, ең көбі {high}", "{area} бойынша", "«{title}» тыңдауы", "№{id} топ", "{n}/{total}"):
        assert not GLUED.search(good), good


# ---- (b) the glossary's words for its concepts ---------------------------------------------------------
# Words a native editor took out, per language: (pattern, why). Case-insensitive, anywhere in a msgstr.
FORBIDDEN = {
    "ru": [
        (r"рассыльщ", "an errand boy: the broadcaster is «ответственный за объявления»"),
        (r"тихие час|тихих час", "a calque of quiet hours: say messages are not sent at night"),
        (r"справочник о ", "«справочник по местной власти»"),
        (r"регион", "Astana, Almaty and Shymkent are not regions: «область», «город», «территория» for any area"),
        (r"на языке \{lang\}", "{lang} is a code, not a language's name: «Нет названия ({lang}).»"),
    ],
    "kk": [
        (r"бақыла", "«бақылау» is monitoring: following an area is «жазылу»"),
        (r"анықтамашы", "not a standard word: «анықтамалық бот»"),
        (r"рахмет", "one spelling: «Рақмет» (the 2013 orthographic dictionary)"),
        (r"тарапымда", "a calque of «on my side»"),
        (r"тыныштық сағат", "a calque of quiet hours"),
        (r"келіспеген жауап", "«answers that disagreed»: disputed answers are «даулы жауаптар»"),
        (r"хабарлама таратушы", "the broadcaster is «хабарландыруларға жауапты»"),
        (r"\{lang\} тіл", "{lang} is a code, not a language's name: «Атауы жоқ ({lang}).»"),
        (r"статус", "a hearing's status is its «күйі»"),
    ],
}


@pytest.mark.parametrize("lang", sorted(FORBIDDEN))
def test_forbidden_words_for_glossary_concepts(lang):
    problems = []
    for msgid, strings, _ in messages(lang):
        for text in strings:
            for pattern, why in FORBIDDEN[lang]:
                if re.search(pattern, text, re.IGNORECASE):
                    problems.append(f"{msgid!r}: {text!r} ({why})")
    assert not problems, "\n".join(problems)


def generic_area_msgids():
    """msgids where "area" is any place a resident follows (a region, a city, a district), not a district.
    In Russian "район" is the glossary's district, so these never say it."""
    found = []
    for msgid, _, _ in messages("ru"):
        words = re.sub(r"\{[^{}]*\}", " ", msgid)
        if re.search(r"\bareas?\b", words, re.IGNORECASE) and "district" not in msgid:
            found.append(msgid)
    return found


def test_russian_never_calls_a_generic_area_a_district():
    ids = generic_area_msgids()
    assert len(ids) >= 20 and "🏘 Area: {area}" in ids and "Broadcaster for which area?" in ids
    problems = [f"{msgid!r}: {text!r}" for msgid in ids for text in msgstrs("ru", msgid)
                if re.search(r"район|регион", text, re.IGNORECASE)]
    assert not problems, "\n".join(problems)


def test_russian_area_lines_in_announcements_and_the_scope_buttons():
    # Astana, Almaty and Shymkent are not regions, and a region's parts are not all districts: the scope
    # buttons name neither.
    assert msgstrs("ru", "📍 Only its own hearings") == ["📍 Только общие слушания"]
    assert msgstrs("ru", "🗺 With everything in it") == ["🗺 Вместе со всем, что входит"]
    assert msgstrs("ru", "🏘 Area: {area}") == ["🏘 Территория: {area}"]
    assert msgstrs("ru", "Broadcaster") == ["Ответственный за объявления"]


# Residents read "өткізілмейді" for a cancelled hearing; "болдырылмады" is software Kazakh.
RESIDENTS_CANCELLATION = (
    "❌ Cancelled: the public hearing “{title}” on {date} will not take place.",
    "The hearing is cancelled: open this file to remove it from your calendar.",
    "This hearing has been cancelled.",
)


@pytest.mark.parametrize("msgid", RESIDENTS_CANCELLATION)
def test_kazakh_residents_read_that_a_hearing_will_not_be_held(msgid):
    (text,) = msgstrs("kk", msgid)
    assert "өткізілмейді" in text and "болдыр" not in text


def test_the_law_date_line_puts_the_suffix_on_the_month_word():
    import datetime as dt

    (text,) = msgstrs("kk", "The law is stated as of {date}.")
    rendered = text.format(date=translator("kk").month(dt.date(2026, 3, 1)))  # "2026 ж. наурыз"
    assert rendered.replace("\u202f", " ") == "Заң нормалары 2026 ж. наурыз айындағы жағдай бойынша берілген."


def test_the_privacy_warning_names_the_national_id_number():
    msgid = ("Write your question for the hearing “{title}” in one message. Leave out your name, phone and "
             "ID numbers: the akimat gets the question, not who asked it.")
    assert "ЖСН" in msgstrs("kk", msgid)[0] and "ИИН" in msgstrs("ru", msgid)[0]


# ---- Russian: a number that varies never stands before a noun outside ngettext --------------------------
# "{length} символов" is wrong for 301 and 352; such a sentence says "длина {length}" or goes through
# ngettext, even for a constant (the 28 and 30 days of the editors' screens may change).
NOUN_AFTER_NUMBER = re.compile(r"\{(n|length|count)\}\s+[а-яё]{3,}", re.IGNORECASE)


def test_russian_numbers_before_nouns_go_through_ngettext():
    problems = [f"{msgid!r}: {text!r}" for msgid, strings, plural in messages("ru")
                if not plural for text in strings if NOUN_AFTER_NUMBER.search(text)]
    assert not problems, "\n".join(problems)


# ---- every count in the code is a plural pair ------------------------------------------------------------
# The code side of the rule above, for every language at once: a message with a count ({n}, {count},
# {length}) is a plural pair (ngettext, or Nn_ for a problem put into words later), since the words after
# a number follow it (1 day, 5 days; 1 день, 2 дня, 5 дней). The one exception is a number standing as the
# value after a label, "Sent: {n}" / "Отправлено: {n}", right for any number; it must stay one in the
# msgid and in every translation.
COUNT = re.compile(r"\{(?:n|count|length)\}")
LABELLED_COUNT = re.compile(r":\s*\{(?:n|count|length)\}(?!\s*[^\W\d_])")  # after a colon, no word after it
NOT_COUNTS = {
    "New hearing, step {n} of {total}.": "an ordinal: the step's number",
    "…and {n} more (see `qogam kb check`).": "no word follows the number: «…и ещё {n}», «…тағы {n}»",
}


def code_messages():
    """(file:line, msgid or (singular, plural)) for every message the code marks, as `make messages`
    extracts them."""
    bot = LOCALES_DIR.parent / "bot"
    return [(f"{name}:{line}", message)
            for name, line, message, _, _ in extract_from_dir(str(bot), keywords=KEYWORDS, comment_tags=())]


def only_labelled_counts(text):
    return len(COUNT.findall(text)) == len(LABELLED_COUNT.findall(text))


def test_the_count_check_tells_a_label_from_a_noun():
    for labelled in ("Sent: {n}", "Вопросов: {count}", "{language}: {count}, answered {answered}", "Жіберілді: {n}"):
        assert only_labelled_counts(labelled), labelled
    for counted in ("Reloaded: {n} entries, in {seconds} s.", "за последние {n} дней", "Соңғы {n} күнде",
                    "The place is {length} characters long", "Sent: {n}, {count} left"):
        assert not only_labelled_counts(counted), counted


def test_the_extractor_sees_the_plural_pairs_marked_for_later():
    pairs = {message for _, message in code_messages() if isinstance(message, tuple)}
    assert ("The place is {n} character long; at most {limit} fit.",
            "The place is {n} characters long; at most {limit} fit.") in pairs


def test_every_count_in_the_code_is_a_plural_pair():
    problems = []
    for where, message in code_messages():
        if isinstance(message, tuple) or not COUNT.search(message) or message in NOT_COUNTS:
            continue
        # A message not yet in the catalogs is test_i18n's to report; here its msgid is checked alone.
        texts = [message, *(text for lang in LANGUAGES for text in translations(lang).get(message, ()))]
        if not all(only_labelled_counts(text) for text in texts):
            problems.append(f"{where}: {message!r} needs ngettext (or Nn_)")
    assert not problems, "\n".join(problems)


# ---- English: the msgids are the English text -----------------------------------------------------------
# An English msgstr that differs means the msgid is not what English readers see: rename the msgid in the
# code instead ("🔔 Notify me when answered" was "🔔 Tell me when there is an answer" with a shorter msgstr).
def test_the_english_catalog_repeats_its_msgids():
    differ = []
    for message in read_catalog("en"):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        if strings != ids:
            differ.append(f"{ids[0]!r}: {strings[0]!r}")
    assert not differ, "\n".join(differ)


# ---- (c) one spelling of "thank you" in Kazakh ---------------------------------------------------------
def test_kazakh_thanks_are_spelled_one_way():
    thanks = [text for _, strings, _ in messages("kk") for text in strings
              if re.search(r"ра[қх]мет", text, re.IGNORECASE)]
    assert len(thanks) >= 4 and all("Рақмет" in text for text in thanks), thanks


# ---- (d) button labels fit a narrow phone ----------------------------------------------------------------
# Every msgid used as a button label (grep "Button(" and InlineKeyboardButton in bot/). Rendered with
# the longest realistic values, each label in each language is under 30 characters.
MAX_BUTTON = 30
BUTTONS = (
    # residents
    "None of these", "Wrong topic", "Outdated", "Unclear", "Yes, delete", "« All topics",
    "🔔 Notify me when answered", "Yes, subscribe", "« All regions", "Open a private chat", "Ask Qogam",
    "‹ Back", "More ›", "📍 Only its own hearings", "🗺 With everything in it",
    # under an announcement
    "📅 Add to calendar", "✋ I'll attend", "❓ Ask a question", "🔕 Unsubscribe", "📅 Update the calendar",
    "📅 Remove from the calendar",
    # broadcasters
    "➕ New hearing", "✎ Continue the draft", "{n} min", "Skip ›", "✖ Discard the draft",
    "📣 Send to {n} subscriber", "⚡ Urgent: on", "⚡ Urgent: off", "❓ Questions", "✏️ Change time or place",
    "❌ Cancel the hearing", "📝 Publish the results", "« All hearings", "Keep it ›", "📣 Send the correction",
    "Yes, cancel the hearing", "📣 Send the results",
    # editors
    "👎 Disputed answers", "🔎 Another entry…", "📝 Needs a new entry", "⛔ Not our topic",
    "🚫 Ignore such questions", "« All clusters", "« Back",
    # admins
    "➕ Grant a role", "Editor", "Broadcaster", "✖ Revoke #{number}",
)
# Buttons that carry a name: an entry title (cut to 20). The name can fill much of the width, so the
# label's own words stay short, and with a short name the whole fits. An area's name (up to 30 characters
# on its own, "Восточно-Казахстанская область") never shares a label with words: the screen names the area
# above its buttons (OWN_HEARINGS and WITH_EVERYTHING in subscriptions.py), the areas a resident follows or
# typed are buttons with the name alone ("✖ {name}", "2. {name}"), and a role to revoke is a number.
NAMED_BUTTONS = ("➕ Phrasing of: {title}",)
MAX_LABEL_WORDS = 15
# Longest realistic numbers: subscribers of a city of a million (five digits), the longest duration
# offered as a button, a list of roles of an akimat's staff.
NUMBERS = {"📣 Send to {n} subscriber": 99_999, "{n} min": 180, "✖ Revoke #{number}": 999}


def test_the_button_list_matches_the_code():
    """Each listed msgid is one the code puts on a button (the code is being restructured: a renamed
    or removed label must be removed here too)."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (LOCALES_DIR.parent / "bot").rglob("*.py"))
    for msgid in (*BUTTONS, *NAMED_BUTTONS):
        assert f'"{msgid}"' in code, msgid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_button_labels_are_under_30_characters(lang):
    problems = []
    for msgid in BUTTONS:
        for text in msgstrs(lang, msgid):
            number = NUMBERS.get(msgid, 0)
            rendered = text.format(n=number, number=number) if placeholders(text) else text
            if len(rendered) >= MAX_BUTTON:
                problems.append(f"{msgid!r}: {rendered!r} ({len(rendered)})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_named_button_labels_leave_the_width_to_the_name(lang):
    areas = load_areas_or_fail()
    short_area = areas.get("ast").name(lang)  # Astana: a real, short name
    problems = []
    for msgid in NAMED_BUTTONS:
        for text in msgstrs(lang, msgid):
            words = text.format(area="", title="").strip()
            if len(words) > MAX_LABEL_WORDS:
                problems.append(f"{msgid!r}: the label's own words {words!r} are {len(words)} characters")
            rendered = text.format(area=short_area, title="Бюджет села")
            if len(rendered) >= MAX_BUTTON:
                problems.append(f"{msgid!r}: {rendered!r} ({len(rendered)})")
    assert not problems, "\n".join(problems)


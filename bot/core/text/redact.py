"""Remove personal data from residents' questions before they are stored for editors.

Residents paste their IIN, phone, card, address or name into a question ("my IIN is ..., why no
answer?"). Editors need the question, not the person: personal data is replaced by a placeholder.

`RULES` below is the whole policy, in the order it is applied: identifiers first (an e-mail or an
IBAN contains digits that a later rule would misread), then phones, plates, addresses, and names last
(a street such as "пр. Назарбаева 12" is an address, not a person). Each rule is a regex with an
optional check; where a rule has a group named `pii`, only that group is replaced, so the cue stays
("меня зовут [NAME]"). Phone numbers are found by libphonenumber, which knows Kazakhstan's numbering
plan; a regex row catches the phone-shaped numbers it rejects (typos, unallocated ranges).

What must survive is just as much the policy: legal references ("Закон № 148-II", "ст. 35-39"),
dates, times, years, amounts and short numbers (1414, 109). Every digit rule therefore counts digits
exactly and refuses dates and round amounts; names need a cue or a patronymic, never just a capital.
bench/redaction.py measures both sides on a planted set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn

from bot.core.text.hygiene import scrub

IIN = "[IIN]"
PHONE = "[PHONE]"
EMAIL = "[EMAIL]"
CARD = "[CARD]"
IBAN = "[IBAN]"
ID = "[ID]"
PLATE = "[PLATE]"
NAME = "[NAME]"
ADDRESS = "[ADDRESS]"


@dataclass(frozen=True)
class Rule:
    name: str
    placeholder: str
    pattern: re.Pattern[str] | None = None
    # A further check on what the pattern found (a checksum, not a date); None accepts every match.
    check: Callable[[re.Match[str]], bool] | None = None
    # Instead of a pattern: a function yielding (start, end) spans to replace.
    find: Callable[[str], Iterator[tuple[int, int]]] | None = None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Where this rule finds personal data in text, in order."""
        if self.find is not None:
            yield from self.find(text)
            return
        assert self.pattern is not None
        for m in self.pattern.finditer(text):
            if self.check is None or self.check(m):
                yield m.span("pii") if "pii" in self.pattern.groupindex else m.span()


# --- Building blocks --------------------------------------------------------------------------------

# One separator between digit groups: a space, a dash or a dot, possibly with spaces around ("4400 - 4301").
_SEP = r"(?:[ \u00a0\u202f]?[-‐‑–—.][ \u00a0\u202f]?|[ \u00a0\u202f])"
# A run of digit groups, whole: it starts after no digit and takes every following group, so a date
# range or a list of years is judged as one number and never cut into a 12-digit "IIN". After a "+"
# it is an international phone number (+996 555 123 456), left to the phone rules.
_CHAIN = (rf"(?<![\d+])(?<!\+[ \u00a0])(?<!\d[ \u00a0\u202f.\-‐‑–—])(?<!\d[ \u00a0][-‐‑–—.][ \u00a0])"
          rf"\d+(?:{_SEP}\d+){{0,11}}(?!{_SEP}?\d)")
# Spelled-out e-mail parts: "[at]", "(at)", " собака ", " at "; "[dot]", " dot ", " точка ", or a bare dot.
_AT_MARKED = (r"(?:[ \t]{0,3}[\[({<][ \t]{0,2}(?i:at|собака|собачка|@)[ \t]{0,2}[\])}>][ \t]{0,3}"
              r"|[ \t]{1,3}(?i:собака|собачка)[ \t]{1,3})")
_DOT_SPELLED = (r"(?:[ \t]{0,3}[\[({<][ \t]{0,2}(?i:dot|точка|тчк|\.)[ \t]{0,2}[\])}>][ \t]{0,3}"
                r"|[ \t]{1,3}(?i:dot|точка|тчк)[ \t]{1,3})")
_DOT = rf"(?:{_DOT_SPELLED}|\.)"
_MAIL_HOSTS = r"(?i:mail|gmail|yandex|ya|inbox|bk|list|rambler|outlook|hotmail|yahoo|icloud|proton|protonmail)"
_TLD = r"(?:kz|ru|com|net|org|info|biz|edu|gov|io|me|ua|by|uz|kg|tj|az|ge|de|uk|us|su|рф|қаз|co|tr)(?![\w])"
_UP = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_LO = "a-zа-яёәғқңөұүһі"
# Capitalised words that begin a sentence or a greeting, not a name: they never start a [NAME].
_NOT_NAMES = (
    "Здравствуйте|Добрый|Доброе|Привет|Уважаемый|Уважаемая|Уважаемые|Прошу|Спасибо|Пожалуйста|Скажите|"
    "Подскажите|Почему|Когда|Где|Как|Кто|Что|Это|Мой|Моя|Меня|Мне|Мы|Вы|Я|Аким|Акимат|Маслихат|Сәлеметсіз|"
    "Сәлем|Құрметті|Рахмет|Мен|Менің|Біз|Неге|Қашан|Қайда|Hello|Hi|Dear|Please|Thanks|Thank|Why|When|"
    "Where|What|The|My|We|Not|Sure|Kazakh|Russian|Kazakhstan|Almaty|Astana|Here|Writing|From|Also|Sorry|"
    "Казах|Казашка|Русский|Русская|Гражданин|Гражданка|Пенсионер|Пенсионерка|Житель|Жительница|Инвалид|Астана|Алматы"
)
_CAP = rf"(?!(?:{_NOT_NAMES})(?![{_LO}]))[{_UP}][{_LO}]+(?:-[{_UP}]?[{_LO}]+)?"
_WORD = rf"[{_UP}{_LO}]+(?:-[{_UP}{_LO}]+)?"
# A house or flat number: 15, 15а, 15/2, 183/1-131 (house-flat); never a year ("3 кв. 2026 года"),
# a time or a decimal.
_HOUSE = r"(?!(?:19|20)\d\d(?!\d))\d{1,4}[а-яa-z]?(?:[/-]\d{1,4}){0,2}(?!\d)(?![:.,]\d)"
# A street's name: "Абая", "Кабанбай батыра", "Жібек жолы", "Самал-2", «Нурлы Тау», or a number ("мкр 5").
_STREET = (rf"(?:«[^»\n]{{1,40}}»|\"[^\"\n]{{1,40}}\"|{_CAP}(?:-\d{{1,2}})?"
           rf"(?:[ \u00a0]+(?:{_CAP}|батыр[аы]?|би|жолы|ата|хан[аы]?|ел|batyr|bi|zholy|ata|khan|el)(?:-\d{{1,2}})?)?"
           rf"|\d{{1,2}}(?!\d))")
# House number(s) then a flat: "15", ", д. 15", "15/2, кв. 7", "15-7", ", 93 үй, 7 пәтер".
_NUMBERS = (r"(?:,?[ \u00a0]*(?i:д\.|дом|үй|house|№)?[ \u00a0]*" + _HOUSE + r"(?![ ]пәтер)(?:[ ]үй)?){1,2}"
            r"(?:,?[ \u00a0]*(?:(?i:кв\.?|квартира|пәтер|apt\.?|flat)[ \u00a0]*\d{1,4}|\d{1,4}[ ]пәтер))?")
# Lower-case words that can only be a surname or a patronymic: "айгуль серикова", "timur zhaksybekov".
_NAME_TAIL = (rf"[{_LO}]+(?:ов|ев|ин|ова|ева|ина|ын|ына|ская|ский|енко|ук|юк|ян|бек|ович|евич|овна|евна|инична|"
              rf"ұлы|улы|қызы|кызы|ov|ev|ova|eva|ina|enko|bek|uly|kyzy|qyzy|ovich|evich|ovna|evna)(?![\w])")
# After an explicit cue: one to three capitalised words, or in lower case one word and what can only be
# a surname or patronymic ("меня зовут айгуль и ...": only "айгуль" goes, not the rest of the sentence).
_NAME_AFTER_CUE = rf"(?P<pii>{_CAP}(?:[ \u00a0]+{_CAP}){{0,2}}|{_WORD}(?:[ \u00a0]+{_NAME_TAIL}){{0,2}})"
# With the Russian and Kazakh case endings: "Айгуль Нурлановне", "Асқар Серікұлына". Of "-ична" only
# "-инична" (Ильинична): "Типична", "Логична", "Критична" begin sentences too.
_PATRONYMIC = (r"(?:(?:ович|евич)(?:а|у|ем|е)?|(?:овн|евн|иничн)(?:а|ы|е|у|ой|ою)"
               r"|(?:ұлы|улы|қызы|кызы)(?:на|ның|нан|мен|н)?|ovich|evich|ovna|evna|uly|kyzy|qyzy|uli|kizi)")
_SURNAME = (rf"[{_UP}][{_LO}]+(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|енко|ук|юк|бек|бай"
            rf"|ov|ev|ova|eva|in|ina)")

# Words after an amount: the number is money or a count, not an identifier.
_UNIT = re.compile(
    r"[ \u00a0]*(?:тенге|теңге|тг|₸|kzt|tenge|руб|долл|\$|usd|евро|eur|млн|млрд|тыс|мың|миллион|миллиард|"
    r"million|billion|человек|адам|people|голос|дауыс|vote|%|процент|пайыз|км|га|тонн|шт)",
    re.IGNORECASE,
)
# A date ends there: "20.12.43.644989" (an IIN grouped by birth date) goes on with more digits.
_DATE = re.compile(r"(?<!\d)(?<!\d\.)(?:(?:0?[1-9]|[12]\d|3[01])[./](?:0?[1-9]|1[0-2])[./](?:19|20)?\d\d"
                   r"|(?:19|20)\d\d-[01]\d-[0-3]\d)(?![.\-]?\d)")
_THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _digits(text: str) -> str:
    return "".join(str(int(c)) for c in text if c.isdecimal())


def _not_a_figure(m: re.Match[str], span: str | None = None) -> bool:
    """False for a date, a date range, a list of years or an amount: figures that must stay."""
    text = m.group(span or 0)
    if _DATE.search(text):
        return False
    groups = re.findall(r"\d+", text)
    if len(groups) > 1 and all(_YEAR.fullmatch(g) for g in groups):
        return False
    round_or_counted = all(g == "000" for g in groups[1:]) or _UNIT.match(m.string, m.end(span or 0))
    return not (_THOUSANDS.fullmatch(text) and round_or_counted)


def _count(n: int, low: int | None = None, span: str | None = None) -> Callable[[re.Match[str]], bool]:
    """A chain of exactly n digits (or low..n) that is not a date or an amount."""
    def check(m: re.Match[str]) -> bool:
        count = len(_digits(m.group(span or 0)))
        return (low or n) <= count <= n and _not_a_figure(m, span)
    return check


_CARD_CUE = re.compile(r"(?i:карт|card|kaspi|visa|master|мир\b|халык|halyk)")


def _card(m: re.Match[str]) -> bool:
    # A card is Luhn-valid, written in fours, or named: a long reference number (a case or application
    # number editors need to follow a complaint up) is none of these and stays.
    digits = _digits(m.group(0))
    if not (13 <= len(digits) <= 19 and _not_a_figure(m)):
        return False
    fours = re.fullmatch(rf"\d{{4}}(?:{_SEP}\d{{4}}){{2,3}}(?:{_SEP}\d{{1,4}})?", m.group(0))
    named = _CARD_CUE.search(m.string, max(0, m.start() - 30), m.start())
    return bool(fours) or luhn.is_valid(digits) or bool(named)


def _iban(m: re.Match[str]) -> bool:
    return stdnum_iban.is_valid(m.group(0))


_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def _law_number(m: re.Match[str]) -> bool:
    # "№ 148-II 23 января": a number, a dash and a roman numeral is a law's number, not a plate.
    return m.group("dash") == "-" and bool(_ROMAN.fullmatch(m.group("series")))


def _plate_region(m: re.Match[str]) -> bool:
    # Current plates end with a region code, 01 (Astana) to 20 (Ulytau).
    return 1 <= int(m.group("region")) <= 20 and not (_law_number(m) and m.group("dash2") != "-")


_NOT_A_KAZAKH_NAME = re.compile(r"(?:дан|ден|тан|тен|нан|нен|лық|лік|шы|ші)-?(?:мын|мін|пын|пін|бын|бін)$")


def _kazakh_self_name(m: re.Match[str]) -> bool:
    # "Мен Алматыданмын" (I am from Almaty) and "Мен зейнеткермін" are not names: ablative and
    # "-лық" (resident of) endings are refused; the word must be capitalised anyway.
    return not _NOT_A_KAZAKH_NAME.search(m.group("pii"))


# Where a phone number may be: libphonenumber reads only these stretches, not the whole question
# (it takes a third of a millisecond on a 300-character one).
_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d \u00a0\-.()]{5,24}\d")


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for candidate in _PHONE_CANDIDATE.finditer(text):
        if sum(c.isdecimal() for c in candidate.group()) < 9:  # a date, a count: no phone is shorter
            continue
        # VALID (not POSSIBLE): POSSIBLE also takes "1 000 000" or "12 345 678 90" for numbers.
        matches = phonenumbers.PhoneNumberMatcher(candidate.group(), "KZ", leniency=phonenumbers.Leniency.VALID)
        for match in matches:
            start, end = candidate.start() + match.start, candidate.start() + match.end
            if _THOUSANDS.fullmatch(match.raw_string.lstrip("+( ")) and _UNIT.match(text, end):
                continue  # "7 000 000 000 тенге" is a valid mobile number too
            if phonenumbers.number_type(match.number) == phonenumbers.PhoneNumberType.TOLL_FREE:
                continue  # 8 800 ...: an organisation's hotline, which editors need, never a resident's
            yield start, end


def _phone_shape(m: re.Match[str]) -> bool:
    digits = _digits(m.group(0))
    return not digits[-10:].startswith("800") and _not_a_figure(m)


# --- The rules, in order ----------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # aigul.n+akimat@mail.kz
    Rule("e-mail", EMAIL, re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    # "имя @ mail . ru", "aigul @mail.kz": spaces around the @ and the dots.
    Rule("e-mail, spaced", EMAIL, re.compile(
        r"(?<![\w.+\-])[\w.+\-]+[ \t]{0,3}@[ \t]{0,3}[\w\-]+(?:[ \t]{0,3}\.[ \t]{0,3}[\w\-]+){0,2}?"
        r"[ \t]{0,3}\.[ \t]{0,3}" + _TLD)),
    # "name [at] mail [dot] ru", "name собака mail.ru", "name (at) gmail.com". A spelled-out address
    # must end in a known top-level domain in lower case, so "I stay at home. Me and ..." stays.
    Rule("e-mail, marked @", EMAIL, re.compile(
        r"(?<![\w.+\-])[\w.+\-]+" + _AT_MARKED + r"[\w\-]+(?:" + _DOT + r"[\w\-]+){0,2}?" + _DOT + _TLD)),
    # "name at mail dot kz", "name at gmail.com". A bare " at " is also English for a website
    # ("commented on at legalacts.egov.kz"), so it needs a spelled-out dot or a mail provider's host.
    Rule("e-mail, ' at '", EMAIL, re.compile(
        r"(?<![\w.+\-])[\w.+\-]+[ \t]{1,3}(?i:at)[ \t]{1,3}"
        r"(?:[\w\-]+(?:" + _DOT + r"[\w\-]+){0,2}?" + _DOT_SPELLED + r"|" + _MAIL_HOSTS + _DOT + r")" + _TLD)),
    # KZ86 125K ZT50 0410 0100, KZ86125KZT5004100100, KZ 86 125K ...: a Kazakh IBAN's shape is
    # distinctive enough to go even with a typo in it (the mod-97 check is for foreign IBANs, below).
    Rule("IBAN, Kazakh", IBAN, re.compile(
        r"(?<![0-9A-Za-z])[Kk][Zz][ ]?\d\d(?:[ \u00a0\-]?[0-9A-Za-z]){16}(?![0-9A-Za-z])")),
    # DE89 3704 0044 0532 0130 00: any country's IBAN that passes ISO 13616 mod 97.
    Rule("IBAN, other countries", IBAN, re.compile(
        r"(?<![0-9A-Za-z])[A-Z]{2}\d\d(?:[ \u00a0]?[0-9A-Z]){11,30}(?![0-9A-Za-z])"), _iban),
    # 4400 4301 2345 6789, 4400-4301-2345-6789, 4400.4301.2345.6789, 4400 - 4301 - ..., 4400430123456789.
    Rule("card number", CARD, re.compile(_CHAIN), _card),
    # 900101300123 and 12 digits in any grouping: 900 101 300 123, 9001-0130-0123, 900101 300123,
    # 900.101.300.123. Individuals' IIN and organisations' BIN look alike; both go, typo or not.
    Rule("IIN/BIN", IIN, re.compile(_CHAIN), _count(12)),
    # "удостоверение личности № 045678912", "уд. 045678912", "жеке куәлік 045678912", "ID card 045678912",
    # "номер документа 045678912", "№ 045678912": the 9-digit ID card number needs a cue; a bare
    # 9-digit number may be an amount.
    Rule("ID card, after a cue", ID, re.compile(
        r"(?:(?i:удостоверени\w*|уд\.(?:[ ]?л\.)?|удв\.?|жеке[ ]+куәлі\w*|куәлі\w*|id[ \-]?card|identity[ ]+card|"
        r"документ\w*|құжат\w*)"
        r"|\bID\b|№)[^\d\n]{0,40}?(?P<pii>\d+(?:" + _SEP + r"\d+){0,4})(?!" + _SEP + r"?\d)"),
        _count(9, span="pii")),
    # "паспорт N12345678", "passport № 12345678", "төлқұжат N 12345678", a Russian "паспорт 45 06 123456".
    Rule("passport, after a cue", ID, re.compile(
        r"(?i:паспорт\w*|passport|төлқұжат\w*)[^\d\n]{0,40}?"
        r"(?P<pii>(?:[A-ZА-Я]{1,2}[ ]?)?\d+(?:" + _SEP + r"\d+){0,3})(?!" + _SEP + r"?\d)"),
        _count(10, low=6, span="pii")),
    # N12345678, N 12345678 (Cyrillic Н too): the Kazakh passport number alone.
    Rule("passport number", ID, re.compile(r"(?<![\w])[NНn][ ]?\d{8}(?!\d)")),
    # +7 701 123 45 67, 8(701)123-45-67, 8 7172 12 34 56, 87011234567, 7011234567: libphonenumber.
    Rule("phone (libphonenumber)", PHONE, find=_phones),
    # Phone-shaped numbers libphonenumber refuses: +7 or 8 and ten digits, or ten digits starting with 7
    # (every Kazakh code does), in any grouping, even glued to a word ("tel87011234567"); amounts excepted.
    Rule("phone, shape", PHONE, re.compile(
        r"(?<![\d+])(?:(?:\+[ \u00a0]?7|8)[ \u00a0\-.]{0,3}\(?[ ]?\d|7)(?:[ \u00a0\-.()]{0,3}\d){9}(?!\d)"),
        _phone_shape),
    # 123 ABC 02, 123ABC02, 123 AB 02 (organisations), 123-ABC-02; Cyrillic look-alikes (123 АВС 02).
    Rule("car plate", PLATE, re.compile(
        r"(?<![\w])\d{3}(?P<dash>[ \-]?)(?P<series>[A-ZАВЕКМНОРСТХУ]{2,3})(?P<dash2>[ \-]?)(?P<region>\d\d)(?![\w])"),
        _plate_region),
    Rule("car plate, lower case", PLATE, re.compile(
        r"(?<![\w])\d{3}(?P<dash>)(?P<series>[a-zавекмнорстху]{2,3})(?P<dash2>)(?P<region>\d\d)(?![\w])"),
        _plate_region),
    # A 123 BCD, Z123ABC: the pre-2012 format, a region letter, three digits and a three-letter series.
    Rule("car plate, old format", PLATE, re.compile(
        r"(?<![\w])[A-ZАВЕКМНОРСТХУ][ \-]?\d{3}(?P<dash>[ \-]?)(?P<series>[A-ZАВЕКМНОРСТХУ]{3})(?![\w])"),
        lambda m: not _law_number(m)),
    # "ул. Абая 15", "улица Абая, д. 15, кв. 7", "пр. Назарбаева 12", "мкр Самал-2, д. 5", "мкр. Аксай 4, 12".
    # The street goes only with a house number: "на ул. Абая нет света" is a civic issue that editors
    # need, and a street alone identifies no one. The city stays.
    Rule("address, street type first", ADDRESS, re.compile(
        r"(?<![\w])(?i:ул\.?|улиц[аеуы]|пр\.|пр-т\.?|просп\.?|проспект[аеу]?|пер\.|переул(?:ок|ке|ка)|б-р|"
        r"бул\.|бульвар[аеу]?|мкр\.?|мкрн\.?|микрорайон[аеу]?|м-н|шағын[ ]аудан[ыі]?|ықшам[ ]аудан[ыі]?|"
        r"microdistrict|mkr\.?)[ \u00a0]*" + _STREET + _NUMBERS)),
    # "Абай көшесі 15", "Абай даңғылы 10", "Самал-2 шағын ауданы, 5 үй", "Abay street 15", "Abay Ave 10",
    # "Самал-2 мкр, дом 5".
    Rule("address, street type after the name", ADDRESS, re.compile(
        r"(?<![\w])" + _STREET + r"[ \u00a0]+"
        r"(?:көшесі|көш\.|к-сі|даңғылы|даңғ\.|шағын[ ]ауданы|ықшам[ ]ауданы|ш\.а\.?|мкр\.?|микрорайон|"
        r"(?i:street|st\.?|avenue|ave\.?|str\.?))" + _NUMBERS)),
    # "15 Abay street", "12 Dostyk Ave".
    Rule("address, English number first", ADDRESS, re.compile(
        r"(?<![\w/\-])" + _HOUSE + r"[ \u00a0]+" + _STREET + r"[ \u00a0]+(?i:street|st\.?|avenue|ave\.?)(?![\w])")),
    # "живу на Ауэзова 64", "проживаю по Жибек жолы 48а", "I live at Abay 15": no street type, but
    # the cue says a home address follows.
    Rule("address, after 'живу на'", ADDRESS, re.compile(
        r"(?<![\w])(?i:живу|живём|живем|проживаю|проживаем|i[ ]live|we[ ]live)[ \u00a0]+"
        r"(?i:на|по|в|at|on)[ \u00a0]+"
        r"(?P<pii>" + _STREET + _NUMBERS + r")")),
    # "кв. 45", "квартира 45", "пәтер 12", "үй 5", "дом 5", "д. 5", "5 үй", "в доме 5 по ул. Абая":
    # house and flat numbers alone.
    Rule("address, house or flat number", ADDRESS, re.compile(
        r"(?<![\w/\-])(?:(?i:кв\.?|квартира|пәтер|үй|дом[еу]?|д\.|apt\.?|flat|house)[ \u00a0]*№?[ \u00a0]*" + _HOUSE
        + r"(?:[ \u00a0]+по[ \u00a0]+(?i:ул\.?|улице|пр\.|проспекту|пр-ту|мкр\.?|микрорайону)[ \u00a0]*"
        + _STREET + r")?"
        r"|" + _HOUSE + r"[ \u00a0]*(?:үй|пәтер))(?![\w])")),
    # "меня зовут Айгуль", "его зовут Асқар Нұрланұлы" (not "как зовут акима").
    Rule("name, after 'меня зовут'", NAME, re.compile(
        r"(?<![\w])(?i:(?:меня|его|её|ее)[ ]+зовут|зовут[ ]+меня)(?![\w])"
        r"[ \u00a0]*[,:\-–—]?[ \u00a0]*" + _NAME_AFTER_CUE)),
    # "я Аскар, живу тут 10 лет", "Я Айгуль Серикова из 5 мкр": the Russian "I am <Name>", with the
    # name followed by a comma, a full stop or "из/с/живу", so "я Пенсионерка" and such stay rare.
    Rule("name, Russian 'я <Имя>'", NAME, re.compile(
        r"(?<![\w])[Яя][ \u00a0]+(?:—[ ]+)?(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r"){0,2})"
        r"(?=[ \u00a0]*[,.!;—–)]|[ \u00a0]+(?:из|с|живу|пишу|обращаюсь|житель|жительница)(?![\w])|[ \u00a0]*$)")),
    # "Мен Айгүл Серікқызымын", "мен Асқармын": the name carries the "I am" ending.
    Rule("name, Kazakh 'мен ...-мын'", NAME, re.compile(
        r"(?<![\w])(?i:мен)[ \u00a0]+(?P<pii>(?:" + _CAP + r"[ \u00a0]+){0,2}[" + _UP + r"][" + _LO + r"]+?-?"
        r"(?:мын|мін|пын|пін|бын|бін))(?![\w])"), _kazakh_self_name),
    # "мен әсел омаровамын": in lower case only when the "I am" ending sits on a surname.
    Rule("name, Kazakh 'мен ...-мын' in lower case", NAME, re.compile(
        r"(?<![\w])(?i:мен)[ \u00a0]+(?P<pii>(?:" + _WORD + r"[ \u00a0]+){0,2}[" + _LO + r"]+"
        r"(?:ов|ев|ова|ева|ин|ина|ұлы|қызы)-?(?:мын|мін|пын|пін|бын|бін))(?![\w])")),
    # "это Людмила из 5-го дома", "бұл Ерлан, 3-үйден", "this is Askar from block 5": "this is" with a
    # capitalised word and then where the resident is from.
    Rule("name, 'это <Имя> из'", NAME, re.compile(
        r"(?<![\w])(?i:это|бұл|this[ ]is)[ \u00a0]+(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r")?)"
        r"(?=[ \u00a0]*,|[ \u00a0]+(?i:из|с|from)(?![\w]))")),
    # "менің атым Айгүл", "атым Асқар", "есімім Айгүл".
    Rule("name, 'атым'", NAME, re.compile(
        r"(?<![\w])(?i:атым|есімім|аты-жөнім)(?![\w])[ \u00a0]*[,:\-–—]?[ \u00a0]*" + _NAME_AFTER_CUE)),
    # "my name is John Smith", "my name's Aigul".
    Rule("name, 'my name is'", NAME, re.compile(
        r"(?<![\w])(?i:my[ ]+name[ ]+is|my[ ]+name's|my[ ]+name’s)(?![\w'’])[ \u00a0]*" + _NAME_AFTER_CUE)),
    # "I am Aigul Nurlanovna", "I'm Askar": capitalised words only ("I am worried" stays), and not
    # the common capitals after "I am" (Kazakh, Not, Sure).
    Rule("name, 'I am'", NAME, re.compile(
        r"(?<![\w])(?:I[ ]+am|I'm|I’m)[ \u00a0]+(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r"){0,2})(?![\w])")),
    # "ФИО: Иванов Иван Иванович", "ФИО заявителя: ...", "Ф.И.О.: ...", "Аты-жөні: Серікова Айгүл",
    # "Full name: ...". With a colon any case goes; without one, capitalised words only.
    Rule("name, 'ФИО' / 'Аты-жөні'", NAME, re.compile(
        r"(?<![\w])(?:ФИО|(?i:ф\.[ ]?и\.[ ]?о\.?|фио|аты-жөні|full[ ]name|name))(?![\w])"
        r"(?:[ \u00a0]+[" + _LO + r"]+){0,2}"
        r"[ \u00a0]*[:\-–—][ \u00a0]*"
        r"(?P<pii>" + _WORD + r"(?:[ \u00a0]+" + _WORD + r"){0,2})")),
    Rule("name, 'ФИО' without a colon", NAME, re.compile(
        r"(?<![\w])(?:ФИО|Ф\.[ ]?И\.[ ]?О\.?)[ \u00a0]+(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r"){0,2})")),
    # "фио кузнецов сергей александрович": in lower case only a full name ending in a patronymic.
    Rule("name, 'фио' in lower case", NAME, re.compile(
        r"(?<![\w])(?i:фио|ф\.и\.о\.)[ \u00a0]+(?P<pii>(?:" + _WORD + r"[ \u00a0]+){1,2}[" + _LO + r"]+"
        + _PATRONYMIC + r")(?![\w])")),
    # "С уважением, Айгуль Н.", "Құрметпен, Асқар", "Best regards, John".
    Rule("name, signature", NAME, re.compile(
        r"(?<![\w])(?i:с[ ]+уважением|с[ ]+уваж\.|құрметпен|(?:best[ ]+|kind[ ]+)?regards|sincerely)(?![\w])"
        r"[ \u00a0]*(?:[,:\-–—\n][\s]{0,3})?(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r"){0,2}"
        r"(?:[ \u00a0]+[" + _UP + r"]\.)?"
        r"|(?:(?<=[,:\n])|(?<=[,:\n][ \n]))" + _WORD + r"(?:[ \u00a0]+" + _NAME_TAIL + r"){0,2})")),
    # Иванов Иван Иванович, Айгүл Серікқызы, Асқар Нұрланұлы Серіков, Nurlan Serikuly: a patronymic
    # with the capitalised words before it (surname, first name) and a surname after it.
    Rule("name, patronymic", NAME, re.compile(
        r"(?<![\w])(?:" + _CAP + r"[ \u00a0]+){0,2}(?:[" + _UP + r"][" + _LO + r"]+" + _PATRONYMIC
        + r"|" + _CAP + r"[ \u00a0]+(?:ұлы|улы|қызы|кызы))(?![\w])(?:[ \u00a0]+" + _SURNAME + r"(?![\w]))?")),
    # "татьяна петровна", "нұрланов қайрат нұрланұлы": typed in lower case, a patronymic still marks a
    # name, with the word before it (and a surname-like word around it). Short adjectives that end
    # like one ("не виновна", "безусловна", "царевна") are not patronymics.
    Rule("name, patronymic in lower case", NAME, re.compile(
        r"(?<![\w])(?:" + _NAME_TAIL + r"[ \u00a0]+)?[" + _LO + r"]{2,}[ \u00a0]+"
        r"(?![" + _LO + r"]*(?:виновн|условн|духовн|греховн|любовн|кровн|царев|королев))"
        r"[" + _LO + r"]{3,}(?:ович|евич|овн[аеуы]|евн[аеуы]|ұлы|қызы|кызы|ovich|evich|ovna|evna|uly|kyzy)(?![\w])"
        r"(?:[ \u00a0]+" + _NAME_TAIL + r")?")),
    # Иванов И.И., Иванова А. С., И.И. Иванов: a surname with initials. Latin I, V, X alone are
    # roman numerals ("Глава I. Общие положения"), not initials.
    Rule("name, initials", NAME, re.compile(
        r"(?<![\w])(?:" + _CAP + r"[ \u00a0]+(?![IVX]\.)[" + _UP + r"]\.[ ]?(?:[" + _UP + r"]\.)?"
        r"|(?![IVX]\.)[" + _UP + r"]\.[ ]?(?:[" + _UP + r"]\.[ ]?)?" + _CAP + r")(?![\w])")),
)

# A soft hyphen carries nothing in a question but would split a number in two (scrub takes the
# zero-width characters, escape sequences and controls that would).
_INVISIBLE = re.compile("[\u00ad]")


def redact(text: str) -> str:
    """The text without personal data, scrubbed (bot/core/text/hygiene.py) first: what is stored."""
    text = _INVISIBLE.sub("", scrub(text))
    for rule in RULES:
        spans = list(rule.spans(text))
        if spans:
            parts, last = [], 0
            for start, end in spans:
                parts += [text[last:start], rule.placeholder]
                last = end
            text = "".join(parts) + text[last:]
    return text

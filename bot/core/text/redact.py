"""Remove personal data from residents' questions before they are stored for editors.

Residents paste their IIN, phone, card, address or name into a question ("my IIN is ..., why no
answer?"). Editors need the question, not the person: personal data is replaced by a placeholder.

`RULES` below is the whole policy, in the order it is applied: identifiers first (an e-mail or an
IBAN contains digits that a later rule would misread), then phones, plates, addresses, and names last
(a street such as "пр. Назарбаева 12" is an address, not a person). Each rule is a regex with an
optional check; where a rule has a group named `pii`, only that group is replaced, so the cue stays
("меня зовут [NAME]"). Phone numbers are found by libphonenumber, which knows Kazakhstan's numbering
plan; a regex row catches the phone-shaped numbers it rejects (typos, unallocated ranges).

People write to get past filters and type on whatever keyboard they have, so each rule takes a class
of spellings, not an example: an e-mail's @ and dots spelled out in any of the usual ways (at, эт,
собака, (at), [dot], точка, %, a glued "dot"), every dash and space width inside numbers (en and em
dash, figure dash, minus, narrow and thin spaces), a trunk 0 for the 8, every number sign (№, Nº,
N°, No., N) before a document number, a greeting or introduction before a name, every street type
(даңғылы, тұйығы, бульвар, тупик, микрорайон, avenue ...) on either side of the street's name.

What must survive is just as much the policy: legal references ("Закон № 148-II", "ст. 35-39"),
dates, times, years, amounts and short numbers (1414, 109). Every digit rule therefore counts digits
exactly and refuses dates and round amounts; names need a cue or a patronymic, never just a capital.
bench/redaction.py measures both sides on a planted set and on hand-written lists.

The text is scrubbed first (bot/core/text/hygiene.py): escape sequences, control, bidi and zero-width
characters would otherwise be stored, and could split a number in two.
"""

from __future__ import annotations

import functools
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

# The spaces and dashes people (and their phones' keyboards) put inside numbers: no-break, figure, thin
# and narrow no-break spaces; hyphen, non-breaking hyphen, figure dash, en and em dash, minus sign, and
# the underscore some type between groups ("4400_4301_2345_6789").
_SPACES = " \u00a0\u2007\u2009\u202f"
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212_"
# One separator between digit groups: a space, a dash or a dot, possibly with spaces around ("4400 - 4301").
_SEP = rf"(?:[{_SPACES}]?[{_DASHES}.][{_SPACES}]?|[{_SPACES}])"
# A run of digit groups, whole: it starts after no digit and takes every following group, so a date
# range or a list of years is judged as one number and never cut into a 12-digit "IIN"; up to 19 groups,
# so a card typed one digit at a time ("4 4 0 0 ...") is one chain too. After a "+"
# it is an international phone number (+996 555 123 456), left to the phone rules. (The first digit is
# matched before the looks behind it, so the regex engine can skip to digits: four times quicker.)
_CHAIN = (rf"\d(?<![\d+]\d)(?<!\+[ \u00a0]\d)(?<!\d[{_SPACES}{_DASHES}.]\d)(?<!\d[{_SPACES}][{_DASHES}.][{_SPACES}]\d)"
          rf"\d*(?:{_SEP}\d+){{0,18}}(?!{_SEP}?\d)")
# The phone rules read a copy of the question with every space as " " and every dash as "-", one
# character for one, so libphonenumber sees "8 (776) 206-09-50" and the spans still fit the original.
_FOLD_SEPARATORS = str.maketrans({**dict.fromkeys(_SPACES, " "),
                                  **dict.fromkeys(_DASHES.replace("\\", ""), "-")})
_UNUSUAL_SEPARATOR = re.compile("[" + re.escape("".join(
    chr(c) for c, to in _FOLD_SEPARATORS.items() if chr(c) != to)) + "]")


def _fold_separators(text: str) -> str:
    return text.translate(_FOLD_SEPARATORS) if _UNUSUAL_SEPARATOR.search(text) else text


# The lower-cased question, computed once for all the rules that look at it (until a rule changes the text).
_lower = functools.lru_cache(maxsize=4)(str.lower)

# E-mail written to get past filters. The @ as a sign (also the full-width ＠ and the small ﹫), in
# brackets ("[at]", "(собака)", "{эт}", "[ит]", "(ат)", "(a)" in either alphabet), as a word between
# spaces ("собака", "собачка", "эт" (Russian for "at"), "sobaka", "at"), or a glued "%" (the old
# "user%host" form); the dot as a sign, a bracketed sign or word ("[.]", "(dot)"), or a word between
# spaces ("dot", "точка", "тчк").
_AT_SIGN = "[@＠﹫]"
_AT_WORD = r"(?i:собака|собачка|эт|sobaka|sobachka)"
_AT_BRACKETED = (r"[ \t]{0,3}[\[({<][ \t]{0,2}(?:(?i:at|собака|собачка|эт|ат|ит|sobaka%s)|" + _AT_SIGN
                 + r")[ \t]{0,2}[\])}>][ \t]{0,3}")
_AT_MARKED = r"(?:" + _AT_BRACKETED % "|a|а" + r"|[ \t]{1,3}" + _AT_WORD + r"[ \t]{1,3}|%)"
# Without a single letter in brackets: "пункт (a) mail" is not an address.
_AT_MARKED_WORD = r"(?:" + _AT_BRACKETED % "" + r"|[ \t]{1,3}" + _AT_WORD + r"[ \t]{1,3})"
_DOT_SPELLED = (r"(?:[ \t]{0,3}[\[({<][ \t]{0,2}(?i:dot|точка|тчк|\.)[ \t]{0,2}[\])}>][ \t]{0,3}"
                r"|[ \t]{1,3}(?i:dot|точка|тчк)[ \t]{1,3})")
_DOT = rf"(?:{_DOT_SPELLED}|\.)"
# The part before the @, with dots spelled out too ("zhan dot b at gmail dot com").
_LOCAL = r"(?<![\w.+\-/])[\w.+\-]+(?:[ \t]{1,3}(?i:dot|точка)[ \t]{1,3}[\w+\-]+){0,3}"
# Mail providers, also as they are heard and typed in Cyrillic ("гмаил", "мэйл", "яндекс").
_MAIL_HOSTS = (r"(?i:gmail|mail|yandex|ya|inbox|bk|list|rambler|outlook|hotmail|yahoo|icloud|protonmail|proton"
               r"|гмейл|гмайл|гмаил|гмэйл|гмеил|джимейл|мейл|мэйл|майл|маил|мэил|меил|яндекс|инбокс|рамблер)")
# Top-level domains, in lower or upper case ("MAIL.RU", not "home. Me"), and as Russian speakers
# spell them out ("точка ру", "точка ком").
_TLDS = "kz|ru|com|net|org|info|biz|edu|gov|io|me|ua|by|uz|kg|tj|az|ge|de|uk|us|su|рф|қаз|co|tr|ру|ком|кз|орг"
_TLD = rf"(?:{_TLDS}|{_TLDS.upper()})(?![\w])"
# The dot before the top-level domain may also be glued: "maildotru".
_DOT_END = rf"(?:{_DOT}|(?<=[^\W\d_])(?:dot|DOT|точка))"
_UP = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_LO = "a-zа-яёәғқңөұүһі"
# Capitalised words that begin a sentence or a greeting, not a name: they never start a [NAME].
_NOT_NAMES = (
    "Здравствуйте|Добрый|Доброе|Привет|Уважаемый|Уважаемая|Уважаемые|Прошу|Спасибо|Пожалуйста|Скажите|"
    "Подскажите|Почему|Когда|Где|Как|Кто|Что|Это|Мой|Моя|Меня|Мне|Мы|Вы|Я|Аким|Акимат|Маслихат|Сәлеметсіз|"
    "Сәлем|Құрметті|Рахмет|Мен|Менің|Біз|Неге|Қашан|Қайда|Hello|Hi|Dear|Please|Thanks|Thank|Why|When|"
    "Where|What|The|My|We|Not|Sure|Kazakh|Russian|Kazakhstan|Almaty|Astana|Here|Writing|From|Also|Sorry|"
    "Казах|Казашка|Русский|Русская|Гражданин|Гражданка|Пенсионер|Пенсионерка|Житель|Жительница|Инвалид|Астана|Алматы|"
    "Akimat|Akim|Maslikhat|Әкім|Әкімдік|Пишите|Write|Email|Почта|Пошта|Mail|Contact|Контакт|"
    "Вам|Вас|Вами|Сіз|Сізге|Сізді|Сіздерге|You|All|Everyone|Team|Студент|Студентка|Мать|Отец|Мама|Папа|"
    "Ветеран|Депутат|Учитель|Учительница|Врач|Предприниматель|Собственник|Владелец|Председатель|Зейнеткер|"
    "Мұғалім|Студентпін"
)
_CAP = rf"(?!(?:{_NOT_NAMES})(?![{_LO}]))[{_UP}][{_LO}]+(?:-[{_UP}]?[{_LO}]+)?"
_WORD = rf"[{_UP}{_LO}]+(?:-[{_UP}{_LO}]+)?"
# One to three capitalised words: a first name, a surname, a patronymic.
_NAME_SEQ = rf"{_CAP}(?:[ \u00a0]+{_CAP}){{0,2}}"
# Greetings a message opens with, in Kazakh, Russian and English (with and without Kazakh letters).
_GREETING = (r"(?i:с[әа]лем(?:етс[іи]з(?:дер)?[ ]+(?:бе|ме))?|ассалаум[ауa]?ғ?[ауa]?лейкум|ассаламуалейкум|"
             r"армысыз(?:дар)?|[қк]айырлы[ ]+(?:к[үу]н|та[ңн]|кеш)|здравствуйте|здраствуйте|здрасьте|здравствуй|"
             r"добрый[ ]+(?:день|вечер)|доброе[ ]+утро|доброго[ ]+(?:дня|времени[ ]+суток)|привет|приветствую|"
             r"hi|hello|hey|good[ ]+(?:morning|afternoon|evening|day)|greetings|"
             # Typed in Latin letters: "salem", "salamatsyz ba", "zdravstvuite", "dobryi den", "privet".
             r"salem|salam|salemetsiz[ ]+be|salamatsyz[ ]+ba|assalaum[au]?galeikum|assalamualeikum|"
             r"zdravstvuite|zdravstvuyte|zdrastvuite|dobr(?:yi|yy|iy|y)[ ]+(?:den|vecher)|dobroe[ ]+utro|privet)"
             r"(?:[ ]+(?i:there|all|everyone|всем|vsem))?")
# A capitalised Russian word ending in -о is an adverb ("Важно", "Срочно"), not a name.
_NOT_AN_ADVERB = rf"(?![{_UP}][{_LO}]*о(?![\w]))"
# A greeting opens the message, a line or a sentence.
_GREETING_AT_START = r"(?:^|(?<=[.!?\n]))[ \t\u00a0]*"
# What separates a greeting from what follows: punctuation, a line break.
_AFTER_GREETING = r"[ \u00a0]*[!,.;:—–\-]*\s{0,3}"
# Where "мен"/"я" introduces the writer: opening the message, a line or a sentence, after a comma or a
# colon, or after a greeting ("Сәлем мен Асель" without a comma).
_INTRODUCTION_START = (r"(?:" + _GREETING_AT_START + _GREETING + r"(?![\w])" + _AFTER_GREETING
                       + r"|(?:^|(?<=[.!?\n,:;]))[ \t\u00a0]*)")
# A house or flat number: 15, 15а, 247А, 15/2, 183/1-131 (house-flat); never a year ("3 кв. 2026 года"),
# a time or a decimal.
_HOUSE = r"(?!(?:19|20)\d\d(?!\d))\d{1,4}(?:[а-яa-z]|[А-ЯA-Z](?![\w]))?(?:[/-]\d{1,4}){0,2}(?!\d)(?![:.,]\d)"
# A microdistrict's number and letter: "Самал-2", "Аксай-3а", "Жетысу-2В".
_QUARTER_NUMBER = rf"-\d{{1,2}}(?:[{_LO}{_UP}](?![{_LO}{_UP}]))?"
# The second word of a street's name: "Кабанбай батыра", "Жібек жолы", "Бұқар жырау", "Tole bi".
_STREET_SECOND = (r"батыр[аы]?|би|жолы|жол|жырау|ақын|акын|датқа|датка|ата|баба|ана|хан[аы]?|ел"
                  r"|batyr|bi|zholy|zhol|zhyrau|ata|khan|el")
# A street's name: "Абая", "Кабанбай батыра", "Жібек жолы", "Бұқар жырау", "Самал-2", "Аксай-3а", "Аксай-3Б",
# «Нурлы Тау», or a number ("мкр 5").
_STREET = (rf"(?:«[^»\n]{{1,40}}»|\"[^\"\n]{{1,40}}\"|{_CAP}(?:{_QUARTER_NUMBER})?"
           rf"(?:[ \u00a0]+(?:{_CAP}|{_STREET_SECOND})(?:-\d{{1,2}})?)?"
           rf"|\d{{1,2}}(?!\d))")
# A flat number (not a year: "3 кв 2026"), and the words for a flat, also typed in Latin letters.
_FLAT_NUMBER = r"(?!(?:19|20)\d\d(?!\d))\d{1,4}(?:[а-яa-z]|[А-ЯA-Z](?![\w]))?(?!\d)"
_FLAT_WORD = r"(?i:кв\.?|квартира|пәтер|apt\.?|flat|kv\.?|kvartira|pater|päter)"
# A flat number written first: "7 пәтер", "9-пәтер", "37 кв", "12 квартира", "3 pater" (not "50 кв. м",
# square metres).
_FLAT_FIRST = (r"\d{1,4}[ \u00a0\-]?(?:пәтер|квартира|pater|(?:кв|kv)(?![\w])(?![.]?[ \u00a0]?м(?![\w]))\.?)"
               r"(?![\w])")
_FLAT = r",?[ \u00a0]*(?:" + _FLAT_WORD + r"[ \u00a0]*№?[ \u00a0]*" + _FLAT_NUMBER + r"|" + _FLAT_FIRST + r")"
# A part of a building after its number: "корпус 2", "корп. 1", "блок Б", "подъезд 3", "korpus 2".
_BUILDING_PART = (r",?[ \u00a0]*(?i:корпус|корп\.?|блок|подъезд|под\.|кіреберіс|korpus|blok|podezd|podyezd)"
                  r"[ \u00a0]*№?[ \u00a0]*(?:\d{1,3}(?!\d)|[А-ЯA-Z](?![\w]))")
# House number(s) then a flat: "15", ", д. 15", "15/2, кв. 7", "15-7", ", 93 үй, 7 пәтер", ", 12-үй, 9-пәтер",
# ", 21 дом, 37 кв", "55 корпус 3, кв. 70", "14 uy, 3 pater", "dom 5 kv 18".
# A house number is not the flat number of "40 кв" (but is the house of "114 кв 56").
_NOT_A_FLAT = r"(?![ \u00a0\-]?(?:пәтер|квартира|кв|kv|pater)(?![\w])\.?(?![ \u00a0]*\d))"
_HOUSE_PART = (r",?[ \u00a0]*(?i:д\.|дом|үй|house|№|dom|uy)?[ \u00a0]*" + _HOUSE + _NOT_A_FLAT
               + r"(?:(?:-й)?[ \u00a0\-]?(?:үй|дом|uy)(?![\w]))?")
_NUMBERS = r"(?:" + _HOUSE_PART + r"){1,2}(?:" + _BUILDING_PART + r"){0,2}(?:" + _FLAT + r")?"
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


# A number sign: №, its look-alikes Nº and N°, "No." and "No" (capitalised, alone), or N before digits.
_NUMBER_SIGN = r"(?:№|N[º°]|(?<![\w])N[Oo](?![\w])\.?|(?<![\w])N(?=[ \u00a0]?\d))"


# What may come before an ID card number, up to 40 characters before it (no digit or line between).
_ID_CUE = re.compile(
    r"(?:(?i:удостоверени\w*|уд\.(?:[ ]?л\.)?|удв\.?|жеке[ ]+куәлі\w*|куәлі\w*|id[ \-]?card|identity[ ]+card|"
    r"документ\w*|құжат\w*|номер\w*|нөмір\w*)|\bID\b|" + _NUMBER_SIGN + r")[^\d\n]{0,40}?$")
_CHAIN_RE = re.compile(_CHAIN)


def _id_cards(text: str) -> Iterator[tuple[int, int]]:
    """Nine digits (in up to five groups, or one by one) with a cue before them: the number is found first, then the
    cue looked for just before it, which is quicker than looking for every cue everywhere."""
    for m in _CHAIN_RE.finditer(text):
        if len(_digits(m.group())) != 9:
            continue
        groups = re.findall(r"\d+", m.group())
        # In up to five groups, or one digit at a time ("0 4 9 1 2 3 5 8 7"; not a count "1 2 3 ... 9").
        if ((len(groups) <= 5 or max(map(len, groups)) == 1 and _digits(m.group()) not in "0123456789")
                and _not_a_figure(m)
                and _ID_CUE.search(text, max(0, m.start() - 60), m.start())):
            yield m.span()


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


# A capitalised word after a greeting's "я" that is an adjective ("Многодетная", "Одинокий"), not a name.
_ADJECTIVE = re.compile(r"(?:ая|яя|ый|ое|ее|ые)$")


def _not_an_adjective(m: re.Match[str]) -> bool:
    return not _ADJECTIVE.search(m.group("pii").split()[0])


# A Kazakh word in a case a name after "мен ..." would not take: a place ("Алматыда", "Шымкентте",
# "Арқалықта", "Ақтөбеден", "Жезқазғаннан"), a genitive ("Президенттің"), an "I am" ending
# ("Астанаданмын"). The case ending follows the sound before it, which keeps names that merely end
# alike: Фарида, Саида (-ида), Света, Рита (-та after a vowel), Сұлтан, Бостан (-тан after л, с).
_KAZAKH_CASE = re.compile(r"(?:(?<!и)да|де|[кқпстфхшщ]т[ае]|[аәеиоөұүыіуэюяйлрзжвгбд]д[ае]н|[кқптфхшщ]т[ае]н"
                          r"|[нмң]н[ае]н|[ндт][ыі]ң|[мпб][ыі]н|[мп][ыі]з)$")


def _kazakh_name_alone(m: re.Match[str]) -> bool:
    return not any(_KAZAKH_CASE.search(word) for word in m.group("pii").split())


# Common first names in Kazakhstan, folded (no Kazakh letters, ё as е), for the one place a name may be
# typed in lower case without a cue word: right after "мен"/"я"/"I'm" opening a sentence. Names that
# are also ordinary words in that place ("вера", "надежда", "роза", "любовь") are left out.
_FIRST_NAMES = """
абай адилет азамат айбек айбол айгерим айгуль айдана айдар айдос айжан айнур айсулу акбота акерке алибек
алихан алия алина алмас алтынай амина аружан арман арсен арыстан асель асем асет аскар асхат аяжан балжан
бауыржан бахыт бекарыс бекзат болат ботагоз галия гаухар гулим гульжан гульмира гульнара гульнур дана
даурен данияр дарига дархан диас динара думан жадыра жазира жанар жандос жанель жанибек жансая жасулан
жулдыз ербол ерболат ержан еркебулан ерлан ернар ерасыл зарина индира кайрат камила канат карлыгаш
куаныш куралай лаура мадина малика марат мейрамбек меруерт мирас молдир мухтар назерке назира нурболат
нуржан нурлан нурсултан олжас рустем сабина сакен салтанат санжар сания сауле серик султан талгат тимур
томирис улжан умит шолпан эльмира
саша маша даша дима вова женя катя лена оля таня юля наташа миша паша коля сережа леша настя аня ира
александр алексей алена анастасия андрей анна антон артем валентин валентина валерий виктор виктория
виталий владимир галина денис дмитрий дарья евгений евгения екатерина елена жанна игорь инна иван ирина
кирилл константин ксения лариса лидия людмила максим марина мария михаил наталья наталия никита николай
нина оксана олег ольга павел петр полина раиса роман светлана сергей тамара татьяна юлия юрий яна
aigerim aigul aidana aidar aidos aizhan ainur akbota alibek aliya almas arman aruzhan asel askar azamat
bauyrzhan bekzat bolat dana dauren daniyar dias dinara gaukhar yerlan yerbol yerzhan zhanar kamila kanat
kairat madina marat miras moldir nurlan nurzhan nursultan olzhas rustem sabina saule serik sultan
timur tomiris zarina sasha masha dasha dima
"""
FIRST_NAMES = frozenset(_FIRST_NAMES.split())
_FOLD_NAME = str.maketrans("әғқңөұүһіё", "агкноуухие")


def _first_name(m: re.Match[str]) -> bool:
    return m.group("pii").split()[0].translate(_FOLD_NAME) in FIRST_NAMES


# The endings a first name takes in a case, Russian and Kazakh: "Анне", "Елены", "Сергею", "Айгүлге",
# "Асқарға", "Динараның"; what is left, with the nominative's ending put back, is looked up.
# (Folded, as FIRST_NAMES is: "ға" is "га".)
_FIRST_NAME_CASES = (
    "га", "ге", "ка", "ке", "на", "не", "ны", "ни", "нын", "нин", "дын", "дин", "тын", "тин", "ды", "ди", "ты",
    "ти", "мен", "бен", "пен", "дан", "ден", "тан", "тен", "нан", "нен", "е", "ы", "и", "у", "ю", "ой", "ей", "ем",
    "ом", "а", "я",
)


def _is_first_name(word: str) -> bool:
    word = word.lower().translate(_FOLD_NAME)
    if word in FIRST_NAMES:
        return True
    return any(len(stem := word[:-len(ending)]) >= 2
               and any(stem + end in FIRST_NAMES for end in ("", "а", "я", "й", "ь"))
               for ending in _FIRST_NAME_CASES if word.endswith(ending))


# A surname, in any case: "Петровой", "Кузнецову", "Жұмабекова", "Сейткалиевой", "Оспановаға".
_SURNAME_ANY_CASE = re.compile(
    rf"[{_UP}][{_LO}]+(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|енко|бек|баев|баева|ұлы|қызы|улы|кызы)"
    r"(?:а|у|ой|ым|ом|ою|е|ых|ого|ому|ую|ға|ге|қа|ке|ның|нің|на|не|ны|ні|мен|нан|нен|дан|ден)?")
# Forms only a surname takes (an adjective would not be capitalised inside a sentence): "Петровой",
# "Кузнецову", "Васильевой".
_SURNAME_OBLIQUE = re.compile(rf"[{_UP}][{_LO}]+(?:овой|евой|ёвой|иной|ыной|ову|еву|ёву|овым|евым)")
_NOT_NAME_WORDS = frozenset(w.lower() for w in _NOT_NAMES.split("|"))
# Words before a name that make it the name of a place or an institution ("Аллея Абая Кунанбаева",
# "школа имени Петровой Анны"), and after it ("Абай Құнанбайұлы атындағы").
_NAMED_AFTER_BEFORE = frozenset((
    "улица", "ул", "проспект", "пр", "аллея", "музей", "музея", "музее", "школа", "школы", "школе", "гимназия",
    "лицей", "парк", "парка", "сквер", "памятник", "театр", "библиотека", "университет", "институт", "имени", "им",
    "мектеп", "мектебі", "саябақ", "фонд", "премия", "стипендия", "орден", "медаль", "площадь", "бульвар",
    "переулок", "микрорайон", "мкр", "станция", "дворец", "мечеть", "монумент", "мемориал", "кинотеатр", "колледж",
    "академия", "больница", "поликлиника", "жк", "көшесі", "даңғылы", "аудан", "ауданы", "award", "street",
    "avenue", "named",
))
_NAMED_AFTER_AFTER = re.compile(r"[ \u00a0]*(?i:атындағы|атында|көшесі|даңғылы|ауылы|ауданы|мектебі|саябағы|"
                                r"street|avenue|university|school|район|улица|проспект)(?![\w])")
_WORD_BEFORE = re.compile(r"([\w]+)[.]?[ \u00a0]*$")
_PAIR = re.compile(rf"(?<![\w\-])(?=(?P<a>[{_UP}][{_LO}]+)[ \u00a0]+(?P<b>[{_UP}][{_LO}]+)(?![\w\-]))")


def _pair_strength(a: str, b: str) -> int:
    """2: a surname and a known first name; 1: a surname in a form only a surname takes; 0: not a name."""
    if a.lower() in _NOT_NAME_WORDS or b.lower() in _NOT_NAME_WORDS:
        return 0
    pairs = ((a, b), (b, a))
    if any(_SURNAME_ANY_CASE.fullmatch(surname) and _is_first_name(first) for surname, first in pairs):
        return 2
    return 1 if any(_SURNAME_OBLIQUE.fullmatch(surname) for surname, _ in pairs) else 0


# Ordinary words that end like a surname, after a first name: "Марина готова", "Нина машина", "Асель снова".
_NOT_A_SURNAME = (r"(?!(?:готов|снов|слов|основ|голов|коров|здоров|один|одн|машин|причин|мужчин|половин|"
                  r"магазин|внук|звук|люк|дом|час|год|город|район|бишин|бин|жыл)[а-яё]{0,3}(?![\w]))")


def _not_named_after(m: re.Match[str]) -> bool:
    """Not the name a place or an institution carries: "Музей Абая Құнанбайұлы", "Абай Құнанбайұлы атындағы"."""
    text, start = m.string, m.start()
    if m.group().split()[0].lower() in _NAMED_AFTER_BEFORE:
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    if (before and before.group(1).lower() in _NAMED_AFTER_BEFORE
            and not text[max(0, before.start() - 3):before.start()].lower().endswith("от ")):
        return False
    return not _NAMED_AFTER_AFTER.match(text, m.end())


def _name_pairs(text: str) -> Iterator[tuple[int, int]]:
    """A surname and a first name side by side, either order, in any case: "Петровой Анне", "Айгерим
    Сейткалиевой", "Жұмабекова Айгүлге". One must be a surname and the other a known first name, or the
    surname in a form only a surname takes ("Передайте Кузнецову Сергею": the stronger pair goes)."""
    found = [(m, _pair_strength(m.group("a"), m.group("b"))) for m in _PAIR.finditer(text)]
    last = -1
    for i, (m, strength) in enumerate(found):
        if strength == 0 or m.start() < last:
            continue
        if (strength == 1 and i + 1 < len(found) and found[i + 1][1] == 2
                and found[i + 1][0].start() == m.start("b")):
            continue
        before = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
        # "Аллея Абая Кунанбаева" is a place; "от имени Ибраевой Гульнары" (on behalf of) is a person.
        if (before and before.group(1).lower() in _NAMED_AFTER_BEFORE
                and not text[max(0, before.start() - 3):before.start()].lower().endswith("от ")):
            continue
        if _NAMED_AFTER_AFTER.match(text, m.end("b")):
            continue
        last = m.end("b")
        yield m.start("a"), m.end("b")


_NOT_A_KAZAKH_NAME = re.compile(r"(?:дан|ден|тан|тен|нан|нен|лық|лік|шы|ші)-?(?:мын|мін|пын|пін|бын|бін)$")


def _kazakh_self_name(m: re.Match[str]) -> bool:
    # "Мен Алматыданмын" (I am from Almaty) and "Мен зейнеткермін" are not names: ablative and
    # "-лық" (resident of) endings are refused; the word must be capitalised anyway.
    return not _NOT_A_KAZAKH_NAME.search(m.group("pii"))


# Where a phone number may be: libphonenumber reads only these stretches, not the whole question
# (it takes a third of a millisecond on a 300-character one).
_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d \u00a0\-.()]{5,24}\d")


def _phones(text: str) -> Iterator[tuple[int, int]]:
    text = _fold_separators(text)
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


# +7 or 8 and ten digits, or ten digits starting with 7 (every Kazakh code does), in any grouping, even
# glued to a word ("tel87011234567").
_PHONE_SHAPE = re.compile(
    r"(?<![\d+])(?:(?:\+[ ]?7|8)[ \-.]{0,3}\(?[ ]?\d|7)(?:[ \-.()]{0,3}\d){9}(?!\d)")
# 0 for the trunk 8, as other countries write it: "07012345678", "0 (702) 241-78-90".
_PHONE_TRUNK_0 = re.compile(r"(?<![\d+])0[ \-.]{0,3}\(?[ ]?7(?:[ \-.()]{0,3}\d){9}(?!\d)")


def _shapes(pattern: re.Pattern[str]) -> Callable[[str], Iterator[tuple[int, int]]]:
    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in pattern.finditer(_fold_separators(text)):
            if not _digits(m.group(0))[-10:].startswith("800") and _not_a_figure(m):
                yield m.span()
    return find


# Cyrillic letters that look like Latin ones, as a Cyrillic keyboard types an IBAN's "KZT".
_LOOKALIKES = "АВЕКМНОРСТХУавекмнорстху"

# A phone split by words or a line break: "8 707 потом 412 33 90", "+7 702\n555 66 77", "8 771, 234 56 78".
# The first part is +7 or 8 and a code (every Kazakh code begins with 7); then a line break, a comma or
# up to three short words, and the seven digits (in any grouping, over lines too).
_PHONE_SPLIT = re.compile(
    r"(?:\+(?<![\d+]\+)[ ]?7|8(?<![\d+]8))[ \-.]{0,3}\(?[ ]?7\d\d[ ]?\)?"
    r"(?P<gap>[ \t]*(?:\n[ \t]*){1,2}|[ \t]*[,;:][ \t]*(?:\n[ \t]*)?"
    r"|[ \t]+\(?[^\W\d_]{1,12}\)?(?:[ \t]+\(?[^\W\d_]{1,12}\)?){0,2}[ \t]*[,:\-]?[ \t]*(?:\n[ \t]*)?|[ \-.]{0,3})"
    r"(?P<tail>\d(?:(?:[ \-.]{0,3}|[ \t]*\n[ \t]*)\d){6})(?![ \-.]?\d)")


def _split_phones(text: str) -> Iterator[tuple[int, int]]:
    folded = _fold_separators(text)
    for m in _PHONE_SPLIT.finditer(folded):
        # Not an amount ("8 700 тенге, потом ..."), nor seven digits that are one ("1 250 000 тенге").
        if _UNIT.match(folded, m.start("gap")) or not _not_a_figure(m, "tail"):
            continue
        yield m.span()


# The word for e-mail, in lower case, then a colon or dash, or a login with a dot, a digit, an underscore or
# a dash in it; then the login and a host: a mail provider (its domain after a dot, a space or none) or
# any host with a domain.
_MAIL_CUE = re.compile(r"(?:e-?mail|е-?mail|имейл|емейл|эл\.?[ ]?почт\w{0,3}|электронн\w{0,3}[ ]почт\w{0,3}"
                       r"|электрондық[ ]пошт\w{0,3}|почт\w{0,3}|пошт\w{0,3}|pochta|poshta|mail)"
                       r"(?:[ \t]*[:\-–—][ \t]*|[ \t]+(?=[a-z0-9._+\-]*[._\d\-]))")
_LOGIN_AND_HOST = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._+\-]*[ \t]{1,3}"
    r"(?:" + _MAIL_HOSTS + r"(?:(?:" + _DOT_END + r"|[ \t]{1,2})" + _TLD + r")?|[\w\-]+\." + _TLD + r")(?![\w@.])")


def _mail_after_cue(text: str) -> Iterator[tuple[int, int]]:
    # The cue is looked for in the lower-cased text (a case-insensitive regex is several times slower).
    lower = _lower(text)
    if len(lower) != len(text):  # a letter whose lower case is longer: read the text as it is
        lower = text
    for cue in _MAIL_CUE.finditer(lower):
        if cue.start() > 0 and (lower[cue.start() - 1].isalnum() or lower[cue.start() - 1] == "_"):
            continue
        if found := _LOGIN_AND_HOST.match(text, cue.end()):
            yield found.span()


# After a house number, a count rather than an address: "в доме 9 этажей", "дом 5-этажный", "в доме 80
# квартир", "дом 12 подъездов".
_NOT_A_COUNT = (r"(?![ \u00a0\-]*(?:этаж|подъезд|квартир(?![аеу](?![\w]))|семей|семь|жил|человек|лет(?![\w])|год|"
                r"раз(?![\w])|дн|недел|месяц|час|минут|шт|кв\.?[ \u00a0]?м(?![\w])|м2|м²|метр|комнат|секци|лифт|окон|"
                r"балкон|тенге|%|қабат|адам|отбасы|жыл|этап|кезең|класс|сынып|курс))")
# After "N үй" in Kazakh, a count: "300 үй бар", "50 үй салынды".
_NOT_COUNTED_KK = r"(?![ \u00a0]+(?:бар|жоқ|салын|қалды|бойынша|сайын)(?![\w]))"

# A street written with no street type: a capitalised name (a surname or a name in the genitive, a Kazakh
# nominative, "Кабанбай батыра", "Tole bi", "Самал-1А"), then a house number, parts of the building and
# a flat.
_BARE_STREET = re.compile(
    rf"(?P<street>[{_UP}](?<![\w][{_UP}])[{_LO}]+(?:-[{_UP}]?[{_LO}]+)?(?:{_QUARTER_NUMBER})?"
    rf"(?:[ \u00a0]+(?:[{_UP}][{_LO}]+|{_STREET_SECOND})(?![\w]))?)"
    r"[ \u00a0]*,?[ \u00a0]*(?:(?i:д\.|дом|үй|dom|uy)[ \u00a0]*)?(?P<house>" + _HOUSE + r")" + _NOT_A_FLAT
    + r"(?P<uy>(?:-й)?[ \u00a0\-]?(?:үй|дом|uy)(?![\w]))?(?P<parts>(?:" + _BUILDING_PART + r"){0,2})"
    r"(?P<flat>" + _FLAT + r")?")
# Words that come before a number and are not a street: they cite, count or date ("Статья 15-7", "Глава
# 3-1", "Школа 15", "Маршрут 12", "Класс 5-11", "Приём 15-16 мая"), in Russian, Kazakh and Latin letters.
_NOT_A_STREET = re.compile(
    r"стать[яиеюй]|ст|глав[аыеу]|пункт[аеуы]?|подпункт\w*|раздел[аеу]?|част[ьи]|приложени[еяю]|закон[аеу]?"
    r"|указ[аеу]?|приказ[аеу]?|постановлени[еяю]|решени[еяю]|кодекс[аеу]?|форм[аыеу]|таблиц[аыеу]|рисун\w*"
    r"|схем[аыеу]|класс[аеу]?|групп[аыеу]|маршрут[аеу]?|автобус[аеу]?|трамва\w*|троллейбус\w*|школ[аыеу]"
    r"|гимнази[яиюе]|лице[йяюе]|колледж\w*|сад[аеу]?|детсад\w*|садик\w*|ясли|больниц[аыеу]|поликлиник[аиеу]"
    r"|аптек[аиеу]|кабинет[аеу]?|каб|этаж[аеу]?|палат[аыеу]|корпус[аеу]?|блок[аеу]?|подъезд[аеу]?|участ\w*"
    r"|дом[аеу]?|квартир[аыеу]|комнат[аыеу]|возраст[аеу]?|смен[аыеу]|при[её]м[аеу]?|перерыв[аеу]?|тариф[аеу]?"
    r"|бюджет[аеу]?|срок[аеиу]?|сумм[аыеу]|категори[яиюе]|номер[аеу]?|пособи[еяю]|выплат[аыеу]|программ[аыеу]"
    r"|стратеги[яиюе]|протокол[аеу]?|верси[яиюе]|вариант[аеу]?|этап[аеу]?|очеред[ьи]|ряд[аеу]?|мест[оау]"
    r"|зон[аыеу]|сектор[аеу]?|округ[аеу]?|район[аеу]?|квартал[аеу]?|год[аеу]?|лет|месяц[аеу]?|день|дня"
    r"|недел[яиюе]|час[аов]?|минут[аы]?|январ[ьяе]|феврал[ьяе]|март[аеу]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]"
    r"|август[аеу]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]|вопрос[аеуы]?|ответ[аеу]?|сч[её]т[аеу]?"
    r"|итог[аиоу]?|всего|итого|отч[её]т[аеу]?|план[аеу]?|ремонт[аеу]?|цен[аыеу]|температур[аыеу]|норм[аыеу]"
    r"|конституци\w*|заң\w*|қаулы\w*|бұйрық\w*|жарлық\w*|шешім\w*|хаттама\w*|кодекс\w*"
    r"|бап|бабы|баптың|тарау|тармақ\w*|бөлім\w*|мектеп\w*|сынып\w*|топ|тобы|қабат\w*|пәтер\w*|үй|жыл\w*"
    r"|ай|күн\w*|апта\w*|сағат\w*|қаңтар|ақпан|сәуір|маусым|шілде|тамыз|қыркүйек|қараша|биыл|барлығы|тағы"
    r"|art|article|para|section|chapter|law|room|floor|bus|route|school|class|grade|page|step|stage|form|table"
    r"|annex|item|point|clause|part|version|model|level|phase|building|block|apartment|flat|house|office|gate"
    r"|terminal|platform|group|zone|sector|district|year|week|day|month|january|february|march|april|may|june"
    r"|july|august|september|october|november|december|windows|iphone|covid|top|statya|glava|punkt|shkola"
    r"|klass|marshrut|avtobus|etazh|etaj|kabinet|dom|kv|korpus|blok|podezd|uchastok|gruppa|vozrast|smena"
    r"|priem|tarif|budzhet|srok|nomer|forma|zakon|ukaz|prikaz|kodeks|mektep|synyp|qabat|uy|jyl|zhyl")
# What makes a street with no type an address when nothing in the numbers does: a place before it ("г.
# Караганда, ", "Шамалған ауылы, ", "село Кокозек, ", "Астана, ") or the word for an address.
_PLACE = rf"[{_UP}][{_LO}]+(?:[- \u00a0](?:[{_UP}][{_LO}]+|батыр|би))?"
_CITIES = ("Алматы|Астана|Шымкент|Караганда|Қарағанды|Актобе|Ақтөбе|Тараз|Павлодар|Өскемен|Оскемен|"
           "Усть-Каменогорск|Семей|Атырау|Костанай|Қостанай|Кызылорда|Қызылорда|Уральск|Орал|Петропавловск|"
           "Петропавл|Актау|Ақтау|Темиртау|Теміртау|Туркестан|Түркістан|Кокшетау|Көкшетау|Талдыкорган|Талдықорған|"
           "Экибастуз|Екібастұз|Рудный|Жезказган|Жезқазған|Балхаш|Балқаш|Косшы|Қосшы|Каскелен|Қаскелең|Талгар|"
           "Есик|Есік|Жанаозен|Жаңаөзен|Кентау|Степногорск|Щучинск|Лисаковск|Жаркент|Сарыагаш|Almaty|Astana|"
           "Shymkent|Karaganda|Aktobe|Taraz|Pavlodar|Oskemen|Semey|Atyrau|Kostanay|Kyzylorda|Oral|Uralsk|Petropavl|"
           "Aktau|Temirtau|Turkistan|Kokshetau|Taldykorgan|Ekibastuz|Kosshy|Kaskelen|Talgar")
_ADDRESS_BEFORE = re.compile(
    r"(?:(?<![\w])(?i:г\.|гор\.|город|с\.|село|пос\.|п\.|пгт|пос[её]лок|ауыл|а\.|кент)[ \u00a0]*" + _PLACE
    + r"[ \u00a0]*,?"
    r"|" + _PLACE + r"[ \u00a0]+(?:қ\.|қаласы|ауылы|ауыл|а\.|кенті|селосы)[ \u00a0]*,?"
    r"|(?<![\w])(?:" + _CITIES + r")[ \u00a0]*,"
    r"|(?<![\w])(?i:адрес\w{0,3}|мекен-?жай\w{0,3}|address|adres\w{0,3})[ \u00a0]*[:\-—–]?"
    r")[ \u00a0]*$")
# What may follow a house number written "22-14" for it to be a house and a flat: a stop, not a word
# ("Возраст 18-25 лет", "Приём 15-16 мая") nor a range going on ("39-1 – 39-3") nor a suffix ("39-3-бабы").
_STOP_AFTER = re.compile(r"[ \u00a0]*[,.;:!?)\n]|[ \u00a0]+[—–\-](?![ \u00a0]*\d)|[ \u00a0]*$")


def _bare_streets(text: str) -> Iterator[tuple[int, int]]:
    for m in _BARE_STREET.finditer(text):
        if _NOT_A_STREET.fullmatch(m.group("street").split()[0].lower()):
            continue
        house = m.group("house")
        if (m.group("flat") or m.group("parts")
                or (("-" in house or "/" in house) and _STOP_AFTER.match(text, m.end()))
                or (_ADDRESS_BEFORE.search(text, max(0, m.start() - 60), m.start())
                    and re.match(_NOT_A_COUNT, text[m.end("house"):]))):
            yield m.span()


# --- The rules, in order ----------------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    # aigul.n+akimat@mail.kz, айгерим@почта.қаз, name@xn--80ao21a.xn--80ao21a (Cyrillic and IDN domains).
    Rule("e-mail", EMAIL, re.compile(r"(?<![\w.+\-/])[\w.+\-]+" + _AT_SIGN + r"[\w\-]+(?:\.[\w\-]+)+")),
    # "имя @ mail . ru", "aigul @mail.kz", "nurik@bk точка ru": spaces around the @ and the dots.
    Rule("e-mail, spaced", EMAIL, re.compile(
        r"(?<![\w.+\-/])[\w.+\-]+[ \t]{0,3}" + _AT_SIGN + r"[ \t]{0,3}[\w\-]+"
        r"(?:(?:[ \t]{0,3}\.[ \t]{0,3}|" + _DOT_SPELLED + r")[\w\-]+){0,2}?"
        r"(?:[ \t]{0,3}\.[ \t]{0,3}|" + _DOT_SPELLED + r")" + _TLD)),
    # "name@maildotkz", "name@gmail", "name@mail,ru": an @ between a login and a host, glued, is an
    # e-mail address whatever follows (not a Telegram @username, which has nothing before it, nor
    # "/start@QogamBot").
    Rule("e-mail, @ without a domain", EMAIL, re.compile(
        r"(?<![\w.+\-/])(?=[\w.+\-]*[^\W\d_])[\w.+\-]+" + _AT_SIGN + r"(?=[\w\-]*[^\W\d_])[\w\-]{2,}"
        r"(?:\.[\w\-]+)*(?:,[ ]?" + _TLD + r")?")),
    # "name [at] mail [dot] ru", "name собака mail.ru", "name (at) gmail.com", "name эт mail точка ru",
    # "name%mail.ru", "NAME (AT) MAIL.RU". A spelled-out address must end in a known top-level domain.
    Rule("e-mail, marked @", EMAIL, re.compile(
        _LOCAL + _AT_MARKED + r"[\w\-]+(?:" + _DOT + r"[\w\-]+){0,2}?" + _DOT_END + _TLD)),
    # "name at mail dot kz", "name at gmail.com". A bare " at " is also English for a website
    # ("commented on at legalacts.egov.kz"), so it needs a spelled-out dot or a mail provider's host.
    Rule("e-mail, ' at '", EMAIL, re.compile(
        _LOCAL + r"[ \t]{1,3}(?i:at)[ \t]{1,3}"
        r"(?:[\w\-]+(?:" + _DOT + r"[\w\-]+){0,2}?" + _DOT_SPELLED + r"|" + _MAIL_HOSTS + _DOT_END + r")" + _TLD)),
    # "bekzat_91 at gmail", "aru.k собака mail", "aigul.s at akorda.kz": after something that looks like
    # a login (a letter, and a digit, a dot or an underscore: not "I am", not "version 2.0"), "at" and
    # a mail provider with no domain, or any host with one. "commented on at egov.kz" stays.
    Rule("e-mail, a login 'at' a host", EMAIL, re.compile(
        r"(?<![\w.+\-/])(?=[\w+\-]*[._\d])(?=[\w.+\-]*[^\W\d_])[\w.+\-]+"
        r"(?:[ \t]{1,3}(?i:at|эт|собака|собачка)[ \t]{1,3}"
        r"|[ \t]{0,3}[\[({<][ \t]{0,2}(?i:at|эт|собака)[ \t]{0,2}[\])}>][ \t]{0,3})"
        r"(?:" + _MAIL_HOSTS + r"(?:[ \t]{1,2}" + _TLD + r")?(?![\w.@])|[\w\-]+(?:\.[\w\-]+){0,2}?\." + _TLD + r")")),
    # "kanat88 собачка mail ru", "olzhas (at) mail ru", "ivan.p@ gmail com", "nurlan.a собачка гмаил ком": an
    # @ in any spelling before a mail provider's name, with the top-level domain after a space or none.
    Rule("e-mail, a marked @ before a mail provider", EMAIL, re.compile(
        r"(?:" + _LOCAL + r"(?:" + _AT_MARKED_WORD + r"|[ \t]{0,3}" + _AT_SIGN + r"[ \t]{0,3})"
        r"|(?=[\w+\-]*[._\d])" + _LOCAL + _AT_MARKED + r")"
        + _MAIL_HOSTS + r"(?:(?:" + _DOT_END + r"|[ \t]{1,2})" + _TLD + r")?(?![\w@])")),
    # "почта: saule.n gmail", "e-mail madina88 yandex kz", "эл. почта: asem.t inbox.ru": after the word
    # for e-mail, a login (Latin letters, with a dot, a digit, an underscore or a dash, or after a colon)
    # and a host, with no @ at all.
    Rule("e-mail, a login and a host after a cue", EMAIL, find=_mail_after_cue),
    # KZ86 125K ZT50 0410 0100, KZ86125KZT5004100100, KZ 86 125K ...: a Kazakh IBAN's shape is
    # distinctive enough to go even with a typo in it (the mod-97 check is for foreign IBANs, below).
    # Typed on a Cyrillic keyboard its letters may be look-alikes ("КZ86", "КЗ75", "кз86 125к ..."); the
    # twelve digits it has at least keep a phrase out ("КЗ 2026 году").
    Rule("IBAN, Kazakh", IBAN, re.compile(
        rf"(?<![0-9A-Za-zА-Яа-яЁё])[KkКк][ZzЗз][{_SPACES}]?\d\d(?:[{_SPACES}{_DASHES}]?[0-9A-Za-z{_LOOKALIKES}]){{16}}"
        rf"(?![0-9A-Za-zА-Яа-яЁё])"), lambda m: len(_digits(m.group())) >= 12),
    # DE89 3704 0044 0532 0130 00: any country's IBAN that passes ISO 13616 mod 97.
    Rule("IBAN, other countries", IBAN, re.compile(
        r"(?<![0-9A-Za-z])[A-Z]{2}\d\d(?:[ \u00a0]?[0-9A-Z]){11,30}(?![0-9A-Za-z])"), _iban),
    # 4400 4301 2345 6789, 4400-4301-2345-6789, 4400.4301.2345.6789, 4400 - 4301 - ..., 4400430123456789.
    Rule("card number", CARD, re.compile(_CHAIN), _card),
    # 900101300123 and 12 digits in any grouping: 900 101 300 123, 9001-0130-0123, 900101 300123,
    # 900.101.300.123. Individuals' IIN and organisations' BIN look alike; both go, typo or not.
    Rule("IIN/BIN", IIN, re.compile(_CHAIN), _count(12)),
    # "удостоверение личности № 045678912", "уд. 045678912", "жеке куәлік 045678912", "ID card 045678912",
    # "номер документа 045678912", "№ 045678912", "No. 045678912", "N° 045 678 912", "нөмірі 045678912":
    # the 9-digit ID card number needs a cue (a document's word, a number sign or the word "number");
    # a bare 9-digit number may be an amount.
    Rule("ID card, after a cue", ID, find=_id_cards),
    # "паспорт N12345678", "passport № 12345678", "төлқұжат N 12345678", a Russian "паспорт 45 06 123456".
    Rule("passport, after a cue", ID, re.compile(
        r"(?i:паспорт\w*|passport|төлқұжат\w*)[^\d\n]{0,40}?"
        r"(?P<pii>(?:[A-ZА-Я]{1,2}[ ]?)?\d+(?:" + _SEP + r"\d+){0,3})(?!" + _SEP + r"?\d)"),
        _count(10, low=6, span="pii")),
    # "№ K2345678", "No. A 1234567", "нөмірі N1234567": a letter and 7 or 8 digits after a number sign.
    Rule("passport, after a number sign", ID, re.compile(
        r"(?:" + _NUMBER_SIGN + r"|(?i:номер\w*|нөмір\w*))[ \u00a0:]*(?P<pii>[A-ZА-Я][ ]?\d{7,8})(?!\d)")),
    # N12345678, N 12345678, N1234567 (Cyrillic Н too): the Kazakh passport number alone.
    Rule("passport number", ID, re.compile(r"(?<![\w])[NНn][ ]?\d{7,8}(?!\d)")),
    # 07012345678, 0 (702) 241-78-90: before libphonenumber, which would take the ten digits after the 0.
    Rule("phone, trunk 0", PHONE, find=_shapes(_PHONE_TRUNK_0)),
    # +7 701 123 45 67, 8(701)123-45-67, 8 7172 12 34 56, 87011234567, 7011234567: libphonenumber.
    Rule("phone (libphonenumber)", PHONE, find=_phones),
    # Phone-shaped numbers libphonenumber refuses: +7, 8 or 0 and ten digits, or ten digits starting
    # with 7, in any grouping and with any dash or space; amounts and 8 800 hotlines excepted.
    Rule("phone, shape", PHONE, find=_shapes(_PHONE_SHAPE)),
    # "8 701 а дальше 339 20 84", "+7 702\n555 66 77", "8 771, 234 56 78": a phone split by words or lines.
    Rule("phone, split by words or a line break", PHONE, find=_split_phones),
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
    # Also "ш.а. Көктем-2", "микр. Восток-3", "ЖК Нурлы, блок 4", and in Latin letters "ul. Abaya 15",
    # "mkr Samal-2 dom 5".
    Rule("address, street type first", ADDRESS, re.compile(
        r"(?<![\w])(?:(?i:ул\.?|улиц[аеуы]|пр\.|пр-т\.?|просп\.?|проспект[аеу]?|пер\.|переул(?:ок|ке|ка)|б-р|"
        r"бул\.|бульвар[аеу]?|тупик[аеу]?|мкр\.?|мкрн\.?|мкр-н|микр\.?|микрорайон[аеу]?|м-н|шағын[ ]аудан[ыі]?|"
        r"ықшам[ ]аудан[ыі]?|ш\.[ ]?а\.?|ш/а|microdistrict|mkr\.?|mkrn\.?|mikrora[iy]on|ul\.?|ulitsa|ulica|"
        r"prosp\.?|prospekt|sh\.[ ]?a\.)|ЖК|ТЖК)[ \u00a0]*" + _STREET + r"(?:" + _NUMBERS + r"|,?(?:" + _BUILDING_PART
        + r"){1,2}(?:" + _FLAT + r")?)")),
    # "Абай көшесі 15", "Абай даңғылы 10", "Самал-2 шағын ауданы, 5 үй", "Abay street 15", "Abay Ave 10",
    # "Самал-2 мкр, дом 5", "Бұқар жырау бульвары 12", "Көктем тұйығы 6", "Сейфуллина проспект 31",
    # "Orbita-3 microdistrict, 14"; also typed without Kazakh letters ("кошеси", "дангылы").
    Rule("address, street type after the name", ADDRESS, re.compile(
        r"(?<![\w])" + _STREET + r"[ \u00a0]+"
        r"(?:көшесі|кошеси|көш\.|к-сі|даңғылы|дангылы|даңгылы|даңғ\.|бульвары|тұйығы|тұйық(?:[ ]көшесі)?|тупик|"
        r"шағын[ ]ауданы|шагын[ ]ауданы|ықшам[ ]ауданы|ш\.а\.?|ш/а|мкр\.?|мкрн\.?|мкр-н|микрорайон|проспект|пр-т|пр\.|"
        r"переулок|бульвар|(?i:street|st\.?|avenue|ave\.?|str\.?|microdistrict|k[oö]shesi|kosh\.|dang?g?h?yly|"
        r"dańǵyly|shag[yi]n[ ]audany|tupik|tuiyq|tuyk))(?![\w])" + _NUMBERS)),
    # "15 Abay street", "12 Dostyk Ave".
    Rule("address, English number first", ADDRESS, re.compile(
        r"(?<![\w/\-])" + _HOUSE + r"[ \u00a0]+" + _STREET + r"[ \u00a0]+(?i:street|st\.?|avenue|ave\.?)(?![\w])")),
    # "живу на Ауэзова 64", "проживаю по Жибек жолы 48а", "I live at Abay 15": no street type, but
    # the cue says a home address follows.
    Rule("address, after 'живу на'", ADDRESS, re.compile(
        r"(?<![\w])(?i:живу|живём|живем|проживаю|проживаем|i[ ]live|we[ ]live|zhivu|zhivem|prozhivayu)[ \u00a0]+"
        r"(?i:на|по|в|at|on|na|po)[ \u00a0]+"
        r"(?P<pii>" + _STREET + _NUMBERS + r")")),
    # "Гоголя 45 кв 12", "Сатпаева 22-14,", "Астана, Кенесары 52-108", "Шамалған ауылы, Жастар 17",
    # "адрес: Есенберлина 200": a street with no street type, the most common way of writing one.
    Rule("address, a street with no street type", ADDRESS, find=_bare_streets),
    # "кв. 45", "квартира 45", "пәтер 12", "үй 5", "дом 5", "д. 5", "5 үй", "в доме 5 по ул. Абая",
    # "дом 7 корп. 2 кв. 56", "блок 3, кв 41", "dom 12, kv 6": house and flat numbers alone. A count is
    # not a house: "в доме 9 этажей", "дом 5-этажный", "300 үй бар".
    Rule("address, house or flat number", ADDRESS, re.compile(
        r"(?<![\w/\-])(?:(?i:кв\.?|квартира|пәтер|үй|дом[аеу]?|д\.|apt\.?|flat|house|kv\.?|kvartira|pater|dom)"
        r"[ \u00a0]*№?[ \u00a0]*" + _HOUSE + _NOT_A_COUNT + r"(?:" + _BUILDING_PART + r"){0,2}(?:" + _FLAT + r")?"
        + r"(?:[ \u00a0]+по[ \u00a0]+(?i:ул\.?|улице|пр\.|проспекту|пр-ту|мкр\.?|микрорайону)[ \u00a0]*"
        + _STREET + r")?"
        r"|(?i:корпус|корп\.?|блок|korpus|blok)[ \u00a0]*№?[ \u00a0]*(?:\d{1,3}(?!\d)|[А-ЯA-Z](?![\w]))"
        r"(?:" + _BUILDING_PART + r")?" + _FLAT +
        r"|" + _HOUSE + r"[ \u00a0\-]?(?:үй|пәтер|дом)(?![\w])" + _NOT_COUNTED_KK + r"(?:,?[ \u00a0]*" + _FLAT_FIRST
        + r")?)(?![\w])")),
    # "меня зовут Айгуль", "меня звать Игорь", "его зовут Асқар Нұрланұлы" (not "как зовут акима").
    Rule("name, after 'меня зовут'", NAME, re.compile(
        r"(?<![\w])(?i:(?:меня|его|её|ее)[ ]+(?:зовут|звать)|зовут[ ]+меня|(?:menya|ego)[ ]+(?:zovut|zvat)"
        r"|zovut[ ]+menya)(?![\w])"
        r"[ \u00a0]*[,:\-–—]?[ \u00a0]*" + _NAME_AFTER_CUE)),
    # "я Аскар, живу тут 10 лет", "Я Айгуль Серикова из 5 мкр", "Я, Кравец Нина, прошу": the Russian
    # "I am <Name>", with the name followed by a comma, a full stop or "из/с/живу", so "я Пенсионерка"
    # and such stay rare.
    Rule("name, Russian 'я <Имя>'", NAME, re.compile(
        r"(?<![\w])(?:[Яя]|[Yy]a),?[ \u00a0]+(?:—[ ]+)?(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r"){0,2})"
        r"(?=[ \u00a0]*[,.!;—–)]|[ \u00a0]+(?:из|с|живу|пишу|обращаюсь|житель|жительница|iz|s|zhivu|pishu)(?![\w])"
        r"|[ \u00a0]*$)")),
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
    # A word ending in -о is an adverb, not a name ("Это Важно, ответьте").
    Rule("name, 'это <Имя> из'", NAME, re.compile(
        r"(?<![\w])(?i:это|бұл|this[ ]is)[ \u00a0]+" + _NOT_AN_ADVERB + r"(?P<pii>"
        + _CAP + r"(?:[ \u00a0]+" + _CAP + r")?)"
        r"(?=[ \u00a0]*,|[ \u00a0]+(?i:из|с|from)(?![\w]))")),
    # "менің атым Айгүл", "атым Асқар", "есімім Айгүл".
    Rule("name, 'атым'", NAME, re.compile(
        r"(?<![\w])(?i:атым|есімім|аты-жөнім|atym|esimim)(?![\w])[ \u00a0]*[,:\-–—]?[ \u00a0]*" + _NAME_AFTER_CUE)),
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
        r"(?<![\w])(?i:с[ ]?уважени(?:ем|е)|с[ ]+уваж\.|с[ ]+ув\.|с[ ]+почтением|құрметпен|курметпен|хұрметпен|"
        # "Уважением, ..." with its "с" lost, opening a line or a sentence; and typed in Latin letters.
        r"(?:(?<=^)|(?<=[.!?\n][ ])|(?<=[.!?\n]))уважением|s[ ]?uvazheniem|kurmetpen|qurmetpen|hurmetpen|"
        r"(?:best[ ]+|kind[ ]+|warm[ ]+)?regards|sincerely|best[ ]+wishes|respectfully|"
        r"yours[ ]+(?:sincerely|truly|faithfully))(?![\w])"
        r"[ \u00a0]*(?:[,:\-–—\n][\s]{0,3})?(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r"){0,2}"
        r"(?:[ \u00a0]+[" + _UP + r"]\.)?"
        r"|(?:(?<=[,:\n])|(?<=[,:\n][ \n]))" + _WORD + r"(?:[ \u00a0]+" + _NAME_TAIL + r"){0,2})")),
    # "Спасибо заранее,\nАсель Нурова", "Thanks in advance, Tomiris": thanks, then a name that ends the
    # message, is a signature ("Спасибо, всё понятно" and "Thanks, Akimat" stay).
    Rule("name, thanks and a name at the end", NAME, re.compile(
        r"(?<![\w])(?i:thanks(?:[ ]+in[ ]+advance)?|thank[ ]+you|thx|cheers|best|спасибо(?:[ ]+заранее)?|"
        r"заранее[ ]+спасибо|благодарю|рахмет|алдын[ ]+ала[ ]+рахмет|всего[ ]+(?:доброго|хорошего)|"
        r"до[ ]+свидания|сау[ ]+болыңыз|"
        r"spasibo|rakhmet|rahmet)[ \u00a0]*[,!.:—–\-][ \t\u00a0]*\n?[ \t\u00a0]*"
        r"(?P<pii>" + _NAME_SEQ + r")[ \u00a0]*[.!]?\s*$")),
    # "Сәлем, мен Ақерке.", "Сәлеметсіз бе, мен Дархан Омаров, Ақтөбеден", "Мен — Гүлжан, 5-үйде
    # тұрамын", "Салем мен Бекзат 5 мкр-дан": "мен" (I) opening a sentence or after a greeting, then a
    # name and a stop or a number. Not "мен" as "and" ("әкім мен Маслихат"), and not a place in a case
    # ("мен Алматыда, ...").
    Rule("name, Kazakh 'мен <Есім>,'", NAME, re.compile(
        _INTRODUCTION_START + r"(?i:мен|men)[ \u00a0]*(?:[—–\-][ \u00a0]*)?(?P<pii>" + _NAME_SEQ + r")"
        r"(?=[ \u00a0]*[,.!?;:—–)]|[ \u00a0]*$|[ \u00a0]+\d)", re.MULTILINE), _kazakh_name_alone),
    # "сәлем, мен айдана", "здравствуйте, я марат хочу спросить", "hi, i'm dana": typed in lower case, an
    # introduction at a sentence start (or after a greeting's comma) takes a first name from
    # FIRST_NAMES, and a surname-like word after it.
    Rule("name, introduction in lower case", NAME, re.compile(
        _INTRODUCTION_START + r"(?i:мен|я|i'm|i’m|im|i[ ]am|men|ya)[ \u00a0]+(?:[—–\-][ \u00a0]*)?"
        r"(?P<pii>[" + _LO + r"]+(?:[ \u00a0]+" + _NAME_TAIL + r")?)(?![\w])", re.MULTILINE), _first_name),
    # "Мені Айбек деп атайды" (they call me Aibek), "меня Айдар зовут".
    Rule("name, 'мені <Есім> деп', 'меня <Имя> зовут'", NAME, re.compile(
        r"(?<![\w])(?i:мені|меня|meni|menya)[ \u00a0]+(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r")?)[ \u00a0]+"
        r"(?i:деп|зовут|звать|dep|zovut|zvat)(?![\w])")),
    # "Здравствуйте, я Виктор хочу спросить": after a greeting "я" and a capitalised word is a name,
    # whatever follows; a capitalised adjective ("я Многодетная мать") is not.
    Rule("name, greeting and 'я <Имя>'", NAME, re.compile(
        _GREETING_AT_START + _GREETING + r"(?![\w])" + _AFTER_GREETING
        + r"(?:[Яя]|[Yy]a),?[ \u00a0]+(?:[—–\-][ \u00a0]*)?"
        r"(?P<pii>" + _NAME_SEQ + r")(?![\w])"), _not_an_adjective),
    # "Добрый вечер, это Лариса.", "Hello, this is Dias.", "Hi there, Amina here.": after a greeting,
    # "this is <Name>" or "<Name> here" and a stop.
    Rule("name, greeting and 'это <Имя>'", NAME, re.compile(
        _GREETING_AT_START + _GREETING + r"(?![\w])" + _AFTER_GREETING
        + r"(?i:это|бұл|this[ ]+is|it's|it’s|it[ ]+is)[ \u00a0]+" + _NOT_AN_ADVERB
        + r"(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r")?)"
        r"(?=[ \u00a0]*[,.!;:—–)]|[ \u00a0]*$|[ \u00a0]+(?i:из|с|от|from|here)(?![\w]))")),
    Rule("name, greeting and '<Name> here'", NAME, re.compile(
        _GREETING_AT_START + _GREETING + r"(?![\w])" + _AFTER_GREETING
        + r"(?P<pii>" + _CAP + r"(?:[ \u00a0]+" + _CAP + r")?)[ \u00a0]+(?i:here)(?![\w])")),
    # "Вас беспокоит Роза Ахметова", "Пишет вам Сабина, ...", "Обращается к вам ...", "С вами говорит
    # Асель", "На связи Ернар,".
    Rule("name, 'Вас беспокоит'", NAME, re.compile(
        r"(?<![\w])(?:(?i:вас|вам|vas|vam)[ ]+(?i:беспокоит|пишет|пишут|bespokoit|pishet|pishut)"
        r"|(?i:беспокоит|пишет|обращается|bespokoit|pishet|obrashchaetsya)[ ]+"
        r"(?i:вас|вам|к[ ]+вам|vas|vam|k[ ]+vam)|(?i:с[ ]+вами[ ]+говорит|s[ ]+vami[ ]+govorit|с[ ]+вами))(?![\w])"
        r"[ \u00a0]*[,:\-–—]?[ \u00a0]*(?P<pii>" + _NAME_SEQ + r")(?![\w])")),
    Rule("name, 'на связи'", NAME, re.compile(
        r"(?<![\w])(?i:на[ ]+связи|na[ ]+svyazi)[ \u00a0]*[,:\-–—]?[ \u00a0]*(?P<pii>" + _NAME_SEQ + r")"
        r"(?=[ \u00a0]*[,.!;:—–)]|[ \u00a0]*$)")),
    # "Aigerim Saparova <[EMAIL]>": the name an e-mail program writes before the address.
    Rule("name, before an e-mail", NAME, re.compile(
        r"(?<![\w])(?P<pii>" + _NAME_SEQ + r")[ \u00a0]*<\[EMAIL\]>")),
    # Иванов Иван Иванович, Айгүл Серікқызы, Асқар Нұрланұлы Серіков, Nurlan Serikuly: a patronymic
    # with the capitalised words before it (surname, first name) and a surname after it.
    Rule("name, patronymic", NAME, re.compile(
        r"(?<![\w])(?:" + _CAP + r"[ \u00a0]+){0,2}(?:[" + _UP + r"][" + _LO + r"]+" + _PATRONYMIC
        + r"|" + _CAP + r"[ \u00a0]+(?:ұлы|улы|қызы|кызы))(?![\w])(?:[ \u00a0]+" + _SURNAME + r"(?![\w]))?"),
        _not_named_after),
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
    # "Петровой Анне", "от Смирновой Елены", "Айгерим Сейткалиевой", "Нұрланов Асқарға": a surname and a
    # first name with no cue, in a case.
    Rule("name, a surname and a first name", NAME, find=_name_pairs),
    # "Ерлан жумабаев", "Саша кузьменко", "[NAME] морозов": a known first name (or a name already found)
    # and a lower-case word that can only be a surname.
    Rule("name, a first name and a surname in lower case", NAME, re.compile(
        r"(?<![\w])(?P<pii>(?:\[NAME\]|[" + _UP + r"][" + _LO + r"]+)[ \u00a0]+" + _NOT_A_SURNAME + _NAME_TAIL + r")"),
        lambda m: m.group("pii").startswith(NAME) or _is_first_name(m.group("pii").split()[0])),
    Rule("name, initials", NAME, re.compile(
        r"(?<![\w])(?:" + _CAP + r"[ \u00a0]+(?![IVX]\.)[" + _UP + r"]\.[ ]?(?:[" + _UP + r"]\.)?"
        r"|(?![IVX]\.)[" + _UP + r"]\.[ ]?(?:[" + _UP + r"]\.[ ]?)?" + _CAP + r")(?![\w])")),
)

# A soft hyphen carries nothing in a question but would split a number in two (scrub takes the
# zero-width characters, escape sequences and controls that would).
_INVISIBLE = re.compile("[\u00ad]")


# --- Speed -----------------------------------------------------------------------------------------
# A rule runs only when the text has what it cannot match without: a test much quicker than the rule's
# regex (a substring, a digit count), which never changes the result, only skips a rule that would
# find nothing (tests/test_redact.py checks both ways give the same output). It keeps a question
# under a millisecond with some fifty rules.


def _has(*needles: str) -> Callable[[str], bool]:
    return lambda text: any(needle in text for needle in needles)


def _has_lower(*needles: str) -> Callable[[str], bool]:
    def test(text: str) -> bool:
        lower = _lower(text)
        return any(needle in lower for needle in needles)
    return test


def _digits_at_least(n: int) -> Callable[[str], bool]:
    return lambda text: sum(map(text.count, "0123456789")) >= n


def _both(*tests: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda text: all(test(text) for test in tests)


_AT_SIGNS = _has("@", "＠", "﹫")
# An @ spelled out: a bracket, "%", "собака"/"собачка" (also in Latin letters), or "эт" as a word.
# (Substrings of the lower-cased text: a case-insensitive regex would take ten times longer. A bracket
# alone is not enough: every placeholder has two.)
_AT_BRACKETED_LOWER = re.compile(r"[\[({<][ \t]{0,2}(?:at|эт|ат|ит|a|а|[@＠﹫])[ \t]{0,2}[\])}>]").search
_AT_WORD_ALONE = re.compile(r"(?<!\w)эт(?!\w)").search
_AT_MARKS = _has_lower("%", "собак", "собач", "sobak", "sobach")


def _at_spelled(text: str) -> bool:
    lower = _lower(text)
    return (_AT_MARKS(text) or ("эт" in lower and bool(_AT_WORD_ALONE(lower)))
            or (("[" in lower or "(" in lower or "{" in lower or "<" in lower) and bool(_AT_BRACKETED_LOWER(lower))))


_MAIL_HOST_NAMED = _has_lower("mail", "yandex", "inbox", "rambler", "outlook", "yahoo", "icloud", "proton", "ya", "bk",
                              "list", "мейл", "мэйл", "майл", "маил", "мэил", "меил", "яндекс", "инбокс", "рамблер")
_GREETINGS = _has_lower("сәлем", "салем", "ассал", "армысыз", "айырлы", "здрав", "здрас", "добр", "привет", "hi",
                        "hello", "hey", "good", "greetings", "salem", "salam", "assal", "zdra", "dobr", "privet")
NEEDS: dict[str, Callable[[str], bool]] = {
    "e-mail": _AT_SIGNS,
    "e-mail, spaced": _AT_SIGNS,
    "e-mail, @ without a domain": _AT_SIGNS,
    "e-mail, marked @": _at_spelled,
    "e-mail, ' at '": _has_lower(" at", "\tat"),
    "e-mail, a login 'at' a host": lambda text: _has_lower(" at", "\tat")(text) or _at_spelled(text),
    "e-mail, a marked @ before a mail provider": _both(_MAIL_HOST_NAMED,
                                                       lambda text: _AT_SIGNS(text) or _at_spelled(text)),
    "e-mail, a login and a host after a cue": _has_lower("mail", "почт", "пошт", "pochta", "poshta", "имейл", "емейл"),
    "phone, split by words or a line break": _digits_at_least(11),
    "card number": _digits_at_least(13),
    "IIN/BIN": _digits_at_least(12),
    "ID card, after a cue": _digits_at_least(9),
    "passport, after a cue": _digits_at_least(6),
    "passport, after a number sign": _both(_digits_at_least(7), _has_lower("№", "n", "номер", "нөмір")),
    "passport number": _digits_at_least(7),
    "phone, trunk 0": _both(_digits_at_least(11), re.compile(r"0[^\d]{0,5}7").search),
    "phone (libphonenumber)": _digits_at_least(9),
    "phone, shape": _digits_at_least(10),
    "name, thanks and a name at the end": _has_lower("thank", "thx", "cheers", "best", "спасибо", "благодар", "рахмет",
                                                     "всего", "свидания", "сау бол", "spasibo", "rakhmet", "rahmet"),
    "name, Kazakh 'мен <Есім>,'": _has_lower("мен", "men"),
    "name, 'мені <Есім> деп', 'меня <Имя> зовут'": _has_lower("деп", "зовут", "звать", "dep", "zovut", "zvat"),
    "name, introduction in lower case": _has_lower("мен", "я", "i'm", "i’m", "im", "i am", "men", "ya"),
    "name, greeting and 'я <Имя>'": _GREETINGS,
    "name, greeting and 'это <Имя>'": _GREETINGS,
    "name, greeting and '<Name> here'": _GREETINGS,
    "name, 'Вас беспокоит'": _has_lower("беспокоит", "пишет", "пишут", "обращается", "говорит", "с вами", "bespokoit",
                                        "pishet", "pishut", "obrashchaetsya", "govorit"),
    "name, 'на связи'": _has_lower("связи", "svyazi"),
    "name, before an e-mail": _has(f"<{EMAIL}>"),
}


def redact(text: str) -> str:
    """The text without personal data, scrubbed (bot/core/text/hygiene.py) first: what is stored."""
    return _redact(text, quick=True)


def _redact(text: str, quick: bool) -> str:
    text = _INVISIBLE.sub("", scrub(text))
    for rule in RULES:
        if quick and (needs := NEEDS.get(rule.name)) is not None and not needs(text):
            continue
        spans = list(rule.spans(text))
        if spans:
            parts, last = [], 0
            for start, end in spans:
                parts += [text[last:start], rule.placeholder]
                last = end
            text = "".join(parts) + text[last:]
    return text

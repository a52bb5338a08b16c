"""Redaction of personal data in residents' questions: what is removed, and what must survive.

A planted set, generated from a fixed seed: identifiers (IIN/BIN, phone, e-mail, card, IBAN, ID card and
passport numbers), car plates, names and addresses, each written in one of many surface forms a
resident might use and put into a question in Kazakh, Russian or English; and legal references and
figures (law numbers, articles, dates, deadlines, amounts, short numbers) in sentences. The forms are
drawn from how people write these things, not from bot/core/text/redact.py's rules: some of them (a name
typed in lower case with no cue, "я елена, живу тут 10 лет") no rule catches, and they count as misses.

How far to trust the figures: the rules were developed against this set (seed 11); its misses showed
gaps (lower-case names, "Kenesary Avenue 48", "183/1-131") that were fixed as general rules, so seed
11's score is a development score. Seeds 100-109 draw other combinations of the same forms. The
HELD_OUT lists were written by hand afterwards, in forms the generator does not make: their first run
redacted 62 of 69 items; three general gaps it showed were fixed (an IBAN written "KZ 86 ...",
"ФИО заявителя:", "номер документа"), and the lists were then frozen. Their misses are the expected
kind of leak: a name with no cue, a street written without "ул."/"көшесі".

Issue 32 (a new random draw leaked 14 of 126 identifiers and 5 of 32 names and addresses) added two
hand-written lists: DEV_ITEMS_3/DEV_CLEAN_3 below, written before the rules for the issue's shapes and
then developed against (a development score), and HELD_OUT_ITEMS_2/HELD_OUT_CLEAN_2 in
bench/redaction_held_out.py, written blind to the code and run once when the rules were final: the
acceptance measurement (`--without-held-out-2` leaves it out while developing). Targets on them:
identifiers >= 99%, names and addresses >= 95%, no question without personal data changed. Its one run
missed them: 232/279, identifiers 175/190 (92.1%), names and addresses 51/82 (62.2%), 1/92 clean
questions changed; docs/privacy.md lists what it found missing.

Issue 32's second round: DEV_ITEMS_4/DEV_CLEAN_4 below, written from the classes held-out set 2 missed
(so set 2 is no longer blind), then developed against; and HELD_OUT_ITEMS_3/HELD_OUT_CLEAN_3 in
bench/redaction_held_out_3.py, written blind and run once when the second round's rules were final
(2026-12-08; `--without-held-out-3` leaves it out while developing). Its one run missed the targets:
267/307, identifiers 175/192 (91.1%), names and addresses 86/108 (79.6%), 4/106 clean questions changed.

An item is redacted when none of its characteristic parts remain in the output: no four consecutive
digits of an identifier (through any separator: spaces of every width, every dash, dots, brackets), no
word of a name, neither the street nor the house or flat number of an address, neither the digits nor
the letter series of a plate, not the local part of an e-mail. A question's own words are checked not
to contain a part before it is used, so a miss is always the item's. A legal reference is damaged when
it is not in the output verbatim.

Also: the knowledge base's texts and the dev set's questions, which hold no personal data, changed
by redaction (false positives on real text), and the time per question.

Targets: >= 99% of identifiers, >= 90% of names, addresses and plates, < 1% of legal references damaged.
`python -m bench.redaction`.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from stdnum import iban, luhn

from bot.core.text.redact import redact

SEED = 11
IDENTIFIERS = ("iin", "phone", "email", "card", "iban", "id")
SOFT = ("plate", "name", "address")
TARGET = {**{c: 0.99 for c in IDENTIFIERS}, **{c: 0.90 for c in SOFT}}
LEGAL_DAMAGE_MAX = 0.01
# On hand-written data (issue 32): pooled over the identifiers, and over names and addresses.
HAND_TARGET = {"identifiers": 0.99, "names_addresses": 0.95}
DEV_SET = Path(__file__).resolve().parents[1] / "eval" / "dev_questions.tsv"


@dataclass(frozen=True)
class Planted:
    category: str
    lang: str
    text: str  # the whole question
    item: str  # the personal data as written in it
    parts: tuple[tuple[str, str], ...]  # (kind, part): none may remain


@dataclass(frozen=True)
class Legal:
    text: str
    references: tuple[str, ...]


# --- Leak checks ------------------------------------------------------------------------------------


# Separators people put inside numbers: spaces (no-break, narrow, figure, thin), dashes (hyphen, en, em,
# figure dash, minus), dots, brackets, a plus and a slash.
_NUMBER_SEPARATORS = " \\-.()+/\u00a0\u202f\u2007\u2009\u2010\u2011\u2012\u2013\u2014\u2212"


def _digit_runs(text: str) -> list[str]:
    """Digits joined through the separators people put inside numbers."""
    return [re.sub(r"\D", "", piece) for piece in re.split(rf"[^\d{_NUMBER_SEPARATORS}]+", text)
            if re.search(r"\d", piece)]


def _windows(value: str) -> list[str]:
    runs = [re.sub(r"\D", "", r) for r in re.split(r"[A-Za-zА-Яа-я]+", value)]
    return [run[i:i + 4] for run in runs for i in range(max(0, len(run) - 3))]


def _present(kind: str, part: str, text: str) -> bool:
    if kind == "digits":
        return any(part in run for run in _digit_runs(text))
    if kind == "number":
        return re.search(rf"(?<!\d){re.escape(part)}(?!\d)", text) is not None
    if kind == "token":
        return re.search(rf"(?<![\w]){re.escape(part)}(?![\w])", text, re.IGNORECASE) is not None
    if kind == "word":
        return re.search(rf"(?<![\w]){re.escape(part)}", text, re.IGNORECASE) is not None
    return part.lower() in text.lower()  # "text"


def leaked(item: Planted, output: str) -> list[str]:
    return [part for kind, part in item.parts if _present(kind, part, output)]


# --- Building the planted set -----------------------------------------------------------------------

FRAMES = {
    "ru": [
        "Здравствуйте! {p}. Почему мне до сих пор не ответили на обращение?",
        "{p}, подскажите, когда будет ответ от акимата?",
        "Я подавал жалобу 12 марта, прошло уже 20 рабочих дней. {p}",
        "Добрый день. Вопрос по субсидии на отопление: {p}. Куда обращаться?",
        "{p}",
        "Прошу проверить мою заявку на жилье, {p}, стою в очереди с 2019 года",
        "почему не вывозят мусор уже неделю?? {p}",
        "Хочу записаться на прием к акиму района. {p}. Спасибо",
        "Отключили свет в 18:00 и до сих пор нет. {p}",
        "Как подать коллективное обращение? {p}, нас 35 семей",
    ],
    "kk": [
        "Сәлеметсіз бе! {p}. Неге әлі жауап жоқ?",
        "{p}, өтінішіме қашан жауап береді?",
        "Әкімдікке 15 күн бұрын жаздым. {p}",
        "Қайырлы күн. {p}. Тұрғын үй кезегі туралы сұрағым бар",
        "{p}",
        "Жолды қашан жөндейді? {p}, 2024 жылдан бері күтеміз",
        "Аудан әкімінің қабылдауына қалай жазылуға болады? {p}",
        "көмектесіңізші, {p}",
    ],
    "en": [
        "Hello! {p}. Why has nobody answered my appeal yet?",
        "{p}, when will the akimat reply?",
        "I applied 3 weeks ago and still nothing. {p}",
        "Good afternoon, question about the housing queue: {p}",
        "{p}",
        "How do I book a meeting with the district akim? {p}. Thanks",
        "the street lights have been off since 12 March. {p}",
    ],
}

FIRST = {
    "kk": ["Айгүл", "Асқар", "Нұрлан", "Динара", "Ерлан", "Гүлнар", "Бауыржан", "Жанар", "Мұрат", "Сәуле",
           "Ержан", "Әсел", "Дәурен", "Ақбота", "Қайрат", "Мөлдір", "Ғалым", "Аружан", "Талғат", "Назерке"],
    "ru": ["Айгуль", "Аскар", "Нурлан", "Динара", "Ерлан", "Ольга", "Сергей", "Наталья", "Андрей", "Елена",
           "Татьяна", "Дмитрий", "Гульнара", "Марат", "Светлана", "Бахыт", "Людмила", "Виктор", "Жанна", "Руслан"],
    "en": ["Aigul", "Askar", "Nurlan", "Dinara", "Yerlan", "Madina", "Timur", "Aliya", "Daniyar", "Zhanar",
           "Arman", "Saule", "Olga", "Sergey", "Anna", "Maxim", "Kamila", "Rustam", "Asel", "Bolat"],
}
# (male surname, female surname)
SURNAMES = {
    "kk": [("Серіков", "Серікова"), ("Нұрланов", "Нұрланова"), ("Жақсыбеков", "Жақсыбекова"), ("Омаров", "Омарова"),
           ("Тұрсынбаев", "Тұрсынбаева"), ("Ахметов", "Ахметова"), ("Қасымов", "Қасымова"), ("Әлиев", "Әлиева"),
           ("Байжанов", "Байжанова"), ("Төлеуов", "Төлеуова")],
    "ru": [("Иванов", "Иванова"), ("Петров", "Петрова"), ("Смирнов", "Смирнова"), ("Ахметов", "Ахметова"),
           ("Сериков", "Серикова"), ("Кузнецов", "Кузнецова"), ("Жумабаев", "Жумабаева"), ("Ковальчук", "Ковальчук"),
           ("Цой", "Цой"), ("Бекмуханов", "Бекмуханова"), ("Шевченко", "Шевченко"), ("Ибрагимов", "Ибрагимова")],
    "en": [("Serikov", "Serikova"), ("Nurlanov", "Nurlanova"), ("Akhmetov", "Akhmetova"), ("Omarov", "Omarova"),
           ("Ivanov", "Ivanova"), ("Kim", "Kim"), ("Smith", "Smith"), ("Zhaksybekov", "Zhaksybekova"),
           ("Tulegenov", "Tulegenova"), ("Baizhanov", "Baizhanova")],
}
FEMALE = {"Айгүл", "Динара", "Гүлнар", "Жанар", "Сәуле", "Әсел", "Ақбота", "Мөлдір", "Аружан", "Назерке", "Айгуль",
          "Ольга", "Наталья", "Елена", "Татьяна", "Гульнара", "Светлана", "Людмила", "Жанна", "Aigul", "Dinara",
          "Madina", "Aliya", "Zhanar", "Saule", "Olga", "Anna", "Kamila", "Asel"}
FATHERS = {"kk": ["Серік", "Нұрлан", "Асқар", "Болат", "Ерлан", "Мұхтар", "Қанат", "Дәулет"],
           "ru": ["Нурлан", "Серик", "Иван", "Петр", "Сергей", "Болат", "Александр", "Марат"],
           "en": ["Nurlan", "Serik", "Bolat", "Askar", "Kanat", "Murat"]}


def _patronymic(lang: str, father: str, female: bool) -> str:
    if lang == "kk":
        return father + ("қызы" if female else "ұлы")
    if lang == "en":
        return father + (rng_choice(["ovna", "kyzy", "qyzy"]) if female else rng_choice(["ovich", "uly"]))
    stem = {"Петр": "Петр", "Иван": "Иван", "Сергей": "Серге", "Александр": "Александр"}.get(father, father)
    if father == "Сергей":
        return stem + ("евна" if female else "евич")
    return stem + ("овна" if female else "ович")


_rng = random.Random(SEED)


def rng_choice(options):  # the generator's one random source, seeded
    return _rng.choice(options)


def _d(n: int) -> str:
    return "".join(str(_rng.randrange(10)) for _ in range(n))


def _iin() -> str:
    """A plausible IIN (birth date, century and sex, serial, check digit) or BIN."""
    if _rng.random() < 0.75:
        birth = f"{_rng.randrange(40, 100):02d}{_rng.randrange(1, 13):02d}{_rng.randrange(1, 29):02d}"
        body = f"{birth}{_rng.choice('3456')}{_d(4)}"
    else:
        body = f"{_rng.randrange(0, 25):02d}{_rng.randrange(1, 13):02d}{_rng.choice('456')}{_rng.randrange(4)}{_d(5)}"
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        check = sum(int(c) * w for c, w in zip(body, weights)) % 11
        if check != 10:
            return body + str(check)
    return body + "0"


def _group(digits: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        out.append(digits[i:i + size])
        i += size
    return sep.join(out)


def make_iin(lang: str) -> tuple[str, str]:
    digits = _iin()
    grouping = _rng.choice([[12], [12], [6, 6], [3, 3, 3, 3], [4, 4, 4], [2, 2, 2, 6], [6, 3, 3], [2, 2, 2, 3, 3],
                            [6, 2, 2, 2], [4, 2, 3, 3]])
    sep = _rng.choice([" ", " ", "-", ".", " - ", "\u00a0"])
    value = _group(digits, grouping, sep)
    cue = _rng.choice({"ru": ["мой ИИН", "ИИН:", "ИИН", "иин", "ИИН заявителя", "БИН нашего ТОО", "ИИН ребенка",
                              "мой иин -"],
                       "kk": ["ЖСН", "менің ЖСН-ім", "ЖСН:", "БСН", "жсн", "ИИН"],
                       "en": ["my IIN is", "IIN:", "IIN", "the BIN of our company is", "my iin"]}[lang])
    return f"{cue} {value}", value


def make_phone(lang: str) -> tuple[str, str]:
    if _rng.random() < 0.75:
        code = _rng.choice(["700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"])
        d = _d(7)
        a, b, c = d[:3], d[3:5], d[5:]
        value = _rng.choice([
            f"+7 {code} {a} {b} {c}", f"+7({code}){a}-{b}-{c}", f"+7 ({code}) {a}-{b}-{c}", f"8 {code} {a} {b} {c}",
            f"8({code}){a}-{b}-{c}", f"8 ({code}) {d}", f"8{code}{d}", f"+7{code}{d}", f"{code}{d}",
            f"{code} {a} {b} {c}", f"8-{code}-{a}-{b}-{c}", f"+7 {code} {a} {b}{c}", f"8 {code} {a}{b}{c}",
            f"+7-{code}-{d}", f"7{code}{d}", f"8.{code}.{a}.{b}.{c}", f"+7 {code}{d}", f"8 {code} {a} {b}{c}",
            f"+7 {code} {a}-{b}-{c}", f"8 ({code}) {a} {b} {c}", f"8 {code}-{a}-{b}{c}", f"+7 ({code}) {d}"])
    else:
        code = _rng.choice(["7172", "7212", "7232", "7252", "7182", "7122", "7132", "7142", "7152", "7162", "7222",
                            "7242", "7262", "7292", "7112"])
        d = _d(6)
        if _rng.random() < 0.3:  # Almaty: a three-digit code, seven-digit numbers
            code, d = "727", _rng.choice("23") + _d(6)
        parts = [d[:2], d[2:4], d[4:]] if len(d) == 6 else [d[:3], d[3:5], d[5:]]
        value = _rng.choice([
            f"8 ({code}) {'-'.join(parts)}", f"8 {code} {' '.join(parts)}", f"+7 {code} {d}", f"8{code}{d}",
            f"+7 ({code}) {' '.join(parts)}", f"8-{code}-{d}", f"+7{code}{d}", f"{code} {d}"])
    cue = _rng.choice({"ru": ["мой номер", "тел.", "телефон:", "звоните", "WhatsApp", "номер для связи", "ватсап",
                              "мой телефон", "тел", "перезвоните на"],
                       "kk": ["телефоным", "байланыс үшін", "нөмірім", "тел.", "WhatsApp", "хабарласыңыз"],
                       "en": ["my phone is", "call me at", "tel", "phone:", "WhatsApp", "my number"]}[lang])
    return f"{cue} {value}", value


EMAIL_LOCALS = ["aigul.nurlanovna", "askar_90", "d.omarova", "nurlan1985", "zhanar-k", "serik.b", "madina.a88",
                "tolegen77", "olga.ivanova", "k.bekova", "erlan_s", "gulnar.t", "asel2001", "bolat.kz", "dauren.m",
                "moldir_98", "timur.zh", "saule.o", "arman1979", "dina_sk"]
DOMAINS = ["mail.ru", "gmail.com", "yandex.kz", "inbox.ru", "bk.ru", "list.ru", "mail.kz", "outlook.com", "yahoo.com",
           "icloud.com", "yandex.ru"]


def make_email(lang: str) -> tuple[str, str, str]:
    local = _rng.choice(EMAIL_LOCALS)
    domain = _rng.choice(DOMAINS)
    host, tld = domain.rsplit(".", 1)
    value = _rng.choice([
        f"{local}@{domain}", f"{local}@{domain}", f"{local} @ {domain}", f"{local}@ {domain}", f"{local} @{domain}",
        f"{local} at {host} dot {tld}", f"{local} [at] {host} [dot] {tld}", f"{local}(at){domain}",
        f"{local} (at) {domain}", f"{local} собака {domain}", f"{local} собака {host} точка {tld}",
        f"{local} AT {host} DOT {tld}", f"{local} @ {host} . {tld}", f"{local}[at]{host}.{tld}",
        f"{local.capitalize()}@{domain.capitalize()}", f"{local} {{at}} {host} {{dot}} {tld}"])
    cue = _rng.choice({"ru": ["почта", "пишите на", "e-mail:", "эл. почта", "мой email", "ответ прошу на почту"],
                       "kk": ["поштам", "электрондық пошта:", "e-mail", "жауапты мына поштаға жіберіңіз:"],
                       "en": ["email me at", "my e-mail is", "e-mail:", "write to"]}[lang])
    return f"{cue} {value}", value, local


def make_card(lang: str) -> tuple[str, str]:
    prefix = _rng.choice(["4400 43", "4405 64", "5169 49", "4263 98", "5522 04", "2200 70", "4149 50", "5375 41"])
    body = prefix.replace(" ", "") + _d(9)
    digits = body + luhn.calc_check_digit(body)
    value = _rng.choice([
        _group(digits, [4, 4, 4, 4], " "), _group(digits, [4, 4, 4, 4], " "), _group(digits, [4, 4, 4, 4], "-"),
        _group(digits, [4, 4, 4, 4], "."), _group(digits, [4, 4, 4, 4], " - "), digits, digits,
        _group(digits, [4, 12], " "), _group(digits, [4, 4, 8], " "), _group(digits, [4, 4, 4, 4], "\u00a0")])
    cue = _rng.choice({"ru": ["карта", "номер карты", "переведите на карту", "Kaspi", "карта Халык", "с карты"],
                       "kk": ["карта нөмірі", "картаға", "Kaspi картам", "карта"],
                       "en": ["card", "my card number", "Kaspi card", "card no."]}[lang])
    return f"{cue} {value}", value


def make_iban(lang: str) -> tuple[str, str]:
    bank = _rng.choice(["125", "722", "601", "998", "914", "856", "826", "965", "551"])
    account = _rng.choice(["KZT", _d(3)]) + _d(10)
    compact = "KZ" + iban.calc_check_digits("KZ00" + bank + account) + bank + account
    value = _rng.choice([compact, compact, iban.format(compact), iban.format(compact), compact.lower(),
                         iban.format(compact, "-"), iban.format(compact).lower()])
    cue = _rng.choice({"ru": ["ИИК", "IBAN", "счет", "мой счёт", "реквизиты: ИИК"],
                       "kk": ["ЖСК", "IBAN", "шот нөмірі", "шотым"],
                       "en": ["IBAN", "account", "my account"]}[lang])
    return f"{cue} {value}", value


def make_id(lang: str) -> tuple[str, str]:
    if _rng.random() < 0.6:
        digits = _rng.choice(["0", "0", "0", "1"]) + _d(8)
        value = digits if _rng.random() < 0.85 else _group(digits, [3, 3, 3], " ")
        cue = _rng.choice({"ru": ["удостоверение личности №", "номер удостоверения", "уд. личности", "уд.",
                                  "удостоверение",
                                  "№ удостоверения", "номер уд.", "удостоверение личности номер"],
                           "kk": ["жеке куәлік №", "жеке куәлігімнің нөмірі", "жеке куәлік", "куәлік №"],
                           "en": ["ID card", "ID card number", "my ID card No.", "identity card"]}[lang])
    else:
        digits = _d(8)
        value = _rng.choice([f"N{digits}", f"N{digits}", f"N {digits}", f"Н{digits}", f"n{digits}"])
        cue = _rng.choice({"ru": ["паспорт", "паспорт №", "номер паспорта", "загранпаспорт", ""],
                           "kk": ["төлқұжат", "паспорт", "төлқұжат нөмірі", ""],
                           "en": ["passport", "passport No.", "my passport number is", ""]}[lang])
    return f"{cue} {value}".strip(), value


LOOKALIKE = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")


def make_plate(lang: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    number = f"{_rng.randrange(100, 1000)}"
    series = "".join(_rng.choice("ABCDEFGHJKLMNOPRSTUVWXYZ") for _ in range(_rng.choice([3, 3, 3, 2])))
    region = f"{_rng.randrange(1, 21):02d}"
    form = _rng.randrange(9)
    if form == 0:
        value = f"{number} {series} {region}"
    elif form == 1:
        value = f"{number}{series}{region}"
    elif form == 2:
        value = f"{number}-{series}-{region}"
    elif form == 3:
        series = "".join(_rng.choice("ABCEHKMOPTXY") for _ in range(3)).translate(LOOKALIKE)
        value = f"{number} {series} {region}"
    elif form == 4:
        value = f"{number}{series}{region}".lower()
        series = series.lower()
    elif form == 5:
        series = series.ljust(3, "A")[:3]
        value = f"{_rng.choice('ABCDEFHLMNPRSTXZ')} {number} {series}"
    elif form == 6:
        series = series.ljust(3, "K")[:3]
        value = f"{_rng.choice('ABCDEFHLMNPRSTXZ')}{number}{series}"
    elif form == 7:
        value = f"{number} {series} {region} KZ"
    else:
        value = f"{number}{series} {region}"
    cue = _rng.choice({"ru": ["машина с номером", "госномер", "авто", "номер машины", "автомобиль", "номер авто"],
                       "kk": ["көлік нөмірі", "мәшине нөмірі", "көлігім", "авто"],
                       "en": ["car plate", "my car", "the car with plate", "vehicle"]}[lang])
    return f"{cue} {value}", value, (("number", number), ("token", series))


def _kk_suffix(word: str) -> str:
    """-мын/-мін/-пын/-пін/-бын/-бін by vowel harmony and the last sound."""
    front = any(v in word for v in "әөүіе") and not any(v in word[-3:] for v in "аоұы")
    last = word[-1]
    if last in "кқпстфхшщ":
        return "пін" if front else "пын"
    if last in "зжбвгд":
        return "бін" if front else "бын"
    return "мін" if front else "мын"


def make_name(lang: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    first = _rng.choice(FIRST[lang])
    female = first in FEMALE
    last = _rng.choice(SURNAMES[lang])[1 if female else 0]
    patr = _patronymic(lang, _rng.choice(FATHERS[lang]), female)
    lower = _rng.random() < 0.1
    forms = {
        "ru": [
            (f"меня зовут {first}", [first]), (f"Меня зовут {first} {patr}", [first, patr]),
            (f"меня зовут {first} {last}", [first, last]), (f"ФИО: {last} {first} {patr}", [last, first, patr]),
            (f"ФИО {last} {first} {patr}", [last, first, patr]), (f"Ф.И.О.: {last} {first}", [last, first]),
            (f"С уважением, {first} {last}", [first, last]), (f"С уважением, {first}", [first]),
            (f"пишет {last} {first} {patr}", [last, first, patr]), (f"обращается {first} {patr}", [first, patr]),
            (f"{last} {first[0]}.{patr[0]}.", [last]), (f"{first[0]}.{patr[0]}. {last}", [last]),
            (f"я {first}, живу тут 10 лет", [first]), (f"это {first} из 5-го дома", [first]),
            (f"пенсионерка {first} {patr}" if female else f"пенсионер {first} {patr}", [first, patr]),
            (f"прошу ответить {last} {first} {patr}", [last, first, patr]),
        ],
        "kk": [
            (f"Мен {first} {last + _kk_suffix(last)}", [first, last]), (f"мен {first + _kk_suffix(first)}", [first]),
            (f"Менің атым {first}", [first]), (f"атым {first} {last}", [first, last]),
            (f"Аты-жөні: {last} {first}", [last, first]), (f"аты-жөнім {last} {first} {patr}", [last, first, patr]),
            (f"Құрметпен, {first} {last}", [first, last]), (f"Құрметпен, {first}", [first]),
            (f"{first} {patr} жазып отыр", [first, patr]), (f"{last} {first} {patr}", [last, first, patr]),
            (f"есімім {first}", [first]), (f"бұл {first}, 3-үйден", [first]),
        ],
        "en": [
            (f"My name is {first} {last}", [first, last]), (f"my name is {first}", [first]),
            (f"I am {first} {last}", [first, last]), (f"I'm {first}", [first]), (f"Regards, {first}", [first]),
            (f"Best regards, {first} {last}", [first, last]),
            (f"Full name: {first} {patr} {last}", [first, patr, last]),
            (f"{first} {patr} writing", [first, patr]), (f"this is {first} from block 5", [first]),
            (f"Sincerely, {first} {last}", [first, last]),
        ],
    }[lang]
    phrase, parts = _rng.choice(forms)
    if lower:
        phrase = phrase.lower()
    return phrase, phrase, tuple(("word", p) for p in parts)


STREETS_RU = ["Абая", "Назарбаева", "Достык", "Сейфуллина", "Кенесары", "Республики", "Кабанбай батыра", "Туран",
              "Жибек жолы", "Толе би", "Момышулы", "Байтурсынова", "Сарыарка", "Ауэзова", "Гоголя", "Пушкина",
              "Ленина", "Жамбыла", "Желтоксан", "Шевченко"]
STREETS_KK = ["Абай", "Сейфуллин", "Кенесары", "Қабанбай батыр", "Тұран", "Жібек жолы", "Төле би", "Момышұлы",
              "Байтұрсынұлы", "Сарыарқа", "Әуезов", "Желтоқсан", "Бауыржан Момышұлы", "Мәңгілік Ел", "Құрманғазы"]
STREETS_EN = ["Abay", "Dostyk", "Seifullin", "Kenesary", "Turan", "Tole bi", "Momyshuly", "Baitursynuly", "Auezov",
              "Zheltoksan", "Kabanbay batyr", "Mangilik El"]
MKR = ["Самал-2", "Аксай-4", "Жетысу-3", "Орбита-1", "Коктем-2", "Мамыр-4", "Алмагуль", "Шугыла", "Нурсат", "Восток-5"]


def make_address(lang: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    house = str(_rng.randrange(1, 250)) + _rng.choice(["", "", "", "", "а", "/1"])
    flat = str(_rng.randrange(1, 300))
    h = house
    if lang == "ru":
        street = _rng.choice(STREETS_RU)
        mkr = _rng.choice(MKR)
        forms = [
            (f"ул. {street} {h}", [street, house]), (f"ул.{street}, {h}", [street, house]),
            (f"улица {street}, д. {h}, кв. {flat}", [street, house, flat]), (f"на улице {street} {h}", [street, house]),
            (f"пр. {street} {h}", [street, house]), (f"проспект {street}, {h}", [street, house]),
            (f"пр-т {street} {h}, кв {flat}", [street, house, flat]), (f"мкр {mkr}, д. {h}", [mkr, house]),
            (f"мкр. {mkr} {h}, кв. {flat}", [mkr, house, flat]), (f"{mkr} мкр, дом {h}", [mkr, house]),
            (f"дом {h}, кв. {flat}", [house, flat]), (f"живу на {street} {h}", [street, house]),
            (f"адрес: г. Астана, ул. {street}, {h}-{flat}", [street, house, flat]),
            (f"в доме {h} по ул. {street}", [street, house]), (f"квартира {flat}", [flat]),
            (f"мкр {_rng.randrange(1, 13)}, дом {h}, кв. {flat}", [house, flat]),
        ]
    elif lang == "kk":
        street = _rng.choice(STREETS_KK)
        mkr = _rng.choice(["Самал", "Ақсай", "Жетісу", "Орбита", "Көктем", "Мамыр", "Шұғыла"])
        mkr += _rng.choice(["", "-2", "-3"])
        forms = [
            (f"{street} көшесі {h}", [street, house]),
            (f"{street} көшесі, {h} үй, {flat} пәтер", [street, house, flat]),
            (f"{street} даңғылы {h}", [street, house]), (f"{mkr} шағын ауданы, {h} үй", [mkr, house]),
            (f"{h} үй, {flat} пәтер", [house, flat]), (f"үй {h}, пәтер {flat}", [house, flat]),
            (f"мекенжайым: {street} көшесі, {h}", [street, house]), (f"{street} к-сі {h}", [street, house]),
            (f"мкр {mkr}, {h} үй", [mkr, house]),
        ]
    else:
        street = _rng.choice(STREETS_EN)
        forms = [
            (f"{h} {street} Street", [street, house]), (f"{street} St. {h}", [street, house]),
            (f"{street} Avenue {h}", [street, house]), (f"apt {flat}, {h} {street} street", [street, house, flat]),
            (f"{street} street {h}, flat {flat}", [street, house, flat]), (f"I live at {street} {h}", [street, house]),
            (f"house {h}, apt. {flat}", [house, flat]),
        ]
    phrase, parts = _rng.choice(forms)
    # Numbers are checked as numbers (the "15" of "15а" or "15/1"), street names as words.
    kinds = tuple(("number", re.match(r"\d+", p).group()) if p[0].isdigit() else ("word", p) for p in parts)
    return phrase, phrase, kinds


MAKERS = {"iin": make_iin, "phone": make_phone, "email": make_email, "card": make_card, "iban": make_iban,
          "id": make_id, "plate": make_plate, "name": make_name, "address": make_address}
COUNTS = {"iin": 50, "phone": 70, "email": 50, "card": 40, "iban": 30, "id": 40, "plate": 40, "name": 80,
          "address": 80}


def _parts(category: str, made: tuple) -> tuple[tuple[str, str], ...]:
    if category == "email":
        return (("text", made[2]),)
    if category in ("plate", "name", "address"):
        return made[2]
    return tuple(("digits", w) for w in _windows(made[1]))


def planted(seed: int = SEED) -> list[Planted]:
    """The planted set: the same for a seed, whatever the rules."""
    _rng.seed(seed)
    out = []
    for category, count in COUNTS.items():
        while sum(p.category == category for p in out) < count:
            lang = _rng.choice(["ru", "ru", "kk", "kk", "en"])
            made = MAKERS[category](lang)
            phrase, item, parts = made[0], made[1], _parts(category, made)
            text = _rng.choice(FRAMES[lang]).replace("{p}", phrase)
            if text.startswith(phrase) and phrase[:1].islower() and _rng.random() < 0.5:
                text = phrase[:1].upper() + text[1:]
            # The question's own words must not hold a part: a miss is then always the item's.
            if any(_present(kind, part, text.replace(item, " ")) for kind, part in parts):
                continue
            if not all(_present(kind, part, text) for kind, part in parts):
                continue  # the capitalised first letter hid a part
            out.append(Planted(category, lang, text, item, parts))
    return out


# --- Held out: written by hand after the rules, then frozen ------------------------------------------
# Questions as residents type them, in forms the generator above does not make. Reported apart, so the
# planted set's figures (which the rules were developed against) are not the only evidence; the
# module's docstring says what their first run found and what was fixed after it.

HELD_OUT_ITEMS = [
    ("iin", "иин:900101300123 когда будет выплата?", "900101300123"),
    ("iin", "ИИН-870512401234, жду ответа третий месяц", "870512401234"),
    ("iin", "ИИН №860230350019 проверьте пожалуйста статус", "860230350019"),
    ("iin", "ЖСН 950607 400 118 бойынша жәрдемақы қашан түседі", "950607400118"),
    ("iin", "iin 0104 2550 1236, why was my application rejected?", "010425501236"),
    ("iin", "Подала документы на АСП (ИИН 780915402361).", "780915402361"),
    ("iin", "ИИН900101300123 не находит в базе", "900101300123"),
    ("iin", "БИН ТОО 180340012345, нам отказали в субсидии", "180340012345"),
    ("iin", "ЖСН: 920311 350 247. Рахмет", "920311350247"),
    ("iin", "мой иин 030608 6 50012, это ребенок", "030608650012"),
    ("phone", "перезвоните пожалуйста 8 701 1234567", "87011234567"),
    ("phone", "тел:87015550011 (WhatsApp)", "87015550011"),
    ("phone", "Номер +7 701-123-4567, звонить после 18:00", "77011234567"),
    ("phone", "тел.+77478881122", "77478881122"),
    ("phone", "звонила на 8-7172-55-66-77 никто не берет", "87172556677"),
    ("phone", "мои номера 87011234567,87022345678", "87011234567"),
    ("phone", "мои номера 87011234567,87022345678", "87022345678"),
    ("phone", "байланыс: 8(778) 345 12 90", "87783451290"),
    ("phone", "call me +7 (777) 222 33 44 please", "77772223344"),
    ("phone", "тел 7 705 765 43 21", "77057654321"),
    ("phone", "номер сына +996 555 123 456, он в Бишкеке", "996555123456"),
    ("phone", "мой номер: +7‒701‒333‒22‒11", "77013332211"),
    ("email", "AIGUL.N@MAIL.RU ответьте туда", "AIGUL.N"),
    ("email", "пишите на <askar.b@mail.kz>", "askar.b"),
    ("email", "mailto:dina1990@gmail.com", "dina1990"),
    ("email", "почта aigul_t @gmail .com", "aigul_t"),
    ("email", "почта serik(собака)mail.ru", "serik"),
    ("email", "email: nurlan.k [at] yandex.kz", "nurlan.k"),
    ("email", "ответ на почту zhanar77 собака bk точка ru", "zhanar77"),
    ("card", "карта: 4400-4301-2345-6789 каспи голд", "4400430123456789"),
    ("card", "переведите возврат на 5169493112345676", "5169493112345676"),
    ("card", "номер карточки 4405 6412 3456 7893, деньги не пришли", "4405641234567893"),
    ("iban", "реквизиты KZ 86 125K ZT50 0410 0100, АО Халык", "86125KZT5004100100"),
    ("iban", "ИИК: kz86125kzt5004100100", "86125KZT5004100100"),
    ("iban", "счет KZ86-125K-ZT50-0410-0100", "86125KZT5004100100"),
    ("id", "удостоверение 045678912 выдано МВД РК", "045678912"),
    ("id", "уд.личн. №045678912 от 2019 г.", "045678912"),
    ("id", "жеке куәлік нөмірі: 041234567", "041234567"),
    ("id", "ЖК №043219876 жоғалды, не істеу керек", "043219876"),
    ("id", "номер документа 047654321, мне сказали он недействителен", "047654321"),
    ("id", "паспорт № N 11223344 просрочен, как продлить", "11223344"),
    ("id", "загранпаспорт N09876543", "09876543"),
    ("plate", "гос. номер 777 AAA 02 эвакуировали", "777", "AAA"),
    ("plate", "машину 001AAA01 поставили во дворе", "001", "AAA"),
    ("plate", "на парковке стоит 456 KTA 15 уже месяц", "456", "KTA"),
    ("plate", "авто 123 ВСЕ 05 перекрыло выезд", "123", "ВСЕ"),
    ("plate", "номер машины 908 ZZ 01", "908", "ZZ"),
    ("name", "Обращается к вам Серикова Айгуль Маратовна, жительница дома 5", "Серикова", "Айгуль", "Маратовна"),
    ("name", "Айгуль Серикова, жительница пятиэтажки на Абая", "Айгуль", "Серикова"),
    ("name", "пишу от имени отца, Асқар Нұрланұлы", "Асқар", "Нұрланұлы"),
    ("name", "Меня зовут Динара. Почему не вывозят мусор?", "Динара"),
    ("name", "С уважением,\nЖанна Петрова", "Жанна", "Петрова"),
    ("name", "сәлеметсіз бе, мен Ерланмын, Қарағандыданмын", "Ерлан"),
    ("name", "I am Madina Omarova, a resident of district 3", "Madina", "Omarova"),
    ("name", "ФИО заявителя: Ахметов Бауыржан", "Ахметов", "Бауыржан"),
    ("name", "заявитель Кузнецова Ольга Петровна, 1956 г.р.", "Кузнецова", "Ольга", "Петровна"),
    ("name", "мой отец Иванов Петр Сергеевич ветеран", "Иванов", "Петр", "Сергеевич"),
    ("name", "Regards, Timur", "Timur"),
    ("name", "атым Мөлдір, 11-сыныпта оқимын", "Мөлдір"),
    ("address", "г. Алматы, Абая 15-7, не работает лифт", "Абая", "15", "7"),
    ("address", "Астана, Кенесары 40, кв 12 — течет крыша", "Кенесары", "40", "12"),
    ("address", "проживаю: мкр. Самал-1, д. 3", "Самал-1", "3"),
    ("address", "мекенжай: Сейфуллин көшесі 25, 8 пәтер", "Сейфуллин", "25", "8"),
    ("address", "ул Жамбыла 114 кв 56 нет воды", "Жамбыла", "114", "56"),
    ("address", "Ауэзова, 12 — вопрос по капремонту", "Ауэзова", "12"),
    ("address", "в 5 мкр дом 17 не вывозят мусор", "17"),
    ("address", "Тұран даңғылы, 37 үй, 102 пәтер", "Тұран", "37", "102"),
    ("address", "I live at 24 Dostyk Avenue, flat 9", "Dostyk", "24", "9"),
    ("address", "пр.Абая, 150/230, кв.11", "Абая", "150", "11"),
]

HELD_OUT_CLEAN = [
    "Кто такой аким Алматинской области?", "Когда встреча с акимом Алматы 15 мая в 10:00?",
    "Где находится ЦОН на Абая?", "Сколько стоит проезд в автобусе 32?", "Почему на улице Абая нет света?",
    "Как работает горячая линия 1414?", "Что значит статья 76 АППК?", "Маслихат Астаны заседание 25.12.2025",
    "Аким района Байконыр кто сейчас?", "Қасым-Жомарт Тоқаев жарлығы № 826 туралы", "What is Law No. 148-II about?",
    "Когда выборы акимов сельских округов в 2026 году?", "бюджет 1 500 000 000 тенге куда потратили",
    "Мне 65 лет, положена ли льгота?", "Кто отвечает за дороги в мкр Самал?", "Орал қаласында тыңдау қашан?",
    "Почему отключили воду на 3 дня?", "Жол 2024 жылдан бері жөнделмеді",
    "How many deputies are in the maslikhat, 32 or 40?",
    "Можно ли подать жалобу на акима через eOtinish?", "Заседание перенесли с 14:00 на 16:30",
    "Сколько подписей нужно, 5000 или 10 000?", "Я пенсионер, куда обращаться?", "Мен зейнеткермін, жеңілдік бар ма?",
    "Мен Алматыданмын, тіркеу қалай болады?", "I am Kazakh citizen living abroad, can I vote?",
    "Президент Токаев подписал закон?", "Что такое КСК и ОСИ?", "Сколько квартир в доме по программе Нурлы жер?",
    "Срок ответа 15 рабочих дней или 30?", "Где взять справку по форме 035-1/у?", "Бюджет на 2025-2027 годы",
    "Депутат Иванов не отвечает на обращения", "Встреча в акимате, каб. 305, в 11:00", "Тариф 12,5 тенге за кВт",
    "В каком году принят закон № 148-II?", "Телефон доверия 109 не отвечает", "Кодекс РК № 350-VI статья 91",
    "Ул. Абая закрыта на ремонт?", "улица Сатпаева когда откроют",
]


# --- Development list 3: written by hand for issue 32, before the rules for it ----------------------
# The shapes a new random draw showed getting through, as classes with varied instances (obfuscated
# e-mail, national phone formats and dash or space variants, document numbers after №/No/N/номер/
# нөмірі, names after greetings, self-introductions and signatures, street types other than "ул."),
# and questions without personal data that look like them (legal references, figures, dashes in
# ranges, public buildings on a named avenue). The rules were then improved against it, so its final
# figure is a development figure; HELD_OUT_ITEMS_2 (bench/redaction_held_out.py) is the measurement.

DEV_ITEMS_3 = [
    ("email", "пишите мне: timur_77 at mail dot ru, отвечу вечером", "timur_77"),
    ("email", "почта saule.bekova(at)gmail.com — туда и ответьте", "saule.bekova"),
    ("email", "мой email nurlan.ok эт gmail точка com", "nurlan.ok"),
    ("email", "жауапты asel_k эт mail точка kz адресіне жіберіңіз", "asel_k"),
    ("email", "ответ прошу на bolat1990%mail.ru", "bolat1990"),
    ("email", "напишите на daniyar.s@gmaildotcom пожалуйста", "daniyar.s"),
    ("email", "почта aliya_m@yandexdotru", "aliya_m"),
    ("email", "Write to <zhanna.t@inbox.ru>, I check it daily", "zhanna.t"),
    ("email", "менің поштам ерлан.б@почта.қаз, сонда жазыңыз", "ерлан.б"),
    ("email", "e-mail: гульнара_м@мвд.рф", "гульнара_м"),
    ("email", "пишите на dinara [собака] mail [точка] ru", "dinara"),
    ("email", "email: kamila_99 [at] gmail [dot] com", "kamila_99"),
    ("email", "AIDANA.S (AT) MAIL.RU — жду ответа", "AIDANA.S"),
    ("email", "контакт: almas_kz{at}yandex{dot}kz", "almas_kz"),
    ("email", "ответ жду на ivanova.o@mail,ru", "ivanova.o"),
    ("email", "напишите на почту bekzat_91 at gmail, спасибо", "bekzat_91"),
    ("email", "почта zh.alibek@xn--80ao21a.xn--80ao21a", "zh.alibek"),
    ("email", "Е-mail: ерболат.с@mail.ru, пишите", "ерболат.с"),
    ("email", "пишите нурик_88 собака мейл точка ру", "нурик_88"),
    ("email", "my address is marat.k AT gmail DOT com", "marat.k"),
    ("email", "почтам: sholpan_t эт yandex.kz", "sholpan_t"),
    ("email", "ответьте на madina-a (собака) bk.ru", "madina-a"),
    ("email", "пошта: gaukhar.n собака inbox точка kz", "gaukhar.n"),
    ("email", "e-mail — rustem%gmail.com", "rustem"),
    ("email", "пишите mukhtar.a@gmail dot com", "mukhtar.a"),
    ("email", "reply to kuanysh dot s at gmail dot com", "kuanysh"),
    ("email", "почта: ainur.zh＠mail.ru", "ainur.zh"),
    ("email", "пишите на тамара.ким@мейл.ру", "тамара.ким"),
    ("email", "эл. адрес: yerzhan.t[at]mail[.]kz", "yerzhan.t"),
    ("email", "почта dauren_k собака gmail ком", "dauren_k"),
    ("phone", "тел. 8 (701) 555–12–34, после обеда", "87015551234"),
    ("phone", "номер 8—777—123—45—67 звоните", "87771234567"),
    ("phone", "WhatsApp +7 702 318‒45‒67", "77023184567"),
    ("phone", "звоните 8 705 642−18−90", "87056421890"),
    ("phone", "мой номер +7\u202f701\u202f234\u202f56\u202f78", "77012345678"),
    ("phone", "тел.: 8\u00a0(747)\u00a0321\u00a012\u00a034", "87473211234"),
    ("phone", "перезвоните на 07012345678", "07012345678"),
    ("phone", "байланыс: 0 701 987 65 43", "07019876543"),
    ("phone", "нөмірім 8.776.204.11.09", "87762041109"),
    ("phone", "телефон 7 (708) 4561230", "77084561230"),
    ("phone", "call 701-234-56-78 after 6 pm", "7012345678"),
    ("phone", "номер (771) 234 56 78, звоните вечером", "7712345678"),
    ("phone", "тел 8 7172 55–66–77 (домашний)", "87172556677"),
    ("phone", "звонила на 8(7252)12–34–56", "87252123456"),
    ("phone", "мой телефон 87 01 234 56 78", "87012345678"),
    ("phone", "тел:+7(701)2345678", "77012345678"),
    ("phone", "нөмір: 8 747 555 44 33 / 8 702 111 22 33", "87475554433"),
    ("phone", "нөмір: 8 747 555 44 33 / 8 702 111 22 33", "87021112233"),
    ("phone", "телефон +7 778 123\u20094567", "77781234567"),
    ("phone", "тел. 8 ( 701 ) 234 - 56 - 78", "87012345678"),
    ("phone", "номер 0 (702) 241-78-90, звоните", "07022417890"),
    ("phone", "call me on +7–705–111–22–33", "77051112233"),
    ("phone", "моб. 8\u2007701\u2007765\u200743\u200721", "87017654321"),
    ("phone", "ұялы: 8 (775) 909 – 12 – 34", "87759091234"),
    ("phone", "позвоните 8(701)7654321.", "87017654321"),
    ("phone", "тел 0-708-555-44-33", "07085554433"),
    ("id", "паспорт № N5172043 утерян, как восстановить?", "5172043"),
    ("id", "паспорт нөмірі N 4410297", "4410297"),
    ("id", "No. 048123456 — номер моего удостоверения", "048123456"),
    ("id", "нөмірі 043219876, жеке куәлік", "043219876"),
    ("id", "құжат нөмірі: 039876543", "039876543"),
    ("id", "номер удостоверения: 041 234 567", "041234567"),
    ("id", "passport No N1234567, expires 2027", "1234567"),
    ("id", "паспорт № K2345678", "2345678"),
    ("id", "ID № 045 678 912", "045678912"),
    ("id", "N°045678913 деген куәлік", "045678913"),
    ("id", "мой номер удостоверения 046 111 222", "046111222"),
    ("id", "жеке куәлігімнің нөмірі — 047111222", "047111222"),
    ("id", "ID: 042345678", "042345678"),
    ("id", "номер 040123456, выдан в 2019 году", "040123456"),
    ("id", "N1234567 деген төлқұжат", "1234567"),
    ("id", "Nº 041122334 удостоверение", "041122334"),
    ("id", "№ 041-234-568 куәлік жоғалды", "041234568"),
    ("id", "загранпаспорт N 7654321", "7654321"),
    ("id", "No 049876543 — мое удостоверение", "049876543"),
    ("iin", "ИИН 900101–300123", "900101300123"),
    ("iin", "ЖСН 9001\u202f0130\u202f0124", "900101300124"),
    ("iin", "ИИН — 880405 450 123, ответьте", "880405450123"),
    ("card", "карта 4400–4301–2345–6789", "4400430123456789"),
    ("card", "Kaspi Gold 4400\u202f4302\u202f1234\u202f5671", "4400430212345671"),
    ("iban", "ИИК KZ75 125K ZT20 0130 0335, Халык", "75125KZT2001300335"),
    ("plate", "машина 777 ABZ 02 стоит на газоне", "777", "ABZ"),
    ("name", "Сәлем, мен Айдана. Жарық қашан қосылады?", "Айдана"),
    ("name", "Сәлеметсіз бе, менің атым Ерболат, 3 ауданнан жазып отырмын", "Ерболат"),
    ("name", "Здравствуйте, я Галина Петровна, пенсионерка", "Галина", "Петровна"),
    ("name", "Здравствуйте, я Марат хочу узнать про субсидию", "Марат"),
    ("name", "Добрый день, это Светлана из 12 квартиры", "Светлана"),
    ("name", "Добрый вечер, это Ирина. Когда дадут воду?", "Ирина"),
    ("name", "Hi, I'm Dana, a resident of Esil district", "Dana"),
    ("name", "Hello, this is Arman. When is the hearing?", "Arman"),
    ("name", "Спасибо за ответ.\nС уважением,\nАйнур Касенова", "Айнур", "Касенова"),
    ("name", "Құрметпен, Болат Жанұзақов", "Болат", "Жанұзақов"),
    ("name", "Курметпен, Динара", "Динара"),
    ("name", "Салем, мен Бекзат, 5 мкр-дан", "Бекзат"),
    ("name", "Сәлем! Мен Әйгерім Сапарова, Қарағанды қаласынан", "Әйгерім", "Сапарова"),
    ("name", "Мені Асель деп атайды, сұрағым бар", "Асель"),
    ("name", "Меня звать Олег, живу в Косшы", "Олег"),
    ("name", "Вас беспокоит Анна Ким из дома 5", "Анна", "Ким"),
    ("name", "Пишет вам Ерлан, житель села Бесагаш", "Ерлан"),
    ("name", "На связи Айгерим, хотела спросить про очередь", "Айгерим"),
    ("name", "Hi there, Aliya here. Who fixes the lifts?", "Aliya"),
    ("name", "Good evening, my name's Yerlan Tulegenov", "Yerlan", "Tulegenov"),
    ("name", "Thanks in advance,\nKamila Omarova", "Kamila", "Omarova"),
    ("name", "Kind regards, Zhanna", "Zhanna"),
    ("name", "Сәлеметсіз бе! Мен — Гаухар, Көктем-2 тұрғынымын", "Гаухар"),
    ("name", "Здравствуйте, я Ахметова Сауле, пишу по поводу пособия", "Ахметова", "Сауле"),
    ("name", "привет, я Тимур, подскажите", "Тимур"),
    ("name", "Hello, I am Nursultan and I live in block 4", "Nursultan"),
    ("name", "Сәлем, мен Нұржан Әлиұлы", "Нұржан", "Әлиұлы"),
    ("name", "С ув., Марат Абенов", "Марат", "Абенов"),
    ("name", "Best wishes, Saule", "Saule"),
    ("name", "Ассалаумағалейкум, мен Жандос. Жол қашан салынады?", "Жандос"),
    ("name", "Добрый день. Я, Кравченко Ольга, прошу помочь", "Кравченко", "Ольга"),
    ("name", "Dear akimat, my name is Aruzhan", "Aruzhan"),
    ("name", "Қайырлы күн, мен Мейрамбек Оспанов", "Мейрамбек", "Оспанов"),
    ("name", "Доброе утро, я Зарина", "Зарина"),
    ("name", "Hi! I'm Bauyrzhan from Kosshy", "Bauyrzhan"),
    ("address", "Тәуелсіздік даңғылы 34/1, 56 пәтер, лифт істемейді", "Тәуелсіздік", "34", "56"),
    ("address", "Абай даңғылы, 48 үй, 17 пәтер", "Абай", "48", "17"),
    ("address", "Достық даңғылы 91/2 маңында су жоқ", "Достық", "91"),
    ("address", "переулок Строителей 5, кв. 3", "Строителей", "5", "3"),
    ("address", "пер. Тихий 14а", "Тихий", "14"),
    ("address", "Алтын тұйығы 4", "Алтын", "4"),
    ("address", "тупик Гоголя 7, дом частный", "Гоголя", "7"),
    ("address", "бульвар Бухар жырау 33, кв 21", "Бухар", "33", "21"),
    ("address", "Бұқар жырау бульвары 40, 7 пәтер", "Бұқар", "40", "7"),
    ("address", "Mangilik El avenue 55, apt 14", "Mangilik", "55", "14"),
    ("address", "Turan avenue 37", "Turan", "37"),
    ("address", "шағын аудан Жетісу-2, 27 үй", "Жетісу-2", "27"),
    ("address", "мкр Аксай-3а, 12-45", "Аксай-3а", "12", "45"),
    ("address", "микрорайон Коктем-1, дом 8", "Коктем-1", "8"),
    ("address", "Самал-2 микрорайон 33", "Самал-2", "33"),
    ("address", "12 мкр, 5 дом, 40 кв", "5", "40"),
    ("address", "Сарыарқа даңғылы, 6/1", "Сарыарқа", "6"),
    ("address", "просп. Мангилик Ел, 17, кв. 88", "Мангилик", "17", "88"),
    ("address", "бул. Нұрлы жол 10", "Нұрлы", "10"),
    ("address", "Аль-Фараби даңғылы 77/7", "Аль-Фараби", "77"),
    ("address", "Желтоқсан көшесі, 113-үй, 45-пәтер", "Желтоқсан", "113", "45"),
    ("address", "Абылай хан даңғылы 12", "Абылай", "12"),
    ("address", "микрорайон 11, дом 24, квартира 6", "24", "6"),
    ("address", "Жасыл тұйық көшесі 3", "Жасыл", "3"),
    ("address", "Абая проспект 10, кв. 5", "Абая", "10", "5"),
    ("address", "Aksay-4 microdistrict, 17", "Aksay-4", "17"),
    ("address", "Kunayev street, 12/3", "Kunayev", "12"),
    ("address", "на проспекте Абая 150 нет освещения", "Абая", "150"),
    ("address", "Шағын аудан Алмагүл, 9 үй", "Алмагүл", "9"),
    ("address", "Жамбыл көшесі 5а-12", "Жамбыл", "5", "12"),
    ("address", "Seifullin avenue 23, flat 8", "Seifullin", "23", "8"),
    ("address", "Мәңгілік Ел даңғылы, 55/20 үй", "Мәңгілік", "55"),
]

DEV_CLEAN_3 = [
    "Закон № 148-II «О местном государственном управлении» кімге қолданылады?",
    "Что означает ст. 39-3 Закона о МГУ?", "Срок ответа 15 рабочих дней или 30 календарных?",
    "Прием граждан 12.03.2026 с 10:00 до 13:00", "Штраф 50 МРП — это сколько тенге в 2026 году?",
    "Горячая линия 1414 и телефон доверия 109 не отвечают", "Где находится акимат на проспекте Абая?",
    "ЦОН на Тәуелсіздік даңғылы сенбіде жұмыс істей ме?", "Абай даңғылында жол жөндеу қашан бітеді?",
    "Проспект Назарбаева перекрыт до 18:00?", "Постановление акимата № 45 от 12.01.2024 где найти?",
    "Почему в 5 микрорайоне нет света третий день?", "Бульвар Нурлы жол закрыт на ремонт?",
    "Тұйық көшеде жарық жоқ, кімге жүгінуге болады?", "Школа № 15 на проспекте Абылай хана переполнена",
    "Дом культуры на улице Гоголя будет работать?", "Is Abay avenue closed on 16 December?",
    "Which street is the akimat on?", "Сәлем! Қалайсыз?", "Сәлеметсіз бе, мен сұрақ қойғым келеді",
    "Сәлем, мен Астанаданмын, тіркеу туралы сұрақ", "Сәлем, мен Алматыда тұрамын, субсидия бар ма?",
    "Здравствуйте, я житель Есильского района", "Здравствуйте, я пенсионер, положена ли льгота?",
    "Hi, I'm new here, how does this work?", "Hello, I'm Kazakh and live abroad, can I vote?",
    "Hi, this is urgent: no water since 14:00", "С уважением к вашему труду, спасибо",
    "Мен Президенттің жолдауы туралы сұрағым бар", "Сәлем, мен Ақмола облысынан жазып отырмын",
    "Бродячая собака во дворе, точка сбора у школы, куда звонить?", "Сайт akimat.gov.kz не открывается",
    "Бот @qogam_bot не отвечает", "Инфляция 8,5% за год, тарифы вырастут?",
    "Приём с 9:00–18:00, перерыв 13:00–14:00", "в 2024–2026 годах сколько выделили?", "ст. 35–39 Закона",
    "от 2 500–3 000 тенге за кубометр", "с 10.01.2026 – 20.01.2026 отключение воды",
    "Бесплатный номер 8 (800) 080–77–77 работает?", "Указ № 1234 от 2023 г. отменён?",
    "Закон от 23 января 2001 года № 148-II", "Индекс 010000 это Астана?", "Кабинет 305, 3 этаж, приём в 11:00",
    "N 148 и No. 148-II это один закон?", "бюджет 1 500 000 000 тенге на 2026 год",
    "Сколько стоит проезд, 150 или 200 тенге?", "Қазпошта бөлімшесі қайда?",
    "Номер обращения ЖТ-2024-0123456, какой статус?", "Мкр Самал когда отремонтируют дорогу?",
    "проспект Абая 2026 жылы жабыла ма?", "Добрый день, это Акимат Алматы?",
    "Заседание маслихата 25.12.2025 в 15:00", "Кодекс № 350-VI, п. 2 ст. 35",
    "Программа «Нурлы жер» 2020–2025", "Good morning, Akimat! When is the hearing?",
    "Здравствуйте, уважаемый аким!", "Приём 09.30–10.30 по вторникам",
    "Тариф 12,5 тенге за кВт·ч с 01.07.2025", "Сәлем, мен де сұрайын: жол қашан жөнделеді?",
    "Здравствуйте, я по поводу отопления", "Hi, I am writing about the bus 32",
    "Спасибо, всё понятно", "С уважением относимся к ветеранам: льготы 2026",
]


# --- Development list 4: written by hand for issue 32's second round, before its rules ----------------
# The classes held-out set 2 was described as missing (in general terms; its items were not read),
# written as varied instances of each class: a street with no street type before a house and a flat
# (a surname or a name in the genitive, a Kazakh nominative, a village street after "ауылы"/"село", a
# city then a comma), bare "тұйық", "ш.а."/"ш/а"/"микр." before the name, "корпус"/"блок"/"подъезд",
# microdistricts with a capital letter ("-3Б"); Russian and Kazakh typed in Latin letters (introductions,
# signatures, "kv", "dom", "ul."); phones split by words or a line break, or grouped oddly; e-mails with
# a bracketed "[ит]"/"(a)", "собачка" and no dot, transliterated hosts, a login and a host with no @ after
# a cue; IBANs with Cyrillic "КЗ"/"К"; document numbers spaced one digit at a time; cards grouped with
# underscores; names in a case, lower-case surnames after a first name, cut-short signatures. And
# questions without personal data that look like them: a street alone, counts of floors and flats,
# legal references with dashes, numbered schools and routes, dates, a dog in the yard, Latin questions.
# The rules were then improved against it: its final figure is a development figure.

DEV_ITEMS_4 = [
    # A street with no street type, a house and a flat.
    ("address", "Лифт не работает, Гоголя 45 кв 12, подскажите куда звонить", "Гоголя", "45", "12"),
    ("address", "Сатпаева 22-14, третий день нет горячей воды", "Сатпаева", "22", "14"),
    ("address", "Живём на Жандосова 58/3, кв. 71, во дворе не убирают", "Жандосова", "58", "71"),
    ("address", "Астана, Кенесары 52-108, течёт стояк", "Кенесары", "52", "108"),
    ("address", "Қостанай қ., Байтұрсынов 61, 14 пәтер, жылу жоқ", "Байтұрсынов", "61", "14"),
    ("address", "Абылайхана 10, кв. 3 — протекает крыша", "Абылайхана", "10", "3"),
    ("address", "Пушкина 7 кв 45 мусор не вывозят неделю", "Пушкина", "7", "45"),
    ("address", "Момышұлы 15/2-33, лифт бұзылған", "Момышұлы", "15", "33"),
    ("address", "адрес: Есенберлина 200, кв 5", "Есенберлина", "200", "5"),
    ("address", "по адресу Толе би 58, кв 11 нет отопления", "Толе", "58", "11"),
    ("address", "Розыбакиева 247А, кв. 31, парковку заняли", "Розыбакиева", "247", "31"),
    ("address", "Жібек жолы 50-12, Алматы, подвал затопило", "Жібек", "50", "12"),
    ("address", "Мұқанов 44 үй, 3 пәтер, жарық сөніп қалды", "Мұқанов", "44"),
    ("address", "Бейбітшілік 8/3, 27 пәтер — мекенжайым осы", "Бейбітшілік", "8", "27"),
    ("address", "г. Караганда, Ерубаева 36, нет света в подъезде", "Ерубаева", "36"),
    ("address", "Шымкент, Байтурсынова 12-40, кто отвечает за двор?", "Байтурсынова", "12", "40"),
    ("address", "Павлодар, Торайгырова 95 кв 18 — плесень в квартире", "Торайгырова", "95", "18"),
    ("address", "Ақтөбе, Әбілқайыр хан 61-15, су ағып тұр", "Әбілқайыр", "61", "15"),
    ("address", "Тәуке хан 19, кв 4, отопление еле тёплое", "Тәуке", "19", "4"),
    ("address", "мекенжай: Қонаев 33, 9 пәтер", "Қонаев", "33", "9"),
    ("address", "Наурызбай батыра 17-9, соседи шумят ночью", "Наурызбай", "17", "9"),
    ("address", "Алтынсарина 118 кв 64, нет напора воды", "Алтынсарина", "118", "64"),
    ("address", "Уалиханова 4/1, кв. 2, двор разрыт", "Уалиханова", "4", "2"),
    ("address", "Гагарина 311, квартира 90 — когда дадут тепло?", "Гагарина", "311", "90"),
    # A village street after "ауылы", "село", "с.", "п.".
    ("address", "Шамалған ауылы, Жастар 17, жарық жоқ", "Жастар", "17"),
    ("address", "село Кокозек, Садовая 5, дорогу размыло", "Садовая", "5"),
    ("address", "с. Бесагаш, Центральная 23 — нет газа", "Центральная", "23"),
    ("address", "Талдыбұлақ ауылы Бірлік 34 үй, су келмейді", "Бірлік", "34"),
    ("address", "п. Отеген батыр, Луговая 12-2, канава переполнена", "Луговая", "12"),
    ("address", "Қаскелең, Тәуелсіздік 76-й үй маңында шұңқыр", "Тәуелсіздік", "76"),
    ("address", "Кемертоған ауылы, Мектеп 8, жарық бағанасы құлаған", "Мектеп", "8"),
    # Bare "тұйық", "ш.а."/"ш/а", "микр." before the name.
    ("address", "Ақбұлақ тұйық 3 үй, қоқыс шығарылмайды", "Ақбұлақ", "3"),
    ("address", "Шұғыла тұйық, 12 үй, жол жоқ", "Шұғыла", "12"),
    ("address", "ш.а. Көктем-2, 15 үй, 8 пәтер", "Көктем-2", "15", "8"),
    ("address", "ш/а Нұрсат 12 үй, лифт тоқтап тұр", "Нұрсат", "12"),
    ("address", "ш.а Самал, 5 үйдің ауласы", "Самал", "5"),
    ("address", "микр. Восток-3, 45-17, воды нет", "Восток-3", "45", "17"),
    ("address", "микр Жулдыз 12 кв 4", "Жулдыз", "12", "4"),
    ("address", "мкрн. Орбита-4, д. 26, кв 3", "Орбита-4", "26", "3"),
    # "корпус", "блок", "подъезд" with numbers.
    ("address", "Туран 55 корпус 3, кв. 70, нет отопления", "Туран", "55", "3", "70"),
    ("address", "Сыганак 18, блок 2, 114 кв", "Сыганак", "18", "2", "114"),
    ("address", "дом 7 корп. 2 кв. 56 — сосед затопил", "7", "2", "56"),
    ("address", "Достык 5, подъезд 3, кв 61 — лампочки не горят", "Достык", "5", "3", "61"),
    ("address", "ЖК Нурлы, блок 4, кв 120, лифт стоит", "4", "120"),
    ("address", "Кабанбай батыра 40, корпус Б, квартира 19", "Кабанбай", "40", "19"),
    # A microdistrict with a capital letter after its number.
    ("address", "мкр Аксай-3Б, 17-88, нет воды", "Аксай-3Б", "17", "88"),
    ("address", "мкр. Жетысу-2В, дом 14, кв 8", "Жетысу-2В", "14"),
    ("address", "Самал-1А 9 кв 3, отключили свет", "Самал-1А", "9"),
    ("address", "Шұғыла-4Б шағын ауданы, 6 үй", "Шұғыла-4Б", "6"),
    ("address", "Мамыр-7А, 22-15, мусор", "Мамыр-7А", "22", "15"),
    # Latin letters.
    ("address", "ul. Abaya 15 kv 7, net sveta", "Abaya", "15", "7"),
    ("address", "Satpaeva 22 kv 14, kogda dadut vodu?", "Satpaeva", "22", "14"),
    ("address", "mkr Samal-2 dom 5 kv 18", "Samal-2", "5", "18"),
    ("address", "zhivu na Auezova 64, kv 9", "Auezova", "64", "9"),
    ("address", "Tole bi 58, kv 11, lift ne rabotaet", "Tole", "58", "11"),
    ("address", "adres: Rozybakieva 247, kv. 31", "Rozybakieva", "247", "31"),
    ("address", "dom 12, kv 6, vo dvore yama", "12", "6"),
    ("address", "Zhambyl koshesi 14 uy, 3 pater", "Zhambyl", "14"),
    ("address", "Abay dangyly 48, 17 pater", "Abay", "48", "17"),
    ("address", "Mangilik El 55-20, su zhok", "Mangilik", "55", "20"),
    # Names typed in Latin letters.
    ("name", "salem! men Dauren, jol qashan zhondeledi?", "Dauren"),
    ("name", "Salem men Aizhan, 4 mkr-dan zhazyp otyrmyn", "Aizhan"),
    ("name", "menya zovut Sergei, problema s otopleniem", "Sergei"),
    ("name", "Menya zovut Olga Ivanova, pensionerka", "Olga", "Ivanova"),
    ("name", "pishet vam Timur iz Kosshy", "Timur"),
    ("name", "vas bespokoit Gulnara Bekova", "Gulnara", "Bekova"),
    ("name", "zdravstvuite, ya Ruslan, hochu sprosit pro subsidiyu", "Ruslan"),
    ("name", "menin atym Erlan, audan akimine jazam", "Erlan"),
    ("name", "atym Zhanar, suragym bar", "Zhanar"),
    ("name", "s uvazheniem, Marat Abenov", "Marat", "Abenov"),
    ("name", "kurmetpen, Aigerim", "Aigerim"),
    ("name", "Salamatsyz ba, men Nurbol. Su qashan beriledi?", "Nurbol"),
    ("name", "Dobryi den, menya zovut aliya", "aliya"),
    ("name", "privet, ya Dasha iz 5 doma", "Dasha"),
    ("name", "Assalaumagaleikum, men Qairat, auyldan jazamyn", "Qairat"),
    ("name", "na svyazi Arman, vopros po ocheredi", "Arman"),
    ("name", "menya Vitaliy zovut, ya s Karagandy", "Vitaliy"),
    ("name", "men Asem Nurlanqyzy, Taraz qalasynan", "Asem", "Nurlanqyzy"),
    # Names in a case, lower-case surnames after a first name, cut-short signatures.
    ("name", "Прошу помочь Петровой Анне с пособием", "Петровой", "Анне"),
    ("name", "Заявление от Смирновой Елены так и не рассмотрели", "Смирновой", "Елены"),
    ("name", "Ахметовой Динаре третий месяц не отвечают", "Ахметовой", "Динаре"),
    ("name", "Жұмабекова Айгүлге көмек керек, жәрдемақы тоқтады", "Жұмабекова", "Айгүлге"),
    ("name", "Нұрланов Асқарға жауап беріңізші", "Нұрланов", "Асқарға"),
    ("name", "Оспанова Динараның өтініші қаралмады", "Оспанова", "Динараның"),
    ("name", "Передайте Кузнецову Сергею, что документы готовы", "Кузнецову", "Сергею"),
    ("name", "Обращаюсь от имени Ибраевой Гульнары", "Ибраевой", "Гульнары"),
    ("name", "письмо от Васильевой Марины потерялось?", "Васильевой", "Марины"),
    ("name", "Айгерим Сейткалиевой не пришла выплата", "Айгерим", "Сейткалиевой"),
    ("name", "это Саша кузьменко из 12 дома", "Саша", "кузьменко"),
    ("name", "пишет Марина ткаченко, вопрос про садик", "Марина", "ткаченко"),
    ("name", "Айгуль сейтказиева, жительница Косшы", "Айгуль", "сейтказиева"),
    ("name", "с вами Дмитрий лебедев, по поводу двора", "Дмитрий", "лебедев"),
    ("name", "Добрый день, я Денис морозов", "Денис", "морозов"),
    ("name", "Ерлан жумабаев спрашивает про очередь на жильё", "Ерлан", "жумабаев"),
    ("name", "Спасибо за ответ.\nУважением, Жанболат", "Жанболат"),
    ("name", "Уважением Гульмира", "Гульмира"),
    ("name", "Когда починят?\nС уважение, Ерик", "Ерик"),
    ("name", "жду ответа. суважением Бахытжан", "Бахытжан"),
    ("name", "When will the road be fixed?\nBest, Mira", "Mira"),
    ("name", "Is the hearing open to all? Cheers, Arman", "Arman"),
    ("name", "Please reply soon.\nRegards Askar", "Askar"),
    ("name", "Жауап күтемін. Рахмет, Ботагөз", "Ботагөз"),
    ("name", "Thx, Dinara", "Dinara"),
    ("name", "Many thanks,\nYerlan", "Yerlan"),
    ("name", "Құрметпен Серік Ахметұлы", "Серік", "Ахметұлы"),
    ("name", "Всего доброго, Людмила", "Людмила"),
    # Phones split by words or a line break, or grouped oddly.
    ("phone", "звоните 8 707 потом 412 33 90", "87074123390"),
    ("phone", "номер 8 777 и дальше 1234567", "87771234567"),
    ("phone", "мой номер +7 702\n555 66 77", "77025556677"),
    ("phone", "тел 8 701 339\n20 84, после шести", "87013392084"),
    ("phone", "8 (747) далее 310 22 81 — звоните", "87473102281"),
    ("phone", "нөмірім 8 705 сосын 642 18 90", "87056421890"),
    ("phone", "ватсап 8 771, 234 56 78", "87712345678"),
    ("phone", "тел: 870 112 345 67", "87011234567"),
    ("phone", "звоните 8701 1234 567", "87011234567"),
    ("phone", "моб 87 011 234 567", "87011234567"),
    ("phone", "номер 8-7011-23-45-67", "87011234567"),
    ("phone", "тел 8 7 0 2 5 5 5 1 2 3 4", "87025551234"),
    ("phone", "moi nomer 8 747 555 44 33", "87475554433"),
    ("phone", "nomer telefona: 8 701 potom 765 43 21", "87017654321"),
    ("phone", "номер: 8 701\n234\n56\n78", "87012345678"),
    ("phone", "телефон 8 708 (дальше) 456 12 30", "87084561230"),
    ("phone", "пишите в вотсап +7 778 ещё 123 4567", "77781234567"),
    ("phone", "тел.\n8 705\n111 22 33", "87051112233"),
    # E-mails.
    ("email", "почта: aruzhan.k [ит] mail.ru", "aruzhan.k"),
    ("email", "пишите dana_s(a)gmail.com", "dana_s"),
    ("email", "email: bekzat [a] yandex.kz", "bekzat"),
    ("email", "ответ на kanat88 собачка mail ru", "kanat88"),
    ("email", "пошта: zhanna_b собака gmail com", "zhanna_b"),
    ("email", "nurlan.a собачка гмаил ком", "nurlan.a"),
    ("email", "мой емейл askar_t@мэйл.ру", "askar_t"),
    ("email", "почта erlan90 собака мэйл ру", "erlan90"),
    ("email", "почта: saule.n gmail", "saule.n"),
    ("email", "email: dias_k mail.ru", "dias_k"),
    ("email", "e-mail madina88 yandex kz", "madina88"),
    ("email", "эл. почта: asem.t inbox.ru", "asem.t"),
    ("email", "pochta: temirlan_b sobaka mail ru", "temirlan_b"),
    ("email", "mail: olzhas (at) mail ru", "olzhas"),
    ("email", "ответьте на nursultan.a(ат)mail.ru", "nursultan.a"),
    ("email", "пишите aidos.b {собака} yandex.ru", "aidos.b"),
    ("email", "почта ivan.petrov@ gmail com", "ivan.petrov"),
    ("email", "пишите: aset.k@gmailcom", "aset.k"),
    ("email", "почтам: gulim_a собачка маил ру", "gulim_a"),
    ("email", "email dauren.t at gmail com", "dauren.t"),
    ("email", "поштам: zere.s (а) gmail.com", "zere.s"),
    ("email", "почта — tima_88 гмайл", "tima_88"),
    ("email", "e-mail: serik.b яндекс кз", "serik.b"),
    ("email", "почта: ainur.zh [at] mail ru", "ainur.zh"),
    # IBAN with Cyrillic look-alikes.
    ("iban", "ИИК КZ86125KZT5004100100, Халык", "86125KZT5004100100"),
    ("iban", "счёт КЗ75 125K ZT20 0130 0335", "75125KZT2001300335"),
    ("iban", "IBAN: КZ12 601A 8710 0034 5678", "12601A871000345678"),
    ("iban", "реквизиты KЗ49 722S 0000 1234 5678", "49722S000012345678"),
    ("iban", "шот кз86125kzt5004100100", "86125kzt5004100100"),
    ("iban", "КZ86 125К ZТ50 0410 0100 — мой счёт", "86125KZT5004100100"),
    # Document numbers spaced one digit at a time.
    ("id", "удостоверение 0 4 9 1 2 3 5 8 7, выдано МВД", "049123587"),
    ("id", "жеке куәлік нөмірі 0 4 1 2 2 3 3 4 5", "041223345"),
    ("id", "номер документа: 0 4 5 6 7 8 9 1 2", "045678912"),
    ("id", "№ 0 3 9 8 7 6 5 4 3 удв.", "039876543"),
    ("id", "уд. лич. 0 4 7-1 1 1-2 2 3", "047111223"),
    ("iin", "ИИН 9 0 0 1 0 1 3 0 0 1 2 3", "900101300123"),
    ("iin", "ЖСН: 8 8 0 4 0 5 4 5 0 1 2 3", "880405450123"),
    # Cards grouped with underscores.
    ("card", "карта 4400_4301_2345_6789", "4400430123456789"),
    ("card", "Kaspi 5169_4931_1234_5676", "5169493112345676"),
    ("card", "перевела на 4405_6398_1122_3344", "4405639811223344"),
    ("card", "card: 5522_0412_3456_7890 (Halyk)", "5522041234567890"),
    ("card", "карта 4400 - 4301_2345_6789", "4400430123456789"),
]

DEV_CLEAN_4 = [
    "На улице Гоголя нет света третий день", "Абая закрыта на ремонт до 15 мая?", "Сатпаева перекрыли, когда откроют?",
    "В доме 9 этажей, а лифт один", "В нашем доме 12 подъездов и 5 этажей", "в доме 80 квартир, а парковка на 20 машин",
    "в каждом доме 4 подъезда, где детская площадка?", "Дом 5-этажный, крыша течёт, кто ремонтирует?",
    "Статья 15-7 Кодекса об административных правонарушениях", "Глава 3-1 Закона о МГУ", "Пункт 2-1 приказа № 45",
    "Форма 035-1/у где взять?", "Класс 5-11, сколько учеников?", "Маршрут 12 не ходит с утра", "Школа 15 переполнена",
    "Гимназия 8 на ремонте?", "Приём 15-16 мая", "Смены с 8-20, перерыв 13-14", "Возраст 18-25 лет для программы",
    "Корпус 2 университета закрыт?", "Подъезд 3 не убирают неделю", "Блок питания для камеры сломан",
    "Тәуелсіздік даңғылында жол жабық па?", "Абай көшесінде жарық жоқ", "Жастар саябағы қашан ашылады?",
    "Ауылымызда 300 үй бар, су жоқ", "Біздің үйде 9 қабат, лифт жоқ", "Тұйық көшеге шам қою керек",
    "Мкр Аксай-3Б когда подключат газ?", "Шағын аудан Көктем-2 жолы жөнделе ме?", "Самал-1А ЖК-да неше пәтер бар?",
    "Салем! Jol qashan zhondeledi?", "men de suraiyn, su qashan beriledi", "Men and women have equal rights here?",
    "men Almatydan jazyp otyrmyn", "salem, men suraq qoigym keledi",
    "Заявление от 12 марта не рассмотрели", "Обращаюсь от имени жителей дома", "Передайте акиму района спасибо",
    "dom kultury zakryt?", "kv. m price 300 000 tenge, is it fair?", "Hello, men at work on Abay avenue all week",
    "kto vyigral match kairata vchera", "kak stat' delegatom na skhod", "menya interesuet byudzhet 2026",
    "Моя собачка заболела, где ветклиника?", "Почта: как отправить письмо в gmail?", "e-mail акимата какой?",
    "Пишу с gmail, дошло письмо?", "почта не работает с утра",
    "Собака лает у входа в Казпочту, mail.ru не открывается", "[a] и [b] варианты",
    "КЗ 2026 году бюджеті", "Стратегия Казахстан-2050", "Пункты 1, 2, 3 и 4 приказа", "№ 1 2 3 в списке",
    "file_2024_01_15.pdf не открывается", "8 700 тенге в месяц, 1 250 000 в год", "Закон № 148-II, статья 39-3",
    "Рахмет, түсінікті", "Спасибо, Акимат!", "Best regards to the team", "Cheers, everyone", "С уважением к вам",
    "Thanks, Astana", "Уважением пользуется наш аким", "Аллея Абая Кунанбаева ремонтируется?",
    "Музей Абая Құнанбайұлы жұмыс істей ме?", "Депутат Ахметов не отвечает на звонки", "Аким Жакупов провёл встречу",
    "Проспект Назарбаева Астана перекрыт?", "Улица Ленина 2026 году переименована?", "Туран 2050 бағдарламасы",
    "Нурлы жол 2020-2025", "На Абая 150 лет отмечают?", "Ауэзова, Гоголя и Сатпаева ремонтируют?",
    "Кому памятник на Пушкина?", "Тариф 8 701 тенге, а дальше 339 тенге", "Ветеран 1941-1945 годов, положены льготы?",
]


def hand_written(rows: list[tuple[str, ...]]) -> list[Planted]:
    """Items written by hand as (category, question, part, ...), in HELD_OUT_ITEMS' shape."""
    items = []
    for category, text, *parts in rows:
        if category in IDENTIFIERS and category != "email":
            kinds = tuple(("digits", w) for w in _windows(parts[0]))
        elif category == "email":
            kinds = (("text", parts[0]),)
        elif category == "plate":
            kinds = (("number", parts[0]), ("token", parts[1]))
        else:
            kinds = tuple(("number", p) if p.isdigit() else ("word", p) for p in parts)
        items.append(Planted(category, "", text, parts[0], kinds))
    return items


def held_out() -> tuple[list[Planted], list[str]]:
    return hand_written(HELD_OUT_ITEMS), HELD_OUT_CLEAN


def dev_3() -> tuple[list[Planted], list[str]]:
    return hand_written(DEV_ITEMS_3), DEV_CLEAN_3


def dev_4() -> tuple[list[Planted], list[str]]:
    return hand_written(DEV_ITEMS_4), DEV_CLEAN_4


def held_out_2() -> tuple[list[Planted], list[str]]:
    """The second held-out set, written blind to the code (bench/redaction_held_out.py): the acceptance
    measurement for issue 32, not to be tuned against."""
    from bench.redaction_held_out import HELD_OUT_CLEAN_2, HELD_OUT_ITEMS_2

    return hand_written(HELD_OUT_ITEMS_2), HELD_OUT_CLEAN_2


def held_out_3() -> tuple[list[Planted], list[str]]:
    """The third held-out set, written blind to the code (bench/redaction_held_out_3.py): the acceptance
    measurement of issue 32's second round, run once when its rules were final."""
    from bench.redaction_held_out_3 import HELD_OUT_CLEAN_3, HELD_OUT_ITEMS_3

    return hand_written(HELD_OUT_ITEMS_3), HELD_OUT_CLEAN_3


# --- Legal references and figures -------------------------------------------------------------------

LEGAL_REFS = [
    "Law No. 148-II", "Закон № 148-II от 23 января 2001 года", "15 working days", "15 рабочих дней", "Art. 39-3",
    "статья 39-3", "статья 76 АППК", "в 2026 году", "5000 голосов", "п. 2 ст. 35",
    "Кодекс РК от 29 июня 2020 года № 350-VI", "ҚР Заңы 2001 жылғы 23 қаңтардағы № 148-II", "23.01.2001",
    "01.01.2026", "18:00", "10:00-12:00", "1 000 000 тенге", "3,5 млрд", "12,5%", "1414", "109", "ст. 35-39",
    "Указ Президента № 826 от 03.03.2022", "Указ № 19", "ст. 1, подп. 1", "1-баптың 2-тармағы", "39-3-бабы",
    "15 жұмыс күні", "30 календарных дней", "2026 жылы", "с 10:00 до 12:00", "150 000 000 000 тенге",
    "2 500 000 ₸", "1 200 человек", "0,5 га", "2024-2026 годы", "01.01.2025-31.12.2025", "№ 350-VI",
    "No. 350-VI of 29 June 2020", "Art. 76", "subpara. 1-2", "Article 35", "постановление акимата № 45/2",
    "приказ Министра от 12.05.2020 № 123", "112", "102", "103", "104", "8 800 080 7777", "3.14", "75%", "2019-2025",
    "ст. 27", "Закон РК от 16 апреля 2024 года № 74-VIII", "ст. 7 п. 3", "глава 5", "Глава I", "раздел II",
    "12 345 678 тыс. тенге", "7 000 000 000 тенге", "350-VI ҚРЗ", "№ 148", "от 23.01.2001 г.", "20.11.2023",
    "в 2025-2026 учебном году", "2 квартал 2026 года", "3 кв. 2026 года", "50 кв. м", "10 000 подписей",
    "11 ноября 2025 года", "до 31 декабря", "1-2 сентября", "на 5 лет", "24/7", "с 9:00 до 18:30", "№ 1", "ст. 39-1",
    "Art. 39-1, para. 2", "1.5 млн", "6 месяцев", "по 3 человека", "в 2 этапа", "ст. 3, 4 и 5", "ч. 1 ст. 18",
    "код 105102", "КБК 104101", "ОКЭД 84.11.1", "ГОСТ 12.1.004-91", "СНиП 3.05.04-85", "ISO 9001:2015",
    "постановление № 1017 от 28.12.2023", "№ 4-1/123 от 15.03.2024", "3 000 000 000 000 тенге",
]
LEGAL_FRAMES = [
    "Согласно норме ({r}), решение принимается маслихатом.",
    "По закону срок ответа — {r}, так почему мне не ответили?",
    "В соответствии с {r} аким обязан отчитаться перед населением.",
    "According to {r}, the akimat must reply.",
    "{r} туралы не білесіз?",
    "Где прочитать {r}?",
    "Құжатта {r} деп жазылған, бұл нені білдіреді?",
    "Is {r} still in force?",
    "Слушания назначены, см. {r}. Можно прийти?",
    "Бюджет района: {r}. Куда ушли деньги?",
    "{r}",
]


def legal(seed: int = SEED) -> list[Legal]:
    rng = random.Random(seed + 1)
    out = [Legal(ref, (ref,)) for ref in LEGAL_REFS]
    while len(out) < 220:
        refs = tuple(rng.sample(LEGAL_REFS, rng.choice([1, 1, 2])))
        frame = rng.choice(LEGAL_FRAMES)
        out.append(Legal(frame.replace("{r}", " и ".join(refs) if len(refs) > 1 else refs[0]), refs))
    return out


# --- Real texts without personal data ---------------------------------------------------------------


def knowledge_texts() -> list[str]:
    from bot.core.knowledge.loader import load_or_fail

    kb = load_or_fail()
    texts = []
    for entry in kb.entries.values():
        for local in entry.texts.values():
            texts += [local.title, local.answer, *local.questions]
        for source in entry.sources:
            texts += [source.title, *(title for _, title in source.titles)]
    return texts


def dev_questions() -> list[str]:
    if not DEV_SET.exists():
        return []
    return [line.split("\t")[2] for line in DEV_SET.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


# --- Evaluation -------------------------------------------------------------------------------------


@dataclass
class Report:
    redacted: dict[str, tuple[int, int]]  # category -> (redacted, planted)
    misses: dict[str, list[tuple[str, str]]]  # category -> (question, output)
    legal_damaged: list[tuple[str, str]]
    legal_total: int
    ms_per_question: float
    ms_p99: float

    def rate(self, category: str) -> float:
        done, total = self.redacted[category]
        return done / total

    def meets_targets(self) -> bool:
        return (all(self.rate(c) >= TARGET[c] for c in TARGET)
                and len(self.legal_damaged) / self.legal_total < LEGAL_DAMAGE_MAX)


def evaluate(seed: int = SEED) -> Report:
    items, refs = planted(seed), legal(seed)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[tuple[str, str]]] = defaultdict(list)
    times = []
    for item in items:
        started = time.perf_counter()
        out = redact(item.text)
        times.append(time.perf_counter() - started)
        counts[item.category][1] += 1
        if leaked(item, out):
            misses[item.category].append((item.text, out))
        else:
            counts[item.category][0] += 1
    damaged = []
    for ref in refs:
        started = time.perf_counter()
        out = redact(ref.text)
        times.append(time.perf_counter() - started)
        if not all(r in out for r in ref.references):
            damaged.append((ref.text, out))
    times.sort()
    return Report({c: (v[0], v[1]) for c, v in counts.items()}, dict(misses), damaged, len(refs),
                  statistics.mean(times) * 1000, times[int(len(times) * 0.99)] * 1000)


@dataclass
class HandWritten:
    by: dict[str, tuple[int, int]]  # category -> (redacted, written)
    missed: list[tuple[str, str, str]]  # (category, question, output)
    changed: list[tuple[str, str]]  # questions without personal data that redaction changed, and how
    clean_total: int

    @property
    def done(self) -> int:
        return sum(d for d, _ in self.by.values())

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by.values())

    def pooled(self, categories: tuple[str, ...]) -> tuple[int, int]:
        rows = [self.by[c] for c in categories if c in self.by]
        return sum(d for d, _ in rows), sum(n for _, n in rows)


def _timing_300() -> tuple[float, float]:
    """Median ms for a 300-character question with data in it, and the worst of some hostile inputs."""
    question = ("Здравствуйте! Меня зовут Айгуль Нурлановна, живу по адресу ул. Абая 15, кв. 7. Подавала жалобу "
                "12.03.2026 по ст. 76 АППК, прошло уже 15 рабочих дней, ответа нет. Мой ИИН 900101300123, "
                "телефон +7 701 123 45 67, почта aigul at mail dot ru. Почему так долго? Куда обращаться дальше, "
                "в прокуратуру?")[:300]
    # The median of 300 rounds: on a shared machine a mean mostly measures the other processes.
    rounds = []
    for _ in range(300):
        started = time.perf_counter()
        redact(question)
        rounds.append(time.perf_counter() - started)
    mean = statistics.median(rounds) * 1000
    hostile = ["маслихат " * 1250, "😀" * 10_000, "1 " * 5000, "a" * 10_000, "1" * 10_000, "@ " * 5000,
               "\u200b".join("87011234567" for _ in range(800)), "Иванов " * 1400, "ул. " * 2500, "at " * 3300,
               ". " * 5000, "1-" * 5000, "\x00\x1b[31m" * 1000]
    worst = 0.0
    for text in hostile:
        started = time.perf_counter()
        redact(text)
        worst = max(worst, (time.perf_counter() - started) * 1000)
    return mean, worst


def score_hand_written(items: list[Planted], clean: list[str]) -> HandWritten:
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed = []
    for item in items:
        out = redact(item.text)
        by[item.category][1] += 1
        if leaked(item, out):
            missed.append((item.category, item.text, out))
        else:
            by[item.category][0] += 1
    changed = [(q, out) for q in clean if (out := redact(q)) != q]
    return HandWritten({c: (d, n) for c, (d, n) in by.items()}, missed, changed, len(clean))


def _print_hand_written(title: str, items: list[Planted], clean: list[str], targets: bool = False) -> None:
    score = score_hand_written(items, clean)
    print(f"{title}: {score.done}/{score.total} items redacted ("
          + ", ".join(f"{c} {d}/{n}" for c, (d, n) in score.by.items()) + ")")
    if targets:
        (ids, n_ids), (soft, n_soft) = score.pooled(IDENTIFIERS), score.pooled(("name", "address"))
        print(f"  identifiers {ids}/{n_ids} ({ids / max(n_ids, 1):.1%}, target {HAND_TARGET['identifiers']:.0%}), "
              f"names and addresses {soft}/{n_soft} ({soft / max(n_soft, 1):.1%}, target "
              f"{HAND_TARGET['names_addresses']:.0%}), questions without personal data changed "
              f"{len(score.changed)}/{score.clean_total} (target 0)")
    for category, text, out in score.missed:
        print(f"    missed {category}: {text!r} -> {out!r}")
    if not targets:
        print(f"  questions without personal data changed: {len(score.changed)}/{score.clean_total}")
    for text, out in score.changed:
        print(f"    {text!r} -> {out!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.redaction", description=__doc__.split("\n")[0])
    parser.add_argument("--without-held-out-2", action="store_true",
                        help="leave out the second held-out set (while developing: it is the acceptance measure)")
    parser.add_argument("--without-held-out-3", action="store_true",
                        help="leave out the third held-out set (while developing: it is the acceptance measure)")
    args = parser.parse_args(argv)
    skip_held_out_2, skip_held_out_3 = args.without_held_out_2, args.without_held_out_3
    report = evaluate()
    total = sum(n for _, n in report.redacted.values())
    print(f"planted set: {total} items in questions (kk, ru, en), {report.legal_total} sentences with legal "
          f"references and figures (seed {SEED})")
    for category in (*IDENTIFIERS, *SOFT):
        done, n = report.redacted[category]
        mark = "ok" if report.rate(category) >= TARGET[category] else "BELOW TARGET"
        print(f"  {category:8} {done:4}/{n:<4} redacted  {report.rate(category):6.1%}  "
              f"(target {TARGET[category]:.0%}: {mark})")
    ids = [report.redacted[c] for c in IDENTIFIERS]
    soft = [report.redacted[c] for c in SOFT]
    print(f"  identifiers {sum(d for d, _ in ids)}/{sum(n for _, n in ids)}, "
          f"names/addresses/plates {sum(d for d, _ in soft)}/{sum(n for _, n in soft)}")
    print(f"  legal references damaged: {len(report.legal_damaged)}/{report.legal_total} "
          f"({len(report.legal_damaged) / report.legal_total:.1%}, target < {LEGAL_DAMAGE_MAX:.0%})")
    for text, out in report.legal_damaged[:10]:
        print(f"    {text!r} -> {out!r}")
    for category, missed in report.misses.items():
        for text, out in missed[:6]:
            print(f"  missed {category}: {text!r} -> {out!r}")

    _print_hand_written("held-out hand-written questions (2025, frozen)", *held_out())
    _print_hand_written("development list 3 (issue 32)", *dev_3(), targets=True)
    _print_hand_written("development list 4 (issue 32, second round)", *dev_4(), targets=True)
    if not skip_held_out_2:
        # The acceptance measurement: written blind to the code, run once when the rules were final.
        _print_hand_written("held-out set 2 (written blind, bench/redaction_held_out.py)", *held_out_2(),
                            targets=True)
    if not skip_held_out_3:
        # Issue 32's second round's acceptance measurement: written blind, run once when the rules were final.
        _print_hand_written("held-out set 3 (written blind, bench/redaction_held_out_3.py)", *held_out_3(),
                            targets=True)

    other = [evaluate(seed) for seed in range(100, 110)]
    print("other seeds (100-109): " + ", ".join(
        f"{c} {sum(r.redacted[c][0] for r in other)}/{sum(r.redacted[c][1] for r in other)}"
        for c in (*IDENTIFIERS, *SOFT))
        + f"; legal damaged {sum(len(r.legal_damaged) for r in other)}/{sum(r.legal_total for r in other)}")

    kb = knowledge_texts()
    changed = [(t, redact(t)) for t in kb]
    changed = [(t, o) for t, o in changed if t != o]
    print(f"knowledge base texts (no personal data) changed by redaction: {len(changed)}/{len(kb)}")
    for text, out in changed[:8]:
        print(f"    {text[:120]!r} -> {out[:120]!r}")
    dev = dev_questions()
    dev_changed = [(q, redact(q)) for q in dev if redact(q) != q]
    print(f"dev-set questions changed by redaction: {len(dev_changed)}/{len(dev)}")
    for text, out in dev_changed[:5]:
        print(f"    {text!r} -> {out!r}")

    mean, worst = _timing_300()
    print(f"time: {report.ms_per_question:.3f} ms per planted question (p99 {report.ms_p99:.3f} ms), "
          f"{mean:.3f} ms (median) for a 300-character question with data, {worst:.1f} ms worst 10,000-character "
          f"hostile input (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()

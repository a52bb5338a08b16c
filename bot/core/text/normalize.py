"""Text normalisation shared by the index and the incoming questions.

Residents type Kazakh without a Kazakh keyboard (әкім → аким), in the Latin alphabet of 2021 or informal
Latin (äkım, akimat, qalay), mix look-alike Latin letters into Cyrillic words, and paste text with
zero-width characters. Everything is folded to one comparable form here, so the matcher compares like
with like. Both sides (knowledge phrasings and questions) must go through the same functions.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi marks survive NFKC; they would split or glue words invisibly.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    None,
)

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# Latin letters that look like Cyrillic ones, and back. Used only inside a word that mixes both scripts
# (a Cyrillic word with a Latin "a" typed by a phone keyboard that switched layouts).
_LATIN_TO_CYR = str.maketrans("aAeEoOpPcCxXyKkMHTBiI", "аАеЕоОрРсСхХуКкМНТВіІ")
_CYR_TO_LAT = str.maketrans("аАеЕоОрРсСхХуКкМНТВіІ", "aAeEoOpPcCxXyKkMHTBiI")

# Folding Kazakh-specific letters to what a Russian keyboard offers. ы, й, і and и are all folded to и:
# residents type "жиын"/"жыйын", "ауыл"/"auyl", "сайлау"/"saylau" interchangeably, and the distinction
# costs almost nothing in Russian (both sides are folded the same way). э → е for "экім"/"экология".
_FOLD = str.maketrans(
    {
        "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
        "і": "и", "ы": "и", "й": "и", "ё": "е", "э": "е", "ъ": "", "ь": "",
    }
)

# Latin-script Kazakh to Cyrillic, digraphs first. Three official alphabets and informal Latin meet here:
# - 2017 (apostrophes): a' g' n' o' u' s' c' i' y' for ә ғ ң ө ү ш ч й ұ;
# - 2018 (acute accents, the Latin editions of Egemen Qazaqstan and Kazinform): á ǵ ń ó ú for ә ғ ң ө ү,
#   ý for у, u for ұ, ı for и/й, y for ы, sh ch for ш ч, ıa ıý for я ю ("aıasynda", "bıýdjet");
# - 2021 (Turkic letters): ä ğ ñ ö ü ū ş, ı for ы, i for і, y for й, u for у, ia iu for я ю;
# - informal: q/k, gh, zh/j, kh/h, w, ya/yu, ə ŋ.
# Where they disagree (ı and y swap between 2018 and 2021) the letters are ones that fold() makes one
# (ы, й, і and и all fold to и), so one table serves every alphabet.
_LATIN_DIGRAPHS = (("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("gh", "ғ"), ("kh", "х"), ("ng", "ң"),
                   ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("ıa", "я"), ("ıý", "ю"), ("ıu", "ю"),
                   ("a'", "ә"), ("g'", "ғ"), ("n'", "ң"), ("o'", "ө"), ("u'", "ү"), ("s'", "ш"), ("c'", "ч"),
                   ("i'", "й"), ("y'", "ұ"))
_LATIN_SINGLE = str.maketrans(
    {
        "a": "а", "ä": "ә", "á": "ә", "ə": "ә", "b": "б", "c": "с", "ç": "ч", "d": "д", "e": "е", "f": "ф",
        "g": "г", "ğ": "ғ", "ǵ": "ғ", "h": "х", "ı": "ы", "i": "і", "j": "ж", "k": "к", "l": "л", "m": "м",
        "n": "н", "ñ": "ң", "ń": "ң", "ŋ": "ң", "o": "о", "ö": "ө", "ó": "ө", "p": "п", "q": "қ", "r": "р",
        "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ", "ü": "ү", "ú": "ү", "v": "в", "w": "у", "ý": "у",
        "x": "х", "y": "ы", "z": "з",
    }
)
# The 2017 alphabet's apostrophe (typed as ' ’ ʼ or `) belongs to the letter before it.
_APOSTROPHE_LETTER = re.compile(r"(?<=[agnousciy])[’ʼ`´]")
_LATIN_KAZAKH_WORD = re.compile(r"[^\W_]+(?:'[^\W_]*)*")

# Russian typed in Latin letters by residents without a Cyrillic keyboard ("kak podat zhalobu na akima"):
# the common informal transliteration, longest digraphs first. "y" is ы inside a word and й after a vowel
# at its end (novyy, kakoy); after folding ы, й and и are one letter anyway, so the choice rarely matters.
_RUSSIAN_DIGRAPHS = (("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
                     ("sh", "ш"), ("ya", "я"), ("ja", "я"), ("yu", "ю"), ("ju", "ю"), ("yo", "ё"), ("jo", "ё"),
                     ("ye", "е"), ("''", "ь"), ("'", "ь"))
_RUSSIAN_SINGLE = str.maketrans(
    {
        "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "й",
        "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с", "t": "т",
        "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з",
    }
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def clean(text: str) -> str:
    """Unicode-level clean-up that keeps the text readable: NFKC, no invisible or control characters,
    look-alike letters fixed inside mixed-script words, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    # Two shortcuts that change nothing (the clustering reads 20,000 questions through here): a printable
    # text has no control or format character (category C), and a word can mix scripts only in a text
    # that has both.
    if not text.isprintable():
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    if LATIN.search(text) and CYRILLIC.search(text):
        text = _WORD.sub(_fix_mixed_script, text)
    return " ".join(text.split())


def _fix_mixed_script(match: re.Match[str]) -> str:
    word = match.group(0)
    cyr = len(CYRILLIC.findall(word))
    lat = len(LATIN.findall(word))
    if not cyr or not lat:
        return word
    # The majority script wins: "мaслихат" (Latin a) is Cyrillic, "аkimat" (Cyrillic а) is Latin.
    return word.translate(_LATIN_TO_CYR) if cyr >= lat else word.translate(_CYR_TO_LAT)


def latin_to_cyrillic(text: str) -> str:
    """Transliterate Latin-script Kazakh (already casefolded) to Cyrillic."""
    text = _APOSTROPHE_LETTER.sub("'", text)
    for latin, cyrillic in _LATIN_DIGRAPHS:
        text = text.replace(latin, cyrillic)
    return text.translate(_LATIN_SINGLE)


def russian_latin_to_cyrillic(text: str) -> str:
    """Transliterate Russian typed in Latin letters (already casefolded) to Cyrillic."""
    for latin, cyrillic in _RUSSIAN_DIGRAPHS:
        text = text.replace(latin, cyrillic)
    return text.translate(_RUSSIAN_SINGLE)


def casefold(text: str) -> str:
    """str.casefold, except that the 2021 alphabet's capital İ folds to i (casefold gives i and a combining
    dot, which splits the word in two)."""
    return text.replace("İ", "i").casefold()


def fold(text: str) -> str:
    """Casefold and fold Kazakh letters so that text typed without a Kazakh keyboard matches. In words left
    in Latin letters (English text) "kh" is "h": Kazakh and Russian х is romanised either way ("maslikhat",
    "maslihat"; "Kazakhstan", "Kazahstan")."""
    return casefold(text).translate(_FOLD).replace("kh", "h")


def tokens(text: str, *, latin_kazakh: bool = False, latin_russian: bool = False) -> list[str]:
    """Normalised word tokens of an already cleaned text.

    latin_kazakh: the text is Kazakh written in Latin letters; its Latin words are transliterated to
    Cyrillic so that they meet the Cyrillic phrasings of the knowledge base.
    latin_russian: the same for Russian typed in Latin letters (apostrophes kept as soft signs).
    """
    text = casefold(text)
    if latin_russian:
        text = re.sub(r"[a-z']+", lambda m: russian_latin_to_cyrillic(m.group(0)).strip("ь") or " ", text)
    elif latin_kazakh and LATIN.search(text):
        text = _APOSTROPHE_LETTER.sub("'", text)
        text = _LATIN_KAZAKH_WORD.sub(
            lambda m: latin_to_cyrillic(m.group(0)) if LATIN.search(m.group(0)) else m.group(0), text)
    return _WORD.findall(fold(text))


def has_kazakh_letters(text: str) -> bool:
    return any(ch in KAZAKH_LETTERS for ch in text)

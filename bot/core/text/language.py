"""Which language a question is written in: Kazakh, Russian or English.

Kazakh is recognised by its own letters, and when those are missing (a Russian keyboard, or Latin
script) by Kazakh words and suffixes. A hint (the user's saved choice or Telegram's language_code)
decides when the text itself says too little, which is common for two-word questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text.normalize import CYRILLIC, LATIN, casefold, fold, has_kazakh_letters

LANGUAGES = ("kk", "ru", "en")

# Frequent Kazakh words, folded (ә→а, і/ы/й→и, қ→к ...) so that they are found with or without Kazakh
# letters. Chosen because they are common in questions and rare or absent in Russian.
_KK_WORDS = {
    "калаи", "каида", "ким", "неге", "неше", "канша", "кашан", "бар", "жок", "керек",
    "болади", "болама", "бола", "туралы", "деген", "ма", "ме", "ба", "бе", "па", "пе", "жане",
    "мен", "бен", "пен", "ушин", "бул", "осы", "сол", "кимге", "кимнин", "ауил", "ауилдик",
    "акимдик", "акимдиги", "акими", "акимнин", "маслихатка", "ненин", "жаза", "жазамин",
    "жазу", "сураи", "береди", "бере", "ала", "алами", "аламин", "ету", "етеди", "истеиди", "отиниш",
    "шагим", "саилау", "саиланади", "жергиликти", "озин", "баскару", "когамдастик", "жиин", "жиналис",
    "тиндау", "курау", "жауап", "мерзими", "мерзим", "аудан", "аудандик", "облис", "облистик", "кала",
    "халик", "бюджети", "кеинги", "кандаи", "калаиша", "барамин", "керекпин", "болса", "емес", "едим",
    "маган", "мени", "сиз", "биз", "олар", "онин", "оган", "кеше", "ертен", "бугин", "жаксы", "депутати",
    "мекемеси", "ктк", "кимдер", "нелер", "калалик", "ауилда", "ауилга",
}
# Suffixes of inflected Kazakh words after folding (ның→нин, ға→га, дағы→даги ...).
_KK_SUFFIX = re.compile(
    r"(?:нин|дин|тин|нан|ден|тен|дан|тан|нен|га|ге|ка|ке|лар|лер|дар|дер|тар|тер|дик|тик|лик|гис|даги|деги"
    r"|таги|теги|ади|еди|иди|мин|сиз|миз|ниц|ин)$"
)
# "не" is left out: it is Russian "not" and Kazakh "what".
_RU_WORDS = {
    "как", "что", "где", "кто", "когда", "какой", "какая", "какие", "каких", "сколько", "почему", "зачем",
    "в", "на", "по", "для", "и", "или", "ли", "можно", "нужно", "надо", "это", "такое", "у", "с", "о", "об",
    "от", "до", "из", "за", "к", "мне", "меня", "я", "мы", "вы", "если", "чем", "куда", "есть",
    "при", "же", "бы", "его", "ее", "их", "который", "которые", "будет", "был", "была", "было",
}
_RU_ONLY_LETTERS = set("ёэъщ")
_RU_SUFFIX = re.compile(
    r"(?:ться|тся|ого|его|ому|ему|ыми|ими|ая|яя|ое|ее|ые|ие|ый|ий|ой|ия|ции|ать|ять|ить|ешь|ует|ает|ют)$")

# English function words, and Kazakh words written in Latin letters (2021 alphabet or informal).
_EN_WORDS = {
    "the", "a", "an", "is", "are", "was", "be", "how", "what", "who", "whom", "where", "when", "why",
    "which", "do", "does", "did", "can", "could", "i", "my", "me", "we", "our", "you", "your", "to", "of",
    "in", "on", "for", "with", "and", "or", "about", "there", "it", "this", "that", "should", "will",
    "would", "have", "has", "get", "if", "long", "much", "many",
}
# Letters of the 2021 (ä ö ü ı ş ğ ñ ū) and 2018 (á ó ú ý ǵ ń) alphabets, and informal ə ŋ, which no
# English or Russian-in-Latin question has.
_KK_LATIN_LETTERS = set("äöüışğñūqáóúýǵńəŋ")
# Kazakh in form: grammar words and inflected nouns. Terms English text uses too (akim, akimat,
# maslikhat, oblys, e-Otinish) are no evidence, nor are "me", "be", "men", which are English words.
_KK_LATIN_WORDS = {
    "qalay", "kalay", "kalai", "qalai", "qaida", "kaida", "qayda", "kayda", "kim", "ne", "nege", "qanday",
    "kanday", "qansha", "kansha", "qashan", "kashan", "zhok", "joq", "jok", "kerek", "bolady", "turaly",
    "degen", "ma", "ba", "zhane", "jane", "ushin", "üşin", "auyldyq", "akimi", "äkimi", "akimdik",
    "äkimdik", "akimdigi", "mäslihat", "maslihatqa", "saylau", "sailau", "shagym", "şağym", "jiyn",
    "zhiyn", "jinalys", "zhinalys", "halyq", "khalyq", "jergilikti", "zhergilikti", "byudzheti",
    "budzheti", "budjetin", "kimge", "jazu", "zhazu", "beredi", "etedi", "isteydi", "isteidi",
    "deputaty", "tyndau", "tyñdau", "qoğamdyq", "qogamdyq", "bekitedi", "saylaidy", "saylaydy",
}
# Russian typed in Latin letters ("kak podat zhalobu na akima"): function and question words in the
# usual transliterations. "i", "a", "o", "by", "my", "so", "net", "do", "no", "to" are left out: they are
# English words too.
_RU_LATIN_WORDS = {
    "kak", "chto", "shto", "gde", "kto", "kogda", "kakoi", "kakoy", "kakaya", "kakie", "kakiye", "skolko",
    "skol'ko", "pochemu", "zachem", "li", "mozhno", "mojno", "nuzhno", "nujno", "nado", "eto", "takoe",
    "takoye", "ob", "ot", "iz", "za", "mne", "menya", "menja", "ya", "vy", "esli", "chem", "kuda",
    "est", "est'", "pri", "zhe", "ego", "yego", "ikh", "ih", "kotoryi", "kotoryy", "budet", "byl",
    "byla", "bylo", "na", "po", "dlya", "dlja", "ili", "v", "vo", "s", "k", "ne", "u", "nas",
    "nam", "vas", "pozhaluysta", "pojaluista", "podskazhite", "skazhite", "mozhet", "khochu", "hochu",
    "zdravstvuyte", "zdravstvuite", "privet", "seichas", "sejchas", "seychas", "tozhe", "uzhe",
}
# Russian endings in Latin letters; none of them ends common English words (or the Kazakh ones above).
_RU_LATIN_SUFFIX = re.compile(
    r"(?:ogo|ego|aya|yaya|iye|oye|yye|ykh|ikh|tsya|tsa|at'|yat'|it'|nie|niye|ost'|ovat|uyu|yut|ishь)$")
# Only endings that English words practically never have: "-ge", "-ty", "-der" would make "village",
# "party" and "leader" Kazakh.
_KK_LATIN_SUFFIX = re.compile(
    r"(?:nyn|ny[ñń]|ni[ñń]|dyn|dy[ñń]|tyn|ty[ñń]|dyq|tyq|lyq|[ğǵ]a|[ğǵ]e|qa|da[ğǵ]y|degi|nda[ğǵ]y)$")


@dataclass(frozen=True)
class Detection:
    """The detected language, the script, and whether the text itself was clear about it."""

    lang: str
    confident: bool
    script: str = "cyrillic"

    @property
    def latin_kazakh(self) -> bool:
        return self.lang == "kk" and self.script == "latin"


def detect(text: str, hint: str | None = None) -> Detection:
    """Guess kk/ru/en from cleaned text. `hint` is used when the text is not conclusive."""
    hint = hint if hint in LANGUAGES else None
    cyr = len(CYRILLIC.findall(text))
    lat = len(LATIN.findall(text))
    if not cyr and not lat:
        return Detection(hint or "kk", False, "none")
    if cyr >= lat:
        return _detect_cyrillic(text, hint)
    return _detect_latin(text, hint)


def _detect_cyrillic(text: str, hint: str | None) -> Detection:
    if has_kazakh_letters(text):
        return Detection("kk", True)
    words = re.findall(r"[^\W\d_]+", casefold(text))
    kk = ru = 0.0
    for word in words:
        folded = fold(word)
        if folded in _KK_WORDS:
            kk += 1.0
        elif word in _RU_WORDS:
            ru += 1.0
        elif len(word) > 4 and _RU_SUFFIX.search(word):
            ru += 0.5
        elif len(folded) > 4 and _KK_SUFFIX.search(folded):
            kk += 0.5
        if _RU_ONLY_LETTERS & set(word):
            ru += 0.5
    if kk > ru:
        return Detection("kk", kk - ru >= 1)
    if ru > kk:
        return Detection("ru", ru - kk >= 1)
    # Nothing decisive: a bare "аким" or "маслихат". Trust the hint if it names a Cyrillic language.
    return Detection(hint if hint in ("kk", "ru") else "ru", False)


def _detect_latin(text: str, hint: str | None) -> Detection:
    words = re.findall(r"[^\W\d_]+'?", casefold(text))
    score = {"kk": 0.0, "ru": 0.0, "en": 0.0}
    for word in words:
        bare = word.rstrip("'")
        if _KK_LATIN_LETTERS & set(word) or bare in _KK_LATIN_WORDS:
            score["kk"] += 1.0
        elif word in _RU_LATIN_WORDS or bare in _RU_LATIN_WORDS:
            score["ru"] += 1.0
        elif bare in _EN_WORDS:
            score["en"] += 1.0
        elif len(word) > 4 and _KK_LATIN_SUFFIX.search(bare):
            score["kk"] += 0.5
        elif len(word) > 4 and _RU_LATIN_SUFFIX.search(word):
            score["ru"] += 0.5
    ranked = sorted(score, key=lambda lang: (-score[lang], lang != hint, ("en", "kk", "ru").index(lang)))
    best, second = ranked[0], ranked[1]
    if score[best] > score[second]:
        return Detection(best, score[best] - score[second] >= 1, "latin")
    # A tie: the hint decides between the tied languages, English otherwise.
    return Detection(best if best == hint else ("en" if score["en"] == score[best] else best), False, "latin")

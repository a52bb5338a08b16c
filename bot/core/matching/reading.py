"""How a question or a phrasing is read for matching: its words after normalisation in the language it is
written in, the stop words, and the features the two views index (words with their prefixes, character
n-grams). The index, training, clustering and the editors' checks all read text through here, so a
phrasing and a question are always read the same way.
"""

from __future__ import annotations

from collections import Counter

from bot.core.matching.result import Query
from bot.core.text.language import Detection, detect
from bot.core.text.normalize import clean, fold, tokens

# 5 is the length of many Russian stems (ответ|а, выбор|ы, жалоб|а) and Kazakh roots with a vowel
# (өтін|іш folds to отин-иш); 4 and 6 catch shorter and longer ones. (4, 6) and (4, 5, 6, 7) rank the dev
# set within one question of this; see README "How it works".
PREFIX_LENGTHS = (4, 5, 6)
# Character n-grams of the re-ranker, within a word padded with spaces (" акім " has " а", "ак", ... "ім ").
CHAR_NGRAMS = (2, 3, 4, 5)
_STOP_WORDS_RAW = """
что такое это как кто где когда какой какая какое какие каким каких какую каком сколько почему зачем ли
можно нужно надо мне меня мой моя мои я мы вы ты он она они его ее их в во на по для и или а но у с со о об
от до из за к ко не же бы то есть быть будет был была было этот эта эти тот та те там тут здесь чем чего
чему кем кого кому куда если при про все весь свой свои наш наши ваш просто пожалуйста подскажите скажите
расскажите объясните хочу хотел хотела знать узнать значит означает вообще такой который которая которые
ну вот уже еще очень также так всё ещё
деген қандай қалай қайда кім кімге кімнің неге неше қанша қашан ма ме ба бе па пе мен бен пен және
бұл осы сол ол олар біз сіз менің маған үшін туралы керек болады бола ғой да де ғана еді әлде
немесе айтыңызшы түсіндіріңіз білгім келеді білу нені неден ше
what is are was were the a an how who whom where when why which do does did can could should would will
i my me we our you your it its this that these those to of in on for with and or about there be been have
has had get please tell explain know want need any some if so us
kazakhstan казахстан казахстане казахстана қазақстан қазақстанда рк
простыми словами кратко коротко подробно қарапайым тілмен қысқаша simple simply words short briefly
здравствуйте здрасте здравствуй привет добрый доброе доброго спасибо благодарю извините простите уважаемые
уважаемый именно точно конкретно короче типа кстати реально действительно
сәлеметсіз сәлем салем саламатсыз ассалаумағалейкум қайырлы рахмет рақмет кешіріңіз өтінемін нақты шынымен
hello hi hey morning afternoon evening thanks thank dear sir madam exactly actually really just basically
"""
STOP_WORDS = frozenset(fold(w) for w in _STOP_WORDS_RAW.split())
# Question words say what is asked: who the akim is (akim.find) or what an akim is (akim.role), when a
# hearing is (hearings.notify) or what it is. The matcher keeps them as content words (on the tuning
# split: 85.5% -> 86.0% answered right at under 2% wrong, 88.9% -> 89.9% at 3%); grouping gaps
# (clustering.py) still drops them, since "кто" and "где" say nothing about a topic.
INTERROGATIVES = frozenset(fold(w) for w in (
    "кто", "где", "когда", "куда", "сколько", "почему", "зачем", "кім", "кімге", "кімнің", "қайда", "қашан", "қанша",
    "неше", "неге", "who", "where", "when", "why"))
MATCH_STOP_WORDS = STOP_WORDS - INTERROGATIVES


def is_content_word(word: str) -> bool:
    """A word that counts for matching: not a stop word, and a letter longer than one (or a number)."""
    return word not in MATCH_STOP_WORDS and (len(word) >= 2 or word.isdigit())


def word_features(word: str) -> list[str]:
    """A content word and its prefixes (nothing for a stopword)."""
    if not is_content_word(word):
        return []
    return [word, *(word[:n] for n in PREFIX_LENGTHS if len(word) > n)]


def char_grams(word: str) -> list[str]:
    if not is_content_word(word):
        return []
    padded = f" {word} "
    return [padded[i:i + n] for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)]


def features(words: list[str] | tuple[str, ...]) -> Counter[str]:
    """Content words and their prefixes, counted."""
    bag: Counter[str] = Counter()
    for word in words:
        bag.update(word_features(word))
    return bag


def grams(words: tuple[str, ...] | list[str]) -> Counter[str]:
    bag: Counter[str] = Counter()
    for word in words:
        bag.update(char_grams(word))
    return bag


def transliterates(lang: str) -> bool:
    """Latin words in Kazakh or Russian text are read as Kazakh (e-Otinish, egov, or a whole question
    typed in Latin Kazakh); English text keeps its Latin words."""
    return lang in ("kk", "ru")


def read_phrasing(lang: str, text: str) -> list[str]:
    """The words of a phrasing, a listed question or a term written in `lang`, as the index holds them."""
    return tokens(clean(text), latin_kazakh=transliterates(lang))


def reading(text: str, detection: Detection) -> tuple[str, ...]:
    """The words of a cleaned text as the detected language reads them: Russian typed in Latin letters is
    transliterated as Russian, other Latin words in Kazakh or Russian text as Kazakh."""
    latin_russian = detection.lang == "ru" and detection.script == "latin"
    return tuple(tokens(text, latin_kazakh=transliterates(detection.lang) and not latin_russian,
                        latin_russian=latin_russian))


def prepare(text: str, hint: str | None = None) -> Query:
    cleaned = clean(text)
    detection = detect(cleaned, hint)
    return Query(cleaned, detection, reading(cleaned, detection))

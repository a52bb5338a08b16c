import pytest

from bot.core.text.language import detect
from bot.core.text.normalize import clean


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Мәслихат не істейді?", "kk"),
        ("маслихат не истейди", "kk"),  # no Kazakh letters, Kazakh words
        ("ауыл акимин ким сайлайды", "kk"),
        ("Акимдикке шагым калай жазамын", "kk"),
        ("auyl akimin kim saylaidy", "kk"),  # informal Latin
        ("Äkımdıkke ötınış qalai jazamyn", "kk"),  # 2021 Latin alphabet
        ("Кто утверждает бюджет села?", "ru"),
        ("как подать жалобу в акимат", "ru"),
        ("Who approves the village budget?", "en"),
        ("how do I contact my maslikhat deputy", "en"),
    ],
)
def test_language_is_read_from_the_text(text, lang):
    assert detect(clean(text)).lang == lang


def test_kazakh_latin_is_marked_for_transliteration_and_english_is_not():
    assert detect(clean("auyl akimi kim")).latin_kazakh
    assert not detect(clean("who is the akim")).latin_kazakh


def test_hint_breaks_ties_on_short_text():
    assert detect(clean("маслихат"), hint="kk").lang == "kk"
    assert detect(clean("маслихат"), hint="ru").lang == "ru"
    assert not detect(clean("маслихат"), hint="kk").confident


def test_text_wins_over_the_hint_when_it_is_clear():
    assert detect(clean("Кто такой аким и что он делает?"), hint="kk").lang == "ru"
    assert detect(clean("Әкім деген кім?"), hint="en").lang == "kk"


def test_no_letters_falls_back_to_the_hint():
    assert detect(clean("123 ???"), hint="en").lang == "en"
    assert detect(clean("😀"), hint=None).lang == "kk"


@pytest.mark.parametrize("text", [
    "Aýyl ákimderiniń saılaýy qashan ótedi?",  # 2018 alphabet
    "Respýblıkalyq referendýmǵa shyǵarylatyn máseleler tizimi",  # a Kazinform headline, 2018 alphabet
    "Awıl äkimderiniñ saylawı qaşan ötedi?",  # 2021 alphabet
    "Auyl akimderinin sailauy qashan otedi?",  # informal
])
def test_every_latin_kazakh_alphabet_is_read_as_kazakh(text):
    assert detect(clean(text)).latin_kazakh

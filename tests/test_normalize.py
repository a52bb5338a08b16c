import pytest

from bot.core.text.normalize import clean, fold, latin_to_cyrillic, tokens


def test_kazakh_letters_fold_to_what_a_russian_keyboard_types():
    assert tokens(clean("Әкімдікке өтініш қалай жазамын?")) == tokens(clean("Акимдикке отиниш калай жазамын"))


def test_case_yo_and_punctuation_are_ignored():
    assert tokens(clean("ЁЛКА, Ёлка!!! ёлка?")) == ["елка", "елка", "елка"]


def test_latin_lookalike_inside_a_cyrillic_word_is_fixed():
    # "мaслихат" with a Latin "a", "жергiлiктi" with Latin "i": typed on a phone that switched layouts.
    assert clean("мaслихат") == "маслихат"
    assert tokens(clean("жергiлiктi")) == tokens(clean("жергілікті"))


def test_cyrillic_lookalike_inside_a_latin_word_is_fixed():
    assert clean("аkimat") == "akimat"  # first letter Cyrillic


def test_zero_width_and_control_characters_disappear():
    assert clean("мас\u200bли\u200dхат\x00 \u202eаким\ufeff") == "маслихат аким"


def test_latin_kazakh_2021_and_informal_transliterate_to_the_same_words():
    assert tokens(clean("äkımdık qalay"), latin_kazakh=True) == tokens(clean("әкімдік қалай"))
    assert tokens(clean("auyl akimi"), latin_kazakh=True) == tokens(clean("ауыл әкімі"))
    assert tokens(clean("mäslihat şeşimi"), latin_kazakh=True) == tokens(clean("мәслихат шешімі"))


def test_digraphs_transliterate_before_single_letters():
    assert latin_to_cyrillic("shagym") == "шағым".replace("ғ", "г")
    assert latin_to_cyrillic("zhergilikti") == "жергілікті"


def test_fold_is_idempotent():
    text = "Ауылдық округ әкімінің сайлауы"
    assert fold(fold(text)) == fold(text)


# Headlines and phrases of Kazakh Latin-edition text (Kazinform's and zanorda.kz's 2018-alphabet pages,
# with the Cyrillic look-alike і the latter really carries), the same words in the 2021 alphabet and
# informal Latin, each against the Cyrillic.
@pytest.mark.parametrize(
    "latin, cyrillic",
    [
        ("Respýblıkalyq referendýmǵa shyǵarylatyn máseleler tizimi",
         "Республикалық референдумға шығарылатын мәселелер тізімі"),
        ("Respublikalyq referendumğa şyğarylatyn mäseleler tızımı",
         "Республикалық референдумға шығарылатын мәселелер тізімі"),
        ("Qaratal aýyldyq okrýgіnіń memlekettіk organy", "Қаратал ауылдық округінің мемлекеттік органы"),
        ("Qaratal auyldyq okrugınıñ memlekettık organy", "Қаратал ауылдық округінің мемлекеттік органы"),
        ("konstıtýtsııalyq reforma aıasynda", "конституциялық реформа аясында"),
        ("Aýyl ákimderiniń saılaýy qashan ótedi?", "Ауыл әкімдерінің сайлауы қашан өтеді?"),
        ("Awıl äkimderiniñ saylawı qaşan ötedi?", "Ауыл әкімдерінің сайлауы қашан өтеді?"),
        ("Auyl akimderinin sailauy qashan otedi?", "Ауыл әкімдерінің сайлауы қашан өтеді?"),
        ("A'kimnin' s'agymy", "Әкімнің шағымы"),  # the 2017 apostrophe alphabet
        ("İLİM JÄNE ĞYLYM", "ІЛІМ ЖӘНЕ ҒЫЛЫМ"),  # capital İ of 2021 stays one letter
    ],
)
def test_every_latin_kazakh_alphabet_reads_as_the_cyrillic(latin, cyrillic):
    assert tokens(clean(latin), latin_kazakh=True) == tokens(clean(cyrillic))


def test_kh_and_h_are_one_letter_in_words_left_in_latin():
    assert tokens(clean("maslihat Kazahstan")) == tokens(clean("Maslikhat Kazakhstan"))

"""Levels beside a shared word (bot/core/matching/contrast.py)."""

from bot.core.matching.contrast import Contrasts, level_pairs
from bot.core.matching.reading import read_phrasing


def test_a_level_word_is_paired_with_its_nearest_content_words():
    assert level_pairs(read_phrasing("ru", "кто утверждает бюджет района")) == {("district", "бюдж", -1)}
    assert level_pairs(read_phrasing("kk", "аудан бюджетін кім бекітеді")) == {("district", "бюдж", 1)}
    # "rural district" names both levels; each is paired past the other with "budget".
    assert level_pairs(read_phrasing("en", "who approves the rural district budget")) == {
        ("village", "appr", -1), ("village", "budg", 1), ("district", "appr", -1), ("district", "budg", 1)}


def test_a_question_contrasts_with_an_entry_that_puts_its_word_beside_another_level_only():
    phrasings = [(0, "ru", "кто утверждает бюджет села"), (0, "ru", "бюджет села это что"),
                 (0, "ru", "откуда деньги в бюджет села"), (0, "ru", "районный маслихат утверждает бюджет села"),
                 (1, "ru", "что решает районный маслихат"), (1, "ru", "полномочия областного маслихата")]
    contrasts = Contrasts(phrasings, read_phrasing)
    words = read_phrasing("ru", "кто утверждает бюджет района")
    assert contrasts.contrast(words, 0, "ru") == ("district", "бюдж", -1)
    assert contrasts.contrast(read_phrasing("ru", "кто утверждает бюджет села"), 0, "ru") is None
    # Another language's phrasings say nothing of this one's word order.
    assert contrasts.contrast(words, 0, "kk") is None
    # An entry that names a word beside two levels once each covers every level.
    assert contrasts.contrast(read_phrasing("ru", "что решает областной маслихат"), 1, "ru") is None

"""Text hygiene (bot/core/text/hygiene.py): what a resident sent is stored and shown as they saw it."""

import pytest

from bench import redaction as bench
from bot.core.text.hygiene import scrub
from bot.core.text.redact import redact


@pytest.mark.parametrize(
    "text, expected",
    [
        ("\x1b[31mкрасный\x1b[0m текст", "красный текст"),  # ANSI colours
        ("\x1b[2J\x1b[1;1Hочистить экран", "очистить экран"),  # erase the screen, move the cursor
        ("\x1b]0;заголовок окна\x07вопрос", "вопрос"),  # a window title (OSC), ended by BEL
        ("\x1b]8;;https://evil.example\x1b\\ссылка\x1b]8;;\x1b\\", "ссылка"),  # a hyperlink, ended by ST
        ("\x9b31mC1\x9b0m", "C1"),  # the 8-bit CSI
        ("\x1b(Bx", "x"),  # a character set escape
        ("a\x00b\x08c\x7fd\x85e", "abcde"),  # NUL, backspace, DEL, a C1 control
        ("admin\rпароль", "admin\nпароль"),  # a carriage return would overwrite the line on a terminal
        ("строка 1\r\nстрока 2", "строка 1\nстрока 2"),
        ("abc\u202edcba\u202c", "abcdcba"),  # right-to-left override
        ("\u2066isolate\u2069 \u200eLRM\u200f \u061c", "isolate LRM "),  # isolates and marks
        ("Ай\u200bгүл\u200c\u2060\ufeff", "Айгүл"),  # zero-width characters
        ("a\u200db", "ab"),  # a joiner between letters
    ],
)
def test_invisible_and_control_characters_go(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", [
    "Сәлеметсіз бе! Әкімдікке қалай жазылуға болады?", "Закон № 148-II, ст. 39-3 — 15 рабочих дней",
    "строка 1\nстрока 2\tтаб", "👨\u200d👩\u200d👧 семья из трёх", "👍🏽 спасибо", "❤\ufe0f\u200d🔥", "",
    "plain ASCII?", "العربية", "中文", "price: 5 000 ₸ «кавычки» „ещё“", "\u00a0неразрывный\u202fпробел",
])
def test_what_the_resident_sees_stays(text):
    assert scrub(text) == text


def test_knowledge_base_texts_do_not_change():
    assert [t for t in bench.knowledge_texts() if scrub(t) != t] == []


def test_redaction_scrubs_first():
    assert redact("\x1b[31mтел 8701\x1b[0m1234567\x00") == "тел [PHONE]"
    assert redact("ИИН \u202e900101300123\u202c") == "ИИН [IIN]"


def test_scrubbing_is_idempotent_and_linear():
    import time

    for text in ("\x9d" * 100_000, "\x1b]" * 50_000, "\x1b[" * 50_000, "\u200d" * 100_000, "😀\u200d" * 50_000):
        started = time.perf_counter()
        once = scrub(text)
        assert time.perf_counter() - started < 1.0
        assert scrub(once) == once

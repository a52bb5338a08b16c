import pytest

from bot.core.redact import redact


@pytest.mark.parametrize(
    "text, expected",
    [
        ("мой ИИН 900101300123 почему нет ответа", "мой ИИН [IIN] почему нет ответа"),
        ("БИН 123456 789012", "БИН [IIN]"),
        ("звоните +7 701 123 45 67", "звоните [PHONE]"),
        ("тел 8(701)123-45-67!", "тел [PHONE]!"),
        ("87011234567", "[PHONE]"),
        ("8 7172 12 34 56 приемная", "[PHONE] приемная"),
        ("почта aigul.n+akimat@mail.kz ответьте", "почта [EMAIL] ответьте"),
        ("карта 4400 4301 2345 6789", "карта [CARD]"),
        ("card 4400430123456789", "card [CARD]"),
    ],
)
def test_personal_data_is_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    ["закон № 148-II от 23.01.2001", "15 рабочих дней", "статья 76 АППК", "в 2026 году", "5000 голосов"],
)
def test_legal_references_and_figures_stay(text):
    assert redact(text) == text

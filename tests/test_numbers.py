"""Figures are read the same way whatever language wrote them."""

import pytest

from bot.core.text.figures import figures


@pytest.mark.parametrize("kk, ru, en", [
    ("2 500 дауыс", "2 500 голосов", "2,500 votes"),
    ("50 мың қол", "50 тысяч подписей", "50 thousand signatures"),
    ("62,79%", "62,79%", "62.79%"),
    ("38,2 млн теңге", "38,2 млн тенге", "38.2m tenge"),
    ("2024 жылғы 4 сәуірден бастап", "с 4 апреля 2024 года", "since 4 April 2024"),
    ("04.04.2024", "4 апреля 2024", "4 April 2024"),
    ("2025 жылғы қарашада", "в ноябре 2025 года", "in November 2025"),
    ("15 қаңтарға дейін", "до 15 января", "by 15 January"),
])
def test_one_figure_three_spellings(kk, ru, en):
    assert figures(kk) == figures(ru) == figures(en) != set()


def test_different_figures_differ():
    assert figures("2,500 votes") != figures("5,000 votes")
    assert figures("4 April 2024") != figures("4 May 2024")


def test_addresses_and_article_numbers():
    assert figures("see 7152.kz and https://adilet.zan.kz/rus/docs/Z2300000030") == set()
    assert figures("Law No. 148-II, Art. 39-3 p. 3-1") == {"148", "39", "3", "1"}

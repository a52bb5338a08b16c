"""The figures an answer states (numbers, dates, percentages), written the same way in kk, ru and en.

`kb check` compares them across an entry's three answers: a threshold, a deadline or a date that one
language gives and another lacks is how a translation drifts from its source (an audit found
"2,500 signatures" corrected in one language and not the others). Each language writes figures its
own way, so they are brought to one form first:
- thousands: "2,500" (en), "2 500" (ru, kk), "50 мың" / "50 тысяч" / "50 thousand" all become 2500 and
  50000; "38.2m", "38,2 млн" become 38200000;
- decimals: "62.79%" and "62,79%" are both 62.79;
- dates: "4 April 2024", "4 апреля 2024", "2024 жылғы 4 сәуірде", "04.04.2024" are one date; a month
  with a year ("November 2025", "в ноябре 2025", "2025 жылғы қарашада") and a day with a month
  ("by 15 January", "до 15 января", "15 қаңтарға дейін") likewise.
Web addresses are left out: "7152.kz" is a name, not a figure.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

# Month stems in English, Russian (any case: января, январе) and Kazakh (any suffix: қаңтарда).
_MONTHS = {
    1: ("january", "январ", "қаңтар"), 2: ("february", "феврал", "ақпан"), 3: ("march", "март", "наурыз"),
    4: ("april", "апрел", "сәуір"), 5: ("may", "ма[йяе]", "мамыр"), 6: ("june", "июн", "маусым"),
    7: ("july", "июл", "шілде"), 8: ("august", "август", "тамыз"), 9: ("september", "сентябр", "қыркүйек"),
    10: ("october", "октябр", "қазан"), 11: ("november", "ноябр", "қараша"), 12: ("december", "декабр", "желтоқсан"),
}
_MONTH = "(?P<month>" + "|".join(stem for stems in _MONTHS.values() for stem in stems) + r")\w*"
_YEAR_KK = r"(?P<year>\d{4})\s*(?:жылғы|жылдың|жылы|ж\.)"

_PATTERNS = (
    # Whole dates first, so their parts are not read again as loose numbers.
    ("date", re.compile(r"\b(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})\b")),
    ("date", re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b", re.IGNORECASE)),
    ("date", re.compile(rf"\b{_YEAR_KK}\s+(?P<day>\d{{1,2}})\s+{_MONTH}", re.IGNORECASE)),
    ("month", re.compile(rf"\b{_YEAR_KK}\s+{_MONTH}", re.IGNORECASE)),
    ("month", re.compile(rf"(?<!\d\s){_MONTH}\s+(?P<year>\d{{4}})\b", re.IGNORECASE)),
    ("day", re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}", re.IGNORECASE)),
)
_URL = re.compile(r"https?://\S+|\b[\w.-]+\.(?:kz|com|org|ru|net|gov)\b(?:/\S*)?", re.IGNORECASE)
# A group of three digits after a space, a no-break space, or (en) a comma is a thousands group;
# a comma or point followed by anything else is a decimal mark.
_NUMBER = re.compile(r"\d+(?:(?:[ \u00a0\u202f]|,(?=\d{3}\b))\d{3}(?!\d))*(?:[.,]\d+)?")
_SCALE = re.compile(r"\s?(мың|тысяч\w*|тыс\.|thousand|млн|миллион\w*|million|m\b|млрд|миллиард\w*|billion|bn)",
                    re.IGNORECASE)
_SCALES = {"мың": 3, "тысяч": 3, "тыс.": 3, "thousand": 3, "млн": 6, "миллион": 6, "million": 6, "m": 6,
           "млрд": 9, "миллиард": 9, "billion": 9, "bn": 9}


def _month_number(word: str) -> int:
    word = word.lower()
    for number, stems in _MONTHS.items():
        if any(re.fullmatch(stem + r"\w*", word) for stem in stems):
            return number
    raise ValueError(word)


def figures(text: str) -> set[str]:
    """Every figure in `text`, in one canonical spelling: '2500', '62.79', '2024-04-04', '2025-11', '--01-15'."""
    return set(_figures(text))


# Remembered per text: every reload checks every answer's figures again (250 entries: 0.67 s), and the
# texts rarely change between two reloads.
@functools.lru_cache(maxsize=4096)
def _figures(text: str) -> frozenset[str]:
    text = _URL.sub(" ", text)
    found: set[str] = set()
    for kind, pattern in _PATTERNS:
        def keep(m: re.Match, kind=kind) -> str:
            month = int(m["mon"]) if "mon" in m.groupdict() and m["mon"] else _month_number(m["month"])
            if kind == "date":
                found.add(f"{int(m['year']):04d}-{month:02d}-{int(m['day']):02d}")
            elif kind == "month":
                found.add(f"{int(m['year']):04d}-{month:02d}")
            else:
                found.add(f"--{month:02d}-{int(m['day']):02d}")
            if m.groupdict().get("year"):
                found.add(str(int(m["year"])))  # "since 2021" and "since 25 July 2021" share the year
            return " "
        text = pattern.sub(keep, text)
    for m in _NUMBER.finditer(text):
        raw = re.sub(r"[ \u00a0\u202f]|,(?=\d{3})", "", m.group()).replace(",", ".")
        value = Decimal(raw)
        scale = _SCALE.match(text, m.end())
        if scale:
            word = scale.group(1).lower()
            value = value.scaleb(next(exp for key, exp in _SCALES.items() if word.startswith(key)))
        found.add(_plain(value))
    return frozenset(found)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text

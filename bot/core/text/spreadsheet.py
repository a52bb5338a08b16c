"""Residents' text as a spreadsheet cell: every CSV export of what residents wrote goes through `cell` (or
`row`), so that nothing a resident typed runs as a formula when an akimat opens the file in Excel,
LibreOffice or Google Sheets.

A spreadsheet reads a cell that starts with = + - @ (or a tab or a carriage return before one of them) as
a formula: "=HYPERLINK(...)" becomes a link, "=WEBSERVICE(...)" fetches a URL, "@SUM(...)" runs. Such a
cell gets a leading apostrophe, the spreadsheets' own way to say "this is text" (OWASP, CSV Injection);
the fullwidth forms (＝ ＋ － ＠) are quoted too, since some spreadsheets read them as the ASCII ones.
Numbers are written as they are: only text is quoted.
"""

from __future__ import annotations

from collections.abc import Iterable

# What makes a spreadsheet read a cell as a formula (OWASP's list, and the fullwidth forms).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Whitespace a spreadsheet may skip before reading a formula: a cell that starts with a newline (a scrubbed
# carriage return) or spaces and then "=" is quoted as well.
LEADING_SPACE = " \t\r\n"


def cell(value: object) -> object:
    """`value` as a cell that is never a formula: text starting with a formula character gets a leading '."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS)
                                   or value.lstrip(LEADING_SPACE).startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def row(values: Iterable[object]) -> list[object]:
    """A CSV row of `values`, each through `cell`."""
    return [cell(value) for value in values]

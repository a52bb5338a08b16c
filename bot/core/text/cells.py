"""Residents' text in a spreadsheet: a cell that begins with = + - @ (or a tab or carriage return) runs as a
formula when a broadcaster opens the CSV in Excel or LibreOffice ("=HYPERLINK(...)" can send data away).
Such a cell is prefixed with an apostrophe, which spreadsheets show as text (OWASP's CSV injection advice).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value

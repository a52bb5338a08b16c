"""Remove personal data from questions before they are stored for editors.

Residents paste their IIN, phone number or card number into a question ("my IIN is ..., why no
answer?"). Editors need the question, not the person: such data is replaced by a placeholder.
"""

from __future__ import annotations

import re

_SEP = r"[\s\-.()]*"
# Card numbers: 13-19 digits, often in groups of four. Checked before the IIN, which is shorter.
_CARD = re.compile(r"(?<!\d)(?:\d{4}[\s\-]?){3}\d{1,7}(?!\d)")
# Phone numbers in Kazakh formats: +7 701 123 45 67, 8 (701) 123-45-67, 87011234567, 7011234567,
# 8 7172 12 34 56 (city). The country/trunk prefix is optional; 10 digits follow.
_PHONE = re.compile(
    rf"(?<![\d\w])(?:\+?\s*7|8)?{_SEP}\(?\d{{3,4}}\)?{_SEP}\d{{2,3}}{_SEP}\d{{2}}{_SEP}\d{{2}}(?!\d)"
)
# IIN (individuals) and BIN (organisations) are both 12 digits, possibly split by spaces.
_IIN = re.compile(r"(?<!\d)\d{6}\s?\d{6}(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)

IIN = "[IIN]"
PHONE = "[PHONE]"
EMAIL = "[EMAIL]"
CARD = "[CARD]"


def redact(text: str) -> str:
    text = _EMAIL.sub(EMAIL, text)
    text = _CARD.sub(_card_or_iin, text)
    text = _IIN.sub(IIN, text)
    text = _PHONE.sub(_phone, text)
    return text


def _card_or_iin(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if len(digits) == 12:
        return IIN
    return CARD if 13 <= len(digits) <= 19 else match.group(0)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    # 10 digits, or 11 with the 7/8 prefix; anything else (a year range, an article number) stays.
    return PHONE if len(digits) == 10 or (len(digits) == 11 and digits[0] in "78") else match.group(0)

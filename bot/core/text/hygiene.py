"""Text hygiene: a resident's text as it is stored and shown to staff looks like what the resident saw.

A message can carry characters that are invisible in the chat but act elsewhere: terminal escape
sequences (ANSI colours, cursor moves, a window title) that repaint an editor's terminal when
`qogam gaps` prints the question, control characters (NUL, backspace, a carriage return that makes a
terminal overwrite the start of the line), bidi overrides and isolates that make a text read in another
order than it is stored ("Trojan Source"), and zero-width characters that split a word or a number
invisibly. `scrub` removes them all and changes nothing else: letters, punctuation, emoji, newlines and
tabs stay, and a carriage return becomes a newline (so neither half of a line is hidden).

The zero-width joiner stays inside an emoji sequence (👨‍👩‍👧 is one family, not three faces); everywhere
else it goes with the other zero-width characters.

Every resident text goes through it before it is stored: bot/core/text/redact.py applies it first, and
the dialogue scrubs a question before matching it; the staff's views of stored questions (the gap
clusters, `qogam gaps`, `qogam hearings questions`) apply it again, for rows stored before it existed.
"""

from __future__ import annotations

import re
import unicodedata

_ZWJ = "\u200d"

# Terminal escape sequences, longest forms first. CSI: ESC [ (or the 8-bit CSI) parameters,
# intermediates and a final byte. OSC, DCS, SOS, PM and APC strings run to BEL or the string terminator
# (ESC \ or the 8-bit ST), and stop at the next introducer; an unterminated one loses its introducer only.
# Then nF escapes (ESC, intermediates, a final byte: "ESC ( B") and the two-byte ones (ESC 7, ESC c).
_ESCAPES = (
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\x20-\x2f]+[\x30-\x7e]"
    r"|\x1b[\x30-\x7e]"
)
# C0 controls but tab, newline and carriage return (handled apart), DEL and the C1 controls.
_CONTROLS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
# Bidi embeddings, overrides and isolates, the left-to-right, right-to-left and Arabic letter marks.
_BIDI = r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
# Zero-width space and non-joiner, word joiner, invisible operators, byte order mark; the joiner apart.
_ZERO_WIDTH = r"[\u200b\u200c\u2060-\u2064\ufeff]"

_UNWANTED = re.compile(rf"{_ESCAPES}|{_CONTROLS}|{_BIDI}|{_ZERO_WIDTH}|{_ZWJ}|\r\n?")
# Characters an emoji sequence is made of, around a joiner: pictographs (So), skin tones (Sk) and the
# emoji presentation selector.
_EMOJI_PART = frozenset(("So", "Sk"))


def _in_emoji(text: str, at: int) -> bool:
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    return (bool(before) and bool(after)
            and (before == "\ufe0f" or unicodedata.category(before) in _EMOJI_PART)
            and unicodedata.category(after) in _EMOJI_PART)


def scrub(text: str) -> str:
    """The text without escape sequences, control characters (but newline and tab), bidi controls and
    zero-width characters; a carriage return becomes a newline."""
    if text.isascii() and text.isprintable():
        return text  # the common case: nothing to look at

    def replace(m: re.Match[str]) -> str:
        found = m.group()
        if found[0] == "\r":
            return "\n"
        if found == _ZWJ and _in_emoji(m.string, m.start()):
            return found
        return ""

    return _UNWANTED.sub(replace, text)

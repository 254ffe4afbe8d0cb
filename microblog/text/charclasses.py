"""Regex character classes built from Unicode categories, which Python's `re` cannot name.

Python's `\\w` covers letters, digits (every numeric character) and "_" but not combining
marks, so Thai vowel signs and Devanagari viramas would split words; `MARKS` fills that gap.
Built once at import (about 15 ms) from the running Python's Unicode database.
"""

from __future__ import annotations

import unicodedata
from typing import Final

# Planes that hold combining marks: 0-2 and 14 (variation selectors).
_PLANES: Final = (range(0x30000), range(0xE0000, 0xE1000))


def class_body(codes: list[int]) -> str:
    """A regex character class body for sorted code points, as ranges."""
    parts: list[str] = []
    index = 0
    while index < len(codes):
        end = index
        while end + 1 < len(codes) and codes[end + 1] == codes[end] + 1:
            end += 1
        parts.append(f"\\U{codes[index]:08x}-\\U{codes[end]:08x}")
        index = end + 1
    return "".join(parts)


# Combining marks (M*), for use inside [...] next to \w.
MARKS: Final = class_body(
    [code for plane in _PLANES for code in plane if unicodedata.category(chr(code))[0] == "M"]
)
ZERO_WIDTH_JOINERS: Final = "\u200c\u200d"

"""How alike two texts are, from a small sketch of each: a bottom-k sketch of the text's
character trigrams (the k smallest of their hashes), whose overlap estimates the Jaccard
similarity of the two sets of trigrams (Broder 1997). A sketch is a fixed size whatever
the text's length, so urls.lock can keep one per post instead of the post's text.

Hand-written: it is a dozen lines, and datasketch, the well-kept library for it, brings
numpy and scipy for what the standard library's crc32 and heapq do here.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
import zlib
from typing import Final

from microblog.text.titles import fold_whitespace

SKETCH_SIZE: Final = 32  # hashes kept: the estimate's error is about 0.09 at similarity 0.5
_HEX: Final = re.compile(r"[0-9a-f]*")
MAX_TRIGRAMS: Final = 20_000  # a longer post is sketched from its first 20,000 characters


def sketch(text: str) -> tuple[int, ...]:
    """The bottom-k sketch of `text`: casefolded, NFC, whitespace folded; sorted hashes."""
    normal = fold_whitespace(unicodedata.normalize("NFC", text).casefold())[: MAX_TRIGRAMS + 2]
    grams = {normal[i : i + 3] for i in range(max(len(normal) - 2, 1 if normal else 0))}
    hashes = {zlib.crc32(gram.encode("utf-8", "surrogatepass")) for gram in grams}
    return tuple(heapq.nsmallest(SKETCH_SIZE, hashes))


def similarity(one: tuple[int, ...], other: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity (0 to 1) of the texts sketched as `one` and `other`:
    the share of the k smallest hashes of both that each sketch holds."""
    if not one or not other:
        return 0.0
    union = heapq.nsmallest(SKETCH_SIZE, set(one) | set(other))
    both = set(one) & set(other)
    return sum(1 for value in union if value in both) / len(union)


def to_hex(values: tuple[int, ...]) -> str:
    return "".join(f"{value:08x}" for value in values)


def from_hex(text: str) -> tuple[int, ...]:
    """The sketch written by `to_hex`; ValueError for anything else."""
    if len(text) % 8 or len(text) > 8 * SKETCH_SIZE or not _HEX.fullmatch(text):
        raise ValueError("not a sketch")
    return tuple(int(text[i : i + 8], 16) for i in range(0, len(text), 8))

"""Find UTF-8 text that was decoded as Thai cp874 / TIS-620, the mojibake ftfy does not try.

Hand-written because ftfy has no codepage 874 at all. Each line is handled in one pass: a
character-class regex finds the runs of characters that stand for a byte 0x80-0xFF, and each
run is checked with regexes whose alternatives never overlap (so they cannot backtrack) and
re-read as UTF-8 by Python's decoder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from microblog.text.charclasses import class_body

KIND_SEQUENCE: Final = "cp874"
KIND_TRUNCATED: Final = "cp874-truncated"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `line[start:end]` by `text`."""

    start: int
    end: int
    text: str
    kind: str


def _build_byte_map() -> Mapping[str, int]:
    """Each character cp874 gives for a byte 0x80-0xFF, plus the C1 controls U+0080-U+009F
    that lenient decoders keep for the bytes cp874 leaves undefined."""
    table = {chr(byte): byte for byte in range(0x80, 0xA0)}
    for byte in range(0x80, 0x100):
        try:
            table[bytes([byte]).decode("cp874")] = byte
        except UnicodeDecodeError:
            continue
    return MappingProxyType(table)


# Unicode blocks that UTF-8 mojibake plausibly came from; Thai, controls and rare scripts are not.
_PLAUSIBLE_BLOCKS: Final = (
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0300, 0x036F),  # combining diacritics (only after a letter, checked separately)
    (0x0370, 0x052F),  # Greek, Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x27BF),  # punctuation, currency, letterlike, arrows, math, shapes, dingbats
    (0x2B00, 0x2BFF),  # miscellaneous symbols and arrows
    (0x3000, 0x30FF),  # CJK punctuation, kana
    (0x4E00, 0x9FFF),  # CJK ideographs
    (0xFE00, 0xFE0F),  # variation selectors (emoji presentation)
    (0xFF00, 0xFFEF),  # fullwidth forms
    (0xFFFD, 0xFFFD),  # the replacement character itself
    (0x1F000, 0x1FAFF),  # emoji
)
_BIDI_CONTROLS: Final = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def _plausible_codes() -> list[int]:
    return [
        code
        for low, high in _PLAUSIBLE_BLOCKS
        for code in range(low, high + 1)
        if code not in _BIDI_CONTROLS
        and unicodedata.category(chr(code)) not in ("Cc", "Cn", "Co", "Cs")
    ]


_BYTE_OF: Final = _build_byte_map()
_TO_UNIT: Final = {ord(char): chr(byte) for char, byte in _BYTE_OF.items()}
# Undecodable bytes come back from "surrogateescape" as U+DC80-U+DCFF; a kept one (a stray €, …,
# quote or C1 control) turns back into its cp874 character.
_UNESCAPE: Final = {
    0xDC00 + byte: next((c for c, b in _BYTE_OF.items() if b == byte and ord(c) > 0xFF), chr(byte))
    for byte in range(0x80, 0xA1)
}
_RUN_CHARS: Final = re.escape("".join(sorted(_BYTE_OF)))
_NON_THAI_CHARS: Final = re.escape("".join(sorted(c for c in _BYTE_OF if not _is_thai(c))))
_RUN_RE: Final = re.compile(f"[{_RUN_CHARS}]+")
_THAI_RE: Final = re.compile("[\u0e00-\u0e7f]")
# Matches in every line that `find_cp874_edits` could change (each kind of evidence that a run
# is not Thai leaves one of these traces), and in few lines of genuine Thai.
CP874_HINT: Final = (
    "\u0e42(?![\u0e01-\u0e2e])"
    f"|[\u0e00-\u0e7f][{_NON_THAI_CHARS}]"
    f"|(?<![{_RUN_CHARS}])[\u0e2f-\u0e3a\u0e45-\u0e4e]"
    "|[A-Za-z0-9][\u0e00-\u0e7f]|[\u0e00-\u0e7f][A-Za-z0-9]"
)
_HINT_RE: Final = re.compile(CP874_HINT)

# A run, as bytes, that reads as: UTF-8 sequences; an E2 lead cut off after at most one
# non-Thai continuation byte and not before a Thai consonant (genuine Thai writes "โ" only
# before a consonant); kept non-Thai bytes 0x80-0xA0 (€, …, quotes, dashes, NBSP, C1).
# No two alternatives match at the same byte, so a failed match costs no backtracking.
_READABLE_RUN: Final = re.compile(
    rb"(?:[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
    rb"|\xe2[\x80-\xa0](?![\x80-\xbf])|\xe2(?![\x80-\xbf\xc0-\xce])|[\x80-\xa0])+"
)
# In a readable run: a lead byte whose sequence needs a byte that is never a Thai letter.
_NEEDS_NON_THAI_BYTE: Final = re.compile(
    rb"[\xc2-\xf4][\x80-\xa0]|[\xe0-\xf4][\xa1-\xbf][\x80-\xa0]|[\xf0-\xf4][\xa1-\xbf]{2}[\x80-\xa0]"
)
_PLAUSIBLE_TEXT: Final = re.compile("[" + class_body(_plausible_codes()) + "\udc80-\udcff]*")
_LOOSE_COMBINING: Final = re.compile("(?<![^\\W\\d_])[\u0300-\u036f]")
_CUT_OFF: Final = re.compile("\udce2[\udc80-\udca0]?")
_ESCAPE: Final = re.compile("[\udc80-\udcff]")
_DECODED_CHAR: Final = re.compile("[^\udc80-\udcff]")
_KEPT_BYTE: Final = frozenset(chr(0xDC00 + byte) for byte in range(0x80, 0xA1))
_CONTRACTIONS: Final = ("s", "t", "d", "m", "ll", "re", "ve")


def _cannot_start_thai_word(char: str) -> bool:
    """Following vowels, tone marks and signs are written after a consonant, never first."""
    return "\u0e2f" <= char <= "\u0e3a" or "\u0e45" <= char <= "\u0e4e"


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _has_two_thai(run: str) -> bool:
    first = _THAI_RE.search(run)
    return first is not None and _THAI_RE.search(run, first.end()) is not None


def _run_bytes(run: str) -> bytes:
    try:
        return run.encode("cp874")
    except UnicodeEncodeError:  # C1 controls kept for undefined bytes: the slower table
        return run.translate(_TO_UNIT).encode("latin-1")


def _guess_cut_off(line: str, start: int, end: int) -> str:
    """A UTF-8 E2 80 xx whose last bytes were dropped: most often an em dash, but an
    apostrophe in "donโt" and an en dash between digits."""
    before = line[start - 1] if start > 0 else ""
    after = line[end] if end < len(line) else ""
    if before.isascii() and before.isdigit() and after.isascii() and after.isdigit():
        return "–"
    if before.isascii() and before.isalpha():
        for suffix in _CONTRACTIONS:
            stop = end + len(suffix)
            if line[end:stop].lower() == suffix and (stop >= len(line) or not line[stop].isalpha()):
                return "’"
    return "—"


@dataclass(frozen=True, slots=True)
class _Run:
    edit: Edit | None
    strong: bool  # evidence that this run is mojibake and not Thai
    genuine_thai: bool  # evidence that the line holds real Thai


_NOTHING: Final = _Run(None, strong=False, genuine_thai=False)
_THAI_WORDS: Final = _Run(None, strong=False, genuine_thai=True)


def _is_strong(line: str, start: int, end: int, data: bytes, decoded: str) -> bool:
    if "\udce2" in decoded or _NEEDS_NON_THAI_BYTE.search(data):
        return True  # a cut-off "โ" or a byte Thai spelling never has
    if decoded[0] not in _KEPT_BYTE and (
        _cannot_start_thai_word(line[start]) or _is_ascii_alnum(line[start - 1 : start])
    ):
        return True
    # Only a lower-case letter after it: Thai glues English words on ("รถEV"), mojibake of a
    # word's first letter is followed by the rest of the word ("รฉcole").
    after = line[end : end + 1]
    return decoded[-1] not in _KEPT_BYTE and after.isascii() and after.islower()


def _decode_run(line: str, start: int, data: bytes) -> str | None:
    """The run read as UTF-8 (kept bytes as U+DC80-U+DCFF), or None if it reads as nothing
    that mojibake comes from."""
    if _READABLE_RUN.fullmatch(data) is None:
        return None
    decoded = data.decode("utf-8", "surrogateescape")
    if _PLAUSIBLE_TEXT.fullmatch(decoded) is None or _LOOSE_COMBINING.search(decoded, 1):
        return None
    if "\u0300" <= decoded[0] <= "\u036f" and not line[start - 1 : start].isalpha():
        return None
    return decoded


def _read_run(line: str, start: int, end: int, *, need_strength: bool) -> _Run:
    run = line[start:end]
    if _THAI_RE.search(run) is None:
        return _NOTHING  # only €, …, quotes, dashes, NBSP or C1: nothing to read
    data = _run_bytes(run)
    decoded = _decode_run(line, start, data)
    if decoded is None:
        return _THAI_WORDS if _has_two_thai(run) else _NOTHING
    fixed = decoded
    if "\udce2" in decoded:
        cut_off_only = _CUT_OFF.fullmatch(decoded) is not None
        fixed = _guess_cut_off(line, start, end) if cut_off_only else _CUT_OFF.sub("—", decoded)
    if _ESCAPE.search(fixed):
        fixed = fixed.translate(_UNESCAPE)
    kind = KIND_SEQUENCE if _DECODED_CHAR.search(decoded) else KIND_TRUNCATED
    strong = need_strength and _is_strong(line, start, end, data, decoded)
    return _Run(Edit(start, end, fixed, kind), strong=strong, genuine_thai=False)


def find_cp874_edits(line: str) -> list[Edit]:
    """Edits that undo cp874 mojibake in one line, or [] when the line should be left alone.

    A run is a stretch of characters that stand for bytes 0x80-0xFF in cp874 (Thai letters,
    €, …, curly quotes, dashes, NBSP, C1 controls); it reads as mojibake when its bytes are
    UTF-8 of plausible characters (Latin, Greek, Cyrillic, punctuation, symbols, CJK, emoji),
    allowing kept stray bytes and a "โ" (E2) whose continuation bytes were lost.

    The line is repaired only when (1) no run of two or more Thai characters fails to read
    (else it holds genuine Thai and nothing changes) and (2) some run is clearly not Thai: its
    UTF-8 needs a byte 0x80-0xA0, it starts with a sign Thai never starts a word with, it
    follows an ASCII letter or digit or is followed by a lower-case one, or it is a lone "โ"
    not before a consonant. Then every readable run in the line is repaired.
    """
    if _HINT_RE.search(line) is None:
        return []
    edits: list[Edit] = []
    strong = False
    for match in _RUN_RE.finditer(line):
        run = _read_run(line, match.start(), match.end(), need_strength=not strong)
        if run.genuine_thai:
            return []
        strong = strong or run.strong
        if run.edit is not None:
            edits.append(run.edit)
    return edits if strong else []

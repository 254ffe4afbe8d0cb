"""Repair mojibake (UTF-8 decoded with the wrong codepage), line by line, and say what changed.

Two passes per line: ftfy's encoding fixer, configured never to touch correct text (no
cosmetic fixes), then `cp874.find_cp874_edits` for UTF-8 read as Thai cp874 / TIS-620, the
one common class ftfy does not attempt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import ftfy
from ftfy import badness

from microblog.text.cp874 import CP874_HINT, KIND_SEQUENCE, Edit, find_cp874_edits

KIND_ENCODING: Final = "encoding"
_CONTEXT: Final = 30  # characters of the surrounding word shown on each side of a repair
_MAX_SNIPPET: Final = 200  # longer snippets are cut and end in "…"


def _ftfy_config(*, fix_c1_controls: bool) -> ftfy.TextFixerConfig:
    """Only ftfy's encoding repairs: nothing cosmetic that would change correct text."""
    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=fix_c1_controls,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


_FTFY: Final = _ftfy_config(fix_c1_controls=True)
# In a line with Thai letters a C1 control is more likely a cp874 byte than a cp1252 one, so
# ftfy must leave it for the cp874 pass.
_FTFY_THAI: Final = _ftfy_config(fix_c1_controls=False)
_WORD_REST: Final = re.compile(f"\\S{{0,{_CONTEXT}}}")
_THAI: Final = re.compile("[\u0e00-\u0e7f]")
# ftfy leaves a line alone unless its badness regex matches in it, and cp874 repairs need a
# CP874_HINT match; one search over the whole text (MULTILINE for the badness regex's one "^")
# finds every line worth a closer look, so a long file of clean lines costs one scan in C.
_SUSPECT: Final = re.compile(
    "(?:" + CP874_HINT + ")|(?:" + badness.BADNESS_RE.pattern + "\n)",
    badness.BADNESS_RE.flags | re.MULTILINE,
)
_BAD: Final = badness.BADNESS_RE
# ftfy reads a long line in pieces of at least this many characters, and only the pieces its
# badness regex matches in. A piece ends at a space after a printable ASCII character: mojibake
# holds no ASCII but a space for a lost 0xA0, which always follows a non-ASCII character.
_PIECE: Final = 4096
_PIECE_CUT: Final = re.compile("(?<=[!-~]) ")


@dataclass(frozen=True, slots=True)
class Repair:
    """One repair: the damaged snippet (widened to its word) and what it became.

    `kind` is "encoding" (ftfy), "cp874" (UTF-8 read as Thai cp874) or "cp874-truncated"
    (a cut-off UTF-8 punctuation sequence, replaced by a best guess such as "—").
    """

    line: int
    kind: str
    before: str
    after: str


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """Repair each line of `text` (split on "\\n" only) and list every repair once.

    First ftfy's encoding fixer (UTF-8 read as Latin-1, cp1252, cp1251 ...), with nothing
    cosmetic switched on. Then UTF-8 read as Thai cp874 / TIS-620: runs of Thai letters and
    cp874's other high characters are re-encoded and read as UTF-8, and a lone "โ" not before
    a consonant is a cut-off "—". Decided per line: a line holding Thai that does not read as
    mojibake is genuine Thai and gets no cp874 repair at all (see `find_cp874_edits`).
    Correct text comes back unchanged; no input makes this raise.
    """
    repairs: list[Repair] = []
    if text.isascii():
        return text, repairs
    lines = text.split("\n")
    for index, first in _suspect_lines(text):
        line = lines[index]
        fixed = _fix_with_ftfy(line, first)
        if fixed != line:
            repairs.append(_describe_change(index + 1, line, fixed))
        edits = find_cp874_edits(fixed) if _THAI.search(fixed) else []
        if edits:
            repairs.extend(_describe_edits(index + 1, fixed, edits))
            fixed = _apply_edits(fixed, edits)
        lines[index] = fixed
    return "\n".join(lines), repairs


def _suspect_lines(text: str) -> Iterator[tuple[int, int]]:
    """(index, position of the first match in the line) of each line where `_SUSPECT`
    matches, in one left-to-right pass."""
    index = 0
    scanned = 0  # text[:scanned] holds `index` line breaks and ends with one (or is empty)
    pos = 0
    while (match := _SUSPECT.search(text, pos)) is not None:
        index += text.count("\n", scanned, match.start())
        line_break = text.rfind("\n", scanned, match.start())
        line_start = line_break + 1 if line_break >= 0 else scanned
        yield index, match.start() - line_start
        line_end = text.find("\n", match.start())
        if line_end < 0:
            return
        index += 1
        scanned = pos = line_end + 1


def _pieces(line: str) -> Iterator[tuple[int, int]]:
    start = 0
    while len(line) - start > _PIECE and (cut := _PIECE_CUT.search(line, start + _PIECE)):
        yield start, cut.end()
        start = cut.end()
    yield start, len(line)


def _fix_with_ftfy(line: str, first: int) -> str:
    """ftfy on each piece of `line` where its badness regex matches (none before `first`)."""
    config = _FTFY_THAI if _THAI.search(line) else _FTFY
    fixed: list[str] = []
    done = 0
    pieces = _pieces(line)
    start, end = next(pieces)
    while done < len(line) and (match := _BAD.search(line, max(first, done))) is not None:
        while end <= match.start():
            start, end = next(pieces)
        fixed += [line[done:start], ftfy.fix_encoding(line[start:end], config)]
        done = end
    fixed.append(line[done:])
    return "".join(fixed)


def _word_start(line: str, pos: int) -> int:
    limit = max(0, pos - _CONTEXT)
    return max(limit, line.rfind(" ", limit, pos) + 1, line.rfind("\t", limit, pos) + 1)


def _word_end(line: str, pos: int) -> int:
    match = _WORD_REST.match(line, pos)
    return match.end() if match else pos


def _snippet(text: str) -> str:
    return text if len(text) <= _MAX_SNIPPET else text[: _MAX_SNIPPET - 1] + "…"


def _common_prefix(first: str, second: str) -> int:
    """Length of the common prefix, comparing blocks first so a long line costs little."""
    shortest, length, block = min(len(first), len(second)), 0, 1024
    while (
        length + block <= shortest
        and first[length : length + block] == second[length : length + block]
    ):
        length += block
    while length < shortest and first[length] == second[length]:
        length += 1
    return length


def _describe_change(number: int, before: str, after: str) -> Repair:
    """The changed stretch of a line, widened to whole words."""
    prefix = _common_prefix(before, after)
    suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])
    left = _word_start(before, prefix)
    tail = len(before) - _word_end(before, len(before) - suffix)
    return Repair(
        number,
        KIND_ENCODING,
        _snippet(before[left : len(before) - tail]),
        _snippet(after[left : len(after) - tail]),
    )


def _apply_edits(line: str, edits: list[Edit], offset: int = 0) -> str:
    pieces: list[str] = []
    pos = 0
    for edit in edits:
        pieces.append(line[pos : edit.start - offset])
        pieces.append(edit.text)
        pos = edit.end - offset
    pieces.append(line[pos:])
    return "".join(pieces)


def _describe_edits(number: int, line: str, edits: list[Edit]) -> list[Repair]:
    """One Repair per word-sized window; edits whose windows overlap share one."""
    repairs: list[Repair] = []
    group: list[Edit] = []
    left = right = 0
    for edit in edits:
        start = _word_start(line, edit.start)
        if group and start < right:
            group.append(edit)
            right = _word_end(line, max(edit.end, right))
            continue
        if group:
            repairs.append(_describe_group(number, line[left:right], left, group))
        group, left, right = [edit], start, _word_end(line, edit.end)
    if group:
        repairs.append(_describe_group(number, line[left:right], left, group))
    return repairs


def _describe_group(number: int, before: str, offset: int, group: list[Edit]) -> Repair:
    if len(group) == 1:
        edit = group[0]
        after = before[: edit.start - offset] + edit.text + before[edit.end - offset :]
        return Repair(number, edit.kind, _snippet(before), _snippet(after))
    kinds = {edit.kind for edit in group}
    kind = kinds.pop() if len(kinds) == 1 else KIND_SEQUENCE
    return Repair(number, kind, _snippet(before), _snippet(_apply_edits(before, group, offset)))

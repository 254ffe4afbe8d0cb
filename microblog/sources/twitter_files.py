"""The files of a Twitter/X export as JavaScript: `window.YTD.tweets.part0 = [ ... ]` read one
element at a time, and `window.__THAR_CONFIG = { ... }`, the manifest naming the tweet files.

A tweets file is streamed: its bytes are decoded a chunk at a time and each element parsed on
its own (`JSONDecoder.raw_decode`) from what has been decoded so far, so a 100 MB file is
never held whole, nor turned into one object; a file cut short still gives every element
before the cut.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO, Final

_WRAPPER: Final = re.compile(r"\s*window\s*\.\s*YTD\s*\.\s*(\w+)\s*\.\s*part[0-9]+\s*=\s*")
_MANIFEST: Final = re.compile(r"\s*window\s*\.\s*__THAR_CONFIG\s*=\s*")
_SPACE: Final = re.compile(r"[ \t\n\r]*")
_PART: Final = re.compile(r"(tweets?)(?:-part([0-9]+))?\.js")
_ESCAPED_BYTES: Final = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8
TWEET_GLOBALS: Final = ("tweets", "tweet")  # window.YTD.<this>: the only data read
CHUNK: Final = 1 << 20  # bytes decoded at a time; more while one element needs more
_HEAD: Final = 1 << 16  # where the wrapper must have ended
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class ItemStream:
    """The elements of a tweets file as (1-based index, value, duplicate keys), in order.

    After iterating, `error` says why the file was not read to its end ("" when it was),
    `too_large` whether it was because the file holds more than `limit` bytes, and
    `invalid_line` is the first line with bytes that are not UTF-8 (0: none); those bytes
    reach the values as lone surrogates (U+DC80 to U+DCFF), for the reader to replace."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self.error = ""
        self.too_large = False
        self.invalid_line = 0
        self._handle = handle
        self._limit = limit
        self._bytes = 0
        self._text = ""  # what is decoded and not yet parsed, from the element being parsed
        self._line = 1  # the line of `_text[0]` in the file
        self._end = False  # the whole file is in `_text`
        self._decode: codecs.IncrementalDecoder | None = None  # chosen by the byte order mark
        self._duplicates: list[str] = []
        self._json = json.JSONDecoder(object_pairs_hook=self._object, strict=False)

    def _object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)  # the last value of a repeated key
        if len(value) < len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self._duplicates.append(key)
                seen.add(key)
        return value

    def __iter__(self) -> Iterator[tuple[int, Any, list[str]]]:
        position = self._array_start()
        index = 0
        while position is not None:
            position = self._skip_space(position)
            if self._text.startswith("]", position):
                return
            index += 1
            item = self._element(position, index)
            if item is None:
                return
            value, position = item
            duplicates, self._duplicates = self._duplicates, []
            yield index, value, duplicates
            position = self._skip_space(position)
            if self._text.startswith(",", position):
                position += 1
            elif not self._text.startswith("]", position):
                self._fail(position, f"after item {index}: ',' or ']' expected")
                return

    def _element(self, position: int, index: int) -> tuple[Any, int] | None:
        """The element at `position` and where it ends; more of the file is decoded while
        it does not fit in what is (an element ending just there might go on, like 12|34)."""
        while True:
            self._duplicates = []
            try:
                value, end = self._json.raw_decode(self._text, position)
                if end < len(self._text) or self._end:
                    return value, end
            except json.JSONDecodeError as exc:
                if self._end:
                    self._fail(exc.pos, f"item {index}: invalid or truncated JSON ({exc.msg})")
                    return None
            except RecursionError:
                self._fail(position, f"item {index}: nested too deeply")
                return None
            except ValueError as exc:  # an integer of thousands of digits
                limit = str(exc).partition(":")[0]
                self._fail(position, f"item {index}: invalid JSON ({limit})")
                return None
            position = self._read_more(position)
            if self.too_large:
                return None

    def _array_start(self) -> int | None:
        """Where the array's elements begin, after the wrapper; None (and `error`) when the
        file has no array."""
        while "[" not in self._text and len(self._text) < _HEAD and not self._end:
            self._read_more(0)
        if self.too_large:
            return None
        wrapper = _WRAPPER.match(self._text)
        if wrapper is None:
            start = self._skip_space(0)
            if self._text.startswith("[", start):
                return start + 1
            self.error = "not a tweets file: no 'window.YTD.tweets.part0 = [' at its start"
        elif wrapper[1] not in TWEET_GLOBALS:
            self.error = f"holds window.YTD.{wrapper[1][:40]}, not tweets"
        elif not self._text.startswith("[", wrapper.end()):
            self.error = f"window.YTD.{wrapper[1]} is not followed by an array"
        else:
            return wrapper.end() + 1
        return None

    def _skip_space(self, position: int) -> int:
        while True:
            space = _SPACE.match(self._text, position)
            position = space.end() if space else position
            if position < len(self._text) or self._end:
                return position
            position = self._read_more(position)

    def _read_more(self, position: int) -> int:
        """Drop what is parsed (before `position`), decode more of the file: as much again as
        is left, at least CHUNK bytes. Returns `position` in the new text."""
        if self._end:
            return position
        data = self._handle.read(max(CHUNK, len(self._text) - position))
        self._bytes += len(data)
        if self._bytes > self._limit:
            self.too_large, self._end = True, True
            self.error = f"larger than {self._limit >> 20} MB"
            return position
        if self._decode is None:
            encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
            errors = "surrogateescape" if encoding.startswith("utf-8") else "replace"
            self._decode = codecs.getincrementaldecoder(encoding)(errors)
        self._end = not data
        text = self._decode.decode(data, final=self._end)
        if not self.invalid_line and (bad := _ESCAPED_BYTES.search(text)):
            self.invalid_line = self._line_of(len(self._text)) + text.count("\n", 0, bad.start())
        self._line += self._text.count("\n", 0, position)
        self._text = self._text[position:] + text
        return 0

    def _line_of(self, position: int) -> int:
        return self._line + self._text.count("\n", 0, position)

    def _fail(self, position: int, message: str) -> None:
        if self.error:
            return  # the first reason stands (a file over the limit is cut short)
        line = self._line_of(position)
        column = position - self._text.rfind("\n", 0, position)
        self.error = f"{message} at line {line} column {column}"


def read_items(handle: BinaryIO, limit: int) -> ItemStream:
    """The items of a tweets file (`tweets.js`, `tweet.js`, a part), one at a time."""
    return ItemStream(handle, limit)


def read_manifest(text: str) -> tuple[list[str], str]:
    """The tweet files `data/manifest.js` names (`dataTypes.tweets.files[].fileName`, or
    `dataTypes.tweet` in older exports), and why it could not be read ("" when it could)."""
    match = _MANIFEST.match(text)
    if match is None:
        return [], "not a manifest: no 'window.__THAR_CONFIG =' at its start"
    try:
        config, _ = json.JSONDecoder().raw_decode(text, match.end())
    except (json.JSONDecodeError, RecursionError) as exc:
        return [], f"invalid JSON: {exc}"
    names: list[str] = []
    data_types = config.get("dataTypes") if isinstance(config, dict) else None
    for key in TWEET_GLOBALS:
        kind = data_types.get(key) if isinstance(data_types, dict) else None
        files = kind.get("files") if isinstance(kind, dict) else None
        for entry in files if isinstance(files, list) else []:
            name = entry.get("fileName") if isinstance(entry, dict) else None
            if isinstance(name, str):
                names.append(name)
    if not names:
        return [], "names no tweet files (dataTypes.tweets.files)"
    return names, ""


def tweet_file_order(name: str) -> tuple[int, int, str]:
    """Sorts tweets.js, tweets-part1.js, tweets-part2.js ... tweets-part10.js, then tweet.js
    and its parts."""
    base = name.rpartition("/")[2]
    match = _PART.fullmatch(base)
    if match is None:
        return (2, 0, name)
    return (0 if match[1] == "tweets" else 1, int(match[2] or 0), name)

"""`outbox.json` read as JSON: the activities of its collection (or its one activity), with
the keys that any object holds twice, which Python's `json` would silently drop."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Final

from microblog.problems import Problem, Severity
from microblog.text.decode import decode_bytes

_SPACE: Final = re.compile(r"[ \t\n\r]*")


class _Twice(dict[str, Any]):
    """A JSON object that held a key more than once (the last value is kept)."""

    __slots__ = ("twice",)
    twice: tuple[str, ...]


def twice_of(value: Any) -> tuple[str, ...]:
    """The keys that the JSON object `value` itself held twice."""
    return value.twice if isinstance(value, _Twice) else ()


@dataclass(frozen=True, slots=True)
class Outbox:
    """The activities of an outbox, and whether any object in them held a key twice."""

    items: list[Any]
    any_twice: bool

    def duplicated(self, item: Any) -> tuple[str, ...]:
        """The keys that some object within `item` holds twice."""
        if not self.any_twice:
            return ()
        found: dict[str, None] = {}
        stack = [item]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                found.update(dict.fromkeys(twice_of(value)))
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
        return tuple(found)


def load_outbox(raw: bytes, path: str) -> Generator[Problem, None, Outbox | None]:
    """The activities of `outbox.json`: its `orderedItems` (the last, when the key appears
    twice, as Mastodon's own writer leaves it), or the file's one activity. `totalItems` is
    never read: real exports disagree with their items. A file cut short keeps every
    activity before the cut, and its error names the item cut."""
    text, problems = decode_bytes(raw, path)
    yield from problems
    marked: list[_Twice] = []

    def object_of(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(pairs)
        if len(value) == len(pairs):
            return value
        twice = _Twice(value)
        twice.twice = tuple(key for key, n in Counter(k for k, _ in pairs).items() if n > 1)
        marked.append(twice)
        return twice

    decoder = json.JSONDecoder(object_pairs_hook=object_of)
    start = _SPACE.match(text).end()  # type: ignore[union-attr]  # matches the empty text
    if text.startswith("{", start):
        root, twice, reason = _Collection(decoder, text).read(start + 1)
    else:  # not a collection: what json says of it, for the message
        root, twice, reason = _whole(decoder, text)
    items = root.get("orderedItems")
    if isinstance(items, list):
        if reason:
            action = "the items before it read" if items else "no posts read from it"
            yield Problem(path, 0, "MB091", Severity.ERROR, reason, action)
    elif not reason and "object" in root:
        return Outbox([root], bool(marked))  # one activity alone
    else:
        message = reason or "no list of activities ('orderedItems')"
        yield Problem(path, 0, "MB091", Severity.ERROR, message, "no posts read from it")
        return None
    for key in twice:
        if key != "orderedItems":  # Mastodon writes `"orderedItems":[],"orderedItems":[...]`
            message = f"the collection holds the key {key!r} twice"
            yield Problem(path, 0, "MB092", Severity.WARNING, message, "the last one read")
    return Outbox(items, bool(marked))


def _whole(decoder: json.JSONDecoder, text: str) -> tuple[dict[str, Any], list[str], str]:
    try:
        decoder.decode(text)
    except RecursionError:
        return {}, [], "JSON nested too deeply"
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        return {}, [], f"not valid JSON (cut short?): {exc}"
    return {}, [], ""


class _Collection:
    """The collection object read one key at a time and its `orderedItems` one item at a
    time (`raw_decode` from a position, no copy), so that a cut or a fault in one item
    keeps the items before it. Hand-written over `json` because a streaming parser
    (ijson) would not show the keys an object holds twice, which the reader reports."""

    def __init__(self, decoder: json.JSONDecoder, text: str) -> None:
        self.decoder = decoder
        self.text = text

    def read(self, position: int) -> tuple[dict[str, Any], list[str], str]:
        """The collection's keys (after its `{` at `position`), the keys it holds twice, and
        why it was not read to its end ("" when it was)."""
        root: dict[str, Any] = {}
        seen: Counter[str] = Counter()
        position = self.skip(position)
        if self.text.startswith("}", position):
            return root, [], self.end(position + 1)
        while True:
            key, position, reason = self.value(position, "not valid JSON (cut short?)")
            if reason:
                break
            if not isinstance(key, str):
                reason = self.fault(position, "not valid JSON: a key expected")
                break
            position = self.skip(position)
            if not self.text.startswith(":", position):
                reason = self.fault(position, "not valid JSON (cut short?): ':' expected")
                break
            position = self.skip(position + 1)
            seen[key] += 1
            if key == "orderedItems" and self.text.startswith("[", position):
                items: list[Any] = []
                root[key] = items
                position, reason = self.items(position + 1, items)
            else:
                root[key], position, reason = self.value(position, "not valid JSON (cut short?)")
            if reason:
                break
            position = self.skip(position)
            if self.text.startswith("}", position):
                reason = self.end(position + 1)
                break
            if not self.text.startswith(",", position):
                reason = self.fault(position, "not valid JSON (cut short?): ',' or '}' expected")
                break
            position = self.skip(position + 1)
        return root, [key for key, n in seen.items() if n > 1], reason

    def items(self, position: int, items: list[Any]) -> tuple[int, str]:
        """Reads the items of the array whose `[` ends before `position` into `items`."""
        position = self.skip(position)
        if self.text.startswith("]", position):
            return position + 1, ""
        while True:
            index = len(items) + 1
            item, position, reason = self.value(
                position, f"item {index}: invalid or truncated JSON"
            )
            if reason:
                return position, reason
            items.append(item)
            position = self.skip(position)
            if self.text.startswith("]", position):
                return position + 1, ""
            if not self.text.startswith(",", position):
                return position, self.fault(position, f"after item {index}: ',' or ']' expected")
            position = self.skip(position + 1)

    def value(self, position: int, what: str) -> tuple[Any, int, str]:
        try:
            value, end = self.decoder.raw_decode(self.text, position)
        except RecursionError:
            return None, position, self.fault(position, f"{what}: nested too deeply")
        except json.JSONDecodeError as exc:
            return None, exc.pos, self.fault(exc.pos, f"{what} ({exc.msg})")
        except ValueError as exc:  # an integer of thousands of digits
            limit = str(exc).partition(":")[0]
            return None, position, self.fault(position, f"{what} ({limit})")
        return value, end, ""

    def skip(self, position: int) -> int:
        return _SPACE.match(self.text, position).end()  # type: ignore[union-attr]

    def end(self, position: int) -> str:
        position = self.skip(position)
        if position == len(self.text):
            return ""
        return self.fault(position, "not valid JSON: more after the collection's end")

    def fault(self, position: int, message: str) -> str:
        line = self.text.count("\n", 0, position) + 1
        column = position - self.text.rfind("\n", 0, position)
        return f"{message} at line {line} column {column}"

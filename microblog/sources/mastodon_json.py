"""`outbox.json` read as JSON: the activities of its collection (or its one activity), with
the keys that any object holds twice, which Python's `json` would silently drop."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from microblog.problems import Problem, Severity
from microblog.text.decode import decode_bytes


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
    never read: real exports disagree with their items."""
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

    try:
        root = json.loads(text, object_pairs_hook=object_of)
    except RecursionError:
        reason = "JSON nested too deeply"
    except ValueError as exc:  # JSONDecodeError, or an integer of thousands of digits
        reason = f"not valid JSON (cut short?): {exc}"
    else:
        reason = ""
    if not reason and isinstance(root, dict) and "object" in root and "orderedItems" not in root:
        return Outbox([root], bool(marked))  # one activity alone
    items = root.get("orderedItems") if not reason and isinstance(root, dict) else None
    if not isinstance(items, list):
        message = reason or "no list of activities ('orderedItems')"
        yield Problem(path, 0, "MB091", Severity.ERROR, message, "no posts read from it")
        return None
    for key in twice_of(root):
        if key != "orderedItems":  # Mastodon writes `"orderedItems":[],"orderedItems":[...]`
            message = f"the collection holds the key {key!r} twice"
            yield Problem(path, 0, "MB092", Severity.WARNING, message, "the last one read")
    return Outbox(items, any(value is not root for value in marked))

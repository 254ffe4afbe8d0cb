"""A restricted YAML reader for site.yaml and front matter.

PyYAML's safe loader still has YAML 1.1 surprises (`no` is False, `010` is 8, `2024-02-30`
raises ValueError) and expands alias bombs. This loader resolves only `true`/`false` and
null implicitly, keeps every other scalar a string for the schema to interpret, refuses
aliases and characters no page can show (escapes like `"\\ud800"`), and turns any failure
into one `YamlError` with a line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from microblog.text.decode import C1_CONTROLS, FORBIDDEN

MAX_YAML_CHARS = 256 * 1024


class YamlError(Exception):
    """The YAML could not be read; `line` is 1-based within the YAML text (0 if unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2-like implicit typing, no aliases and no duplicate keys."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YamlError(
                "aliases (*name) are not allowed", event.start_mark.line + 1 if event else 0
            )
        return super().compose_node(parent, index)

    def construct_scalar(self, node: ScalarNode | MappingNode) -> Any:
        value = super().construct_scalar(node)
        text = value if isinstance(value, str) else ""
        unshowable = FORBIDDEN.search(text) or C1_CONTROLS.search(text)
        if unshowable:  # an escape like "\ud800" or "\x1b": no page or feed can hold it
            code = f"U+{ord(unshowable.group()):04X}"
            raise YamlError(f"character {code} cannot be shown", node.start_mark.line + 1)
        return value

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _value in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else id(key_node)
            if key in seen:  # PyYAML would keep the last one without a word
                raise YamlError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep)


_StrictLoader.yaml_implicit_resolvers = {}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """What a YAML text held, with the line of each mapping key ('feed.items' when nested)."""

    data: Any
    key_lines: dict[str, int]


def load_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlError on anything that is not plain, safe data."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(f"YAML block is larger than {MAX_YAML_CHARS // 1024} KB", 1)
    try:
        loader = _StrictLoader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters up front
        raise YamlError(_one_line(str(exc))) from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(_one_line(exc.problem or str(exc)), line) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise YamlError(_one_line(str(exc) or type(exc).__name__)) from None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    if isinstance(node, MappingNode):
        _record_key_lines(node, "", key_lines)
    return YamlDocument(data, key_lines)


def _record_key_lines(node: MappingNode, prefix: str, key_lines: dict[str, int]) -> None:
    """Lines of mapping keys, nested ones as 'feed.items' (two levels are all we read)."""
    for key_node, value_node in node.value:
        if isinstance(key_node.value, str):
            key = prefix + key_node.value
            key_lines.setdefault(key, key_node.start_mark.line + 1)
            if isinstance(value_node, MappingNode) and not prefix:
                _record_key_lines(value_node, key + ".", key_lines)


def _one_line(message: str) -> str:
    return " ".join(message.split())[:300]

"""A restricted YAML reader for site.yaml and front matter.

PyYAML's safe loader still has YAML 1.1 surprises (`no` is False, `010` is 8, `2024-02-30`
raises ValueError) and expands alias bombs. This loader resolves only `true`/`false` and
null implicitly, keeps every other scalar a string for the schema to interpret, refuses
aliases, explicit tags beyond text, lists, mappings, booleans and null, and characters no page
can show (escapes like `"\\ud800"`), and turns any failure into one `YamlError` with a line
number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from microblog.text.decode import C1_CONTROLS, FORBIDDEN

MAX_YAML_CHARS = 256 * 1024
_LIBYAML_DIFFERS = re.compile("[\t\r\x85\u2028\u2029\ufeff]|[|>][-+0-9]*#|(?:^|[\\s,\\[{])!")
_MAX_FLOW_FOR_C = 1000  # `[` and `{`: libyaml composes recursively in C, with no depth check


class YamlError(Exception):
    """The YAML could not be read; `line` is 1-based within the YAML text (0 if unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Strict(SafeConstructor):
    """YAML 1.2-like implicit typing (resolvers below), no duplicate keys, no character a page
    cannot show; a Loader with this mixin refuses aliases on its own (see each)."""

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

    def construct_yaml_bool(self, node: ScalarNode) -> bool:
        value = self.construct_scalar(node)
        if value.lower() not in ("true", "false"):  # `!!bool yes`, `!!bool maybe`
            raise YamlError(f"{value[:40]!r} is not true or false", node.start_mark.line + 1)
        return bool(value.lower() == "true")


class _StrictLoader(_Strict, yaml.SafeLoader):
    """Pure Python: the reference, and the one whose messages a person reads."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YamlError(
                "aliases (*name) are not allowed", event.start_mark.line + 1 if event else 0
            )
        return super().compose_node(parent, index)


_FAST_LOADER: type[Any] | None = None  # libyaml's, when PyYAML was built with it (its wheels are)
if hasattr(yaml, "CSafeLoader"):

    class _FastStrictLoader(_Strict, yaml.CSafeLoader):
        """libyaml's parser and composer (C): a composed alias is the very node it names,
        so `_shared_node` finds it afterwards."""

    _FAST_LOADER = _FastStrictLoader

# Explicit tags give text, lists, mappings, booleans and null only: `!!int`, `!!timestamp`,
# `!!binary`, `!!set` ... are refused (and `!!int ` alone no longer raises IndexError).
_Strict.yaml_constructors = {
    tag: SafeConstructor.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:seq",
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:null",
        None,  # any other tag: "could not determine a constructor"
    )
}
_Strict.yaml_constructors["tag:yaml.org,2002:bool"] = _Strict.construct_yaml_bool

for _loader in (_StrictLoader, _FAST_LOADER or _StrictLoader):
    _loader.yaml_implicit_resolvers = {}
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """What a YAML text held, with the line of each mapping key ('feed.items' when nested)."""

    data: Any
    key_lines: dict[str, int]


def load_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlError on anything that is not plain, safe data.

    libyaml's C loader reads it where it is there and the text is shallow enough for its
    recursive composer; any text it refuses, or holding an alias, is read again by the pure
    Python loader, whose messages and lines are the ones reported. Both give the same data
    (tests/unit/test_dates_yaml_decode.py compares them on generated texts)."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(f"YAML block is larger than {MAX_YAML_CHARS // 1024} KB", 1)
    if _FAST_LOADER is not None and _fits_libyaml(text):
        try:
            return _load(_FAST_LOADER, text)
        except Exception:
            pass  # read again below, for the reference's message
    return load_yaml_python(text)


def _fits_libyaml(text: str) -> bool:
    """Whether libyaml may read `text`: shallow enough, and without what libyaml reads where
    the Python loader refuses (tabs after a value, `?` inside `[...]`) or reads otherwise
    (line breaks beyond `\n`, a byte order mark, tags, `|#`)."""
    flow = text.count("[") + text.count("{")
    if flow > _MAX_FLOW_FOR_C or (flow and "?" in text):
        return False
    return not _LIBYAML_DIFFERS.search(text)


def load_yaml_python(text: str) -> YamlDocument:
    """`load_yaml` by the pure Python loader alone."""
    try:
        return _load(_StrictLoader, text)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(_one_line(exc.problem or str(exc)), line) from None
    except Exception as exc:  # PyYAML's constructors raise KeyError, IndexError and more
        raise YamlError(_one_line(str(exc) or type(exc).__name__)) from None


def _load(loader_type: type[Any], text: str) -> YamlDocument:
    try:
        loader = loader_type(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters up front
        raise YamlError(_one_line(str(exc))) from None
    try:
        node = loader.get_single_node()
        if loader_type is not _StrictLoader and node is not None and _shared_node(node):
            raise YamlError("aliases (*name) are not allowed")
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    if isinstance(node, MappingNode):
        _record_key_lines(node, "", key_lines)
    return YamlDocument(data, key_lines)


def _shared_node(root: Node) -> bool:
    """Whether a node is reached twice: an alias, as libyaml composes it."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, SequenceNode):
            stack += node.value
    return False


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

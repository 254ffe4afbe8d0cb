"""Splitting a file into YAML front matter and body, and reading the common keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from microblog.config import language_tag
from microblog.dates import parse_date
from microblog.problems import Problem, Severity, did_you_mean
from microblog.yamlsafe import YamlError, load_yaml

_FENCE = "---"
_END_FENCES = ("---", "...")


@dataclass(frozen=True, slots=True)
class Split:
    """`yaml` is None when there is no front matter; `body_line` is the body's first line."""

    yaml: str | None
    yaml_line: int
    body: str
    body_line: int


def split_front_matter(text: str) -> tuple[Split, Problem | None]:
    """Find a `---` fenced YAML block at the very top of `text` (after blank lines)."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].rstrip() != _FENCE:
        return Split(None, 0, text, 1), None
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() in _END_FENCES:
            yaml_text = "\n".join(lines[start + 1 : end])
            body = "\n".join(lines[end + 1 :])
            return Split(yaml_text, start + 2, body, end + 2), None
    # An opening fence with no closing one: keep everything as body so nothing is lost.
    problem = ("MB020", "front matter opened with '---' is never closed", "read as post text")
    return Split(None, 0, text, 1), _problem_at(start + 1, *problem)


def _problem_at(line: int, code: str, message: str, action: str) -> Problem:
    return Problem("", line, code, Severity.WARNING, message, action)


@dataclass
class FrontMatter:
    """Front matter values after checking, plus the problems found (paths filled by caller)."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def warn(self, line: int, code: str, message: str, action: str) -> None:
        self.problems.append(_problem_at(line, code, message, action))


Field = Callable[[Any, tzinfo], Any]


def read_front_matter(split: Split, fields: Mapping[str, Field], tz: tzinfo) -> FrontMatter:
    """Parse and check the YAML block; a bad value is reported and left out, never fatal."""
    result = FrontMatter()
    if split.yaml is None or not split.yaml.strip():
        return result
    try:
        document = load_yaml(split.yaml)
    except YamlError as exc:
        line = split.yaml_line + max(exc.line - 1, 0)
        result.warn(line, "MB021", f"invalid front matter: {exc.message}", "front matter ignored")
        return result
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        result.warn(
            split.yaml_line,
            "MB022",
            f"front matter is {kind}, not a mapping",
            "front matter ignored",
        )
        return result
    for raw_key, value in document.data.items():
        key = str(raw_key)
        line = split.yaml_line + document.key_lines.get(key, 1) - 1
        if key not in fields:
            hint = did_you_mean(key, fields)
            result.warn(line, "MB023", f"unknown front matter key {key!r}{hint}", "ignored")
            continue
        try:
            result.values[key] = fields[key](value, tz)
        except ValueError as exc:
            result.warn(line, "MB024", f"front matter {key!r} {exc}", "ignored")
        else:
            result.values[f"{key}@line"] = line
    return result


# -- field checkers: (value, tz) -> checked value, or ValueError -----------------------------

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def field_bool(value: Any, _tz: tzinfo) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"must be true or false, not {_show(value)}")


def field_text(value: Any, _tz: tzinfo) -> str:
    if value is None or isinstance(value, bool | list | dict):
        raise ValueError(f"must be text, not {_show(value)}")
    text = " ".join(str(value).replace("\x00", "").split())
    if not text:
        raise ValueError("is empty")
    return text[:500]


def field_date(value: Any, tz: tzinfo) -> datetime:
    if not isinstance(value, str):
        raise ValueError(
            f"must be a date like 2024-05-01 or 2024-05-01T09:30:00+02:00, not {_show(value)}"
        )
    parsed = parse_date(value, tz)
    if parsed is None:
        raise ValueError(f"is not a valid date: {_show(value)}")
    return parsed


def field_lang(value: Any, tz: tzinfo) -> str:
    return language_tag(field_text(value, tz))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

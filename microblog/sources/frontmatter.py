"""Splitting a file into YAML front matter and body, and reading the common keys."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Final

from microblog.config import language_tag
from microblog.dates import parse_date
from microblog.model import Reply
from microblog.outpaths import path_problem
from microblog.problems import Problem, Severity, did_you_mean
from microblog.sources.twitter_entities import http_url
from microblog.text.decode import FORBIDDEN
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


# -- the fields of an imported post (`microblog import` writes them) ---------------------------

_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~:-]{0,199}")
_NETWORK: Final = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_MIME: Final = re.compile(r"(?:image|video)/[a-z0-9.+-]{1,40}")
MEDIA_KINDS: Final = ("image", "gif", "video")
MAX_MEDIA: Final = 100  # entries of one post's `media`
MAX_ALT_CHARS: Final = 5000
MAX_PIXELS: Final = 100_000
_REPLY_KEYS: Final = ("url", "post_id", "to")
_MEDIA_KEYS: Final = ("file", "output", "alt", "kind", "width", "height", "mime", "remote")


def field_id(value: Any, _tz: tzinfo) -> str:
    """A record's own id (`twitter-1600000000000000010`): letters, digits and `._~:-`."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValueError(f"must be an id of letters, digits and . _ ~ : - , not {_show(value)}")
    return value


def field_long_text(value: Any, tz: tzinfo) -> str:
    """Text of up to MAX_ALT_CHARS characters, white space folded (a content warning)."""
    if value is None or isinstance(value, bool | list | dict):
        raise ValueError(f"must be text, not {_show(value)}")
    text = " ".join(FORBIDDEN.sub("", str(value)).split())
    if not text:
        raise ValueError("is empty")
    return text[:MAX_ALT_CHARS]


def field_network(value: Any, _tz: tzinfo) -> str:
    """The network a post was imported from, in lower case (`twitter`, `mastodon`)."""
    if not isinstance(value, str) or not _NETWORK.fullmatch(value):
        raise ValueError(f"must be a network name like twitter or mastodon, not {_show(value)}")
    return value


def field_address(value: Any, _tz: tzinfo) -> str:
    """An absolute http(s) address (never javascript:, data: or a relative one)."""
    if not http_url(value):
        raise ValueError(f"must be an http(s) address, not {_show(value)}")
    return value


def field_addresses(value: Any, tz: tzinfo) -> tuple[str, ...]:
    """A list of http(s) addresses (one alone is taken as a list of one)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError(f"must be a list of http(s) addresses, not {_show(value)}")
    return tuple(field_address(item, tz) for item in items[:MAX_MEDIA])


def field_reply(value: Any, tz: tzinfo) -> Reply:
    """`{url, post_id, to}`: what the post answers (the original's address, our post's id
    when it is one of ours, the account answered)."""
    if not isinstance(value, dict):
        raise ValueError(f"must be a mapping with url, post_id and to, not {_show(value)}")
    unknown = sorted(str(key) for key in value if key not in _REPLY_KEYS)
    if unknown:
        raise ValueError(f"has unknown keys {', '.join(unknown)} (it takes url, post_id, to)")
    try:
        url = field_address(value.get("url"), tz)
        post_id = None if value.get("post_id") is None else field_id(value["post_id"], tz)
        to = "" if value.get("to") is None else field_text(value["to"], tz)[:200]
    except ValueError as exc:
        raise ValueError(f"is not a reply: {exc}") from None
    return Reply(url=url, post_id=post_id, to=to)


@dataclass(frozen=True, slots=True)
class MediaEntry:
    """One checked entry of `media`: `file` as written (relative to the post's folder),
    resolved against the site by the Markdown reader."""

    file: str = ""
    output: str = ""
    alt: str = ""
    kind: str = "image"
    width: int | None = None
    height: int | None = None
    mime: str = ""
    remote: str = ""


@dataclass(frozen=True, slots=True)
class MediaEntries:
    """The usable entries of `media`, and what was wrong with the others (dropped)."""

    entries: tuple[MediaEntry, ...]
    errors: tuple[tuple[str, str], ...] = ()  # (message, action)


def field_media(value: Any, tz: tzinfo) -> MediaEntries:
    """A list of `{file, output, alt, kind, width, height, mime, remote}`; a bad entry or value
    is reported and left out, the others kept."""
    if not isinstance(value, list):
        raise ValueError(f"must be a list of media mappings, not {_show(value)}")
    entries: list[MediaEntry] = []
    errors: list[tuple[str, str]] = []
    if len(value) > MAX_MEDIA:
        errors.append((f"has {len(value)} entries", f"the first {MAX_MEDIA} read"))
    for number, item in enumerate(value[:MAX_MEDIA], start=1):
        if not isinstance(item, dict):
            errors.append((f"entry {number} is not a mapping but {_show(item)}", "dropped"))
            continue
        fields: dict[str, Any] = {}
        for key, raw in item.items():
            try:
                fields[str(key)] = _media_value(str(key), raw, tz)
            except ValueError as exc:
                errors.append((f"entry {number}: {str(key)!r} {exc}", "ignored"))
        if not fields.get("file") and not fields.get("remote"):
            errors.append((f"entry {number} has neither a file nor a remote address", "dropped"))
            continue
        entries.append(MediaEntry(**fields))
    return MediaEntries(tuple(entries), tuple(errors))


def _media_value(key: str, value: Any, tz: tzinfo) -> Any:
    if key not in _MEDIA_KEYS:
        raise ValueError(f"is not a media key (they are {', '.join(_MEDIA_KEYS)})")
    if key in ("width", "height"):
        number = value if isinstance(value, str) and value.isascii() else ""
        if not number.isdigit() or not 0 < int(number) < MAX_PIXELS:
            raise ValueError(f"must be a number of pixels, not {_show(value)}")
        return int(number)
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {_show(value)}")
    if key == "remote":
        return field_address(value, tz)
    if key == "alt":
        return FORBIDDEN.sub("", value)[:MAX_ALT_CHARS]
    if key == "kind" and value not in MEDIA_KINDS:
        raise ValueError(f"must be one of {', '.join(MEDIA_KINDS)}, not {_show(value)}")
    if key == "mime" and not _MIME.fullmatch(value):
        raise ValueError(f"must be a type like image/png or video/mp4, not {_show(value)}")
    if key == "file" and (not value or any(c in value for c in "\\\x00:") or value[:1] == "/"):
        raise ValueError(f"must be a path relative to the post's folder, not {_show(value)}")
    if key == "output" and (not value.startswith("media/") or path_problem(value)):
        raise ValueError(f"must be a safe output path under media/, not {_show(value)}")
    return value

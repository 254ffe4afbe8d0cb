"""site.yaml plus command-line overrides -> a frozen SiteConfig.

Every error is collected (not only the first) as a Problem naming the file, line and key;
`load_config` raises `ConfigError` with all of them. Each value remembers where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from microblog.dates import parse_date
from microblog.paths import display_path, stays_inside
from microblog.problems import Problem, Severity, did_you_mean
from microblog.text.decode import decode_bytes
from microblog.yamlsafe import YamlError, load_yaml

CONFIG_FILE = "site.yaml"


class ConfigError(Exception):
    """A fatal configuration problem (exit code 2)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class FeedConfig:
    items: int = 20
    full_content: bool = True


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated site settings. Paths are absolute; `base_url` ends with '/'."""

    site_dir: Path
    config_path: Path
    title: str
    base_url: str
    author: str = ""
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    content_dir: Path = Path("content")
    output_dir: Path = Path("_site")
    posts_per_page: int = 20
    feed: FeedConfig = field(default_factory=FeedConfig)
    date: datetime | None = None
    dates_from_git: bool = True
    cname: str = ""
    origins: Mapping[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url ('/' or '/archive/'), percent-encoded."""
        return quote(urlsplit(self.base_url).path or "/", safe="/%:@!$&'()*+,;=-._~")

    @property
    def templates_dir(self) -> Path:
        return self.site_dir / "templates"

    @property
    def static_dir(self) -> Path:
        return self.site_dir / "static"

    def origin(self, key: str) -> str:
        return self.origins.get(key, "default")


# -- the schema ------------------------------------------------------------------------------

Checker = Callable[[Any], Any]


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise ValueError("must be text")
    text = str(value)
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    if len(text) > 2000:
        raise ValueError("is longer than 2000 characters")
    return text


def _one_line_text(value: Any) -> str:
    return " ".join(_text(value).split())


def _positive_int(limit: int) -> Checker:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("must be a whole number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not 1 <= number <= limit:
            raise ValueError(f"must be between 1 and {limit}")
        return number

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _base_url(value: Any) -> str:
    url = _text(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an absolute http(s) URL, not {url!r}")
    if parts.query or parts.fragment or any(c.isspace() for c in url):
        raise ValueError("must not contain a query, a fragment or spaces")
    if parts.username or parts.password:
        raise ValueError("must not contain a user name or password")
    try:
        (parts.hostname or "").encode("idna")
        _ = parts.port  # raises for a port that is not a number
    except (UnicodeError, ValueError):
        raise ValueError(f"has an invalid host name or port: {parts.netloc!r}") from None
    segments = (
        parts.path.split("/")[1:-1] if parts.path.endswith("/") else parts.path.split("/")[1:]
    )
    if any(unquote(segment) in ("", ".", "..") for segment in segments):  # '%2e%2e' is '..'
        # '//style.css' is another host's URL, and '..' a folder the site is not in
        raise ValueError(f"has an empty, '.' or '..' segment in its path: {parts.path!r}")
    return url if url.endswith("/") else url + "/"


def _timezone(value: Any) -> str:
    name = _text(value).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"is not a known time zone (like 'UTC' or 'Europe/Madrid'): {name!r}"
        ) from None
    return name


def language_tag(value: Any) -> str:
    """A BCP 47-shaped language tag ('en', 'es-MX'); 'es_MX' is taken as 'es-MX'."""
    lang = _text(value).strip().replace("_", "-")
    if (
        not lang
        or len(lang) > 35
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in lang)
    ):
        raise ValueError(f"must be a language tag like 'en' or 'es-MX', not {lang!r}")
    return lang


def _relative_dir(value: Any) -> str:
    text = _text(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _cname(value: Any) -> str:
    host = _text(value).strip().lower()
    if not host or any(not (c.isascii() and (c.isalnum() or c in ".-")) for c in host):
        raise ValueError(f"must be a bare host name like 'blog.example.org', not {host!r}")
    return host


FEED_KEYS: dict[str, Checker] = {"items": _positive_int(10_000), "full_content": _bool}

TOP_KEYS: dict[str, Checker] = {
    "title": _one_line_text,
    "base_url": _base_url,
    "author": _one_line_text,
    "description": _one_line_text,
    "language": language_tag,
    "timezone": _timezone,
    "content_dir": _relative_dir,
    "output_dir": _relative_dir,
    "posts_per_page": _positive_int(10_000),
    "feed": lambda value: value,  # checked key by key below
    "date": lambda value: value,  # parsed once the time zone is known
    "dates_from_git": _bool,
    "cname": _cname,
}
REQUIRED = ("title", "base_url")
OVERRIDE_FLAGS = {"output_dir": "--output", "base_url": "--base-url"}  # the command line's


@dataclass
class _Collector:
    path: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, code, Severity.ERROR, message))


def read_config_file(config_path: Path) -> tuple[dict[str, Any], dict[str, int], str]:
    """Read site.yaml into a mapping; raise ConfigError if it cannot be read at all."""
    shown = display_path(config_path)
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [
                Problem(
                    shown,
                    0,
                    "MB001",
                    Severity.ERROR,
                    "config file not found",
                    "'microblog init DIR' makes a new site; --config PATH picks another file",
                )
            ]
        ) from None
    except OSError as exc:
        message = f"cannot read config file: {exc.strerror or exc}"
        raise ConfigError([Problem(shown, 0, "MB001", Severity.ERROR, message)]) from None
    text, _notes = decode_bytes(raw, shown)
    try:
        document = load_yaml(text)
    except YamlError as exc:
        message = f"invalid YAML: {exc.message}"
        raise ConfigError([Problem(shown, exc.line, "MB002", Severity.ERROR, message)]) from None
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        message = f"must be a mapping of keys (title: ..., base_url: ...), not {kind}"
        raise ConfigError([Problem(shown, 1, "MB003", Severity.ERROR, message)])
    return data, document.key_lines, shown


def load_config(config_path: Path, overrides: Mapping[str, str] | None = None) -> SiteConfig:
    """Load and validate site.yaml; `overrides` (from the command line) win over the file."""
    config_path = Path(os.path.abspath(config_path))
    data, key_lines, shown = read_config_file(config_path)
    collector = _Collector(shown)
    values, origins = _check_section(data, TOP_KEYS, "", key_lines, collector)
    for key, value in (overrides or {}).items():
        flag = OVERRIDE_FLAGS.get(key, "--" + key.replace("_", "-"))
        try:
            values[key] = TOP_KEYS[key](value)
        except ValueError as exc:
            collector.problems.append(Problem(flag, 0, "MB005", Severity.ERROR, f"{flag} {exc}"))
            continue
        origins[key] = flag
    for key in REQUIRED:
        if key not in data and key not in values:
            collector.error(0, "MB006", f"missing required key {key!r}")
    feed = FeedConfig()
    if "feed" in values:
        if isinstance(values["feed"], dict):
            feed_values, _ = _check_section(
                values["feed"], FEED_KEYS, "feed.", key_lines, collector
            )
            feed = FeedConfig(**feed_values)
        else:
            collector.error(
                key_lines.get("feed", 0),
                "MB005",
                "key 'feed' must be a mapping (items: 20, full_content: true)",
            )
    timezone = values.get("timezone", "UTC")
    if values.get("date") is not None:
        values["date"] = _check_date(values["date"], ZoneInfo(timezone))
        if values["date"] is None:
            collector.error(key_lines.get("date", 0), "MB005", "key 'date' is not a valid date")
    if collector.problems:
        raise ConfigError(collector.problems)
    site_dir = config_path.parent
    return SiteConfig(
        site_dir=site_dir,
        config_path=config_path,
        title=values["title"],
        base_url=values["base_url"],
        author=values.get("author", ""),
        description=values.get("description", ""),
        language=values.get("language", "en"),
        timezone=timezone,
        content_dir=_under(site_dir, values.get("content_dir", "content")),
        output_dir=_resolve_output(site_dir, values.get("output_dir"), overrides),
        posts_per_page=values.get("posts_per_page", 20),
        feed=feed,
        date=values.get("date"),
        dates_from_git=values.get("dates_from_git", True),
        cname=values.get("cname", ""),
        origins=origins,
    )


def _check_section(
    data: Mapping[Any, Any],
    schema: Mapping[str, Checker],
    prefix: str,
    key_lines: Mapping[str, int],
    collector: _Collector,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check each key of one mapping against its schema; report every bad key."""
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for raw_key, value in data.items():
        key = str(raw_key)
        line = key_lines.get(prefix + key, 0)
        if key not in schema:
            hint = did_you_mean(key, schema, prefix)
            collector.error(line, "MB004", f"unknown key {prefix + key!r}{hint}")
            continue
        try:
            values[key] = schema[key](value)
        except ValueError as exc:
            collector.error(line, "MB005", f"key {prefix + key!r} {exc}")
            continue
        origins[prefix + key] = f"{collector.path}:{line}"
    return values, origins


def _check_date(value: Any, tz: tzinfo) -> datetime | None:
    if not isinstance(value, str):
        return None
    return parse_date(value, tz)


def _under(site_dir: Path, relative: str) -> Path:
    return Path(os.path.normpath(site_dir / relative))


def _resolve_output(
    site_dir: Path, configured: str | None, overrides: Mapping[str, str] | None
) -> Path:
    # --output is relative to the working directory, like any command-line path; output_dir in
    # site.yaml is relative to the site folder.
    if overrides and "output_dir" in overrides:
        return Path(os.path.abspath(overrides["output_dir"]))
    return _under(site_dir, configured or "_site")


def check_content_folder(config: SiteConfig, *, must_exist: bool = True) -> None:
    """Raise ConfigError (MB007) for a content folder outside the site, or one that is missing.

    A typo in content_dir must not replace the published site with an empty one, and no
    command reads or writes posts outside the site folder.
    """
    missing = must_exist and not config.content_dir.is_dir()
    if missing or not stays_inside(config.content_dir, config.site_dir):
        where = config.origin("content_dir")
        where = where if where != "default" else display_path(config.config_path)
        message = f"key 'content_dir': {config.content_dir} is missing or outside the site folder"
        raise ConfigError([Problem(where, 0, "MB007", Severity.ERROR, message, "stopped")])

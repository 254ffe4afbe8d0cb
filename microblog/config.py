"""site.yaml plus command-line overrides -> a frozen SiteConfig.

The schema, the defaults and the command-line overrides come from the table in `settings`.
Every error is collected (not only the first) as a Problem naming the file, line and key;
`load_config` raises `ConfigError` with all of them. Each value remembers where it came from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from microblog.dates import parse_date
from microblog.paths import display_path, stays_inside
from microblog.problems import Problem, Severity, did_you_mean
from microblog.settings import (
    Entry,
    Section,
    Setting,
    default_of,
    entries_in,
    find,
    sections,
    settings,
    yaml_value,
)
from microblog.settings import language_tag as language_tag  # read by front matter too
from microblog.text.decode import decode_bytes
from microblog.yamlsafe import YamlError, load_yaml

CONFIG_FILE = "site.yaml"
FINGERPRINT_FORMAT = "microblog-settings-5"  # change it when fingerprint() hashes differently


class ConfigError(Exception):
    """A fatal configuration problem (exit code 2)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """The `feed:` section of site.yaml."""

    items: int = default_of("feed.items")
    full_content: bool = default_of("feed.full_content")
    footer_link: bool = default_of("feed.footer_link")
    archive: bool = default_of("feed.archive")
    digest: str | None = default_of("feed.digest")  # daily, weekly, monthly or None
    digest_tags: bool = default_of("feed.digest_tags")


@dataclass(frozen=True, slots=True)
class TwitterConfig:
    """The `twitter:` section of site.yaml."""

    retweets: bool = default_of("twitter.retweets")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The validated site settings. Paths are absolute; `base_url` ends with '/'.

    One attribute a setting of `settings.SETTINGS`, a section's settings in a dataclass of
    their own (`feed.items` is `config.feed.items`). Equal and hashable by value: `origins`
    (where each value came from) takes no part in either.
    """

    site_dir: Path
    config_path: Path
    title: str
    base_url: str
    author: str = default_of("author")
    description: str = default_of("description")
    language: str = default_of("language")
    timezone: str = default_of("timezone")
    content_dir: Path = Path(default_of("content_dir"))
    output_dir: Path = Path(default_of("output_dir"))
    posts_per_page: int = default_of("posts_per_page")
    feed: FeedConfig = field(default_factory=FeedConfig)
    date: datetime | None = default_of("date")  # noqa: RUF009 (None: immutable)
    dates_from_git: bool = default_of("dates_from_git")
    cname: str = default_of("cname")
    search: bool = default_of("search")
    twitter: TwitterConfig = field(default_factory=TwitterConfig)
    origins: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), compare=False)

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

    def value(self, name: str) -> Any:
        """The value of the setting called `name` in the table ('feed.items')."""
        holder: Any = self
        for part in name.split("."):
            holder = getattr(holder, part)
        return holder

    def fingerprint(self) -> str:
        """A sha256 hex digest of every setting's value, for cache keys.

        It covers every setting of the table, and the site folder. Paths are included, absolute:
        the same site in another folder, or built into another output folder, has another
        fingerprint. `origins` is not included. The same in every process and run: canonical
        JSON, dates in ISO 8601.
        """
        values = {s.name: _plain(self.value(s.name)) for s in settings()}
        values["site_dir"] = _plain(self.site_dir)
        text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(f"{FINGERPRINT_FORMAT}\n{text}".encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    return value


@dataclass
class _Collector:
    path: str
    key_lines: Mapping[str, int]
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
    """Load and validate site.yaml; `overrides` (from the command line) win over the file.

    `overrides` maps a setting's name to the text of its option (`{"output_dir": "out"}`); only
    the settings with a command-line flag can be overridden.
    """
    config_path = Path(os.path.abspath(config_path))
    data, key_lines, shown = read_config_file(config_path)
    collector = _Collector(shown, key_lines)
    values, origins = _check_section(data, "", collector)
    flag_values = _check_overrides(overrides or {}, collector)
    for name in (s.name for s in settings() if s.required):  # only at the top of site.yaml
        if name not in data and name not in values and name not in flag_values:
            collector.error(0, "MB006", f"missing required key {name!r}")
    for section in sections():
        if section.name in values:
            inner_values, inner_origins = _check_inner_section(section, values, collector)
            values.update(inner_values)
            origins.update(inner_origins)
    values.update(flag_values)
    origins.update({name: find(name).flag for name in flag_values})
    timezone = values.get("timezone", default_of("timezone"))
    if values.get("date") is not None:
        values["date"] = _check_date(values["date"], ZoneInfo(timezone))
        if values["date"] is None:
            collector.error(key_lines.get("date", 0), "MB005", "key 'date' is not a valid date")
    if collector.problems:
        raise ConfigError(collector.problems)
    return _make_config(config_path, values, origins)


def _check_section(
    data: Mapping[Any, Any], prefix: str, collector: _Collector
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check each key of one mapping against the table; report every bad key.

    Values and origins are keyed by the settings' dotted names; a section's value is its
    mapping, checked by `_check_inner_section`."""
    schema = {entry.key: entry for entry in entries_in(prefix.removesuffix("."))}
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for raw_key, value in data.items():
        key = str(raw_key)
        name = prefix + key
        line = collector.key_lines.get(name, 0)
        entry = schema.get(key)
        if entry is None:
            hint = did_you_mean(key, schema, prefix)
            collector.error(line, "MB004", f"unknown key {name!r}{hint}")
            continue
        try:
            values[name] = entry.check(value) if isinstance(entry, Setting) else value
        except ValueError as exc:
            collector.error(line, "MB005", f"key {name!r} {exc}")
            continue
        origins[name] = f"{collector.path}:{line}"
    return values, origins


def _check_inner_section(
    section: Section, values: dict[str, Any], collector: _Collector
) -> tuple[dict[str, Any], dict[str, str]]:
    mapping = values.pop(section.name)
    if isinstance(mapping, dict):
        return _check_section(mapping, section.name + ".", collector)
    shape = ", ".join(
        f"{entry.key}: {yaml_value(entry.default)}"
        for entry in entries_in(section.name)
        if isinstance(entry, Setting)
    )
    line = collector.key_lines.get(section.name, 0)
    collector.error(line, "MB005", f"key {section.name!r} must be a mapping ({shape})")
    return {}, {}


def _check_overrides(overrides: Mapping[str, str], collector: _Collector) -> dict[str, Any]:
    """The checked values of the command-line options; a bad one is an error named by its flag."""
    values: dict[str, Any] = {}
    for name, text in overrides.items():
        setting = find(name)
        if not setting.flag:
            raise KeyError(f"no command-line option overrides {name!r}")
        try:
            values[name] = setting.check(text)
        except ValueError as exc:
            message = f"{setting.flag} {exc}"
            collector.problems.append(Problem(setting.flag, 0, "MB005", Severity.ERROR, message))
    return values


def _check_date(value: Any, tz: tzinfo) -> datetime | None:
    if not isinstance(value, str):
        return None
    return parse_date(value, tz)


def _make_config(
    config_path: Path, values: Mapping[str, Any], origins: dict[str, str]
) -> SiteConfig:
    """The SiteConfig of checked values, defaults for the rest, folders made absolute."""
    site_dir = config_path.parent
    attributes: dict[str, Any] = {}
    for entry in entries_in(""):
        if isinstance(entry, Section):
            inner = {s.key: _value(s, values, origins, site_dir) for s in entries_in(entry.name)}
            attributes[entry.key] = _section_type(entry.name)(**inner)
        else:
            attributes[entry.key] = _value(entry, values, origins, site_dir)
    return SiteConfig(
        site_dir=site_dir,
        config_path=config_path,
        origins=MappingProxyType(origins),
        **attributes,
    )


def _value(
    entry: Entry, values: Mapping[str, Any], origins: Mapping[str, str], site_dir: Path
) -> Any:
    if not isinstance(entry, Setting):
        raise TypeError(f"section {entry.name!r} is inside another section")
    value = values.get(entry.name, entry.default)
    if not entry.folder:
        return value
    # A folder given on the command line is relative to the working directory, like any
    # command-line path; one in site.yaml (or the default) is relative to the site folder.
    if entry.flag and origins.get(entry.name) == entry.flag:
        return Path(os.path.abspath(value))
    return Path(os.path.normpath(site_dir / value))


def _section_type(name: str) -> Callable[..., Any]:
    """A section's dataclass: the default factory of SiteConfig's field for it."""
    factory = next(f.default_factory for f in dataclasses.fields(SiteConfig) if f.name == name)
    if not callable(factory):
        raise TypeError(f"SiteConfig.{name} needs a default_factory: the section's dataclass")
    return factory


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

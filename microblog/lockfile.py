"""`urls.lock`: the file that pins each published post's URL, feed guid and date.

A text file beside site.yaml that diffs well in git: a comment line, then one JSON object a
line, sorted by URL, keys in a fixed order. `microblog lock` writes it (pinning.py says how
posts are matched to it); every build and `check` reads it. A line that cannot be read is an
error that names it; the other lines still pin their posts.

A line is a post published at `url` (`state` "published"), a post that is gone ("removed":
its URL shows a page saying so), or an old URL of a post that moved ("moved": it redirects
to `moved_to`). Besides the pinned values it keeps what finds the post again: its `id`, the
`file`, `line` and `position` (its place in that file) it was read from, its `source` (an
imported post's address on its network), a digest of its `text` and a `sketch` of it (see
text/sketch.py), and an `excerpt` for the person reading the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Final

from microblog.config import SiteConfig
from microblog.dates import MIN_YEAR
from microblog.outpaths import path_problem
from microblog.paths import open_inside
from microblog.problems import Problem, Severity
from microblog.text.sketch import from_hex

LOCK_NAME: Final = "urls.lock"
HEADER: Final = (
    "# urls.lock: the URL, feed guid and date of every published post, pinned; written by"
    " `microblog lock`. Commit it.\n"
)
STATES: Final = ("published", "removed", "moved")
MAX_LOCK_BYTES: Final = 256 * 1024 * 1024
MAX_YEAR: Final = 9999


@dataclass(frozen=True, slots=True)
class Pin:
    """One line of urls.lock."""

    url: str  # the post page's folder in the output: "posts/<slug>/"
    guid: str  # its guid in feeds ("" for a moved line: the guid went with the post)
    date: str | None  # ISO 8601, None for an undated post
    id: str
    file: str
    line: int
    position: int
    source: str
    text: str
    sketch: str
    excerpt: str
    state: str = "published"
    moved_to: str = ""

    @property
    def slug(self) -> str:
        return self.url.removeprefix("posts/").removesuffix("/")

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def datetime(self) -> datetime | None:
        return None if self.date is None else datetime.fromisoformat(self.date)


_KEYS: Final = tuple(f.name for f in fields(Pin))
_TYPES: Final = {f.name: f.type for f in fields(Pin)}


def lock_path(config: SiteConfig) -> Path:
    return config.config_path.parent / LOCK_NAME


def read_lock(config: SiteConfig) -> tuple[list[Pin], list[Problem]] | None:
    """The pins of the site's urls.lock, with a problem for each line that cannot be read;
    None when the site has none (everything behaves as without pinning)."""
    path = lock_path(config)
    if not os.path.lexists(path):
        return None
    try:
        with open_inside(path, os.path.realpath(config.site_dir)) as handle:
            data = handle.read(MAX_LOCK_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return [], [_problem(0, f"cannot be read: {reason}", "no post is pinned")]
    if len(data) > MAX_LOCK_BYTES:
        return [], [_problem(0, "is larger than 256 MB", "no post is pinned")]
    return parse_lock(data)


def parse_lock(data: bytes) -> tuple[list[Pin], list[Problem]]:
    """Every pin of a lock file's bytes; a line that is not one is a problem, not a pin, and
    so is a second line for a URL or a guid already pinned."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [_problem(0, f"is not UTF-8 ({exc.reason})", "no post is pinned")]
    pins: list[Pin] = []
    problems: list[Problem] = []
    urls: set[str] = set()
    guids: set[str] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            pin = _pin(line)
        except ValueError as exc:
            problems.append(_problem(number, f"line is not a pin: {exc}", "line ignored"))
            continue
        if pin.url in urls or (pin.guid and pin.guid in guids):
            message = f"{pin.url} or its guid is pinned twice"
            problems.append(_problem(number, message, "line ignored"))
            continue
        urls.add(pin.url)
        guids.add(pin.guid)
        pins.append(pin)
    return pins, problems


def _pin(line: str) -> Pin:
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    _check_types(value)
    pin = Pin(**value)
    _check_values(pin)
    return pin


def _check_types(value: dict[str, object]) -> None:
    unknown = sorted(set(value) - set(_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}")
    for key in _KEYS:
        wanted = _TYPES[key]
        if key not in value:
            if key in ("state", "moved_to"):
                continue
            raise ValueError(f"{key!r} is missing")
        item = value[key]
        ok = {
            "int": isinstance(item, int) and not isinstance(item, bool),
            "str": isinstance(item, str),
            "str | None": item is None or isinstance(item, str),
        }
        if not ok.get(str(wanted), False):
            raise ValueError(f"{key!r} is not a {wanted}")


def _check_text(pin: Pin) -> None:
    for key in _KEYS:
        value = getattr(pin, key)
        if isinstance(value, str) and not _is_utf8(value):
            raise ValueError(f"{key!r} holds a lone surrogate")
    for url in (pin.url, pin.moved_to):
        unsafe = path_problem(url + "index.html") if url else None
        if unsafe is not None:
            raise ValueError(f"{url!r} cannot be published: {unsafe}")


def _check_values(pin: Pin) -> None:
    if pin.state not in STATES:
        raise ValueError(f"'state' is not one of {', '.join(STATES)}")
    if not (pin.url.startswith("posts/") and pin.url.endswith("/") and len(pin.slug) > 0):
        raise ValueError("'url' is not like posts/<slug>/")
    if "/" in pin.slug or pin.slug in (".", ".."):
        raise ValueError("'url' is not like posts/<slug>/")
    if pin.state == "moved" and not pin.moved_to.startswith("posts/"):
        raise ValueError("a moved post's 'moved_to' is not like posts/<slug>/")
    if pin.state != "moved" and not pin.guid:
        raise ValueError("'guid' is empty")
    if pin.date is not None:
        try:
            stamp = datetime.fromisoformat(pin.date)
        except ValueError:
            raise ValueError("'date' is not an ISO 8601 date and time") from None
        if stamp.tzinfo is None:
            raise ValueError("'date' has no UTC offset")
        if not MIN_YEAR < stamp.year < MAX_YEAR:  # room for any offset and time zone
            raise ValueError(f"'date' is not between the years {MIN_YEAR} and {MAX_YEAR}")
    from_hex(pin.sketch)
    _check_text(pin)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def format_lock(pins: Iterable[Pin]) -> bytes:
    """The bytes of urls.lock: the header, then each pin a line, sorted by URL. ValueError
    for a URL or guid twice: parse_lock would not read it back."""
    lines = [HEADER]
    ordered = sorted(pins, key=lambda pin: pin.url)
    guids = [pin.guid for pin in ordered if pin.guid]
    urls = [pin.url for pin in ordered]
    if len(set(urls)) != len(urls) or len(set(guids)) != len(guids):
        raise ValueError("a URL or a guid would be pinned twice")
    for pin in ordered:
        values = asdict(pin)
        if pin.state == "published":
            del values["state"], values["moved_to"]
        lines.append(json.dumps(values, ensure_ascii=False, separators=(", ", ": ")) + "\n")
    return "".join(lines).encode("utf-8")


def _problem(line: int, message: str, action: str) -> Problem:
    return Problem(LOCK_NAME, line, "MB110", Severity.ERROR, message, action)

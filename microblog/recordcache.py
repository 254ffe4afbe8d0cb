"""Parsed records kept between builds, in `.microblog-cache/records.json`: a post file whose
bytes, path and reading settings are those of the last build is not parsed again.

A reader is a function of a file's bytes, its site-relative path and the settings readers
read (sources.parse_file), so its records are kept under the sha256 of the bytes, for that
path, with a key of the reading settings and of microblog's code. The one exception, a post
naming media files of its own (their presence and size are read), is never kept. The records are
stored as JSON (never pickle: a file in the site folder must not be able to run code), each
frozen record by its type's name and its fields in order; only the types below are decoded.
The file is a line of JSON header (with a sha256 of the rest), then a line of JSON per post
file: its path, the sha256 of its bytes and its records. A line kept from the last build is
written again as it was read, never encoded again. A file that cannot be read back whole is
discarded with a warning (MB100), never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import fields
from datetime import datetime, timedelta, timezone, tzinfo
from enum import Enum
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from microblog.buildcache import zone_key
from microblog.config import SiteConfig
from microblog.model import Media, Post, Reply, Source, Tag
from microblog.problems import Problem, Severity
from microblog.sources import FileRecords
from microblog.text.linked import Link, LinkedHtml, LinkKind

RECORDS_FILE: Final = "records.json"
FORMAT: Final = "microblog-records-3"
# Settings no reader reads: changing them keeps the records (any other setting renews them).
_PAGE_SETTINGS: Final = frozenset(
    {"title", "base_url", "author", "description", "output_dir", "posts_per_page", "cname"}
    | {"feed.items", "feed.full_content", "dates_from_git", "date"}
)
_RECORD_TYPES: Final[dict[str, type]] = {
    kind.__name__: kind
    for kind in (FileRecords, Post, Tag, Media, Reply, Source, LinkedHtml, Link, Problem)
}
_ENUMS: Final[dict[str, type[Enum]]] = {"LinkKind": LinkKind, "Severity": Severity}
_FIELDS: Final = {name: tuple(f.name for f in fields(kind)) for name, kind in _RECORD_TYPES.items()}


class Uncached(Exception):
    """A value the cache does not know how to keep: its file is parsed at each build."""


def reader_key(config: SiteConfig, code: str) -> str:
    """What every record depends on besides its file: the reading settings and `code`, a
    digest of microblog's own files."""
    values = {name: str(config.value(name)) for name in _setting_names() - _PAGE_SETTINGS}
    values["site_dir"] = config.site_dir.as_posix()
    values["zone data"] = zone_key(config.timezone)
    text = json.dumps([FORMAT, code, values], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _setting_names() -> set[str]:
    from microblog.settings import settings

    return {setting.name for setting in settings()}


class RecordCache:
    """The records of the last build's post files, and those of this build, to keep."""

    def __init__(self, folder: Path, key: str) -> None:
        self.path = folder / RECORDS_FILE
        self.key = key
        self.problems: list[Problem] = []
        self.known: dict[str, tuple[str, FileRecords, str]] = {}  # path: sha256, records, line
        self.now: dict[str, str] = {}  # path: its line of the file
        self.hits = 0
        self.parsed = 0  # files parsed, not found here (read_content counts them)

    def load(self) -> None:
        """Read and decode the last build's records. A file that cannot be read whole, whose
        checksum does not match, or with a record that cannot be decoded is discarded with a
        warning (MB100): none of it is used."""
        try:
            if self.path.parent.is_symlink() or self.path.is_symlink() or not self.path.is_file():
                return
            header_line, _, body = self.path.read_bytes().partition(b"\n")
            header = json.loads(header_line)
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError(f"not of format {FORMAT}")
            if header.get("key") != self.key or header.get("folder") != _identity(self.folder):
                return  # other settings, another microblog, or a cache made elsewhere
            if header.get("sha256") != hashlib.sha256(body).hexdigest():
                raise ValueError("its checksum does not match: damaged")
            for line in body.decode("ascii").splitlines():
                relative, digest, encoded = json.loads(line)
                records = decode(encoded)
                if not isinstance(digest, str) or not isinstance(records, FileRecords):
                    raise ValueError(f"{relative!r} holds no records")
                self.known[relative] = (digest, records, line)
        except Exception as exc:  # whatever a damaged file makes decoding raise: not trusted
            self.known = {}
            self.problems.append(_unreadable(exc))

    @property
    def folder(self) -> Path:
        return self.path.parent

    def get(self, relative: str, digest: str | None) -> FileRecords | None:
        """The records of `relative` when its bytes have sha256 `digest` and were parsed last
        time, kept for the next build."""
        records = self.lookup(relative, digest)
        if records is not None:
            self.keep(relative)
        return records

    def lookup(self, relative: str, digest: str | None) -> FileRecords | None:
        """`get`, without keeping them (a worker looks up, the parent keeps)."""
        entry = self.known.get(relative)
        if digest is None or entry is None or entry[0] != digest:
            return None
        return entry[1]

    def keep(self, relative: str) -> None:
        """Keep the last build's records of `relative` (found by `lookup`) for the next."""
        self.now[relative] = self.known[relative][2]
        self.hits += 1

    def keep_line(self, relative: str, line: str | None) -> None:
        """Keep a line `line_of` made (in a worker, say) for the next build."""
        if line is not None:
            self.now[relative] = line

    def save(self) -> None:
        """Keep this build's records (those of files no longer read are dropped); written
        whole and renamed into place, so two builds at once leave one or the other."""
        if self.now.keys() == self.known.keys() and self.hits == len(self.now):
            return  # all found, none parsed: the file holds them already
        folder = self.path.parent
        with contextlib.suppress(OSError, ValueError):
            if folder.is_symlink():
                return  # it would lead out of the site folder
            folder.mkdir(exist_ok=True)
            body = "\n".join(self.now.values()).encode("ascii")
            header = {"format": FORMAT, "key": self.key, "folder": _identity(folder)}
            header["sha256"] = hashlib.sha256(body).hexdigest()
            handle, temporary = tempfile.mkstemp(prefix=".records-", dir=folder)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(json.dumps(header).encode("ascii") + b"\n" + body)
                Path(temporary).replace(self.path)
            finally:
                Path(temporary).unlink(missing_ok=True)


def line_of(relative: str, digest: str, records: FileRecords) -> str | None:
    """The line of the records of a file's bytes; None for records that depend on other
    files too (a post's own media files: whether each is there, and its size) or hold a value
    this cache does not keep."""
    if any(problem.code == "MB028" for problem in records.problems) or any(
        media.member and not media.export for post in records.posts for media in post.media
    ):
        return None
    try:
        encoded = encode(records)
    except Uncached:
        return None
    return json.dumps([relative, digest, encoded], separators=(",", ":"))  # ASCII: one line


def _identity(folder: Path) -> str:
    """The cache folder's device and inode: records are trusted only in the folder that was
    written with them, never in one that came with a copied or cloned site (their HTML is
    not sanitized again)."""
    try:
        status = folder.stat()
    except OSError:
        return ""
    return f"{status.st_dev}:{status.st_ino}"


def _unreadable(exc: BaseException) -> Problem:
    message = f"cached records cannot be read ({' '.join(str(exc).split())[:120]})"
    return Problem(
        f".microblog-cache/{RECORDS_FILE}", 0, "MB100", Severity.WARNING, message,
        "discarded; every post file is parsed",
    )  # fmt: skip


def encode(value: Any) -> Any:
    """`value` as JSON data: a tuple as a list, a record as {"T": type, "v": fields}."""
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return value
    if kind is tuple:
        return [encode(item) for item in value]
    name = kind.__name__
    if name in _FIELDS and _RECORD_TYPES[name] is kind:
        return {"T": name, "v": [encode(getattr(value, f)) for f in _FIELDS[name]]}
    if isinstance(value, Enum) and _ENUMS.get(name) is kind:
        return {"T": name, "v": value.value}
    if kind is datetime:
        return {"T": "datetime", "v": [value.isoformat(), _zone(value.tzinfo)]}
    raise Uncached(name)


def decode(data: Any) -> Any:
    """The value `encode` gave `data` for; ValueError, TypeError or KeyError for anything
    `encode` does not give."""
    kind = type(data)
    if kind is str or data is None or kind is int or kind is bool:
        return data
    if kind is list:
        return tuple([decode(item) for item in data])  # a list: faster than a generator
    if kind is not dict or len(data) != 2:
        raise ValueError("not a record")
    name, value = data["T"], data["v"]
    record = _RECORD_TYPES.get(name)
    if record is not None:
        if type(value) is not list or len(value) != len(_FIELDS[name]):
            raise ValueError(f"{name} needs {len(_FIELDS[name])} fields")
        return record(*[decode(item) for item in value])
    if name == "datetime":
        text, zone = value
        return datetime.fromisoformat(text).replace(tzinfo=_tz(zone))
    return _ENUMS[name](value)


def _zone(tz: tzinfo | None) -> list[Any]:
    if isinstance(tz, ZoneInfo) and tz.key:
        return ["zone", tz.key]
    if type(tz) is timezone:
        offset = tz.utcoffset(None)
        return ["offset", offset.days * 86400 + offset.seconds, tz.tzname(None)]
    raise Uncached(f"time zone {tz!r}")


def _tz(zone: list[Any]) -> tzinfo:
    if zone[0] == "zone" and len(zone) == 2:
        return ZoneInfo(zone[1])
    if zone[0] == "offset" and len(zone) == 3:
        fixed = timezone(timedelta(seconds=zone[1]))
        return fixed if fixed.tzname(None) == zone[2] else timezone(fixed.utcoffset(None), zone[2])
    raise ValueError("not a time zone")

"""Exports as the networks hand them out: a folder, or the .zip as downloaded.

A reader asks for members by name; each is read bounded, and never from outside the export or
the site: a folder's files are opened and proven inside the site (links included), a zip's
members are streamed from the archive, never extracted, and a member whose name leaves the
archive (`..`, an absolute path, a drive), a link entry, or one that inflates beyond any real
file (a zip bomb) is refused and reported.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO, BinaryIO, Final

from microblog.paths import open_inside
from microblog.problems import Problem, Severity
from microblog.walk import Skip, Skipped, Tree, walk

MAX_MEMBERS = 500_000  # files in one export
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # one member read whole (a tweets.js part)
MAX_RATIO = 200  # uncompressed bytes per compressed byte: beyond, a member is a bomb
MAX_ZIP_BYTES = 64 * 1024 * 1024 * 1024  # all members of a zip, as declared
# What exports are packed with: Python's zipfile inflates a bzip2 or LZMA member in one
# unbounded call, so a few hundred bytes could become gigabytes before any check.
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ValueError)
_VERIFY_CHUNK = 1 << 20


class ExportError(OSError):
    """A member that cannot be read: missing, unsafe, or larger than the limit."""


@dataclass
class ExportFiles:
    """The files of one export, by POSIX name relative to its root."""

    relative: str  # the export's site-relative path (POSIX), for problems and Media.export
    problems: list[Problem] = field(default_factory=list)

    def names(self) -> list[str]:
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def open(self, name: str) -> BinaryIO:
        raise NotImplementedError

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """A member's bytes; ExportError when it holds more than `limit`."""
        with self.open(name) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise ExportError(f"{name} is larger than {limit >> 20} MB")
        return data

    def verify(self, name: str) -> None:
        """Prove a member whole and readable before a page shows it, or raise OSError: a zip
        member is read through (its packed data and checksum checked), so that a damaged one
        is known as missing before any page links it, not met halfway through its copy."""
        with self.open(name) as handle:
            while handle.read(_VERIFY_CHUNK):
                pass

    def close(self) -> None:
        """Let go of the archive (a zip); a folder holds nothing open."""

    def warn(self, name: str, message: str, action: str) -> None:
        where = f"{self.relative}/{name}" if name else self.relative
        self.problems.append(Problem(where, 0, "MB090", Severity.WARNING, message, action))


def safe_member_name(name: str) -> str | None:
    """`name` as a relative POSIX path inside the export, or None when it would leave it."""
    if not name or "\x00" in name or "\\" in name or PureWindowsPath(name).drive:
        return None
    pure = PurePosixPath(name)
    if pure.is_absolute() or any(part in ("..", "") for part in name.rstrip("/").split("/")):
        return None
    return str(pure)


@dataclass
class FolderExport(ExportFiles):
    """An export unpacked into a folder of the site."""

    root: Path = Path()
    site_real: str = ""
    _sizes: dict[str, int] | None = None

    def names(self) -> list[str]:
        if self._sizes is None:
            self._sizes = dict(self._walk())
        return sorted(self._sizes)

    def _walk(self) -> Iterator[tuple[str, int]]:
        """Its files as the site's one walk finds them: hidden files and links leading out
        of the site do not count."""
        count = 0
        for item in walk(Tree(self.root, inside=Path(self.site_real))):
            if isinstance(item, Skipped):
                if item.reason is Skip.OUTSIDE:
                    self.warn(item.relative, "symbolic link leads outside the site", "not read")
                continue
            if item.first is not None:
                continue  # the same file under a second name
            try:
                size = item.path.stat().st_size
            except OSError:
                continue
            count += 1
            if count > MAX_MEMBERS:
                self.warn("", f"more than {MAX_MEMBERS:,} files", "the rest not read")
                return
            yield item.relative, size

    def size(self, name: str) -> int:
        self.names()
        assert self._sizes is not None
        if name not in self._sizes:
            raise ExportError(f"{name} is not in the export")
        return self._sizes[name]

    def verify(self, name: str) -> None:
        """A file of a folder carries no checksum: open proves it inside the site and
        readable."""
        self.open(name).close()

    def open(self, name: str) -> BinaryIO:
        safe = safe_member_name(name)
        if safe is None:
            raise ExportError(f"{name!r} leads out of the export")
        # proven inside the site once open: a link to /etc/passwd is refused here
        return open_inside(self.root.joinpath(*safe.split("/")), self.site_real)


@dataclass
class ZipExport(ExportFiles):
    """An export as downloaded: members streamed from the archive, never extracted."""

    archive: zipfile.ZipFile | None = None
    _members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    @classmethod
    def open_archive(cls, path: Path, relative: str, site_real: str) -> ZipExport:
        handle = open_inside(path, site_real)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            handle.close()
            raise ExportError(f"not a readable zip archive: {exc}") from exc
        export = cls(relative, archive=archive)
        export._index()
        return export

    def _index(self) -> None:
        assert self.archive is not None
        declared = 0
        for number, info in enumerate(self.archive.infolist()):
            if number >= MAX_MEMBERS:
                self.warn("", f"more than {MAX_MEMBERS:,} members", "the rest not read")
                break
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            if name is None:
                self.warn("", f"member {info.filename[:200]!r} leads out of the archive", "skipped")
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                self.warn(name, "member is a symbolic link", "skipped")
                continue
            declared += info.file_size
            if declared > MAX_ZIP_BYTES:
                self.warn(name, "the archive unpacks to more than 64 GB", "the rest not read")
                break
            self._members.setdefault(name, info)

    def narrow(self, folder: str) -> None:
        """Keep only the members under `folder`, named from it: the export's own root, when
        the archive holds it in a folder (`twitter-2024-01-01/data/tweets.js`)."""
        if folder:
            start = folder + "/"
            members = self._members.items()
            self._members = {n[len(start) :]: i for n, i in members if n.startswith(start)}

    def names(self) -> list[str]:
        return sorted(self._members)

    def size(self, name: str) -> int:
        info = self._members.get(name)
        if info is None:
            raise ExportError(f"{name} is not in the archive")
        return info.file_size

    def open(self, name: str) -> BinaryIO:
        info = self._members.get(name)
        if info is None or self.archive is None:
            raise ExportError(f"{name} is not in the archive")
        if info.compress_type not in _METHODS:  # bzip2 and LZMA inflate unbounded
            raise ExportError(f"{name} is packed with a method exports never use")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise ExportError(f"{name} would inflate {info.compress_size:,} bytes by {MAX_RATIO}x")
        return _Member(self.archive, info)  # type: ignore[return-value]

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None


class _Member:
    """A zip member as a stream that stops at its declared size (a directory that lies about a
    member's size cannot make it inflate further), and that can go back to its start (the
    output compares a file with the previous build's before writing it)."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self._archive = archive
        self._info = info
        self._stream: IO[bytes] = self._open()
        self._left = info.file_size

    def _open(self) -> IO[bytes]:
        try:
            return self._archive.open(self._info)
        except _DAMAGED as exc:
            raise ExportError(f"{self._info.filename} is damaged: {exc}") from exc

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        want = self._left if size < 0 else min(size, self._left)
        try:
            data = self._stream.read(want)
        except _DAMAGED as exc:  # bad packed data, a wrong checksum, a member cut short
            raise ExportError(f"{self._info.filename} is damaged: {exc}") from exc
        self._left -= len(data)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if (offset, whence) == (0, os.SEEK_END):
            self._left = 0
            return self._info.file_size
        if (offset, whence) == (0, os.SEEK_SET):
            self._stream.close()
            self._stream = self._open()
            self._left = self._info.file_size
            return 0
        raise io.UnsupportedOperation("a zip member goes back to its start only")

    def __enter__(self) -> _Member:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stream.close()


TWITTER = "twitter"
MASTODON = "mastodon"
TWEET_FILE: Final = re.compile(r"tweets?(?:-part[1-9][0-9]{0,4})?\.js")  # in data/
MANIFEST: Final = "manifest.js"  # data/manifest.js: which files hold the tweets


@dataclass(frozen=True, slots=True)
class ExportRoot:
    """Where an export was found: its kind, and its site-relative path (a folder or a zip)."""

    kind: str
    relative: str
    is_zip: bool = False


def twitter_data_prefix(names: Iterable[str]) -> str | None:
    """Where a Twitter export's data is among `names` (an export's member names): "data/" when
    its root holds the data folder, "" when the root is that folder, None when it is no
    Twitter export (no tweets file, and no manifest in a data folder)."""
    found: set[str] = set()
    for name in names:
        folder, _, base = name.rpartition("/")
        if folder in ("data", "") and _is_tweets_file(folder, base):
            found.add(folder + "/" if folder else "")
    return "data/" if "data/" in found else "" if "" in found else None


def _is_tweets_file(folder: str, base: str) -> bool:
    in_data = folder == "data" or folder.endswith("/data")
    return TWEET_FILE.fullmatch(base) is not None or (in_data and base == MANIFEST)


def find_export_roots(paths: Iterable[str], top: str = "") -> list[ExportRoot]:
    """The export folders among the site-relative `paths` of the files under the folder `top`
    (content/): a Twitter/X export (a folder holding `data/tweets.js`, `data/tweet.js`,
    `data/manifest.js` or a part, or that `data/` folder on its own) and a Mastodon export (a
    folder holding `outbox.json`). A `data/` folder dropped straight into `top` is the export
    itself, so that the posts beside it stay posts. Zips are looked into by `zip_export_kind`."""
    roots: dict[str, str] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        if name == "outbox.json":
            roots.setdefault(folder, MASTODON)
        elif _is_tweets_file(folder, name):
            if folder == "data" or folder.endswith("/data"):
                parent = folder.removesuffix("data").removesuffix("/")
                roots.setdefault(folder if parent == top else parent, TWITTER)
            else:
                roots.setdefault(folder, TWITTER)
    kept: list[ExportRoot] = []
    for folder, kind in sorted(roots.items()):  # an export inside another one is part of it
        if not any(folder.startswith(root.relative + "/") for root in kept):
            kept.append(ExportRoot(kind, folder))
    return kept


def inside_export(path: str, roots: Iterable[ExportRoot]) -> bool:
    """Whether a file belongs to one of the exports (its posts are the export's)."""
    return any(path == root.relative or path.startswith(root.relative + "/") for root in roots)


def zip_export_kind(names: Iterable[str]) -> tuple[str, str] | None:
    """(kind, the folder inside the zip that is the export's root) of a zip's member names,
    or None when the zip holds no export."""
    found = find_export_roots(("/" + name for name in names), top="\x00")  # no posts beside
    if not found:
        return None
    root = found[0]
    return root.kind, root.relative.removeprefix("/")


def open_export(site_dir: Path, root: ExportRoot) -> ExportFiles:
    """The files of an export found under content/; ExportError when a zip cannot be read."""
    site_real = os.path.realpath(site_dir)
    path = site_dir.joinpath(*root.relative.split("/"))
    if not root.is_zip:
        return FolderExport(root.relative, root=path, site_real=site_real)
    export = ZipExport.open_archive(path, root.relative, site_real)
    found = zip_export_kind(export.names())
    export.narrow(found[1] if found else "")
    return export


def zip_export_root(site_dir: Path, relative: str) -> ExportRoot | None:
    """The export a .zip under content/ holds, or None (an archive of something else)."""
    try:
        export = ZipExport.open_archive(
            site_dir.joinpath(*relative.split("/")), relative, os.path.realpath(site_dir)
        )
    except OSError:
        return None
    try:
        found = zip_export_kind(export.names())
    finally:
        export.close()
    return None if found is None else ExportRoot(found[0], relative, is_zip=True)

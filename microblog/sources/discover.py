"""Finding the post files under content/: sorted, each read once, never outside the site."""

from __future__ import annotations

import os
import re
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from microblog.paths import is_within, site_relative
from microblog.problems import Problem, Severity

MAX_DEPTH = 32
_QUIET = {".ds_store", "thumbs.db", "desktop.ini"}  # OS litter: never posts, never reported
# Python keeps the bytes of a file name that are not UTF-8 as lone surrogates ("\udcff"),
# which no UTF-8 output (JSON, HTML, a terminal) can hold.
_UNDECODED = re.compile("[\ud800-\udfff]")


def readable_relative(path: Path, site_dir: Path) -> str:
    """`path` relative to the site folder, each byte of its name that is not UTF-8 as U+FFFD."""
    return _UNDECODED.sub("\ufffd", site_relative(path, site_dir))


@dataclass
class ContentFile:
    path: Path  # absolute, as found under content/
    relative: str  # relative to the site folder, POSIX form


@dataclass
class _Walk:
    site_dir: Path
    site_real: str
    suffixes: Container[str]
    found: list[ContentFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def warn(self, path: Path, code: str, message: str, action: str) -> None:
        shown = readable_relative(path, self.site_dir)
        self.problems.append(Problem(shown, 0, code, Severity.WARNING, message, action))

    def folder(self, folder: Path, ancestors: frozenset[str], depth: int) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            self.warn(folder, "MB040", f"cannot list folder: {exc.strerror or exc}", "skipped")
            return
        for entry in entries:
            if not entry.name.startswith(".") and entry.name.lower() not in _QUIET:
                self.entry(entry, ancestors, depth)  # hidden files are never posts

    def entry(self, entry: os.DirEntry[str], ancestors: frozenset[str], depth: int) -> None:
        path = Path(entry.path)
        real = os.path.realpath(path)
        if entry.is_symlink() and not is_within(real, self.site_real):
            self.warn(path, "MB045", "symbolic link leads outside the site folder", "not followed")
            return
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if real in ancestors or depth >= MAX_DEPTH:
                self.warn(path, "MB046", "folder loop or nesting too deep", "not followed")
            else:
                self.folder(path, ancestors | {real}, depth + 1)
        elif is_file and path.suffix.lower() in self.suffixes:
            relative = readable_relative(path, self.site_dir)
            if relative != site_relative(path, self.site_dir):
                self.warn(path, "MB014", "file name is not valid UTF-8", "read, named with U+FFFD")
            self.found.append(ContentFile(path, relative))
        elif not is_file and entry.is_symlink():
            self.warn(path, "MB047", "broken symbolic link", "skipped")
        # anything else (images, data, other files) is not a post


def find_content_files(
    site_dir: Path, content: Path, suffixes: Container[str], problems: list[Problem]
) -> list[ContentFile]:
    """Post files under `content`, sorted by path; a file reached twice is read once."""
    site_real = os.path.realpath(site_dir)
    shown = site_relative(content, site_dir)
    if not content.is_dir():
        problems.append(
            Problem(
                shown,
                0,
                "MB043",
                Severity.WARNING,
                "content folder not found",
                "the site has no posts",
            )
        )
        return []
    content_real = os.path.realpath(content)
    if not is_within(content_real, site_real):
        problems.append(
            Problem(
                shown,
                0,
                "MB044",
                Severity.ERROR,
                "content folder leads outside the site folder",
                "not read",
            )
        )
        return []
    walk = _Walk(site_dir, site_real, suffixes)
    walk.folder(content, frozenset({content_real}), 0)
    problems.extend(walk.problems)
    unique: dict[str, ContentFile] = {}
    for item in sorted(walk.found, key=lambda item: item.relative):
        real = os.path.realpath(item.path)
        if real in unique:
            problems.append(
                Problem(
                    item.relative,
                    0,
                    "MB048",
                    Severity.NOTE,
                    f"same file as {unique[real].relative}",
                    "read once",
                )
            )
            continue
        unique[real] = item
    return list(unique.values())

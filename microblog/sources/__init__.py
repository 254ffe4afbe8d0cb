"""Readers, registered by file suffix, and the walk over `content/` that feeds them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from microblog.config import SiteConfig
from microblog.model import Post
from microblog.paths import is_within, site_relative
from microblog.problems import Problem, Severity
from microblog.sources.markdown import parse_markdown
from microblog.sources.txt import parse_txt
from microblog.text.decode import decode_bytes

Parser = Callable[[str, str, SiteConfig], Iterator[Post | Problem]]

READERS: dict[str, Parser] = {
    ".txt": parse_txt,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
}
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
_QUIET = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass
class ContentFile:
    path: Path  # absolute, as found under content/
    relative: str  # relative to the site folder, POSIX form


@dataclass
class ReadResult:
    posts: list[Post] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[ContentFile] = field(default_factory=list)


def read_content(config: SiteConfig) -> ReadResult:
    """Read every post under the content folder, in a stable order (sorted paths)."""
    result = ReadResult()
    for item in find_content_files(config, result.problems):
        result.files.append(item)
        read_file(item, config, result)
    return result


def read_file(item: ContentFile, config: SiteConfig, result: ReadResult) -> None:
    parser = READERS[item.path.suffix.lower()]
    try:
        raw = _read_bytes(item.path)
    except OSError as exc:
        result.problems.append(
            Problem(
                item.relative,
                0,
                "MB040",
                Severity.ERROR,
                f"cannot read file: {exc.strerror or exc}",
                "skipped",
            )
        )
        return
    if raw is None:
        result.problems.append(
            Problem(
                item.relative,
                0,
                "MB041",
                Severity.ERROR,
                f"file is larger than {MAX_FILE_BYTES >> 20} MB",
                "skipped",
            )
        )
        return
    text, problems = decode_bytes(raw, item.relative)
    result.problems.extend(problems)
    if not text.strip():
        result.problems.append(
            Problem(
                item.relative,
                1,
                "MB042",
                Severity.WARNING,
                "file has no posts (empty or only white space)",
                "skipped",
            )
        )
        return
    try:
        for value in parser(text, item.relative, config):
            if isinstance(value, Problem):
                result.problems.append(value)
            else:
                result.posts.append(value)
    except Exception as exc:  # a bug in a reader must not take the other files down with it
        result.problems.append(
            Problem(
                item.relative,
                0,
                "MB039",
                Severity.ERROR,
                f"internal error: {type(exc).__name__}: {exc}",
                "rest of the file skipped; please report it",
            )
        )


def _read_bytes(path: Path) -> bytes | None:
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    return None if len(data) > MAX_FILE_BYTES else data


def find_content_files(config: SiteConfig, problems: list[Problem]) -> list[ContentFile]:
    """Post files under content/, sorted; symlinks are followed only inside the site folder."""
    site_real = os.path.realpath(config.site_dir)
    content = config.content_dir
    shown_content = site_relative(content, config.site_dir)
    if not content.is_dir():
        problems.append(
            Problem(
                shown_content,
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
                shown_content,
                0,
                "MB044",
                Severity.ERROR,
                "content folder leads outside the site folder",
                "not read",
            )
        )
        return []
    found: list[ContentFile] = []
    _walk(content, config.site_dir, site_real, {content_real}, 0, found, problems)
    found.sort(key=lambda item: item.relative)
    unique: dict[str, ContentFile] = {}
    for item in found:
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


def _walk(
    folder: Path,
    site_dir: Path,
    site_real: str,
    seen: set[str],
    depth: int,
    found: list[ContentFile],
    problems: list[Problem],
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        problems.append(
            Problem(
                site_relative(folder, site_dir),
                0,
                "MB040",
                Severity.WARNING,
                f"cannot list folder: {exc.strerror or exc}",
                "skipped",
            )
        )
        return
    for entry in entries:
        path = Path(entry.path)
        shown = site_relative(path, site_dir)
        if entry.name.startswith(".") or entry.name.lower() in _QUIET:
            continue  # hidden files and OS litter are never posts
        real = os.path.realpath(path)
        if entry.is_symlink() and not is_within(real, site_real):
            problems.append(
                Problem(
                    shown,
                    0,
                    "MB045",
                    Severity.WARNING,
                    "symbolic link leads outside the site folder",
                    "not followed",
                )
            )
            continue
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if real in seen or depth >= MAX_DEPTH:
                problems.append(
                    Problem(
                        shown,
                        0,
                        "MB046",
                        Severity.WARNING,
                        "folder loop or nesting too deep",
                        "not followed",
                    )
                )
                continue
            _walk(path, site_dir, site_real, seen | {real}, depth + 1, found, problems)
        elif is_file and path.suffix.lower() in READERS:
            found.append(ContentFile(path, shown))
        elif is_file or not entry.is_symlink():
            continue  # images, data and other files are not posts
        else:
            problems.append(
                Problem(shown, 0, "MB047", Severity.WARNING, "broken symbolic link", "skipped")
            )

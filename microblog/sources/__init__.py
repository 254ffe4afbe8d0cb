"""Readers, registered by file suffix or by kind of export, and the walk over `content/`
that feeds them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from microblog.config import SiteConfig
from microblog.model import Post
from microblog.parallel import map_chunks, workers_for
from microblog.paths import open_inside, site_relative
from microblog.problems import Problem, Severity
from microblog.progress import Progress
from microblog.sources.discover import ContentFile, find_content_files
from microblog.sources.exports import (
    MASTODON,
    TWITTER,
    ExportFiles,
    ExportRoot,
    find_export_roots,
    inside_export,
    open_export,
    zip_export_root,
)
from microblog.sources.markdown import parse_markdown
from microblog.sources.mastodon import parse_mastodon_export
from microblog.sources.twitter import parse_twitter_export
from microblog.sources.txt import parse_txt
from microblog.text.decode import decode_bytes

if TYPE_CHECKING:
    from microblog.recordcache import RecordCache

Parser = Callable[[str, str, SiteConfig], Iterator[Post | Problem]]

READERS: dict[str, Parser] = {
    ".txt": parse_txt,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
}
ExportParser = Callable[[ExportFiles, SiteConfig], Iterator[Post | Problem]]
EXPORT_READERS: dict[str, ExportParser] = {
    TWITTER: parse_twitter_export,
    MASTODON: parse_mastodon_export,
}
# What else the walk over content/ looks at: an export's files of posts, and downloaded zips.
EXPORT_SUFFIXES = (".js", ".json", ".zip")
CONTENT_SUFFIXES = frozenset((*READERS, *EXPORT_SUFFIXES))
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileRecords:
    """What one file holds: its posts, and the problems met reading it."""

    posts: tuple[Post, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass
class ReadResult:
    posts: list[Post] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[ContentFile] = field(default_factory=list)
    exports: list[ExportSummary] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What one export gave: where it is, its kind, how many posts were read from it, and the
    notes on what it left out (retweets, boosts, posts not public)."""

    root: ExportRoot
    posts: int
    left_out: tuple[str, ...]


def read_content(
    config: SiteConfig,
    cache: RecordCache | None = None,
    digests: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ReadResult:
    """Read every post under the content folder, in a stable order (sorted paths): post files,
    then exports (a file inside an export is the export's, never a post of its own).

    With a `cache`, a post file parsed by an earlier build is not parsed again: one whose
    sha256 `digests` holds (by its path as found) is not even read."""
    result = ReadResult()
    site = config.site_dir
    found = find_content_files(site, config.content_dir, CONTENT_SUFFIXES, result.problems)
    roots = find_export_roots((item.relative for item in found), relative_to(config))
    for item in found:
        if item.relative.lower().endswith(".zip") and not inside_export(item.relative, roots):
            root = zip_export_root(site, item.relative)
            if root is not None:
                roots.append(root)
    posts = [
        item
        for item in found
        if PurePosixPath(item.relative).suffix.lower() in READERS
        and not inside_export(item.relative, roots)
    ]
    site_real = os.path.realpath(site)
    known: list[FileRecords | None] = [None] * len(posts)
    if cache is not None:
        digests = digests or {}
        known = [cache.get(item.relative, digests.get(str(item.path))) for item in posts]
    todo = [item for item, records in zip(posts, known, strict=True) if records is None]

    progress = progress or Progress()
    progress.stage("reading posts", len(todo))

    def read_chunk(chunk: Sequence[ContentFile]) -> list[_Read]:
        read = []
        for item in chunk:
            read.append(_read_file(item, config, site_real, cache))
            progress.advance()
        return read

    chunks = map_chunks(read_chunk, todo, workers_for(len(todo)), progress.advance)
    read = iter(one for chunk in chunks for one in chunk)
    for item, records in zip(posts, known, strict=True):
        if records is None:
            records, digest, parsed, line = next(read)
            if cache is not None and digest is not None:
                if parsed:
                    cache.parsed += 1
                    cache.keep_line(item.relative, line)
                else:  # found by its bytes, read in a worker: kept here
                    cache.keep(item.relative)
        result.files.append(item)
        _add(result, records)
    for root in roots:
        result.files.append(ContentFile(site.joinpath(*root.relative.split("/")), root.relative))
        records = read_export(site, root, config)
        _add(result, records)
        notes = tuple(p.message for p in records.problems if p.code == "MB094")
        result.exports.append(ExportSummary(root, len(records.posts), notes))
    return result


def relative_to(config: SiteConfig) -> str:
    return site_relative(config.content_dir, config.site_dir)


def _add(result: ReadResult, records: FileRecords) -> None:
    result.posts.extend(records.posts)
    result.problems.extend(records.problems)


def read_export(site_dir: Path, root: ExportRoot, config: SiteConfig) -> FileRecords:
    """The records of one export (a folder or a zip): what its reader yields, and what was
    met listing its files."""
    try:
        files = open_export(site_dir, root)
    except OSError as exc:
        problem = Problem(root.relative, 0, "MB090", Severity.WARNING, str(exc), "not read")
        return FileRecords(problems=(problem,))
    posts: list[Post] = []
    problems: list[Problem] = []
    try:
        for value in EXPORT_READERS[root.kind](files, config):
            if isinstance(value, Problem):
                problems.append(value)
            else:
                posts.append(value)
    except Exception as exc:  # a bug in a reader must not take the rest of the site down
        message = f"internal error: {type(exc).__name__}: {exc}"
        action = "rest of the export skipped; please report it"
        problems.append(Problem(root.relative, 0, "MB039", Severity.ERROR, message, action))
    finally:
        files.close()
    return FileRecords(tuple(posts), tuple(files.problems) + tuple(problems))


def read_file(item: ContentFile, config: SiteConfig, site_real: str) -> FileRecords:
    """The records of one post file (`site_real`: the site folder's real path): read its
    bytes, then `parse_file` them."""
    return _read_file(item, config, site_real, None)[0]


# What reading a file gave: its records; with a cache, the sha256 of its bytes, whether they
# were parsed (not: the cache had their records) and the line of the records to keep.
_Read = tuple[FileRecords, str | None, bool, str | None]


def _read_file(
    item: ContentFile, config: SiteConfig, site_real: str, cache: RecordCache | None
) -> _Read:
    """read_file, and what a `cache` needs (see _Read); made here, so in a worker."""
    try:
        raw = _read_bytes(item.path, site_real)
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        return FileRecords(problems=(_error(item.relative, "MB040", message),)), None, False, None
    if raw is None:
        message = f"file is larger than {MAX_FILE_BYTES >> 20} MB"
        return FileRecords(problems=(_error(item.relative, "MB041", message),)), None, False, None
    if cache is None:
        return parse_file(raw, item.relative, config), None, True, None
    digest = hashlib.sha256(raw).hexdigest()
    known = cache.lookup(item.relative, digest)
    if known is not None:
        return known, digest, False, None
    from microblog.recordcache import line_of  # not at the top: recordcache imports this

    records = parse_file(raw, item.relative, config)
    return records, digest, True, line_of(item.relative, digest, records)


def parse_file(raw: bytes, relative: str, config: SiteConfig) -> FileRecords:
    """The records of a post file's bytes: a function of the bytes, the file's site-relative
    path and the settings readers read (the time zone), never of base_url."""
    parser = READERS[PurePosixPath(relative).suffix.lower()]
    text, decoded = decode_bytes(raw, relative)
    problems = list(decoded)
    posts: list[Post] = []
    if not text.strip():
        problems.append(
            Problem(
                relative,
                1,
                "MB042",
                Severity.WARNING,
                "file has no posts (empty or only white space)",
                "skipped",
            )
        )
        return FileRecords((), tuple(problems))
    try:
        for value in parser(text, relative, config):
            if isinstance(value, Problem):
                problems.append(value)
            else:
                posts.append(value)
    except Exception as exc:  # a bug in a reader must not take the other files down with it
        problems.append(
            Problem(
                relative,
                0,
                "MB039",
                Severity.ERROR,
                f"internal error: {type(exc).__name__}: {exc}",
                "rest of the file skipped; please report it",
            )
        )
    return FileRecords(tuple(posts), tuple(problems))


def _error(relative: str, code: str, message: str) -> Problem:
    return Problem(relative, 0, code, Severity.ERROR, message, "skipped")


def _read_bytes(path: Path, site_real: str) -> bytes | None:
    with open_inside(path, site_real) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE_BYTES:
            return None
        # read(MAX_FILE_BYTES + 1) would allocate the whole limit for every file, however small.
        data = handle.read(size + 1)
        if len(data) > size:  # the file grew while being read: read the rest, still bounded
            data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    return None if len(data) > MAX_FILE_BYTES else data

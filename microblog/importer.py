"""`microblog import PATH`: a Twitter/X or Mastodon export (a folder or the .zip as
downloaded), or a `.txt` archive, as one Markdown file per post under the content folder,
with its media beside it.

The export is read by the readers a build uses, so the guarantees are theirs: nothing private
is read, entities are decoded once. Each record becomes front matter (id, slug, date, tags,
source, network, reply, warning, media ...) that the Markdown reader turns back into the same
record, over its HTML written as Markdown (`importer_markdown`). Only new files are written,
each opened with mode "x": a file already there, edited or not, is never touched.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Final

from microblog.config import SiteConfig
from microblog.importer_markdown import markdown_of_html
from microblog.model import Media, Post
from microblog.paths import open_inside, site_relative, stays_inside
from microblog.problems import Problem, Severity
from microblog.scaffold import front_matter
from microblog.sources import (
    EXPORT_READERS,
    MAX_FILE_BYTES,
    FileRecords,
    parse_file,
    read_export,
)
from microblog.sources.exports import (
    ExportFiles,
    ExportRoot,
    find_export_roots,
    open_export,
    zip_export_root,
)
from microblog.text.slugs import clean_slug

IMPORT_FOLDER: Final = "imported"  # under the content folder
COPY_CHUNK: Final = 1024 * 1024
ARCHIVE_SUFFIX: Final = ".txt"


class ImportRefusedError(Exception):
    """A path that is not an export or archive, or nowhere safe to write (exit 2)."""


@dataclass(frozen=True, slots=True)
class ImportSource:
    """What PATH is: its kind ("twitter", "mastodon" or "txt"), the folder holding it (links
    followed), and its path from there (POSIX): the export's root or the archive."""

    kind: str
    parent: Path
    relative: str
    is_zip: bool = False

    @property
    def folder_name(self) -> str:
        """Where its posts go under content/imported/: the network, or the archive's name."""
        if self.kind != "txt":
            return self.kind
        return clean_slug(PurePosixPath(self.relative).stem)[0] or "archive"

    @property
    def root(self) -> ExportRoot:
        return ExportRoot(self.kind, self.relative, self.is_zip)


def find_import_source(path: Path) -> ImportSource:
    """The export or archive at `path`, wherever it is; ImportRefusedError with one line
    naming it when it is neither."""
    if not path.exists():
        raise ImportRefusedError(f"{path}: no such file or folder")
    real = Path(os.path.realpath(path))
    parent, name = real.parent, real.name
    if not name:  # the file system's root
        raise ImportRefusedError(f"{path}: not an export (a folder or a .zip) nor a .txt archive")
    if real.is_dir():
        return _export_in_folder(path, parent, name)
    if name.lower().endswith(".zip"):
        root = zip_export_root(parent, name)
        if root is None:
            raise ImportRefusedError(f"{path}: a .zip that holds no Twitter/X or Mastodon export")
        return ImportSource(root.kind, parent, name, is_zip=True)
    if name.lower().endswith(ARCHIVE_SUFFIX):
        return ImportSource("txt", parent, name)
    raise ImportRefusedError(f"{path}: not an export (a folder or a .zip) nor a .txt archive")


def _export_in_folder(path: Path, parent: Path, name: str) -> ImportSource:
    files = open_export(parent, ExportRoot("", name))
    roots = find_export_roots(f"{name}/{member}" for member in files.names())
    if not roots:
        message = "not a Twitter/X or Mastodon export (no tweets.js, tweet.js or outbox.json)"
        raise ImportRefusedError(f"{path}: {message}")
    if len(roots) > 1:
        names = ", ".join(root.relative for root in roots[:5])
        raise ImportRefusedError(f"{path}: holds {len(roots)} exports ({names}): name one")
    return ImportSource(roots[0].kind, parent, roots[0].relative)


def read_import_source(source: ImportSource, config: SiteConfig) -> FileRecords:
    """The records of the export or archive, read as a build reads them."""
    if source.kind == "txt":
        path = source.parent.joinpath(*source.relative.split("/"))
        try:
            with open_inside(path, os.path.realpath(source.parent)) as handle:
                size = os.fstat(handle.fileno()).st_size  # read no more than it holds
                raw = handle.read(min(size, MAX_FILE_BYTES) + 1)
        except OSError as exc:
            problem = Problem(source.relative, 0, "MB040", Severity.ERROR, str(exc), "skipped")
            return FileRecords(problems=(problem,))
        if len(raw) > MAX_FILE_BYTES:
            message = f"file is larger than {MAX_FILE_BYTES >> 20} MB"
            problem = Problem(source.relative, 0, "MB041", Severity.ERROR, message, "skipped")
            return FileRecords(problems=(problem,))
        return parse_file(raw, source.relative, config)
    if source.kind not in EXPORT_READERS:
        raise ImportRefusedError(f"{source.relative}: no reader for {source.kind} exports")
    return read_export(source.parent, source.root, config)


# -- one post as a Markdown file -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedMedia:
    """A media file to copy: its member in the export, and its path from the post's folder."""

    member: str
    file: str
    entry: dict[str, Any]  # its front matter, `file` included


@dataclass(frozen=True, slots=True)
class PlannedPost:
    """The Markdown file of one record: its name, front matter values, body and media."""

    name: str
    values: dict[str, Any]
    body: str
    media: tuple[PlannedMedia, ...]
    remote_only: tuple[dict[str, Any], ...]  # media the export lacked: linked where served

    def document(self, copied: set[str]) -> str:
        """The file's text, its media entries those copied (`file`), or linked (`remote`)."""
        entries = [m.entry if m.file in copied else _without_file(m.entry) for m in self.media]
        media = [entry for entry in [*entries, *self.remote_only] if entry]
        values = {**self.values, "media": media} if media else self.values
        return front_matter(values) + self.body + "\n"


def plan_post(post: Post) -> PlannedPost:
    """The Markdown file of a record, which the Markdown reader reads back as the same post:
    the same id, slug, date, tags, reply, warning and media (pure)."""
    values: dict[str, Any] = {"id": post.id, "slug": post.slug}
    if post.title:
        values["title"] = post.title
    if post.date is not None:
        values["date"] = post.date.isoformat()
    values["tags"] = [tag.name for tag in post.tags]
    values["source"] = str(post.source)
    optional = {
        "network": post.network,
        "original": post.original,
        "lang": post.lang,
        "draft": post.draft,
        "warning": post.warning,
        "repost_of": post.repost_of,
        "also_at": list(post.also_at),
    }
    values.update((key, value) for key, value in optional.items() if value)
    if post.reply_to is not None:
        reply = {"url": post.reply_to.url, "post_id": post.reply_to.post_id, "to": post.reply_to.to}
        values["reply_to"] = {key: value for key, value in reply.items() if value}
    planned: list[PlannedMedia] = []
    remote_only: list[dict[str, Any]] = []
    for media in post.media:
        entry = _media_entry(media, post.network)
        if media.member and media.path:
            planned.append(PlannedMedia(media.member, entry["file"], entry))
        elif media.remote:
            remote_only.append(entry)
    body = markdown_of_html(post.body)
    return PlannedPost(f"{post.slug}.md", values, body, tuple(planned), tuple(remote_only))


def _media_entry(media: Media, network: str) -> dict[str, Any]:
    """`{file, output, kind, alt, width, height, mime, remote}`: the file kept beside the post
    as `media/<its path under media/<network>/>`; `output` only where the Markdown reader's
    own choice (`media/<network>/<file name>`) would differ."""
    values: dict[str, Any] = {}
    if media.member and media.path:
        prefix = f"media/{network}/" if network else "media/"
        rest = media.path.removeprefix(prefix) if media.path.startswith(prefix) else media.path
        values["file"] = "media/" + rest.removeprefix("media/")
        if media.path != prefix + rest.rpartition("/")[2]:
            values["output"] = media.path
    values["kind"] = media.kind
    optional = {
        "alt": media.alt,
        "width": media.width,
        "height": media.height,
        "mime": media.mime,
        "remote": media.remote,
    }
    values.update((key, value) for key, value in optional.items() if value)
    return values


def _without_file(entry: dict[str, Any]) -> dict[str, Any]:
    """A media entry whose file could not be copied: linked where served, else left out."""
    if not entry.get("remote"):
        return {}
    return {key: value for key, value in entry.items() if key not in ("file", "output")}


# -- writing ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: the folder written into, the posts and media files written, the
    posts whose file was already there (left untouched), and the problems met."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    media: int = 0
    existing: int = 0
    problems: list[Problem] = field(default_factory=list)


def import_path(config: SiteConfig, path: Path) -> ImportResult:
    """Write a Markdown file for each post of the export or archive at `path` that has none
    yet, into content/imported/<network or archive>/; ImportRefusedError when `path` is no
    export or archive, or when that folder would lead out of the content folder."""
    source = find_import_source(path)
    records = read_import_source(source, config)
    folder = config.content_dir / IMPORT_FOLDER / source.folder_name
    result = ImportResult(folder, problems=_shown(records.problems, path))
    if not records.posts:
        return result
    config.content_dir.mkdir(parents=True, exist_ok=True)
    make_folder_inside(folder, config.content_dir)
    files = None if source.kind == "txt" else open_export(source.parent, source.root)
    writer = _Writer(config, folder, files, result)
    try:
        for post in records.posts:
            writer.write_post(plan_post(post))
    finally:
        if files is not None:
            files.close()
    return result


@dataclass
class _Writer:
    """Writes planned posts and their media into `folder`, never over a file."""

    config: SiteConfig
    folder: Path
    files: ExportFiles | None
    result: ImportResult

    def write_post(self, plan: PlannedPost) -> None:
        target = self.folder / plan.name
        if os.path.lexists(target):
            self.result.existing += 1
            return
        copied = {media.file for media in plan.media if self.copy_media(media)}
        created = False
        try:
            with target.open("x", encoding="utf-8", newline="\n") as handle:
                created = True
                handle.write(plan.document(copied))
        except FileExistsError:
            self.result.existing += 1
            return
        except OSError as exc:
            if created:
                target.unlink(missing_ok=True)
            self.result.problems.append(self.unwritten(target, exc))
            return
        self.result.written.append(target)

    def copy_media(self, media: PlannedMedia) -> bool:
        """Copy one media file beside the post (never over one already there); whether the
        post can name it. A file that cannot be read from the export is reported (MB093)
        and the post links to where it was served; one that cannot be written, MB095."""
        target = self.folder.joinpath(*media.file.split("/"))
        if self.files is None:
            return False
        if os.path.lexists(target):
            return target.is_file()
        try:
            make_folder_inside(target.parent, self.config.content_dir)
            handle = target.open("xb")
        except FileExistsError:
            return target.is_file()
        except (ImportRefusedError, OSError) as exc:
            self.result.problems.append(self.unwritten(target, exc))
            return False
        with handle:
            failure = _copy_member(self.files, media.member, handle)
        if failure is None:
            self.result.media += 1
            return True
        target.unlink(missing_ok=True)  # made just now: no one else's file
        if isinstance(failure, _WriteError):
            self.result.problems.append(self.unwritten(target, failure.cause))
            return False
        where = f"{self.files.relative}/{media.member}"
        message = f"media file cannot be copied from the export: {failure}"
        action = "linked where it was served" if media.entry.get("remote") else "left out"
        self.result.problems.append(Problem(where, 0, "MB093", Severity.WARNING, message, action))
        return False

    def unwritten(self, target: Path, exc: Exception) -> Problem:
        where = site_relative(target, self.config.site_dir)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        message = f"cannot be written: {reason}"
        return Problem(where, 0, "MB095", Severity.ERROR, message, "not imported")


class _WriteError(Exception):
    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


_READ_ERRORS: Final = (OSError, EOFError, zipfile.BadZipFile, zlib.error)  # a damaged member


def _copy_member(files: ExportFiles, member: str, handle: BinaryIO) -> Exception | None:
    """Stream a member of the export into `handle`: None, or what went wrong (reading, or a
    _WriteError)."""
    try:
        source = files.open(member)
    except OSError as exc:
        return exc
    with source:
        while True:
            try:
                chunk = source.read(COPY_CHUNK)
            except _READ_ERRORS as exc:
                return exc
            if not chunk:
                return None
            try:
                handle.write(chunk)
            except OSError as exc:
                return _WriteError(exc)


def make_folder_inside(folder: Path, inside: Path) -> None:
    """Make `folder` (and its parents) where it stays inside `inside`, links followed: each
    existing part is proven inside before anything is made below it."""
    relative = folder.relative_to(inside)
    current = inside
    for part in relative.parts:
        current = current / part
        if os.path.lexists(current):
            if not stays_inside(current, inside) or not current.is_dir():
                raise ImportRefusedError(f"{current} is not a folder inside {inside}")
            continue
        current.mkdir()


def _shown(problems: tuple[Problem, ...], path: Path) -> list[Problem]:
    """The reader's problems, each located as the person named the export or archive."""
    shown = path.parent
    if str(shown) in ("", "."):
        return list(problems)
    return [
        Problem(f"{shown.as_posix()}/{p.path}", p.line, p.code, p.severity, p.message, p.action)
        for p in problems
    ]

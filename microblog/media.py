"""The images and videos of published posts, copied from their exports into the output.

Only what a published post shows is copied: the media of a followers-only post, a draft or a
retweet left out never reach the output. Files are streamed from the export (a zip's members
are never extracted), each at the output path its reader chose. A medium whose `export` is ""
is a file of the site itself (an imported Markdown post's), proven inside it once open.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from microblog.model import Media, Post
from microblog.output import Sink
from microblog.paths import open_inside
from microblog.problems import Problem, Severity
from microblog.sources.exports import ExportFiles, ExportRoot, open_export


def media_to_copy(posts: Iterable[Post]) -> dict[str, Media]:
    """{output path: media} of the media `posts` show, each path once."""
    found: dict[str, Media] = {}
    for post in posts:
        for media in post.media:
            if media.path and media.member:
                found.setdefault(media.path, media)
    return dict(sorted(found.items()))


def copy_media(
    site_dir: Path, sink: Sink, media: dict[str, Media], taken: set[str]
) -> tuple[int, list[Problem]]:
    """Copy each file; one whose output path is taken or that cannot be read is reported."""
    problems: list[Problem] = []
    exports: dict[str, ExportFiles | None] = {}
    site_real = os.path.realpath(site_dir)
    copied = 0
    try:
        for path, item in media.items():
            where = f"{item.export}/{item.member}" if item.export else item.member
            if path.casefold() in taken:
                problems.append(_problem(where, f"has the output path {path} of another file"))
                continue
            try:
                if item.export:
                    files = _export(site_dir, item, exports)
                    if files is None:
                        problems.append(_problem(where, "its export cannot be read"))
                        continue
                    handle = files.open(item.member)
                else:  # a file of the site (a Markdown post's), by its site-relative path
                    handle = open_inside(site_dir.joinpath(*item.member.split("/")), site_real)
                with handle:
                    sink.copy(path, handle)
            except OSError as exc:
                problems.append(_problem(where, f"cannot be read: {exc.strerror or exc}"))
                continue
            copied += 1
    finally:
        for files in exports.values():
            if files is not None:
                files.close()
    return copied, problems


def _export(
    site_dir: Path, item: Media, opened: dict[str, ExportFiles | None]
) -> ExportFiles | None:
    if item.export not in opened:
        root = ExportRoot("", item.export, is_zip=item.export.lower().endswith(".zip"))
        try:
            opened[item.export] = open_export(site_dir, root)
        except OSError:
            opened[item.export] = None
    return opened[item.export]


def _problem(where: str, message: str) -> Problem:
    return Problem(where, 0, "MB093", Severity.WARNING, f"media file {message}", "not copied")

"""Finding the post files under content/: sorted, each read once, never outside the site."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from microblog.paths import is_within, readable_relative, site_relative
from microblog.problems import Problem, Severity
from microblog.walk import Found, Skip, Skipped, Tree, walk


@dataclass
class ContentFile:
    path: Path  # absolute, as found under content/
    relative: str  # relative to the site folder, POSIX form


def content_tree(site_dir: Path, content: Path, suffixes: Iterable[str]) -> Tree:
    """What a build reads of `content`: the files with a reader's suffix, links followed
    while they stay inside the site folder."""
    return Tree(content, inside=site_dir, suffixes=frozenset(suffixes))


def find_content_files(
    site_dir: Path, content: Path, suffixes: Iterable[str], problems: list[Problem]
) -> list[ContentFile]:
    """Post files under `content`, sorted by path; a file reached twice is read once."""
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
    if not is_within(os.path.realpath(content), os.path.realpath(site_dir)):
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
    found: list[ContentFile] = []
    for item in walk(content_tree(site_dir, content, suffixes)):
        if isinstance(item, Found):
            found.extend(_found(item, site_dir, problems))
        else:
            _skipped(item, site_dir, problems)
    return found


def _found(item: Found, site_dir: Path, problems: list[Problem]) -> list[ContentFile]:
    relative = readable_relative(item.path, site_dir)
    if item.first is not None:
        first = readable_relative(item.first, site_dir)
        _problem(problems, relative, "MB048", Severity.NOTE, f"same file as {first}", "read once")
        return []
    if relative != site_relative(item.path, site_dir):
        message, action = "file name is not valid UTF-8", "read, named with U+FFFD"
        _problem(problems, relative, "MB014", Severity.WARNING, message, action)
    return [ContentFile(item.path, relative)]


def _skipped(item: Skipped, site_dir: Path, problems: list[Problem]) -> None:
    shown = readable_relative(item.path, site_dir)
    warning = Severity.WARNING
    match item.reason:
        case Skip.UNLISTABLE:
            _problem(
                problems, shown, "MB040", warning, f"cannot list folder: {item.detail}", "skipped"
            )
        case Skip.OUTSIDE:
            message = "symbolic link leads outside the site folder"
            _problem(problems, shown, "MB045", warning, message, "not followed")
        case Skip.LOOP | Skip.TOO_DEEP:
            message = "folder loop or nesting too deep"
            _problem(problems, shown, "MB046", warning, message, "not followed")
        case Skip.BROKEN:
            _problem(problems, shown, "MB047", warning, "broken symbolic link", "skipped")
        case Skip.SAME_FOLDER if item.first is not None:
            message = f"same folder as {readable_relative(item.first, site_dir)}"
            _problem(problems, shown, "MB048", Severity.NOTE, message, "read once")
        case _:  # not a regular file (a named pipe): not a post, and never opened
            pass


def _problem(
    problems: list[Problem], path: str, code: str, severity: Severity, message: str, action: str
) -> None:
    problems.append(Problem(path, 0, code, severity, message, action))

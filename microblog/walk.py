"""The one walk over a folder of the site: which of its files count, in which order.

Content discovery, static files, the template inspection and the preview's watcher all walk
with `walk`, so the preview watches exactly what a build reads. One policy for all of them:
hidden names, OS litter and editor backups never count (a tree may keep named hidden folders,
as static/ keeps `.well-known`); a symbolic link is followed only while it stays inside the
tree's `inside` folder; a folder is walked once, however many links lead to it; nesting stops
at MAX_DEPTH. What the walk meets is yielded as values, in the order of the paths, and each
caller turns what it skips into its own problem codes.
"""

from __future__ import annotations

import enum
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from microblog.paths import is_within

MAX_DEPTH: Final = 32
_LITTER: Final = frozenset({".ds_store", "thumbs.db", "desktop.ini"})  # lower case


def counts(name: str, keep_hidden: Iterable[str] = ()) -> bool:
    """Whether a file or folder so named can be part of the site: not hidden (unless one of
    `keep_hidden`), not OS litter (`Thumbs.db`), not an editor backup (`post.md~`)."""
    if name.startswith("."):
        return name in keep_hidden
    return name.lower() not in _LITTER and not name.endswith("~")


@dataclass(frozen=True, slots=True)
class Tree:
    """A folder to walk, and what counts in it."""

    root: Path
    inside: Path  # links are followed only while they lead to this folder or below it
    keep_hidden: frozenset[str] = frozenset()  # hidden names that count (".well-known")
    every_name: bool = False  # hidden names, litter and backups count too (the build cache)
    suffixes: frozenset[str] | None = None  # only files with these suffixes (lower case)


class Skip(enum.Enum):
    """Why the walk passed something by."""

    UNLISTABLE = "cannot list folder"
    OUTSIDE = "symbolic link leads outside the site folder"
    BROKEN = "broken symbolic link"
    LOOP = "folder loop"  # a link back to a folder the walk is in
    TOO_DEEP = "folder nesting too deep"
    SAME_FOLDER = "same folder as"  # a folder already walked, reached again through a link
    NOT_REGULAR = "not a regular file"  # a named pipe, a socket, a device


@dataclass(frozen=True, slots=True)
class Found:
    """A regular file that counts. `first` is set when the same real file was found before,
    under another name (a link): the caller decides whether a second name counts."""

    path: Path
    relative: str  # below the tree's root, POSIX form
    first: Path | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    path: Path
    relative: str  # "" for the root itself
    reason: Skip
    detail: str = ""  # why a folder cannot be listed
    first: Path | None = None  # SAME_FOLDER: where that folder was walked


def walk(tree: Tree, exclude: Iterable[Path] = ()) -> Iterator[Found | Skipped]:
    """Every file of `tree` that counts and everything passed by, sorted by path; nothing
    under `exclude` (the output folder). A missing root yields nothing."""
    root = tree.root
    if root.is_symlink() and not root.exists():
        yield Skipped(root, "", Skip.BROKEN)
        return
    if not root.is_dir():
        return
    walker = _Walker(tree, os.path.realpath(tree.inside), {os.path.realpath(p) for p in exclude})
    real = os.path.realpath(root)
    if not is_within(real, walker.inside_real):
        yield Skipped(root, "", Skip.OUTSIDE)
    elif real not in walker.excluded:
        yield from walker.folder(root, "", real, frozenset({real}))


@dataclass
class _Walker:
    tree: Tree
    inside_real: str
    excluded: set[str]
    folders: dict[str, Path] = field(default_factory=dict)  # real path -> first path walked
    files: dict[str, Path] = field(default_factory=dict)

    def folder(
        self, path: Path, relative: str, real: str, ancestors: frozenset[str]
    ) -> Iterator[Found | Skipped]:
        self.folders[real] = path
        try:
            with os.scandir(path) as listing:
                keep, every = self.tree.keep_hidden, self.tree.every_name
                entries = [e for e in listing if every or counts(e.name, keep)]
        except OSError as exc:
            yield Skipped(path, relative, Skip.UNLISTABLE, exc.strerror or str(exc))
            return
        # A folder sorts as "name/": then the walk's order is the order of the whole paths.
        for key, entry in sorted((_sort_key(entry), entry) for entry in entries):
            below = f"{relative}/{entry.name}" if relative else entry.name
            yield from self.entry(entry, below, real, ancestors, is_dir=key.endswith("/"))

    def entry(
        self,
        entry: os.DirEntry[str],
        relative: str,
        parent_real: str,
        ancestors: frozenset[str],
        *,
        is_dir: bool,
    ) -> Iterator[Found | Skipped]:
        path = Path(entry.path)
        link = entry.is_symlink()
        # a string join: a second Path for each entry costs a third of walking a large tree
        real = os.path.realpath(path) if link else os.path.join(parent_real, entry.name)  # noqa: PTH118
        if link and not is_within(real, self.inside_real):
            yield Skipped(path, relative, Skip.OUTSIDE)
        elif is_dir:
            yield from self.subfolder(path, relative, real, ancestors)
        else:
            try:  # is_file() follows links and needs no stat(); stat() raises for a broken link
                regular = entry.is_file() or stat.S_ISREG(entry.stat().st_mode)
            except OSError:  # a broken link (or a file removed meanwhile: nothing to say)
                if link:
                    yield Skipped(path, relative, Skip.BROKEN)
                return
            if not regular:
                yield Skipped(path, relative, Skip.NOT_REGULAR)
            elif self.tree.suffixes is None or path.suffix.lower() in self.tree.suffixes:
                first = self.files.setdefault(real, path)
                yield Found(path, relative, None if first == path else first)

    def subfolder(
        self, path: Path, relative: str, real: str, ancestors: frozenset[str]
    ) -> Iterator[Found | Skipped]:
        if real in self.excluded:
            return
        if real in ancestors:
            yield Skipped(path, relative, Skip.LOOP)
        elif real in self.folders:
            yield Skipped(path, relative, Skip.SAME_FOLDER, first=self.folders[real])
        elif len(ancestors) > MAX_DEPTH:
            yield Skipped(path, relative, Skip.TOO_DEEP)
        else:
            yield from self.folder(path, relative, real, ancestors | {real})


def _sort_key(entry: os.DirEntry[str]) -> str:
    try:
        is_dir = entry.is_dir()  # follows links
    except OSError:
        is_dir = False
    return entry.name + "/" if is_dir else entry.name

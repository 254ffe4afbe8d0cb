"""Bringing the last build's output folder up to date in place.

Used only when the output folder is exactly as the last build left it (the build cache's
digest of it matches). Files whose bytes change are written into the temporary folder beside
the output; nothing in the output is touched until every page rendered. `commit()` then
moves each new file into place and removes the files this build no longer makes, keeping
every replaced or removed file in the temporary folder until the end, so that a failure
halfway puts the output back as it was. Files that did not change are never written: their
modification times stay, and a deploy uploads only what changed. Unlike the swap of a whole
folder, the moves are many: a build killed outright (SIGKILL, a power cut) while moving them
leaves old and new files mixed; the next build then finds the output changed and writes it
whole.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path
from typing import BinaryIO

from microblog.output import MARKER, DirectorySink, _same_bytes, _signals_deferred, check_relative


class UpdateSink(DirectorySink):
    """A sink over an output folder the last build made, holding `previous` (its files)."""

    def __init__(self, output: Path, previous: set[str]) -> None:
        super().__init__(output)
        self.previous = previous
        self.made: set[str] = set()  # every path this build makes, written or kept

    def write(self, path: str, data: bytes) -> None:
        self.copy(path, io.BytesIO(data))

    def copy(self, path: str, source: BinaryIO) -> None:
        parts = check_relative(path).parts
        key = "/".join(parts)
        self.made.add(key)
        current = self.output.joinpath(*parts)
        size = source.seek(0, os.SEEK_END)
        if key in self.previous and _unchanged(current, size, source):
            return
        target = self.root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        source.seek(0)
        try:
            with target.open("xb") as writer:
                shutil.copyfileobj(source, writer)
        except OSError:
            target.unlink(missing_ok=True)
            raise

    def read(self, path: str) -> bytes:
        """The bytes of `path` as this build leaves it: written now, or kept."""
        parts = check_relative(path).parts
        staged = self.root.joinpath(*parts)
        return (staged if staged.is_file() else self.output.joinpath(*parts)).read_bytes()

    def keep(self, path: str) -> bool:
        """Keep the last build's file at `path` as it is (False: it has none)."""
        key = "/".join(check_relative(path).parts)
        if key not in self.previous:
            return False
        self.made.add(key)
        return True

    def commit(self, pages: list[str] | None = None) -> None:
        """Move the new files into the output and remove those no longer made (`pages`: the
        paths that workers wrote, which this process did not see)."""
        made = self.made | {"/".join(check_relative(p).parts) for p in pages or ()}
        made.add(MARKER)
        staged = sorted(_files_under(self.root))
        gone = sorted(self.previous - made)
        backup = self.temp / "old"
        done: list[tuple[Path, Path | None]] = []  # (output file, its backup or None)
        made_folders: list[Path] = []
        with _signals_deferred():
            try:
                for relative in gone:
                    current = self.output / relative
                    moved = backup / relative
                    moved.parent.mkdir(parents=True, exist_ok=True)
                    current.replace(moved)
                    done.append((current, moved))
                    _remove_empty_parents(current.parent, self.output)
                for relative in staged:
                    current = self.output / relative
                    saved = _back_up(current, backup / relative)
                    done.append((current, saved))
                    made_folders += _make_parents(current.parent, self.output)
                    (self.root / relative).replace(current)
            except BaseException:
                _roll_back(done, made_folders)
                raise
        self.discard()


def _back_up(current: Path, saved: Path) -> Path | None:
    """Keep the file about to be replaced at `saved` (None: there is none): a hard link, so
    that the output never lacks it; moved there where links cannot be made."""
    if not (current.exists() or current.is_symlink()):
        return None
    saved.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(current, saved, follow_symlinks=False)
    except OSError:  # no hard links here (FAT, exFAT, some network and FUSE file systems)
        current.replace(saved)
    return saved


def _make_parents(folder: Path, top: Path) -> list[Path]:
    """Make `folder` and its missing parents below `top`; those made, deepest last."""
    missing = []
    while folder != top and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir()
    return list(reversed(missing))


def _roll_back(done: list[tuple[Path, Path | None]], made_folders: list[Path]) -> None:
    """Put every replaced or removed file back, and remove the folders the commit made (as
    much of it as can be: the next build finds any difference and writes the output whole)."""
    for current, saved in reversed(done):
        with contextlib.suppress(OSError):
            if saved is None:
                current.unlink(missing_ok=True)
            else:
                current.parent.mkdir(parents=True, exist_ok=True)
                saved.replace(current)
    for folder in reversed(made_folders):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _unchanged(current: Path, size: int, source: BinaryIO) -> bool:
    try:
        return current.stat().st_size == size and _same_bytes(current, source)
    except OSError:
        return False


def _files_under(root: Path) -> list[str]:
    found: list[str] = []
    for folder, _dirs, files in os.walk(root):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.extend(prefix + name for name in files)
    return found


def _remove_empty_parents(folder: Path, top: Path) -> None:
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent

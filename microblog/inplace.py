"""Bringing the last build's output folder up to date in place.

Used only when the output folder is exactly as the last build left it (the build cache's
digest of it matches). Files whose bytes change are written into the temporary folder beside
the output; nothing in the output is touched until every page rendered. `commit()` then
moves each new file into place and removes the files this build no longer makes, keeping
every replaced or removed file in the temporary folder until the end, so that a failure
halfway puts the output back as it was. Files that did not change are never written: their
modification times stay, and a deploy uploads only what changed.
"""

from __future__ import annotations

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
                    saved: Path | None = None
                    if current.exists() or current.is_symlink():
                        saved = backup / relative
                        saved.parent.mkdir(parents=True, exist_ok=True)
                        os.link(current, saved, follow_symlinks=False)
                    current.parent.mkdir(parents=True, exist_ok=True)
                    (self.root / relative).replace(current)
                    done.append((current, saved))
            except BaseException:
                for current, saved in reversed(done):
                    if saved is None:
                        current.unlink(missing_ok=True)
                    else:
                        current.parent.mkdir(parents=True, exist_ok=True)
                        saved.replace(current)
                raise
        self.discard()


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

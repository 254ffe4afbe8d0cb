"""Paths: the one test of whether a real path stays inside a folder, and paths as shown."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO


def is_within(real: str, root_real: str) -> bool:
    """Whether the resolved path `real` is `root_real` or below it (both already resolved)."""
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def stays_inside(path: str | Path, root: str | Path) -> bool:
    """Whether `path`, links followed, is inside `root` (links followed too)."""
    return is_within(os.path.realpath(path), os.path.realpath(root))


class NotInsideError(OSError):
    """A file that cannot be read as part of the site: outside it, or not a regular file."""


def open_inside(path: str | Path, root_real: str) -> BinaryIO:
    """Open a regular file for reading, proven to lie inside `root_real` once it is open.

    The check is made on the open file, not only on the path before opening: a link swapped
    between the check and the open cannot bring a file from outside the site into the output.
    Opening never blocks, so a named pipe is refused rather than waited on.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise NotInsideError(f"not a regular file: {path}")
        real = os.path.realpath(path)
        if not is_within(real, root_real):
            raise NotInsideError(f"leads outside the site folder: {path}")
        named = Path(real).stat()
        if (named.st_dev, named.st_ino) != (opened.st_dev, opened.st_ino):
            raise NotInsideError(f"changed while being opened: {path}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    # Outside the try: once fdopen has the descriptor it closes it itself, even when a signal
    # (SIGTERM's SystemExit) lands inside it; closing it again would hide that exception.
    return os.fdopen(fd, "rb")


def display_path(path: str | Path) -> str:
    """A path as the user would type it: relative when below the working folder."""
    text = str(path)
    if not Path(text).is_absolute():
        return text
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if relative.startswith("..") else relative


def site_relative(path: str | Path, site_dir: Path) -> str:
    """A path below the site folder in POSIX form (problem locations), else as given."""
    text, root = str(path), str(site_dir)
    if text.startswith(root) and text[len(root) : len(root) + 1] == os.sep and ".." not in text:
        return text[len(root) + 1 :].replace(os.sep, "/")  # the common case, without pathlib
    candidate = Path(path)
    if candidate.is_relative_to(site_dir):
        return candidate.relative_to(site_dir).as_posix()
    return Path(os.path.relpath(candidate, site_dir)).as_posix()


# Python keeps the bytes of a file name that are not UTF-8 as lone surrogates ("\udcff"),
# which no UTF-8 output (JSON, HTML, a terminal) can hold.
_UNDECODED = re.compile("[\ud800-\udfff]")


def readable_relative(path: str | Path, site_dir: Path) -> str:
    """`site_relative`, each byte of a name that is not UTF-8 shown as U+FFFD: for problems."""
    return _UNDECODED.sub("\ufffd", site_relative(path, site_dir))

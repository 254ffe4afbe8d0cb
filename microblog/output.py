"""Sinks for the built site: a folder swapped in whole, or memory (tests, preview).

The directory sink writes into a temporary folder beside the output and swaps it in only
when every file is written, so a failed build leaves the previous site as it was. It refuses
paths that would leave the output folder and output folders that would destroy the site.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import shutil
import signal
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from microblog.config import SiteConfig
from microblog.outpaths import path_problem
from microblog.paths import display_path, is_within

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

# Every build leaves this file in its output: a non-empty folder without it was not made by a
# build, and is never replaced (a folder that merely looks like a site may hold someone's work).
MARKER = ".microblog-output"
MARKER_TEXT = b"This folder is written by microblog; each build replaces all of it.\n"
# The temporary folder names the build that made it, so that a later build can remove it when
# that build was killed (SIGKILL, a power cut) before it could clean up after itself.
OWNER = "owner"


class OutputError(Exception):
    """The output folder cannot be used (exit 2) or written (exit 1)."""


class OutputFolderError(OutputError):
    """The output folder is refused; the message names where it was set (exit 2)."""


class Sink(Protocol):
    def write(self, path: str, data: bytes) -> None: ...

    def copy(self, path: str, source: BinaryIO) -> None: ...


def check_relative(path: str) -> PurePosixPath:
    """`path` as a PurePosixPath once the output path rule (microblog.outpaths) allows it."""
    problem = path_problem(path)
    if problem is not None:
        raise OutputError(f"refusing output path {path!r}: {problem}")
    return PurePosixPath(path)


class MemorySink:
    """Keeps every file in a dict: for tests and for the preview server."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def write(self, path: str, data: bytes) -> None:
        self.files[str(check_relative(path))] = data

    def copy(self, path: str, source: BinaryIO) -> None:
        self.write(path, source.read())


def check_output_folder(config: SiteConfig, output: Path) -> None:
    """Refuse an output folder that is, or holds, the site or its sources (or `/`), or that
    lies inside a source folder; the message names where the folder was set."""
    try:
        _check_output_folder(config, output)
    except OutputError as exc:
        where = config.origin("output_dir")
        if where.startswith("-"):  # --output
            raise OutputFolderError(f"{where}: error MB008 {exc}") from None
        key = "key 'output_dir'"
        if where == "default":
            where, key = display_path(config.config_path), "key 'output_dir' (default '_site')"
        raise OutputFolderError(f"{where}: error MB008 {key}: {exc}") from None


def _check_output_folder(config: SiteConfig, output: Path) -> None:
    out = Path(os.path.realpath(output))
    protected = {
        "the site folder": config.site_dir,
        "the content folder": config.content_dir,
        "the templates folder": config.templates_dir,
        "the static folder": config.static_dir,
        "your home folder": Path.home(),
    }
    if out == Path(out.anchor):
        raise OutputError(f"refusing output folder {output}: it is the file system root")
    for name, folder in protected.items():
        real = Path(os.path.realpath(folder))
        if out == real or real.is_relative_to(out):
            raise OutputError(f"refusing output folder {output}: it is or contains {name}")
    for name in ("content", "templates", "static"):  # each build would read the last one
        source = Path(os.path.realpath(getattr(config, f"{name}_dir")))
        if out.is_relative_to(source):
            raise OutputError(f"refusing output folder {output}: it is inside the {name} folder")
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputError(f"refusing output folder {output}: it is not a plain folder")
    made_by_us = (output / MARKER).is_file()
    if output.is_dir() and not made_by_us and any(output.iterdir()):
        raise OutputError(
            f"refusing to replace {output}: it is not empty and was not made by microblog"
            " (remove it or choose another --output)"
        )


class DirectorySink:
    """Write into `.NAME.microblog-tmp-*` beside the output; `commit()` swaps it in."""

    def __init__(self, output: Path) -> None:
        self.output = Path(os.path.abspath(output))
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self._output_real = os.path.realpath(self.output)  # once: it is checked for each file
        prefix = f".{self.output.name}.microblog-tmp-"
        _remove_abandoned(self.output.parent, prefix)
        temp = None
        self._lock: BinaryIO | None = None
        try:
            with _signals_deferred():  # a Ctrl-C or SIGTERM here must not orphan the folder
                temp = Path(tempfile.mkdtemp(prefix=prefix, dir=self.output.parent))
                self._lock = _claim(temp)
                (temp / "new").mkdir()
        except BaseException:
            if temp is not None:
                shutil.rmtree(temp, ignore_errors=True)
            if self._lock is not None:
                self._lock.close()
            raise
        self.temp = temp
        self.root = temp / "new"

    def write(self, path: str, data: bytes) -> None:
        self.copy(path, io.BytesIO(data))

    def copy(self, path: str, source: BinaryIO) -> None:
        """Write what `source` holds, a chunk at a time: a 700 MB video is never held whole.

        The previous build's file is hard-linked instead when it holds the same bytes.
        """
        parts = check_relative(path).parts
        target = self.root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self._link_unchanged(self.output.joinpath(*parts), target, source):
            return
        source.seek(0)
        try:
            with target.open("xb") as writer:  # never through a link, never twice
                shutil.copyfileobj(source, writer)
        except OSError:
            target.unlink(missing_ok=True)  # no partial file from a source that broke halfway
            raise

    def read(self, path: str) -> bytes:
        """The bytes this build wrote at `path` (search.py indexes the pages it wrote)."""
        return self.root.joinpath(*check_relative(path).parts).read_bytes()

    def _link_unchanged(self, previous: Path, target: Path, source: BinaryIO) -> bool:
        """Hard-link the previous build's identical file instead of writing it again.

        Removing the old tree then frees no data blocks for files that did not change, which is
        most of them on a rebuild; on file systems mounted with `discard`, freeing blocks is
        what makes deleting a large tree slow (see benchmarks/build.py --rebuild).
        """
        try:
            size = source.seek(0, os.SEEK_END)
            inside = is_within(os.path.realpath(previous), self._output_real)
            if not inside or previous.stat().st_size != size:
                return False  # only the previous build's own regular files are reused
            if not _same_bytes(previous, source):
                return False
            os.link(previous, target)
        except OSError:
            return False
        return True

    def commit(self) -> None:
        """Swap the new tree in, then remove the old one and the temporary folder.

        If the second rename fails, the old tree is put back before anything is removed.
        """
        (self.root / MARKER).write_bytes(MARKER_TEXT)
        old = self.temp / "old"
        with _signals_deferred():  # never stopped between the two renames
            had_output = self.output.exists()
            if had_output:
                self.output.rename(old)
            try:
                self.root.rename(self.output)
            except OSError:
                if had_output:
                    old.rename(self.output)
                raise
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (where signals can be held: POSIX)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _claim(temp: Path) -> BinaryIO | None:
    """Lock an owner file in `temp` for as long as this build runs, and name the process.

    The lock, not the process id, says whether the build is alive: it is released however the
    process ends, and it holds across containers that share a host name or reuse an id. The
    file is locked before it gets its name, so no other build sees it unlocked.
    """
    if fcntl is None:  # no locks (Windows): abandoned folders are left for the user
        return None
    handle = (temp / (OWNER + ".new")).open("xb")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write(f"{socket.gethostname()} {os.getpid()}\n".encode())
        handle.flush()
        (temp / (OWNER + ".new")).rename(temp / OWNER)
    except BaseException:
        handle.close()
        raise
    return handle


def _remove_abandoned(folder: Path, prefix: str) -> None:
    """Remove temporary folders of earlier builds that ended without removing them (killed,
    or the machine stopped): those whose owner file no build holds locked any more."""
    if fcntl is None:
        return
    for candidate in folder.glob(glob.escape(prefix) + "*"):
        owner = candidate / OWNER
        if candidate.is_symlink() or owner.is_symlink() or not owner.is_file():
            continue  # not a build's folder, or one that never got going: left alone
        try:
            with owner.open("rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(candidate, ignore_errors=True)  # still holding the lock
        except OSError:
            continue  # locked: a build running now, in another process


def _same_bytes(path: Path, source: BinaryIO, chunk: int = 1 << 18) -> bool:
    """Whether the file at `path` holds what `source` holds, compared a chunk at a time.

    Not filecmp.cmp: its cache trusts size and mtime, and a hard-linked previous output keeps
    both while a static file may change and keep them too (`cp -p`, `rsync -a`).
    """
    source.seek(0)
    with path.open("rb") as handle:
        while True:
            ours, theirs = handle.read(chunk), source.read(chunk)
            if ours != theirs:
                return False
            if not ours:
                return True

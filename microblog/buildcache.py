"""The last build, remembered in `.microblog-cache/`: a build whose inputs and output are as
the last build left them does nothing.

Before a build, every input it reads is fingerprinted: the site's content, templates and
static folders walked as the build walks them (each file's bytes hashed, or the hash of the
last build taken again while the file's size, times and inode are unchanged; a file over 8 MB
by its size, time and inode), site.yaml, the settings with their command-line overrides, the
output folder, `SOURCE_DATE_EPOCH`, the git commit when dates come from git, and the code
and default templates of microblog and of the libraries that shape the output. After a
successful build the fingerprint is kept with a digest of the output folder (each file's
name, size, time and inode) and what the build reported. The next build with the same
fingerprint, over an output folder with that digest, re-renders nothing and writes nothing:
it reports what the last one did. Any other build reuses what it can: the records of post
files parsed before (recordcache.py) and, over an output folder with the last digest, the
pages and feeds whose keys did not change (pagecache.py, kept with the state).

The state file is JSON, written whole and renamed into place (two builds at once leave one
or the other); one that cannot be read, or of another format, is discarded with a warning
(MB100) and never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import microblog
from microblog.config import SiteConfig
from microblog.git import rev_parse
from microblog.lockfile import LOCK_NAME, lock_path
from microblog.paths import open_inside
from microblog.problems import Problem, Severity
from microblog.walk import Found, Tree, walk

try:
    import fcntl
except ImportError:  # Windows: builds of one site do not wait for each other
    fcntl = None  # type: ignore[assignment]

CACHE_FOLDER: Final = ".microblog-cache"
STATE_FILE: Final = "last-build.json"
FORMAT: Final = "microblog-last-build-3"
LOCK_FILE: Final = "lock"
HASHED_BYTES: Final = 8 * 1024 * 1024  # a larger file is known by its size, time and inode
_LIBRARIES: Final = (
    "jinja2", "markdown", "nh3", "feedgen", "lxml", "PyYAML", "ftfy", "MarkupSafe", "tzdata",
    "pagefind_bin",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What a build reported, for a later one over unchanged inputs to report again."""

    problems: tuple[Problem, ...]
    summary: str  # the summary's lines; the last one ends where the build's time would go


@dataclass(frozen=True, slots=True)
class TrustedOutput:
    """The output folder as the last build left it: its files, and that build's page keys."""

    files: set[str]
    pages: dict[str, Any]


@dataclass
class BuildCache:
    """The build cache of one site, for one build: `fingerprint` is taken on creation (unless
    the build only wants its parts: the preview), `clean` when the cache must not be used."""

    config: SiteConfig
    fingerprint: str = ""
    problems: list[Problem] = field(default_factory=list)  # MB100: a state discarded
    hashes: dict[str, list[str]] = field(default_factory=dict)  # see FileHashes
    state: dict[str, Any] | None = None  # the last build's, when it could be read
    digests: dict[str, str] = field(default_factory=dict)  # a content file's path: sha256
    code: str = ""  # microblog's code and the libraries that shape the output
    clean: bool = False

    @classmethod
    def for_build(
        cls,
        config: SiteConfig,
        source_date_epoch: int | None,
        *,
        clean: bool = False,
        fingerprint: bool = True,
    ) -> BuildCache:
        cache = cls(config, clean=clean)
        cache.state = cache._read_state()
        known = FileHashes(cache.state["hashes"] if cache.state else {})
        cache.code = code_key()
        if fingerprint:
            cache.fingerprint = input_fingerprint(config, source_date_epoch, known, cache.code)
        cache.hashes, cache.digests = known.now, known.by_path
        return cache

    @property
    def folder(self) -> Path:
        return self.config.site_dir / CACHE_FOLDER

    @property
    def state_path(self) -> Path:
        return self.folder / STATE_FILE

    def unchanged(self) -> LastBuild | None:
        """What the last build reported, when its inputs and its output are as it left them."""
        state = self.state
        if self.clean or state is None or state["fingerprint"] != self.fingerprint:
            return None
        if not self.fingerprint:  # a build that took none (the preview's) never skips
            return None
        if state["output"] != os.path.realpath(self.config.output_dir):
            return None
        if state["tree"] != output_digest(self.config.output_dir):
            return None
        return LastBuild(tuple(state["problems"]), state["summary"])

    def trusted_output(self) -> TrustedOutput | None:
        """The output's files and the last build's page keys, when the output folder is as
        that build left it (then its unchanged pages may stay as they are)."""
        state = self.state
        if self.clean or state is None:
            return None
        if state["output"] != os.path.realpath(self.config.output_dir):
            return None
        files: set[str] = set()
        if state["tree"] != output_digest(self.config.output_dir, files):
            return None
        return TrustedOutput(files, state["pages"])

    def remember(
        self, problems: tuple[Problem, ...], summary: str, pages: dict[str, Any] | None = None
    ) -> None:
        """Keep this build's fingerprint, output digest, report and page keys (after a
        successful build whose inputs were fingerprinted before it read them)."""
        state = {
            "format": FORMAT,
            "fingerprint": self.fingerprint,
            "output": os.path.realpath(self.config.output_dir),
            "tree": output_digest(self.config.output_dir),
            "problems": [_problem_fields(problem) for problem in problems],
            "summary": summary,
            "hashes": self.hashes,
            "pages": pages or {},
        }
        folder = self.state_path.parent
        # a cache that cannot be written only costs time; ValueError: a name JSON cannot hold
        with contextlib.suppress(OSError, ValueError):
            if folder.is_symlink():
                return  # it would lead out of the site folder
            folder.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".last-build-", dir=folder)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:  # dumps: C, dump is not
                    out.write(json.dumps(state, sort_keys=True))  # ASCII: names not UTF-8 too
                Path(temporary).replace(self.state_path)
            finally:
                Path(temporary).unlink(missing_ok=True)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Held from before a build reads its inputs until its state is kept: two builds of
        one site at once take turns (where the cache folder can be made and locked)."""
        handle = None
        with contextlib.suppress(OSError):
            if not self.folder.is_symlink() and fcntl is not None:
                self.folder.mkdir(exist_ok=True)
                lock = self.folder / LOCK_FILE
                if not lock.is_symlink():
                    handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
                    fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if handle is not None:
                os.close(handle)

    def _read_state(self) -> dict[str, Any] | None:
        path = self.state_path
        try:
            if path.parent.is_symlink() or path.is_symlink() or not path.is_file():
                return None  # none yet, or one that would lead out of the site folder
            state = json.loads(path.read_bytes())
            if not isinstance(state, dict) or state.get("format") != FORMAT:
                raise ValueError(f"not of format {FORMAT}")
            for key in ("fingerprint", "output", "tree", "summary"):
                if not isinstance(state.get(key), str):
                    raise ValueError(f"no {key!r}")
            state["problems"] = [_problem_of(fields) for fields in state.get("problems", ())]
            if not isinstance(state.setdefault("pages", {}), dict):
                raise ValueError("the page keys are not a mapping")
            hashes = state.setdefault("hashes", {})
            if not isinstance(hashes, dict) or not all(
                isinstance(value, list)
                and len(value) == 2
                and all(isinstance(v, str) for v in value)
                for value in hashes.values()
            ):
                raise ValueError("the file hashes are not pairs of text")
        except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:
            shown = f"{CACHE_FOLDER}/{STATE_FILE}"
            message = f"build cache cannot be read ({_short(exc)})"
            self.problems.append(
                Problem(shown, 0, "MB100", Severity.WARNING, message, "discarded; a full build")
            )
            return None
        return state


class FileHashes:
    """The content hash of each file read, known again without reading it while the file's
    size, times, inode and device are those it had when it was hashed (as git's index knows
    a file unchanged). A file changed less than two seconds before it was hashed is hashed
    again next time: a change within the file system's time resolution would not show."""

    def __init__(self, known: dict[str, list[str]]) -> None:
        self.known = known
        self.now: dict[str, list[str]] = {}
        self.by_path: dict[str, str] = {}  # every file's hash, by its path as walked
        self.settled = time.time_ns() - 2_000_000_000

    def of(self, key: str, path: Path, status: os.stat_result) -> str:
        signature = (
            f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"
            f":{status.st_ino}:{status.st_dev}"
        )
        known = self.known.get(key)
        if known is not None and known[0] == signature:
            digest = known[1]
        else:
            with path.open("rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        if max(status.st_mtime_ns, status.st_ctime_ns) < self.settled:
            self.now[key] = [signature, digest]
        self.by_path[str(path)] = digest
        return digest


def code_key() -> str:
    """A digest of microblog's code and default templates, Python's version and those of the
    libraries that shape the output."""
    digest = hashlib.sha256()
    add = _adder(digest)
    add(FORMAT, microblog.__version__, sys.version)
    for library in _LIBRARIES:
        try:
            add(library, metadata.version(library))
        except metadata.PackageNotFoundError:
            add(library, "-")
    package = Path(microblog.__file__).parent
    _add_tree(add, "package", Tree(package, inside=package), [package / "__pycache__"], None)
    return digest.hexdigest()


def zone_key(name: str) -> str:
    """A digest of the time zone data Python reads for zone `name` (the system's, when it
    has them, else the tzdata package's): dates in pages and records depend on it."""
    for folder in zoneinfo.TZPATH:
        candidate = Path(folder) / name
        with contextlib.suppress(OSError, ValueError):
            if candidate.is_file():
                return hashlib.sha256(candidate.read_bytes()).hexdigest()
    return "tzdata"  # the package's, whose version is in the code key


def _adder(digest: Any) -> Callable[..., None]:
    def add(*parts: object) -> None:
        for part in parts:
            text = str(part).encode("utf-8", "surrogatepass")
            digest.update(len(text).to_bytes(8, "big") + text)

    return add


def input_fingerprint(
    config: SiteConfig, source_date_epoch: int | None, hashes: FileHashes, code: str
) -> str:
    """A digest of everything a build of `config` reads (`hashes`: the files' hashes known;
    `code`: the code_key)."""
    digest = hashlib.sha256()
    add = _adder(digest)
    add(FORMAT, code, source_date_epoch)
    add(config.fingerprint(), os.path.realpath(config.output_dir), zone_key(config.timezone))
    with contextlib.suppress(OSError):
        add("site.yaml", hashlib.sha256(config.config_path.read_bytes()).hexdigest())
    site_real = os.path.realpath(config.site_dir)  # urls.lock, read as the build reads it
    with contextlib.suppress(OSError), open_inside(lock_path(config), site_real) as lock:
        add(LOCK_NAME, hashlib.sha256(lock.read()).hexdigest())
    site = config.site_dir
    for name, tree in (
        ("content", Tree(config.content_dir, inside=site)),
        ("templates", Tree(config.templates_dir, inside=site)),
        ("static", Tree(config.static_dir, inside=site, keep_hidden=frozenset({".well-known"}))),
    ):
        _add_tree(add, name, tree, [config.output_dir, site / CACHE_FOLDER], hashes)
    if config.dates_from_git:  # the commits of the site's repository, and of content/'s own
        for folder in (site, config.content_dir):
            add("git", rev_parse(folder, "HEAD", "--is-shallow-repository"))
    return digest.hexdigest()


def _add_tree(
    add: Callable[..., None], name: str, tree: Tree, exclude: list[Path], hashes: FileHashes | None
) -> None:
    """Each file of `tree` by its bytes' hash (by its size, time and inode when `hashes` is
    None, or the file is larger than HASHED_BYTES), and what the walk passed by."""
    add(name)
    every = Tree(tree.root, tree.inside, every_name=True)  # a post names any file as media
    for entry in walk(every, exclude=exclude):  # compared as real paths: links lead nowhere else
        if not isinstance(entry, Found):
            add("skipped", entry.relative, entry.reason.value, entry.detail)
            continue
        try:
            status = entry.path.stat()
            if hashes is not None and status.st_size <= HASHED_BYTES:
                add(entry.relative, hashes.of(f"{name}/{entry.relative}", entry.path, status))
            else:
                add(entry.relative, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
                add(status.st_ino, status.st_dev)
        except OSError as exc:
            add(entry.relative, "unreadable", exc.errno)


def output_digest(output: Path, files: set[str] | None = None) -> str:
    """Each file and folder of the output, by name, size, times (the change time, which no
    tool can set back), inode and device: what a person or a tool changing the output folder
    changes. `files` gets each file's path."""
    if output.is_symlink() or not output.is_dir():
        return ""
    lines: list[str] = []
    pending = [("", str(output))]
    while pending:
        relative, folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            lines.append(f"{relative}\0unlistable\0{exc.errno}")
            continue
        for entry in entries:
            name = f"{relative}/{entry.name}" if relative else entry.name
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            size, mtime, ctime = status.st_size, status.st_mtime_ns, status.st_ctime_ns
            where = f"{status.st_ino}:{status.st_dev}"
            lines.append(f"{name}\0{status.st_mode}\0{size}\0{mtime}\0{ctime}\0{where}")
            if entry.is_dir(follow_symlinks=False):
                pending.append((name, entry.path))
            elif files is not None:
                files.add(name)
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def _problem_fields(problem: Problem) -> list[object]:
    return [
        problem.path,
        problem.line,
        problem.code,
        problem.severity.value,
        problem.message,
        problem.action,
    ]


def _problem_of(fields: object) -> Problem:
    if not isinstance(fields, list) or len(fields) != 6:
        raise ValueError("a problem is not six fields")
    path, line, code, severity, message, action = fields
    if not all(isinstance(value, str) for value in (path, code, message, action)):
        raise ValueError("a problem field is not text")
    if not isinstance(line, int):
        raise ValueError("a problem's line is not a number")
    return Problem(path, line, code, Severity(severity), message, action)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:120] or type(exc).__name__

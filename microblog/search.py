"""Search with no server: a Pagefind index of the post pages, written with the rest of the site.

Only post pages are indexed: drafts, redirects and removed posts' pages never are post pages,
and list, tag and archive pages would only repeat the posts. Pagefind (the `pagefind_bin`
wheel's command) reads a copy of the post pages the build wrote, in a
scratch folder inside the build's temporary folder; what it writes is read back and written
through the sink, so the index lands with the pages it indexes, or not at all. Every post goes
into one index in the site's language (a search page searches only its own language's index).

Pagefind writes its filter index (the tags) in an order that changes from run to run, so
`canonical.py` sorts it and renames the three files that name it: the same pages give the
same bytes. An update in place keeps the last build's index when no indexed page changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, Final

from microblog.config import SiteConfig
from microblog.inplace import UpdateSink
from microblog.output import DirectorySink, MemorySink, Sink, check_relative
from microblog.pagecache import PageKeys
from microblog.pages import POST_TEMPLATE, Page
from microblog.problems import Problem, Severity
from microblog.render import RenderError
from microblog.search_canonical import canonical_bundle
from microblog.urls import Urls

FORMAT: Final = "microblog-search-1"
# The parts of Pagefind's bundle the search page does not load (search.js uses pagefind.js).
UNUSED: Final = frozenset(
    {
        "pagefind-ui.js",
        "pagefind-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-highlight.js",
    }
)
ENTRY: Final = Urls.SEARCH_BUNDLE + "pagefind-entry.json"  # the index's key is kept under it
NOTHING_TO_INDEX: Final = "Pagefind was not able to build an index"  # its words for no words
TIMEOUT: Final = 1800  # seconds; Pagefind indexes 10,000 posts in about 15


def indexed_pages(pages: Sequence[Page]) -> list[str]:
    """The output paths of the pages search finds: each post's own page."""
    return [page.path for page in pages if page.template == POST_TEMPLATE]


def write_search_index(
    config: SiteConfig, pages: Sequence[Page], sink: Sink, keys: PageKeys | None
) -> list[str]:
    """Index the post pages `sink` holds and write the bundle (`pagefind/`) through it; the
    paths written or kept. Raises RenderError (MB073) when Pagefind fails."""
    paths = indexed_pages(pages)
    read = _reader(sink)
    html = {path: read(path) for path in paths}
    key = _index_key(config, html)
    if keys is not None and isinstance(sink, UpdateSink) and keys.fresh(ENTRY, key):
        kept = sorted(p for p in sink.previous if p.startswith(Urls.SEARCH_BUNDLE))
        if ENTRY not in kept or not all(sink.keep(path) for path in kept):
            raise RuntimeError(f"{ENTRY}: kept but not in the output")  # a bug
        return kept
    with _scratch(sink) as scratch:
        try:
            bundle = run_pagefind(scratch, html, _language(config))
        except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:  # missing, failed, hung
            raise RenderError(_problem(exc)) from exc
    written = []
    for name, data in sorted(canonical_bundle(bundle).items()):
        path = Urls.SEARCH_BUNDLE + name
        sink.write(path, data)
        written.append(path)
    if keys is not None and written:  # no posts, no index
        keys.made(ENTRY, key)
    return written


def run_pagefind(scratch: Path, html: dict[str, bytes], language: str) -> dict[str, bytes]:
    """Pagefind's bundle for the pages `html` ({output path: bytes}): {path in it: bytes};
    empty without pages or without a word in them (Pagefind makes no index of nothing).

    The pages are written under `scratch`, which must be empty, and Pagefind's command runs
    over them there, in that folder (it reads a pagefind.yml of its working folder), with no
    PAGEFIND_ variables (it reads those too). Not its Python API: that one stops Pagefind's
    process as soon as it answers that the files are written, which may cut one short."""
    if not html:
        return {}
    site, out = scratch / "site", scratch / "bundle"
    for path, data in html.items():
        target = site.joinpath(*check_relative(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    binary = os.environ.get("PAGEFIND_BINARY_PATH") or str(get_executable())  # as pagefind's
    command = [binary, "--site", "site", "--output-path", "bundle"]
    command += ["--force-language", language, "--silent"]
    env = {name: value for name, value in os.environ.items() if not name.startswith("PAGEFIND")}
    done = subprocess.run(
        command,
        cwd=scratch,
        env=env,
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )
    said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
    if done.returncode != 0 and NOTHING_TO_INDEX in said:
        return {}  # posts with no words at all (empty posts): no index, as with no posts
    if done.returncode != 0:
        raise RuntimeError(f"exit status {done.returncode}: {said[-500:]}")
    bundle = {}
    for file in sorted(out.rglob("*")):
        relative = file.relative_to(out).as_posix()
        if file.is_file() and relative not in UNUSED:
            bundle[relative] = file.read_bytes()
    return bundle


def _language(config: SiteConfig) -> str:
    """The site's language as Pagefind names an index: `pt` for `pt-BR`."""
    return config.language.split("-")[0].lower()


def _index_key(config: SiteConfig, html: dict[str, bytes]) -> str:
    """A digest of what the index is made of: the pages' bytes, the language and Pagefind."""
    digest = hashlib.sha256(f"{FORMAT}\0{_language(config)}\0".encode())
    for library in ("pagefind_bin",):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library}\0{metadata.version(library)}\0".encode())
    for path in sorted(html):
        digest.update(f"{path}\0{len(html[path])}\0".encode("utf-8", "surrogatepass"))
        digest.update(html[path])
    return digest.hexdigest()


def _reader(sink: Sink) -> Any:
    """A function reading back a file the build wrote (or kept) in `sink`."""
    if isinstance(sink, MemorySink):
        return lambda path: sink.files[str(PurePosixPath(path))]
    if isinstance(sink, DirectorySink):
        return sink.read
    raise TypeError(f"cannot read back from {type(sink).__name__}")


@contextlib.contextmanager
def _scratch(sink: Sink) -> Iterator[Path]:
    """An empty folder for Pagefind: inside the build's temporary folder when it has one."""
    if isinstance(sink, DirectorySink):
        folder = Path(tempfile.mkdtemp(prefix="search-", dir=sink.temp))
        yield folder  # removed with the temporary folder
        return
    with tempfile.TemporaryDirectory(prefix="microblog-search-") as name:
        yield Path(name)


def _problem(exc: Exception) -> Problem:
    message = f"search index cannot be made: Pagefind failed: {type(exc).__name__}: {exc}"
    action = "build stopped; reinstall microblog (pagefind-bin) or set `search: false`"
    return Problem("(site)", 0, "MB073", Severity.ERROR, message, action)

"""The one place where the stages meet: config -> sources -> timeline -> taxonomy -> page plan
-> render -> sink. Each stage takes what the one before it made; none reaches back."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from microblog.assets import DEFAULT_STATIC, collect_static
from microblog.buildcache import zone_key
from microblog.config import SiteConfig, check_content_folder
from microblog.digest import plan_digests
from microblog.inplace import UpdateSink
from microblog.lockfile import read_lock
from microblog.media import copy_media, media_to_copy
from microblog.output import DirectorySink, Sink, check_output_folder
from microblog.pagecache import Digests, PageKeys, template_keys
from microblog.pages import Page, plan_pages
from microblog.parallel import map_chunks, workers_for
from microblog.paths import open_inside, site_relative
from microblog.pinning import Pinning, apply_pins
from microblog.problems import Problem, Severity
from microblog.progress import Progress
from microblog.render import RenderError, SiteEnvironment, make_environment, render_page
from microblog.search import indexed_pages, write_search_index
from microblog.site_templates import inspect_templates
from microblog.sitewide import feed_count, make_all_feeds, site_files
from microblog.sources import ExportSummary, read_content
from microblog.sources.gitdates import is_shallow_clone, line_histories
from microblog.taxonomy import TagIndex, make_taxonomy
from microblog.timeline import Timeline, history_wanted, make_timeline
from microblog.urls import Urls

if TYPE_CHECKING:
    from microblog.buildcache import BuildCache
    from microblog.recordcache import RecordCache


@dataclass(frozen=True, slots=True)
class Content:
    """Everything read from content/: the timeline, its tags and every problem met."""

    timeline: Timeline
    tags: tuple[TagIndex, ...]
    problems: tuple[Problem, ...]
    files: int
    repairs: int
    exports: tuple[ExportSummary, ...] = ()
    pinning: Pinning | None = None  # what urls.lock did (None: the site has none)


# What a chunk of pages gave: the first failure, and each page written, its key and ids.
RenderedChunk = tuple[Problem | OSError | None, list[tuple[str, str | None, list[str]]]]
CODE_RENDERED = ("_macros.html",)  # templates render.py renders by name (`card`)


def read_site(
    config: SiteConfig,
    cache: RecordCache | None = None,
    digests: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    *,
    keep_dates: bool = True,
) -> Content:
    """Read, date, order, pin (urls.lock) and tag every post of the site (with a record
    `cache`, see sources.read_content; `keep_dates` False: not the pinned dates, see
    pinning.apply_pins)."""
    read = read_content(config, cache, digests, progress)
    default = None if config.date is None else (config.date, config.origin("date"))
    history = None
    if config.dates_from_git:  # read before the timeline, which is pure
        wanted = history_wanted(read.posts, dating=default is None)
        history = line_histories(config.site_dir, wanted)
    timeline = make_timeline(read.posts, default, history)
    lock = read_lock(config)
    pinning = None
    if lock is not None:
        pins, lock_problems = lock
        timeline, pinning = apply_pins(timeline, pins, Urls(config).absolute, keep_dates=keep_dates)
        timeline = dataclasses.replace(timeline, problems=(*lock_problems, *timeline.problems))
    timeline, tags = make_taxonomy(timeline)
    problems = tuple(read.problems) + timeline.problems
    used_git = timeline.git_claims or any(p.date_origin == "git" for p in timeline.all_posts)
    if used_git and is_shallow_clone(config.content_dir):
        problems += (
            Problem(
                site_relative(config.content_dir, config.site_dir),
                0,
                "MB049",
                Severity.WARNING,
                "git history is shallow: dates and slug claims taken from it may be wrong",
                "clone with full history (actions/checkout: fetch-depth: 0)",
            ),
        )
    repairs = sum(1 for p in problems if p.code == "MB030")
    files = len(read.files)
    return Content(timeline, tags, problems, files, repairs, tuple(read.exports), pinning)


@dataclass(frozen=True, slots=True)
class BuildResult:
    content: Content
    pages: int
    feeds: int
    static_files: int
    problems: tuple[Problem, ...]
    seconds: float
    stages: tuple[tuple[str, float], ...] = ()  # (stage, seconds), in order
    page_keys: dict[str, Any] | None = None  # for the next build (see pagecache.py)
    kept: int = 0  # pages and feeds kept from the last build, not rendered
    parsed: int | None = None  # post files parsed (None: no record cache)
    indexed: int = 0  # post pages in the search index (0: none made)

    @property
    def feed_posts(self) -> int:
        return sum(1 for post in self.content.timeline.posts if post.date is not None)


def build_site(
    config: SiteConfig,
    sink: Sink,
    *,
    source_date_epoch: int | None = None,
    content: Content | None = None,
    code: str | None = None,
    previous: dict[str, Any] | None = None,
    started: float | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Render the whole site into `sink`. Raises RenderError when a template fails.

    With `code` (buildcache.code_key), each page and feed gets a key (pagecache.py); those
    whose key is in `previous`, the last build's, are kept in an UpdateSink, not rendered."""
    started = started or time.perf_counter()
    progress = progress or Progress()
    clock = _Stages(started)
    content = content or read_site(config)
    clock.lap("read")
    fallback = datetime.fromtimestamp(source_date_epoch or 0, tz=UTC)  # never "now"
    digests = plan_digests(config, content.timeline.posts, content.tags, fallback)
    pages, problems = plan_pages(config, content.timeline, content.tags, digests)
    urls = Urls(config)
    env = make_environment(config, urls, content.timeline.posts)
    keys = None
    if code is not None:
        base = f"{code}\0{config.fingerprint()}\0{zone_key(config.timezone)}"
        keys = PageKeys(previous, Digests(content.timeline.posts, content.tags), base)
    clock.lap("plan")
    _render_pages(env, pages, sink, keys, progress)
    clock.lap("render and write pages")
    searched = write_search_index(config, pages, sink, keys) if config.search else []
    clock.lap("search index")
    feeds = []  # each feed is written as it is made: a thousand tags' feeds never pile up
    progress.stage("writing feeds", feed_count(config, content, digests))
    for path, data in make_all_feeds(config, urls, content, fallback, sink, keys, digests):
        progress.advance()
        if data is not None:
            sink.write(path, data)
        feeds.append(path)
    clock.lap("feeds")
    extras = site_files(config, urls, pages)
    for path, data in extras.items():
        sink.write(path, data)
    taken = {path.casefold() for path in extras} | {page.path.casefold() for page in pages}
    taken |= {path.casefold() for path in (*feeds, *searched)}
    media = media_to_copy(content.timeline.posts)
    copied, media_problems = copy_media(config.site_dir, sink, media, taken)
    taken |= {path.casefold() for path in media}
    static, static_problems = copy_static(config, sink, taken)
    template_problems = inspect_templates(config, env)
    clock.lap("sitemap, media and static files")
    return BuildResult(
        content=content,
        pages=len(pages),
        feeds=len(feeds),
        static_files=static + len(extras) + copied,
        indexed=len(indexed_pages(pages)) if searched else 0,
        problems=content.problems
        + tuple(problems)
        + tuple(template_problems)
        + tuple(media_problems)
        + tuple(static_problems),
        seconds=time.perf_counter() - started,
        stages=tuple(clock.stages),
        page_keys=None if keys is None else keys.now,
        kept=0 if keys is None else keys.kept,
    )


class _Stages:
    """The time each stage of a build took, for `--verbose`."""

    def __init__(self, started: float) -> None:
        self.stages: list[tuple[str, float]] = []
        self.last = started

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages.append((name, now - self.last))
        self.last = now


def _render_pages(
    env: SiteEnvironment, pages: list[Page], sink: Sink, keys: PageKeys | None, progress: Progress
) -> None:
    """Render and write every page that cannot be kept from the last build, over the
    machine's cores when they are many and the sink a folder (each worker writes its own
    pages). The first page that fails, in plan order, raises its RenderError, as in one
    process."""
    key_of = _key_maker(env, keys, {page.template for page in pages})
    # Over an output that can be updated, each page's key says whether to render it; into a
    # new folder every page is rendered, and its key is made where it renders (in a worker).
    updating = isinstance(sink, UpdateSink)
    todo: list[tuple[Page, str | None]] = [(page, None) for page in pages]
    if keys is not None and isinstance(sink, UpdateSink):
        todo = _pages_to_render(pages, sink, keys, key_of)
    progress.stage("writing pages", len(todo))
    workers = workers_for(len(todo)) if isinstance(sink, DirectorySink) else 1
    looked_up = env.looked_up

    def render_chunk(chunk: Sequence[tuple[Page, str | None]]) -> RenderedChunk:
        seen: list[tuple[str, str | None, list[str]]] = []  # each page: path, key, ids
        for page, known in chunk:
            try:
                with looked_up.watch() as ids:
                    data = render_page(env, page)
                sink.write(page.path, data)
            except RenderError as exc:
                return exc.problem, seen  # a Problem crosses from a worker; the exception not
            except OSError as exc:
                return exc, seen
            seen.append((page.path, known if updating else key_of(page), sorted(ids)))
            progress.advance()
        return None, seen

    for failure, seen in map_chunks(render_chunk, todo, workers, progress.advance):
        if keys is not None:
            for path, key, ids in seen:
                keys.made(path, key, ids)
        if isinstance(failure, OSError):
            raise failure
        if failure is not None:
            raise RenderError(failure)
    if isinstance(sink, UpdateSink):
        sink.made.update(page.path for page, _key in todo)


def _key_maker(
    env: SiteEnvironment, keys: PageKeys | None, templates: set[str]
) -> Callable[[Page], str | None]:
    """A page's key (pagecache.py), None without keys. The keys of `templates` are made
    now, before any page renders (in this process, before workers fork): a template saved
    during the build then gives its pages a key the next build does not find."""
    template_key = template_keys(env, CODE_RENDERED)
    if keys is not None:
        for name in sorted(templates):
            template_key(name)

    def key_of(page: Page) -> str | None:
        if keys is None:
            return None
        return keys.key(page.path, page.template, template_key(page.template), page.context)

    return key_of


def _pages_to_render(
    pages: list[Page], sink: UpdateSink, keys: PageKeys, key_of: Callable[[Page], str | None]
) -> list[tuple[Page, str | None]]:
    """Each page that cannot be kept from the last build, with its key; the others kept."""
    todo: list[tuple[Page, str | None]] = []
    for page in pages:
        key = key_of(page)
        if not keys.fresh(page.path, key):
            todo.append((page, key))
        elif not sink.keep(page.path):
            raise RuntimeError(f"{page.path}: kept but not in the output")  # a bug
    return todo


def site_file_problems(config: SiteConfig) -> list[Problem]:
    """What `check` can say of templates/ and static/ without building."""
    env = make_environment(config, Urls(config))
    return inspect_templates(config, env) + collect_static(config)[1]


def copy_static(config: SiteConfig, sink: Sink, taken: set[str]) -> tuple[int, list[Problem]]:
    """Copy static files; one with the path of a generated file, or inside the search
    index's folder (which search owns whole, so that an update in place keeps the index
    as it made it), is reported, not copied."""
    static, problems = collect_static(config)
    site_real = os.path.realpath(config.site_dir)
    package_real = os.path.realpath(DEFAULT_STATIC)
    copied = 0
    for path, source in static.items():
        folded = path.casefold()
        if folded in taken or (config.search and folded.startswith(Urls.SEARCH_BUNDLE)):
            where = "a generated file" if folded in taken else "the search index's folder"
            message = f"has the same path as {where}"
            problems.append(
                Problem(
                    f"static/{path}", 0, "MB081", Severity.WARNING, message, "generated file kept"
                )
            )
            continue
        try:
            package = source.is_relative_to(DEFAULT_STATIC)  # the defaults live in the package
            handle = open_inside(source, package_real if package else site_real)
        except OSError as exc:
            shown = site_relative(source, config.site_dir)
            message = f"cannot read: {exc.strerror or exc}"
            problems.append(Problem(shown, 0, "MB082", Severity.WARNING, message, "not copied"))
            continue
        with handle:
            sink.copy(path, handle)
        copied += 1
    return copied, problems


def build_to_folder(
    config: SiteConfig,
    *,
    source_date_epoch: int | None = None,
    cache: BuildCache | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build into config.output_dir; on any failure the old site stays.

    Without a build `cache` the new site is swapped in whole. With one, post files parsed
    by the last build are not parsed again, and when the output folder is as the last build
    left it, it is brought up to date in place: pages and feeds whose inputs did not change
    are kept, not rendered (inplace.py, pagecache.py).

    Raises OutputError for an output folder that must not be replaced, RenderError for a
    template failure; any other exception is a bug, and also leaves the old output.
    """
    started = time.perf_counter()
    check_output_folder(config, config.output_dir)
    check_content_folder(config)  # before the output is touched
    records = None
    if cache is not None:
        from microblog.recordcache import RecordCache, reader_key

        records = RecordCache(cache.folder, reader_key(config, cache.code))
        if not cache.clean:
            records.load()
    content = read_site(config, records, cache.digests if cache else None, progress)
    trusted = cache.trusted_output() if cache is not None else None
    sink: DirectorySink | None = None
    try:
        sink = (
            DirectorySink(config.output_dir)
            if trusted is None
            else UpdateSink(config.output_dir, trusted.files)
        )
        result = build_site(
            config,
            sink,
            source_date_epoch=source_date_epoch,
            content=content,
            code=None if cache is None else cache.code,
            previous=None if trusted is None else trusted.pages,
            started=started,
            progress=progress,
        )
        sink.commit()
    finally:
        if sink is not None:
            sink.discard()
    if records is not None and cache is not None:
        records.save()
        cache.problems += records.problems
        result = dataclasses.replace(result, parsed=records.parsed)
    return result

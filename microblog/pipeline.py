"""The one place where the stages meet: config -> content -> page plan -> render -> sink."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape as xml_escape

from microblog.assets import DEFAULT_STATIC, collect_static
from microblog.config import SiteConfig, check_content_folder
from microblog.content import Content, load_content
from microblog.feeds import make_feeds
from microblog.output import DirectorySink, Sink, check_output_folder
from microblog.pages import Page, Urls, plan_pages
from microblog.paths import open_inside, site_relative
from microblog.problems import Problem, Severity
from microblog.render import make_environment, render_page
from microblog.site_templates import inspect_templates


@dataclass(frozen=True, slots=True)
class BuildResult:
    content: Content
    pages: int
    feeds: int
    static_files: int
    problems: tuple[Problem, ...]
    seconds: float

    @property
    def feed_posts(self) -> int:
        return sum(1 for post in self.content.timeline.posts if post.date is not None)


def build_site(
    config: SiteConfig,
    sink: Sink,
    *,
    source_date_epoch: int | None = None,
    content: Content | None = None,
) -> BuildResult:
    """Render the whole site into `sink`. Raises RenderError when a template fails."""
    started = time.perf_counter()
    content = content or load_content(config)
    pages, problems = plan_pages(config, content)
    env = make_environment(config)
    for page in pages:
        sink.write(page.path, render_page(env, page))
    fallback = datetime.fromtimestamp(source_date_epoch or 0, tz=UTC)
    feeds = []  # each feed is written as it is made: a thousand tags' feeds never pile up
    for path, data in make_all_feeds(config, content, fallback):
        sink.write(path, data)
        feeds.append(path)
    extras = site_files(config, pages)
    for path, data in extras.items():
        sink.write(path, data)
    taken = {path.casefold() for path in extras} | {page.path.casefold() for page in pages}
    taken |= {path.casefold() for path in feeds}
    static, static_problems = copy_static(config, sink, taken)
    return BuildResult(
        content=content,
        pages=len(pages),
        feeds=len(feeds),
        static_files=static + len(extras),
        problems=content.problems
        + tuple(problems)
        + tuple(inspect_templates(config, env))
        + tuple(static_problems),
        seconds=time.perf_counter() - started,
    )


def site_file_problems(config: SiteConfig) -> list[Problem]:
    """What `check` can say of templates/ and static/ without building."""
    return inspect_templates(config, make_environment(config)) + collect_static(config)[1]


def make_all_feeds(
    config: SiteConfig, content: Content, fallback: datetime
) -> Iterator[tuple[str, bytes]]:
    """RSS and Atom for the whole site, then for each tag."""
    groups = [(content.timeline.posts, "", config.title, "index.html")]
    groups += [
        (tag.posts, f"tags/{tag.slug}/", f"{config.title}: #{tag.name}", Urls.tag(tag.slug))
        for tag in content.tags
    ]
    for posts, folder, title, page_path in groups:
        feeds = make_feeds(config, posts, folder, title, page_path, fallback)
        yield feeds.rss_path, feeds.rss
        yield feeds.atom_path, feeds.atom


def site_files(config: SiteConfig, pages: list[Page]) -> dict[str, bytes]:
    """The sitemap, robots.txt, .nojekyll (GitHub Pages must not run Jekyll) and CNAME."""
    urls = Urls(config)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n"
    files = {
        "sitemap.xml": make_sitemap(urls, pages),
        "robots.txt": robots.encode(),
        ".nojekyll": b"",
    }
    if config.cname:
        files["CNAME"] = config.cname.encode("ascii") + b"\n"
    return files


def copy_static(config: SiteConfig, sink: Sink, taken: set[str]) -> tuple[int, list[Problem]]:
    """Copy static files; one with the path of a generated file is reported, not copied."""
    static, problems = collect_static(config)
    site_real = os.path.realpath(config.site_dir)
    package_real = os.path.realpath(DEFAULT_STATIC)
    copied = 0
    for path, source in static.items():
        if path.casefold() in taken:
            problems.append(
                Problem(
                    f"static/{path}",
                    0,
                    "MB081",
                    Severity.WARNING,
                    "has the same path as a generated file",
                    "generated file kept",
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


def build_to_folder(config: SiteConfig, *, source_date_epoch: int | None = None) -> BuildResult:
    """Build into config.output_dir, swapped in whole; on any failure the old site stays.

    Raises OutputError for an output folder that must not be replaced, RenderError for a
    template failure; any other exception is a bug, and also leaves the old output.
    """
    check_output_folder(config, config.output_dir)
    check_content_folder(config)  # before the output is touched
    sink = None
    try:
        sink = DirectorySink(config.output_dir)
        result = build_site(config, sink, source_date_epoch=source_date_epoch)
        sink.commit()
    finally:
        if sink is not None:
            sink.discard()
    return result


def make_sitemap(urls: Urls, pages: list[Page]) -> bytes:
    """Every HTML page but the 404 page, with its post's date where it has one."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in pages:
        if page.path == "404.html":
            continue
        post = page.context.get("post")
        lines.append(f"  <url><loc>{xml_escape(urls.absolute(page.path))}</loc>")
        if post is not None and post.date is not None:
            lines.append(f"    <lastmod>{post.date.isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")

"""The files made from the whole site rather than page by page: RSS, Atom and JSON feeds for
the site and for each tag, the site's feed archive, the sitemap, robots.txt, .nojekyll and
CNAME."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

from microblog.config import SiteConfig
from microblog.feedarchive import ArchivePage, make_archive_page, plan_archive
from microblog.feeds import feed_items, feed_paths, make_feeds
from microblog.inplace import UpdateSink
from microblog.model import Post
from microblog.output import Sink
from microblog.pagecache import PageKeys
from microblog.pages import REDIRECT_TEMPLATE, REMOVED_TEMPLATE, Page
from microblog.urls import FEED_FILES, Urls

if TYPE_CHECKING:
    from microblog.pipeline import Content


def make_all_feeds(
    config: SiteConfig,
    urls: Urls,
    content: Content,
    fallback: datetime,
    sink: Sink | None = None,
    keys: PageKeys | None = None,
) -> Iterator[tuple[str, bytes | None]]:
    """RSS, Atom and JSON Feed for the whole site, then for each tag, then the pages of the
    site's feed archive; a feed kept in `sink` from the last build (see pagecache.py) comes
    with None."""
    archive = archive_pages(config, content)
    newest = archive[-1].path if archive else None
    groups: list[tuple[Sequence[Post], str | None, str, str]] = [
        (content.timeline.posts, None, config.title, Urls.home())
    ]
    groups += [
        (tag.posts, tag.slug, f"{config.title}: #{tag.name}", Urls.tag(tag.slug))
        for tag in content.tags
    ]
    for posts, tag_slug, title, page_path in groups:
        paths = feed_paths(tag_slug)
        link = newest if tag_slug is None else None
        key = None
        if keys is not None:
            items = feed_items(posts, config.feed.items)
            key = keys.key("feed", paths, title, page_path, fallback, items, link)
        if _kept(sink, keys, paths, key):
            yield from ((path, None) for path in paths)
            continue
        feeds = make_feeds(config, urls, posts, tag_slug, title, page_path, fallback, link)
        if keys is not None:
            keys.made(paths[0], key)
        yield from feeds.files
    for page in archive:
        key = None if keys is None else keys.key("feed archive", page)
        if _kept(sink, keys, (page.path,), key):
            yield page.path, None
            continue
        data = make_archive_page(config, urls, page)
        if keys is not None:
            keys.made(page.path, key)
        yield page.path, data


def archive_pages(config: SiteConfig, content: Content) -> list[ArchivePage]:
    """The pages of the site's feed archive: none with `feed.archive: false`."""
    return plan_archive(content.timeline.posts) if config.feed.archive else []


def feed_count(config: SiteConfig, content: Content) -> int:
    """How many files make_all_feeds makes."""
    return len(FEED_FILES) * (1 + len(content.tags)) + len(archive_pages(config, content))


def _kept(sink: Sink | None, keys: PageKeys | None, paths: Sequence[str], key: str | None) -> bool:
    """Whether the last build's files at `paths` (made together, keyed by the first) are
    what this build would make: kept in `sink`, if so."""
    if keys is None or not isinstance(sink, UpdateSink) or not keys.fresh(paths[0], key):
        return False
    if not all(sink.keep(path) for path in paths):
        raise RuntimeError(f"{paths[0]}: kept but not in the output")  # a bug
    return True


def site_files(config: SiteConfig, urls: Urls, pages: list[Page]) -> dict[str, bytes]:
    """The sitemap, robots.txt, .nojekyll (GitHub Pages must not run Jekyll) and CNAME."""
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(Urls.SITEMAP)}\n"
    files = {
        Urls.SITEMAP: make_sitemap(urls, pages),
        Urls.ROBOTS: robots.encode(),
        ".nojekyll": b"",
    }
    if config.cname:
        files["CNAME"] = config.cname.encode("ascii") + b"\n"
    return files


def make_sitemap(urls: Urls, pages: list[Page]) -> bytes:
    """Every HTML page but the 404 page, redirects and removed posts' pages, with its post's
    date where it has one."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for page in pages:
        if page.path == Urls.NOT_FOUND or page.template in (REDIRECT_TEMPLATE, REMOVED_TEMPLATE):
            continue
        post = page.context.get("post")
        lines.append(f"  <url><loc>{xml_escape(urls.absolute(page.path))}</loc>")
        if post is not None and post.date is not None:
            lines.append(f"    <lastmod>{post.date.isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")

"""The files made from the whole site rather than page by page: RSS, Atom and JSON feeds for
the site and for each tag, the site's feed archive, the sitemap, robots.txt, .nojekyll and
CNAME."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

from microblog.config import SiteConfig
from microblog.digest import DigestSet
from microblog.digest_feeds import (
    DIGEST_FEEDS,
    digest_feed_items,
    digest_feed_paths,
    digest_feed_title,
    make_digest_feeds,
)
from microblog.feedarchive import ArchivePage, make_archive_page, plan_archive
from microblog.feeds import FeedFiles, feed_items, feed_paths, make_feeds
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
    digests: Sequence[DigestSet] = (),
) -> Iterator[tuple[str, bytes | None]]:
    """RSS, Atom and JSON Feed for the whole site, then for each tag, then the pages of the
    site's feed archive, then the digest feeds of `digests` (digest.plan_digests); a feed
    kept in `sink` from the last build (see pagecache.py) comes with None."""
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
        items = feed_items(posts, config.feed.items)
        make = partial(make_feeds, config, urls, posts, tag_slug, title, page_path, fallback, link)
        parts: tuple[object, ...] = ("feed", paths, title, page_path, fallback, items, link)
        yield from _kept_or_made(paths, parts, make, sink, keys)
    for page in archive:
        archived = partial(_archive_files, config, urls, page)
        yield from _kept_or_made((page.path,), ("feed archive", page), archived, sink, keys)
    for found in digests:
        paths = digest_feed_paths(found.tag_slug)
        title = digest_feed_title(config, found)
        make = partial(make_digest_feeds, config, urls, found, fallback)
        parts = ("digest", paths, title, fallback, digest_feed_items(config, found))
        yield from _kept_or_made(paths, parts, make, sink, keys)


def _archive_files(config: SiteConfig, urls: Urls, page: ArchivePage) -> FeedFiles:
    return FeedFiles(((page.path, make_archive_page(config, urls, page)),))


def archive_pages(config: SiteConfig, content: Content) -> list[ArchivePage]:
    """The pages of the site's feed archive: none with `feed.archive: false`."""
    return plan_archive(content.timeline.posts) if config.feed.archive else []


def feed_count(config: SiteConfig, content: Content, digests: Sequence[DigestSet] = ()) -> int:
    """How many files make_all_feeds makes."""
    posts = len(FEED_FILES) * (1 + len(content.tags))
    return posts + len(archive_pages(config, content)) + len(DIGEST_FEEDS) * len(digests)


def _kept_or_made(
    paths: tuple[str, ...],
    parts: tuple[object, ...],
    make: Callable[[], FeedFiles],
    sink: Sink | None,
    keys: PageKeys | None,
) -> Iterator[tuple[str, bytes | None]]:
    """The feeds at `paths`: kept (None) when their key, made of `parts`, is the last
    build's and `sink` can keep them, else made."""
    key = None
    if keys is not None:
        key = keys.key(*parts)
        if isinstance(sink, UpdateSink) and keys.fresh(paths[0], key):
            if not all(sink.keep(path) for path in paths):
                raise RuntimeError(f"{paths[0]}: kept but not in the output")  # a bug
            yield from ((path, None) for path in paths)
            return
    yield from make().files
    if keys is not None:
        keys.made(paths[0], key)


def site_files(config: SiteConfig, urls: Urls, pages: list[Page]) -> dict[str, bytes]:
    """The sitemap, robots.txt, the web manifest, .nojekyll (GitHub Pages must not run
    Jekyll) and CNAME."""
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(Urls.SITEMAP)}\n"
    files = {
        Urls.SITEMAP: make_sitemap(urls, pages),
        Urls.ROBOTS: robots.encode(),
        Urls.MANIFEST: make_manifest(config, urls),
        ".nojekyll": b"",
    }
    if config.cname:
        files["CNAME"] = config.cname.encode("ascii") + b"\n"
    return files


def make_manifest(config: SiteConfig, urls: Urls) -> bytes:
    """The web manifest: the site's name, its icon and where it starts, under base_url's path
    (so a browser asking for them finds them, whatever folder the site is published in)."""
    manifest = {
        "name": config.title,
        "short_name": config.title,
        "lang": config.language,
        "start_url": urls.url(Urls.home()),
        "scope": urls.url(Urls.home()),
        "display": "browser",
        "background_color": "#fdfdfc",
        "theme_color": "#0b57d0",
        "icons": [
            {"src": urls.url(Urls.FAVICON), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    for char in "<>&":  # escaped as in JSON Feed: no markup in any file, whatever the title
        text = text.replace(char, f"\\u{ord(char):04x}")
    return (text + "\n").encode("utf-8")


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

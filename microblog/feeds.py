"""RSS 2.0 and Atom feeds with feedgen, and JSON Feed, site-wide and per tag.

Items carry the post's full sanitized HTML, made safe for an e-mail (every URL absolute, no
class or id, a link to the post at the end), a guid that is the permalink, and the post's own
date; undated posts are never in a feed (a newsletter would mail them again whenever an
invented date moved).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from microblog.config import SiteConfig
from microblog.model import Media, Post
from microblog.text.html import email_safe_html
from microblog.urls import FEED_FILES, Urls


@dataclass(frozen=True, slots=True)
class FeedFiles:
    """The feeds of the site or of one tag: RSS, Atom and JSON Feed, by output path."""

    files: tuple[tuple[str, bytes], ...]


def feed_paths(tag_slug: str | None) -> tuple[str, ...]:
    """The output paths of the feeds of the site (`tag_slug` None) or of one tag."""
    return tuple(Urls.feed(kind, tag_slug) for kind in FEED_FILES)


def feed_items(posts: Sequence[Post], count: int) -> list[Post]:
    """The newest `count` dated posts (posts are already newest first)."""
    return [post for post in posts if post.date is not None][:count]


def make_feeds(
    config: SiteConfig,
    urls: Urls,
    posts: Sequence[Post],
    tag_slug: str | None,
    title: str,
    page_path: str,
    fallback: datetime,
    archive_path: str | None = None,
) -> FeedFiles:
    """The feeds of `posts`: the site's (`tag_slug` None) or one tag's; the Atom feed links
    `archive_path`, the newest page of the feed archive, if any (feedarchive.py)."""
    rss_path, atom_path = Urls.feed("rss", tag_slug), Urls.feed("atom", tag_slug)
    json_path = Urls.feed("json", tag_slug)
    items = feed_items(posts, config.feed.items)
    updated = max((post.date for post in items if post.date), default=None)
    stamp = updated or fallback  # no dated post: SOURCE_DATE_EPOCH or 1970, never "now"
    rss = feed_generator(config, urls, items, title, page_path, rss_path, stamp)
    archive = [("prev-archive", archive_path)] if archive_path else []
    atom = feed_generator(config, urls, items, title, page_path, atom_path, stamp, links=archive)
    return FeedFiles(
        (
            (rss_path, rss.rss_str(pretty=True)),
            (atom_path, atom.atom_str(pretty=True)),
            (json_path, json_feed(config, urls, items, title, page_path, json_path)),
        )
    )


def json_feed(
    config: SiteConfig,
    urls: Urls,
    items: Sequence[Post],
    title: str,
    page_path: str,
    self_path: str,
) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of `items`: written by hand, as no
    well-kept library writes it (feedgen does RSS and Atom only); the same items, guids and
    HTML as the RSS and Atom feeds. The optional `description` and `summary` are left out:
    the format says they are text, but readers that show them as HTML are known."""
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": urls.absolute(page_path),
        "feed_url": urls.absolute(self_path),
        "language": config.language,
        "authors": [{"name": config.author or config.title}],
        "items": [_json_item(config, urls, post) for post in items],
    }
    text = json.dumps(feed, ensure_ascii=False, indent=2)
    # <, > and & only occur inside strings: written as escapes, the file holds no markup for
    # a page or a tool that takes it for HTML (as Go's encoding/json writes them)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (text + "\n").encode("utf-8")


def _json_item(config: SiteConfig, urls: Urls, post: Post) -> dict[str, object]:
    permalink = urls.absolute(Urls.post(post))
    guid = post.guid or permalink
    item: dict[str, object] = {"id": guid, "url": permalink, "title": post.headline}
    if config.feed.full_content:
        item["content_html"] = item_html(config, urls, post)
    else:
        item["content_text"] = post.summary or post.headline
    if post.date is not None:
        item["date_published"] = _rfc3339(post.date)
    shown = [media for media in post.media if media.path]
    images = [media for media in shown if media.kind == "image"]
    if images:
        item["image"] = urls.absolute(images[0].path)
    if config.author:
        item["authors"] = [{"name": config.author}]
    if post.tags:
        item["tags"] = [tag.name for tag in post.tags]
    if post.lang:
        item["language"] = post.lang
    if shown:
        item["attachments"] = [_attachment(urls, media) for media in shown]
    return item


def _rfc3339(date: datetime) -> str:
    """`date` in RFC 3339, whose offsets are whole minutes: an old local mean time offset
    (+00:19:32) is written in UTC instead."""
    offset = date.utcoffset()
    if offset is not None and offset.seconds % 60:
        date = date.astimezone(UTC)
    return date.isoformat()


def _attachment(urls: Urls, media: Media) -> dict[str, object]:
    """An image or video of the post (no `title`: JSON Feed reads equal titles as versions
    of one file, and the alt text is in the item's HTML)."""
    attachment: dict[str, object] = {
        "url": urls.absolute(media.path),
        "mime_type": media.mime or "application/octet-stream",
    }
    if media.size:
        attachment["size_in_bytes"] = media.size
    return attachment


def feed_generator(
    config: SiteConfig,
    urls: Urls,
    items: Sequence[Post],
    title: str,
    page_path: str,
    self_path: str,
    stamp: datetime,
    *,
    links: Sequence[tuple[str, str]] = (),
    feed_id: str | None = None,
) -> FeedGenerator:
    """An RSS or Atom feed of `items` (newest first), with its `links` (rel, output path)
    besides self and alternate; its id is `feed_id`, or else `page_path`'s URL."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    if any(media.path for post in items for media in post.media):
        generator.load_extension("media")  # a newsletter takes an item's picture from there
    generator.id(feed_id or urls.absolute(page_path))
    generator.title(title)
    is_rss = self_path.endswith(FEED_FILES["rss"])
    kind = "application/rss+xml" if is_rss else "application/atom+xml"
    # RSS readers show <description> as HTML, Atom's subtitle and summary are text: plain
    # text bound for RSS is HTML-escaped once so that it is shown, never run.
    as_html: Callable[[str], str] = (lambda text: html.escape(text, quote=False)) if is_rss else str
    generator.link(href=urls.absolute(self_path), rel="self", type=kind)
    generator.link(href=urls.absolute(page_path), rel="alternate")
    for rel, path in links:
        generator.link(href=urls.absolute(path), rel=rel, type="application/atom+xml")
    generator.description(as_html(config.description or title))
    generator.language(config.language)
    generator.generator("microblog", uri=None, version=None)
    # Atom requires an author for a feed whose entries have none: the site stands in.
    generator.author({"name": config.author or config.title})
    generator.updated(stamp)
    generator.lastBuildDate(stamp)
    for post in reversed(items):  # feedgen lists the last added entry first
        _add_entry(generator, config, urls, post, as_html, is_rss=is_rss)
    return generator


def item_html(config: SiteConfig, urls: Urls, post: Post) -> str:
    """A post's HTML as a feed item carries it, safe in an e-mail with no stylesheet: its
    content warning stated first, then the post, then its images and videos, every URL
    absolute, no class or id (hashtags and mentions are plain links), and at the end, with
    `feed.footer_link`, a link to the post on the site."""
    parts = []
    if post.warning:
        parts.append(f"<p><strong>Content warning: {html.escape(post.warning)}</strong></p>")
    parts.append(urls.feed_html(post))
    for media in post.media:
        if not media.path:
            continue
        address = html.escape(urls.absolute(media.path))
        if media.kind == "image":
            size = f' width="{media.width}" height="{media.height}"' if media.width else ""
            parts.append(f'<p><img src="{address}" alt="{html.escape(media.alt)}"{size}></p>')
        else:
            label = html.escape(media.alt or ("Video" if media.kind == "video" else "GIF"))
            parts.append(f'<p><a href="{address}">{label}</a></p>')
    if config.feed.footer_link:
        permalink = html.escape(urls.absolute(Urls.post(post)))
        parts.append(f'<p><a href="{permalink}">View on the site</a></p>')
    return email_safe_html("\n".join(parts))


def _add_entry(
    generator: FeedGenerator,
    config: SiteConfig,
    urls: Urls,
    post: Post,
    as_html: Callable[[str], str],
    *,
    is_rss: bool,
) -> None:
    permalink = urls.absolute(Urls.post(post))
    guid = post.guid or permalink  # pinned in urls.lock: kept when the URL moved
    entry = generator.add_entry()
    entry.id(guid)
    entry.guid(guid, permalink=guid == permalink)
    entry.title(post.headline)
    entry.link(href=permalink)
    entry.published(post.date)
    entry.updated(post.date)
    entry.description(as_html(post.summary or post.headline), isSummary=True)
    if config.feed.full_content:
        entry.content(item_html(config, urls, post), type="html")
    shown = [media for media in post.media if media.path]
    if shown:
        first = shown[0]
        address = urls.absolute(first.path)
        if is_rss:  # feedgen writes an Atom enclosure without its rel: a second alternate
            entry.enclosure(address, str(first.size), first.mime or "application/octet-stream")
        medium = "image" if first.kind == "image" else "video"
        entry.media.content(url=address, type=first.mime or None, medium=medium)
    for tag in post.tags:
        entry.category(term=tag.name, scheme=urls.absolute(Urls.tag(tag.slug)))
    if config.author:
        entry.dc.dc_creator(config.author)


def empty_feed(
    config: SiteConfig,
    urls: Urls,
    title: str,
    page_path: str,
    self_path: str,
    stamp: datetime,
) -> FeedGenerator:
    """An RSS or Atom feed (by `self_path`) with the site's head and no items yet, for
    feeds whose items are not posts (digest_feeds.py)."""
    return feed_generator(config, urls, (), title, page_path, self_path, stamp)

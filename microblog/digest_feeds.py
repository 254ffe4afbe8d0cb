"""RSS 2.0 and Atom digest feeds (`feed.digest`): one item per ended period, bundling its
posts (each with its date, its HTML as feed items carry it, and its permalink).

An item's guid, id and link are the absolute permalink of its digest page; its date is the
period's end. Both depend on the period and its posts only, never on when the site was
built, so an item, once out, changes only when one of its posts is edited.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator

from microblog.config import SiteConfig
from microblog.dates import readable_date
from microblog.digest import Digest, DigestSet, item_date
from microblog.feeds import FeedFiles, empty_feed, item_html
from microblog.model import Post
from microblog.urls import FeedKind, Urls

DIGEST_FEEDS: tuple[FeedKind, ...] = ("rss", "atom")


def digest_feed_paths(tag_slug: str | None) -> tuple[str, ...]:
    """The output paths of the digest feeds of the site (`tag_slug` None) or of one tag."""
    return tuple(Urls.digest_feed(kind, tag_slug) for kind in DIGEST_FEEDS)


def digest_feed_title(config: SiteConfig, found: DigestSet) -> str:
    """`My site: weekly digest`, `My site: #Backend, weekly digest`."""
    owner = config.title if found.tag is None else f"{config.title}: #{found.tag.name},"
    separator = ":" if found.tag is None else ""
    return f"{owner}{separator} {config.feed.digest} digest"


def digest_feed_items(config: SiteConfig, found: DigestSet) -> tuple[Digest, ...]:
    """The newest `feed.items` ended digests (they are newest first)."""
    return found.digests[: config.feed.items]


def make_digest_feeds(
    config: SiteConfig, urls: Urls, found: DigestSet, fallback: datetime
) -> FeedFiles:
    """The RSS and Atom digest feeds of the site or of one tag, by output path."""
    items = digest_feed_items(config, found)
    stamp = item_date(items[0]) if items else fallback  # never "now"
    title = digest_feed_title(config, found)
    page_path = Urls.digest(None, found.tag_slug)
    made = []
    for kind in DIGEST_FEEDS:
        self_path = Urls.digest_feed(kind, found.tag_slug)
        generator = empty_feed(config, urls, title, page_path, self_path, stamp)
        for digest in reversed(items):  # feedgen lists the last added entry first
            _add_digest(generator, config, urls, digest, found.tag_slug, is_rss=kind == "rss")
        data = generator.rss_str(pretty=True) if kind == "rss" else generator.atom_str(pretty=True)
        made.append((self_path, data))
    return FeedFiles(tuple(made))


def _add_digest(
    generator: FeedGenerator,
    config: SiteConfig,
    urls: Urls,
    digest: Digest,
    tag_slug: str | None,
    *,
    is_rss: bool,
) -> None:
    permalink = urls.absolute(Urls.digest(digest.period.id, tag_slug))
    entry = generator.add_entry()
    entry.id(permalink)
    entry.guid(permalink, permalink=True)
    entry.title(digest.title)
    entry.link(href=permalink)
    date = item_date(digest)
    entry.published(date)
    entry.updated(date)
    summary = "; ".join(post.headline for post in digest.posts)
    entry.description(html.escape(summary, quote=False) if is_rss else summary, isSummary=True)
    entry.content(digest_html(config, urls, digest.posts), type="html")
    if config.author:
        entry.dc.dc_creator(config.author)


def digest_html(config: SiteConfig, urls: Urls, posts: Sequence[Post]) -> str:
    """The posts of a digest as one item's HTML: for each, its title (when it has one), its
    date linked to its permalink, then its HTML as feed items carry it (or its summary with
    `feed.full_content: false`)."""
    parts: list[str] = []
    for post in posts:
        permalink = html.escape(urls.absolute(Urls.post(post)))
        if parts:
            parts.append("<hr>")
        if post.title:
            parts.append(f'<h2><a href="{permalink}">{html.escape(post.title)}</a></h2>')
        if post.date is not None:
            local = post.date.astimezone(config.tz)
            shown = f"{readable_date(local)}, {local:%H:%M}"
            parts.append(f'<p><a href="{permalink}">{shown}</a></p>')
        if config.feed.full_content:
            parts.append(item_html(config, urls, post))
        else:
            parts.append(f"<p>{html.escape(post.summary or post.headline)}</p>")
    return "\n".join(parts)

"""The site's feed archive (RFC 5005, archived feeds): every dated post, in Atom pages of
ARCHIVE_PAGE_POSTS posts, `feeds/archive/1.xml` holding the oldest.

A page holds the posts at its positions in the oldest-first list of dated posts, so a new post
goes to the newest page, and a full page never changes (its `updated` is its own newest
post's date). A full page links the page after it (`next-archive`), so that page always
exists, empty if need be: the newest page is never full, and no page gains a link when one
is added. A post dated before others, or one taken away, moves the posts after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from feedgen.ext.base import BaseExtension

from microblog.config import SiteConfig
from microblog.feeds import feed_generator
from microblog.model import Post
from microblog.urls import Urls

ARCHIVE_PAGE_POSTS: Final = 100  # the posts of each full page; changing it moves every post
HISTORY_NS: Final = "http://purl.org/syndication/history/1.0"  # RFC 5005's `fh:`


@dataclass(frozen=True, slots=True)
class ArchivePage:
    """One page of the archive: its number (1 the oldest), its posts (oldest first), whether
    it is the newest page, and its `updated`: its newest post's date (the empty newest page:
    the site's newest post's)."""

    number: int
    posts: tuple[Post, ...]
    newest: bool
    updated: datetime

    @property
    def path(self) -> str:
        return Urls.feed_archive(self.number)


def plan_archive(posts: Sequence[Post]) -> list[ArchivePage]:
    """The archive's pages of `posts` (newest first, as the timeline orders them); none
    without a dated post."""
    dated = [post for post in reversed(posts) if post.date is not None]
    if not dated:
        return []
    count = len(dated) // ARCHIVE_PAGE_POSTS + 1
    pages = []
    for number in range(1, count + 1):
        chunk = tuple(dated[(number - 1) * ARCHIVE_PAGE_POSTS : number * ARCHIVE_PAGE_POSTS])
        updated = max(post.date for post in chunk or dated[-1:] if post.date is not None)
        pages.append(ArchivePage(number, chunk, number == count, updated))
    return pages


def make_archive_page(config: SiteConfig, urls: Urls, page: ArchivePage) -> bytes:
    """One page of the archive as an Atom feed marked `<fh:archive/>`, linking the site's
    current feed (atom.xml) and its neighbours."""
    links = [("current", Urls.feed("atom"))]
    if page.number > 1:
        links.append(("prev-archive", Urls.feed_archive(page.number - 1)))
    if not page.newest:
        links.append(("next-archive", Urls.feed_archive(page.number + 1)))
    generator = feed_generator(
        config,
        urls,
        page.posts[::-1],
        f"{config.title} (archive, page {page.number})",
        Urls.ARCHIVE,
        page.path,
        page.updated,
        links=links,
        feed_id=urls.absolute(page.path),
    )
    generator.register_extension("fh", _ArchiveMark, None, atom=True, rss=False)
    data: bytes = generator.atom_str(pretty=True)
    return data


class _ArchiveMark(BaseExtension):  # type: ignore[misc]  # feedgen has no type hints
    """feedgen extension that writes `<fh:archive/>` into an Atom feed."""

    def extend_ns(self) -> dict[str, str]:
        return {"fh": HISTORY_NS}

    def extend_atom(self, feed: Any) -> Any:  # an lxml element
        feed.append(feed.makeelement(f"{{{HISTORY_NS}}}archive"))
        return feed

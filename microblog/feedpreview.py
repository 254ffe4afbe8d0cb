"""The next e-mail a newsletter would send: the items of a feed that a service which saw the
feed as pinned in urls.lock has not seen, each with the HTML the feed carries and what an
e-mail client would drop from it. Pure: the command line reads the site and writes the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Final
from urllib.parse import urlsplit

from microblog.config import SiteConfig
from microblog.digest import digest_clock, ended_digests, item_date
from microblog.digest_feeds import digest_html
from microblog.feeds import feed_items, item_html
from microblog.lockfile import Pin
from microblog.model import Post
from microblog.urls import Urls

# What e-mail clients drop or break (Gmail, Outlook, Apple Mail): elements they remove, and
# what an image needs to keep its place before images are loaded.
DROPPED_ELEMENTS: Final = {
    "script": "a script: e-mail clients never run scripts",
    "svg": "an inline SVG image: Gmail and Outlook drop it",
    "style": "a style sheet: many clients drop <style> in the body",
    "iframe": "an embedded frame: e-mail clients drop it",
    "video": "a video element: most clients show nothing; link to the video instead",
    "audio": "an audio element: most clients show nothing",
    "form": "a form: most clients disable it",
    "object": "an embedded object: e-mail clients drop it",
    "embed": "an embedded object: e-mail clients drop it",
}
ABSOLUTE_SCHEMES: Final = ("http", "https", "mailto")


@dataclass(frozen=True, slots=True)
class PreviewItem:
    """A feed item as an e-mail would show it."""

    title: str
    date: datetime
    guid: str
    link: str
    html: str
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Preview:
    """The next e-mail of one feed: its items, and the feed's other posts that are not sent
    (undated new posts)."""

    feed_url: str
    title: str
    items: tuple[PreviewItem, ...]
    locked: bool  # whether urls.lock told which items were seen
    undated_new: int


def next_items(
    config: SiteConfig,
    urls: Urls,
    posts: Sequence[Post],
    pins: Sequence[Pin] | None,
) -> list[PreviewItem]:
    """The items of a feed of `posts` whose guid no pin holds (all of them without a lock),
    oldest first, as a service would send them, with the HTML the feed carries."""
    seen = {pin.guid for pin in pins or () if pin.guid and pin.date is not None}  # in feeds
    items = []
    for post in reversed(feed_items(posts, config.feed.items)):
        link = urls.absolute(Urls.post(post))
        guid = post.guid or link
        if guid in seen or post.date is None:
            continue
        body = item_html(config, urls, post)
        warnings = tuple(email_warnings(body))
        items.append(PreviewItem(post.headline, post.date, guid, link, body, warnings))
    return items


def next_digest_items(
    config: SiteConfig,
    urls: Urls,
    posts: Sequence[Post],
    pinned: Sequence[Post] | None,
    tag_slug: str | None,
    fallback: datetime,
) -> list[PreviewItem]:
    """The items of a digest feed of `posts` that a service which saw the digest feed of the
    `pinned` posts alone has not seen (all of them with `pinned` None), oldest first."""
    kind = config.feed.digest
    if kind is None:
        return []
    seen: set[str] = set()
    if pinned is not None:
        then = ended_digests(pinned, kind, config.tz, digest_clock(pinned, fallback))
        seen = {digest.period.id for digest in then}
    now = ended_digests(posts, kind, config.tz, digest_clock(posts, fallback))
    items = []
    for digest in reversed(now[: config.feed.items]):
        if digest.period.id in seen:
            continue
        link = urls.absolute(Urls.digest(digest.period.id, tag_slug))
        body = digest_html(config, urls, digest.posts)
        warnings = tuple(email_warnings(body))
        items.append(PreviewItem(digest.title, item_date(digest), link, link, body, warnings))
    return items


def email_warnings(fragment: str) -> list[str]:
    """What an e-mail client would drop from, or break in, an item's HTML."""
    finder = _Finder()
    finder.feed(fragment)
    finder.close()
    return list(dict.fromkeys(finder.warnings))  # each once, in order


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.warnings: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in DROPPED_ELEMENTS:
            self.warnings.append(f"<{tag}>: {DROPPED_ELEMENTS[tag]}")
        if "class" in values or "id" in values:
            name = "class" if "class" in values else "id"
            self.warnings.append(
                f'<{tag} {name}="{values[name]}">: with no style sheet in an e-mail, what the'
                f" {name} styles is lost"
            )
        if "style" in values and tag != "img":
            self.warnings.append(f"<{tag} style>: some clients drop inline styles")
        for name in ("href", "src"):
            if name in values and not _absolute(values[name]):
                self.warnings.append(
                    f'<{tag} {name}="{values[name]}">: a relative URL leads nowhere in an e-mail'
                )
        if tag == "img":
            if not values.get("alt"):
                self.warnings.append(
                    f'<img src="{values.get("src", "")}"> has no alt text: shown as nothing'
                    " while images are blocked"
                )
            if not (values.get("width") and values.get("height")):
                self.warnings.append(
                    f'<img src="{values.get("src", "")}"> has no width and height: the'
                    " e-mail jumps as it loads, and Outlook may show it at full size"
                )


def _absolute(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ABSOLUTE_SCHEMES or url.startswith("#")


def render_preview(config: SiteConfig, urls: Urls, preview: Preview) -> str:
    """The preview page (`feed-preview.html`, a template a site may override like any other):
    every item as an e-mail would show it, its HTML the feed's, sanitized when the post was
    read."""
    from microblog.render import make_environment

    template = make_environment(config, urls).get_template("feed-preview.html")
    return template.render(preview=preview, tz=config.tz)

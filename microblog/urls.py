"""Every URL of the site from one place: the output path of each kind of page and file, and
the links that post HTML leaves open (text/linked.py), resolved for a page or for a feed.

Output paths are relative to the output folder (POSIX form). Pages link root-relative, under
base_url's path; feeds, the sitemap, canonical and `og:` URLs are absolute and ASCII.
"""

from __future__ import annotations

import re
from typing import Final, Literal
from urllib.parse import quote, unquote, urljoin, urlsplit

from microblog.config import SiteConfig
from microblog.model import Post
from microblog.text.linked import Link, LinkKind
from microblog.text.links import to_ascii_url

FeedKind = Literal["rss", "atom", "json"]
FEED_FILES: Final[dict[FeedKind, str]] = {
    "rss": "feed.xml",
    "atom": "atom.xml",
    "json": "feed.json",  # JSON Feed 1.1
}
_NOT_IN_URLS: Final = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')


class Urls:
    """Output paths and URLs of every kind of page, and of the links in posts."""

    TAGS: Final = "tags/index.html"
    ARCHIVE: Final = "archive/index.html"
    STATS: Final = "stats/index.html"
    ON_THIS_DAY: Final = "on-this-day/index.html"
    ON_THIS_DAY_SCRIPT: Final = "on-this-day.js"  # a default static file (microblog/static/)
    SEARCH: Final = "search/index.html"
    SEARCH_BUNDLE: Final = "pagefind/"  # Pagefind's index and its script (search.py)
    SEARCH_SCRIPT: Final = "search/search.js"  # a default static file, only with `search: true`
    NOT_FOUND: Final = "404.html"
    SITEMAP: Final = "sitemap.xml"
    ROBOTS: Final = "robots.txt"
    MANIFEST: Final = "manifest.webmanifest"
    FAVICON: Final = "favicon.svg"  # in static/: a site may replace it

    def __init__(self, config: SiteConfig) -> None:
        self.base_path = config.base_path
        parts = urlsplit(config.base_url)
        host = parts.netloc if parts.netloc.isascii() else parts.netloc.encode("idna").decode()
        self.origin = f"{parts.scheme}://{host}"
        self._page_html: dict[str, str] = {}
        self._feed_html: dict[str, str] = {}

    # -- output paths ---------------------------------------------------------------------

    @staticmethod
    def post(post: Post) -> str:
        return Urls.post_slug(post.slug)

    @staticmethod
    def post_slug(slug: str) -> str:
        return f"posts/{slug}/index.html"

    @staticmethod
    def tag(tag_slug: str, page: int = 1) -> str:
        return f"tags/{tag_slug}/" + (f"page/{page}/" if page > 1 else "") + "index.html"

    @staticmethod
    def feed(kind: FeedKind, tag_slug: str | None = None) -> str:
        """The site's feed of that kind, or the feed of one tag."""
        folder = "" if tag_slug is None else f"tags/{tag_slug}/"
        return folder + FEED_FILES[kind]

    @staticmethod
    def feed_archive(number: int) -> str:
        """Page `number` of the site's feed archive (RFC 5005), 1 the oldest posts."""
        return f"feeds/archive/{number}.xml"

    @staticmethod
    def digest(period_id: str | None = None, tag_slug: str | None = None) -> str:
        """The page of one digest period (`digest/2024-W23/`), or the list of them
        (`period_id` None): the site's, or under `tags/<slug>/` one tag's."""
        folder = "digest/" if tag_slug is None else f"tags/{tag_slug}/digest/"
        return folder + (f"{period_id}/" if period_id else "") + "index.html"

    @staticmethod
    def digest_feed(kind: FeedKind, tag_slug: str | None = None) -> str:
        """The digest feed of that kind (RSS or Atom) of the site, or of one tag."""
        return Urls.digest(None, tag_slug).removesuffix("index.html") + FEED_FILES[kind]

    @staticmethod
    def on_this_day(month: int, day: int) -> str:
        """The page of one calendar day across the years: `on-this-day/06-01/`."""
        return f"on-this-day/{month:02d}-{day:02d}/index.html"

    @staticmethod
    def home(page: int = 1) -> str:
        return f"page/{page}/index.html" if page > 1 else "index.html"

    # -- URLs of output paths -------------------------------------------------------------

    def url(self, path: str) -> str:
        """Root-relative URL of an output path (`posts/x/index.html` -> `/base/posts/x/`)."""
        if path.endswith("index.html"):
            path = path[: -len("index.html")]
        return self.base_path + quote(path, safe="/")

    def absolute(self, path: str) -> str:
        """Absolute ASCII URL of an output path (feeds, sitemap, canonical, og:)."""
        return self.origin + self.url(path)

    # -- links in posts -------------------------------------------------------------------

    def post_html(self, post: Post) -> str:
        """A post's HTML as pages show it: every link root-relative or as the post wrote it."""
        html = self._page_html.get(post.id)
        if html is None:
            slugs = _tag_slugs(post)
            html = post.body.resolve(lambda link: self.page_link(link, slugs))
            self._page_html[post.id] = html
        return html

    def feed_html(self, post: Post) -> str:
        """A post's HTML as feeds carry it, read away from the site: every URL absolute
        (a fragment names the post's own page) and ASCII."""
        html = self._feed_html.get(post.id)
        if html is None:
            slugs = _tag_slugs(post)
            permalink = self.absolute(self.post(post))
            html = post.body.resolve(
                lambda link: urljoin(permalink, to_ascii_url(self.page_link(link, slugs)))
            )
            self._feed_html[post.id] = html
        return html

    def page_link(self, link: Link, tag_slugs: dict[str, str]) -> str:
        """Where an open link of a post points on a page of the site."""
        if link.kind is LinkKind.TAG:
            return self.url(self.tag(tag_slugs[link.target]))
        if link.kind is LinkKind.SITE:
            return self.site_link(link.target)
        return link.target  # a URL with a scheme (nh3 let it stay), or `#fragment`

    def site_link(self, url: str) -> str:
        """Where a relative URL in a post points: into the site, from its root.

        A post is shown on its own page, on listing pages and in feeds, so a URL relative to
        the page would point somewhere else on each. `images/x.png` and `/images/x.png` both
        mean the site's `images/x.png`, under base_url's path, and so does a URL that already
        starts with that path. `.` and `..` are resolved from the site's root and never climb
        above it (`../other/` is the site's `other/`). A protocol-relative URL is another
        host's.
        """
        base = self.base_path
        end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path = url[:end].replace("\\", "/")  # as browsers read a URL: `\` is `/`
        if path.startswith("//"):
            return _encoded(path + url[end:])  # another host's, as the browser reads it
        if path == base.rstrip("/") or path.startswith(base):
            path = path[len(base) :]
        resolved = _without_dot_segments(path.lstrip("/")).lstrip("/")  # never `//host`
        return _encoded(base + resolved + url[end:])


def _tag_slugs(post: Post) -> dict[str, str]:
    return {tag.key: tag.slug for tag in post.tags}


def _encoded(url: str) -> str:
    """`my file.pdf` as `my%20file.pdf`: what may not stand in a URL, percent-encoded."""
    return _NOT_IN_URLS.sub(lambda match: f"%{ord(match[0]):02X}", url)


def _without_dot_segments(path: str) -> str:
    """`a/./b/../c/` is `a/c/`; a `..` at the top is dropped: the site's root is the top."""
    kept: list[str] = []
    segments = path.split("/")
    dots = [unquote(segment).lower() for segment in segments]  # `%2e%2e` is `..` too
    for segment, dot in zip(segments, dots, strict=True):
        if dot == "..":
            if kept:
                kept.pop()
        elif dot != ".":
            kept.append(segment)
    if dots[-1] in (".", "..") and kept and kept[-1]:
        kept.append("")  # `a/..` names a folder: keep its slash
    return "/".join(kept)

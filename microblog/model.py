"""The content record and its parts: plain frozen data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from microblog.text.linked import LinkedHtml

NETWORK_NAMES = {"twitter": "Twitter/X", "mastodon": "Mastodon"}  # as pages and reports name them


@dataclass(frozen=True, slots=True)
class Source:
    """Where a post came from: a path relative to the site folder (POSIX form) and a line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class LineHistory:
    """For each committed line of a file: when its commit was authored, and when committed
    (a rebase or cherry-pick keeps the first and renews the second)."""

    authored: dict[int, datetime]
    committed: dict[int, datetime]


@dataclass(frozen=True, slots=True)
class Tag:
    """A hashtag as one post wrote it.

    `name` is the display form (without `#`), `key` groups spellings that differ only in case or
    Unicode normalisation, `slug` is the URL segment of the tag's pages: given across the site
    by `taxonomy.assign_site_tag_slugs` ("" until then).
    """

    name: str
    key: str
    slug: str = ""


@dataclass(frozen=True, slots=True)
class Media:
    """An image, GIF or video of an imported post: a file of its export, copied into the
    output at `path` (only when the post is published)."""

    kind: str  # "image", "gif" or "video"
    export: str  # the export holding it: its site-relative path (a folder or a .zip)
    member: str  # the file's path inside the export; "" when the export lacks it
    path: str  # where it is written in the output ("" when it is missing)
    alt: str = ""  # the export's description of it
    mime: str = ""
    size: int = 0  # bytes, 0 when unknown
    width: int | None = None
    height: int | None = None
    remote: str = ""  # where the network served it: linked when the file is missing


@dataclass(frozen=True, slots=True)
class Reply:
    """What a post answers: the original on its network, and our own post id when it is one of
    ours (a thread)."""

    url: str
    post_id: str | None = None
    to: str = ""  # the account answered, like "@name"


@dataclass(frozen=True, slots=True)
class Redirect:
    """A post page that moved: the slug a post had, and the id of the post it is now part of
    (a cross-post shown once), or that now has a URL of its own (`moved`, see pinning.py)."""

    slug: str
    post_id: str
    source: Source
    moved: bool = False  # a post pinned in urls.lock that moved to a slug of its own


@dataclass(frozen=True, slots=True)
class Post:
    """One content record.

    `text` is the whole post as repaired (hashtags included); `body` is its rendered and
    sanitized HTML with links left open (`urls.Urls` resolves them for a page or a feed;
    templates read it as `post.html`, see render.py); `headline` is its title or one made from
    its first words, `summary` a plain-text description; `date` is timezone-aware or None;
    `order` is the post's position in its source (file path, index), used to keep file order.
    """

    id: str
    slug: str
    date: datetime | None
    text: str
    body: LinkedHtml
    tags: tuple[Tag, ...]
    links: tuple[str, ...]
    lang: str | None
    draft: bool
    source: Source
    title: str | None = None
    headline: str = ""
    summary: str = ""
    date_origin: str = ""
    order: tuple[str, int] = field(default=("", 0))
    media: tuple[Media, ...] = ()
    reply_to: Reply | None = None
    warning: str | None = None  # a content warning: the post is shown collapsed behind it
    network: str = ""  # "twitter" or "mastodon" for an imported post, "" for the site's own
    original: str = ""  # the post's own address on its network
    repost_of: str = ""  # a retweet or boost: the account whose post it repeats
    also_at: tuple[str, ...] = ()  # the same post cross-posted elsewhere: those addresses
    guid: str = ""  # the feed guid pinned in urls.lock (lock.py); "" for the permalink

    def to_json(self, html: str) -> dict[str, object]:
        """The record as `check --json` prints it, with its HTML as a page shows it."""
        return {
            "id": self.id,
            "slug": self.slug,
            "date": self.date.isoformat() if self.date else None,
            "date_origin": self.date_origin or None,
            "title": self.title,
            "headline": self.headline,
            "summary": self.summary,
            "text": self.text,
            "html": html,
            "tags": [tag.name for tag in self.tags],
            "tag_slugs": [tag.slug for tag in self.tags],
            "links": list(self.links),
            "lang": self.lang,
            "draft": self.draft,
            "source": str(self.source),
            "network": self.network or None,
            "original": self.original or None,
            "reply_to": self.reply_to.url if self.reply_to else None,
            "warning": self.warning,
            "repost_of": self.repost_of or None,
            "media": [
                {"kind": m.kind, "path": m.path or None, "alt": m.alt, "remote": m.remote or None}
                for m in self.media
            ],
        }

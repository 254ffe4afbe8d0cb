"""The content record and its parts: plain frozen data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from microblog.text.linked import LinkedHtml


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
        }

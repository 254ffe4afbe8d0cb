"""From a post's repaired text to a content record: tags, links, HTML, id and slug."""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from microblog.model import Post, Source, Tag
from microblog.problems import Problem, Severity
from microblog.sources.frontmatter import Field, Split, read_front_matter, split_front_matter
from microblog.text.decode import C1_CONTROLS
from microblog.text.hashtags import find_hashtags, tag_key
from microblog.text.linked import NONCHARACTERS, Link, LinkCollector, LinkedHtml, LinkKind
from microblog.text.links import find_urls
from microblog.text.mojibake import repair_mojibake
from microblog.text.slugs import slug_from_text
from microblog.text.titles import fold_whitespace, plain_words, shorten, title_from_text

SUMMARY_CHARS = 300
MAX_TAGS = 100  # distinct tags a post is listed under
MAX_TAGGED_CHARS = 20_000_000  # a post's length times its tags: what its tag pages repeat
MAX_TAG_LINKS = 1_000  # hashtags linked in a post's HTML


@dataclass(frozen=True, slots=True)
class Head:
    """A post file's front matter values and its body, repaired, ready to split or render."""

    split: Split
    values: dict[str, Any]
    body: str


def read_head(
    text: str, path: str, fields: Mapping[str, Field], tz: tzinfo
) -> Generator[Problem, None, Head]:
    """Front matter, then text repair: the first steps every reader takes, problems yielded."""
    split, problem = split_front_matter(text)
    if problem:
        yield dataclasses.replace(problem, path=path)
    front = read_front_matter(split, fields, tz)
    for item in front.problems:
        yield dataclasses.replace(item, path=path)
    # decoding drops noncharacters; a parser called on text directly must not let one stand
    # for a link placeholder (text/linked.py)
    body, repairs = repair_mojibake(NONCHARACTERS.sub("\ufffd", split.body))
    for repair in repairs:
        line = split.body_line + repair.line - 1
        message = f"mojibake ({repair.kind}) {repair.before!r} -> {repair.after!r}"
        yield Problem(path, line, "MB030", Severity.NOTE, message, "repaired")
    if C1_CONTROLS.search(body):  # what the repair did not read as cp874 can't be shown
        for number, line_text in enumerate(body.split("\n"), start=split.body_line):
            if C1_CONTROLS.search(line_text):
                yield Problem(
                    path,
                    number,
                    "MB013",
                    Severity.WARNING,
                    "C1 control characters in text",
                    "removed",
                )
        body = C1_CONTROLS.sub("", body)
    return Head(split, front.values, body)


def collect_tags(
    text: str, extra: Iterable[str] = (), hashtags: Iterable[str] | None = None
) -> tuple[tuple[Tag, ...], int]:
    """Tags of a post: front-matter ones first, then hashtags in order; one per key.

    At most `tag_limit(text)`, with the number of further distinct tags: a tag's pages and
    feeds repeat the whole post, so 30,000 distinct tags in one 200 KB post, or 100 in a
    60 MB one, would write gigabytes.

    Tags are told apart by key, so "a/b" and "a\\b" stay two tags; their slugs are given
    across the whole site (`taxonomy.assign_site_tag_slugs`), never by a reader.
    """
    limit = tag_limit(text)
    names: dict[str, str] = {}  # key -> the first spelling
    keys: set[str] = set()
    if hashtags is None:
        hashtags = [span.name for span in find_hashtags(text)]
    for name in [*extra, *hashtags]:
        key = tag_key(name)
        if key not in keys:
            keys.add(key)
            if len(names) < limit:
                names[key] = name
    tags = tuple(Tag(name=name, key=key) for key, name in names.items())
    return tags, len(keys) - len(tags)


def tag_limit(text: str) -> int:
    """How many tags a post may have: MAX_TAGS, fewer for a post over 200,000 characters."""
    return min(MAX_TAGS, MAX_TAGGED_CHARS // max(len(text), 1))


class TagLinks:
    """Where one post's hashtags link: each to the page of its tag, if the post has that tag
    (see collect_tags), for the first MAX_TAG_LINKS hashtags; the others stay text. The link
    is left open (a placeholder in `links`): the tag's slug and URL are the site's to give.

    A 200 KB run of `#a#a#a...` is 100,000 hashtags: as links it would weigh 5 MB on every page
    that shows the post, and link one tag page over and over.
    """

    def __init__(self, tags: Iterable[Tag], links: LinkCollector) -> None:
        self._tag_keys = {tag.key for tag in tags}
        self._links = links
        self._keys: dict[str, str] = {}
        self._left = MAX_TAG_LINKS

    def __call__(self, name: str) -> str | None:
        if self._left <= 0:
            return None
        key = self._keys.get(name) or self._keys.setdefault(name, tag_key(name))
        if key not in self._tag_keys:
            return None
        self._left -= 1
        return self._links.add(Link(LinkKind.TAG, key))


def read_tags(
    text: str,
    extra: Iterable[str],
    source: Source,
    links: LinkCollector,
    hashtags: Iterable[str] | None = None,
) -> Generator[Problem, None, tuple[tuple[Tag, ...], TagLinks]]:
    """A post's tags and the links of its hashtags; tags past the limit are reported.

    `hashtags` are the names of the hashtags of the post when not every `#word` of its text
    is one (in Markdown, code and link targets are not text); by default all of them."""
    tags, left_out = collect_tags(text, extra, hashtags)
    if left_out:
        yield Problem(
            source.path,
            source.line,
            "MB032",
            Severity.WARNING,
            f"{len(tags) + left_out} distinct tags, more than a post of {len(text):,} characters"
            f" may have ({tag_limit(text)}): each tag page repeats the post",
            f"the first {len(tags)} get tag pages, the others stay in the text, unlinked",
        )
    return tags, TagLinks(tags, links)


def text_digest(text: str) -> str:
    """A post's identity from its text: NFC, whitespace folded, so re-wrapping keeps it."""
    normal = fold_whitespace(unicodedata.normalize("NFC", text))
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()


def slug_with_id(text: str, digest: str) -> str:
    """Human-readable and unique: the first words of the post and a short hash of it."""
    words = slug_from_text(text)
    return f"{words}-{digest[:6]}" if words else f"post-{digest[:12]}"


@dataclass(frozen=True, slots=True)
class Draft:
    """What a reader knows about one post before it becomes a record."""

    text: str
    html: LinkedHtml
    source: Source
    id: str
    slug: str
    date: datetime | None
    date_origin: str
    lang: str | None
    draft: bool
    title: str | None
    tags: tuple[Tag, ...]
    rank: int
    shown_text: str  # the words a reader sees: the text itself, or rendered Markdown's text

    def to_post(self) -> Post:
        return Post(
            id=self.id,
            slug=self.slug,
            date=self.date,
            text=self.text,
            body=self.html,
            tags=self.tags,
            links=tuple(span.url for span in find_urls(self.text)),
            lang=self.lang,
            draft=self.draft,
            source=self.source,
            title=self.title,
            headline=self.title or title_from_text(self.shown_text),
            summary=shorten(plain_words(self.shown_text), SUMMARY_CHARS),
            date_origin=self.date_origin,
            order=(self.source.path, self.rank),
        )

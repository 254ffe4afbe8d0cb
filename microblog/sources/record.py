"""From a post's repaired text to a content record: tags, links, HTML, id and slug."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote, unquote

from microblog.config import SiteConfig
from microblog.model import Post, Source, Tag
from microblog.problems import Problem, Severity
from microblog.sources.frontmatter import Field, Split, read_front_matter, split_front_matter
from microblog.text.decode import C1_CONTROLS
from microblog.text.hashtags import assign_tag_slugs, find_hashtags, tag_key
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
    body, repairs = repair_mojibake(split.body)
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


def tag_href_for(config: SiteConfig) -> Callable[[str], str]:
    """The root-relative URL of the page of a tag, given its slug, as used inside post HTML."""
    base = config.base_path

    def href(slug: str) -> str:
        return base + "tags/" + quote(slug, safe="") + "/"

    return href


def site_url_resolver(config: SiteConfig) -> Callable[[str], str]:
    """Where a relative URL in a post points: into the site, from its root.

    A post is shown on its own page, on listing pages and in feeds, so a URL relative to the
    page would point somewhere else on each. `images/x.png` and `/images/x.png` both mean the
    site's `images/x.png`, under base_url's path, and so does a URL that already starts with
    that path. `.` and `..` are resolved from the site's root and never climb above it
    (`../other/` is the site's `other/`). A fragment, a protocol-relative URL and one with a
    scheme are left as they are.
    """
    base = config.base_path

    def resolve(url: str) -> str:
        if url.startswith("#"):
            return url
        end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
        path = url[:end].replace("\\", "/")  # as browsers read a URL: `\` is `/`
        if ":" in path.split("/", 1)[0] and not path.startswith("/"):
            return url  # a scheme: nh3 decides whether it may stay
        if path.startswith("//"):
            return _encoded(path + url[end:])  # another host's, as the browser reads it
        if path == base.rstrip("/") or path.startswith(base):
            path = path[len(base) :]
        resolved = _without_dot_segments(path.lstrip("/")).lstrip("/")  # never `//host`
        return _encoded(base + resolved + url[end:])

    return resolve


_NOT_IN_URLS = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')


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


def collect_tags(
    text: str, extra: Iterable[str] = (), hashtags: Iterable[str] | None = None
) -> tuple[tuple[Tag, ...], int]:
    """Tags of a post: front-matter ones first, then hashtags in order; one per key.

    At most `tag_limit(text)`, with the number of further distinct tags: a tag's pages and
    feeds repeat the whole post, so 30,000 distinct tags in one 200 KB post, or 100 in a
    60 MB one, would write gigabytes.

    Slugs are distinct within the post (`assign_tag_slugs` over its keys), so "a/b" and "a\\b"
    stay two tags; `taxonomy.assign_site_tag_slugs` then gives each key its slug across the
    site.
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
    slugs = assign_tag_slugs(names)
    tags = tuple(Tag(name=name, key=key, slug=slugs[key]) for key, name in names.items())
    return tags, len(keys) - len(tags)


def tag_limit(text: str) -> int:
    """How many tags a post may have: MAX_TAGS, fewer for a post over 200,000 characters."""
    return min(MAX_TAGS, MAX_TAGGED_CHARS // max(len(text), 1))


class TagLinks:
    """Where one post's hashtags link: each to the page of its tag, if the post has that tag
    (see collect_tags), for the first MAX_TAG_LINKS hashtags; the others stay text.

    A 200 KB run of `#a#a#a...` is 100,000 hashtags: as links it would weigh 5 MB on every page
    that shows the post, and link one tag page over and over.
    """

    def __init__(self, config: SiteConfig, tags: Iterable[Tag]) -> None:
        href = tag_href_for(config)
        self._hrefs = {tag.key: href(tag.slug) for tag in tags}
        self._keys: dict[str, str] = {}
        self._left = MAX_TAG_LINKS

    def __call__(self, name: str) -> str | None:
        if self._left <= 0:
            return None
        key = self._keys.get(name) or self._keys.setdefault(name, tag_key(name))
        href = self._hrefs.get(key)
        if href is not None:
            self._left -= 1
        return href


def read_tags(
    text: str,
    extra: Iterable[str],
    source: Source,
    config: SiteConfig,
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
    return tags, TagLinks(config, tags)


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
    html: str
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
            html=self.html,
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

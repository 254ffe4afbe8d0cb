"""Group posts by tag and by month; give each tag of the site its slug. Pure."""

from __future__ import annotations

import dataclasses
import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from urllib.parse import quote

from microblog.model import Post
from microblog.text.hashtags import assign_tag_slugs


@dataclass(frozen=True, slots=True)
class TagIndex:
    """One tag across the site: shown in its most used spelling, its posts newest first."""

    slug: str
    name: str
    posts: tuple[Post, ...]

    @property
    def count(self) -> int:
        return len(self.posts)


def assign_site_tag_slugs(posts: Sequence[Post], tags_href: str) -> tuple[Post, ...]:
    """`posts` with each tag's slug chosen among all the tags of the site, and the hashtag
    links of their HTML pointing to it.

    A reader only sees one post, so it gives each tag a slug that is distinct within that
    post; here `assign_tag_slugs` makes them distinct across the site ("c++" and "c" both
    want `c`: "c" keeps it, "c++" becomes `c-<hash>`). Drafts count too, so publishing one
    does not move another tag's page. `tags_href` is where the readers' hashtag links point
    (`/base/path/tags/`, see sources/record.py): only links exactly so made are followed, so
    a link of the post's own to another site's tag page stays as it was written.
    """
    slugs = assign_tag_slugs(tag.key for post in posts for tag in post.tags)
    written = html.escape(tags_href, quote=False)  # as nh3 writes an href: `'` stays as it is
    link = re.compile(f'(<a class="hashtag" href="{re.escape(written)})([^"/]*)(/")')
    return tuple(_with_slugs(post, slugs, link) for post in posts)


def _with_slugs(post: Post, slugs: Mapping[str, str], link: re.Pattern[str]) -> Post:
    moved = {tag.slug: slugs[tag.key] for tag in post.tags if tag.slug != slugs[tag.key]}
    if not moved:
        return post
    tags = tuple(dataclasses.replace(tag, slug=slugs[tag.key]) for tag in post.tags)
    hrefs = {quote(old, safe=""): quote(new, safe="") for old, new in moved.items()}

    def relink(match: re.Match[str]) -> str:
        slug = hrefs.get(match[2])
        return match[0] if slug is None else match[1] + slug + match[3]

    return dataclasses.replace(post, tags=tags, html=link.sub(relink, post.html))


def group_by_tag(posts: Sequence[Post]) -> tuple[TagIndex, ...]:
    """Tags grouped by key (case and normalisation folded), sorted by slug.

    The posts' tag slugs should come from `assign_site_tag_slugs`, so that distinct keys
    have distinct slugs; each group takes the slug of its first post.
    """
    members: dict[str, list[Post]] = {}
    spellings: dict[str, Counter[str]] = {}
    slugs: dict[str, str] = {}
    for post in posts:
        for tag in post.tags:
            members.setdefault(tag.key, []).append(post)
            spellings.setdefault(tag.key, Counter())[tag.name] += 1
            slugs.setdefault(tag.key, tag.slug)
    return tuple(
        TagIndex(slugs[key], _most_used(spellings[key]), tuple(members[key]))
        for key in sorted(members, key=lambda key: (slugs[key], key))
    )


def _most_used(counter: Counter[str]) -> str:
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]


@dataclass(frozen=True, slots=True)
class MonthGroup:
    """Posts of one month (year and month None for undated posts), newest first."""

    year: int | None
    month: int | None
    posts: tuple[Post, ...]


def group_by_month(posts: Sequence[Post], tz: tzinfo) -> tuple[MonthGroup, ...]:
    """Posts (already newest first) grouped by year and month in the site's time zone."""
    groups: dict[tuple[int, int] | None, list[Post]] = {}
    for post in posts:
        key = None
        if post.date is not None:
            local = post.date.astimezone(tz)
            key = (local.year, local.month)
        groups.setdefault(key, []).append(post)
    dated = sorted((k for k in groups if k is not None), reverse=True)
    result = [MonthGroup(year, month, tuple(groups[(year, month)])) for year, month in dated]
    if None in groups:
        result.append(MonthGroup(None, None, tuple(groups[None])))
    return tuple(result)

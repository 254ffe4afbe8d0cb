"""Group posts by tag and by month; give each tag of the site its slug. Pure."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from microblog.model import Post, Tag
from microblog.text.hashtags import assign_tag_slugs
from microblog.timeline import Timeline


@dataclass(frozen=True, slots=True)
class TagIndex:
    """One tag across the site: shown in its most used spelling, its posts newest first."""

    slug: str
    name: str
    posts: tuple[Post, ...]

    @property
    def count(self) -> int:
        return len(self.posts)


def make_taxonomy(timeline: Timeline) -> tuple[Timeline, tuple[TagIndex, ...]]:
    """The timeline with every tag's slug given across the site, and its published posts
    grouped by tag."""
    slugged = assign_site_tag_slugs(timeline.all_posts)  # published posts, then drafts
    published = len(timeline.posts)
    timeline = dataclasses.replace(timeline, posts=slugged[:published], drafts=slugged[published:])
    return timeline, group_by_tag(timeline.posts)


def assign_site_tag_slugs(posts: Sequence[Post]) -> tuple[Post, ...]:
    """`posts` with each tag's slug chosen among all the tags of `posts` (the site's).

    A reader only sees one post, so it gives its tags no slug; here `assign_tag_slugs` makes
    them distinct across the site ("c++" and "c" both want `c`: "c" keeps it, "c++" becomes
    `c-<hash>`). Drafts count too, so publishing one does not move another tag's page. The
    hashtag links in a post's HTML name the tag by key: they follow (urls.py).
    """
    slugs = assign_tag_slugs(tag.key for post in posts for tag in post.tags)
    return tuple(_with_slugs(post, slugs) for post in posts)


def _with_slugs(post: Post, slugs: Mapping[str, str]) -> Post:
    if all(tag.slug == slugs[tag.key] for tag in post.tags):
        return post
    tags = tuple(Tag(tag.name, tag.key, slugs[tag.key]) for tag in post.tags)
    return dataclasses.replace(post, tags=tags)


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

"""Group posts by tag and by month. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from microblog.model import Post


@dataclass(frozen=True, slots=True)
class TagIndex:
    """One tag across the site: shown in its most used spelling, its posts newest first."""

    slug: str
    name: str
    posts: tuple[Post, ...]

    @property
    def count(self) -> int:
        return len(self.posts)


def group_by_tag(posts: Sequence[Post]) -> tuple[TagIndex, ...]:
    """Tags keyed by slug (case and normalisation already folded), sorted by slug."""
    members: dict[str, list[Post]] = {}
    spellings: dict[str, Counter[str]] = {}
    for post in posts:
        for tag in post.tags:
            members.setdefault(tag.slug, []).append(post)
            spellings.setdefault(tag.slug, Counter())[tag.name] += 1
    return tuple(
        TagIndex(slug, _most_used(spellings[slug]), tuple(members[slug]))
        for slug in sorted(members)
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

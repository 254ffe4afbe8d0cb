"""The numbers of the stats page, from the published posts, in the site's time zone. Pure.

Posts per month over the archive's whole span (months without posts count as 0), the most
used tags, posts by weekday and by hour, the longest run of consecutive days with posts and
the totals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from microblog.dates import MONTHS, month_label
from microblog.model import Post
from microblog.taxonomy import TagIndex

TOP_TAGS = 15
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: what it counts (`label`), how many, and the short label the axis
    may show under it (`tick`, "" for none)."""

    label: str
    value: int
    tick: str = ""


@dataclass(frozen=True, slots=True)
class TagCount:
    name: str
    slug: str
    count: int


@dataclass(frozen=True, slots=True)
class Streak:
    """The longest run of consecutive days with posts (the earliest of the longest)."""

    days: int
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class SiteStats:
    posts: int
    dated: int
    tags: int
    first: date | None  # the first and last day with posts
    last: date | None
    months: tuple[Bar, ...]  # every month from the first to the last, oldest first
    weekdays: tuple[Bar, ...]  # Monday to Sunday
    hours: tuple[Bar, ...]  # 0 to 23
    top_tags: tuple[TagCount, ...]
    streak: Streak | None

    @property
    def undated(self) -> int:
        return self.posts - self.dated

    @property
    def tag_bars(self) -> tuple[Bar, ...]:
        return tuple(Bar(f"#{tag.name}", tag.count) for tag in self.top_tags)


def compute_stats(
    posts: Sequence[Post], tags: Sequence[TagIndex], tz: tzinfo, top: int = TOP_TAGS
) -> SiteStats:
    """The stats of the published `posts` and their `tags` (taxonomy.group_by_tag)."""
    local = [post.date.astimezone(tz) for post in posts if post.date is not None]
    days = sorted({moment.date() for moment in local})
    weekdays = Counter(moment.weekday() for moment in local)
    hours = Counter(moment.hour for moment in local)
    ranked = sorted(tags, key=lambda tag: (-tag.count, tag.name.casefold(), tag.slug))
    return SiteStats(
        posts=len(posts),
        dated=len(local),
        tags=len(tags),
        first=days[0] if days else None,
        last=days[-1] if days else None,
        months=month_bars(Counter((moment.year, moment.month) for moment in local)),
        weekdays=tuple(
            Bar(name, weekdays[number], name[:3]) for number, name in enumerate(WEEKDAY_NAMES)
        ),
        hours=tuple(
            Bar(f"{hour:02d}:00", hours[hour], f"{hour:02d}" if hour % 3 == 0 else "")
            for hour in range(24)
        ),
        top_tags=tuple(TagCount(tag.name, tag.slug, tag.count) for tag in ranked[:top]),
        streak=longest_streak(days),
    )


SHORT_SPAN = 12  # months: up to this many, the axis names each month, not only the years


def month_bars(counts: Counter[tuple[int, int]]) -> tuple[Bar, ...]:
    """A bar for every month from the first to the last of `counts` ((year, month): posts),
    the months between included. The axis may name the year at each January and the first
    month; over a short span (SHORT_SPAN), each month ("Jun"), with its year at those."""
    if not counts:
        return ()
    (year, month), end = min(counts), max(counts)
    short = (end[0] - year) * 12 + end[1] - month < SHORT_SPAN
    bars: list[Bar] = []
    while (year, month) <= end:
        named = month == 1 or not bars
        tick = str(year) if named else ""
        if short:
            tick = f"{MONTHS[month - 1][:3]} {year}" if named else MONTHS[month - 1][:3]
        bars.append(Bar(month_label(year, month), counts[(year, month)], tick))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(bars)


def longest_streak(days: Sequence[date]) -> Streak | None:
    """The longest run of consecutive days in `days` (sorted, distinct); the earliest wins a
    tie. None without days."""
    best: Streak | None = None
    start = 0
    for index, day in enumerate(days):
        if index > 0 and day - days[index - 1] != timedelta(days=1):
            start = index
        length = index - start + 1
        if best is None or length > best.days:
            best = Streak(length, days[start], day)
    return best

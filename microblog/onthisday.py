"""On this day: the dated posts of each calendar day (month and day) across the years, in
the site's time zone. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from microblog.dates import MONTHS
from microblog.model import Post


def month_day_label(month: int, day: int) -> str:
    """`June 1`: the English month name and the day without a leading zero."""
    return f"{MONTHS[month - 1]} {day}"


@dataclass(frozen=True, slots=True)
class YearPosts:
    """The posts of one day of one year, newest first."""

    year: int
    posts: tuple[Post, ...]


@dataclass(frozen=True, slots=True)
class DayCount:
    """A calendar day that has posts, and how many (the index lists them)."""

    month: int
    day: int
    count: int

    @property
    def label(self) -> str:
        return month_day_label(self.month, self.day)


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A calendar day across the years: its posts by year, newest year first."""

    month: int
    day: int
    years: tuple[YearPosts, ...]

    @property
    def label(self) -> str:
        return month_day_label(self.month, self.day)

    @property
    def count(self) -> int:
        return sum(len(year.posts) for year in self.years)


@dataclass(frozen=True, slots=True)
class MonthOfDays:
    """The days of one month (of any year) that have posts, for the index."""

    month: int
    days: tuple[DayCount, ...]

    @property
    def name(self) -> str:
        return MONTHS[self.month - 1]


def group_by_month_day(posts: Sequence[Post], tz: tzinfo) -> tuple[MonthDay, ...]:
    """The dated `posts` by calendar day (January 1 first), each day's by year."""
    found: dict[tuple[int, int], dict[int, list[Post]]] = {}
    dated = [(post.date, post) for post in posts if post.date is not None]
    dated.sort(key=lambda pair: pair[0], reverse=True)  # newest first; stable on ties
    for moment, post in dated:
        local = moment.astimezone(tz)
        found.setdefault((local.month, local.day), {}).setdefault(local.year, []).append(post)
    return tuple(
        MonthDay(month, day, tuple(YearPosts(year, tuple(by_year[year])) for year in by_year))
        for (month, day), by_year in sorted(found.items())
    )


def day_counts(days: Sequence[MonthDay]) -> tuple[MonthOfDays, ...]:
    """The days with posts grouped by month, with their counts (January first)."""
    months: dict[int, list[DayCount]] = {}
    for day in days:
        months.setdefault(day.month, []).append(DayCount(day.month, day.day, day.count))
    return tuple(MonthOfDays(month, tuple(counts)) for month, counts in sorted(months.items()))

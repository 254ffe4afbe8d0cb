"""Digests: the dated posts of each day, ISO week or calendar month, in the site's time zone,
as one item of a digest feed and one page (`feed.digest`). Pure: no clock, no I/O.

A period is shown only once it has ended, judged by a clock that is the newest post's date
or SOURCE_DATE_EPOCH, whichever is later (never the time of the build): a digest, once out,
changes only when one of its posts is edited, as a newsletter expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from microblog.config import SiteConfig
from microblog.dates import month_label, readable_date
from microblog.model import Post
from microblog.taxonomy import TagIndex


@dataclass(frozen=True, slots=True)
class Period:
    """A day, an ISO week or a month of the site's calendar; `end` is the next one's start."""

    kind: str  # daily, weekly or monthly
    id: str  # 2024-06-03, 2024-W23 or 2024-06: its page's folder
    label: str  # 3 June 2024, week of 3 June 2024 or June 2024
    start: datetime  # midnight of its first day, in the site's time zone
    end: datetime


@dataclass(frozen=True, slots=True)
class Digest:
    """One period's dated posts, newest first."""

    period: Period
    posts: tuple[Post, ...]

    @property
    def title(self) -> str:
        """`12 posts, week of 3 June 2024`."""
        count = len(self.posts)
        return f"{count} {'post' if count == 1 else 'posts'}, {self.period.label}"


def period_of(moment: datetime, kind: str, tz: tzinfo) -> Period:
    """The period of `kind` that holds `moment`, by its date in the time zone `tz`."""
    return period_on(moment.astimezone(tz).date(), kind, tz)


def period_on(day: date, kind: str, tz: tzinfo) -> Period:
    """The period of `kind` that holds the calendar day `day`."""
    if kind == "daily":
        return _period(kind, day.isoformat(), readable_date(day), day, day + timedelta(days=1), tz)
    if kind == "weekly":
        year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        label = f"week of {readable_date(monday)}"
        return _period(kind, f"{year}-W{week:02d}", label, monday, monday + timedelta(7), tz)
    if kind == "monthly":
        first = day.replace(day=1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        label = month_label(first.year, first.month)
        return _period(kind, f"{first.year}-{first.month:02d}", label, first, following, tz)
    raise ValueError(f"unknown digest period {kind!r}")


def _period(kind: str, ident: str, label: str, first: date, after: date, tz: tzinfo) -> Period:
    start = datetime.combine(first, time(), tzinfo=tz)
    return Period(kind, ident, label, start, datetime.combine(after, time(), tzinfo=tz))


def group_by_period(posts: Sequence[Post], kind: str, tz: tzinfo) -> tuple[Digest, ...]:
    """The dated posts grouped by period, newest period first, each period's posts in the
    order of `posts` (the timeline's: newest first); undated posts are in no digest."""
    groups: dict[str, list[Post]] = {}
    periods: dict[str, Period] = {}
    for post in posts:
        if post.date is None:
            continue
        period = period_of(post.date, kind, tz)
        periods.setdefault(period.id, period)
        groups.setdefault(period.id, []).append(post)
    ordered = sorted(periods.values(), key=lambda period: period.start, reverse=True)
    return tuple(Digest(period, tuple(groups[period.id])) for period in ordered)


def digest_clock(posts: Sequence[Post], fallback: datetime) -> datetime:
    """What `ended` judges by: the newest post's date, or `fallback` (SOURCE_DATE_EPOCH,
    else 1970) when that is later."""
    return max([fallback, *(post.date for post in posts if post.date is not None)])


def ended_digests(
    posts: Sequence[Post], kind: str, tz: tzinfo, clock: datetime
) -> tuple[Digest, ...]:
    """The digests of `posts` whose period ended by `clock`, newest first."""
    return tuple(
        digest for digest in group_by_period(posts, kind, tz) if digest.period.end <= clock
    )


def item_date(digest: Digest) -> datetime:
    """A digest item's date: its period's end (in UTC, an offset every feed format can
    write), a function of the period alone."""
    return digest.period.end.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class DigestSet:
    """The ended digests of the site (`tag` None) or of one tag, newest first."""

    tag: TagIndex | None
    digests: tuple[Digest, ...]

    @property
    def tag_slug(self) -> str | None:
        return None if self.tag is None else self.tag.slug


def plan_digests(
    config: SiteConfig, posts: Sequence[Post], tags: Sequence[TagIndex], fallback: datetime
) -> tuple[DigestSet, ...]:
    """The site's digests and, with `feed.digest_tags`, each tag's; none unless `feed.digest`.

    One clock for all (the site's newest post or `fallback`): a tag's period has ended when
    the site's has."""
    kind = config.feed.digest
    if kind is None:
        return ()
    clock = digest_clock(posts, fallback)
    sets = [DigestSet(None, ended_digests(posts, kind, config.tz, clock))]
    if config.feed.digest_tags:
        sets += [DigestSet(tag, ended_digests(tag.posts, kind, config.tz, clock)) for tag in tags]
    return tuple(sets)

"""Digest periods: days, ISO weeks and months of the site's calendar, and when one has ended."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog.config import ConfigError, SiteConfig, load_config
from microblog.digest import (
    Digest,
    digest_clock,
    ended_digests,
    group_by_period,
    period_of,
    period_on,
)
from microblog.model import Post
from microblog.sources.markdown import parse_markdown
from microblog.timeline import make_timeline

MADRID = ZoneInfo("Europe/Madrid")
KINDS = ("daily", "weekly", "monthly")


CONFIG = SiteConfig(
    site_dir=Path("/site"),
    config_path=Path("/site/site.yaml"),
    title="T",
    base_url="https://x.org/",
    content_dir=Path("/site/content"),
)


def post_at(when: str, text: str = "A post", path: str = "content/a.md") -> Post:
    (post,) = parse_markdown(f"---\ndate: {when}\n---\n{text}\n", path, CONFIG)
    assert isinstance(post, Post) and post.date is not None
    return post


def posts_at(*dates: str) -> tuple[Post, ...]:
    """Dated posts `Post 0`, `Post 1` ..., newest first as the timeline orders them."""
    made = [post_at(when, f"Post {n}", f"content/p{n}.md") for n, when in enumerate(dates)]
    return make_timeline(made).posts


def test_period_ids_and_labels() -> None:
    day = date(2024, 6, 5)
    assert (period_on(day, "daily", UTC).id, period_on(day, "daily", UTC).label) == (
        "2024-06-05",
        "5 June 2024",
    )
    weekly = period_on(day, "weekly", UTC)
    assert (weekly.id, weekly.label) == ("2024-W23", "week of 3 June 2024")
    assert (weekly.start, weekly.end) == (
        datetime(2024, 6, 3, tzinfo=UTC),
        datetime(2024, 6, 10, tzinfo=UTC),
    )
    monthly = period_on(day, "monthly", UTC)
    assert (monthly.id, monthly.label) == ("2024-06", "June 2024")
    assert period_on(date(2024, 12, 31), "monthly", UTC).end == datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "week", "monday"),
    [
        (date(2024, 12, 30), "2025-W01", "30 December 2024"),  # ISO year ahead of the calendar
        (date(2025, 1, 1), "2025-W01", "30 December 2024"),
        (date(2021, 1, 3), "2020-W53", "28 December 2020"),  # a 53-week year, into January
        (date(2020, 12, 28), "2020-W53", "28 December 2020"),
        (date(2026, 1, 4), "2026-W01", "29 December 2025"),
    ],
)
def test_iso_weeks_across_new_year(day: date, week: str, monday: str) -> None:
    period = period_on(day, "weekly", UTC)
    assert period.id == week
    assert period.label == f"week of {monday}"
    assert period.end - period.start == timedelta(days=7)


def test_periods_are_judged_in_the_site_time_zone() -> None:
    # Sunday 23:30 UTC is Monday 01:30 in Madrid: another day, another ISO week
    late = datetime(2024, 6, 2, 23, 30, tzinfo=UTC)
    assert period_of(late, "weekly", UTC).id == "2024-W22"
    assert period_of(late, "weekly", MADRID).id == "2024-W23"
    assert period_of(late, "daily", MADRID).id == "2024-06-03"
    # the last evening of a month in New York is the next month in UTC
    evening = datetime(2024, 7, 1, 1, 0, tzinfo=UTC)
    assert period_of(evening, "monthly", ZoneInfo("America/New_York")).id == "2024-06"
    assert period_of(evening, "monthly", UTC).id == "2024-07"
    start = period_of(late, "daily", MADRID).start
    assert start == datetime(2024, 6, 3, tzinfo=MADRID)
    assert start.utcoffset() == timedelta(hours=2)


def test_grouping_and_titles() -> None:
    posts = posts_at(
        "2024-06-03T09:00:00Z",
        "2024-06-04T09:00:00Z",
        "2024-06-09T23:00:00Z",
        "2024-06-10T09:00:00Z",
    )
    weekly = group_by_period(posts, "weekly", UTC)
    assert [(d.period.id, len(d.posts)) for d in weekly] == [("2024-W24", 1), ("2024-W23", 3)]
    assert weekly[0].title == "1 post, week of 10 June 2024"
    assert weekly[1].title == "3 posts, week of 3 June 2024"
    assert [post.text for post in weekly[1].posts] == ["Post 2", "Post 1", "Post 0"]
    daily = group_by_period(posts, "daily", UTC)
    assert [d.title for d in daily][-1] == "1 post, 3 June 2024"
    monthly = group_by_period(posts, "monthly", UTC)
    assert [d.title for d in monthly] == ["4 posts, June 2024"]


def test_a_period_ends_by_the_newest_post_or_the_epoch() -> None:
    posts = posts_at("2024-06-03T09:00:00Z", "2024-06-09T23:59:59Z")
    epoch = datetime.fromtimestamp(0, UTC)
    clock = digest_clock(posts, epoch)
    assert clock == datetime(2024, 6, 9, 23, 59, 59, tzinfo=UTC)
    assert ended_digests(posts, "weekly", UTC, clock) == ()  # the week is not over
    assert [d.period.id for d in ended_digests(posts, "daily", UTC, clock)] == ["2024-06-03"]
    monday = datetime(2024, 6, 10, tzinfo=UTC)  # SOURCE_DATE_EPOCH at the week's end
    assert digest_clock(posts, monday) == monday
    assert [d.period.id for d in ended_digests(posts, "weekly", UTC, monday)] == ["2024-W23"]
    later = posts_at("2024-06-03T09:00:00Z", "2024-06-10T00:00:00Z")  # a post ends it too
    assert [
        d.period.id for d in ended_digests(later, "weekly", UTC, digest_clock(later, epoch))
    ] == ["2024-W23"]


def test_the_setting_takes_a_period_or_null(tmp_path: Path) -> None:
    def load(extra: str) -> object:
        (tmp_path / "site.yaml").write_text(f"title: T\nbase_url: https://x.org/\n{extra}")
        return load_config(tmp_path / "site.yaml").feed

    assert load("").digest is None and load("").digest_tags is False  # type: ignore[attr-defined]
    assert load("feed: {digest: Weekly}\n").digest == "weekly"  # type: ignore[attr-defined]
    assert load("feed: {digest: null}\n").digest is None  # type: ignore[attr-defined]
    with pytest.raises(ConfigError) as raised:
        load("feed: {digest: yearly, digest_tags: 1}\n")
    said = str(raised.value)
    assert "key 'feed.digest' must be daily, weekly, monthly or null" in said
    assert "key 'feed.digest_tags' must be true or false" in said


ZONES = st.sampled_from(
    [
        UTC,
        MADRID,
        ZoneInfo("America/New_York"),
        ZoneInfo("Pacific/Kiritimati"),
        ZoneInfo("Asia/Kolkata"),
    ]
)
MOMENTS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(st.lists(MOMENTS, max_size=30), st.sampled_from(KINDS), ZONES)
def test_grouping_puts_each_dated_post_in_the_one_period_that_holds_its_local_day(
    moments: list[datetime], kind: str, tz: ZoneInfo
) -> None:
    base = post_at("2024-01-01")
    posts = tuple(dataclasses.replace(base, id=str(n), date=m) for n, m in enumerate(moments))
    digests = group_by_period(posts, kind, tz)
    assert sorted(post.id for d in digests for post in d.posts) == sorted(p.id for p in posts)
    starts = [d.period.start for d in digests]
    assert starts == sorted(starts, reverse=True) and len(set(starts)) == len(starts)
    for digest in digests:
        period = digest.period
        first, after = period.start.date(), period.end.date()
        assert period_on(first, kind, tz) == period  # a period is its first day's
        assert period_on(after, kind, tz).start == period.end  # the next one starts at its end
        for post in digest.posts:
            assert post.date is not None
            assert first <= post.date.astimezone(tz).date() < after
            assert period_of(post.date, kind, tz) == period
        assert isinstance(digest, Digest) and digest.title.startswith(f"{len(digest.posts)} post")

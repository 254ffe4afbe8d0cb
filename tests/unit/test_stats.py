"""The stats page's numbers (stats.py), its chart geometry (charts.py) and the calendar days
of On this day (onthisday.py): all in the site's time zone."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from microblog.charts import MIN_TICK_GAP, PLOT_HEIGHT, column_chart, row_chart
from microblog.model import Post, Tag
from microblog.onthisday import day_counts, group_by_month_day, month_day_label
from microblog.sources.markdown import parse_markdown
from microblog.stats import Bar, Streak, compute_stats, longest_streak
from microblog.taxonomy import group_by_tag
from tests.unit.test_digest import CONFIG

MADRID = ZoneInfo("Europe/Madrid")
ZONES = st.sampled_from([UTC, MADRID, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("America/Adak")])
(TEMPLATE,) = parse_markdown("---\ndate: 2024-01-01\n---\nA post\n", "content/a.md", CONFIG)
assert isinstance(TEMPLATE, Post)


def post(when: datetime | None, n: int = 0, tags: tuple[str, ...] = ()) -> Post:
    made = tuple(Tag(name, name.casefold(), name.casefold()) for name in tags)
    return dataclasses.replace(TEMPLATE, id=f"p{n}", slug=f"p{n}", date=when, tags=made)


moments = st.datetimes(
    min_value=datetime(1999, 1, 1),
    max_value=datetime(2031, 12, 31),
    timezones=st.just(UTC),
)
timelines = st.lists(st.one_of(st.none(), moments), max_size=40).map(
    lambda dates: [post(when, n) for n, when in enumerate(dates)]
)


@given(timelines, ZONES)
def test_monthly_counts_sum_to_the_dated_posts_and_span_every_month(
    posts: list[Post], tz: ZoneInfo
) -> None:
    stats = compute_stats(posts, (), tz)
    dated = [p.date.astimezone(tz) for p in posts if p.date is not None]
    assert stats.dated == len(dated) and stats.undated == len(posts) - len(dated)
    assert sum(bar.value for bar in stats.months) == len(dated)
    assert sum(bar.value for bar in stats.weekdays) == len(dated)
    assert sum(bar.value for bar in stats.hours) == len(dated)
    if not dated:
        assert stats.months == () and stats.first is None and stats.streak is None
        return
    first, last = min(dated), max(dated)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    assert len(stats.months) == months  # zero months included
    assert stats.months[0].label.endswith(str(first.year))
    assert (stats.first, stats.last) == (first.date(), last.date())


def brute_force_streak(days: set[date]) -> Streak | None:
    best: Streak | None = None
    for start in sorted(days):
        end = start
        while end + timedelta(days=1) in days:
            end += timedelta(days=1)
        length = (end - start).days + 1
        if best is None or length > best.days:
            best = Streak(length, start, end)
    return best


@given(st.sets(st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 3, 31)), max_size=60))
def test_longest_streak_matches_a_brute_force_search(days: set[date]) -> None:
    assert longest_streak(sorted(days)) == brute_force_streak(days)


@given(timelines, ZONES)
def test_streak_of_the_posts_is_that_of_their_local_days(posts: list[Post], tz: ZoneInfo) -> None:
    days = {p.date.astimezone(tz).date() for p in posts if p.date is not None}
    assert compute_stats(posts, (), tz).streak == brute_force_streak(days)


def test_weekdays_and_hours_are_counted_in_the_sites_time_zone() -> None:
    late = datetime(2024, 6, 1, 23, 30, tzinfo=UTC)  # Saturday in UTC, Sunday 01:30 in Madrid
    posts = [post(late, 0), post(late + timedelta(hours=1), 1), post(None, 2)]
    madrid = compute_stats(posts, (), MADRID)
    assert [bar.value for bar in madrid.weekdays] == [0, 0, 0, 0, 0, 0, 2]
    assert madrid.hours[1] == Bar("01:00", 1) and madrid.hours[2] == Bar("02:00", 1)
    utc = compute_stats(posts, (), UTC)
    assert utc.weekdays[5].value == 1 and utc.weekdays[6].value == 1
    assert utc.hours[23].value == 1 and utc.hours[0] == Bar("00:00", 1, "00")
    assert (madrid.first, madrid.last) == (date(2024, 6, 2), date(2024, 6, 2))
    assert (utc.first, utc.last) == (date(2024, 6, 1), date(2024, 6, 2))
    assert utc.streak == Streak(2, date(2024, 6, 1), date(2024, 6, 2))


def test_months_without_posts_count_as_zero_and_a_short_span_names_each_month() -> None:
    posts = [post(datetime(2023, 11, 5, tzinfo=UTC), 0), post(datetime(2024, 2, 1, tzinfo=UTC), 1)]
    assert compute_stats(posts, (), UTC).months == (
        Bar("November 2023", 1, "Nov 2023"),
        Bar("December 2023", 0, "Dec"),
        Bar("January 2024", 0, "Jan 2024"),
        Bar("February 2024", 1, "Feb"),
    )


def test_over_a_year_the_axis_names_the_first_month_and_each_january_by_its_year() -> None:
    posts = [post(datetime(2023, 11, 5, tzinfo=UTC), 0), post(datetime(2024, 11, 1, tzinfo=UTC), 1)]
    months = compute_stats(posts, (), UTC).months
    assert len(months) == 13 and [bar.value for bar in months] == [1] + [0] * 11 + [1]
    assert [(bar.label, bar.tick) for bar in months if bar.tick] == [
        ("November 2023", "2023"),
        ("January 2024", "2024"),
    ]


def test_top_tags_are_the_most_used_then_by_name() -> None:
    when = datetime(2024, 1, 1, tzinfo=UTC)
    posts = [post(when, n, tags) for n, tags in enumerate([("b", "a"), ("b",), ("c", "a"), ("d",)])]
    stats = compute_stats(posts, group_by_tag(posts), UTC, top=3)
    assert [(tag.name, tag.count) for tag in stats.top_tags] == [("a", 2), ("b", 2), ("c", 1)]
    assert stats.tags == 4
    assert stats.tag_bars[0] == Bar("#a", 2)


def test_an_empty_site_has_no_dated_posts() -> None:
    stats = compute_stats([], (), UTC)
    assert (stats.posts, stats.dated, stats.months, stats.streak) == (0, 0, (), None)
    assert len(stats.weekdays) == 7 and len(stats.hours) == 24


# -- charts ---------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=400))
def test_columns_fit_the_plot_and_the_tallest_fills_it(values: list[int]) -> None:
    bars = [Bar(str(n), value, "t" if n % 12 == 0 else "") for n, value in enumerate(values)]
    chart = column_chart(bars)
    heights = [shape.height for shape in chart.shapes]
    assert all(0 <= height <= PLOT_HEIGHT for height in heights)
    assert all(shape.x + shape.width <= chart.width for shape in chart.shapes)
    if max(values):
        assert max(heights) == PLOT_HEIGHT
    ticks = [shape.text_x for shape in chart.shapes if shape.tick]
    assert all(b - a >= MIN_TICK_GAP - 1 for a, b in pairwise(ticks))


def test_rows_are_as_long_as_their_values() -> None:
    chart = row_chart([Bar("Monday", 4), Bar("Tuesday", 2), Bar("Wednesday", 0)])
    first, second, third = chart.shapes
    assert second.width * 2 == first.width and third.width == 0
    assert first.y < second.y < third.y and chart.height == 3 * 24


# -- on this day ----------------------------------------------------------------------------


@given(timelines, ZONES)
def test_every_dated_post_is_on_its_local_calendar_day(posts: list[Post], tz: ZoneInfo) -> None:
    days = group_by_month_day(posts, tz)
    seen = [
        (day.month, day.day, year.year, p.id)
        for day in days
        for year in day.years
        for p in year.posts
    ]
    expected = []
    for p in posts:
        if p.date is not None:
            local = p.date.astimezone(tz)
            expected.append((local.month, local.day, local.year, p.id))
    assert sorted(seen) == sorted(expected)
    assert [(day.month, day.day) for day in days] == sorted({(m, d) for m, d, _, _ in expected})
    for day in days:
        assert [year.year for year in day.years] == sorted(
            (year.year for year in day.years), reverse=True
        )
    counts = Counter((m, d) for m, d, _, _ in expected)
    listed = {(c.month, c.day): c.count for month in day_counts(days) for c in month.days}
    assert listed == counts


def test_feb_29_has_its_own_day_and_days_read_in_english() -> None:
    leap = datetime(2024, 2, 29, 12, tzinfo=UTC)
    posts = [post(leap, 0), post(datetime(2023, 3, 1, tzinfo=UTC), 1), post(None, 2)]
    days = group_by_month_day(posts, UTC)
    assert [(day.month, day.day, day.label) for day in days] == [
        (2, 29, "February 29"),
        (3, 1, "March 1"),
    ]
    assert month_day_label(6, 1) == "June 1"
    (february, march) = day_counts(days)
    assert (february.name, march.name) == ("February", "March")

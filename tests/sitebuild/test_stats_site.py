"""The stats page (`stats/`) and On this day (`on-this-day/`, `on-this-day/MM-DD/`) in a built
site under a sub-path: where they are, what they link to, what they leave out, valid HTML."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from microblog.cli import main
from microblog.onthisday import month_day_label
from tests.conftest import MakeSite
from tests.sitebuild.test_browser import chromium
from tests.sitebuild.test_buildcache import build as build_cached
from tests.sitebuild.test_buildcache import clean_build_of
from tests.support.crawl import serve_directory
from tests.support.htmlcheck import check_html_files, validate_with_html5lib
from tests.support.sitechecks import active_markup, broken_internal_links, tree_digest

BASE = "https://user.github.io/archive/"
CONFIG = f"title: Days\nbase_url: {BASE}\ntimezone: Europe/Madrid\ndates_from_git: false\n"


def post(slug: str, date: str | None, text: str, *, draft: bool = False) -> tuple[str, str]:
    front = (f"date: {date}\n" if date else "") + ("draft: true\n" if draft else "")
    return f"content/{slug}.md", f"---\ntitle: {slug}\n{front}---\n{text}\n"


POSTS = dict(
    [
        post("first", "2023-06-01T10:00:00+02:00", "A June morning #Garden"),
        post("second", "2024-06-01T21:00:00+02:00", "Another first of June #Garden #Rain"),
        # 23:30 UTC on 31 May is 1 June in Madrid
        post("third", "2024-05-31T23:30:00+00:00", "Late in UTC, June in Madrid #Rain"),
        post("leap", "2024-02-29T12:00:00+01:00", "A leap day #Garden"),
        post("next", "2024-06-02T09:00:00+02:00", "The day after"),
        post("undated", None, "No date here #Nowhere"),
        post("secret", "2024-07-04T12:00:00+02:00", "A draft #Hidden", draft=True),
    ]
)


def build(site: Path, output: Path) -> None:
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0


@pytest.fixture
def built(make_site: MakeSite, tmp_path: Path) -> Path:
    output = tmp_path / "out"
    build(make_site(POSTS, config=CONFIG), output)
    return output


def text(output: Path, path: str) -> str:
    return (output / path).read_text("utf-8")


def test_pages_exist_and_link_under_the_sub_path(built: Path) -> None:
    for path in ("stats/index.html", "on-this-day/index.html", "on-this-day.js"):
        assert (built / path).is_file(), path
    days = sorted(p.name for p in (built / "on-this-day").iterdir() if p.is_dir())
    assert days == ["02-29", "06-01", "06-02"]
    home = text(built, "index.html")
    assert '<a href="/archive/stats/">Stats</a>' in home
    index = text(built, "on-this-day/index.html")
    assert '<a href="/archive/on-this-day/06-01/" data-month-day="06-01">June 1</a>' in index
    assert '<script src="/archive/on-this-day.js" defer></script>' in index
    assert broken_internal_links(built, "/archive/") == []
    assert active_markup(built) == []
    sitemap = text(built, "sitemap.xml")
    for path in ("stats/", "on-this-day/", "on-this-day/06-01/", "on-this-day/02-29/"):
        assert f"<loc>{BASE}{path}</loc>" in sitemap


def test_a_day_lists_its_posts_by_year_newest_first(built: Path) -> None:
    june = text(built, "on-this-day/06-01/index.html")
    assert "<h1>On June 1" in june
    years = re.findall(r'<h2 id="year-(\d+)">', june)
    assert years == ["2024", "2023"]
    # second (21:00) and third (01:30 local) are both 1 June 2024 in Madrid: newest first
    assert june.index("/posts/second/") < june.index("/posts/third/") < june.index("/posts/first/")
    assert 'rel="prev" href="/archive/on-this-day/02-29/"' in june
    assert 'rel="next" href="/archive/on-this-day/06-02/"' in june
    assert 'href="/archive/on-this-day/#days"' in june


def test_each_dated_post_links_to_its_day(built: Path) -> None:
    third = text(built, "posts/third/index.html")
    assert '<a href="/archive/on-this-day/06-01/">More from June 1</a>' in third
    leap = text(built, "posts/leap/index.html")
    assert '<a href="/archive/on-this-day/02-29/">More from February 29</a>' in leap
    for page in (built / "posts").glob("*/index.html"):
        for link in re.findall(r'href="/archive/(on-this-day/[^"]+)"', page.read_text("utf-8")):
            assert (built / link / "index.html").is_file(), (page, link)
    assert "More from" not in text(built, "posts/undated/index.html")


def test_drafts_and_undated_posts_never_appear(built: Path) -> None:
    assert not (built / "on-this-day/07-04").exists()
    stats = text(built, "stats/index.html")
    assert "Hidden" not in stats  # the draft's tag
    for page in [built / "stats/index.html", *sorted((built / "on-this-day").rglob("*.html"))]:
        html = page.read_text("utf-8")
        assert "/posts/secret/" not in html and "/posts/undated/" not in html, page
        assert "A draft" not in html and "No date here" not in html, page


def test_stats_numbers(built: Path) -> None:
    stats = text(built, "stats/index.html")
    totals = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", stats))
    assert (totals["Posts"], totals["Dated"], totals["Undated"], totals["Tags"]) == (
        "6",
        "5",
        "1",
        "3",  # the undated post's tag counts; the draft's not
    )
    assert "1 June 2023" in totals["First post"] and "2 June 2024" in totals["Last post"]
    streak = re.sub(r"<[^>]+>", "", totals["Longest streak"])
    assert streak == "2 days in a row, 1 June 2024 to 2 June 2024"
    months = re.findall(r'<tr><th scope="row">(\w+ \d{4})</th><td>(\d+)</td></tr>', stats)
    assert months[0] == ("June 2023", "1") and months[-1] == ("June 2024", "3")
    assert len(months) == 13 and sum(int(count) for _, count in months) == 5
    assert '<a href="/archive/tags/garden/">#Garden</a></th><td>3</td>' in stats
    assert stats.count('role="img"') == 4
    for chart in ("months", "tags", "weekdays", "hours"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in stats
        assert f'<title id="{chart}-title">' in stats and f'<desc id="{chart}-desc">' in stats


@pytest.mark.slow  # the Nu Html Checker starts a JVM
def test_pages_are_valid_html(built: Path, make_site: MakeSite, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    build(make_site({"content/a.md": "No date at all\n"}, config=CONFIG, folder="e"), empty)
    assert "No dated posts yet" in text(empty, "stats/index.html")
    assert "No dated posts yet" in text(empty, "on-this-day/index.html")
    pages = [
        *(built / "stats", built / "on-this-day", empty / "stats", empty / "on-this-day"),
        *(built / "on-this-day").iterdir(),
    ]
    html = sorted({page / "index.html" for page in pages if page.is_dir()})
    html += [built / "posts/third/index.html", built / "posts/undated/index.html"]
    assert check_html_files(html) == []
    for page in html:
        assert validate_with_html5lib(page.read_text("utf-8")) == [], page


def test_a_warm_build_after_moving_a_post_to_another_day_is_a_clean_build(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = make_site(POSTS, config=CONFIG), tmp_path / "out"
    build_cached(site, output, capsys)
    kept_day = (output / "on-this-day/02-29/index.html").stat().st_mtime_ns
    moved = site / "content/next.md"
    moved.write_text(moved.read_text("utf-8").replace("2024-06-02", "2022-12-25"), "utf-8")
    said = build_cached(site, output, capsys, "--verbose")
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)
    assert not (output / "on-this-day/06-02").exists()
    assert (output / "on-this-day/12-25/index.html").is_file()
    assert "December 2022" in text(output, "stats/index.html")
    assert (output / "on-this-day/02-29/index.html").stat().st_mtime_ns == kept_day, said


def dump_dom(browser: str, url: str, profile: Path) -> str:
    """The page as a headless Chromium leaves it once its scripts ran (and it moved on)."""
    completed = subprocess.run(
        [
            *(browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"),
            *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
            *(f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", url),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return completed.stdout


@pytest.mark.slow
def test_with_javascript_the_index_opens_todays_page(make_site: MakeSite, tmp_path: Path) -> None:
    """Posts today and tomorrow (in case the day ends during the test), by the browser's
    time zone: the tests pin TZ=UTC for it and for the dates written here."""
    browser = chromium()
    today = datetime.now(UTC).date()
    days = [today, today + timedelta(days=1)]
    posts = dict(post(f"p{n}", f"{day.isoformat()}T12:00:00Z", "Now") for n, day in enumerate(days))
    output = tmp_path / "out"
    config = f"title: Days\nbase_url: {BASE}\ndates_from_git: false\n"  # in UTC
    build(make_site(posts, config=config), output)
    labels = {f"<h1>On {month_day_label(day.month, day.day)} " for day in days}
    with serve_directory(output, "/archive/") as base:
        opened = dump_dom(browser, base + "on-this-day/", tmp_path / "profile")
        listed = dump_dom(browser, base + "on-this-day/#days", tmp_path / "profile")
    assert any(label in opened for label in labels), opened[-2000:]
    assert "<h1>On this day</h1>" in listed

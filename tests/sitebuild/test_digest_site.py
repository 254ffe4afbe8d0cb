"""Digest feeds and pages (`feed.digest`) in a built site: when items appear, that they never
change afterwards, that every link leads to a page of the site, and that pages are valid."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest

from microblog.cli import main
from tests.conftest import MakeSite
from tests.support.htmlcheck import check_html_files, validate_with_html5lib
from tests.support.sitechecks import broken_internal_links, tree_digest

BASE = "https://example.org/blog/"
WEEKLY = "feed:\n  digest: weekly\n"
FEEDS = ("feed.xml", "atom.xml")


def post(date: str, text: str, slug: str) -> tuple[str, str]:
    return f"content/{slug}.md", f"---\ndate: {date}\n---\n{text}\n"


# Weeks 2024-W22 (27 May), W23 (3 June) and W24 (10 June, still going: its post is the newest)
POSTS = dict(
    [
        post("2024-05-31T10:00:00Z", "Friday news #Backend", "p1"),
        post("2024-06-03T09:00:00Z", "Monday news #Backend", "p2"),
        post("2024-06-05T09:00:00Z", "Wednesday news #AI", "p3"),
        post("2024-06-09T21:00:00Z", "Sunday night news #Backend", "p4"),
        post("2024-06-11T09:00:00Z", "Tuesday news #AI", "p5"),
    ]
)


def site_with(make_site: MakeSite, feed: str = WEEKLY, **files: str) -> Path:
    config = f"title: Digest Site\nbase_url: {BASE}\ndates_from_git: false\n{feed}"
    return make_site({**POSTS, **files}, config=config)


def build(site: Path, output: Path) -> None:
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0


def items(feed: Path) -> list[str]:
    """Each RSS item or Atom entry of a feed, as written."""
    text = feed.read_text("utf-8")
    return re.findall(r"<item>.*?</item>|<entry>.*?</entry>", text, re.DOTALL)


def items_of_both(one: Path, two: Path) -> list[tuple[list[str], list[str]]]:
    """The items of the site's RSS digest feed in two builds, then those of its Atom feed."""
    return [(items(one / "digest" / kind), items(two / "digest" / kind)) for kind in FEEDS]


def entries(feed: Path) -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse(feed.read_bytes())
    assert parsed.bozo == 0, (feed, parsed.get("bozo_exception"))
    return list(parsed.entries)


def digest_feeds(output: Path) -> list[Path]:
    return sorted(output.rglob("digest/feed.xml")) + sorted(output.rglob("digest/atom.xml"))


def test_off_by_default(make_site: MakeSite, tmp_path: Path) -> None:
    build(site_with(make_site, feed=""), tmp_path / "out")
    assert not list((tmp_path / "out").rglob("digest"))
    assert "Digests" not in (tmp_path / "out/index.html").read_text("utf-8")


def test_weekly_digest_feeds_and_pages(make_site: MakeSite, tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(site_with(make_site), output)
    rss, atom = output / "digest/feed.xml", output / "digest/atom.xml"
    for feed in (rss, atom):
        found = entries(feed)
        assert [entry.title for entry in found] == [
            "3 posts, week of 3 June 2024",
            "1 post, week of 27 May 2024",
        ]
        for entry in found:
            assert entry.id == entry.link
            assert entry.link.startswith(f"{BASE}digest/2024-W2")
            assert entry.published_parsed is not None
        html = found[0].content[0].value
        for slug in ("p4", "p3", "p2"):  # each post: its permalink, date and HTML, newest first
            assert f'href="{BASE}posts/{slug}/"' in html
        assert html.index("Sunday night") < html.index("Wednesday") < html.index("Monday")
        assert "9 June 2024, 21:00" in html and "Tuesday" not in html
    assert f'<atom:link href="{BASE}digest/feed.xml" rel="self"' in rss.read_text("utf-8")
    assert f'<link href="{BASE}digest/atom.xml" rel="self"' in atom.read_text("utf-8")
    page = (output / "digest/2024-W23/index.html").read_text("utf-8")
    assert "<h1>3 posts, week of 3 June 2024</h1>" in page
    assert 'href="/blog/digest/2024-W22/"' in page  # the older period
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert 'href="/blog/digest/atom.xml"' in page
    index = (output / "digest/index.html").read_text("utf-8")
    assert 'href="/blog/digest/2024-W23/"' in index and 'href="/blog/digest/2024-W22/"' in index
    assert 'href="/blog/digest/"' in (output / "index.html").read_text("utf-8")
    assert not (output / "digest/2024-W24").exists()  # not over: no page, no item
    assert broken_internal_links(output, "/blog/") == []


def item_links_exist(output: Path) -> None:
    for feed in digest_feeds(output):
        for entry in entries(feed):
            path = urlsplit(entry.link).path.removeprefix("/blog/")
            assert (output / path / "index.html").is_file(), (feed, entry.link)


def test_an_item_appears_once_its_period_ended_by_a_newer_post(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = site_with(make_site)
    build(site, tmp_path / "before")
    (site / "content/p6.md").write_text("---\ndate: 2024-06-17T00:00:00+00:00\n---\nNext\n")
    build(site, tmp_path / "after")
    titles = [entry.title for entry in entries(tmp_path / "after/digest/feed.xml")]
    assert titles[0] == "1 post, week of 10 June 2024"  # W24 ended at that Monday's midnight
    item_links_exist(tmp_path / "after")


def test_an_item_appears_once_source_date_epoch_passed_its_end(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_with(make_site)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718582399")  # 2024-06-16T23:59:59Z
    build(site, tmp_path / "before")
    assert len(entries(tmp_path / "before/digest/feed.xml")) == 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718582400")  # 2024-06-17T00:00:00Z
    build(site, tmp_path / "after")
    found = entries(tmp_path / "after/digest/atom.xml")
    assert found[0].title == "1 post, week of 10 June 2024"
    assert found[0].updated == "2024-06-17T00:00:00+00:00"  # the period's end, not the build's
    item_links_exist(tmp_path / "after")


def test_items_never_change_once_out(make_site: MakeSite, tmp_path: Path) -> None:
    site = site_with(make_site)
    build(site, tmp_path / "one")
    build(site, tmp_path / "two")
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    # a post in the week still going: the digest feeds stay byte for byte
    (site / "content/p6.md").write_text("---\ndate: 2024-06-12T08:00:00Z\n---\nMore #AI\n")
    build(site, tmp_path / "three")
    for feed in digest_feeds(tmp_path / "one"):
        relative = feed.relative_to(tmp_path / "one")
        assert feed.read_bytes() == (tmp_path / "three" / relative).read_bytes()
    # a post in a later week ends this one: a new item, the others as they were
    (site / "content/p7.md").write_text("---\ndate: 2024-06-20T08:00:00Z\n---\nLater\n")
    build(site, tmp_path / "four")
    for before, after in items_of_both(tmp_path / "one", tmp_path / "four"):
        assert after[1:] == before
        assert "week of 10 June 2024" in after[0]


def test_editing_a_post_changes_only_its_item(make_site: MakeSite, tmp_path: Path) -> None:
    site = site_with(make_site)
    build(site, tmp_path / "one")
    (site / "content/p1.md").write_text("---\ndate: 2024-05-31T10:00:00Z\n---\nFriday, edited\n")
    build(site, tmp_path / "two")
    for before, after in items_of_both(tmp_path / "one", tmp_path / "two"):
        assert after[0] == before[0]
        assert after[1] != before[1] and "Friday, edited" in after[1]
        assert re.findall(r"<(?:pubDate|updated)>.*?<", after[1]) == re.findall(
            r"<(?:pubDate|updated)>.*?<", before[1]
        )


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        ("daily", "1 post, 9 June 2024"),
        ("monthly", "1 post, May 2024"),
    ],
)
def test_daily_and_monthly_digests(
    make_site: MakeSite, tmp_path: Path, kind: str, first: str
) -> None:
    build(site_with(make_site, feed=f"feed:\n  digest: {kind}\n"), tmp_path / "out")
    found = entries(tmp_path / "out/digest/feed.xml")
    assert found[0].title == first
    assert len(found) == (4 if kind == "daily" else 1)
    item_links_exist(tmp_path / "out")


def test_the_feed_holds_the_newest_feed_items_periods(make_site: MakeSite, tmp_path: Path) -> None:
    build(site_with(make_site, feed="feed:\n  digest: daily\n  items: 2\n"), tmp_path / "out")
    titles = [entry.title for entry in entries(tmp_path / "out/digest/feed.xml")]
    assert titles == ["1 post, 9 June 2024", "1 post, 5 June 2024"]
    assert (tmp_path / "out/digest/2024-05-31/index.html").is_file()  # every page stays


def test_per_tag_digests(make_site: MakeSite, tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(site_with(make_site, feed="feed:\n  digest: weekly\n  digest_tags: true\n"), output)
    backend = entries(output / "tags/backend/digest/feed.xml")
    assert [entry.title for entry in backend] == [
        "2 posts, week of 3 June 2024",
        "1 post, week of 27 May 2024",
    ]
    assert backend[0].link == f"{BASE}tags/backend/digest/2024-W23/"
    assert "Wednesday" not in backend[0].content[0].value  # tagged #AI only
    ai = entries(output / "tags/ai/digest/atom.xml")
    assert [entry.title for entry in ai] == ["1 post, week of 3 June 2024"]
    assert 'href="/blog/tags/ai/digest/"' in (output / "tags/ai/index.html").read_text("utf-8")
    page = (output / "tags/backend/digest/2024-W23/index.html").read_text("utf-8")
    assert 'href="/blog/tags/backend/digest/feed.xml"' in page
    item_links_exist(output)
    assert broken_internal_links(output, "/blog/") == []


def test_a_site_whose_periods_are_not_over_has_empty_digest_feeds(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        dict([post("2024-06-03T09:00:00Z", "Only one", "p1")]),
        config=f"title: T\nbase_url: {BASE}\ndates_from_git: false\n{WEEKLY}",
    )
    build(site, tmp_path / "out")
    for feed in (tmp_path / "out/digest/feed.xml", tmp_path / "out/digest/atom.xml"):
        assert entries(feed) == []
        ElementTree.parse(feed)
    assert "No digest yet" in (tmp_path / "out/digest/index.html").read_text("utf-8")


@pytest.mark.slow  # the Nu Html Checker starts a JVM
def test_digest_pages_are_valid_html(make_site: MakeSite, tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(site_with(make_site, feed="feed:\n  digest: weekly\n  digest_tags: true\n"), output)
    pages = [*sorted(output.rglob("digest/**/*.html")), output / "index.html"]
    assert len(pages) > 6
    assert check_html_files(pages) == []
    for page in pages:
        assert validate_with_html5lib(page.read_text("utf-8")) == [], page

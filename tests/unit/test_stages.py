"""The pure stages one by one: timeline, taxonomy, page plan, pagination, feeds, and rendering
into a MemorySink, each fed plain data made here."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from microblog.config import SiteConfig, load_config
from microblog.feeds import json_feed, make_feeds
from microblog.model import LineHistory, Post
from microblog.output import MemorySink
from microblog.pages import paginate, plan_pages
from microblog.pipeline import Content, build_site
from microblog.render import RenderError
from microblog.sources.markdown import parse_markdown
from microblog.sources.txt import parse_txt
from microblog.taxonomy import make_taxonomy
from microblog.timeline import history_wanted, make_timeline
from microblog.urls import Urls
from tests.conftest import MakeSite

MARCH = datetime(2024, 3, 1, tzinfo=UTC)
APRIL = datetime(2024, 4, 1, tzinfo=UTC)


@pytest.fixture
def config(make_site: MakeSite) -> SiteConfig:
    return load_config(make_site(base_url="https://example.org/blog/") / "site.yaml")


def md(config: SiteConfig, path: str, body: str, **front: str) -> Post:
    """The post of a Markdown file `path` with the front matter given."""
    head = "".join(f"{key}: {value}\n" for key, value in front.items())
    text = f"---\n{head}---\n{body}\n" if head else body + "\n"
    (post,) = [item for item in parse_markdown(text, path, config) if isinstance(item, Post)]
    return post


def history(dates: dict[int, datetime]) -> LineHistory:
    return LineHistory(authored=dates, committed=dates)


# -- timeline ---------------------------------------------------------------------------------


def test_timeline_orders_newest_first_undated_last_and_keeps_drafts_apart(
    config: SiteConfig,
) -> None:
    posts = [
        md(config, "content/old.md", "old", date="2024-01-01"),
        md(config, "content/b-undated.md", "undated b"),
        md(config, "content/new.md", "new", date="2024-06-01"),
        md(config, "content/a-undated.md", "undated a"),
        md(config, "content/draft.md", "draft", date="2024-07-01", draft="true"),
    ]
    timeline = make_timeline(posts)
    assert [post.slug for post in timeline.posts] == ["new", "old", "a-undated", "b-undated"]
    assert [post.slug for post in timeline.drafts] == ["draft"]
    assert timeline.undated == 2 and timeline.problems == ()


def test_timeline_dates_from_the_site_then_from_git_history(config: SiteConfig) -> None:
    posts = [md(config, "content/a.md", "a"), md(config, "content/b.md", "b")]
    dated = make_timeline(posts, (MARCH, "site.yaml:3"))
    assert {(p.date, p.date_origin) for p in dated.posts} == {(MARCH, "site.yaml:3")}
    lines = {"content/a.md": history({1: APRIL})}  # b.md is not committed: no date yet
    from_git = make_timeline(posts, None, lines)
    assert [(p.slug, p.date, p.date_origin) for p in from_git.posts] == [
        ("a", APRIL, "git"),
        ("b", None, ""),
    ]


def test_timeline_gives_a_contested_slug_to_the_post_committed_first(config: SiteConfig) -> None:
    newer_but_first = md(config, "content/x/same.md", "first", date="2024-06-01")
    older_but_later = md(config, "content/y/same.md", "second", date="2020-01-01")
    posts = [older_but_later, newer_but_first]
    assert history_wanted(posts, dating=False) == {"content/x/same.md", "content/y/same.md"}
    lines = {
        "content/x/same.md": history({1: MARCH, 2: MARCH, 3: MARCH, 4: MARCH}),
        "content/y/same.md": history({1: APRIL, 2: APRIL, 3: APRIL, 4: APRIL}),
    }
    timeline = make_timeline(posts, None, lines)
    slugs = {post.source.path: post.slug for post in timeline.posts}
    assert slugs["content/x/same.md"] == "same"
    assert slugs["content/y/same.md"].startswith("same-")
    assert [(p.path, p.code) for p in timeline.problems] == [("content/y/same.md", "MB050")]
    assert timeline.git_claims == 2
    # without git, the older post keeps it
    plain = {post.source.path: post.slug for post in make_timeline(posts).posts}
    assert plain["content/y/same.md"] == "same"


def test_history_is_wanted_only_for_undated_or_contested_posts(config: SiteConfig) -> None:
    posts = [
        md(config, "content/dated.md", "d", date="2024-01-01"),
        md(config, "content/undated.md", "u"),
    ]
    assert history_wanted(posts, dating=True) == {"content/undated.md"}
    assert history_wanted(posts, dating=False) == set()


# -- taxonomy ---------------------------------------------------------------------------------


def test_taxonomy_gives_slugs_site_wide_and_counts_drafts(config: SiteConfig) -> None:
    posts = [
        md(config, "content/a.md", "a", date="2024-01-02", tags="['C++', c]"),
        md(config, "content/b.md", "b", date="2024-01-01", draft="true", tags="['C#']"),
    ]
    assert all(tag.slug == "" for post in posts for tag in post.tags)  # readers give none
    timeline, tags = make_taxonomy(make_timeline(posts))
    slugs = {tag.name: tag.slug for post in timeline.all_posts for tag in post.tags}
    assert slugs["c"] == "c" and slugs["C++"].startswith("c-") and slugs["C#"].startswith("c-")
    assert len(set(slugs.values())) == 3  # the draft's tag took a slug too
    assert sorted((tag.name, tag.count) for tag in tags) == [("C++", 1), ("c", 1)]


# -- pagination and the page plan -----------------------------------------------------------


def test_paginate() -> None:
    assert paginate([], 20) == [(1, 1, [])]
    pages = paginate(list(range(45)), 20)  # type: ignore[arg-type]
    assert [(n, count, len(chunk)) for n, count, chunk in pages] == [
        (1, 3, 20),
        (2, 3, 20),
        (3, 3, 5),
    ]
    assert [len(chunk) for _, _, chunk in paginate(list(range(40)), 20)] == [20, 20]  # type: ignore[arg-type]


def test_plan_has_every_page_once_with_its_pagination(make_site: MakeSite) -> None:
    config = load_config(make_site(posts_per_page=2) / "site.yaml")
    posts = [
        md(config, f"content/p{i}.md", f"post {i} #t", date=f"2024-01-0{i}") for i in (1, 2, 3)
    ]
    timeline, tags = make_taxonomy(make_timeline(posts))
    pages, problems = plan_pages(config, timeline, tags)
    assert problems == []
    paths = [page.path for page in pages]
    assert paths == [
        "index.html",
        "page/2/index.html",
        "posts/p3/index.html",
        "posts/p2/index.html",
        "posts/p1/index.html",
        "tags/index.html",
        "tags/t/index.html",
        "tags/t/page/2/index.html",
        "archive/index.html",
        "stats/index.html",
        "on-this-day/index.html",
        "on-this-day/01-01/index.html",
        "on-this-day/01-02/index.html",
        "on-this-day/01-03/index.html",
        "search/index.html",
        "404.html",
    ]
    home = pages[0].context["pagination"]
    assert (home.number, home.count, home.prev_path, home.next_path) == (
        1,
        2,
        None,
        "page/2/index.html",
    )
    post = pages[3].context
    assert (post["newer"].slug, post["older"].slug) == ("p3", "p1")


def test_plan_refuses_an_unsafe_page_path(config: SiteConfig) -> None:
    post = dataclasses.replace(md(config, "content/a.md", "a", date="2024-01-01"), slug="..")
    pages, problems = plan_pages(config, make_timeline([post]), ())
    assert "posts/../index.html" not in [page.path for page in pages]
    assert [(p.location, p.code) for p in problems] == [("content/a.md:4", "MB060")]


# -- feeds ------------------------------------------------------------------------------------


def test_feeds_carry_dated_posts_with_absolute_ascii_links(config: SiteConfig) -> None:
    text = "---\ndate: 2024-05-01\n---\nnew #Café https://example.com/ü\n"
    posts = [item for item in parse_txt(text, "content/a.txt", config) if isinstance(item, Post)]
    posts.append(md(config, "content/b.md", "[fn](#top) ![pic](images/ü.png)", date="2024-04-01"))
    undated = md(config, "content/c.md", "no date")
    timeline, tags = make_taxonomy(make_timeline([*posts, undated]))
    urls = Urls(config)
    fallback = datetime(2023, 1, 1, tzinfo=UTC)
    files = dict(make_feeds(config, urls, timeline.posts, None, "T", "index.html", fallback).files)
    assert list(files) == ["feed.xml", "atom.xml", "feed.json"]
    permalinks = [urls.absolute(Urls.post(post)) for post in timeline.posts[:2]]
    assert permalinks[1] == "https://example.org/blog/posts/b/"
    for data in (files["feed.xml"], files["atom.xml"]):
        feed = feedparser.parse(data)
        assert feed.bozo == 0
        assert [entry.id for entry in feed.entries] == permalinks  # dated only, newest first
        first = feed.entries[0].content[0].value
        assert 'href="https://example.org/blog/tags/caf%C3%A9/"' in first
        assert 'href="https://example.com/%C3%BC"' in first
        second = feed.entries[1].content[0].value
        assert 'src="https://example.org/blog/images/%C3%BC.png"' in second
        assert f'href="{permalinks[1]}#p' in second  # a fragment names the post's own page
    assert b"<" not in files["feed.json"]  # markup characters are written as escapes
    json_feed = json.loads(files["feed.json"])
    assert json_feed["version"] == "https://jsonfeed.org/version/1.1"
    assert json_feed["feed_url"] == "https://example.org/blog/feed.json"
    assert [item["id"] for item in json_feed["items"]] == permalinks  # the same guids
    assert [item["url"] for item in json_feed["items"]] == permalinks
    assert (
        'href="https://example.org/blog/tags/caf%C3%A9/"' in json_feed["items"][0]["content_html"]
    )
    assert json_feed["items"][0]["tags"] == ["Café"]
    for item in json_feed["items"]:
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
    tag_feeds = make_feeds(config, urls, tags[0].posts, tags[0].slug, "t", "x", fallback)
    slug = tags[0].slug
    assert [path for path, _ in tag_feeds.files] == [
        f"tags/{slug}/feed.xml",
        f"tags/{slug}/atom.xml",
        f"tags/{slug}/feed.json",
    ]


# -- rendering into a MemorySink --------------------------------------------------------------


def _content(config: SiteConfig, posts: list[Post]) -> Content:
    timeline, tags = make_taxonomy(make_timeline(posts))
    return Content(timeline, tags, (), len(posts), 0)


def test_build_site_renders_every_page_and_feed_into_memory(config: SiteConfig) -> None:
    posts = [md(config, "content/a.md", "hello #World", date="2024-01-01")]
    sink = MemorySink()
    result = build_site(config, sink, content=_content(config, posts), source_date_epoch=0)
    # home, post, tags, tag, archive, stats, on this day and its one day, search, 404; RSS,
    # Atom and JSON Feed for the site and the tag, and the feed archive's one page
    assert result.pages == 10 and result.feeds == 7
    assert {"index.html", "posts/a/index.html", "tags/world/feed.json", "sitemap.xml"} <= set(
        sink.files
    )
    page = sink.files["posts/a/index.html"].decode()
    assert '<a class="hashtag" href="/blog/tags/world/">#World</a>' in page
    assert "<loc>https://example.org/blog/posts/a/</loc>" in sink.files["sitemap.xml"].decode()


def test_render_error_names_the_template_and_line(make_site: MakeSite) -> None:
    site = make_site({"templates/post.html": "<p>post</p>\n<p>{{ nope.attr }}</p>\n"})
    config = load_config(site / "site.yaml")
    posts = [md(config, "content/a.md", "hello", date="2024-01-01")]
    with pytest.raises(RenderError) as caught:
        build_site(config, MemorySink(), content=_content(config, posts))
    assert caught.value.problem.code == "MB070"
    assert Path(caught.value.problem.path).name == "post.html"
    assert caught.value.problem.line == 2


def test_json_feed_dates_are_rfc_3339_even_with_an_old_local_mean_time(
    config: SiteConfig,
) -> None:
    post = md(config, "content/old.md", "an old photo", date="2024-01-01")
    amsterdam = datetime(1900, 1, 1, 12, tzinfo=ZoneInfo("Europe/Amsterdam"))  # +00:19:32
    old = dataclasses.replace(post, date=amsterdam)
    feed = json.loads(json_feed(config, Urls(config), [old, post], "T", "index.html", "f.json"))
    dates = [item["date_published"] for item in feed["items"]]
    assert dates[0] == "1900-01-01T11:40:28+00:00"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)", d) for d in dates)

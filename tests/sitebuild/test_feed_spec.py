"""Every feed the site writes is valid as the W3C Feed Validation Service reads RSS 2.0 and
RFC 4287 (Atom, with RFC 5005 archive pages), and JSON Feed 1.1; each names its own public URL
as its self link, and each item has a date and a link to a page of the output. Checked offline
by tests/support/feedspec.py, itself proven here on small hand-written bad feeds."""

from __future__ import annotations

import contextlib
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from microblog.cli import main
from microblog.feedarchive import ARCHIVE_PAGE_POSTS
from tests.conftest import REPO, pinned_environment, write_site
from tests.sitebuild.test_exports_site import write_exports_site
from tests.sitebuild.test_feed_archive import add_posts
from tests.sitebuild.test_site import write_dated_sample
from tests.support.feedspec import Site, check_atom, check_feed, check_json_feed, check_rss

SUB_PATH = "https://user.github.io/archive/"
FEED_PATTERNS = (
    "**/feed.xml",
    "**/atom.xml",
    "**/feed.json",
    "feeds/archive/*.xml",
    "digest/**/*.xml",
    "digest/**/*.json",
)


def write_archive_site(root: Path) -> Path:
    """Two full pages of the feed archive and a part-full third, under a sub-path, with
    weekly digests for the site and each tag."""
    site = write_site(
        root,
        base_url=SUB_PATH,
        dates_from_git="false",
        feed="{digest: weekly, digest_tags: true}",
    )
    add_posts(site, range(ARCHIVE_PAGE_POSTS * 2 + 5))
    return site


def copy_hostile_tags_site(root: Path) -> Path:
    """Tags named like dots, slashes, device names and markup, their posts dated so that they
    are in the feeds: feeds and items at percent-encoded URLs."""
    shutil.copytree(REPO / "tests/hostile/tags-dangerous-names", root)
    front = root / "content/front.md"
    front.write_text(front.read_text("utf-8").replace("---\n", "---\ndate: 2024-05-01\n", 1))
    archive = root / "content/hashtags.txt"
    archive.write_text("---\ndate: 2024-05-02\n---\n" + archive.read_text("utf-8"))
    return root


SITES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "sample": (write_dated_sample, SUB_PATH),
    "exports": (write_exports_site, "https://example.org/blog/"),
    "archive": (write_archive_site, SUB_PATH),
    "hostile-tags": (copy_hostile_tags_site, "https://example.org/hostile/"),
}


@dataclass(frozen=True)
class Built:
    name: str
    output: Path
    base_url: str


@pytest.fixture(scope="module", params=sorted(SITES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    name: str = request.param
    write, base_url = SITES[name]
    root = tmp_path_factory.mktemp(f"feed-spec-{name}")
    site = write(root / "site")
    with pinned_environment(), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--config", str(site / "site.yaml"), "--output", str(root / "out")])
    assert code == 0
    return Built(name, root / "out", base_url)


def feed_files(output: Path) -> list[Path]:
    """Every feed of the output, each once."""
    found = {path for pattern in FEED_PATTERNS for path in output.glob(pattern)}
    return sorted(path for path in found if path.is_file())  # a post may be named atom.xml


def test_every_feed_is_valid_and_names_its_own_url(built: Built) -> None:
    feeds = feed_files(built.output)
    names = {path.relative_to(built.output).as_posix() for path in feeds}
    assert {"feed.xml", "atom.xml", "feed.json"} <= names
    if built.name == "archive":  # two full pages and the newest
        assert {f"feeds/archive/{number}.xml" for number in (1, 2, 3)} <= names
    else:
        assert any(name.startswith("tags/") for name in names)
    site = Site(built.output, built.base_url)
    errors: list[str] = []
    for path in feeds:
        name = path.relative_to(built.output).as_posix()
        own_url = built.base_url + quote(name)  # tags/educaci%C3%B3n/feed.xml
        errors += [f"{name}: {error}" for error in check_feed(path, own_url, site)]
    assert errors == []


# -- the checker catches what it should ----------------------------------------------------

BASE = "https://example.org/blog/"
PAGE = f"{BASE}posts/a/"

GOOD_ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="http://purl.org/syndication/history/1.0">
  <id>{BASE}</id>
  <title>T</title>
  <updated>2024-06-01T08:00:00Z</updated>
  <author><name>A</name></author>
  <link href="{BASE}atom.xml" rel="self" type="application/atom+xml"/>
  <link href="{BASE}"/>
  <link href="{BASE}feeds/archive/1.xml" rel="prev-archive"/>
  <entry>
    <id>{PAGE}</id>
    <title>A</title>
    <updated>2024-06-01T08:00:00+02:00</updated>
    <published>2024-06-01T08:00:00+02:00</published>
    <link href="{PAGE}"/>
    <content type="html">&lt;p&gt;A&lt;/p&gt;</content>
    <category term="t"/>
  </entry>
</feed>
"""

GOOD_RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>T</title>
    <link>{BASE}</link>
    <description>D</description>
    <atom:link href="{BASE}feed.xml" rel="self" type="application/rss+xml"/>
    <lastBuildDate>Sat, 01 Jun 2024 08:00:00 +0000</lastBuildDate>
    <item>
      <title>A</title>
      <link>{PAGE}</link>
      <guid isPermaLink="true">{PAGE}</guid>
      <pubDate>Sat, 01 Jun 2024 08:00:00 +0000</pubDate>
      <enclosure url="{BASE}media/a.png" length="12" type="image/png"/>
    </item>
  </channel>
</rss>
"""

GOOD_JSON = f"""{{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "T",
  "home_page_url": "{BASE}",
  "feed_url": "{BASE}feed.json",
  "authors": [{{"name": "A"}}],
  "items": [
    {{"id": "{PAGE}", "url": "{PAGE}", "content_html": "<p>A</p>",
      "date_published": "2024-06-01T08:00:00Z",
      "attachments": [{{"url": "{BASE}media/a.png", "mime_type": "image/png"}}]}}
  ]
}}
"""

Checker = Callable[[bytes, str, Site | None], list[str]]
KINDS: dict[str, tuple[Checker, str, str]] = {
    "atom": (check_atom, GOOD_ATOM, f"{BASE}atom.xml"),
    "rss": (check_rss, GOOD_RSS, f"{BASE}feed.xml"),
    "json": (check_json_feed, GOOD_JSON, f"{BASE}feed.json"),
}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """An output folder holding the one page the good feeds link."""
    page = tmp_path / "posts/a/index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<!doctype html><title>A</title>", encoding="utf-8")
    return Site(tmp_path, BASE)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_good_feeds_pass(kind: str, site: Site) -> None:
    check, text, self_url = KINDS[kind]
    assert check(text.encode(), self_url, site) == []


BAD = [
    # (kind, what is written, what replaces it, part of the error expected)
    ("atom", f"<id>{PAGE}</id>", "", "0 atom:id elements"),
    ("atom", f"<id>{BASE}</id>", "<id>blog</id>", "not an absolute IRI"),
    ("atom", "<updated>2024-06-01T08:00:00Z", "<updated>2024-06-01 08:00:00Z", "RFC 3339"),
    ("atom", "08:00:00+02:00</published>", "08:00+02:00</published>", "RFC 3339"),
    ("atom", f'href="{BASE}atom.xml" rel="self"', 'href="atom.xml" rel="self"', "not absolute"),
    ("atom", f'href="{BASE}atom.xml" rel="self"', f'href="{BASE}x.xml" rel="self"', "own URL"),
    ("atom", 'rel="self" ', 'rel="related" ', "no self link"),
    ("atom", f'href="{BASE}feeds/archive/1.xml"', 'href="1.xml"', "RFC 5005"),
    ("atom", "<author><name>A</name></author>", "", "no atom:author"),
    ("atom", f'<link href="{BASE}"/>', f'<link href="{BASE}"/><link href="{BASE}x"/>', "more"),
    ("atom", '<category term="t"/>', "<category/>", "without a term"),
    ("atom", "<title>A</title>", "<title>A</title><colour>red</colour>", "atom:colour"),
    ("atom", "&lt;p&gt;A&lt;/p&gt;", "<p>A</p>", "holds child elements"),
    ("atom", 'type="html">&lt;p&gt;A&lt;/p&gt;', f'src="{PAGE}">', "no atom:summary"),
    ("atom", f'<link href="{PAGE}"/>', f'<link href="{BASE}posts/b/"/>', "names no file"),
    ("atom", "<published>2024-06-01T08:00:00+02:00</published>", "", "no atom:published"),
    ("rss", "<description>D</description>", "", "no <description>"),
    ("rss", "<title>T</title>", "<title>T</title><title>U</title>", "2 <title> elements"),
    ("rss", "<title>T</title>", "<title>T</title><colour>red</colour>", "not an RSS 2.0"),
    ("rss", f"<link>{BASE}</link>", "<link>/blog/</link>", "not an absolute URL"),
    ("rss", "Jun 2024 08:00:00 +0000</pubDate>", "Jun 24 08:00:00 +0000</pubDate>", "4-digit"),
    ("rss", "<pubDate>Sat,", "<pubDate>Sun,", "wrong day of the week"),
    ("rss", "</item>", f"</item><item><title>B</title><guid>{PAGE}</guid></item>", "more than"),
    ("rss", '<guid isPermaLink="true">', "<guid>posts/", "permalink guid"),
    ("rss", 'length="12"', 'length="None"', "enclosure length"),
    ("rss", 'type="application/rss+xml"', 'type="text/xml"', "self atom:link type"),
    ("rss", f'href="{BASE}feed.xml"', 'href="feed.xml"', "not absolute"),
    ("rss", "<title>A</title>", "", "neither <title> nor <description>"),
    ("rss", '<rss version="2.0"', '<rss version="0.91"', "not rss 2.0"),
    ("json", f'"feed_url": "{BASE}feed.json",', "", "no self link"),
    ("json", "version/1.1", "version/1", "is not"),
    ("json", f'"home_page_url": "{BASE}"', '"home_page_url": "/blog/"', "home_page_url"),
    ("json", '"date_published": "2024-06-01T08:00:00Z"', '"date_published": "1 June"', "RFC 3339"),
    ("json", '"content_html": "<p>A</p>",', "", "neither content_html"),
    ("json", f'"id": "{PAGE}"', '"id": 7', "not a non-empty string"),
    ("json", ', "mime_type": "image/png"', "", "mime_type"),
    ("json", f'"url": "{PAGE}"', '"url": "posts/a/"', "not an absolute URL"),
]


@pytest.mark.parametrize(("kind", "old", "new", "expected"), BAD)
def test_the_checker_catches_a_bad_feed(
    kind: str, old: str, new: str, expected: str, site: Site
) -> None:
    check, text, self_url = KINDS[kind]
    assert old in text, "the mutation must change the good feed"
    errors = check(text.replace(old, new, 1).encode(), self_url, site)
    assert any(expected in error for error in errors), errors


def test_check_feed_reads_the_kind_from_the_file(tmp_path: Path, site: Site) -> None:
    for name, (_, text, self_url) in {"feed.xml": KINDS["rss"], "atom.xml": KINDS["atom"]}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert check_feed(tmp_path / name, self_url, site) == []
    (tmp_path / "feed.json").write_text(GOOD_JSON.replace("1.1", "1"), encoding="utf-8")
    assert check_feed(tmp_path / "feed.json", f"{BASE}feed.json", site)
    (tmp_path / "broken.xml").write_text("<feed>", encoding="utf-8")
    assert check_feed(tmp_path / "broken.xml", BASE, site)[0].startswith("not well-formed")

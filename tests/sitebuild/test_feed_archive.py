"""The feed archive (RFC 5005) and e-mail-safe feed items: the site's whole history as Atom
pages that never change once full, and items that work in an e-mail with no stylesheet."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import feedparser
import html5lib
import pytest

from microblog.config import SiteConfig, load_config
from microblog.feedarchive import ARCHIVE_PAGE_POSTS, HISTORY_NS, plan_archive
from microblog.feeds import item_html
from microblog.model import Media, Post
from microblog.settings import find
from microblog.sources.markdown import parse_markdown
from microblog.urls import Urls
from tests.conftest import MakeSite, write_site
from tests.sitebuild.test_buildcache import build, clean_build_of
from tests.support.sitechecks import tree_digest

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://example.org/blog/"
PER = ARCHIVE_PAGE_POSTS


def add_posts(site: Path, numbers: range) -> None:
    """Posts p0000, p0001, ... each a minute after the one before: a higher number is newer."""
    for n in numbers:
        date = f"2024-01-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00Z"
        text = f"---\ndate: {date}\n---\nPost {n} #Tag{n % 3}\n"
        (site / f"content/p{n:04d}.md").write_text(text, encoding="utf-8")


def archive_site(root: Path, count: int, **settings: object) -> Path:
    site = write_site(root, base_url=BASE, dates_from_git="false", **settings)
    add_posts(site, range(count))
    return site


def archive_files(output: Path) -> dict[int, bytes]:
    folder = output / "feeds/archive"
    return {int(path.stem): path.read_bytes() for path in folder.glob("*.xml")}


def links(root: ElementTree.Element) -> dict[str, str]:
    return {link.get("rel", ""): link.get("href", "") for link in root.findall(f"{ATOM}link")}


def entry_slugs(data: bytes) -> list[str]:
    parsed = feedparser.parse(data)
    return [
        unquote(urlsplit(entry.link).path.rstrip("/").rpartition("/")[2])
        for entry in parsed.entries
    ]


def test_archive_pages_are_valid_atom_linked_oldest_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = archive_site(tmp_path / "site", PER * 5 // 2), tmp_path / "out"
    build(site, output, capsys)
    pages = archive_files(output)
    assert sorted(pages) == [1, 2, 3]
    seen: list[str] = []
    for number, data in sorted(pages.items()):
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0, (number, parsed.get("bozo_exception"))
        root = ElementTree.fromstring(data)
        own = f"{BASE}feeds/archive/{number}.xml"
        for name in ("id", "title", "updated"):
            assert (root.findtext(f"{ATOM}{name}") or "").strip(), (number, name)
        assert root.findtext(f"{ATOM}author/{ATOM}name") == "Test Site"
        assert root.find(f"{{{HISTORY_NS}}}archive") is not None
        rels = links(root)
        assert rels["self"] == root.findtext(f"{ATOM}id") == own
        assert rels["current"] == f"{BASE}atom.xml"
        assert rels.get("prev-archive") == (
            f"{BASE}feeds/archive/{number - 1}.xml" if number > 1 else None
        )
        assert rels.get("next-archive") == (
            f"{BASE}feeds/archive/{number + 1}.xml" if number < 3 else None
        )
        entries = root.findall(f"{ATOM}entry")
        for entry in entries:
            for name in ("id", "title", "updated"):
                assert (entry.findtext(f"{ATOM}{name}") or "").strip(), (number, name)
            href = entry.find(f"{ATOM}link").get("href", "")  # type: ignore[union-attr]
            assert href.startswith(f"{BASE}posts/")
            assert (output / href.removeprefix(BASE) / "index.html").is_file(), href
        # a full page's `updated` is its own newest post's date
        assert root.findtext(f"{ATOM}updated") == max(
            entry.findtext(f"{ATOM}updated") or "" for entry in entries
        )
        seen += sorted(entry_slugs(data))
    assert seen == [f"p{n:04d}" for n in range(PER * 5 // 2)]  # 1.xml the oldest, no gaps
    assert len(entry_slugs(pages[1])) == len(entry_slugs(pages[2])) == PER
    current = ElementTree.parse(output / "atom.xml").getroot()
    assert links(current)["prev-archive"] == f"{BASE}feeds/archive/3.xml"
    assert "feeds/" not in (output / "sitemap.xml").read_text("utf-8")


def test_full_pages_never_change_as_posts_are_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From two full pages and an empty third, to two and a half pages, to three full and an
    empty fourth, to more: a page once full stays byte for byte; each build (incremental,
    over the last one's output) is a clean build's."""
    site, output = archive_site(tmp_path / "site", PER * 2), tmp_path / "out"
    full: dict[int, bytes] = {}
    for count in (PER * 2, PER * 5 // 2, PER * 3, PER * 3 + 7):
        add_posts(site, range(count))
        build(site, output, capsys)
        pages = archive_files(output)
        assert sorted(pages) == list(range(1, count // PER + 2))
        newest = max(pages)
        assert len(entry_slugs(pages[newest])) == count % PER  # the newest is never full
        for number, data in pages.items():
            if number < newest:
                assert full.setdefault(number, data) == data, f"full page {number} changed"
        assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)
    assert sorted(full) == [1, 2, 3]


def test_the_empty_newest_page_is_valid_atom(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = archive_site(tmp_path / "site", PER), tmp_path / "out"
    build(site, output, capsys)
    empty = (output / "feeds/archive/2.xml").read_bytes()
    parsed = feedparser.parse(empty)
    assert parsed.bozo == 0 and parsed.entries == []
    assert parsed.feed.updated == feedparser.parse(output / "feeds/archive/1.xml").feed.updated


def test_without_archive_setting_or_dated_posts_no_archive_is_written(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {"content/a.md": "---\ndate: 2024-01-02\n---\nA post.\n"},
        config=f"title: T\nbase_url: {BASE}\nfeed:\n  archive: false\n",
    )
    build(site, tmp_path / "off", capsys)
    assert not (tmp_path / "off/feeds").exists()
    assert "prev-archive" not in (tmp_path / "off/atom.xml").read_text("utf-8")
    undated = make_site({"content/a.md": "No date.\n"}, folder="undated", dates_from_git="false")
    build(undated, tmp_path / "undated-out", capsys)
    assert not (tmp_path / "undated-out/feeds").exists()


def test_the_archive_setting_says_how_many_posts_a_page_holds() -> None:
    assert f" {ARCHIVE_PAGE_POSTS} posts" in find("feed.archive").doc


def test_plan_archive_keeps_undated_posts_out_and_pages_by_position(make_site: MakeSite) -> None:
    config = load_config(make_site() / "site.yaml")
    dated = [
        _markdown(config, f"content/p{n}.md", f"---\ndate: 2024-01-01T00:00:{n:02d}Z\n---\nx")
        for n in range(3)
    ]
    undated = _markdown(config, "content/u.md", "undated")
    (page,) = plan_archive([dated[2], undated, dated[1], dated[0]])  # newest first
    assert page.posts == tuple(dated) and page.newest and page.number == 1
    assert page.updated == dated[2].date
    assert plan_archive([undated]) == []


# -- e-mail-safe items ----------------------------------------------------------------------

EMAIL_POSTS = {
    "content/a.md": "---\ndate: 2024-02-01\nwarning: spiders\n---\n# Heading {#top}\n\n"
    "Text[^1] with ![](images/x.png) and #Hashtag.\n\n[^1]: A note.\n",
    "content/b.txt": "---\ndate: 2024-01-01\n---\nA plain post #Other https://example.com/x\n",
}


def item_htmls(output: Path) -> dict[str, list[str]]:
    """The HTML of every item of every feed the site has, by feed."""
    found: dict[str, list[str]] = {}
    for path in sorted(output.rglob("*.xml")):
        if path.name != "sitemap.xml":
            parsed = feedparser.parse(path.read_bytes())
            found[path.name] = [entry.content[0].value for entry in parsed.entries]
    for path in sorted(output.rglob("feed.json")):
        found[path.name] = [item["content_html"] for item in json.loads(path.read_bytes())["items"]]
    return found


def test_feed_items_are_safe_in_an_email(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(EMAIL_POSTS, base_url=BASE)
    build(site, tmp_path / "out", capsys)
    htmls = item_htmls(tmp_path / "out")
    assert {"feed.xml", "atom.xml", "feed.json", "1.xml"} <= set(htmls)
    for name, items in htmls.items():
        assert items, name
        for html in items:
            fragment = html5lib.HTMLParser(namespaceHTMLElements=False).parseFragment(html)
            for element in fragment.iter():
                assert "class" not in element.attrib and "id" not in element.attrib, (name, html)
                if element.tag == "img":
                    assert "alt" in element.attrib, (name, html)
                for attribute in ("href", "src"):
                    if attribute in element.attrib:
                        assert urlsplit(element.get(attribute)).scheme in ("http", "https")
            last = fragment.findall(".//a")[-1]
            assert last.text == "View on the site"
            assert last.get("href", "").startswith(f"{BASE}posts/")
    atom = feedparser.parse((tmp_path / "out/atom.xml").read_bytes()).entries
    first = atom[0].content[0].value  # a.md, the newest
    assert first.index("Content warning: spiders") < first.index("Heading")
    assert f'<a href="{BASE}tags/hashtag/">#Hashtag</a>' in first
    assert f'<a href="{BASE}posts/a/">View on the site</a>' in first
    assert f'<a href="{BASE}tags/other/">#Other</a>' in atom[1].content[0].value


def test_the_footer_link_can_be_turned_off(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = f"title: T\nbase_url: {BASE}\nfeed:\n  footer_link: false\n"
    site = make_site(EMAIL_POSTS, config=config)
    build(site, tmp_path / "out", capsys)
    for name, items in item_htmls(tmp_path / "out").items():
        assert all("View on the site" not in html for html in items), name


def test_item_images_carry_alt_and_known_sizes(make_site: MakeSite) -> None:
    config = load_config(make_site(base_url=BASE) / "site.yaml")
    post = _markdown(config, "content/a.md", "---\ndate: 2024-01-01\n---\nA photo.")
    sized = Media("image", "export", "m/x.png", "media/x.png", alt="A cat", width=40, height=30)
    unsized = Media("image", "export", "m/y.png", "media/y.png")
    html = item_html(config, Urls(config), dataclasses.replace(post, media=(sized, unsized)))
    assert f'<img src="{BASE}media/x.png" alt="A cat" width="40" height="30">' in html
    assert re.search(rf'<img src="{BASE}media/y.png" alt="">', html), html


def _markdown(config: SiteConfig, path: str, text: str) -> Post:
    (post,) = [item for item in parse_markdown(text, path, config) if isinstance(item, Post)]
    return post

"""A site built from every kind of source at once, as issue 13 accepts it: a Twitter/X export
(a folder), a Mastodon export (the .zip as downloaded), a .txt archive and a Markdown post,
plus two small exports holding one post cross-posted to both networks, under a sub-path.

It passes the sample site's checks (Nu Html Checker, feeds, a crawl under /blog/, a
byte-identical rebuild) and shows what an export gives: expanded links, images with their alt
text, threads, content warnings, mentions, replies, a cross-post shown once. No byte of a
private post (its canary, `CANARY-PRIVATE-...`) is anywhere in the output, in a file's bytes
or its name, nor in what `check --json` prints.

Last, the memory a big or a lying export takes, measured on a real process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element

import feedparser
import html5lib
import pytest

from microblog.cli import main
from tests.conftest import REPO, pinned_environment, write_site
from tests.hostile.corpus import (
    FOLLOWERS,
    outbox_json,
    status_image,
    status_item,
    tweet_item,
    tweets_js,
    write_big_tweets_js,
    write_lying_zip,
)
from tests.support.crawl import crawl, serve_directory
from tests.support.htmlcheck import check_html_files, validate_with_html5lib
from tests.support.sitechecks import active_markup, broken_internal_links

BASE_URL = "https://example.org/blog/"
BASE_PATH = "/blog/"
FIXTURES = REPO / "tests" / "fixtures"
PRIVATE = "canary-private"  # every private post's canary starts so (any case)
TWITTER = "content/twitter-2022-11-04"
MASTODON = "content/archive-20240315-mastodon.zip"
CROSS_TWEET = "1800000000000000001"
CROSS_STATUS = "113000000000000001"
CROSS_TEXT = "Same words on both networks, see"
PUBLISHED = {
    # the Twitter export: its retweet is left out; its private files are never opened
    *(f"160000000000000000{n}" for n in (3, 5, 6, 7, 8, 9)),
    "1600000000000000010",
    # the Mastodon export: a boost, a followers-only status and a private mention left out
    *(f"11000000000000000{n:02d}" for n in (1, 2, 6, 7, 8, 9, 10, 11, 12, 13, 14)),
    CROSS_TWEET,  # the cross-post, at the earlier one's address (the status's redirects there)
    "a-note-from-the-text-archive-85bfd6",
    "a-second-note-with-a-link-8c0113",
    "hello",
}


def build(site: Path, output: Path) -> int:
    return main(["build", "--config", str(site / "site.yaml"), "--output", str(output)])


def write_exports_site(root: Path) -> Path:
    """The site: every source in one content/ folder, served under /blog/."""
    archive = (
        "---\ndate: 2024-06-01T08:00:00+00:00\n---\n"
        "A note from the text archive #notes\n\n"
        "A second note with a link https://example.com/txt\n"
    )
    markdown = "---\ndate: 2024-06-02T09:00:00+00:00\ntags: [notes]\n---\nA Markdown post.\n"
    site = write_site(
        root,
        {"content/archive.txt": archive, "content/hello.md": markdown},
        title="Exports",
        base_url=BASE_URL,
        timezone="UTC",
        posts_per_page=5,
        dates_from_git="false",
    )
    shutil.copytree(FIXTURES / "twitter" / "export-2022", site / TWITTER)
    with zipfile.ZipFile(site / MASTODON, "w", zipfile.ZIP_DEFLATED) as packed:
        full = FIXTURES / "mastodon" / "full"
        for path in sorted(full.rglob("*")):
            if path.is_file():
                packed.write(path, path.relative_to(full).as_posix())
    write_cross_post_exports(site / "content" / "cross-post")
    return site


def write_cross_post_exports(folder: Path) -> None:
    """One post sent to both networks four minutes apart (a tweet, then a status), each export
    with a private item whose canary is also in a media file's name."""
    link = {
        "url": "https://t.co/CrOsS00001",
        "expanded_url": "https://example.net/cross-posting/guide",
        "display_url": "example.net/cross-posti…",
        "indices": ["33", "56"],
    }
    tweet = tweet_item(
        1,
        f"{CROSS_TEXT} https://t.co/CrOsS00001",
        created_at="Wed May 01 12:00:00 +0000 2024",
        entities={"hashtags": [], "symbols": [], "user_mentions": [], "urls": [link]},
    )
    data = folder / "twitter" / "data"
    data.mkdir(parents=True)
    (data / "tweets.js").write_text(tweets_js([tweet]), encoding="utf-8")
    (data / "direct-messages.js").write_text(
        'window.YTD.direct_messages.part0 = [{"dmConversation": {"messages": '
        '[{"messageCreate": {"text": "CANARY-PRIVATE-cross-post-dm"}}]}}]\n',
        encoding="utf-8",
    )
    (data / "direct_messages_media").mkdir()
    (data / "direct_messages_media" / "1-CANARY-PRIVATE-dm-media.jpg").write_bytes(b"jpg")
    status = status_item(
        1,
        f'<p>{CROSS_TEXT} <a href="https://example.net/cross-posting/guide" rel="nofollow '
        'noopener noreferrer" target="_blank"><span class="invisible">https://</span><span '
        'class="ellipsis">example.net/cross-posting/gui</span><span class="invisible">de'
        "</span></a></p>",
        published="2024-05-01T12:04:00Z",
    )
    status["published"] = "2024-05-01T12:04:00Z"
    private_media = "files/7/original/CANARY-PRIVATE-media-name.png"
    private = status_item(
        2,
        "<p>CANARY-PRIVATE-cross-post-followers only</p>",
        to=[FOLLOWERS],
        cc=[],
        attachment=[status_image(private_media, "CANARY-PRIVATE-cross-post-alt")],
    )
    mastodon = folder / "mastodon"
    (mastodon / "media_attachments" / private_media).parent.mkdir(parents=True)
    (mastodon / "media_attachments" / private_media).write_bytes(b"png")
    (mastodon / "outbox.json").write_text(outbox_json([status, private]), encoding="utf-8")


@dataclass(frozen=True)
class Built:
    """The site, its output, and what `check --json` printed."""

    site: Path
    output: Path
    records: list[dict[str, Any]]
    check_code: int
    check_out: str
    check_err: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The exports site built once, for tests that only read the output."""
    root = tmp_path_factory.mktemp("exports-site")
    site = write_exports_site(root / "site")
    out, err = io.StringIO(), io.StringIO()
    with pinned_environment():
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            check_code = main(["check", "--json", "--config", str(site / "site.yaml")])
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert build(site, root / "out") == 0
    records = json.loads(out.getvalue())
    return Built(site, root / "out", records, check_code, out.getvalue(), err.getvalue())


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def parse(path: Path) -> Element:
    parsed: Element = html5lib.parse(path.read_text("utf-8"), namespaceHTMLElements=False)
    return parsed


def post_page(built: Built, slug: str) -> Element:
    return parse(built.output / "posts" / slug / "index.html")


def text_of(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def links_in(element: Element) -> list[tuple[str, str]]:
    """(href, text) of every link in element."""
    return [(a.get("href", ""), text_of(a)) for a in element.iter("a")]


def post_url(slug: str) -> str:
    return f"{BASE_PATH}posts/{slug}/"


def is_redirect(page: Path) -> bool:
    return 'http-equiv="refresh"' in page.read_text("utf-8")


def feeds_in(output: Path) -> list[Path]:
    return sorted([*output.rglob("feed.xml"), *output.rglob("atom.xml")])


# -- what was read ------------------------------------------------------------------------


def test_check_reads_every_source_and_publishes_only_the_public_posts(built: Built) -> None:
    assert built.check_code == 1  # warnings: media the fixture exports lack
    published = {str(r["slug"]) for r in built.records if not r["draft"]}
    assert published == PUBLISHED
    assert all(record["date"] for record in built.records)
    summary = built.check_err
    assert f"{TWITTER}: Twitter/X export, 7 posts read (1 retweet left out)" in summary
    assert f"{MASTODON}: Mastodon export, 11 posts read (1 boost, 2 not public left out)" in summary
    assert "content/cross-post/twitter: Twitter/X export, 1 post read" in summary
    assert "content/cross-post/mastodon: Mastodon export, 1 post read (1 not public" in summary
    written = {p.parent.name for p in (built.output / "posts").glob("*/index.html")}
    assert written == PUBLISHED | {CROSS_STATUS}  # and the redirect


def test_private_posts_are_nowhere_in_the_output_nor_in_check(built: Built) -> None:
    found: list[str] = []
    for folder, dirs, files in os.walk(built.output):
        for name in dirs + files:
            path = Path(folder, name)
            relative = path.relative_to(built.output).as_posix()
            if PRIVATE in name.casefold():
                found.append(f"name: {relative}")
            if path.is_file() and PRIVATE.encode() in path.read_bytes().lower():
                found.append(f"bytes: {relative}")
    assert found == []
    assert PRIVATE not in (built.check_out + built.check_err).casefold()
    assert not list(built.output.rglob("private.png"))  # a followers-only status's image
    for slug in ("1100000000000000003", "1100000000000000004", "113000000000000002"):
        assert not (built.output / "posts" / slug).exists()


# -- the sample site's checks ------------------------------------------------------------


@pytest.mark.slow  # the Nu Html Checker starts a JVM
def test_every_page_is_valid_html(built: Built) -> None:
    pages = sorted(built.output.rglob("*.html"))
    assert len(pages) > 30
    assert check_html_files(pages) == []
    for page in pages:
        assert validate_with_html5lib(page.read_text("utf-8")) == [], page


def test_no_active_markup_and_no_broken_link_in_the_files(built: Built) -> None:
    assert active_markup(built.output) == []
    assert broken_internal_links(built.output, BASE_PATH) == []


def test_feeds_parse_with_absolute_ascii_urls_and_permalink_guids(built: Built) -> None:
    feeds = feeds_in(built.output)
    assert len(feeds) >= 10
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        for entry in parsed.entries:
            assert entry.id.isascii() and entry.id.startswith(BASE_URL + "posts/")
            page = built.output / entry.id.removeprefix(BASE_URL) / "index.html"
            assert page.is_file() and not is_redirect(page), entry.id
            links = [link.href for link in entry.links]
            assert entry.id in links and all(link.isascii() for link in links), links
            if path.name == "feed.xml":
                assert entry.link == entry.id  # the RSS guid is the permalink
            for url in re.findall(r'(?:href|src)="([^"]*)"', entry.content[0].value):
                assert url.isascii() and urlsplit(url).scheme in ("http", "https"), (path, url)
            for enclosure in entry.get("enclosures", []):
                assert enclosure.href.isascii() and enclosure.href.startswith(BASE_URL)
                media = built.output / enclosure.href.removeprefix(BASE_URL)
                assert int(enclosure.length) == media.stat().st_size, enclosure.href
    rss = (built.output / "feed.xml").read_text("utf-8")
    photo = f"{BASE_URL}media/twitter/1600000000000000010-FxPhoto01.png"
    assert f'<media:content url="{photo}"' in rss and f'<enclosure url="{photo}"' in rss


def test_atom_entries_link_to_their_post_alone(built: Built) -> None:
    for path in sorted(built.output.rglob("atom.xml")):
        for entry in feedparser.parse(path.read_bytes()).entries:
            alternates = [link.href for link in entry.links if link.rel == "alternate"]
            assert alternates == [entry.id], (path, alternates)
            assert entry.link == entry.id


def test_sitemap_lists_every_page_but_the_redirect(built: Built) -> None:
    sitemap = (built.output / "sitemap.xml").read_text("utf-8")
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert all(loc.isascii() and loc.startswith(BASE_URL) for loc in locs)
    pages = {
        BASE_URL + page.relative_to(built.output).as_posix().removesuffix("index.html")
        for page in built.output.rglob("*.html")
        if page.name != "404.html" and not is_redirect(page)
    }
    assert locs == pages
    assert BASE_URL + f"posts/{CROSS_STATUS}/" not in locs


def test_the_site_works_under_its_sub_path(built: Built, tmp_path: Path) -> None:
    served = tmp_path / "served"
    shutil.copytree(built.output, served)
    with serve_directory(served, BASE_PATH) as base:
        report = crawl(base)
        moved = crawl(f"{base}posts/{CROSS_STATUS}/")  # linked from nowhere: it redirects
    assert not report.broken, report.broken
    assert not moved.broken, moved.broken
    visited = {urlsplit(url).path for url in report.visited + moved.visited}
    for media in (
        "media/twitter/1600000000000000010-FxPhoto01.png",
        "media/twitter/1600000000000000009-HighRate09.mp4",
        "media/mastodon/files/110/000/000/000/000/001/original/cat.png",
        "media/mastodon/files/110/000/000/000/000/006/original/clip.mp4",
        f"posts/{CROSS_STATUS}/",
    ):
        assert BASE_PATH + media in visited, media


def test_a_rebuild_is_byte_identical(built: Built, tmp_path: Path) -> None:
    again, over = tmp_path / "again", tmp_path / "over"
    shutil.copytree(built.output, over)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert build(built.site, again) == 0
        assert build(built.site, over) == 0
    assert tree(again) == tree(built.output)
    assert tree(over) == tree(built.output)


# -- what an export gives ------------------------------------------------------------------


def test_links_are_expanded_and_no_tco_link_is_left(built: Built) -> None:
    holding = [
        path.relative_to(built.output).as_posix()
        for path in sorted(built.output.rglob("*"))
        if path.is_file() and re.search(rb"\bt\.co/", path.read_bytes())
    ]
    assert holding == []
    content = post_page(built, "1600000000000000010").find(".//div[@class='e-content']")
    assert content is not None
    expanded = (
        "https://example.org/blog/progressive-image?ref=tw&x=1",
        "example.org/blog/progres…",
    )
    assert expanded in links_in(content)
    assert "Shipping the new <progressive-image> element & its docs" in text_of(content)
    status = post_page(built, "1100000000000000001").find(".//div[@class='e-content']")
    assert status is not None
    article = "https://example.com/articles/2024/a-very-long-article-name"
    assert (article, "example.com/articles/2024/a-ve…") in links_in(status)


def test_images_and_videos_are_shown_with_their_alt_text(built: Built) -> None:
    def media_of(slug: str) -> list[Element]:
        page = post_page(built, slug)
        return [
            e for e in page.iter() if e.tag in ("img", "video") and "/media/" in e.get("src", "")
        ]

    (photo,) = media_of("1600000000000000010")
    assert photo.get("alt") == 'A <b>bold</b> cat & a "dog"'
    (cat,) = media_of("1100000000000000001")
    assert cat.get("alt") == "A white cat on a white couch"
    (clip,) = media_of("1100000000000000006")
    assert (clip.tag, clip.get("aria-label")) == ("video", "A short clip")
    (video,) = media_of("1600000000000000009")
    assert video.tag == "video"
    for element in (photo, cat, clip, video):
        src = element.get("src", "")
        assert src.startswith(BASE_PATH + "media/")
        assert (built.output / src.removeprefix(BASE_PATH)).is_file(), src
    lost = links_in(post_page(built, "1600000000000000008"))  # a GIF the export lacks
    assert "https://video.twimg.com/tweet_video/FxGif08.mp4" in [href for href, _ in lost]


def test_a_thread_is_shown_in_order_on_each_of_its_posts(built: Built) -> None:
    threads = [
        ["1600000000000000006", "1600000000000000007"],
        ["1100000000000000007", "1100000000000000008"],
    ]
    for thread in threads:
        for slug in thread:
            section = post_page(built, slug).find(".//section[@class='thread']")
            assert section is not None, slug
            items = [(li.get("aria-current"), links_in(li)[0][0]) for li in section.iter("li")]
            assert [href for _, href in items] == [post_url(s) for s in thread]
            assert [href for current, href in items if current] == [post_url(slug)]
    reply = post_page(built, "1600000000000000007").find(".//p[@class='reply-to']")
    assert reply is not None
    assert [href for href, _ in links_in(reply)] == [post_url("1600000000000000006")]


def test_content_warnings_collapse_the_post(built: Built) -> None:
    for slug, warning, inside in (
        ("1100000000000000002", "Spoilers ahead", "Unlisted thoughts"),
        ("1100000000000000006", "Sensitive content", "A video, and a photo"),
    ):
        details = post_page(built, slug).find(".//details[@class='content-warning']")
        assert details is not None, slug
        assert details.get("open") is None
        assert text_of(details.find("summary")) == warning
        assert inside in text_of(details.find(".//div[@class='e-content']"))
    rss = feedparser.parse((built.output / "feed.xml").read_bytes())
    (entry,) = [e for e in rss.entries if e.link.endswith("/1100000000000000002/")]
    assert entry.content[0].value.startswith("<p><strong>Content warning: Spoilers ahead</strong>")


def test_mentions_link_to_the_profile(built: Built) -> None:
    tweet = links_in(post_page(built, "1600000000000000010"))
    assert ("https://twitter.com/fixture_friend", "@fixture_friend") in tweet
    status = links_in(post_page(built, "1100000000000000001"))
    assert ("https://other.example/@bob", "@bob") in status


def test_replies_to_others_are_marked_with_a_link_to_the_original(built: Built) -> None:
    for slug, original, to in (
        (
            "1600000000000000005",
            "https://twitter.com/other_person/status/1599999999999999999",
            "@other_person",
        ),
        (
            "1100000000000000009",
            "https://other.example/users/bob/statuses/4242",
            "@bob@other.example",
        ),
    ):
        note = post_page(built, slug).find(".//p[@class='reply-to']")
        assert note is not None, slug
        assert text_of(note).startswith("Replying to")
        assert links_in(note) == [(original, to)]


def test_a_cross_post_is_shown_once_at_the_earlier_address(built: Built) -> None:
    kept = post_page(built, CROSS_TWEET)
    originals = kept.find(".//p[@class='originals']")
    assert originals is not None
    assert links_in(originals) == [
        (f"https://twitter.com/i/web/status/{CROSS_TWEET}", "Twitter/X"),
        (f"https://social.example/@alice/{CROSS_STATUS}", "Mastodon"),
    ]
    redirect = post_page(built, CROSS_STATUS)
    canonical = [e.get("href") for e in redirect.iter("link") if e.get("rel") == "canonical"]
    assert canonical == [f"{BASE_URL}posts/{CROSS_TWEET}/"]
    refresh = [e.get("content", "") for e in redirect.iter("meta") if e.get("http-equiv")]
    assert refresh == [f"0; url={post_url(CROSS_TWEET)}"]
    assert urljoin(f"{BASE_URL}posts/{CROSS_STATUS}/", refresh[0].split("url=")[1]) == canonical[0]
    listings = [
        path
        for path in built.output.rglob("index.html")
        if not path.relative_to(built.output).as_posix().startswith("posts/")
    ]

    def shown(*under: str, but: tuple[str, ...] = ()) -> int:
        return sum(
            CROSS_TEXT in text_of(card)  # its card's text; its hidden heading may repeat it
            for path in listings
            if path.relative_to(built.output).as_posix().startswith(under)
            and not path.relative_to(built.output).as_posix().startswith(but)
            for card in parse(path).iter("article")
        )

    assert shown("", but=("tags/", "archive/", "on-this-day/")) == 1  # one of the home pages
    assert shown("on-this-day/") == 1  # on its day's page
    for path in feeds_in(built.output):
        assert f"posts/{CROSS_STATUS}/" not in path.read_text("utf-8")


# -- big and lying exports, measured on a real process -----------------------------------------

LIMIT_BYTES = 1024**3


# The child's own peak, from its memory map's high-water mark (VmHWM). Not `wait4`'s
# ru_maxrss: Linux carries the high-water mark of the memory a child replaced at exec into it,
# and a child spawned by vfork replaces its parent's, so ru_maxrss would count the test
# worker's own peak.
_MEASURED = """
import atexit, runpy, sys
report = sys.argv.pop(1)

def write_peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(report, "w") as out:
        out.write(kib)

atexit.register(write_peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def measure_check(site: Path) -> tuple[float, int, int, str]:
    """(seconds, peak resident bytes, exit code, output) of `python build.py check`."""
    report = site.parent / "peak-kib.txt"
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(report), str(REPO / "build.py"), "check"],
        cwd=site,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    seconds = time.perf_counter() - started
    err = process.stdout.decode("utf-8", "replace")
    return seconds, int(report.read_text()) * 1024, process.returncode, err


@pytest.mark.slow  # writes and reads 100 MB
def test_a_100_mb_tweets_js_is_read_in_bounded_memory(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_url=BASE_URL, timezone="UTC", dates_from_git="false")
    items = write_big_tweets_js(site / "content/twitter/data/tweets.js", 100 * 1024 * 1024)
    seconds, peak, code, err = measure_check(site)
    assert code == 1, err  # the item that is not a tweet
    assert "item 1234: not a tweet but str" in err
    own = len(range(1, items, 1000)) + 1  # one every 1,000 items, and the last
    assert f"Twitter/X export, {own} posts read ({items - own - 1} retweets left out)" in err
    assert peak < 256 * 1024**2, (seconds, peak)  # time: benchmarks/hostile.py --stress


@pytest.mark.slow  # inflates 512 MB
@pytest.mark.parametrize("member", ["outbox.json", "data/tweets.js"])
def test_a_zip_member_lying_about_its_size_inflates_no_further(member: str, tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_url=BASE_URL, timezone="UTC", dates_from_git="false")
    write_lying_zip(site / "content/lying.zip", member, 512, declared=2000)
    seconds, peak, _code, err = measure_check(site)
    assert "MB039" not in err, err
    assert peak < 256 * 1024**2, f"peak {peak >> 20} MB in {seconds:.1f} s"

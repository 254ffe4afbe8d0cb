"""The Twitter/X export reader: fixture exports in the real formats, hostile ones, a property of
the text, and the facts of three real export fragments in ../shared/real-exports/.

Every export is read through an ExportFiles that records each member opened: only the manifest
and the tweet files may ever be, never direct messages, deleted tweets, Twitter Circle tweets,
account or IP data (the fixtures' private files hold a canary string no record may contain).
"""

from __future__ import annotations

import codecs
import html
import io
import json
import os
import shutil
import struct
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog.config import ConfigError, SiteConfig, TwitterConfig, load_config
from microblog.model import Post
from microblog.paths import NotInsideError
from microblog.problems import Problem, Severity
from microblog.sources import twitter, twitter_files
from microblog.sources.exports import ExportError, ExportFiles, FolderExport, ZipExport
from microblog.sources.twitter import parse_twitter_export, twitter_data_prefix
from microblog.taxonomy import assign_site_tag_slugs
from microblog.text.hashtags import find_hashtags
from microblog.text.slugs import is_safe_segment
from microblog.urls import Urls
from tests.conftest import REPO, MakeSite
from tests.support.optional import skip_or_fail_in_ci

FIXTURES = REPO / "tests" / "fixtures" / "twitter"
REAL = REPO.parent / "shared" / "real-exports"
CANARY = "CANARY-PRIVATE-"
TWEET_FILES = {"manifest.js", "tweets.js", "tweet.js", "tweets-part1.js", "tweets-part2.js"}
TCO = "https://t.co/"


# -- reading an export -----------------------------------------------------------------------


@dataclass
class RecordingFolder(FolderExport):
    """A folder export that remembers every member opened."""

    opened: list[str] = field(default_factory=list)

    def open(self, name: str) -> BinaryIO:
        self.opened.append(name)
        return super().open(name)


@dataclass
class MemoryExport(ExportFiles):
    """An export held in memory: member name -> bytes."""

    members: dict[str, bytes] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return sorted(self.members)

    def size(self, name: str) -> int:
        if name not in self.members:
            raise ExportError(f"{name} is not in the export")
        return len(self.members[name])

    def open(self, name: str) -> BinaryIO:
        self.opened.append(name)
        if name not in self.members:
            raise ExportError(f"{name} is not in the export")
        return io.BytesIO(self.members[name])


@dataclass
class Read:
    posts: list[Post]
    problems: list[Problem]

    def post(self, tweet_id: str) -> Post:
        (found,) = [post for post in self.posts if post.slug == tweet_id]
        return found

    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]

    def with_code(self, code: str) -> list[Problem]:
        return [problem for problem in self.problems if problem.code == code]


def site_config(*, retweets: bool = False, site: Path = FIXTURES) -> SiteConfig:
    return SiteConfig(
        site_dir=site,
        config_path=site / "site.yaml",
        title="Twitter fixtures",
        base_url="https://example.org/archive/",
        twitter=TwitterConfig(retweets=retweets),
    )


def read(files: ExportFiles, *, retweets: bool = False) -> Read:
    posts: list[Post] = []
    problems: list[Problem] = []
    for value in parse_twitter_export(files, site_config(retweets=retweets)):
        (posts if isinstance(value, Post) else problems).append(value)
    return Read(posts, problems)


def fixture(name: str, relative: str = "content/export") -> RecordingFolder:
    return RecordingFolder(relative, root=FIXTURES / name, site_real=os.path.realpath(FIXTURES))


def page_html(post: Post, posts: Iterable[Post] = ()) -> str:
    """A post's HTML as a page of a site of these posts shows it."""
    every = assign_site_tag_slugs([post, *[p for p in posts if p.id != post.id]])
    return Urls(site_config()).post_html(every[0])


def record_json(read_result: Read) -> str:
    """Everything a build could publish of these records, as `check --json` would print it."""
    records = [post.to_json(page_html(post, read_result.posts)) for post in read_result.posts]
    return json.dumps(records, ensure_ascii=False) + "\n".join(map(str, read_result.problems))


def assert_only_tweet_files_opened(opened: Iterable[str]) -> None:
    """Only files of tweets, and the media files of published tweets (opened once to prove
    they can be read), are ever opened."""
    for name in opened:
        folder, _, base = name.rpartition("/")
        media = folder.rpartition("/")[2] in ("tweets_media", "tweet_media")
        assert base in TWEET_FILES or media, f"opened {name}"


def data_files(opened: Iterable[str]) -> list[str]:
    """The files of tweets opened, in order (media files left aside)."""
    return [name for name in opened if "_media/" not in name]


class _Markup(HTMLParser):
    """The tags and attributes of some HTML, and its text with character references decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markup(html_text: str) -> _Markup:
    parser = _Markup()
    parser.feed(html_text)
    parser.close()
    return parser


def assert_no_live_markup(html_text: str) -> None:
    """Only the tags and attributes a post's HTML may have; nothing that runs."""
    for tag, attrs in markup(html_text).tags:
        assert tag in {"p", "br", "a"}, html_text
        assert {name for name, _ in attrs} <= {"href", "class"}, html_text
        for name, value in attrs:
            if name == "href":
                assert value and value.startswith(("https://", "http://", "/archive/")), value


# -- finding the export and its files --------------------------------------------------------


def test_the_export_is_known_by_its_tweet_files() -> None:
    assert twitter_data_prefix(["data/tweets.js", "data/account.js"]) == "data/"
    assert twitter_data_prefix(["data/manifest.js"]) == "data/"
    assert twitter_data_prefix(["data/tweets-part3.js"]) == "data/"
    assert twitter_data_prefix(["tweet.js", "tweet_media/1-a.jpg"]) == ""
    assert twitter_data_prefix(["tweets.js", "data/tweets.js"]) == "data/"
    for names in (
        ["data/direct-messages.js", "data/deleted-tweets.js", "data/account.js"],
        ["manifest.js", "index.html"],
        ["other/data/tweets.js"],
        ["data/tweets.json", "data/twitter-circle-tweet.js", "data/tweet-headers.js"],
        [],
    ):
        assert twitter_data_prefix(names) is None, names


def test_a_folder_that_is_no_export_is_an_error() -> None:
    files = MemoryExport("content/notes", members={"notes.js": b"[]"})
    result = read(files)
    assert result.posts == [] and result.codes() == ["MB091"]
    assert files.opened == []


# -- the 2022 export: a manifest, two parts, media ------------------------------------------


@pytest.fixture(scope="module")
def export_2022() -> tuple[Read, list[str]]:
    files = fixture("export-2022")
    return read(files), files.opened


def test_every_part_the_manifest_lists_is_read(export_2022: tuple[Read, list[str]]) -> None:
    result, opened = export_2022
    assert data_files(opened) == ["data/manifest.js", "data/tweets.js", "data/tweets-part1.js"]
    assert sorted(post.slug for post in result.posts) == [
        f"160000000000000000{n}" for n in (3, 5, 6, 7, 8, 9)
    ] + ["1600000000000000010"]
    assert [str(p) for p in result.with_code("MB094")] == [
        "content/export: note MB094 1 retweet left out (twitter.retweets: true includes them)"
    ]


def test_private_files_are_never_opened(export_2022: tuple[Read, list[str]]) -> None:
    result, opened = export_2022
    assert_only_tweet_files_opened(opened)
    assert CANARY not in record_json(result)
    assert all(post.network == "twitter" for post in result.posts)


def test_the_record_of_a_tweet(export_2022: tuple[Read, list[str]]) -> None:
    result, _ = export_2022
    post = result.post("1600000000000000010")
    assert post.id == "twitter-1600000000000000010"
    assert post.date is not None and post.date.isoformat() == "2022-11-03T08:50:26+00:00"
    assert post.date_origin == "content/export/data/tweets.js"
    assert str(post.source) == "content/export/data/tweets.js:1"
    assert post.order == ("content/export/data/tweets.js", 1)
    assert post.original == "https://twitter.com/i/web/status/1600000000000000010"
    assert post.lang == "en" and post.reply_to is None and post.repost_of == ""
    assert post.text == (
        "Shipping the new <progressive-image> element & its docs with @fixture_friend #WebDev "
        "https://example.org/blog/progressive-image?ref=tw&x=1"
    )
    assert [tag.name for tag in post.tags] == ["WebDev"]
    assert post.links == ("https://example.org/blog/progressive-image?ref=tw&x=1",)
    shown = page_html(post)
    assert shown == (
        "<p>Shipping the new &lt;progressive-image&gt; element &amp; its docs with "
        '<a href="https://twitter.com/fixture_friend">@fixture_friend</a> '
        '<a class="hashtag" href="/archive/tags/webdev/">#WebDev</a> '
        '<a href="https://example.org/blog/progressive-image?ref=tw&amp;x=1">'
        "example.org/blog/progres…</a></p>"
    )
    assert TCO not in shown and TCO not in post.text


def test_media_in_the_export_and_missing(export_2022: tuple[Read, list[str]]) -> None:
    result, _ = export_2022
    (photo,) = result.post("1600000000000000010").media
    assert photo.kind == "image" and photo.mime == "image/png"
    assert photo.member == "data/tweets_media/1600000000000000010-FxPhoto01.png"
    assert photo.path == "media/twitter/1600000000000000010-FxPhoto01.png"
    assert photo.export == "content/export"
    assert photo.size == (FIXTURES / "export-2022" / photo.member).stat().st_size
    assert (photo.width, photo.height) == (1200, 800)
    assert photo.alt == 'A <b>bold</b> cat & a "dog"'  # the templates escape it
    assert photo.remote == "https://pbs.twimg.com/media/FxPhoto01.png"

    video_post = result.post("1600000000000000009")
    (video,) = video_post.media  # extended_entities wins over entities (where it says photo)
    assert video.kind == "video" and video.mime == "video/mp4"
    assert video.member == "data/tweets_media/1600000000000000009-HighRate09.mp4"
    assert video.remote.endswith("/1280x720/HighRate09.mp4?tag=12")  # the highest bit rate
    assert (video.width, video.height) == (1280, 720)
    assert video_post.text == "Gameplay teaser, level 5566#03 #IndieDev"
    assert [tag.name for tag in video_post.tags] == ["IndieDev"]  # 5566#03 is no tag
    assert "5566#03" in page_html(video_post) and "/tags/03" not in page_html(video_post)

    gif_post = result.post("1600000000000000008")
    (gif,) = gif_post.media
    assert (gif.kind, gif.member, gif.path) == ("gif", "", "")
    assert gif.remote == "https://video.twimg.com/tweet_video/FxGif08.mp4"
    assert gif_post.text == "Reaction:" and TCO not in page_html(gif_post)
    (missing,) = result.with_code("MB093")
    assert missing.path == "content/export/data/tweets.js" and missing.line == 0
    assert missing.message.startswith("item 3: gif 1600000000000000008-FxGif08.mp4 is in neither")
    assert missing.severity is Severity.WARNING


def test_threads_and_replies(export_2022: tuple[Read, list[str]]) -> None:
    result, _ = export_2022
    second = result.post("1600000000000000007")
    assert second.reply_to is not None
    assert second.reply_to.post_id == "twitter-1600000000000000006"  # in tweets-part1.js
    assert second.reply_to.url == "https://twitter.com/fixture_owner/status/1600000000000000006"
    other = result.post("1600000000000000005")
    assert other.reply_to is not None
    assert other.reply_to.post_id is None  # not in the export
    assert other.reply_to.to == "@other_person"
    assert other.reply_to.url == "https://twitter.com/other_person/status/1599999999999999999"
    first = result.post("1600000000000000006")
    assert first.reply_to is None and first.text == "1/2 A thread about #Archiving\nwith two lines"
    assert page_html(first).endswith("#Archiving</a><br>\nwith two lines</p>")


def test_twitter_codes_that_name_no_language(export_2022: tuple[Read, list[str]]) -> None:
    result, _ = export_2022
    assert result.post("1600000000000000003").lang is None  # "qst"
    assert result.post("1600000000000000005").lang == "en"


def test_retweets_when_the_site_wants_them() -> None:
    result = read(fixture("export-2022"), retweets=True)
    retweet = result.post("1600000000000000004")
    assert retweet.repost_of == "@famous_account"
    assert retweet.text == "RT @famous_account: Something worth sharing https://example.com/shared"
    assert result.with_code("MB094") == []


def test_a_zip_reads_as_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "twitter-2022.zip"
    root = FIXTURES / "export-2022"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(root).as_posix())
    files = ZipExport.open_archive(archive, "content/export", os.path.realpath(tmp_path))
    try:
        from_zip = read(files)
    finally:
        files.close()
    from_folder = read(fixture("export-2022"))
    assert from_zip.posts == from_folder.posts
    assert from_zip.problems == from_folder.problems


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_damaged_zip_member_fails_verification(tmp_path: Path, method: int) -> None:
    """A member whose bytes were changed after packing, its checksum left as it was, opens
    fine and reads until its end: `verify` reads it through and so knows it damaged."""
    archive = tmp_path / "export.zip"
    photo = bytes(range(256)) * 64
    with zipfile.ZipFile(archive, "w", method) as zipped:
        zipped.writestr("data/tweets_media/1-a.png", photo)
        zipped.writestr("data/tweets_media/2-b.png", photo)
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zipped:
        info = zipped.getinfo("data/tweets_media/1-a.png")
    name_length, extra_length = struct.unpack_from("<2H", data, info.header_offset + 26)
    data[info.header_offset + 30 + name_length + extra_length + info.compress_size - 4] ^= 1
    archive.write_bytes(bytes(data))
    files = ZipExport.open_archive(archive, "content/export", os.path.realpath(tmp_path))
    try:
        files.verify("data/tweets_media/2-b.png")
        with files.open("data/tweets_media/1-a.png") as handle:
            handle.read(1000)  # the start reads well
        with pytest.raises(ExportError, match=r"1-a\.png is damaged"):
            files.verify("data/tweets_media/1-a.png")
    finally:
        files.close()


# -- the older export: the data folder itself, tweet.js, unwrapped items ---------------------


def test_an_older_export_of_unwrapped_items() -> None:
    files = fixture("old-2019", "content/tweets")
    result = read(files)
    assert data_files(files.opened) == ["tweet.js"]
    assert_only_tweet_files_opened(files.opened)
    assert CANARY not in record_json(result)
    assert result.problems == []
    photo_post = result.post("1100000000000000002")
    assert photo_post.text == "An old photo & a link http://example.net/old"
    assert photo_post.lang is None  # "und"
    (photo,) = photo_post.media
    assert photo.member == "tweet_media/1100000000000000002-OldPhoto.jpg"
    assert (photo.mime, photo.width, photo.height) == ("image/jpeg", 800, 600)
    text_post = result.post("1100000000000000001")
    assert text_post.text == "Tweets from 2019 had a text field #Old"
    assert str(text_post.source) == "content/tweets/tweet.js:2"


# -- hostile exports -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> tuple[Read, list[str]]:
    files = fixture("hostile")
    return read(files), files.opened


def problem_lines(result: Read, member: str) -> list[str]:
    return [
        f"{p.code} {p.message}" for p in result.problems if p.path == f"content/export/{member}"
    ]


def test_hostile_items_are_reported_and_the_rest_read(hostile: tuple[Read, list[str]]) -> None:
    result, _ = hostile
    published = sorted(post.slug for post in result.posts)
    assert published == [
        f"17000000000000000{n:02d}" for n in (1, 6, 7, 8, 9, 10, 11, 13, 14, 15, 20, 21)
    ]
    lines = problem_lines(result, "data/tweets.js")
    for expected in (
        "MB092 item 2: no valid id_str",
        "MB092 item 3: no valid id_str",  # a float id is no id, and a numeric `id` neither
        "MB092 item 4: no valid full_text",
        "MB092 item 5: no valid created_at",
        "MB092 item 6: link 'https://t.co/JaVaScRiPt': expanded_url 'javascript:alert(1)'",
        "MB092 item 6: link 'https://t.co/DaTaUrL001': expanded_url 'data:text/html,",
        "MB093 item 8: image 1700000000000000008-passwd is in neither",
        "MB092 item 8: image address '/etc/passwd' is not an http(s) address",
        "MB092 item 8: image address 'https://pbs.twimg.com/media/..' has no usable file name",
        "MB092 item 9: duplicate key full_text",
        "MB092 item 10: entities is not an object",
        "MB092 item 11: user_mentions: screen_name '<script>' is not one",
        "MB092 item 11: user_mentions: 1 entries are not objects",
        "MB092 item 11: hashtags is not a list",
        "MB092 item 11: a link without its url",
        "MB092 item 12: not a tweet but str",
        "MB092 item 13: in_reply_to_status_id_str '12abc' is not a tweet id",
        "MB092 item 14: lang 42 is not a language tag",
        "MB012 item 15: control or non-characters in text (U+0000, U+FDD0)",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert all(p.line == 0 for p in result.problems)
    assert {p.code for p in result.problems} <= {"MB012", "MB090", "MB091", "MB092", "MB093"}


def test_hostile_links_and_labels_never_run(hostile: tuple[Read, list[str]]) -> None:
    result, _ = hostile
    every = result.posts
    bad_links = result.post("1700000000000000006")
    assert bad_links.text == (
        "Bad links https://t.co/JaVaScRiPt and https://t.co/DaTaUrL001 stay text"
    )
    assert bad_links.links == ("https://t.co/JaVaScRiPt", "https://t.co/DaTaUrL001")
    label = page_html(result.post("1700000000000000007"), every)
    assert '<a href="https://example.org/ok">&lt;img src=x onerror=alert(1)&gt;example.org</a>' in (
        label
    )
    for post in every:
        shown = page_html(post, every)
        assert_no_live_markup(shown)
        assert "javascript:" not in shown and "data:" not in shown
    media = result.post("1700000000000000008").media
    assert [m.alt for m in media] == ['"><script>alert(1)</script><img src=x onerror=alert(2)>', ""]
    assert all(m.member == "" for m in media)


def test_a_duplicate_key_keeps_the_last_value(hostile: tuple[Read, list[str]]) -> None:
    result, _ = hostile
    assert result.post("1700000000000000009").text == "the last value is kept"
    assert len([p for p in result.problems if "duplicate key" in p.message]) == 1


def test_a_bad_field_alone_is_dropped(hostile: tuple[Read, list[str]]) -> None:
    result, _ = hostile
    wrong = result.post("1700000000000000010")  # entities of the wrong type: none of them
    assert wrong.tags[0].name == "real" and wrong.links == ()
    assert result.post("1700000000000000013").reply_to is None
    assert result.post("1700000000000000014").lang is None
    assert result.post("1700000000000000015").text == "nul and  placeholder"


def test_broken_files_keep_what_came_before(hostile: tuple[Read, list[str]]) -> None:
    result, opened = hostile
    assert opened == [
        "data/manifest.js",
        "data/tweets.js",
        "data/tweets-part1.js",
        "data/tweets-part2.js",
    ]
    (cut,) = [p for p in result.with_code("MB091") if p.path.endswith("part1.js")]
    assert cut.severity is Severity.ERROR
    assert cut.message.startswith("item 3: invalid or truncated JSON")
    assert result.post("1700000000000000021").text == "before the cut, two"
    (no_array,) = [p for p in result.with_code("MB091") if p.path.endswith("part2.js")]
    assert no_array.message == "window.YTD.tweets is not followed by an array"


def test_a_manifest_cannot_make_private_files_read(hostile: tuple[Read, list[str]]) -> None:
    result, opened = hostile
    assert_only_tweet_files_opened(opened)
    assert CANARY not in record_json(result)
    warnings = [p.message for p in result.with_code("MB090")]
    assert "lists 'data/direct-messages.js' as a tweets file" in warnings
    assert "lists 'data/../../../etc/passwd' as a tweets file" in warnings
    assert "listed in manifest.js, not in the export" in warnings  # tweets-part9.js


def test_media_names_that_lead_out_are_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "hostile", site / "content" / "export")
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"not yours")
    media = site / "content" / "export" / "data" / "tweets_media"
    media.mkdir()
    linked = "data/tweets_media/1700000000000000008-linked.png"
    (site / "content" / "export" / linked).symlink_to(outside)
    files = RecordingFolder("content/export", root=site / "content" / "export", site_real=str(site))
    result = read(files)
    assert_only_tweet_files_opened(files.opened)
    assert [m.member for m in result.post("1700000000000000008").media] == ["", ""]
    assert any("1700000000000000008-linked.png" in p.message for p in result.with_code("MB093"))
    assert [(p.code, p.path) for p in files.problems] == [("MB090", f"content/export/{linked}")]
    with pytest.raises(NotInsideError):  # and a copy into the output would be refused
        files.open(linked).close()
    for name in ("../../etc/passwd", "/etc/passwd", "data/../../secret.png", "C:/x", "a\\b"):
        with pytest.raises(ExportError):
            files.open(name)


def export_of(tweets_js: str, name: str = "data/tweets.js") -> MemoryExport:
    return MemoryExport("content/x", members={name: tweets_js.encode("utf-8")})


def item(number: int, text: str = "fine") -> str:
    return json.dumps(
        {
            "tweet": {
                "id_str": str(1800000000000000000 + number),
                "full_text": text,
                "created_at": "Mon Jan 02 10:00:00 +0000 2023",
            }
        }
    )


@pytest.mark.parametrize(
    ("text", "posts", "message"),
    [
        (f"window.YTD.tweets.part0 = [{item(1)}, {item(2)}]", 2, None),
        (f"window.YTD.tweets.part7=[{item(1)},\n{item(2)},]\n;", 2, None),
        (f"  window . YTD . tweet . part0\t=\n[\n{item(1)}\n]", 1, None),
        (f"[{item(1)}]", 1, None),
        ("window.YTD.tweets.part0 = []", 0, None),
        (f"window.YTD.tweets.part0 = [{item(1)}, {item(2)[:-9]}", 1, "item 2: invalid or trunc"),
        (f"window.YTD.tweets.part0 = [{item(1)} {item(2)}]", 1, "after item 1: ',' or ']'"),
        ("window.YTD.tweets.part0 = ", 0, "window.YTD.tweets is not followed by an array"),
        ("window.YTD.tweets.part0 = {}", 0, "window.YTD.tweets is not followed by an array"),
        (f"window.YTD.direct_messages.part0 = [{item(1)}]", 0, "holds window.YTD.direct_mess"),
        ("<html>tweets</html>", 0, "not a tweets file"),
        (f"window.YTD.tweets.part0 = [{item(1)}, " + "[" * 100_000, 1, "item 2: nested too deep"),
        (f"window.YTD.tweets.part0 = [{item(1)}, " + "9" * 5000, 1, "item 2: invalid JSON (Exc"),
    ],
)
@pytest.mark.parametrize("chunk", [1 << 20, 1, 7, 64])
def test_wrappers_and_broken_arrays(
    text: str, posts: int, message: str | None, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each case read in chunks of every size: one element may span many of them."""
    monkeypatch.setattr(twitter_files, "CHUNK", chunk)
    result = read(export_of(text))
    assert len(result.posts) == posts
    errors = result.with_code("MB091")
    if message is None:
        assert errors == []
    else:
        (error,) = errors
        assert error.path == "content/x/data/tweets.js" and error.message.startswith(message)


def test_elements_across_chunks_read_as_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A number or a name cut at a chunk's end is not taken for a whole element."""
    whole = read(fixture("export-2022"))
    for chunk in (1, 5, 333):
        monkeypatch.setattr(twitter_files, "CHUNK", chunk)
        assert read(fixture("export-2022")) == whole
    text = f"window.YTD.tweets.part0 = [{item(1)}, 12345, {item(2)}]"
    monkeypatch.setattr(twitter_files, "CHUNK", 1)
    result = read(export_of(text))
    assert len(result.posts) == 2
    assert [p.message for p in result.problems] == ["item 2: not a tweet but int"]


@pytest.mark.parametrize(
    ("encode", "notes"),
    [
        (lambda text: text.encode("utf-8"), []),
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), []),
        (lambda text: text.encode("utf-16"), []),  # with its byte order mark
        (lambda text: text.replace("\n", "\r\n").encode("utf-8"), []),
        (lambda text: text.encode("utf-8").replace("é".encode(), b"\xe9"), ["MB011"]),
    ],
)
def test_the_bytes_of_a_tweets_file(encode: Any, notes: list[str]) -> None:
    text = "window.YTD.tweets.part0 = [\n" + item(1, "caf\u00e9 \ud83d\udc4d") + ",\n"
    text += item(2, "ni\u00f1o\nwith a line") + "\n]"
    text = text.replace("\\u00e9", "é")  # one character written as is, not escaped
    files = MemoryExport("content/x", members={"data/tweets.js": encode(text)})
    result = read(files)
    assert [p.code for p in result.problems] == notes
    first, second = sorted(result.posts, key=lambda post: post.slug)
    assert first.text == ("caf\ufffd 👍" if notes else "café 👍")
    assert second.text == "niño\nwith a line"
    if notes:
        assert (result.problems[0].line, result.problems[0].severity) == (2, Severity.WARNING)


def test_a_file_longer_than_it_said_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"window.YTD.tweets.part0 = [{item(1)}, {item(2)}, {item(3)}]"
    files = export_of(text)
    monkeypatch.setattr(files, "size", lambda name: 10)  # a listing that lies
    monkeypatch.setattr(twitter, "MAX_MEMBER_BYTES", len(text) - 50)
    monkeypatch.setattr(twitter_files, "CHUNK", 100)
    result = read(files)
    assert 1 <= len(result.posts) <= 2
    (problem,) = result.problems
    assert (problem.code, problem.message) == ("MB090", "cannot be read: larger than 0 MB")


def test_a_tweets_file_over_the_limit_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(twitter, "MAX_MEMBER_BYTES", 100)
    result = read(export_of(f"window.YTD.tweets.part0 = [{item(1)}]"))
    assert result.posts == []
    (problem,) = result.problems
    assert (problem.code, problem.path) == ("MB090", "content/x/data/tweets.js")


def test_a_repeated_tweet_is_published_once() -> None:
    result = read(export_of(f"window.YTD.tweets.part0 = [{item(1)}, {item(1, 'again')}]"))
    assert [post.text for post in result.posts] == ["fine"]
    (problem,) = result.problems
    assert problem.message.startswith("item 2: tweet 1800000000000000001 again (first: data/")


def test_mojibake_is_repaired_and_noted() -> None:
    result = read(export_of(f"window.YTD.tweets.part0 = [{item(1, 'CafÃ© con leche')}]"))
    assert result.posts[0].text == "Café con leche"
    (note,) = result.problems
    assert (note.code, note.severity) == ("MB030", Severity.NOTE)
    assert note.message.startswith("item 1: mojibake")


# -- the text, as a property -----------------------------------------------------------------

_RAW = st.lists(
    st.sampled_from([*"ab Z09<>&;#\"'/:.@_\né👍中", "&amp;", "&lt;", "<b>", "@al", "#tag"]),
    max_size=12,
).map("".join)
_DISPLAY = st.lists(st.sampled_from([*"ab<>&\"'./…", "<script>"]), min_size=1, max_size=8).map(
    "".join
)
_EXPANDED = st.one_of(
    st.builds(
        lambda path: f"https://example.org/{path}",
        st.from_regex(r"[a-z0-9&?=#%]{0,12}", fullmatch=True),
    ),
    st.sampled_from(["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/"]),
)


@st.composite
def tweets(draw: st.DrawFn) -> tuple[dict[str, object], str]:
    """A tweet of random text (escaped as Twitter escapes it), links and mentions, and the
    words a page must show of it."""
    words: list[str] = []
    full: list[str] = []
    urls: list[dict[str, str]] = []
    for number in range(draw(st.integers(0, 6))):
        raw = draw(_RAW)
        full.append(raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        words.append(raw)
        if draw(st.booleans()):
            short, expanded, display = f"{TCO}L{number:08d}", draw(_EXPANDED), draw(_DISPLAY)
            urls.append({"url": short, "expanded_url": expanded, "display_url": display})
            full.append(short)
            words.append(display if expanded.startswith("https://") else short)
    mentions = [{"screen_name": "al"}] if draw(st.booleans()) else []
    tweet = {
        "id_str": "1900000000000000001",
        "created_at": "Mon Jan 02 10:00:00 +0000 2023",
        "full_text": " ".join(full),
        "entities": {"urls": urls, "user_mentions": mentions, "hashtags": []},
    }
    return tweet, " ".join(words)


@given(tweets())
def test_text_is_decoded_once_and_never_runs(case: tuple[dict[str, Any], str]) -> None:
    tweet, words = case
    result = read(export_of("window.YTD.tweets.part0 = " + json.dumps([{"tweet": tweet}])))
    (post,) = result.posts
    expected = html.unescape(tweet["full_text"])
    for url in tweet["entities"]["urls"]:
        if url["expanded_url"].startswith("https://"):
            expected = expected.replace(url["url"], url["expanded_url"])
    assert post.text == expected
    shown = page_html(post)
    assert_no_live_markup(shown)
    assert "".join("".join(markup(shown).text).split()) == "".join(words.split())
    assert "&amp;amp;" not in shown or "&amp;" in words


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = ["url", "expanded_url", "display_url", "screen_name", "text", "type", "media_url_https"]
_ENTITY = st.dictionaries(st.sampled_from(_KEYS), _JSON | st.just("https://t.co/x"), max_size=5)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "id_str": st.sampled_from(["1", "12345678901234567890", "x"]) | _JSON,
            "id": _JSON,
            "full_text": st.just("RT @a: x https://t.co/x") | _JSON,
            "created_at": st.just("Mon Jan 02 10:00:00 +0000 2023") | _JSON,
            "lang": _JSON,
            "in_reply_to_status_id_str": _JSON,
            "in_reply_to_screen_name": _JSON,
            "entities": _JSON
            | st.dictionaries(
                st.sampled_from(["urls", "user_mentions", "hashtags", "media"]),
                st.lists(_ENTITY | _JSON, max_size=3) | _JSON,
            ),
            "extended_entities": _JSON | st.fixed_dictionaries({"media": st.lists(_ENTITY)}),
        },
    ),
    st.booleans(),
)
def test_any_item_shape_is_read_or_reported(tweet: dict[str, Any], retweets: bool) -> None:
    text = "window.YTD.tweets.part0 = " + json.dumps([{"tweet": tweet}])
    result = read(export_of(text), retweets=retweets)
    assert len(result.posts) <= 1
    for post in result.posts:
        assert_no_live_markup(page_html(post))
    assert all(p.path.startswith("content/x") for p in result.problems)


# -- settings --------------------------------------------------------------------------------


def test_the_twitter_setting(make_site: MakeSite) -> None:
    assert load_config(make_site() / "site.yaml").twitter == TwitterConfig(retweets=False)
    site = make_site(config="title: T\nbase_url: https://e.org/\ntwitter:\n  retweets: true\n")
    config = load_config(site / "site.yaml")
    assert config.twitter.retweets is True
    assert config.origin("twitter.retweets").endswith("site.yaml:4")
    bad = make_site(config="title: T\nbase_url: https://e.org/\ntwitter:\n  retweets: 1\n")
    with pytest.raises(ConfigError) as error:
        load_config(bad / "site.yaml")
    assert [p.code for p in error.value.problems] == ["MB005"]


# -- real exports: the facts their SOURCE.md lists -------------------------------------------


def real_export(name: str, *, retweets: bool = False) -> tuple[Read, list[str]]:
    root = REAL / name
    if not root.is_dir():
        skip_or_fail_in_ci(
            f"{root} is not here", ci_must="check out ../shared beside the repository"
        )
    files = RecordingFolder(f"content/{name}", root=root, site_real=os.path.realpath(REAL))
    return read(files, retweets=retweets), files.opened


def raw_items(name: str, member: str) -> list[dict[str, Any]]:
    """The export's own items, parsed whole by json (small fragments only)."""
    text = (REAL / name / member).read_text("utf-8")
    return [entry["tweet"] for entry in json.loads(text[text.index("[") :])]


def test_real_andreruffert() -> None:
    name = "twitter-andreruffert"
    result, opened = real_export(name, retweets=True)
    assert opened == ["data/tweets.js"]
    posts = result.posts
    assert len(posts) == 23
    for post in posts:
        assert post.slug.isdigit() and len(post.slug) <= 19 and post.id == f"twitter-{post.slug}"
    assert {post.slug for post in posts} == {
        str(t["id_str"]) for t in raw_items(name, "data/tweets.js")
    }
    dates = sorted(post.date.date().isoformat() for post in posts if post.date)
    assert (dates[0], dates[-1], len(dates)) == ("2011-07-20", "2022-11-03", 23)
    assert sum(bool(post.repost_of) for post in posts) == 4
    assert sum(post.reply_to is not None for post in posts) == 13
    reply = result.post("1224736246494265344").reply_to
    assert reply is not None and reply.post_id == "twitter-1224736030143778817"

    escaped = result.post("1244662305805275136")
    assert "<progressive-image>" in escaped.text and "&lt;" not in escaped.text
    shown = page_html(escaped, posts)
    assert "&lt;progressive-image&gt;" in shown and "<progressive-image>" not in shown
    assert "&amp;lt;" not in shown
    ampersand = result.post("897444285276180480")
    assert "&" in ampersand.text and "&amp;" not in ampersand.text
    assert "&amp;amp;" not in page_html(ampersand, posts)

    for tweet_id in (
        "1588091220244369409",
        "1512109141040451586",
        "1492187859322818562",
        "1380287868581609472",
    ):
        post = result.post(tweet_id)
        assert post.media and post.media[0].member == "" and post.media[0].remote
        assert any(tweet_id in p.message for p in result.with_code("MB093"))
    for post in posts:  # retweets included: no t.co link anywhere
        assert TCO not in post.text and TCO not in page_html(post, posts), post.slug

    tags = Counter(tag.name for post in posts for tag in post.tags)
    assert tags == Counter(["LeadDevBerlin", "Angular", "ngconf2017", "JavaScript", "osx", "lion"])
    raw_langs = {str(t["lang"]) for t in raw_items(name, "data/tweets.js")}
    assert raw_langs == {"en", "und", "qst", "de", "es", "fr"}
    assert {post.lang for post in posts} == {"en", None, "de", "es", "fr"}

    assert "👋" in result.post("1588091220244369409").text  # astral emoji kept
    assert any("\u00a0" in post.text for post in posts)
    old = result.post("93665605605015552")
    assert old.text.endswith("http://itunes.apple.com/app/os-x-lion/id444303913")
    assert any("\n" in post.text for post in posts)

    default = real_export(name)[0]
    assert len(default.posts) == 19
    assert [p.message for p in default.with_code("MB094")] == ["4 retweets left out"]


def test_real_dsajgiouawj_ja() -> None:
    name = "twitter-dsajgiouawj-ja"
    result, opened = real_export(name)
    assert opened == ["data/tweet.js"]
    posts = result.posts
    assert len(posts) == 23
    assert Counter(post.lang for post in posts) == Counter({"ja": 22, None: 1})  # one "und"
    slugs = [post.slug for post in posts]
    assert len(set(slugs)) == 23 and all(is_safe_segment(slug) for slug in slugs)
    assert all(post.headline for post in posts)
    tags = Counter(tag.name for post in posts for tag in post.tags)
    assert tags == Counter({"wn_2017_1": 2, "ddcc2019": 3, "AtCoderVirtualContest": 1})

    glued = result.post("1094878158161993729")
    assert [tag.name for tag in glued.tags] == ["AtCoderVirtualContest"]
    assert glued.text.startswith("5566#03 https://not-522.appspot.com/contest/")
    shown = page_html(glued, posts)
    assert "5566#03" in shown and shown.count('class="hashtag"') == 1
    assert TCO not in shown

    (line_start,) = [p for p in posts if p.text.startswith("#wn_2017_1\nやっとACできた")]
    assert [tag.name for tag in line_start.tags] == ["wn_2017_1"]
    assert page_html(line_start, posts).startswith('<p><a class="hashtag" href="/archive/tags/')

    for tweet_id in (
        "1108258249218748416",
        "1139897729465769984",
        "1142429180736315392",
        "1150420827034120192",
    ):
        post = result.post(tweet_id)
        assert not any(escape in post.text for escape in ("&amp;", "&lt;", "&gt;")), tweet_id
        assert any(char in post.text for char in "&<>")
        shown = page_html(post, posts)
        assert "&amp;amp;" not in shown and "&amp;lt;" not in shown
        assert_no_live_markup(shown)
    assert "Z<-max(Z,X+Y)" in result.post("1108258249218748416").text


def test_real_lumeninferius_2020() -> None:
    name = "twitter-lumeninferius-2020"
    result, opened = real_export(name)
    assert opened == ["data/tweet.js"]  # the older singular file is found
    posts = result.posts
    assert len(posts) == 22
    assert sum(post.reply_to is not None for post in posts) == 9
    assert not any(post.repost_of for post in posts) and result.with_code("MB094") == []
    raw = raw_items(name, "data/tweet.js")
    entities = sum(len(t["entities"]["hashtags"]) for t in raw)
    assert entities == 59 == sum(len(find_hashtags(post.text)) for post in posts)
    assert len({tag.key for post in posts for tag in post.tags}) == 9
    twice = result.post("1173326715701121026")
    assert twice.text.lower().count("#indiegame") == 2
    assert [tag.key for tag in twice.tags].count("indiegame") == 1
    video = result.post("1221130902635458567").media[0]  # "photo" in entities.media
    assert (video.kind, video.mime) == ("video", "video/mp4")
    assert video.remote.startswith("https://video.twimg.com/") and ".mp4" in video.remote

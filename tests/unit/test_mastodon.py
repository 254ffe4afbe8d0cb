"""The Mastodon export reader: what it publishes, what it never publishes, and hostile exports.

Fixtures under tests/fixtures/mastodon/ are written for these tests in Mastodon's own format
(`full/`: every kind of status, with private ones holding `CANARY-PRIVATE-` strings;
`hostile/`: an item per trap, each reported with the file and the item's index). The real
fragments in ../shared/real-exports/ are read in place, and every fact of their SOURCE.md is
checked.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.config import SiteConfig
from microblog.model import Media, Post, Reply
from microblog.problems import Problem, Severity
from microblog.sources import mastodon
from microblog.sources.exports import ExportError, ExportFiles, FolderExport, ZipExport
from microblog.sources.mastodon import is_mastodon_export, parse_mastodon_export
from microblog.sources.mastodon_html import prepare_status_html
from microblog.taxonomy import assign_site_tag_slugs
from microblog.text.html import sanitize_html
from microblog.text.linked import Link, LinkKind
from microblog.text.linkify import linkify_html
from microblog.urls import Urls
from tests.conftest import REPO
from tests.support.optional import skip_or_fail_in_ci
from tests.unit.test_text_html import DANGEROUS

FIXTURES = REPO / "tests" / "fixtures" / "mastodon"
REAL = REPO.parent / "shared" / "real-exports"
CONFIG = SiteConfig(
    site_dir=REPO, config_path=REPO / "site.yaml", title="t", base_url="https://blog.example/sub/"
)
EXPORT = "content/export"
OUTBOX = f"{EXPORT}/outbox.json"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTOR = "https://social.example/users/alice"
FOLLOWERS = f"{ACTOR}/followers"
CANARY = "CANARY-PRIVATE"
FULL = 1100000000000000000  # the status ids of full/ are FULL + its item's index
HOSTILE = 1200000000000000000


# --- reading -----------------------------------------------------------------------------------


@dataclass
class MemoryExport(ExportFiles):
    """An export held in memory, for generated outboxes."""

    files: dict[str, bytes] = field(default_factory=dict)

    def names(self) -> list[str]:
        return sorted(self.files)

    def size(self, name: str) -> int:
        if name not in self.files:
            raise ExportError(f"{name} is not in the export")
        return len(self.files[name])

    def open(self, name: str) -> BinaryIO:
        if name not in self.files:
            raise ExportError(f"{name} is not in the export")
        return io.BytesIO(self.files[name])


@dataclass
class RenamedExport(FolderExport):
    """A folder export whose `outbox.json` is another of its files (the single activities of
    fossilizer's fixtures), read in place."""

    outbox: str = "outbox.json"

    def open(self, name: str) -> BinaryIO:
        return super().open(self.outbox if name == "outbox.json" else name)


def folder_export(root: Path, site: Path | None = None) -> FolderExport:
    return FolderExport(EXPORT, root=root, site_real=os.path.realpath(site or root.parent))


def read(files: ExportFiles) -> tuple[list[Post], list[Problem]]:
    out = list(parse_mastodon_export(files, CONFIG))
    return [p for p in out if isinstance(p, Post)], [p for p in out if isinstance(p, Problem)]


def read_bytes(data: bytes) -> tuple[list[Post], list[Problem]]:
    return read(MemoryExport(EXPORT, files={"outbox.json": data}))


def shown(posts: list[Post], problems: list[Problem]) -> str:
    """Everything of the records that reaches a page, a feed, `check --json` or the terminal:
    each record whole (its repr), its page and feed HTML, and every problem."""
    posts = list(assign_site_tag_slugs(posts))
    urls = Urls(CONFIG)
    records = [
        post.to_json(urls.post_html(post)) | {"feed": urls.feed_html(post)} for post in posts
    ]
    return "\n".join([json.dumps(records, ensure_ascii=False), repr(posts), *map(str, problems)])


def by_index(posts: list[Post]) -> dict[int, Post]:
    return {post.source.line: post for post in posts}


def page_html(post: Post) -> str:
    (post,) = assign_site_tag_slugs([post])
    return Urls(CONFIG).post_html(post)


def summary_of(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.code, p.message) for p in problems]


def activity(
    number: int,
    content: Any = "<p>hello</p>",
    *,
    to: Any = (PUBLIC,),
    cc: Any = (FOLLOWERS,),
    **fields: Any,
) -> dict[str, Any]:
    """A Create activity as Mastodon writes it, for status `number`."""
    status = f"{ACTOR}/statuses/{number}"
    addressing = {"to": list(to) if isinstance(to, tuple) else to}
    addressing["cc"] = list(cc) if isinstance(cc, tuple) else cc
    note = {
        "id": status,
        "type": "Note",
        "summary": None,
        "inReplyTo": None,
        "published": "2024-05-01T12:00:00Z",
        "url": f"https://social.example/@alice/{number}",
        "attributedTo": ACTOR,
        **addressing,
        "sensitive": False,
        "content": content,
        "contentMap": {"en": content},
        "attachment": [],
        "tag": [],
        **fields,
    }
    return {
        "id": f"{status}/activity",
        "type": "Create",
        "actor": ACTOR,
        **addressing,
        "object": note,
    }


def outbox(items: list[Any]) -> bytes:
    collection = {"id": "outbox.json", "type": "OrderedCollection", "totalItems": 0}
    return json.dumps({**collection, "orderedItems": items}, ensure_ascii=False).encode()


# --- the full fixture --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full() -> tuple[list[Post], list[Problem]]:
    return read(folder_export(FIXTURES / "full"))


def test_only_public_and_unlisted_statuses_are_published(
    full: tuple[list[Post], list[Problem]],
) -> None:
    posts, problems = full
    assert sorted(by_index(posts)) == [1, 2, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    assert [p.id for p in posts] == [f"mastodon-{FULL + p.source.line}" for p in posts]
    left_out = [p for p in problems if p.code == "MB094"]
    assert [(p.path, p.severity, p.message) for p in left_out] == [
        (OUTBOX, Severity.NOTE, "1 boost, 2 not public left out")
    ]
    # the real quirk `"orderedItems":[],"orderedItems":[...]` is read, and not reported
    assert not [p for p in problems if p.code == "MB092"]


def test_private_statuses_leave_no_trace(full: tuple[list[Post], list[Problem]]) -> None:
    everything = shown(*full)
    for secret in (CANARY, str(FULL + 3), str(FULL + 4), "private.png", "dm.png"):
        assert secret not in everything
    # the raw file does hold them: the test would see them if they leaked
    raw = (FIXTURES / "full" / "outbox.json").read_text(encoding="utf-8")
    assert raw.count(CANARY) >= 8


def test_a_record_carries_the_status(full: tuple[list[Post], list[Problem]]) -> None:
    post = by_index(full[0])[1]
    number = str(FULL + 1)
    assert (post.id, post.slug, post.network) == (f"mastodon-{number}", number, "mastodon")
    assert post.date == datetime(2024, 3, 1, 10, 1, tzinfo=UTC)
    assert post.date.tzinfo is not None
    assert (post.date_origin, str(post.source), post.order) == (OUTBOX, f"{OUTBOX}:1", (OUTBOX, 1))
    assert post.original == f"https://social.example/@alice/{number}"
    assert (post.lang, post.draft, post.warning, post.reply_to) == ("en", False, None, None)
    assert [tag.name for tag in post.tags] == ["Caterday"]
    long_link = "https://example.com/articles/2024/a-very-long-article-name"
    assert post.text == (
        "Reading about #Caterday with @bob: example.com/articles/2024/a-ve… & more"
    )
    assert post.links == (long_link,)
    assert post.body.links == (
        Link(LinkKind.TAG, "caterday"),
        Link(LinkKind.URL, "https://other.example/@bob"),
        Link(LinkKind.URL, long_link),
    )
    html = page_html(post)
    assert '<a class="hashtag" href="/sub/tags/caterday/">#Caterday</a>' in html
    assert f'<a href="{long_link}">example.com/articles/2024/a-ve…</a>' in html
    assert '<a href="https://other.example/@bob">@<span>bob</span></a>' in html
    assert "social.example/tags" not in html and "invisible" not in html
    assert "class=" not in html.replace('class="hashtag"', "")
    assert "&amp; more" in html and "&amp;amp;" not in html


def test_media_present_and_missing(full: tuple[list[Post], list[Problem]]) -> None:
    posts, problems = full
    folder = "files/110/000/000/000/000/{:03d}/original/{}"
    cat = folder.format(1, "cat.png")
    assert by_index(posts)[1].media == (
        Media(
            kind="image",
            export=EXPORT,
            member=f"media_attachments/{cat}",
            path=f"media/mastodon/{cat}",
            alt="A white cat on a white couch",
            mime="image/png",
            size=(FIXTURES / "full" / "media_attachments" / cat).stat().st_size,
            width=1,
            height=1,
        ),
    )
    missing, clip = by_index(posts)[6].media
    assert (missing.kind, missing.member, missing.path, missing.alt) == ("image", "", "", "")
    assert (missing.width, missing.height, missing.size, missing.remote) == (640, 480, 0, "")
    assert (clip.kind, clip.mime, clip.alt) == ("video", "video/mp4", "A short clip")
    assert clip.path == "media/mastodon/" + folder.format(6, "clip.mp4")
    assert summary_of([p for p in problems if p.code == "MB093"]) == [
        ("MB093", "item 6: attachment 1 is not in the export")
    ]
    assert all(p.path == OUTBOX and p.line == 0 for p in problems)


def test_content_warnings(full: tuple[list[Post], list[Problem]]) -> None:
    posts = by_index(full[0])
    unlisted, sensitive = posts[2], posts[6]
    assert (unlisted.warning, unlisted.headline, unlisted.summary) == ("Spoilers ahead",) * 3
    assert unlisted.text == "Unlisted thoughts #quiet"  # the post itself, shown behind it
    assert sensitive.warning == "Sensitive content"
    assert [p.warning for i, p in posts.items() if i not in (2, 6)] == [None] * 9


def test_threads_and_replies(full: tuple[list[Post], list[Problem]]) -> None:
    posts = by_index(full[0])
    assert posts[8].reply_to == Reply(
        f"{ACTOR}/statuses/{FULL + 7}", f"mastodon-{FULL + 7}", "@alice@social.example"
    )
    assert posts[9].reply_to == Reply(
        "https://other.example/users/bob/statuses/4242", None, "@bob@other.example"
    )
    # a reply to a followers-only status is published on its own: that status is not named
    assert posts[11].reply_to is None
    assert posts[7].date == datetime(2024, 3, 7, 10, 7, tzinfo=UTC)  # `updated` is not the date


def test_custom_emoji_language_polls_and_mojibake(full: tuple[list[Post], list[Problem]]) -> None:
    posts, problems = full
    post = by_index(posts)
    emoji = "https://social.example/system/custom_emojis/blobparty.png"
    assert f'<img src="{emoji}" alt=":blobparty:" title=":blobparty:"> and :unknown:' in page_html(
        post[10]
    )
    assert (post[12].lang, post[12].text) == ("sv", "Hej från Stockholm")  # `"to": "as:Public"`
    assert post[13].text == "Café con leche"
    assert summary_of([p for p in problems if p.code == "MB030"]) == [
        ("MB030", "item 13: mojibake (encoding) '<p>CafÃ©' -> '<p>Café'")
    ]
    assert post[14].text == "Tea or coffee?\nTea\nCoffee"


def test_a_zip_reads_as_the_folder(tmp_path: Path, full: tuple[list[Post], list[Problem]]) -> None:
    archive = tmp_path / "export.zip"
    root = FIXTURES / "full"
    with zipfile.ZipFile(archive, "w") as packed:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                packed.write(path, path.relative_to(root).as_posix())
    files = ZipExport.open_archive(archive, EXPORT, os.path.realpath(tmp_path))
    try:
        assert read(files) == full
    finally:
        files.close()


def test_an_export_is_known_by_its_outbox() -> None:
    assert is_mastodon_export(["outbox.json", "actor.json", "media_attachments/files/1.png"])
    assert not is_mastodon_export(["data/outbox.json", "tweets.js"])


# --- hostile exports ---------------------------------------------------------------------------


def test_hostile_fixture() -> None:
    posts, problems = read(folder_export(FIXTURES / "hostile"))
    assert sorted(by_index(posts)) == [11, 12, 13, 16, 17, 18, 19, 20, 21]
    assert CANARY not in shown(posts, problems)
    reported = summary_of(problems)
    expected = [
        ("MB092", "item 1: the activity has no addressing ('to', 'cc')"),
        ("MB092", "item 2: the object's 'to' is not a list of addresses"),
        ("MB092", "item 3: the object's 'to' is not a list of addresses"),
        ("MB092", "item 4: the object's 'cc' is not a list of addresses"),
        ("MB092", "item 6: duplicate key 'to' in its addressing"),
        ("MB092", "item 7: 'content' is int, not text"),
        ("MB092", "item 7: no 'content'"),
        ("MB092", "item 8: no valid 'published' date"),
        ("MB092", "item 9: no status 'id'"),
        ("MB092", "item 10: no valid 'published' date"),
        ("MB092", "item 11: 'url' is not an http(s) address"),
        ("MB092", "item 12: attachment 1: 'url' is not an http(s) address or a path"),
        ("MB092", "item 12: attachment 2: 'url' is not an http(s) address or a path"),
        ("MB090", "item 12: attachment 3 leads out of the export"),
        ("MB093", "item 12: attachment 4 is not in the export"),
        ("MB092", "item 12: attachment 5: 'width' is not a size in pixels"),
        ("MB092", "item 12: attachment 5: 'height' is not a size in pixels"),
        ("MB092", "item 12: attachment 6 is audio/mpeg, not an image or video"),
        ("MB092", "item 12: attachment 7 has no 'url'"),
        ("MB092", "item 13: duplicate key 'content'"),
        ("MB092", "item 14: not an object"),
        ("MB092", "item 15: 'object' of a Create is not an object"),
        ("MB092", "item 16: 'sensitive' is not true or false"),
        ("MB092", "item 16: 'tag' is str, not a list"),
        ("MB092", "item 16: 'summary' is list, not text"),
        ("MB092", "item 17: 'inReplyTo' is not an http(s) address"),
        ("MB012", "item 18: control or non-characters in 'content'"),
        ("MB092", "item 19: 1 'tag' entry malformed"),
        ("MB094", "6 not public, 2 other activities, 6 malformed items left out"),
    ]
    assert [r for r in reported if r[0] != "MB012" or r[1].startswith("item")] == expected
    # raw noncharacters in the file itself are reported by line, as for any text file
    decoded = [p for p in problems if p.line]
    assert [(p.code, p.line) for p in decoded] == [("MB012", 19)]
    assert all(p.path == OUTBOX for p in problems)
    post = by_index(posts)
    for kept in posts:
        assert not DANGEROUS.search(page_html(kept))
    assert post[11].original == f"{ACTOR}/statuses/{HOSTILE + 11}"  # the id: `url` was javascript:
    assert page_html(post[11]) == "<p>Scripts <a>click</a>  <a>data</a></p>"
    media = post[12].media
    assert [(m.member, m.path) for m in media[:2]] == [("", "")] * 2  # refused and missing
    alt = '<script>alert("alt")</script><img src=x onerror=alert(1)>'
    assert (media[2].alt, media[2].width, media[2].height) == (alt, None, None)  # text, escaped
    assert media[2].member == "media_attachments/files/1/original/ok.png"
    assert alt not in page_html(post[12])
    assert post[13].text == "second"  # a duplicate key: the last, as Mastodon means it
    assert post[16].warning == "Sensitive content" and post[16].tags == ()
    assert post[17].reply_to is None
    assert post[18].text == "Controls and noncharacters"
    assert post[19].text == "An :evil: emoji" and "<img" not in page_html(post[19])
    assert [tag.name for tag in post[20].tags] == ["survivor"]
    assert "<li>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</li>" in page_html(
        post[21]
    )


def test_media_linked_out_of_the_site_is_refused(tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    export = site / "content" / "export"
    (export / "media_attachments" / "files").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"secret")
    (export / "media_attachments" / "files" / "link.png").symlink_to(outside / "secret.png")
    image = {
        "type": "Document",
        "mediaType": "image/png",
        "url": "/a/media_attachments/files/link.png",
    }
    (export / "outbox.json").write_bytes(outbox([activity(1, attachment=[image])]))
    files = folder_export(export, site)
    posts, problems = read(files)
    (media,) = posts[0].media
    assert (media.member, media.path) == ("", "")
    assert summary_of(problems) == [("MB093", "item 1: attachment 1 is not in the export")]
    # the export itself refuses the link, and says so (the build reports its problems)
    assert [(p.code, p.path) for p in files.problems] == [
        ("MB090", f"{EXPORT}/media_attachments/files/link.png")
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (outbox([activity(1)])[:-20], "item 1: invalid or truncated JSON (Unterminated"),
        (b"", "not valid JSON (cut short?)"),
        (b"{", "not valid JSON (cut short?) (Expecting value) at line 1 column 2"),
        (b'{"id": 1} {}', "not valid JSON: more after the collection's end at line 1 column 11"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
        (b'{"orderedItems": [' + b"[" * 100_000, "item 1: invalid or truncated JSON: nested too"),
        (b'{"orderedItems": [' + b"9" * 5000 + b"]}", "item 1: invalid or truncated JSON (Exceeds"),
        (b'{"type": "OrderedCollection", "orderedItems": {"a": 1}}', "no list of activities"),
        (b'{"type": "OrderedCollection", "totalItems": 3}', "no list of activities"),
        (json.dumps([activity(1)]).encode(), "no list of activities"),
        (b'"outbox"', "no list of activities"),
    ],
    ids=[
        "truncated",
        "empty",
        "brace",
        "trailing",
        "deep",
        "deep-item",
        "huge-number",
        "dict",
        "missing",
        "bare-list",
        "string",
    ],
)
def test_an_unreadable_outbox_is_one_error(data: bytes, message: str) -> None:
    posts, problems = read_bytes(data)
    assert posts == []
    assert len(problems) == 1 and problems[0].code == "MB091"
    assert problems[0].severity is Severity.ERROR and problems[0].path == OUTBOX
    assert problems[0].message.startswith(message)


@given(st.integers(0, 6), st.integers(0), st.booleans())
def test_a_cut_outbox_keeps_every_status_before_the_cut(count: int, cut: int, indent: bool) -> None:
    """Cut anywhere, an outbox gives the statuses wholly before the cut, in order, and one
    error naming the item cut (or what follows the items); uncut, all of them and no error."""
    items = [activity(number, f"<p>status {number}</p>") for number in range(1, count + 1)]
    collection = {"type": "OrderedCollection", "orderedItems": items, "totalItems": count}
    data = json.dumps(collection, indent=1 if indent else None).encode()
    cut = cut % (len(data) + 1)
    posts, problems = read_bytes(data[:cut])
    whole = [p for p in range(1, count + 1) if data.find(b"status %d<" % p) < cut]
    if cut == len(data):
        assert problems == [] and [p.text for p in posts] == [f"status {n}" for n in whole]
        return
    assert [p.code for p in problems] == ["MB091"]
    # a status is read when its activity closes before the cut (its text is earlier still)
    assert [p.text for p in posts] == [f"status {n}" for n in whole[: len(posts)]]
    assert len(posts) >= len(whole) - 1
    message = problems[0].message
    if data.find(b"[") < cut and count and len(posts) < count:  # the items' array began
        assert message.startswith((f"item {len(posts) + 1}: ", f"after item {len(posts)}: "))


def test_an_outbox_too_large_or_missing_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mastodon, "MAX_MEMBER_BYTES", 100)
    posts, problems = read_bytes(outbox([activity(1)]))
    assert posts == [] and summary_of(problems) == [
        ("MB090", "cannot read: outbox.json is larger than 0 MB")
    ]
    posts, problems = read(MemoryExport(EXPORT))
    assert posts == [] and [p.code for p in problems] == ["MB090"]


def test_odd_but_readable_outboxes() -> None:
    # one activity alone, as fossilizer's fixtures hold it
    posts, problems = read_bytes(json.dumps(activity(7)).encode())
    assert [p.id for p in posts] == ["mastodon-7"] and problems == []
    # invalid UTF-8 bytes: replaced and reported; the post is still read
    data = outbox([activity(1, "<p>caf\u00e9</p>")]).replace("é".encode(), b"\xff")
    posts, problems = read_bytes(data)
    assert posts[0].text == "caf\ufffd" and [p.code for p in problems] == ["MB011"]
    # a key twice in the collection itself (not orderedItems) is reported
    posts, problems = read_bytes(b'{"type": "x", "type": "OrderedCollection", "orderedItems": []}')
    assert summary_of(problems) == [("MB092", "the collection holds the key 'type' twice")]
    # a status without a readable last segment, or one given twice
    status = activity(1)
    status["object"]["id"] = "https://social.example/notes/Ab%20C"
    posts, problems = read_bytes(outbox([status, status]))
    (post,) = posts
    assert post.id == f"mastodon-{post.slug}" and len(post.slug) == 16
    assert summary_of(problems) == [
        ("MB092", "item 2: the same status as item 1"),
        ("MB094", "1 malformed item left out"),
    ]


def test_a_status_too_long_is_cut() -> None:
    posts, problems = read_bytes(outbox([activity(1, "<p>" + "a&amp;b " * 30_000 + "</p>")]))
    assert len(posts[0].text) < 110_000
    assert summary_of(problems) == [
        ("MB092", "item 1: 'content' has 240,007 characters, more than 100,000")
    ]


def huge_outbox(megabytes: int) -> tuple[bytes, int]:
    """An outbox of `megabytes` on a single line, as Mastodon writes it: statuses of the usual
    size, a third of them boosts and a sixth followers-only; and how many are public."""
    content = (
        '<p>Another day, another post about <a href="https://social.example/tags/bulk" '
        'class="mention hashtag" rel="tag">#<span>bulk</span></a> and a link: '
        '<a href="https://example.com/a/long/path/to/something"><span class="invisible">'
        'https://</span><span class="ellipsis">example.com/a/long/path/t</span>'
        '<span class="invisible">o/something</span></a> &amp; some words.</p>'
    )
    items: list[str] = []
    size = public = 0
    while size < megabytes << 20:
        number = len(items)
        if number % 3 == 0:
            item: dict[str, Any] = {"type": "Announce", "to": [PUBLIC], "object": f"{ACTOR}/x"}
        elif number % 6 == 1:
            item = activity(number, f"<p>{CANARY}</p>" + content, to=(FOLLOWERS,), cc=())
        else:
            item = activity(number, content, tag=[{"type": "Hashtag", "name": "#bulk"}])
            public += 1
        items.append(json.dumps(item, separators=(",", ":")))
        size += len(items[-1]) + 1
    head = '{"type":"OrderedCollection","totalItems":1,"orderedItems":[],"orderedItems":['
    return (head + ",".join(items) + "]}").encode(), public


@pytest.mark.slow
def test_a_single_huge_line_reads_in_reasonable_time() -> None:
    data, public = huge_outbox(20)
    assert data.count(b"\n") == 0 and len(data) >= 20 << 20
    posts, problems = read_bytes(data)  # its time: benchmarks/hostile.py --stress
    assert len(posts) == public
    assert [p.code for p in problems] == ["MB094"]
    assert not any(CANARY in post.text for post in posts)


# --- properties --------------------------------------------------------------------------------

CONTENT_PIECES = st.sampled_from(
    [
        *["<script>", "</script>", "<a href=", '"', "'", "javascript:", "data:", "onclick=", ">"],
        *["<img ", "<", "&", "&amp;", "#tag", " ", "\n", "https://x.example/", "<style>", "<p>"],
        *['<span class="invisible">', '<span class="ellipsis">', "</span>", "</a>", ":blob:"],
        *['<a class="mention hashtag" rel="tag" href="https://s.example/tags/x">#<span>x', "<!--"],
        *['<a href="https://s.example/@bob" class="u-url mention">@<span>bob', "<a x='", "</"],
        *["<iframe src=javascript:alert(1)>", "<svg onload=alert(1)>", "<textarea>", "\ufdd0"],
    ]
)
CONTENTS = st.one_of(st.text(), st.lists(CONTENT_PIECES, max_size=40).map("".join))
EMOJI = {"type": "Emoji", "name": ":blob:", "icon": {"url": "https://s.example/blob.png"}}


@given(CONTENTS)
@settings(deadline=None)
def test_no_content_yields_live_script(content: str) -> None:
    posts, _problems = read_bytes(outbox([activity(1, content, tag=[EMOJI])]))
    (post,) = assign_site_tag_slugs(posts)
    urls = Urls(CONFIG)
    for html in (urls.post_html(post), urls.feed_html(post)):
        assert not DANGEROUS.search(html), html
    assert "\ufdd0" not in post.text


@given(CONTENTS)
@settings(deadline=None)
def test_the_linker_shortcut_changes_nothing(content: str) -> None:
    """The reader skips the linker on HTML with nothing it could link (no `#`, `://` or
    `www.`): the linker would have given that HTML back unchanged."""
    sanitized = sanitize_html(prepare_status_html(content, {}).html)
    if mastodon._LINKABLE.search(sanitized) is None:
        assert linkify_html(sanitized, lambda _name: "#", lambda url: url) == sanitized


MISSING = object()
ADDRESSES = st.sampled_from(
    [PUBLIC, "as:Public", "Public", FOLLOWERS, "https://other.example/users/bob", "public", ""]
)
ADDRESSING = st.one_of(
    st.just(MISSING),
    st.none(),
    ADDRESSES,
    st.lists(ADDRESSES, max_size=3),
    st.lists(st.one_of(ADDRESSES, st.integers(), st.none(), st.just([PUBLIC])), max_size=3),
    st.builds(lambda a: {"id": a}, ADDRESSES),
    st.integers(),
)
PUBLIC_NAMES = {PUBLIC, "as:Public", "Public"}


def is_addressed_to_public(part: dict[str, Any]) -> bool:
    """The rule, stated on its own: `to` and `cc` each missing, an address or a list of
    addresses; at least one of them there; one of them naming the public."""
    if "to" not in part and "cc" not in part:
        return False
    addresses: list[Any] = []
    for key in ("to", "cc"):
        value = part.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or any(not isinstance(a, str) for a in value):
            return False
        addresses += value
    return bool(PUBLIC_NAMES & set(addresses))


@given(st.tuples(ADDRESSING, ADDRESSING, ADDRESSING, ADDRESSING))
@settings(deadline=None)
def test_addressing_decides_publication(values: tuple[Any, ...]) -> None:
    item = activity(1, f"<p>{CANARY}</p>")
    for part, key, value in zip(
        (item, item, item["object"], item["object"]), ("to", "cc") * 2, values, strict=True
    ):
        if value is MISSING:
            del part[key]
        else:
            part[key] = value
    posts, problems = read_bytes(outbox([item]))
    public = is_addressed_to_public(item) and is_addressed_to_public(item["object"])
    assert len(posts) == int(public)
    if not public:
        assert CANARY not in shown(posts, problems)
        assert summary_of(problems)[-1] == ("MB094", "1 not public left out")


# --- the real fragments in ../shared/real-exports ------------------------------------------------


def real_export(name: str, outbox: str = "outbox.json") -> RenamedExport:
    root = REAL / name
    if not root.is_dir():
        skip_or_fail_in_ci(
            f"{root} is not here", ci_must="check out ../shared beside the repository"
        )
    return RenamedExport(EXPORT, root=root, site_real=os.path.realpath(REAL), outbox=outbox)


def visibility(item: dict[str, Any]) -> str:
    """Mastodon's visibility of a status, from its addressing (as its own code reads it)."""
    note = item["object"]
    if PUBLIC in note["to"]:
        return "public"
    if PUBLIC in note["cc"]:
        return "unlisted"
    return "followers" if any(a.endswith("/followers") for a in note["to"]) else "direct"


STATUSES = "https://indieweb.social/users/dealingwith/statuses/"


def test_real_mastodon_export_facts() -> None:
    files = real_export("mastodon-dealingwith")
    raw = json.loads((REAL / "mastodon-dealingwith" / "outbox.json").read_bytes())
    items = raw["orderedItems"]
    assert (len(items), raw["totalItems"]) == (19, 1557)  # never trust totalItems
    creates = [i for i in items if i["type"] == "Create"]
    boosts = [i for i in items if i["type"] == "Announce"]
    assert (len(creates), len(boosts)) == (18, 1) and isinstance(boosts[0]["object"], str)
    kinds = [visibility(i) for i in creates]
    assert [kinds.count(k) for k in ("public", "unlisted", "followers", "direct")] == [13, 2, 2, 1]

    posts, problems = read(files)
    published = {i["object"]["id"] for i in creates if visibility(i) in ("public", "unlisted")}
    assert {f"{STATUSES}{p.slug}" for p in posts} == published and len(posts) == 15
    never = ["109361289517644172", "111507749153263954", "112439877146819861"]
    everything = shown(posts, problems)
    for status in never:
        assert status not in everything
    assert "Mental Health" not in everything
    assert summary_of([p for p in problems if p.code == "MB094"]) == [
        ("MB094", "1 boost, 3 not public left out")
    ]
    assert {p.code for p in problems} == {"MB093", "MB094"}  # no media folder in the fragment

    post = {p.slug: p for p in posts}
    assert {p.warning for p in posts} == {
        None,
        "Personal website updates...",
        "Tour de France spoiler",
        "Sensitive content",  # `sensitive: true` with no summary
    }
    assert post["109376719336938342"].warning == "Sensitive content"
    tags = {tag.name for p in posts for tag in p.tags}
    assert tags == {
        *("caterday", "twitter", "dead", "alcohol", "texas", "DWI", "trashy"),
        *("tourdefrance", "cat", "catsofmastodon"),
    }
    assert {p.slug for p in posts if p.lang == "sv"} == {"112389693016962668"}
    assert post["112389693016962668"].date == datetime(2024, 5, 5, 17, 36, 58, tzinfo=UTC)
    edited = post["109559452693184721"]  # `updated` 21:30:04: the date stays `published`
    assert edited.date == datetime(2022, 12, 22, 21, 29, 38, tzinfo=UTC)

    first = post["109305976208011760"]
    assert first.text.endswith("\ndaniel.industries/2022/11/07/l…")
    assert first.links == ("https://daniel.industries/2022/11/07/less-twitter-more-indieweb/",)
    assert "it’s a good time" in first.text  # raw non-ASCII
    mention = post["109337325277936164"]
    assert Link(LinkKind.URL, "https://indieweb.social/@obsolete29") in mention.body.links
    assert "I'm reminded" in mention.text and "&#39;" not in page_html(mention)
    caterday = post["109333840388857217"]
    assert caterday.body.links == (Link(LinkKind.TAG, "caterday"),)
    assert caterday.text.startswith('"#caterday is serious business')  # &quot; decoded once
    assert "&amp;quot;" not in page_html(caterday)
    (photo,) = caterday.media
    assert (photo.alt, photo.member, photo.width) == (
        "Picture of a white cat laying on a white couch",
        "",
        1440,
    )
    missing = [p for p in problems if p.code == "MB093"]
    assert len(missing) == sum(len(p.media) for p in posts) == 8
    own = post["112815917712920494"]  # answers its own status, which the fragment lacks
    assert own.reply_to == Reply(
        f"{STATUSES}112815541350990512", None, "@dealingwith@indieweb.social"
    )
    assert post["109309145334822499"].reply_to == Reply(
        "https://social.lol/users/mcg/statuses/109308078398027392", None, "@mcg@social.lol"
    )


def test_real_fossilizer_fixtures() -> None:
    posts, problems = read(real_export("mastodon-fossilizer-fixtures"))
    assert [(p.slug, p.date, p.text) for p in posts] == [  # "totalItems": 1, but 2 items
        ("55864", datetime(2016, 11, 1, 19, 18, 43, tzinfo=UTC), "Hello world!"),
        (
            "237393",
            datetime(2016, 11, 27, 23, 56, 46, tzinfo=UTC),
            "I should post here more, but I've been procrastinating installing something"
            " GNU-Social-ish on my own domain",
        ),
    ]
    assert page_html(posts[0]) == "<p>Hello world!</p>" and problems == []

    (emoji,), problems = read(
        real_export("mastodon-fossilizer-fixtures", "activity-with-emoji.json")
    )
    icon = "https://assets.toot.cafe/custom_emojis/images/000/001/051/original/75b826037cd7d344.png"
    assert f'<img src="{icon}" alt=":blobaww:" title=":blobaww:">' in page_html(emoji)
    assert problems == []

    files = real_export("mastodon-fossilizer-fixtures", "activity-with-attachment.json")
    (post,), problems = read(files)
    assert post.warning == "poop (literally)"
    assert [(m.kind, m.member, m.width, m.height) for m in post.media] == [
        ("image", "", 1478, 1109)
    ] * 2
    assert summary_of(problems) == [
        ("MB093", f"item 1: attachment {n} is not in the export") for n in (1, 2)
    ]
    assert post.reply_to == Reply(
        "https://hackers.town/users/lmorchard/statuses/106502601818051554",
        None,
        "@lmorchard@hackers.town",
    )
    assert ":ablobjoy:" in page_html(post)

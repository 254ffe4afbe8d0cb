"""`microblog import PATH`: an export or a .txt archive as Markdown posts that build to the same
site, written once and never over a file; and the Markdown reader's imported fields."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from microblog.cli import main
from microblog.config import load_config
from microblog.importer_markdown import markdown_of_html
from microblog.model import Post
from microblog.problems import Problem
from microblog.scaffold import front_matter
from microblog.sources.frontmatter import read_front_matter, split_front_matter
from microblog.sources.markdown import MD_FIELDS, parse_markdown
from microblog.text.decode import C1_CONTROLS, FORBIDDEN
from microblog.text.html import plain_text_to_html, sanitize_html
from microblog.text.linked import Link, LinkCollector, LinkedHtml
from microblog.text.mojibake import repair_mojibake
from microblog.text.titles import fold_whitespace, text_of_html
from tests.conftest import REPO, MakeSite

FIXTURES = REPO / "tests" / "fixtures"
TWITTER = FIXTURES / "twitter" / "export-2022"
EXPORTS = [TWITTER, FIXTURES / "twitter" / "old-2019", FIXTURES / "mastodon" / "full"]
ARCHIVE = """\
---
date: 2024-06-01 09:30
lang: en
---
A post may span lines,
and it ends in a run of hashtags. #SystemDesign#Backend
Odd *stars*, _under_ [brackets] <b>tags</b> & "quotes" -- and... #Markup
# not a heading
1. not a list https://example.com/a_b_(c) #Test
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def import_into(
    site: Path, capsys: pytest.CaptureFixture[str], path: Path | str
) -> tuple[int, str, str]:
    return run(capsys, "import", str(path), "--config", str(site / "site.yaml"))


def built(site: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """What a reader of the built site sees: post pages, feed items, each post's record."""
    code, _out, err = run(capsys, "build", "--config", str(site / "site.yaml"))
    assert code == 0, err
    _code, out, _err = run(capsys, "check", "--json", "--config", str(site / "site.yaml"))
    output = site / "_site"
    feed = ET.parse(output / "feed.xml").getroot()
    return {
        "pages": sorted(p.parent.name for p in (output / "posts").glob("*/index.html")),
        "feed": sorted((i.findtext("guid"), i.findtext("pubDate")) for i in feed.iter("item")),
        "records": {
            r["slug"]: (r["date"], r["tags"], r["reply_to"], r["warning"], r["headline"])
            for r in json.loads(out)
        },
        "media": sorted(
            (p.relative_to(output).as_posix(), p.read_bytes())
            for p in output.glob("media/**/*")
            if p.is_file()
        ),
    }


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def front_matter_of(path: Path) -> dict[str, Any]:
    head = path.read_text("utf-8").split("---\n")[1]
    values = yaml.safe_load(head)
    assert isinstance(values, dict)
    return values


@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_imported_site_builds_like_the_export(
    export: Path, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """Export -> import -> build: the same post URLs, feed guids and dates, tags and media
    as building the export dropped into content/."""
    direct = make_site(folder="direct", base_url="https://example.org/sub/")
    shutil.copytree(export, direct / "content" / export.name)
    imported = make_site(folder="imported", base_url="https://example.org/sub/")
    code, out, _err = import_into(imported, capsys, export)
    assert code == 0 and out.startswith("wrote ")
    expected, got = built(direct, capsys), built(imported, capsys)
    assert got["pages"] == expected["pages"] and expected["pages"]
    assert got["feed"] == expected["feed"]
    assert got["records"] == expected["records"]
    assert got["media"] == expected["media"]


def test_imported_archive_builds_like_the_archive(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "Old Notes.txt"
    archive.write_text(ARCHIVE, encoding="utf-8")
    direct = make_site({"content/notes.txt": ARCHIVE}, folder="direct")
    imported = make_site(folder="imported")
    code, out, _err = import_into(imported, capsys, archive)
    assert code == 0 and out.startswith("wrote 3 posts, 0 media files; 0 already there")
    folder = imported / "content" / "imported" / "old-notes"
    values = front_matter_of(next(folder.glob("odd-stars*.md")))
    assert values["source"] == "Old Notes.txt:7" and values["tags"] == ["Markup"]
    assert built(imported, capsys) == built(direct, capsys)


def test_front_matter_carries_the_record(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    import_into(site, capsys, TWITTER)
    folder = site / "content" / "imported" / "twitter"
    first = front_matter_of(folder / "1600000000000000010.md")
    assert first["id"] == "twitter-1600000000000000010"
    assert first["slug"] == "1600000000000000010"
    assert first["date"] == "2022-11-03T08:50:26+00:00"
    assert first["tags"] == ["WebDev"] and first["network"] == "twitter"
    assert first["source"] == "export-2022/data/tweets.js:1"
    assert first["media"] == [
        {
            "file": "media/1600000000000000010-FxPhoto01.png",
            "kind": "image",
            "alt": 'A <b>bold</b> cat & a "dog"',
            "width": 1200,
            "height": 800,
            "mime": "image/png",
            "remote": "https://pbs.twimg.com/media/FxPhoto01.png",
        }
    ]
    reply = front_matter_of(folder / "1600000000000000007.md")["reply_to"]
    assert reply == {
        "url": "https://twitter.com/fixture_owner/status/1600000000000000006",
        "post_id": "twitter-1600000000000000006",
        "to": "@fixture_owner",
    }
    body = (folder / "1600000000000000010.md").read_text("utf-8").split("---\n", 2)[2]
    assert "&lt;progressive-image>" in body and "<b>" not in body  # export markup is text
    assert "[example.org/blog/progres…](https://example.org/blog/progressive-image" in body
    assert "t.co" not in body


def test_media_are_copied_beside_the_posts(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    code, out, _err = import_into(site, capsys, FIXTURES / "mastodon" / "full")
    assert code == 0 and "2 media files" in out
    media = site / "content" / "imported" / "mastodon" / "media"
    copied = files_of(media)
    source = files_of(FIXTURES / "mastodon" / "full" / "media_attachments")
    assert copied == {name: source[name] for name in copied} and len(copied) == 2
    assert not any("private" in name for name in copied)
    post = front_matter_of(site / "content/imported/mastodon/1100000000000000001.md")
    assert post["media"][0]["file"] == "media/files/110/000/000/000/000/001/original/cat.png"
    assert post["media"][0]["output"] == (
        "media/mastodon/files/110/000/000/000/000/001/original/cat.png"
    )


def test_a_second_import_adds_nothing_and_edits_survive(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site()
    import_into(site, capsys, TWITTER)
    folder = site / "content" / "imported"
    first = files_of(folder)
    edited = folder / "twitter" / "1600000000000000006.md"
    edited.write_text(edited.read_text("utf-8") + "\nEdited by hand.\n", encoding="utf-8")
    (folder / "twitter" / "1600000000000000003.md").unlink()  # deleted: written again
    code, out, _err = import_into(site, capsys, TWITTER)
    assert (code, out.split(" (")[0]) == (0, "wrote 1 post, 0 media files; 6 already there")
    again = files_of(folder)
    assert again.keys() == first.keys()
    assert again["twitter/1600000000000000006.md"].endswith(b"Edited by hand.\n")
    assert {k: v for k, v in again.items() if "006.md" not in k} == {
        k: v for k, v in first.items() if "006.md" not in k
    }


def test_nothing_private_is_ever_written(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """Direct messages, deleted tweets, followers-only posts and private mentions: their
    canary text is nowhere in the content folder."""
    site = make_site()
    for export in EXPORTS:
        assert import_into(site, capsys, export)[0] == 0
    for path in (site / "content").rglob("*"):
        if path.is_file():
            assert b"CANARY" not in path.read_bytes(), path


def test_a_zip_imports_like_its_folder(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "twitter-2022.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(TWITTER.rglob("*")):
            if path.is_file():
                zipped.write(path, "twitter-2022/" + path.relative_to(TWITTER).as_posix())
    from_zip, from_folder = make_site(folder="zip"), make_site(folder="folder")
    assert import_into(from_zip, capsys, archive)[0] == 0
    assert import_into(from_folder, capsys, TWITTER)[0] == 0
    zipped_files = files_of(from_zip / "content")
    folder_files = files_of(from_folder / "content")
    assert zipped_files.keys() == folder_files.keys()
    assert [
        name for name in zipped_files if zipped_files[name] != folder_files[name]
    ] == [  # only where it says it came from
        name for name in zipped_files if name.endswith(".md")
    ]


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("missing", None, "no such file or folder"),
        ("post.md", "text", "not an export"),
        ("empty", "folder", "not a Twitter/X or Mastodon export"),
        ("other.zip", "zip", "holds no Twitter/X or Mastodon export"),
    ],
)
def test_a_path_that_is_no_export_exits_2(
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    make: str | None,
    says: str,
) -> None:
    path = tmp_path / name
    if make == "text":
        path.write_text("# hello\n", encoding="utf-8")
    elif make == "folder":
        (path / "data").mkdir(parents=True)
        (path / "data" / "notes.js").write_text("x", encoding="utf-8")
    elif make == "zip":
        with zipfile.ZipFile(path, "w") as zipped:
            zipped.writestr("readme.txt", "hello")
    site = make_site()
    code, out, err = import_into(site, capsys, path)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and str(path) in err and says in err
    assert not (site / "content" / "imported").exists()


def test_import_writes_only_inside_the_content_folder(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    site = make_site(content_dir="../outside")
    code, _out, err = import_into(site, capsys, TWITTER)
    assert code == 2 and "MB007" in err
    site = make_site(folder="linked")
    (site / "content" / "imported").symlink_to(outside, target_is_directory=True)
    code, _out, err = import_into(site, capsys, TWITTER)
    assert code == 2 and "not a folder inside" in err
    assert list(outside.iterdir()) == []


def test_a_real_subprocess_imports(tmp_path: Path, make_site: MakeSite) -> None:
    site = make_site()
    completed = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "import", str(TWITTER)],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("wrote 7 posts, 2 media files; 0 already there")
    assert "MB093" in completed.stderr and "MB094" in completed.stderr  # reported like check
    assert len(list((site / "content/imported/twitter").glob("*.md"))) == 7


# -- the Markdown reader's imported fields ---------------------------------------------------


def read_post(site: Path, name: str, text: str) -> tuple[list[Post], list[Problem]]:
    path = site / "content" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    items = list(parse_markdown(text, f"content/{name}", load_config(site / "site.yaml")))
    return [i for i in items if isinstance(i, Post)], [i for i in items if isinstance(i, Problem)]


def test_reader_takes_the_imported_fields(make_site: MakeSite) -> None:
    site = make_site({"content/a/media/cat.png": b"\x89PNG-cat"})
    posts, problems = read_post(
        site,
        "a/post.md",
        "---\nid: mastodon-42\nnetwork: mastodon\noriginal: https://social.example/@a/42\n"
        "reply_to: {url: 'https://social.example/@a/41', post_id: mastodon-41, to: '@a'}\n"
        "warning: Spoilers\nrepost_of: '@b'\nalso_at: [https://twitter.com/a/status/1]\n"
        "media:\n- {file: media/cat.png, alt: A cat, width: 2, height: 1, mime: image/png}\n"
        "---\nThe post\n",
    )
    assert problems == []
    (post,) = posts
    assert (post.id, post.network, post.original) == (
        "mastodon-42",
        "mastodon",
        "https://social.example/@a/42",
    )
    assert post.reply_to is not None and post.reply_to.post_id == "mastodon-41"
    assert (post.warning, post.summary, post.headline) == ("Spoilers", "Spoilers", "Spoilers")
    assert post.repost_of == "@b" and post.also_at == ("https://twitter.com/a/status/1",)
    (media,) = post.media
    assert (media.export, media.member, media.path) == (
        "",
        "content/a/media/cat.png",
        "media/mastodon/cat.png",
    )
    assert (media.size, media.width, media.height, media.alt) == (8, 2, 1, "A cat")


def test_reader_reports_and_drops_bad_imported_fields(make_site: MakeSite) -> None:
    site = make_site()
    posts, problems = read_post(
        site,
        "post.md",
        "---\nid: 'a b/c'\noriginal: 'javascript:alert(1)'\nreply_to: {url: 'data:x'}\n"
        "network: Twitter!\nalso_at: [ftp://x]\nmedia: [{kind: sound, file: a.png}, 3]\n"
        "---\nStill published\n",
    )
    (post,) = posts
    assert post.id == "content/post" and post.original == "" and post.reply_to is None
    assert post.network == "" and post.also_at == () and post.text == "Still published"
    codes = sorted(p.code for p in problems)
    assert codes.count("MB024") == 7, problems
    assert "MB028" in codes  # a.png is not there


@pytest.mark.parametrize(
    "file", ["../../../outside.png", "../site.yaml", "/etc/passwd", "media/link.png"]
)
def test_a_media_file_leading_out_of_the_content_folder_is_refused(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str
) -> None:
    (tmp_path / "outside.png").write_bytes(b"SECRET-OUTSIDE")
    site = make_site()
    (site / "content" / "media").mkdir()
    (site / "content" / "media" / "link.png").symlink_to(tmp_path / "outside.png")
    text = f"---\ndate: 2024-01-01\nmedia: [{{file: '{file}', remote: 'https://x.org/a.png'}}]\n"
    posts, problems = read_post(site, "post.md", text + "---\nKept\n")
    (post,) = posts
    assert post.media[0].member == "" and post.media[0].remote == "https://x.org/a.png"
    assert [p.code for p in problems] in (["MB028"], ["MB024"])
    code, _out, _err = run(capsys, "build", "--config", str(site / "site.yaml"))
    assert code == 0 and not (site / "_site" / "media").exists()
    for path in (site / "_site").rglob("*"):
        assert not path.is_file() or b"SECRET-OUTSIDE" not in path.read_bytes()


# -- the Markdown it writes shows the export's words -----------------------------------------

_MARKUP = [
    *"\\`*_[]{}|\"'<>&#-+=.:~!()1 \n\t",
    "&amp;", "&#58;", "&#58", "&copy;", "--", "...", "1. ", "# ", "    ", "\n\n", "#tag",
    "https://x.org/a_b", "www.x.org", "*[A]: b", "[^1]", "{: .x}", "---", "===", "```", "~~~",
    "\u00a0", "|---|", "]:", "![", "<b>", "&lt;",
]  # fmt: skip
_TEXTS = st.lists(st.one_of(st.sampled_from(_MARKUP), st.text(max_size=5)), max_size=30).map(
    "".join
)


def _shown(html: LinkedHtml) -> str:
    return fold_whitespace(text_of_html(html.resolve(lambda link: f"{link.kind}:{link.target}")))


def _read_back(markdown: str) -> LinkedHtml:
    config = load_config(REPO / "tests" / "golden" / "small" / "site.yaml")
    items = parse_markdown(f"---\n---\n{markdown}", "content/x.md", config)
    (post,) = [item for item in items if isinstance(item, Post)]
    return post.body


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_TEXTS)
def test_any_text_reads_back_with_the_same_words(text: str) -> None:
    """A post's text (as the archive reader makes its HTML) written as Markdown and read back
    through the Markdown reader shows the same words: no markup of the text comes alive."""
    text = C1_CONTROLS.sub("", FORBIDDEN.sub("", text)).replace("\r", "")
    assume(repair_mojibake(text)[0] == text)  # what a reader holds is repaired already
    links = LinkCollector()
    html = links.finish(plain_text_to_html(text, lambda _name: None, links))
    markdown = markdown_of_html(html)
    assert _shown(_read_back(markdown)) == _shown(html) == fold_whitespace(text)


_TAGS = ["p", "strong", "em", "code", "span", "blockquote", "li", "ul", "ol", "pre", "h2", "a"]
_TREES = st.recursive(
    _TEXTS.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;")),
    lambda children: st.tuples(st.sampled_from(_TAGS), st.lists(children, max_size=4)),
    max_leaves=15,
)


def _html_of(tree: Any) -> str:
    if isinstance(tree, str):
        return tree
    tag, children = tree
    inner = "".join(_html_of(child) for child in children)
    if tag == "a":
        image = f'<img src="https://x.org/e.png" alt="{len(inner)}">'
        return f'<a href="https://x.org/(a)[b]">{inner}{image}</a>'
    return f"<{tag}>{inner}</{tag}>"


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(_TREES, max_size=4))
def test_any_markup_of_a_record_reads_back_with_the_same_words(trees: list[Any]) -> None:
    """The same for HTML like Mastodon's: paragraphs, links, images, emphasis, code, quotes,
    lists and headings, nested any way, keep their words (and their images)."""
    source = C1_CONTROLS.sub("", FORBIDDEN.sub("", "".join(_html_of(t) for t in trees)))
    links = LinkCollector()
    html = links.finish(sanitize_html(source.replace("\r", ""), links))
    markdown = markdown_of_html(html)
    assume(repair_mojibake(markdown)[0] == markdown)
    back = _read_back(markdown)
    assert _shown(back).replace(" ", "") == _shown(html).replace(" ", "")
    images = [link for link in html.links if link == Link(link.kind, "https://x.org/e.png")]
    assert len([link for link in back.links if link in images]) == len(images)


def test_a_damaged_media_file_is_reported_and_the_post_still_written(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "twitter.zip"
    photo = "data/tweets_media/1600000000000000010-FxPhoto01.png"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(TWITTER.rglob("*")):
            if path.is_file():
                name = path.relative_to(TWITTER).as_posix()
                data = path.read_bytes() * (50 if name == photo else 1)
                zipped.writestr(name, data)
    with zipfile.ZipFile(archive) as zipped:
        info = zipped.getinfo(photo)
    raw = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 2 : start + 10] = b"\xff" * 8  # its deflated data, damaged
    archive.write_bytes(bytes(raw))
    site = make_site()
    code, out, err = import_into(site, capsys, archive)
    assert code == 0 and out.startswith("wrote 7 posts, 1 media file;")
    assert "MB093" in err and "FxPhoto01.png" in err
    post = front_matter_of(site / "content/imported/twitter/1600000000000000010.md")
    assert post["media"] == [
        {
            "kind": "image",
            "alt": 'A <b>bold</b> cat & a "dog"',
            "width": 1200,
            "height": 800,
            "mime": "image/png",
            "remote": "https://pbs.twimg.com/media/FxPhoto01.png",
        }
    ]
    assert not (site / "content/imported/twitter/media" / Path(photo).name).exists()


def test_a_file_that_cannot_be_written_exits_1(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Path.open

    def full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "x" and self.name == "1600000000000000006.md":
            raise OSError(28, "No space left on device")
        return original(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    site = make_site()
    code, out, err = import_into(site, capsys, TWITTER)
    assert code == 1 and out.startswith("wrote 6 posts")
    assert (
        "content/imported/twitter/1600000000000000006.md: error MB095 cannot be written:"
        " No space left on device" in err
    )
    assert not (site / "content/imported/twitter/1600000000000000006.md").exists()


@settings(deadline=None)
@given(st.text(), st.text())
def test_any_alt_text_and_warning_read_back_as_written(alt: str, warning: str) -> None:
    """Front matter as import writes it (yaml.safe_dump) reads back through the reader's own
    YAML loader and field checks unchanged: alt text whole, a warning with white space folded."""
    alt = C1_CONTROLS.sub("", FORBIDDEN.sub("", alt))[:5000]
    warning = " ".join(C1_CONTROLS.sub("", FORBIDDEN.sub("", warning)).split())
    assume(warning)
    media = [{"file": "media/a.png", "kind": "image", "alt": alt}]
    text = front_matter({"warning": warning, "media": media})
    split, problem = split_front_matter(text)
    assert problem is None
    read = read_front_matter(split, MD_FIELDS, UTC)
    assert read.problems == []
    assert read.values["warning"] == warning[:5000]
    assert read.values["media"].entries[0].alt == alt

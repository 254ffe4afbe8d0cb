"""Regression tests for the bugs the hostile corpus and the random-site property found.

Each test is named after what it fixes; the corpus case that found it is in its docstring.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog.cli import main
from microblog.config import SiteConfig, load_config
from microblog.dates import parse_date
from microblog.model import Post
from microblog.output import DirectorySink
from microblog.pipeline import build_to_folder, read_site
from microblog.problems import Problem
from microblog.sources import Parser
from microblog.sources.markdown import MAX_MARKDOWN_UNITS, markdown_units, parse_markdown
from microblog.sources.record import (
    MAX_TAG_LINKS,
    MAX_TAGGED_CHARS,
    MAX_TAGS,
    tag_limit,
)
from microblog.sources.txt import parse_txt
from microblog.taxonomy import assign_site_tag_slugs, group_by_tag
from microblog.text.linked import LinkCollector
from microblog.text.linkify import link_text
from microblog.text.titles import _trailing_tag_spans, fold_whitespace
from microblog.urls import Urls
from microblog.yamlsafe import YamlError, load_yaml
from tests.conftest import MakeSite

WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]


@pytest.fixture
def config(make_site: MakeSite) -> SiteConfig:
    site = make_site({}, base_url="https://example.org/sub/")
    return load_config(site / "site.yaml")


def read(
    parser: Parser, text: str, path: str, config: SiteConfig
) -> tuple[list[Post], list[Problem]]:
    values = list(parser(text, path, config))
    return (
        [v for v in values if isinstance(v, Post)],
        [v for v in values if isinstance(v, Problem)],
    )


def page_html(post: Post, config: SiteConfig) -> str:
    """A post's HTML as the site's pages show it (a post read alone: its tags get the slugs
    they would have on a site of that post only)."""
    if any(not tag.slug for tag in post.tags):
        (post,) = assign_site_tag_slugs([post])
    return Urls(config).post_html(post)


def test_distinct_tag_flood_gets_at_most_max_tags_tag_pages(config: SiteConfig) -> None:
    """tags-distinct-flood: 30,000 distinct tags in one 200 KB post wrote one tag page (and two
    feeds) per tag, each holding the whole post: 88 GB before the disk filled up."""
    text = "".join(f"#t{i}" for i in range(MAX_TAGS + 50))
    posts, problems = read(parse_txt, text, "content/flood.txt", config)
    (post,) = posts
    assert [tag.key for tag in post.tags] == [f"t{i}" for i in range(MAX_TAGS)]
    assert [(p.location, p.code) for p in problems] == [("content/flood.txt:1", "MB032")]
    assert post.text == text  # nothing is lost from the text
    assert (
        page_html(post, config).count('class="hashtag"') == MAX_TAGS
    )  # no link to a page that is not made
    assert f'href="/sub/tags/t{MAX_TAGS - 1}/"' in page_html(post, config)
    assert f"#t{MAX_TAGS}" in page_html(
        post, config
    ) and f'href="/sub/tags/t{MAX_TAGS}/"' not in page_html(post, config)


def test_long_post_gets_fewer_tag_pages(config: SiteConfig) -> None:
    """A 64 MB post (within the file limit) with 100 distinct tags would write 300 copies of
    itself, 20 GB; a post's length times its tags stays under MAX_TAGGED_CHARS."""
    words = "latency cache queue shard " * (MAX_TAGGED_CHARS // 26 // 4)  # a quarter of it
    text = words + "".join(f"#t{i}" for i in range(10))
    posts, problems = read(parse_txt, text, "content/long.txt", config)
    assert tag_limit(text) == 3
    assert [tag.key for tag in posts[0].tags] == ["t0", "t1", "t2"]
    assert [(p.location, p.code) for p in problems] == [("content/long.txt:1", "MB032")]
    assert "10 distinct tags" in problems[0].message
    assert tag_limit("short") == MAX_TAGS and tag_limit("x" * (MAX_TAGGED_CHARS + 1)) == 0


def test_front_matter_tags_count_towards_max_tags(config: SiteConfig) -> None:
    names = ", ".join(f"f{i}" for i in range(MAX_TAGS))
    posts, problems = read(
        parse_markdown, f"---\ntags: [{names}]\n---\nbody #extra\n", "content/a.md", config
    )
    assert len(posts[0].tags) == MAX_TAGS and "extra" not in [t.key for t in posts[0].tags]
    assert [(p.location, p.code) for p in problems] == [("content/a.md:4", "MB032")]
    assert 'class="hashtag"' not in page_html(posts[0], config)  # #extra has no page, so no link


def test_hashtag_links_are_capped_per_post(config: SiteConfig) -> None:
    """tags-hash-run-200kb: 100,000 links to one tag made 5 MB of HTML on every page showing
    the post; past MAX_TAG_LINKS a hashtag stays text."""
    text = "#a" * (MAX_TAG_LINKS + 500)
    for parser, path in ((parse_txt, "content/a.txt"), (parse_markdown, "content/a.md")):
        posts, problems = read(parser, text, path, config)
        assert problems == []
        assert page_html(posts[0], config).count('class="hashtag"') == MAX_TAG_LINKS
        assert [tag.key for tag in posts[0].tags] == ["a"]


def test_link_text_leaves_a_hashtag_without_href_as_text() -> None:
    html = link_text("#keep and #drop <b>", lambda name: "/t/" if name == "keep" else None)
    assert html == '<a class="hashtag" href="/t/">#keep</a> and #drop &lt;b&gt;'


@pytest.mark.parametrize(
    "body",
    [
        "*a" * 25_000,  # inline markup in one paragraph
        "a\n=\n" * 6_000,  # lines of one block
        "a\n\n" * 12_000,  # paragraphs
        "".join(">" * i + " x\n" for i in range(1_000)),  # quotes nested 1,000 deep
    ],
    ids=["emphasis", "setext-lines", "paragraphs", "nested-quotes"],
)
def test_markdown_too_costly_for_python_markdown_is_shown_as_text(
    config: SiteConfig, body: str
) -> None:
    """markdown-quadratic: Python-Markdown is quadratic in these; 200 KB took 30-40 s each
    (benchmarks/hostile.py measures the time; no test here is timed)."""
    assert markdown_units(body) > MAX_MARKDOWN_UNITS
    posts, problems = read(parse_markdown, body, "content/a.md", config)
    assert [(p.location, p.code) for p in problems] == [("content/a.md:1", "MB027")]
    assert posts[0].text == body.strip("\n")


@pytest.mark.parametrize(
    "body",
    [
        "|a" * 200 + "|\n" + "|-" * 200 + "|\n" + ("|x" * 200 + "|\n") * 120,  # many cells
        "|a" * 5_000 + "|\n" + "|-" * 5_000 + "|\n",  # one wide row
        "*[HTML]: Hyper\n\n" + "HTML " * 10_000,  # a repeated abbreviation
        "*[x]y]: T\n\n" + "x]y " * 10_000,  # an abbreviation whose name holds `]`
        "a-- b... " * 10_000,  # smarty dashes and ellipses
        "# a" + " " * 50_000 + "b",  # spaces attr_list scans from each one
    ],
    ids=[
        "table-cells",
        "wide-row",
        "abbreviations",
        "abbreviation-with-bracket",
        "smarty-marks",
        "heading-spaces",
    ],
)
def test_markdown_extensions_too_costly_without_markup_are_shown_as_text(
    config: SiteConfig, body: str
) -> None:
    """markdown-table-flood: a 3.2 MB table (2,000 columns, 800 rows) took 1 min 49 s and
    1.23 GB in `check` with no warning: table cells, abbreviations, smarty's marks and runs
    of spaces were not counted by markdown_units, though each costs Python-Markdown more
    than linear time."""
    assert markdown_units(body) > MAX_MARKDOWN_UNITS
    posts, problems = read(parse_markdown, body, "content/a.md", config)
    assert [(p.location, p.code) for p in problems] == [("content/a.md:1", "MB027")]
    assert posts[0].text == body.strip("\n")
    assert "<table>" not in page_html(posts[0], config) and "<abbr" not in page_html(
        posts[0], config
    )


def test_ordinary_tables_and_abbreviations_still_render(config: SiteConfig) -> None:
    table = "| name | value |\n|------|-------|\n" + "| *a* | b -- c |\n" * 300
    body = "*[HTML]: Hyper Text\n\nSome HTML...\n\n" + table
    assert markdown_units(body) < MAX_MARKDOWN_UNITS / 2
    posts, problems = read(parse_markdown, body, "content/a.md", config)
    assert problems == []
    assert page_html(posts[0], config).count("<td><em>a</em></td>") == 300
    assert '<abbr title="Hyper Text">HTML</abbr>' in page_html(posts[0], config)


@given(st.text(st.sampled_from([*WHITESPACE, "a", "é", "日", "\u200b", "#"]), max_size=40))
def test_fold_whitespace_is_split_and_join(text: str) -> None:
    assert fold_whitespace(text) == " ".join(text.split())


def test_fold_whitespace_makes_no_list_of_words() -> None:
    """big-2mb-line: `" ".join(text.split())` (in text_digest and plain_words) took ten times
    a post's size in memory; with the rest, a 60 MB post needed 1.1 GB to be read."""
    text = "latency cache queue shard\n" * 200_000  # 5 MB
    tracemalloc.start()
    try:
        folded = fold_whitespace(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * len(text)  # split and join peak near ten times
    assert folded == " ".join(text.split())


def test_ordinary_markdown_is_far_below_the_cost_limit() -> None:
    line = "A *paragraph* with `code`, a [link](https://e.org) and it's fine.\n"
    article = (line * 5 + "\n") * 100
    assert markdown_units(article) < MAX_MARKDOWN_UNITS / 2


def test_offset_with_seconds_is_written_as_the_same_instant_in_utc() -> None:
    """dates-far-future-and-past: `1850-06-01` in Europe/Amsterdam (local mean time, +00:19:32)
    gave `<pubDate>... +001932` and `0001-01-01T00:00:00-03:30:52` in feeds and sitemaps."""
    parsed = parse_date("1850-06-01", ZoneInfo("Europe/Amsterdam"))
    assert parsed == datetime(1850, 5, 31, 23, 40, 28, tzinfo=UTC)
    assert parsed is not None and parsed.utcoffset() is not None
    assert parse_date("2024-06-01", ZoneInfo("Europe/Amsterdam")) == datetime(
        2024, 6, 1, tzinfo=ZoneInfo("Europe/Amsterdam")
    )


def test_year_before_1000_is_not_a_date() -> None:
    """dates-far-future-and-past: `0001-01-01` made `Mon, 01 Jan 1 00:00:00` in RSS."""
    assert parse_date("0999-12-31T12:00:00+00:00", UTC) is None
    assert parse_date("0001-01-01", UTC) is None
    assert parse_date("1000-01-01", UTC) == datetime(1000, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("escape", ["\\ud800", "\\x00", "\\x1b", "\\x85", "\\uFFFE"])
def test_yaml_escape_of_an_unshowable_character_is_a_yaml_error(escape: str) -> None:
    """site-yaml-escaped-controls: `title: "\\ud800"` crashed every build with a
    UnicodeEncodeError (exit 1, no site) while `check` said all was well."""
    with pytest.raises(YamlError) as error:
        load_yaml(f'title: ok\ndescription: "a {escape} b"\n')
    assert error.value.line == 2
    assert load_yaml('title: "tab\\there"').data == {"title": "tab\there"}


def test_site_yaml_with_an_escaped_surrogate_exits_2(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {"content/a.md": "post"}, config='title: "\\ud800"\nbase_url: https://e.org/\n'
    )
    assert main(["build", "--config", str(site / "site.yaml")]) == 2
    assert "site.yaml:1: error MB002" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="file names are bytes on POSIX only")
def test_file_name_that_is_not_utf8_is_read_and_reported(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """files-odd-names: `check --json` died with UnicodeEncodeError on a name like b'bad\\xff.md'
    (Python keeps such bytes as lone surrogates, which stdout cannot encode)."""
    site = make_site({})
    path = os.path.join(os.fsencode(site / "content"), b"bad\xff.md")
    Path(os.fsdecode(path)).write_text("a post from a Latin-1 file name #odd", encoding="utf-8")
    assert main(["check", "--json", "--config", str(site / "site.yaml")]) == 1
    captured = capsys.readouterr()
    (record,) = json.loads(captured.out)
    assert record["source"] == "content/bad\ufffd.md:1"
    assert "content/bad\ufffd.md: warning MB014 file name is not valid UTF-8" in captured.err
    output = site / "_site"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0
    assert (output / "posts" / "bad" / "index.html").is_file()


def test_rebuild_compares_a_previous_file_without_reading_it_whole(tmp_path: Path) -> None:
    """A 700 MB file in static/ took 1.5 GB to rebuild: the previous build's copy was read
    whole to see whether it could be hard-linked. Now it is compared a chunk at a time."""
    data = bytes(range(256)) * 4 * 16 * 1024  # 16 MB, ends in 0xff
    output = tmp_path / "out"
    first = DirectorySink(output)
    first.write("video.mp4", data)
    first.commit()
    second = DirectorySink(output)
    tracemalloc.start()
    try:
        second.write("video.mp4", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(data) // 4
    assert (second.root / "video.mp4").stat().st_nlink == 2  # linked, not written again
    third = DirectorySink(output)
    third.write("video.mp4", data[:-1] + b"!")  # same size, last byte differs
    assert (third.root / "video.mp4").stat().st_nlink == 1
    assert (third.root / "video.mp4").read_bytes()[-2:] == b"\xfe!"
    second.discard()
    third.discard()


def test_reading_a_small_post_allocates_little(make_site: MakeSite) -> None:
    """Found while measuring big-static-file: every content file was read with
    `read(MAX_FILE_BYTES + 1)`, which allocates the whole 64 MB limit for a 40-byte post."""
    site = make_site({"content/a.md": "---\ndate: 2024-01-02\n---\nhello #x\n"})
    config = load_config(site / "site.yaml")
    read_site(config)  # first use imports Markdown, ftfy, nh3: not what is measured
    tracemalloc.start()
    try:
        read_site(config)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024


def test_static_file_is_copied_without_being_read_whole(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """big-static-file: each static file was read whole into memory to be copied, so a 1 GB
    video in static/ took over 1 GB. Now it is copied a chunk at a time, and a rebuild
    hard-links the previous build's identical copy."""
    site = make_site({"content/a.md": "---\ndate: 2024-01-02\n---\nhello #x\n"})
    config = load_config(site / "site.yaml", {"output_dir": str(tmp_path / "out")})
    build_to_folder(config)  # first use imports Markdown, ftfy, nh3: not what is measured
    shutil.rmtree(tmp_path / "out")
    data = bytes(range(256)) * 4 * 16 * 1024  # 16 MB
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "video.mp4").write_bytes(data)
    copied = tmp_path / "out" / "video.mp4"
    inodes = []
    for build in ("clean", "rebuild"):
        tracemalloc.start()
        try:
            build_to_folder(config)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < len(data) // 4, build
        inodes.append(copied.stat().st_ino)
    assert inodes[0] == inodes[1]  # the rebuild linked the clean build's copy
    assert copied.read_bytes() == data
    assert copied.stat().st_ino != (site / "static" / "video.mp4").stat().st_ino
    source = site / "static" / "video.mp4"
    kept = source.stat()
    source.write_bytes(data[:-1] + b"!")  # same size, and the old time kept, as `cp -p` does
    os.utime(source, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    build_to_folder(config)
    assert copied.read_bytes()[-2:] == b"\xfe!"


def test_static_file_whose_name_cannot_be_published_is_reported_not_fatal(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """static-odd-names: `static/a\\b.css` (a legal POSIX name) stopped every build with exit 2,
    "refusing an unsafe output path", though exit 2 is for a broken site.yaml only."""
    site = make_site({"content/a.md": "post", "static/a\\b.css": "x", "static/ok.css": "y"})
    output = site / "_site"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0
    captured = capsys.readouterr()
    assert "static/a\\b.css: warning MB082" in captured.err
    assert "0 errors, 1 warning\n" in captured.out  # the summary counts every stage's problems
    assert (output / "ok.css").read_text() == "y"
    assert not any("\\" in path.name for path in output.iterdir())


def test_templates_folder_linked_from_outside_is_reported(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """symlinks-outside-the-site: a `templates/` link leading out of the site was ignored in
    silence (the defaults stood in, and nobody was told why their templates did nothing)."""
    site = make_site({"content/a.md": "---\ndate: 2024-01-02\n---\nhello #x\n"})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "base.html").write_text("CANARY {% block content %}{% endblock %}\n")
    (site / "templates").symlink_to(outside)
    config = str(site / "site.yaml")
    assert main(["check", "--config", config]) == 1
    assert "templates: warning MB071 symbolic link leads outside" in capsys.readouterr().err
    output = tmp_path / "out"
    assert main(["build", "--config", config, "--output", str(output)]) == 0
    assert "templates: warning MB071" in capsys.readouterr().err
    assert "CANARY" not in (output / "index.html").read_text()


def test_tags_whose_slugs_collide_keep_their_own_pages(config: SiteConfig) -> None:
    """tags-slug-collisions: "C", "C++" and "C#" all had the slug `c` and were merged into one
    tag, "C"; a post tagged both "a/b" and "a\\b" kept only "a/b"."""
    text = "---\ntags: ['a/b', 'a\\b', 'A/B']\n---\nbody\n"
    (post,) = read(parse_markdown, text, "content/a.md", config)[0]
    assert [tag.name for tag in post.tags] == ["a/b", "a\\b"]
    (post,) = assign_site_tag_slugs([post])
    assert len({tag.slug for tag in post.tags}) == 2
    posts = [
        read(parse_markdown, f"---\ntags: ['{name}']\n---\nbody\n", f"content/{i}.md", config)[0][0]
        for i, name in enumerate(["C++", "C#", "C", "c"])
    ]
    groups = group_by_tag(assign_site_tag_slugs(posts))
    assert sorted((group.name, group.count) for group in groups) == [
        ("C", 2),
        ("C#", 1),
        ("C++", 1),
    ]
    slugs = {group.name: group.slug for group in groups}
    assert slugs["C"] == "c" and slugs["C++"].startswith("c-") and slugs["C#"].startswith("c-")
    assert len(set(slugs.values())) == 3


def test_hashtag_links_follow_their_tag_to_its_site_wide_slug(config: SiteConfig) -> None:
    """A hashtag links to its tag's page from the post's HTML, written when the post is read;
    when the tag's slug changes across the site ("a\u200cb" wants `a-b`, which the tag "a-b"
    holds), its links follow, and the other hashtag links stay as they are."""
    (joined,) = read(parse_txt, "x #a\u200cb #keep y", "content/a.txt", config)[0]
    (plain,) = read(parse_markdown, "---\ntags: [a-b]\n---\n#keep z\n", "content/b.md", config)[0]
    assert 'href="/sub/tags/a-b/"' in page_html(
        joined, config
    )  # alone in its post, it has the plain slug
    joined, unmoved = assign_site_tag_slugs([joined, plain])
    assert [tag.slug for tag in unmoved.tags] == ["a-b", "keep"]
    assert page_html(unmoved, config) == page_html(plain, config)
    moved = joined.tags[0].slug
    assert moved.startswith("a-b-") and moved != "a-b"
    assert f'<a class="hashtag" href="/sub/tags/{moved}/">#a\u200cb</a>' in page_html(
        joined, config
    )
    assert 'href="/sub/tags/keep/"' in page_html(
        joined, config
    ) and 'href="/sub/tags/a-b/"' not in page_html(joined, config)
    assert page_html(joined, config).count('class="hashtag"') == 2


def test_tag_slug_change_leaves_the_posts_own_links_alone(config: SiteConfig) -> None:
    """Review: the links followed to a tag's new slug were any `<a class="hashtag">` whose
    href had `/tags/` in it, so a post's own link to another site's tag page moved too."""
    other = '<a class="hashtag" href="https://other.example/sub/tags/a-b/">theirs</a>'
    text = f"---\ntags: [a-b]\n---\n#a\u200cb and {other}\n"
    (joined,) = read(
        parse_markdown, text.replace("tags: [a-b]", "tags: []"), "content/a.md", config
    )[0]
    (plain,) = read(parse_markdown, "---\ntags: [a-b]\n---\nz\n", "content/b.md", config)[0]
    assert other in page_html(joined, config)
    joined, _ = assign_site_tag_slugs([joined, plain])
    assert other in page_html(joined, config)
    assert f'href="/sub/tags/{joined.tags[0].slug}/"' in page_html(joined, config)
    assert joined.tags[0].slug != "a-b"


def test_markdown_code_and_link_targets_give_no_tags(config: SiteConfig) -> None:
    """Audit: `#include` in a code span, `#define` in a code block, `(#usage)` as a link target
    and `{#usage}` as a heading's id each became a tag, with its pages and feeds."""
    body = (
        "Use `#include <stdio.h>` in C #clang\n\n```\n#define X 1\n// #notatag\n```\n\n"
        "See [the section](#usage) and [#linked](https://example.org/) and #real.\n\n"
        "## Usage {#usage}\n"
    )
    (post,), _ = read(parse_markdown, body, "content/a.md", config)
    assert [tag.name for tag in post.tags] == ["clang", "real"]
    assert page_html(post, config).count('class="hashtag"') == 2
    assert "#include" in post.text and "#define" in post.text  # the text is kept whole


def test_relative_urls_never_climb_out_of_the_site(config: SiteConfig) -> None:
    """Audit: `[other](../other/)` became `/sub/../other/` on pages, which a browser reads as
    `/other/`, outside the site's path, and `https://example.org/other/` in the feeds."""
    body = "[other](../other/) [up](../../x/?q=1#f) ![a](./img/../pic.png) [s](/sub/a/../b/)\n"
    (post,), _ = read(parse_markdown, body, "content/a.md", config)
    for href in ('href="/sub/other/"', 'href="/sub/x/?q=1#f"', 'src="/sub/pic.png"'):
        assert href in page_html(post, config)
    assert 'href="/sub/b/"' in page_html(post, config)
    assert ".." not in page_html(post, config)


def test_right_to_left_languages_are_laid_out_right_to_left(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """Audit: `language: ar` gave `<html lang="ar">` with no direction, so Arabic and Hebrew
    posts were laid out left to right, hashtags and punctuation on the wrong side."""
    post = "---\ndate: 2024-01-02\nlang: he\n---\nשלום עולם #שלום\n"
    english = "---\ndate: 2024-01-01\nlang: en\n---\nhello #x\n"
    site = make_site({"content/a.md": post, "content/b.md": english}, language="ar")
    output = tmp_path / "out"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0
    home = (output / "index.html").read_text()
    assert '<html lang="ar" dir="rtl">' in home
    assert 'lang="he" dir="rtl"' in home and 'lang="en" dir="ltr"' in home
    assert 'class="e-content" dir="auto"' not in home  # the posts' own direction holds


def test_footnotes_and_heading_ids_link_within_the_post(config: SiteConfig) -> None:
    """Audit: every id was stripped, so footnote links, their back-links and `{#sec}` links led
    nowhere. Ids are kept with a prefix of the post's own, so two posts on one page never
    share one nor take the page's (`main`); a repeated or empty id is dropped."""
    body = (
        "A claim[^1] and [see](#sec) and [top](#).\n\n## Section {#sec}\n\n"
        '<p id="main">x</p><p id="main">y</p><p id=" ">z</p>\n\n[^1]: The note.\n'
    )
    (post,), _ = read(parse_markdown, body, "content/fn.md", config)
    ids = re.findall(r'id="([^"]*)"', page_html(post, config))
    assert len(ids) == len(set(ids)) == 4  # fnref:1, sec, main (once), fn:1
    prefix = ids[0].split("-")[0] + "-"
    assert all(name.startswith(prefix) for name in ids) and f"{prefix}main" in ids
    assert 'href="#"' in page_html(post, config)  # the top of the page
    for target in re.findall(r'href="#([^"]+)"', page_html(post, config)):
        assert target in ids


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (".//evil.com", "/sub/evil.com"),  # `//evil.com` would be another host
        ("..//t.com/x.png", "/sub/t.com/x.png"),
        ("%2e%2e/x", "/sub/x"),  # browsers read `%2e%2e` as `..`
        ("..\\..\\x", "/sub/x"),  # and `\` as `/`
        ("/sub", "/sub/"),
        ("#", "#"),
    ],
)
def test_relative_urls_resolve_as_browsers_read_them(
    config: SiteConfig, url: str, expected: str
) -> None:
    """Review: removing dot segments could leave `//host`, and `%2e%2e` and `\\` were not
    read as a browser reads them, so a relative link could still leave the site."""
    links = LinkCollector()
    links.address(url)
    (link,) = links.links
    assert Urls(config).page_link(link, {}) == expected


def test_markdown_hashtags_are_linked_and_tagged_as_nh3_parses_the_post(
    config: SiteConfig,
) -> None:
    """Review: tags and links were found in Python-Markdown's HTML before nh3 parsed it, so
    `<iframe>#i1</iframe>` made a tag and showed its link's markup as text."""
    body = "x <iframe>#i1</iframe> <template>#t1</template> <svg><text>#s1</text></svg> #ok\n"
    (post,), _ = read(parse_markdown, body, "content/a.md", config)
    linked = re.findall(r'<a class="hashtag" href="[^"]*">#([^<]*)</a>', page_html(post, config))
    assert [tag.name for tag in post.tags] == linked == ["i1", "ok"]  # what the page shows
    assert (
        "&lt;a" not in page_html(post, config)
        and "t1" not in page_html(post, config)
        and "s1" not in page_html(post, config)
    )


def test_post_ids_differ_between_files_of_one_name(config: SiteConfig) -> None:
    body = "A[^1]\n\n[^1]: n\n"
    (first,), _ = read(parse_markdown, body, "content/a.md", config)
    (second,), _ = read(parse_markdown, body, "content/a.MD", config)
    assert set(re.findall(r'id="([^"]*)"', page_html(first, config))).isdisjoint(
        re.findall(r'id="([^"]*)"', page_html(second, config))
    )


def test_closing_hashtags_are_found_in_linear_time() -> None:
    """Fuzzing: a 1 MB line of `#a x #a x ...` took 21 s in `check`: each hashtag re-read the
    rest of its line. Also a hashtag before a word on a later line was taken as closing it."""
    assert _trailing_tag_spans("first line\n#a x #b y") == []
    assert _trailing_tag_spans("first line #c\n#a x #b y") == [(11, 13)]
    assert _trailing_tag_spans("#a x " * 200_000) == []  # benchmarks/hostile.py times it


def test_tag_links_follow_slug_changes_under_a_base_path_with_a_quote(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """Fuzzing: with `base_url: https://example.org/it's/`, hashtag links kept the slug a tag
    had lost to another, and pointed at tag pages that were never written."""
    site = make_site(
        {
            "content/p1.md": "---\ndate: 2024-01-01\n---\none #a\u200db\n",
            "content/p2.md": "---\ndate: 2024-01-02\n---\ntwo #a\u200cb\n",
        },
        base_url='"https://example.org/it\'s/"',
    )
    output = tmp_path / "out"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0
    links = [
        slug
        for page in output.glob("posts/*/index.html")
        for slug in re.findall(r'class="hashtag" href="/it\'s/tags/([^"/]*)/"', page.read_text())
    ]
    assert len(links) == 2
    for slug in links:
        assert (output / "tags" / slug / "index.html").is_file(), slug


def test_markdown_images_and_links_stay_valid_html(config: SiteConfig) -> None:
    """Fuzzing: an image whose `data:` address nh3 removed was left without `src`, one written
    without `alt` kept none, and `my file.pdf` or `\\x` stood in an href: all invalid HTML."""
    body = (
        '![cat](data:image/png;base64,AAAA) <img src="cat.png"> [doc](<my file.pdf>) '
        "[x](<\\javascript:alert(1)>) ![ok](k.png)\n"
    )
    (post,), _ = read(parse_markdown, body, "content/a.md", config)
    assert "data:" not in page_html(post, config) and page_html(post, config).count("<img") == 2
    assert '<img alt="" src="/sub/cat.png">' in page_html(post, config)
    assert 'href="/sub/my%20file.pdf"' in page_html(post, config)
    assert "\\" not in page_html(post, config)


def test_ampersands_are_sanitized_in_linear_time(config: SiteConfig) -> None:
    """Review: nh3 took time quadratic in the escaped `&` of a text node: 400,000 `a&b` in one
    post took 14 s. Each passes nh3 as a noncharacter now, and comes out as `&amp;`."""
    text = "AT&T " * 400_000  # 14 s before; a fraction of a second now
    (post,), problems = read(parse_txt, text, "content/amp.txt", config)
    assert problems == []
    html = page_html(post, config)
    assert html.count("AT&amp;T") == 400_000 and "\ufdd2" not in html
    body = '[a&b](https://x.example/?a=1&b=2 "t&u") A&B &amp; <img src="p.png" alt="x&y">\n'
    (md,), _ = read(parse_markdown, body, "content/amp.md", config)
    shown = page_html(md, config)
    assert '<a href="https://x.example/?a=1&amp;b=2" title="t&amp;u">a&amp;b</a>' in shown
    assert 'A&amp;B &amp; <img src="/sub/p.png" alt="x&amp;y">' in shown

"""Readers: the archive format, Markdown posts, and every bad input the content issue lists.

Each bad input is read through `microblog check --json` in process: nothing crashes, the
problem is reported with file:line, and every other post is still read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog.cli import main
from microblog.config import SiteConfig, load_config
from microblog.model import Post
from microblog.problems import Problem
from microblog.sources.markdown import parse_markdown
from microblog.sources.txt import parse_txt, split_posts
from microblog.taxonomy import assign_site_tag_slugs
from microblog.urls import Urls
from tests.conftest import MakeSite

GOOD = "A good post that must survive. #survivor\n"


def check(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]], str]:
    code = main(["check", "--json", "--config", str(site / "site.yaml")])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def texts(records: list[dict[str, object]]) -> list[str]:
    return [str(r["text"]) for r in records]


def page_html(post: Post, config: SiteConfig) -> str:
    """A post's HTML as the pages of a site of that post alone show it."""
    (post,) = assign_site_tag_slugs([post])
    return Urls(config).post_html(post)


def test_split_posts_rules() -> None:
    body = "one\ntwo #a\nthree\n\nfour\nfive #b#c\n  \nsix"
    assert list(split_posts(body, 1)) == [
        (1, "one\ntwo #a"),
        (3, "three"),
        (5, "four\nfive #b#c"),
        (8, "six"),
    ]


def test_archive_front_matter_and_order(make_site: MakeSite) -> None:
    site = make_site()
    config = load_config(site / "site.yaml")
    text = "---\ndate: 2024-01-01\nlang: es\norder: newest-first\n---\nUno #a\nDos #b\n"
    items = list(parse_txt(text, "content/a.txt", config))
    posts = [i for i in items if isinstance(i, Post)]
    assert [p.text for p in posts] == ["Uno #a", "Dos #b"]
    assert [p.source.line for p in posts] == [6, 7]
    assert posts[0].lang == "es" and posts[0].date is not None
    assert posts[0].order > posts[1].order  # newest first: the first line is the newest
    assert posts[0].date_origin == "content/a.txt:2"


def test_identical_posts_get_distinct_stable_ids(make_site: MakeSite) -> None:
    config = load_config(make_site() / "site.yaml")
    items = list(parse_txt("Same #x\nSame #x\nSame #x\n", "content/a.txt", config))
    posts = [i for i in items if isinstance(i, Post)]
    assert len({p.id for p in posts}) == 3 and len({p.slug for p in posts}) == 3
    again = [
        i
        for i in parse_txt("Other #y\nSame #x\nSame #x\nSame #x\n", "content/a.txt", config)
        if isinstance(i, Post)
    ]
    assert [p.id for p in again[1:]] == [p.id for p in posts]


def test_markdown_post(make_site: MakeSite) -> None:
    config = load_config(make_site() / "site.yaml")
    text = (
        "---\ntitle: T\ndate: 2024-02-03 10:00\ntags: [One, '#two']\nslug: My Post\n"
        "lang: fr\n---\n\nSome *text* with #three and https://example.com/x.\n"
    )
    items = list(parse_markdown(text, "content/p.md", config))
    post = next(i for i in items if isinstance(i, Post))
    assert post.slug == "my-post" and post.title == "T" and post.lang == "fr"
    assert [t.name for t in post.tags] == ["One", "two", "three"]
    assert post.id == "content/p"
    assert post.source.line == 9
    html = page_html(post, config)
    assert "<em>text</em>" in html and 'href="https://example.com/x"' in html
    assert 'class="hashtag" href="/tags/three/"' in html


def test_markdown_id_survives_edits(make_site: MakeSite) -> None:
    config = load_config(make_site() / "site.yaml")
    first = next(
        i for i in parse_markdown("Hello", "content/n/x.md", config) if isinstance(i, Post)
    )
    second = next(
        i
        for i in parse_markdown("Hello, edited #now", "content/n/x.md", config)
        if isinstance(i, Post)
    )
    assert first.id == second.id and first.slug == second.slug == "x"


BAD_INPUTS: dict[str, tuple[str | bytes, str]] = {
    "empty": (b"", "content/bad.txt:1: warning MB042"),
    "whitespace": (" \n\t\n\u00a0\u3000\n", "content/bad.txt:1: warning MB042"),
    "broken front matter": ("---\ndate: [2024\n---\nBody #t\n", "content/bad.txt:2: warning MB021"),
    "unclosed front matter": (
        "---\ndate: 2024-01-01\nBody #t\n",
        "content/bad.txt:1: warning MB020",
    ),
    "list front matter": ("---\n- a\n- b\n---\nBody #t\n", "content/bad.txt:2: warning MB022"),
    "invalid utf-8": (b"caf\xe9 au lait #coffee\n", "content/bad.txt:1: warning MB011"),
    "malformed date": ("---\ndate: 2024-13-45\n---\nBody #t\n", "content/bad.txt:2: warning MB024"),
    "nul bytes": (b"nul\x00here #t\n", "content/bad.txt:1: warning MB012"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_archive_inputs(
    name: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    data, expected = BAD_INPUTS[name]
    site = make_site({"content/bad.txt": data, "content/good.txt": GOOD})
    code, records, err = check(site, capsys)
    assert code == 1
    assert expected in err, err
    assert "A good post that must survive. #survivor" in texts(records)
    assert "Traceback" not in err


MD_BAD_INPUTS: dict[str, tuple[str, str]] = {
    "tags as a string": (
        "---\ntags: one, two three\n---\nBody\n",
        "content/bad.md:2: warning MB025",
    ),
    "scalar front matter": ("---\njust a string\n---\nBody\n", "content/bad.md:2: warning MB022"),
    "hostile slug": ("---\nslug: ../../etc/passwd\n---\nBody\n", "content/bad.md:2: warning MB026"),
    "absolute slug": ("---\nslug: /abs\n---\nBody\n", "content/bad.md:2: warning MB026"),
    "impossible date": ("---\ndate: 2024-02-30\n---\nBody\n", "content/bad.md:2: warning MB024"),
    "unknown key": ("---\ntittle: x\n---\nBody\n", "did you mean 'title'?"),
    "python tag": (
        "---\nx: !!python/object/apply:os.system ['id']\n---\nBody\n",
        "content/bad.md:2: warning MB021",
    ),
}


@pytest.mark.parametrize("name", sorted(MD_BAD_INPUTS))
def test_bad_markdown_inputs(
    name: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    data, expected = MD_BAD_INPUTS[name]
    site = make_site({"content/bad.md": data, "content/good.txt": GOOD})
    code, records, err = check(site, capsys)
    assert code == 1 and expected in err, err
    assert len(records) == 2
    bad = next(r for r in records if r["source"] != "content/good.txt:1")
    assert "/" not in str(bad["slug"]) and not str(bad["slug"]).startswith(".")


def test_tags_string_is_split(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/bad.md": "---\ntags: one, two three\n---\nBody\n"})
    _, records, _ = check(site, capsys)
    assert records[0]["tags"] == ["one", "two", "three"]


def test_two_megabyte_post(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    huge = ("word " * 400_000) + "#big\n"
    site = make_site({"content/huge.txt": huge + GOOD})
    code, records, err = check(site, capsys)
    assert code == 0, err
    by_source = {r["source"]: str(r["text"]) for r in records}
    assert sorted(by_source) == ["content/huge.txt:1", "content/huge.txt:2"]
    assert by_source["content/huge.txt:1"] == huge.rstrip()


def test_html_in_text_and_front_matter(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "content/a.txt": "<script>alert(1)</script> and <b>bold</b> #tag\n",
            "content/b.md": "---\ntitle: <script>x</script>\ntags: ['<img onerror=x>']\n---\n"
            "<script>alert(2)</script><a href='javascript:alert(3)'>x</a>"
            "<img src=x onerror=alert(4)>\n",
        }
    )
    _, records, _ = check(site, capsys)
    txt = next(r for r in records if str(r["source"]).endswith(".txt:1"))
    assert str(txt["text"]).startswith("<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in str(txt["html"])
    md = next(r for r in records if str(r["source"]).startswith("content/b.md"))
    html = str(md["html"])
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


@settings(deadline=None, max_examples=200)
@given(st.text(), st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_reading_arbitrary_text_never_raises(archive: str, markdown: str) -> None:
    config = _CONFIG
    items = list(parse_txt(archive, "content/a.txt", config))
    items += list(parse_markdown(markdown, "content/b.md", config))
    for item in items:
        assert isinstance(item, Post | Problem)
        if isinstance(item, Post):
            assert item.slug and "/" not in item.slug and item.slug not in (".", "..")


def _make_config() -> object:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    (folder / "site.yaml").write_text("title: T\nbase_url: https://example.org/sub/\n")
    return load_config(folder / "site.yaml")


_CONFIG = _make_config()


def test_markdown_line_starting_with_a_hashtag_is_not_a_heading(make_site: MakeSite) -> None:
    config = load_config(make_site() / "site.yaml")
    text = "#TIL a line that starts with a tag\n\n## A real heading\n"
    post = next(i for i in parse_markdown(text, "content/til.md", config) if isinstance(i, Post))
    assert [t.name for t in post.tags] == ["TIL"]
    assert '<p><a class="hashtag" href="/tags/til/">#TIL</a> a line' in page_html(post, config)
    assert "<h2>A real heading</h2>" in page_html(post, config)


def test_markdown_title_is_made_from_shown_words(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/a.md": "---\ndate: 2024-01-01\n---\nHello **world** and "
            "[a link](https://example.org). More.\n"
        }
    )
    assert (
        main(["build", "--config", str(site / "site.yaml"), "--output", str(tmp_path / "out")]) == 0
    )
    page = (tmp_path / "out/posts/a/index.html").read_text()
    assert "<title>Hello world and a link. · Test Site</title>" in page


@pytest.mark.parametrize(
    "body",
    ["[" * 5000, "* " * 3000, ">" * 3000 + " deep", "|a" * 20_000 + "|\n" + "|-" * 20_000],
    ids=["brackets", "stars", "quotes", "table"],
)
def test_markdown_that_markdown_cannot_take_is_shown_as_text(
    body: str, make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/bad.md": body, "content/good.txt": GOOD})
    code, records, err = check(site, capsys)
    assert "Traceback" not in err
    assert len(records) == 2
    bad = next(r for r in records if str(r["source"]).startswith("content/bad.md"))
    assert str(bad["text"]).strip() == body.strip()
    if "MB027" in err:
        assert code == 1 and "content/bad.md:1: warning MB027" in err


def test_a_reader_bug_costs_only_its_file(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from microblog import sources

    def broken(text: str, path: str, config: object) -> object:
        raise ValueError("boom")
        yield  # a generator, like the real readers

    monkeypatch.setitem(sources.READERS, ".md", broken)
    site = make_site({"content/bad.md": "x", "content/good.txt": GOOD})
    code, records, err = check(site, capsys)
    assert code == 1 and "content/bad.md: error MB039 internal error: ValueError: boom" in err
    assert texts(records) == ["A good post that must survive. #survivor"]


def test_a_new_post_never_takes_an_existing_posts_slug(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/2024/notes.md": "---\ndate: 2024-05-01\n---\nNewer notes\n"})
    (before,) = check(site, capsys)[1]
    (site / "content/2023").mkdir()
    (site / "content/2023/notes.md").write_text("---\ndate: 2025-01-01\n---\nAdded later\n")
    (site / "content/2024/draft.md").write_text("---\nslug: notes\ndraft: true\n---\nDraft\n")
    code, after, err = check(site, capsys)
    slugs = {r["text"]: r["slug"] for r in after}
    assert slugs["Newer notes"] == before["slug"] == "notes"
    assert slugs["Added later"].startswith("notes-") and slugs["Draft"].startswith("notes-")
    assert code == 1 and "warning MB050 slug 'notes' is already used" in err

"""The built site: pages, feeds, sub-path links, valid HTML, stable URLs, atomic output."""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest

from microblog.cli import main
from tests.conftest import SAMPLE_ARCHIVE, MakeSite, pinned_environment, write_site
from tests.support.crawl import crawl, serve_directory
from tests.support.htmlcheck import check_html_files, validate_with_html5lib
from tests.support.sitechecks import active_markup, without_site_markup

SAMPLE_TAGS = {
    "backend",
    "engineering",
    "systemdesign",
    "productioncode",
    "ai",
    "trading",
    "stocks",
    "educación",
}


def build(site: Path, output: Path, *extra: str) -> int:
    return main(["build", "--config", str(site / "site.yaml"), "--output", str(output), *extra])


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write_dated_sample(root: Path) -> Path:
    """The sample archive with `date:` front matter, under a GitHub Pages sub-path."""
    archive = "---\ndate: 2024-06-01T08:00:00+00:00\n---\n" + SAMPLE_ARCHIVE.read_text("utf-8")
    return write_site(
        root,
        {"content/archive.txt": archive},
        base_url="https://user.github.io/archive/",
        posts_per_page=5,
    )


@pytest.fixture
def dated_sample(tmp_path: Path) -> Path:
    """A fresh copy of the dated sample, for a test to change."""
    return write_dated_sample(tmp_path / "site")


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The dated sample built once, for the tests that only read the output; each of them
    must leave it as it is, which the end of the module checks."""
    root = tmp_path_factory.mktemp("built-sample")
    output = root / "out"
    with pinned_environment():
        assert build(write_dated_sample(root / "site"), output) == 0
    built = tree(output)
    yield output
    assert tree(output) == built, "a test changed the shared built sample"


def feeds_in(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("feed.xml"))
    yield from sorted(site.rglob("atom.xml"))


def test_sample_pages(built_sample: Path) -> None:
    posts = sorted(p.parent.name for p in (built_sample / "posts").glob("*/index.html"))
    assert len(posts) == 16
    tags = {p.name for p in (built_sample / "tags").iterdir() if p.is_dir()}
    assert tags == SAMPLE_TAGS
    for tag in tags:
        assert (built_sample / "tags" / tag / "index.html").is_file()
        assert (built_sample / "tags" / tag / "feed.xml").is_file()
        assert (built_sample / "tags" / tag / "atom.xml").is_file()
    assert (built_sample / "tags/backend/page/3/index.html").is_file()  # 14 posts, 5 a page
    assert (built_sample / "page/4/index.html").is_file()
    for name in (
        "index.html",
        "404.html",
        "archive/index.html",
        "tags/index.html",
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
        "style.css",
        "feed.xml",
        "atom.xml",
    ):
        assert (built_sample / name).is_file(), name
    assert not (built_sample / "CNAME").exists()
    robots = (built_sample / "robots.txt").read_text()
    assert "Sitemap: https://user.github.io/archive/sitemap.xml" in robots


def test_sitemap_lists_every_page(built_sample: Path) -> None:
    sitemap = (built_sample / "sitemap.xml").read_text("utf-8")
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = {p.relative_to(built_sample).as_posix() for p in built_sample.rglob("*.html")}
    pages.discard("404.html")
    expected = set()
    for page in pages:
        path = page.removesuffix("index.html")
        expected.add(path)
    found = set()
    for loc in locs:
        assert loc.isascii() and loc.startswith("https://user.github.io/archive/")
        from urllib.parse import unquote

        found.add(unquote(loc.removeprefix("https://user.github.io/archive/")))
    assert found == expected


def test_feeds_parse_and_carry_every_post(built_sample: Path) -> None:
    for path in feeds_in(built_sample):
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        guids = [entry.id for entry in parsed.entries]
        assert len(guids) == len(set(guids))
        for entry in parsed.entries:
            assert entry.id == entry.link
            assert entry.link.isascii() and entry.link.startswith(
                "https://user.github.io/archive/posts/"
            )
            assert entry.published_parsed is not None
            content = entry.content[0].value
            for url in re.findall(r'(?:href|src)="([^"]*)"', content):
                assert urlsplit(url).scheme in ("http", "https", "mailto"), (path, url)
                assert url.isascii()
    site_rss = feedparser.parse((built_sample / "feed.xml").read_bytes())
    assert len(site_rss.entries) == 16
    assert site_rss.feed.links[0].href.startswith("https://user.github.io/archive/")


def test_json_feeds_follow_json_feed_1_1_and_match_the_rss(built_sample: Path) -> None:
    """Each feed.json (the site's and every tag's): the version, its own public URL as
    feed_url, and the RSS feed's items, guids and dates, each item's page in the output."""
    base = "https://user.github.io/archive/"
    feeds = sorted(built_sample.rglob("feed.json"))
    assert len(feeds) == len(sorted(built_sample.rglob("feed.xml"))) > 1
    for path in feeds:
        feed = json.loads(path.read_bytes())
        relative = path.relative_to(built_sample).as_posix()
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert unquote(feed["feed_url"]) == base + relative
        assert feed["feed_url"].isascii() and feed["title"]
        assert unquote(feed["home_page_url"]).startswith(base)
        rss = feedparser.parse((path.parent / "feed.xml").read_bytes())
        assert [item["id"] for item in feed["items"]] == [entry.id for entry in rss.entries]
        for item, entry in zip(feed["items"], rss.entries, strict=True):
            assert item["url"] == item["id"] and item["url"].isascii()
            page = item["url"].removeprefix(base)
            assert (built_sample / unquote(page) / "index.html").is_file()
            published = datetime.fromisoformat(item["date_published"])
            assert published.astimezone(UTC).timetuple()[:6] == tuple(entry.published_parsed)[:6]
        encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
        rss_items = ElementTree.parse(path.parent / "feed.xml").getroot().iter("item")
        assert [item["content_html"] for item in feed["items"]] == [
            rss_item.findtext(encoded) for rss_item in rss_items
        ]
    home = (built_sample / "index.html").read_text("utf-8")
    assert '<link rel="alternate" type="application/feed+json"' in home
    assert 'href="/archive/feed.json"' in home
    tag_page = (built_sample / "tags/educación/index.html").read_text("utf-8")
    assert 'href="/archive/tags/educaci%C3%B3n/feed.json"' in tag_page


def test_rss_item_shape(built_sample: Path) -> None:
    rss = (built_sample / "feed.xml").read_text("utf-8")
    assert 'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in rss
    item = rss[rss.index("<item>") : rss.index("</item>")]
    assert item.index("<description>") < item.index("<content:encoded>")
    assert '<guid isPermaLink="true">' in item
    assert re.search(
        r"<pubDate>\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}</pubDate>", item
    )
    assert '<atom:link href="https://user.github.io/archive/feed.xml" rel="self"' in rss
    tag_rss = (built_sample / "tags/educación/feed.xml").read_text("utf-8")
    assert "https://user.github.io/archive/tags/educaci%C3%B3n/feed.xml" in tag_rss


def test_undated_posts_stay_out_of_feeds(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "content/a.txt": "Undated post #one\nAnother undated #two\n",
            "content/b.md": "---\ndate: 2024-01-02\n---\nDated #one\n",
        },
        dates_from_git="false",
    )
    assert build(site, tmp_path / "out") == 0
    out = capsys.readouterr().out
    assert "2 posts without a date" in out and "1 of 3 posts dated and in feeds" in out
    parsed = feedparser.parse((tmp_path / "out/feed.xml").read_bytes())
    assert [entry.title for entry in parsed.entries] == ["Dated"]
    archive = (tmp_path / "out/archive/index.html").read_text()
    assert "Undated" in archive
    assert "0001" not in (tmp_path / "out/feed.xml").read_text()


def test_site_works_under_a_sub_path(built_sample: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    shutil.copytree(built_sample, served)
    with serve_directory(served, "/archive/") as base:
        report = crawl(base)
    assert not report.broken, report.broken
    assert len(report.visited) > 40
    visited = " ".join(report.visited)
    assert "style.css" in visited and "feed.xml" in visited and "atom.xml" in visited


def test_root_site_has_root_links(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/a.md": "---\ndate: 2024-01-02\n---\nHello #one\n"})
    assert build(site, tmp_path / "out", "--base-url", "https://example.org") == 0
    home = (tmp_path / "out/index.html").read_text()
    assert 'href="/style.css"' in home and 'href="/tags/one/"' in home
    assert '<link rel="canonical" href="https://example.org/">' in home


@pytest.mark.slow  # the Nu Html Checker starts a JVM
def test_every_page_is_valid_html(built_sample: Path) -> None:
    pages = sorted(built_sample.rglob("*.html"))
    assert check_html_files(pages) == []
    for page in pages:
        assert validate_with_html5lib(page.read_text("utf-8")) == [], page


@pytest.mark.slow  # the Nu Html Checker starts a JVM
def test_hostile_text_is_escaped(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/evil.txt": "<script>alert(1)</script> <img src=x onerror=alert(2)> #<b>tag\n"
            'javascript:alert(3) "quoted" #ok\n',
            "content/evil.md": "---\ntitle: <script>alert(4)</script>\ntags: ['<img src=x "
            'onerror=alert(5)>\', "a\\"b"]\ndate: 2024-01-01\n---\n'
            '<a href="javascript:alert(6)" onclick="x()">link</a>\n'
            '<iframe src="https://evil"></iframe><svg onload=alert(7)>\n',
        },
        config='title: "<script>alert(8)</script>"\nbase_url: https://example.org/\n'
        'description: "\\"><img src=x onerror=alert(9)>"\nauthor: "</title><script>"\n'
        "date: 2024-01-01\n",
    )
    output = tmp_path / "out"
    assert build(site, output) == 0
    assert active_markup(output) == []
    for page in output.rglob("*.html"):
        text = without_site_markup(page.read_bytes()).decode("utf-8")
        assert "<script" not in text and "<iframe" not in text and "<svg" not in text
        assert 'href="javascript:' not in text.lower()
    assert check_html_files(sorted(output.rglob("*.html"))) == []
    post = next(p for p in (output / "posts").glob("script-*/index.html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in post.read_text()


def test_two_builds_are_byte_identical(dated_sample: Path, tmp_path: Path) -> None:
    assert build(dated_sample, tmp_path / "one") == 0
    assert build(dated_sample, tmp_path / "two") == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_adding_a_post_keeps_urls_and_guids(dated_sample: Path, tmp_path: Path) -> None:
    assert build(dated_sample, tmp_path / "before") == 0
    archive = dated_sample / "content" / "archive.txt"
    lines = archive.read_text("utf-8").split("\n")
    lines.insert(3, "A brand new first post. #Backend")
    archive.write_text("\n".join(lines) + "\nAnd one at the end. #new\n", "utf-8")
    (dated_sample / "content" / "note.md").write_text("---\ndate: 2024-07-01\n---\nNew note\n")
    assert build(dated_sample, tmp_path / "after") == 0

    def guids(site: Path) -> set[str]:
        return {e.id for e in feedparser.parse((site / "feed.xml").read_bytes()).entries}

    before_posts = {p.parent.name for p in (tmp_path / "before/posts").glob("*/index.html")}
    after_posts = {p.parent.name for p in (tmp_path / "after/posts").glob("*/index.html")}
    assert before_posts < after_posts and len(after_posts) == 19
    assert guids(tmp_path / "before") <= guids(tmp_path / "after") | set()
    for name in before_posts:
        old = (tmp_path / "before/posts" / name / "index.html").read_text()
        new = (tmp_path / "after/posts" / name / "index.html").read_text()
        assert _article(old) == _article(new)


def _article(html: str) -> str:
    return html[html.index('<div class="e-content" dir="auto">') : html.index("</article>")]


def test_failed_build_keeps_previous_output(
    dated_sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out"
    assert build(dated_sample, output) == 0
    before = tree(output)
    templates = dated_sample / "templates"
    templates.mkdir()
    (templates / "post.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n'
        "{{ post.nonexistent.deeper }}\n{% endblock %}\n"
    )
    assert build(dated_sample, output) == 1
    err = capsys.readouterr().err
    assert "post.html:3" in err and "template error" in err
    assert tree(output) == before
    (templates / "post.html").write_text("{% extends 'base.html' %}{% block content %}{% if %}")
    assert build(dated_sample, output) == 1
    assert "post.html:1" in capsys.readouterr().err
    assert tree(output) == before
    siblings = [p.name for p in tmp_path.iterdir()]
    assert not [name for name in siblings if "microblog-tmp" in name]


def test_site_templates_override_defaults(dated_sample: Path, tmp_path: Path) -> None:
    templates = dated_sample / "templates"
    templates.mkdir()
    (templates / "post.html").write_text(
        '{% extends "default/post.html" %}{% block title %}Custom: {{ super() }}{% endblock %}'
    )
    static = dated_sample / "static"
    static.mkdir()
    (static / "style.css").write_text("body { color: red; }\n")
    assert build(dated_sample, tmp_path / "out") == 0
    post = next((tmp_path / "out/posts").glob("*/index.html")).read_text()
    assert "<title>Custom: " in post
    assert (tmp_path / "out/style.css").read_text() == "body { color: red; }\n"


@pytest.mark.parametrize("where", [".", "content", "..", "/"])
def test_refuses_dangerous_output_folders(
    dated_sample: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = where if where == "/" else str(dated_sample / where)
    assert build(dated_sample, Path(target)) == 2
    assert "refusing" in capsys.readouterr().err
    assert (dated_sample / "content" / "archive.txt").is_file()


def test_refuses_to_replace_a_foreign_folder(dated_sample: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    assert build(dated_sample, foreign) == 2
    assert (foreign / "thesis.txt").read_text() == "precious"


def test_cname_and_metadata(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {"content/a.md": "---\ndate: 2024-01-02\nlang: es\n---\nHola #uno\n"},
        cname="blog.example.org",
        language="en-GB",
    )
    assert build(site, tmp_path / "out") == 0
    assert (tmp_path / "out/CNAME").read_text() == "blog.example.org\n"
    page = next((tmp_path / "out/posts").glob("*/index.html")).read_text()
    assert '<html lang="en-GB" dir="ltr">' in page
    assert '<article class="post h-entry" lang="es" dir="ltr" data-pagefind-body>' in page
    for needle in (
        '<meta name="description" content="Hola">',
        '<link rel="canonical" href="https://example.org/posts/',
        '<meta property="og:type" content="article">',
        '<meta property="og:title" content="Hola">',
        '<meta property="og:url" content="https://example.org/posts/',
        'type="application/rss+xml"',
        'type="application/atom+xml"',
    ):
        assert needle in page


def test_refuses_a_folder_that_only_looks_like_a_site(dated_sample: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "404.html").write_text("hand-made")
    (docs / ".nojekyll").write_text("")
    (docs / "handwritten.md").write_text("precious")
    assert build(dated_sample, docs) == 2
    assert (docs / "handwritten.md").read_text() == "precious"


def test_rebuild_replaces_its_own_output(dated_sample: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert build(dated_sample, output) == 0
    assert (output / ".microblog-output").is_file()
    (output / "stale.html").write_text("left from an old build")
    assert build(dated_sample, output) == 0
    assert not (output / "stale.html").exists()


def test_failed_swap_puts_the_old_site_back(
    dated_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microblog.output import DirectorySink

    output = tmp_path / "out"
    assert build(dated_sample, output) == 0
    before = tree(output)
    real_rename = Path.rename

    def failing_rename(self: Path, target: Path) -> Path:  # the new tree cannot be moved in
        if self.name == "new":
            raise OSError("simulated failure")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    sink = DirectorySink(output)
    sink.write("index.html", b"new")
    with pytest.raises(OSError):
        sink.commit()
    sink.discard()
    monkeypatch.undo()
    assert tree(output) == before


def test_a_copy_that_breaks_leaves_no_partial_file(tmp_path: Path) -> None:
    from microblog.output import DirectorySink

    class Breaking(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= 4096:
                raise OSError("the source broke")
            return super().read(min(size or 4096, 4096) if size and size > 0 else 4096)

    sink = DirectorySink(tmp_path / "out")
    with pytest.raises(OSError, match="broke"):
        sink.copy("media/big.png", Breaking(b"x" * 100_000))
    sink.copy("media/small.png", io.BytesIO(b"small"))
    sink.commit()
    assert sorted(p.name for p in (tmp_path / "out" / "media").iterdir()) == ["small.png"]


def test_relative_urls_in_posts_work_everywhere(make_site: MakeSite, tmp_path: Path) -> None:
    png = (Path(__file__).parents[1] / "golden/small/static/images/pixel.png").read_bytes()
    site = make_site(
        {
            "content/pic.md": "---\ndate: 2024-02-01\n---\n![a pixel](images/x.png) "
            "![again](/images/x.png) [the other post](/posts/other/) "
            "[accented](https://bücher.example/ü) #Bilder\n",
            "content/other.md": "---\ndate: 2024-01-01\n---\nThe other post.\n",
            "static/images/x.png": png,
        },
        base_url="https://user.github.io/archive/",
    )
    output = tmp_path / "out"
    assert build(site, output) == 0
    with serve_directory(output, "/archive/") as base:
        report = crawl(base)
    assert not report.broken, report.broken
    assert any(url.endswith("/archive/images/x.png") for url in report.visited)
    for path in feeds_in(output):
        text = path.read_text("utf-8")
        for url in re.findall(
            r'(?:href|src)="([^"]*)"',
            feedparser.parse(text).entries[0].content[0].value
            if feedparser.parse(text).entries
            else "",
        ):
            assert url.isascii() and urlsplit(url).scheme in ("http", "https"), (path, url)
    rss = (output / "feed.xml").read_text("utf-8")
    assert "https://user.github.io/archive/images/x.png" in rss
    assert "https://xn--bcher-kva.example/%C3%BC" in rss


def test_atom_feed_has_an_author_without_one_in_site_yaml(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({"content/a.md": "---\ndate: 2024-01-02\n---\n# A heading\n\nText\n"})
    assert build(site, tmp_path / "out") == 0
    atom = (tmp_path / "out/atom.xml").read_text()
    assert "<author>\n    <name>Test Site</name>" in atom
    page = (tmp_path / "out/posts/a/index.html").read_text()
    assert "<h1>A heading</h1>" in page


def test_memory_sink_builds_the_same_site(dated_sample: Path, tmp_path: Path) -> None:
    from microblog.config import load_config
    from microblog.output import MemorySink
    from microblog.pipeline import build_site

    assert build(dated_sample, tmp_path / "out") == 0
    sink = MemorySink()
    build_site(load_config(dated_sample / "site.yaml"), sink, source_date_epoch=1700000000)
    on_disk = tree(tmp_path / "out")
    on_disk.pop(".microblog-output")
    assert sink.files == on_disk


def test_feeds_without_full_content_carry_summaries(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {"content/a.md": "---\ndate: 2024-01-02\n---\nA *short* post <b>& more</b>.\n"},
        config="title: T\nbase_url: https://example.org/\nfeed:\n  full_content: false\n",
    )
    assert build(site, tmp_path / "out") == 0
    rss = feedparser.parse((tmp_path / "out/feed.xml").read_bytes())
    atom = feedparser.parse((tmp_path / "out/atom.xml").read_bytes())
    assert rss.bozo == 0 and atom.bozo == 0
    assert "content" not in rss.entries[0] and "content" not in atom.entries[0]
    assert rss.entries[0].summary == "A short post &amp; more."  # RSS descriptions are HTML
    assert atom.entries[0].summary == "A short post & more."  # Atom summaries are text


def test_rebuild_reuses_unchanged_files_and_rewrites_changed_ones(
    dated_sample: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out"
    assert build(dated_sample, output) == 0
    css_inode = (output / "style.css").stat().st_ino
    home = (output / "index.html").read_bytes()
    (dated_sample / "site.yaml").write_text(
        (dated_sample / "site.yaml").read_text() + "description: Changed\n"
    )
    assert build(dated_sample, output) == 0
    assert (output / "style.css").stat().st_ino == css_inode  # the same file, linked
    assert (output / "index.html").read_bytes() != home
    assert b"Changed" in (output / "index.html").read_bytes()
    assert (output / "style.css").stat().st_nlink == 1  # the old tree is gone


def test_rebuild_never_links_through_a_planted_symlink(dated_sample: Path, tmp_path: Path) -> None:
    output = tmp_path / "out"
    assert build(dated_sample, output) == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "style.css").write_bytes((output / "style.css").read_bytes())
    (output / "style.css").unlink()
    (output / "style.css").symlink_to(outside / "style.css")
    assert build(dated_sample, output) == 0
    assert not (output / "style.css").is_symlink()
    assert (output / "style.css").stat().st_ino != (outside / "style.css").stat().st_ino

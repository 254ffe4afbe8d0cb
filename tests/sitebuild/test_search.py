"""Search (issue: search that works on GitHub Pages with no server): a Pagefind index of the
post pages only, a search page that works under a sub-path and says what to do without
JavaScript, and the build's guarantees (atomic, reproducible, incremental = clean) kept.

A browser drives the page in the design engineers' Playwright tests; here the index is read
as Pagefind wrote it: each `pagefind/fragment/*.pf_fragment` is gzip'd `pagefind_dcd` + the
JSON of one indexed page (its url, text, filters and meta)."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from microblog.search_canonical import SIGNATURE, canonical_bundle
from tests.conftest import REPO, MakeSite
from tests.sitebuild.test_buildcache import build, clean_build_of, edit_post, new_site
from tests.support.htmlcheck import check_html_files, validate_with_html5lib
from tests.support.sitechecks import tree_digest

POSTS = {
    "content/alpha.md": "---\ntitle: Alpha\ndate: 2024-05-01T10:00:00Z\n---\n"
    "Zebracorn sightings near the data centre #Wildlife #Ops\n",
    "content/beta.md": "---\ndate: 2024-05-02T10:00:00Z\ntags: [Kubernetes]\n---\n"
    "Queues hide lag #Ops\n",
    "content/hidden.md": "---\ndate: 2024-05-03T10:00:00Z\ndraft: true\n---\n"
    "Unpublishedsecretword in a draft #Ops\n",
}
SUB_PATH = "https://user.github.io/archive/"


def indexed(output: Path) -> dict[str, dict[str, Any]]:
    """{url: fragment} for every page in the output's search index."""
    found = {}
    for file in sorted((output / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(file.read_bytes())
        assert data.startswith(SIGNATURE)
        fragment = json.loads(data[len(SIGNATURE) :])
        found[fragment["url"]] = fragment
    return found


def run(
    site: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), *args, "--config", str(site / "site.yaml")]
    return subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=300, env=env
    )


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """POSTS built under a sub-path; the output folder."""
    from tests.conftest import write_site

    root = tmp_path_factory.mktemp("searched")
    site = write_site(root / "site", POSTS, base_url=SUB_PATH, dates_from_git="false")
    done = run(site, "build", "--output", str(root / "out"))
    assert done.returncode == 0, done.stderr
    assert ", a search index of 2 posts to " in done.stdout  # the build says what it indexed
    return root / "out"


def test_only_published_post_pages_are_indexed(searched: Path) -> None:
    pages = indexed(searched)
    assert sorted(pages) == ["/posts/alpha/", "/posts/beta/"]  # no list, tag or archive page
    every_text = json.dumps(pages)
    assert "Unpublishedsecretword" not in every_text  # the draft
    for file in (searched / "pagefind").rglob("*"):
        if file.is_file() and file.suffix.startswith(".pf_"):
            assert b"Unpublishedsecretword" not in gzip.decompress(file.read_bytes())
    alpha = pages["/posts/alpha/"]
    assert alpha["meta"]["title"] == "Alpha"
    assert sorted(alpha["filters"]["tag"]) == ["#Ops", "#Wildlife"]
    assert "Zebracorn sightings" in alpha["content"]
    assert "Skip to content" not in alpha["content"]  # only the post's own article
    # a tag from front matter is a word search finds; one written in the text is not repeated
    beta = pages["/posts/beta/"]
    assert sorted(beta["filters"]["tag"]) == ["#Kubernetes", "#Ops"]
    assert beta["content"].count("#Kubernetes") == 1 and beta["content"].count("#Ops") == 1
    assert alpha["content"].count("#Wildlife") == 1
    entry = json.loads((searched / "pagefind" / "pagefind-entry.json").read_bytes())
    assert entry["languages"]["en"]["page_count"] == 2


def test_the_search_page_works_under_a_sub_path_and_without_javascript(searched: Path) -> None:
    page = (searched / "search" / "index.html").read_text("utf-8")
    # the no-JavaScript way: the archive and the tags page
    assert 'id="search-fallback"' in page
    assert '<a href="/archive/archive/">archive</a>' in page
    assert '<a href="/archive/tags/">tags page</a>' in page
    # the hooks the browser tests drive (search.js adds #search-input and #search-tag,
    # each with its label, to #search-form)
    assert '<div class="search-form" id="search-form" role="search"></div>' in page
    assert '<ol class="search-results" id="search-results">' in page
    script = (searched / "search" / "search.js").read_text("utf-8")
    assert 'field("input", "search-input", "q", "Words to find")' in script
    assert 'input.type = "search"' in script
    assert 'data-bundle="/archive/pagefind/" data-base-url="/archive/"' in page
    assert '<script src="/archive/search/search.js" defer></script>' in page
    assert re.search(r"\son[a-z]+=", page) is None  # no inline event handlers
    assert "<script>" not in page  # no inline script
    assert (searched / "search" / "search.js").is_file()
    assert (searched / "pagefind" / "pagefind.js").is_file()
    home = (searched / "index.html").read_text("utf-8")
    assert '<a href="/archive/search/">Search</a>' in home
    sitemap = (searched / "sitemap.xml").read_text("utf-8")
    assert "https://user.github.io/archive/search/" in sitemap and "pagefind" not in sitemap


@pytest.mark.slow  # the Nu Html Checker starts a JVM
def test_search_and_post_pages_are_valid_html(searched: Path) -> None:
    pages = [searched / "search" / "index.html", searched / "posts" / "alpha" / "index.html"]
    assert check_html_files(pages) == []
    for page in pages:
        assert validate_with_html5lib(page.read_text("utf-8")) == [], page


def test_search_false_makes_no_index_no_page_and_no_link(make_site: MakeSite) -> None:
    site = make_site(POSTS, search="false", dates_from_git="false")
    output = site.parent / "out"
    done = run(site, "build", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert "search index" not in done.stdout
    assert not (output / "pagefind").exists()
    assert not (output / "search").exists()
    for page in output.rglob("*.html"):
        html = page.read_text("utf-8")
        assert "pagefind" not in html and ">Search</a>" not in html, page


def test_redirect_and_removed_pages_are_not_indexed(make_site: MakeSite) -> None:
    site = make_site(POSTS, dates_from_git="false")
    assert run(site, "lock").returncode == 0
    alpha = site / "content" / "alpha.md"
    alpha.write_text(alpha.read_text("utf-8").replace("title: Alpha", "title: Alpha\nslug: moved"))
    (site / "content" / "beta.md").unlink()
    done = run(site, "build", "--output", str(site / "_site"))
    assert done.returncode == 0, done.stderr
    output = site / "_site"
    redirect = (output / "posts" / "alpha" / "index.html").read_text("utf-8")
    assert "/posts/moved/" in redirect  # the old address moved
    assert "removed" in (output / "posts" / "beta" / "index.html").read_text("utf-8")
    assert sorted(indexed(output)) == ["/posts/moved/"]


def test_a_failing_indexer_keeps_the_old_site(make_site: MakeSite) -> None:
    site = make_site(POSTS, dates_from_git="false")
    output = site.parent / "out"
    assert run(site, "build", "--output", str(output)).returncode == 0
    before = tree_digest(output)
    (site / "content" / "gamma.md").write_text("---\ndate: 2024-06-01\n---\nNew\n", "utf-8")
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(site / "no-such-pagefind")}
    done = run(site, "build", "--output", str(output), env=env)
    assert done.returncode == 1
    assert "error MB073 search index cannot be made" in done.stderr
    assert tree_digest(output) == before
    assert [p.name for p in output.parent.iterdir() if "microblog-tmp" in p.name] == []


def test_an_edit_rebuilds_the_index_as_a_clean_build_makes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    index_files = {p: p.stat().st_ino for p in (output / "pagefind").rglob("*") if p.is_file()}
    (site / "static").mkdir()
    (site / "static" / "extra.txt").write_text("not a page\n", "utf-8")
    build(site, output, capsys)  # no indexed page changed: the index is kept as it was
    assert {p: p.stat().st_ino for p in index_files} == index_files
    edit_post(site, 3)
    build(site, output, capsys)
    assert "Edited 3." in json.dumps(indexed(output))  # the edit is searchable
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_a_static_file_in_the_index_folder_is_not_copied_in_place_or_clean(
    make_site: MakeSite,
) -> None:
    site = make_site(POSTS, dates_from_git="false")
    (site / "static" / "pagefind").mkdir(parents=True)
    custom = site / "static" / "pagefind" / "custom.css"
    custom.write_text("v1\n", "utf-8")
    output, clean = site.parent / "out", site.parent / "clean"
    for text in ("v1\n", "v2\n"):  # the second build updates the first in place
        custom.write_text(text, "utf-8")
        done = run(site, "build", "--output", str(output))
        assert done.returncode == 0, done.stderr
        assert "static/pagefind/custom.css: warning MB081" in done.stderr, done.stderr
        assert "the search index's folder" in done.stderr
        assert not (output / "pagefind" / "custom.css").exists()
    assert run(site, "build", "--clean", "--output", str(clean)).returncode == 0
    assert tree_digest(output) == tree_digest(clean)


def test_a_content_warning_travels_with_the_post_into_the_index(make_site: MakeSite) -> None:
    warned = "---\ndate: 2024-05-04T10:00:00Z\nwarning: film ending, spoilers\n---\n"
    site = make_site({**POSTS, "content/warned.md": warned + "The hero dies at the end.\n"})
    output = site.parent / "out"
    assert run(site, "build", "--output", str(output)).returncode == 0
    fragment = indexed(output)["/posts/warned/"]
    # search.js folds the excerpt of a post with a warning under it, as the post page does
    assert fragment["meta"]["warning"] == "film ending, spoilers"
    assert "The hero dies" in fragment["content"]  # the text is still found
    assert "warning" not in indexed(output)["/posts/beta/"]["meta"]


def test_filter_order_does_not_change_the_bytes() -> None:
    """Pagefind writes a filter's values in hash-map order: sorted, both orders give one file."""

    def text(value: str) -> bytes:
        return bytes([0x60 + len(value)]) + value.encode()

    def bundle(values: list[str]) -> dict[str, bytes]:
        entries = b"".join(b"\x82" + text(v) + b"\x81\x00" for v in values)
        data = SIGNATURE + b"\x82" + text("tag") + bytes([0x80 + len(values)]) + entries
        meta = SIGNATURE + b"\x81" + text("en_0123456")
        return {
            "filter/en_0123456.pf_filter": gzip.compress(data),
            "pagefind.en_abcdef0123.pf_meta": gzip.compress(meta),
            "pagefind-entry.json": b'{"languages":{"en":{"hash":"en_abcdef0123"}}}',
        }

    one, other = (
        canonical_bundle(bundle(["#a", "#b", "#c"])),
        canonical_bundle(bundle(["#c", "#a", "#b"])),
    )
    assert one == other
    assert "filter/en_0123456.pf_filter" not in one  # renamed by its new bytes
    (filter_name,) = [name for name in one if name.startswith("filter/")]
    meta_name = next(name for name in one if name.endswith(".pf_meta"))
    assert filter_name[len("filter/") : -len(".pf_filter")].encode() in gzip.decompress(
        one[meta_name]
    )
    assert meta_name[len("pagefind.") : -len(".pf_meta")].encode() in one["pagefind-entry.json"]
    odd = {"filter/en_0123456.pf_filter": b"not gzip", "pagefind-entry.json": b"{}"}
    assert canonical_bundle(odd) == odd  # an unknown shape is left as Pagefind wrote it


def test_a_site_without_posts_builds_with_no_index(make_site: MakeSite) -> None:
    site = make_site({"content/hidden.md": POSTS["content/hidden.md"]}, dates_from_git="false")
    output = site.parent / "out"
    done = run(site, "build", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert "search index" not in done.stdout
    assert not (output / "pagefind").exists()  # Pagefind makes no index of nothing
    assert 'id="search-fallback"' in (output / "search" / "index.html").read_text("utf-8")
    assert run(site, "build", "--output", str(output)).returncode == 0  # and again, cached


def test_posts_without_a_word_build_with_no_index(make_site: MakeSite) -> None:
    """Found by test_random_sites: Pagefind refuses to index pages with no words at all."""
    site = make_site({"content/a.md": "", "content/b.md": b"\xd2>"}, dates_from_git="false")
    output = site.parent / "out"
    done = run(site, "build", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert "search index" not in done.stdout
    assert not (output / "pagefind").exists()

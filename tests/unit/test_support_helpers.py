"""The test helpers in tests/support must catch what they claim to, on tiny hand-made sites."""

from __future__ import annotations

import os
import urllib.error
from pathlib import Path

import pytest

from tests.support import htmlcheck
from tests.support.crawl import crawl, open_local, serve_directory
from tests.support.htmlcheck import (
    check_html_files,
    require_vnu,
    validate_with_html5lib,
    validate_with_vnu,
)
from tests.support.sitechecks import (
    active_markup,
    broken_internal_links,
    diff_snapshots,
    internal_links,
    snapshot_tree,
)

CLEAN_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Archive</title>
<link rel="stylesheet" href="/archive/static/style.css">
<link rel="alternate" type="application/rss+xml" href="feed.xml">
<link rel="canonical" href="https://example.invalid/archive/">
<script type="application/ld+json">{"@type": "WebSite", "name": "a \\u003c/script"}</script>
</head>
<body>
<p>Say <code>&lt;script&gt;</code> and <a href="posts/first/">read on</a>
or <a href="https://example.invalid/elsewhere">elsewhere</a>
or <a href="mailto:me@example.invalid">mail</a>.</p>
<img src="static/logo.png" alt="logo" srcset="static/logo.png 1x, static/logo.png 2x">
</body>
</html>
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{body}</body></html>'


def make_clean_site(root: Path) -> Path:
    write(root, "index.html", CLEAN_PAGE)
    write(root, "posts/first/index.html", page('<p><a href="../../">home</a></p>'))
    write(root, "static/style.css", 'body { background: url("logo.png"); }')
    (root / "static/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write(root, "feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    return root


# active_markup


def test_clean_site_has_no_active_markup(tmp_path: Path) -> None:
    assert active_markup(make_clean_site(tmp_path)) == []


def test_event_handler_on_img_is_flagged(tmp_path: Path) -> None:
    write(tmp_path, "index.html", page('<img src="x.png" alt="" onerror="alert(1)">'))
    [violation] = active_markup(tmp_path)
    assert violation.startswith("index.html: ")
    assert "onerror" in violation


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "java&#x0A;script:alert(1)",
        "&#x01;javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
    ],
)
def test_script_urls_in_href_are_flagged(tmp_path: Path, href: str) -> None:
    write(tmp_path, "index.html", page(f'<a href="{href}">x</a>'))
    [violation] = active_markup(tmp_path)
    assert "URL in href=" in violation


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        '<script src="/app.js"></script>',
        "<svg><script>alert(1)</script></svg>",
        "<!--> <img src=x onerror=alert(1)> -->",
        "<img/onerror=alert(1)>",
        '<img srcset="ok.png 1x, javascript:alert(1) 2x" alt="">',
        '<form><button formaction="javascript:alert(1)">go</button></form>',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<meta http-equiv="refresh" content="0; url=javascript:alert(1)">',
        '<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>',
    ],
)
def test_hostile_markup_is_flagged(tmp_path: Path, markup: str) -> None:
    write(tmp_path, "page.html", page(markup))
    assert active_markup(tmp_path)


def test_the_sites_own_script_is_allowed(tmp_path: Path) -> None:
    write(tmp_path, "index.html", page('<script src="/blog/on-this-day.js" defer></script>'))
    assert active_markup(tmp_path) == []


@pytest.mark.parametrize(
    "markup",
    [
        '<script src="/on-this-day.js">alert(1)</script>',
        '<script src="https://evil.example/on-this-day.js" defer></script>',
        '<script src="//evil.example/on-this-day.js" defer></script>',
        '<script src="/on-this-day.js?x" defer></script>',
        '<script src="/on-this-day.js" defer onload="alert(1)"></script>',
        '<script src="on-this-day.js" defer></script>',
    ],
)
def test_a_script_that_only_looks_like_the_sites_is_flagged(tmp_path: Path, markup: str) -> None:
    write(tmp_path, "index.html", page(markup))
    assert active_markup(tmp_path)


def test_raw_script_end_inside_inline_json_is_flagged(tmp_path: Path) -> None:
    json_ld = '<script type="application/ld+json">{"name": "</script><b>x</b>"}</script>'
    write(tmp_path, "index.html", page(json_ld))
    assert any("does not parse" in violation for violation in active_markup(tmp_path))


def test_html_inside_feed_content_is_checked(tmp_path: Path) -> None:
    rss = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<item><title>Say &lt;script&gt;</title><link>https://example.invalid/a/</link>
<description>&lt;p&gt;fine&lt;/p&gt;</description>
<content:encoded><![CDATA[<p><img src="x" onerror="alert(1)"></p>]]></content:encoded>
</item></channel></rss>"""
    write(tmp_path, "feed.xml", rss)
    [violation] = active_markup(tmp_path)
    assert violation.startswith("feed.xml: in the HTML of <encoded>")
    assert "onerror" in violation


def test_atom_text_content_is_not_parsed_as_html(tmp_path: Path) -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><entry>
<title type="text">about &lt;script&gt; tags</title>
<content type="text">I wrote &lt;script&gt;alert(1)&lt;/script&gt; in a post.</content>
<summary type="html">&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</summary>
<link href="https://example.invalid/a/"/>
</entry></feed>"""
    write(tmp_path, "atom.xml", atom)
    [violation] = active_markup(tmp_path)
    assert "in the HTML of <summary>" in violation


def test_json_feed_html_and_urls_are_checked(tmp_path: Path) -> None:
    feed = (
        '{"items": [{"content_html": "<p onclick=\\"x()\\">hi</p>",'
        ' "url": "javascript:alert(1)", "content_text": "javascript: the good parts"}]}'
    )
    write(tmp_path, "feed.json", feed)
    violations = active_markup(tmp_path)
    assert len(violations) == 2
    assert any("onclick" in violation for violation in violations)
    assert any("$.items[0].url" in violation for violation in violations)


# snapshot_tree / diff_snapshots


def test_snapshot_diff_reports_created_changed_and_deleted(tmp_path: Path) -> None:
    write(tmp_path, "keep.txt", "same")
    write(tmp_path, "edit.txt", "before")
    write(tmp_path, "gone/old.txt", "bye")
    write(tmp_path, "_site/index.html", "old output")
    before = snapshot_tree(tmp_path, exclude=[Path("_site")])

    write(tmp_path, "edit.txt", "after, and longer")
    (tmp_path / "gone/old.txt").unlink()
    (tmp_path / "gone").rmdir()
    write(tmp_path, "new.txt", "hello")
    (tmp_path / "link").symlink_to("keep.txt")
    write(tmp_path, "_site/index.html", "new output")  # excluded: may change freely
    after = snapshot_tree(tmp_path, exclude=[tmp_path / "_site"])

    changes = diff_snapshots(before, after)
    # The mtime may or may not tick within a test's few microseconds; size and hash always do.
    changes[0] = changes[0].replace("mtime_ns, ", "")
    assert changes == [
        "changed: edit.txt (size, sha256)",
        "deleted: gone (dir)",
        "deleted: gone/old.txt (file)",
        "created: link (symlink)",
        "created: new.txt (file)",
    ]
    assert after["link"][4] == "keep.txt"


def test_snapshot_diff_catches_a_touch_and_ignores_folder_mtimes(tmp_path: Path) -> None:
    write(tmp_path, "sub/a.txt", "a")
    before = snapshot_tree(tmp_path, exclude=[])
    os.utime(tmp_path / "sub/a.txt", ns=(1, 1))
    os.utime(tmp_path / "sub", ns=(1, 1))
    after = snapshot_tree(tmp_path, exclude=[])
    assert diff_snapshots(before, after) == ["changed: sub/a.txt (mtime_ns)"]
    assert "changed: sub (mtime_ns)" in diff_snapshots(before, after, compare_dir_mtimes=True)


# internal_links / broken_internal_links


def test_internal_links_resolve_against_the_base_path(tmp_path: Path) -> None:
    make_clean_site(tmp_path)
    assert internal_links(tmp_path, "/archive/") == [
        "/archive/",
        "/archive/feed.xml",
        "/archive/posts/first/",
        "/archive/static/logo.png",
        "/archive/static/style.css",
    ]
    assert broken_internal_links(tmp_path, "/archive") == []


def test_broken_internal_links_finds_missing_files_and_escapes(tmp_path: Path) -> None:
    write(tmp_path, "index.html", page('<a href="/posts/x/">x</a> <a href="missing/">m</a>'))
    assert broken_internal_links(tmp_path, "/archive/") == [
        "index.html: '/posts/x/' -> /posts/x/ is outside /archive/",
        "index.html: 'missing/' -> /archive/missing/ has no file",
    ]


# serve_directory / crawl


def status_of(url: str) -> int:
    try:
        with open_local(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_served_site_behaves_like_a_static_host(tmp_path: Path) -> None:
    make_clean_site(tmp_path)
    with serve_directory(tmp_path, "/archive/") as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/archive/")
        origin = base[: -len("archive/")]
        assert status_of(base) == 200
        assert status_of(base + "posts/first/") == 200
        assert status_of(origin + "index.html") == 404  # outside the mount
        assert status_of(base + "posts/") == 404  # no folder listings
        with open_local(base + "posts/first", timeout=5) as response:
            assert response.geturl() == base + "posts/first/"
    with pytest.raises(urllib.error.URLError):
        open_local(base, timeout=5)  # the server is gone


def test_crawl_passes_a_good_site_under_a_base_path(tmp_path: Path) -> None:
    make_clean_site(tmp_path)
    with serve_directory(tmp_path, "/archive/") as base:
        report = crawl(base)
    assert report.ok, [str(link) for link in report.broken]
    assert sorted(url.removeprefix(base) for url in report.visited) == [
        "",
        "feed.xml",
        "posts/first/",
        "static/logo.png",
        "static/style.css",
    ]
    assert "https://example.invalid/elsewhere" in report.external
    assert "mailto:me@example.invalid" in report.external


def test_crawl_reports_broken_links_and_where_they_were_found(tmp_path: Path) -> None:
    make_clean_site(tmp_path)
    write(tmp_path, "posts/first/index.html", page('<a href="/posts/second/">next</a>'))
    write(tmp_path, "posts/first/gone.html", "unreachable")
    write(tmp_path, "about/index.html", page('<img src="missing.png" alt="">'))
    write(tmp_path, "index.html", CLEAN_PAGE.replace("</body>", '<a href="about">a</a></body>'))
    with serve_directory(tmp_path, "/archive") as base:
        report = crawl(base)
    origin = base.removesuffix("archive/")
    broken = {(link.url, link.status, link.found_on) for link in report.broken}
    assert broken == {
        (origin + "posts/second/", 404, base + "posts/first/"),
        (base + "about/missing.png", 404, base + "about/"),
    }
    assert report.redirects == {base + "about": base + "about/"}


# htmlcheck


def test_html5lib_finds_misnested_markup() -> None:
    errors = validate_with_html5lib(page("<p><div></p>"))
    assert any("unexpected-end-tag" in error for error in errors)
    assert validate_with_html5lib(page("<p>fine</p>")) == []


def test_vnu_finds_misnested_markup_and_skips_feeds(tmp_path: Path) -> None:
    require_vnu()
    bad = write(tmp_path, "bad page.html", page("<p><div></p>"))
    good = write(tmp_path, "good.html", page("<p>fine</p>"))
    feed = write(tmp_path, "feed.xml", "<rss><p><div></p></rss>")
    errors = validate_with_vnu([bad, good, feed, tmp_path / "missing.html"])
    assert errors
    missing = tmp_path / "missing.html"
    assert all(error.startswith((f"{bad}:1: ", f"{missing}: ")) for error in errors)
    assert any("No 'p' element in scope" in error for error in errors)
    assert any("does not exist" in error for error in errors)


def test_check_html_files_uses_whichever_checker_exists(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.html", page("<p><div></p>"))
    good = write(tmp_path, "good.html", page("<p>fine</p>"))
    assert check_html_files([good]) == []
    errors = check_html_files([bad, good])
    assert errors
    assert all(error.startswith(f"{bad}:") for error in errors)


def test_require_vnu_skips_locally_but_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(htmlcheck, "VNU_JAR", tmp_path / "no-such.jar")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_vnu()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_vnu()

"""The preview server without a server: request paths, the WSGI app, watching, rebuilding."""

from __future__ import annotations

import os
from collections.abc import Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import microblog.serve as serve_module
from microblog.config import load_config
from microblog.preview import (
    BuildReport,
    Preview,
    PreviewState,
    changed_files,
    snapshot_files,
)
from microblog.serve import (
    RELOAD_SCRIPT,
    Route,
    error_page,
    inject_script,
    locate_file,
    make_wsgi_app,
    resolve_request,
)
from tests.conftest import MakeSite

POST = "---\ndate: 2024-05-01T10:00:00+02:00\n---\nHello from the preview #Preview\n"
BROKEN = '{% extends "default/post.html" %}\n{% block content %}{% if %}{% endblock %}\n'


# -- resolve_request: pure ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/archive/", Route(HTTPStatus.OK, (), directory=True)),
        ("/archive/posts/first/", Route(HTTPStatus.OK, ("posts", "first"), directory=True)),
        ("/archive/posts/first", Route(HTTPStatus.OK, ("posts", "first"))),
        ("/archive/style.css", Route(HTTPStatus.OK, ("style.css",))),
        ("/archive//tags//x/", Route(HTTPStatus.OK, ("tags", "x"), directory=True)),
        ("/archive/tags/educación/", Route(HTTPStatus.OK, ("tags", "educación"), directory=True)),
        ("/", Route(HTTPStatus.MOVED_PERMANENTLY, location="/archive/")),
        ("/archive", Route(HTTPStatus.MOVED_PERMANENTLY, location="/archive/")),
        ("/other/", Route(HTTPStatus.NOT_FOUND)),
        ("/archived/", Route(HTTPStatus.NOT_FOUND)),
    ],
)
def test_resolve_request_maps_paths_under_the_base_path(path: str, expected: Route) -> None:
    assert resolve_request("/archive/", path) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/archive/../secret.txt",
        "/archive/posts/../../secret.txt",
        "/../secret.txt",
        "/archive/./index.html",
        "/archive/..",
        "/archive/..\\secret.txt",
        "/archive/posts\\..\\..\\secret.txt",
        "/archive/C:/secret.txt",
        "/archive/c:secret.txt",
        "/archive/index.html\x00.css",
    ],
)
def test_resolve_request_refuses_traversal(path: str) -> None:
    assert resolve_request("/archive/", path).status == HTTPStatus.FORBIDDEN
    assert resolve_request("/", path).status == HTTPStatus.FORBIDDEN


@given(st.lists(st.sampled_from(["a", "..", ".", "", "b", "\\", "%2e", "é"]), max_size=8))
def test_resolve_request_never_leaves_the_output_folder(segments: list[str]) -> None:
    route = resolve_request("/", "/" + "/".join(segments))
    if route.status == HTTPStatus.OK:
        assert all(part not in ("", ".", "..") and "\\" not in part for part in route.parts)


# -- locate_file: the file system -----------------------------------------------------------


@pytest.fixture
def output(tmp_path: Path) -> Path:
    root = tmp_path / "out"
    (root / "posts" / "first").mkdir(parents=True)
    (root / "index.html").write_text("<html><head></head><body>home</body></html>")
    (root / "posts" / "first" / "index.html").write_text("<html><head></head>first</html>")
    (root / "404.html").write_text("<html><head><title>Not here</title></head></html>")
    (root / "style.css").write_text("body { color: black }")
    (root / "feed.xml").write_text("<rss></rss>")
    (root / "tags" / "educación").mkdir(parents=True)
    (root / "tags" / "educación" / "index.html").write_text("<head></head>educación")
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    return root


def test_locate_file_serves_index_pages_and_redirects_folders(output: Path) -> None:
    folder = locate_file(output, resolve_request("/", "/posts/first/"), "/posts/first/")
    assert folder.file == output / "posts" / "first" / "index.html"
    bare = locate_file(output, resolve_request("/", "/posts/first"), "/posts/first")
    assert bare == Route(HTTPStatus.MOVED_PERMANENTLY, location="/posts/first/")
    missing = locate_file(output, resolve_request("/", "/nope.html"), "/nope.html")
    assert missing.status == HTTPStatus.NOT_FOUND
    as_folder = locate_file(output, resolve_request("/", "/style.css/"), "/style.css/")
    assert as_folder.status == HTTPStatus.NOT_FOUND


def test_locate_file_refuses_links_out_of_the_output_folder(output: Path) -> None:
    os.symlink(output.parent / "secret.txt", output / "leak.txt")
    os.symlink(output.parent, output / "up")
    for path in ("/leak.txt", "/up/secret.txt"):
        route = locate_file(output, resolve_request("/", path), path)
        assert route.status == HTTPStatus.FORBIDDEN, path


def test_locate_file_answers_404_for_names_the_file_system_refuses(output: Path) -> None:
    long = "b" * 300  # over the 255 bytes a file name may have: OSError ENAMETOOLONG
    for path in (f"/{long}", f"/posts/first/{long}", f"/posts/{long}/", f"/{long}/{long}"):
        route = locate_file(output, resolve_request("/", path), path)
        assert route == Route(HTTPStatus.NOT_FOUND), path


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("//posts/first", "/posts/first/"),  # not "//posts/first/": a link to the host "posts"
        ("///posts/first", "/posts/first/"),
        ("/posts//first", "/posts//first/"),
        ("//tags/educación", "/tags/educaci%C3%B3n/"),
    ],
)
def test_locate_file_redirects_to_a_path_on_this_host(
    output: Path, path: str, location: str
) -> None:
    route = locate_file(output, resolve_request("/", path), path)
    assert route == Route(HTTPStatus.MOVED_PERMANENTLY, location=location)


# -- the WSGI app ---------------------------------------------------------------------------


def call(
    app: Any, path: str, method: str = "GET", query: str = ""
) -> tuple[str, dict[str, str], bytes]:
    """Call a WSGI app as a server would: PATH_INFO is the UTF-8 bytes read as latin-1."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": query,
    }
    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_app_injects_the_reload_script_into_html_only(output: Path) -> None:
    app = make_wsgi_app(PreviewState(output, "/archive/"))
    status, headers, body = call(app, "/archive/")
    assert status == "200 OK"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == b"<html><head>" + RELOAD_SCRIPT + b"</head><body>home</body></html>"
    assert int(headers["Content-Length"]) == len(body)
    _status, headers, css = call(app, "/archive/style.css")
    assert css == b"body { color: black }"
    assert headers["Content-Type"] == "text/css; charset=utf-8"
    _status, headers, feed = call(app, "/archive/feed.xml")
    assert feed == b"<rss></rss>"
    assert headers["Content-Type"] == "application/xml; charset=utf-8"
    assert b"livereload" not in (output / "index.html").read_bytes()


def test_app_serves_unicode_paths(output: Path) -> None:
    status, _headers, body = call(make_wsgi_app(PreviewState(output, "/")), "/tags/educación/")
    assert status == "200 OK"
    assert "educación".encode() in body


def test_app_answers_404_with_the_sites_404_page(output: Path) -> None:
    status, _headers, body = call(make_wsgi_app(PreviewState(output, "/archive/")), "/archive/x")
    assert status == "404 Not Found"
    assert b"Not here" in body
    assert RELOAD_SCRIPT in body


@pytest.mark.parametrize(
    "path",
    ["/archive/../secret.txt", "/archive/posts/../../secret.txt", "/archive/..\\secret.txt"],
)
def test_app_never_serves_a_file_outside_the_output(output: Path, path: str) -> None:
    status, _headers, body = call(make_wsgi_app(PreviewState(output, "/archive/")), path)
    assert status in ("403 Forbidden", "404 Not Found")
    assert b"TOP SECRET" not in body


def test_app_head_and_other_methods(output: Path) -> None:
    app = make_wsgi_app(PreviewState(output, "/"))
    status, headers, body = call(app, "/style.css", method="HEAD")
    assert (status, body) == ("200 OK", b"")
    assert headers["Content-Length"] == str(len(b"body { color: black }"))
    status, headers, _body = call(app, "/style.css", method="POST")
    assert status == "405 Method Not Allowed"
    assert headers["Allow"] == "GET, HEAD"


def test_app_shows_the_build_error_instead_of_pages(output: Path) -> None:
    state = PreviewState(output, "/")
    app = make_wsgi_app(state)
    state.show_errors(["site/templates/post.html:2: error MB070 template error: <oops>"])
    for path in ("/", "/posts/first/", "/nope"):
        status, _headers, body = call(app, path)
        assert status == "500 Internal Server Error", path
        assert b"site/templates/post.html:2: error MB070 template error: &lt;oops&gt;" in body
        assert RELOAD_SCRIPT in body
    assert call(app, "/style.css")[0] == "200 OK"  # assets still load
    assert call(app, "/../secret.txt")[0] == "403 Forbidden"
    state.show_site(output, "/")
    assert call(app, "/")[0] == "200 OK"


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("", ""),
        ("a=1&b=%2F", "?a=1&b=%2F"),
        ("q=caf\u00c3\u00a9", "?q=caf%C3%A9"),  # raw UTF-8 bytes, as WSGI's latin-1 text
    ],
)
def test_app_redirects_keep_the_query(output: Path, query: str, kept: str) -> None:
    app = make_wsgi_app(PreviewState(output, "/"))
    status, headers, _body = call(app, "//posts/first", query=query)
    assert (status, headers["Location"]) == ("301 Moved Permanently", "/posts/first/" + kept)
    app = make_wsgi_app(PreviewState(output, "/archive/"))
    status, headers, _body = call(app, "/archive", query=query)
    assert (status, headers["Location"]) == ("301 Moved Permanently", "/archive/" + kept)


def test_app_answers_404_for_a_name_too_long(output: Path) -> None:
    status, _headers, body = call(make_wsgi_app(PreviewState(output, "/")), "/" + "b" * 300)
    assert status == "404 Not Found"
    assert b"Not here" in body


def test_inject_script_without_head_and_error_page_escapes() -> None:
    assert inject_script(b"<p>x</p></BODY>", b"<s>") == b"<p>x</p><s></BODY>"
    assert inject_script(b"plain", b"<s>") == b"plain<s>"
    assert b"&lt;script&gt;" in error_page(["<script>"])


# -- watching and rebuilding ----------------------------------------------------------------


def test_snapshot_sees_edits_new_and_removed_files_but_not_hidden_ones(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    post = tmp_path / "content" / "a.md"
    post.write_text("one")
    before = snapshot_files([tmp_path / "content", tmp_path / "site.yaml"])
    (tmp_path / "content" / ".a.md.swp").write_text("editor state")
    (tmp_path / "content" / "a.md~").write_text("backup")
    assert changed_files(before, snapshot_files([tmp_path / "content"])) == []
    post.write_text("two, longer")
    (tmp_path / "site.yaml").write_text("title: x\n")
    after = snapshot_files([tmp_path / "content", tmp_path / "site.yaml"])
    assert changed_files(before, after) == [str(post), str(tmp_path / "site.yaml")]
    post.unlink()
    gone = snapshot_files([tmp_path / "content", tmp_path / "site.yaml"])
    assert changed_files(after, gone) == [str(post)]


def test_snapshot_skips_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "static" / "out").mkdir(parents=True)
    (tmp_path / "static" / "out" / "index.html").write_text("built")
    (tmp_path / "static" / "logo.svg").write_text("<svg/>")
    found = snapshot_files([tmp_path / "static"], exclude=[tmp_path / "static" / "out"])
    assert list(found) == [str(tmp_path / "static" / "logo.svg")]


def lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def test_preview_rebuilds_shows_errors_and_recovers(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/first.md": POST}, base_url="https://example.org/archive/")
    out = tmp_path / "out"
    overrides = {"output_dir": str(out)}
    preview = Preview(load_config(site / "site.yaml", overrides), overrides)
    first = preview.rebuild()
    assert first.ok and first.errors == ()
    assert preview.state.snapshot() == (out, "/archive/", ())
    assert preview.poll() is None  # nothing changed

    (site / "templates").mkdir()
    (site / "templates" / "post.html").write_text(BROKEN)
    report: BuildReport | None = preview.poll()
    assert report is not None and not report.ok
    assert report.changed == (str(site / "templates" / "post.html"),)
    assert "templates/post.html:2:" in lines(report.errors)
    assert preview.state.errors == report.errors
    assert (out / "posts" / "first" / "index.html").is_file()  # the last good site stays

    (site / "templates" / "post.html").write_text('{% extends "default/post.html" %}\n')
    report = preview.poll()
    assert report is not None and report.ok
    assert preview.state.errors == ()


def test_preview_rereads_site_yaml(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/first.md": POST})
    overrides = {"output_dir": str(tmp_path / "out")}
    preview = Preview(load_config(site / "site.yaml", overrides), overrides)
    report: BuildReport | None = preview.rebuild()
    assert report is not None and report.ok
    (site / "site.yaml").write_text("title: Test Site\nbase_url: https://example.org/\ntitel: x\n")
    report = preview.poll()
    assert report is not None and not report.ok
    assert "site.yaml:3: error MB004 unknown key 'titel'" in lines(report.errors)
    (site / "site.yaml").write_text("title: Renamed\nbase_url: https://example.org/blog/\n")
    report = preview.poll()
    assert report is not None and report.ok
    assert report.config.title == "Renamed"
    assert preview.state.base_path == "/blog/"
    assert b"Renamed" in (tmp_path / "out" / "index.html").read_bytes()


def test_app_answers_500_when_serving_fails(
    output: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug while answering left the browser waiting for ever; it now gets a 500 page, and
    the command line is told through `on_error` (the library prints nothing)."""

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    told: list[tuple[str, Exception]] = []
    monkeypatch.setattr(serve_module, "_respond", broken)
    app = make_wsgi_app(PreviewState(output, "/"), on_error=lambda *args: told.append(args))
    status, headers, body = call(app, "/posts/educación/")
    assert status == "500 Internal Server Error"
    assert headers["Content-Length"] == str(len(body))
    assert b"internal error: RuntimeError: boom" in body
    assert [(path, str(exc)) for path, exc in told] == [("/posts/educación/", "boom")]
    assert told[0][1].__traceback__ is not None  # for --verbose
    assert call(make_wsgi_app(PreviewState(output, "/")), "/")[0] == "500 Internal Server Error"
    assert capsys.readouterr() == ("", "")

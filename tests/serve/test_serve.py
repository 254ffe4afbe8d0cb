"""`microblog serve` as a real process on 127.0.0.1 and a free port (issue 4's acceptance).

The tests that only read from a server share one per module (`server`, `root_server`); those
that change the site or stop the server start their own (`own_server`). Nothing waits on the
clock: a test waits for what the server prints ("rebuilt ...", "build failed ...") or sends
(livereload's "reload"), and the only time limit, HUNG_SECONDS, fails a hung run. How fast a
save is served is measured by benchmarks/serve_reload.py, not asserted here.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import pytest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from microblog.cli import main
from tests.conftest import PINNED_ENVIRONMENT, REPO

HUNG_SECONDS = 120  # only a hung server takes this long to start, answer, rebuild or stop
SITE_YAML = "title: Preview Test\nbase_url: https://example.org/archive/\ntimezone: UTC\n"
POST = "---\ndate: 2024-05-01T10:00:00+02:00\ntags: [Preview]\n---\nFirst version of the post.\n"
GOOD_TEMPLATE = '{% extends "default/post.html" %}\n'
BROKEN_TEMPLATE = '{% extends "default/post.html" %}\n{% block content %}{% if %}{% endblock %}\n'
REBUILT = "rebuilt "  # stdout, after a rebuild that succeeded
BUILD_FAILED = "build failed"  # stderr, after one that failed
SYNC_MARKER = "-- the test read up to here --"  # written into the server's stderr pipe
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Printed:
    """What a process printed, line by line, as reader threads take it from its pipes."""

    lines: dict[str, list[str]] = field(default_factory=lambda: {"stdout": [], "stderr": []})
    open_streams: set[str] = field(default_factory=lambda: {"stdout", "stderr"})
    changed: threading.Condition = field(default_factory=threading.Condition)

    def read(self, name: str, stream: IO[str]) -> threading.Thread:
        """Start a thread that reads `stream` to its end."""

        def run() -> None:
            with stream:
                for line in stream:
                    with self.changed:
                        self.lines[name].append(line)
                        self.changed.notify_all()
            with self.changed:
                self.open_streams.discard(name)
                self.changed.notify_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def count(self, name: str) -> int:
        with self.changed:
            return len(self.lines[name])

    def text(self, name: str, after: int = 0) -> str:
        with self.changed:
            return "".join(self.lines[name][after:])

    def wait_for(self, name: str, prefix: str, *, after: int = 0) -> str:
        """The first line of `name` (from its line number `after` on) starting with `prefix`,
        waiting for it to be printed; fails if the stream ends first, or after HUNG_SECONDS."""
        deadline = time.monotonic() + HUNG_SECONDS
        with self.changed:
            while True:
                for line in self.lines[name][after:]:
                    if line.startswith(prefix):
                        return line
                remaining = deadline - time.monotonic()
                if name not in self.open_streams or remaining <= 0:
                    raise AssertionError(
                        f"{name} never printed a line starting with {prefix!r}; it printed:\n"
                        + "".join(self.lines["stdout"] + self.lines["stderr"])
                    )
                self.changed.wait(remaining)


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str  # http://127.0.0.1:PORT/archive/
    site: Path
    output: Path
    printed: Printed
    stderr_writer: int  # a writing end of the server's stderr pipe: see stderr_since
    readers: list[threading.Thread]

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)

    def get(self, path: str) -> tuple[int, str]:
        """GET a path below the served base path (or an absolute path with a leading "/")."""
        url = f"http://127.0.0.1:{self.port}{path}" if path.startswith("/") else self.url + path
        try:
            with NO_PROXY.open(url, timeout=HUNG_SECONDS) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def raw_get(self, path: str) -> tuple[int, bytes]:
        """GET a path exactly as written: no client-side normalization of `..` or escapes."""
        status, _headers, body = self.raw_request(path)
        return status, body

    def raw_request(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """GET a path exactly as written, following no redirect: status, headers and body.
        The socket timeout only turns a request the server never answers into a failure."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HUNG_SECONDS)
        try:
            connection.putrequest("GET", path, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def save(self, name: str, text: str) -> None:
        """Save a file of the site the way editors do: a hidden temporary file renamed over
        it, so that the server never reads it half-written."""
        path = self.site / name
        temporary = path.with_name(f".{path.name}.saving")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)

    def save_and_wait(self, name: str, text: str, stream: str, prefix: str) -> str:
        """Save a file, then wait for the rebuild it causes to print `prefix` on `stream`."""
        after = self.printed.count(stream)
        self.save(name, text)
        return self.printed.wait_for(stream, prefix, after=after)

    def stderr_since(self, after: int) -> list[str]:
        """The lines the server printed on stderr from line number `after` on, up to now: a
        marker written into its stderr pipe, behind all it wrote before, is waited for."""
        marker = f"{SYNC_MARKER} {self.printed.count('stderr')}\n"
        os.write(self.stderr_writer, marker.encode("utf-8"))
        self.printed.wait_for("stderr", marker, after=after)
        lines = self.printed.text("stderr", after).splitlines()
        return [line for line in lines if not line.startswith(SYNC_MARKER)]

    def assert_running(self) -> None:
        assert self.process.poll() is None, "the server stopped:\n" + self.printed.text("stderr")

    def stop(self) -> tuple[int, str]:
        """SIGINT, as Ctrl-C sends; the exit code and everything it printed on stderr."""
        self.process.send_signal(signal.SIGINT)
        return self.stopped()

    def stopped(self) -> tuple[int, str]:
        """Wait for the server to exit: the exit code and everything it printed on stderr."""
        code = self.process.wait(timeout=HUNG_SECONDS)
        self.close()
        return code, self.printed.text("stderr")

    def close(self) -> None:
        """Kill the server if it still runs, and read what it printed to the end."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=HUNG_SECONDS)
        if self.stderr_writer >= 0:
            os.close(self.stderr_writer)  # the pipe ends once no process holds it
            self.stderr_writer = -1
        for reader in self.readers:
            reader.join(timeout=HUNG_SECONDS)


def write_preview_site(root: Path, site_yaml: str = SITE_YAML) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    (root / "content" / "first.md").write_text(POST, encoding="utf-8")
    (root / "templates" / "post.html").write_text(GOOD_TEMPLATE, encoding="utf-8")
    return root


@contextlib.contextmanager
def running_server(folder: Path, site_yaml: str = SITE_YAML) -> Iterator[Server]:
    """`microblog serve --port 0` as a process, killed at the end whatever happened."""
    site = write_preview_site(folder / "site", site_yaml)
    output = folder / "out"
    (folder / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    stderr_reader, stderr_writer = os.pipe()
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "--config",
            str(site / "site.yaml"),
            "--port",
            "0",
            "--output",
            str(output),
        ],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr_writer,
        text=True,
        encoding="utf-8",
        env={**os.environ, **PINNED_ENVIRONMENT, "PYTHONUNBUFFERED": "1"},
    )
    printed = Printed()
    assert process.stdout is not None
    readers = [
        printed.read("stdout", process.stdout),
        printed.read("stderr", os.fdopen(stderr_reader, encoding="utf-8", errors="replace")),
    ]
    server = Server(process, "", site, output, printed, stderr_writer, readers)
    try:
        server.url = printed.wait_for("stdout", "http://").strip()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests that only read from it; it must stop cleanly at the end."""
    with running_server(tmp_path_factory.mktemp("serve")) as started:
        yield started
        code, stderr = started.stop()
        assert code == 0, stderr
        assert "Traceback" not in stderr and "Errno" not in stderr, stderr


@pytest.fixture(scope="module")
def shared_root_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The same at the server's root: base_url's path is "/"."""
    with running_server(
        tmp_path_factory.mktemp("serve-root"), SITE_YAML.replace("/archive/", "/")
    ) as started:
        yield started
        code, stderr = started.stop()
        assert code == 0, stderr


def quietly(server: Server) -> Iterator[Server]:
    """Lend a shared server to one test: it must still run after it and have printed nothing
    on stderr while the test ran."""
    server.stderr_since(0)  # all it printed before this test, read
    before = server.printed.count("stderr")
    yield server
    server.assert_running()
    assert server.stderr_since(before) == []


@pytest.fixture
def server(shared_server: Server) -> Iterator[Server]:
    """The site served under /archive/, shared with other tests: read only."""
    yield from quietly(shared_server)


@pytest.fixture
def root_server(shared_root_server: Server) -> Iterator[Server]:
    """The site served at the server's root, shared with other tests: read only."""
    yield from quietly(shared_root_server)


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    """A server for one test, which may change its site or stop it."""
    with running_server(tmp_path) as started:
        yield started


def test_serve_rebuilds_on_save_shows_errors_and_recovers(own_server: Server) -> None:
    server = own_server
    pid = server.process.pid
    assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/archive/")
    status, home = server.get("")
    assert status == 200
    assert "First version of the post." in home
    assert "livereload.js" in home
    status, page = server.get("posts/first/")
    assert status == 200 and "First version of the post." in page

    second = POST.replace("First version", "Second version")
    server.save_and_wait("content/first.md", second, "stdout", REBUILT)
    status, page = server.get("posts/first/")
    assert status == 200 and "Second version of the post." in page

    server.save_and_wait("templates/post.html", BROKEN_TEMPLATE, "stderr", BUILD_FAILED)
    status, page = server.get("posts/first/")
    assert status == 500
    assert "Build failed" in page
    assert "templates/post.html:2:" in page
    assert "livereload.js" in page  # the error page reloads itself once fixed

    server.save_and_wait("templates/post.html", GOOD_TEMPLATE, "stdout", REBUILT)
    status, page = server.get("posts/first/")
    assert status == 200 and "Second version of the post." in page
    assert "Build failed" not in page
    server.assert_running()
    assert server.process.pid == pid

    built = [path for path in server.output.rglob("*") if path.is_file()]
    assert built
    assert not [path for path in built if b"livereload" in path.read_bytes()]

    code, stderr = server.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "templates/post.html:2:" in stderr  # the build error was printed, too


@pytest.mark.parametrize(
    "path",
    [
        "/archive/../secret.txt",
        "/archive/../../secret.txt",
        "/archive/%2e%2e/secret.txt",
        "/archive/%2E%2E/%2e%2e/secret.txt",
        "/archive/..%2fsecret.txt",
        "/archive/..%2Fsecret.txt",
        "/archive/%2e%2e%2fsecret.txt",
        "/archive/posts/..%2f..%2f..%2fsecret.txt",
        "/archive/..%5csecret.txt",
        "/archive/%252e%252e/secret.txt",
        "/%2e%2e/secret.txt",
        "/../secret.txt",
    ],
)
def test_serve_refuses_traversal(server: Server, path: str) -> None:
    status, body = server.raw_get(path)
    assert status in (403, 404), (path, status)
    assert b"TOP SECRET" not in body
    server.assert_running()


def test_serve_redirects_to_the_base_path_and_serves_feeds(server: Server) -> None:
    status, _body = server.raw_get("/")
    assert status == 301
    status, home = server.get("/archive")
    assert status == 200 and "First version of the post." in home  # followed the redirect
    status, feed = server.get("feed.xml")
    assert status == 200 and "livereload" not in feed
    status, page = server.get("nope/")
    assert status == 404 and "livereload.js" in page


LONG_NAME = "b" * 300  # over the 255 bytes a file name may have


@pytest.mark.parametrize(
    "path",
    [
        f"/archive/{LONG_NAME}",
        f"/archive/posts/{LONG_NAME}/",
        f"/archive/posts/first/{LONG_NAME}",
        f"/archive/posts/first/{LONG_NAME}/index.html",
    ],
)
def test_serve_answers_404_for_a_name_too_long(server: Server, path: str) -> None:
    before = server.printed.count("stderr")  # all it printed before the test: read (quietly)
    status, _headers, body = server.raw_request(path)
    assert status == 404, (path, status)
    assert b"livereload.js" in body  # the site's own 404 page
    stderr = "\n".join(server.stderr_since(before))
    assert "Traceback" not in stderr and "Errno" not in stderr, stderr
    server.assert_running()


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/posts/first", "/posts/first/"),
        ("//posts/first", "/posts/first/"),
        ("///posts/first", "/posts/first/"),
        ("//posts", "/posts/"),
        ("/posts/first?a=1", "/posts/first/?a=1"),
        ("//posts/first?next=//evil.example/&b=%20", "/posts/first/?next=//evil.example/&b=%20"),
    ],
)
def test_serve_redirects_folders_on_this_host_keeping_the_query(
    root_server: Server, path: str, location: str
) -> None:
    status, headers, _body = root_server.raw_request(path)
    assert (status, headers.get("Location")) == (301, location), path
    if "posts/first" in location:
        status, page = root_server.get(location)
        assert status == 200 and "First version of the post." in page
    root_server.assert_running()


def test_serve_redirect_to_the_base_path_keeps_the_query(server: Server) -> None:
    for path in ("/archive?a=1", "//archive?a=1", "/?a=1"):
        status, headers, _body = server.raw_request(path)
        if path.startswith("//"):  # not above /archive/: missing, never a link to a host
            assert status == 404, path
            continue
        assert (status, headers.get("Location")) == (301, "/archive/?a=1"), path


async def open_page(server: Server) -> WebSocketClientConnection:
    """What livereload.js does when a page opens: hello, then info. The server answers only
    hello, so a second hello answered means it has taken the info: the page is registered."""
    socket = await websocket_connect(f"ws://127.0.0.1:{server.port}/livereload")
    socket.write_message(json.dumps({"command": "hello", "protocols": []}))
    hello = json.loads(str(await socket.read_message()))
    assert hello["command"] == "hello"
    socket.write_message(json.dumps({"command": "info", "url": server.url}))
    socket.write_message(json.dumps({"command": "hello", "protocols": []}))
    assert json.loads(str(await socket.read_message()))["command"] == "hello"
    return socket


def test_serve_tells_open_pages_to_reload(own_server: Server) -> None:
    """What livereload.js does in a browser: hello, info, then wait for "reload"."""

    async def session() -> dict[str, object]:
        socket = await open_page(own_server)
        try:
            own_server.save("content/first.md", POST.replace("First", "Third"))
            message = await asyncio.wait_for(socket.read_message(), HUNG_SECONDS)
            return dict(json.loads(str(message)))
        finally:
            socket.close()

    message = asyncio.run(session())
    assert message["command"] == "reload"
    # the server tells pages to reload only once the new site is what it serves
    status, page = own_server.get("posts/first/")
    assert status == 200 and "Third version of the post." in page


def test_serve_stops_cleanly_on_sigterm_with_a_page_open(own_server: Server) -> None:
    async def open_then_stop() -> None:
        socket = await open_page(own_server)
        own_server.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(socket.read_message(), HUNG_SECONDS)  # closed: None

    asyncio.run(open_then_stop())
    code, stderr = own_server.stopped()
    assert code == 0, stderr
    assert "Traceback" not in stderr


def test_serve_reports_a_busy_port_in_one_line(server: Server) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "--config",
            str(server.site / "site.yaml"),
            "--port",
            str(server.port),
            "--output",
            str(server.output.parent / "other-out"),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=HUNG_SECONDS,
    )
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert f"port {server.port}" in completed.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "70000"], "--port: must be a number from 0 to 65535"),
        (["--port", "x"], "--port: must be a number from 0 to 65535"),
        (["--config", "missing.yaml"], "missing.yaml: error MB001 config file not found"),
        (["--base-url", "ftp://x"], "--base-url must be an absolute http(s) URL"),
    ],
)
def test_serve_usage_and_config_errors_exit_2_in_one_line(
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_preview_site(tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site")
    assert main(["serve", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and message in err, err

"""Serve a built site over real HTTP under a base path, the way GitHub Pages does, and crawl it.

`serve_directory` answers only below its mount ("/archive/"), serves a folder's index.html
and redirects a folder URL without its slash; `crawl` follows every internal link with urllib
and reports the ones that do not answer 200. Nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import re
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import urldefrag, urljoin, urlsplit

FETCH_TIMEOUT_SECONDS = 10
# Which attributes of which elements name something a browser would load or follow.
LINK_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
# Ignore http_proxy and friends: a proxy must never see requests meant for 127.0.0.1.
_LOCAL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def open_local(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> http.client.HTTPResponse:
    """urlopen without proxies; raises urllib.error.HTTPError for a status other than 2xx."""
    return cast(http.client.HTTPResponse, _LOCAL_OPENER.open(url, timeout=timeout))


class _MountedHandler(SimpleHTTPRequestHandler):
    """Serves `directory` at `mount`; 404 outside it, and 404 rather than a folder listing."""

    def __init__(self, *args: Any, mount: str, directory: str, **kwargs: Any) -> None:
        self.mount = mount
        super().__init__(*args, directory=directory, **kwargs)

    def do_GET(self) -> None:
        if self._route():
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._route():
            super().do_HEAD()

    def _route(self) -> bool:
        """Strip the mount from self.path; answer 404 or a redirect here and return False."""
        path, _, query = self.path.partition("?")
        if path == self.mount.rstrip("/"):
            self._redirect(self.mount, query)
            return False
        if not path.startswith(self.mount):
            self.send_error(HTTPStatus.NOT_FOUND, "outside the mounted site")
            return False
        inner = "/" + path[len(self.mount) :]
        if not inner.endswith("/") and os.path.isdir(self.translate_path(inner)):
            self._redirect(path + "/", query)
            return False
        self.path = inner + ("?" + query if query else "")
        return True

    def _redirect(self, location: str, query: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location + ("?" + query if query else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "no index.html in this folder")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows failures, not an access log."""


@contextmanager
def serve_directory(root: Path, mount: str = "/") -> Iterator[str]:
    """Serve root at http://127.0.0.1:PORT{mount} on a free port; yields that base URL."""
    mount = "/" + mount.strip("/") + "/" if mount.strip("/") else "/"
    handler = partial(_MountedHandler, mount=mount, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="serve_directory", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{mount}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=FETCH_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class BrokenLink:
    """A link whose target did not answer 200; status 0 when the request failed outright."""

    url: str
    status: int
    found_on: str
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.found_on}: {self.url} -> {self.status} {self.reason}".rstrip()


@dataclass
class CrawlReport:
    """What a crawl saw: pages that answered 200, broken links, external links never fetched."""

    start: str
    visited: list[str] = field(default_factory=list)
    broken: list[BrokenLink] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.broken


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.base_href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base_href is None:
            self.base_href = dict(attrs).get("href")
        wanted = LINK_ATTRIBUTES.get(tag, ())
        for name, value in attrs:
            if name not in wanted or not value or not value.strip():
                continue
            if name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())
            else:
                self.links.append(value.strip())


def _links_in(body: bytes, content_type: str, page_url: str) -> list[str]:
    """Absolute URLs (fragments dropped) of what an HTML page or stylesheet refers to."""
    text = body.decode("utf-8", errors="replace")
    if content_type.startswith("text/html"):
        collector = _LinkCollector()
        collector.feed(text)
        collector.close()
        base = urljoin(page_url, collector.base_href) if collector.base_href else page_url
        raw = collector.links
    elif content_type.startswith("text/css"):
        base, raw = page_url, [match.group(2).strip() for match in CSS_URL.finditer(text)]
    else:
        return []
    return [urldefrag(urljoin(base, link)).url for link in raw if not link.startswith("#")]


def crawl(base_url: str, *, max_pages: int = 10_000) -> CrawlReport:
    """Fetch base_url and everything it links to on the same origin; parse pages under base_url.

    Same-origin links outside the base path are fetched too (a static host would 404 them);
    feeds and images are fetched but not parsed; other origins are only recorded.
    """
    start = urldefrag(base_url).url
    origin = urlsplit(start)._replace(path="", query="", fragment="").geturl()
    report = CrawlReport(start=start)
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    seen = {start}
    while queue:
        if len(seen) > max_pages:
            raise RuntimeError(f"crawl of {start} passed {max_pages} URLs; is a link looping?")
        url, found_on = queue.popleft()
        fetched = _fetch(url, found_on, report)
        if fetched is None or not fetched[0].startswith(start):
            continue
        final_url, content_type, body = fetched
        for link in _links_in(body, content_type, final_url):
            if link in seen:
                continue
            seen.add(link)
            if link.startswith(origin + "/"):
                queue.append((link, final_url))
            else:
                report.external.append(link)
    return report


def _fetch(url: str, found_on: str, report: CrawlReport) -> tuple[str, str, bytes] | None:
    """GET url; on 200 record it and return (final URL, content type, body), else record why."""
    try:
        with open_local(url) as response:
            body = response.read()
            final_url = response.geturl()
            content_type = response.headers.get_content_type()
            status = response.status
    except urllib.error.HTTPError as error:
        report.broken.append(BrokenLink(url, error.code, found_on, str(error.reason)))
        error.close()
        return None
    except (urllib.error.URLError, OSError) as error:
        report.broken.append(BrokenLink(url, 0, found_on, str(error)))
        return None
    if status != HTTPStatus.OK:
        report.broken.append(BrokenLink(url, status, found_on))
        return None
    if final_url != url:
        report.redirects[url] = final_url
    report.visited.append(final_url)
    return final_url, content_type, body

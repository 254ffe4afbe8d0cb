"""The preview server: build, serve under base_url's path, rebuild on change, reload browsers.

The only module that imports livereload, and it never prints: it reports through callbacks.
livereload supplies the browser side (its livereload.js and the websocket it talks to); files
come from the output folder through a small WSGI app that adds the reload script to the HTML
it serves, so the built site never contains it. The server polls what a build reads, rebuilds
the whole site on any change (no partial rebuilds) and shows a failed build as an error page
naming file and line until the next good save.

livereload's own `Server.serve()` is not used: it cannot tell which port `--port 0` got, logs
to the terminal by itself, and drops reloads that come within three seconds of the last one.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import mimetypes
import os
import signal
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.concurrent import dummy_executor
from tornado.httpserver import HTTPServer
from tornado.ioloop import PeriodicCallback
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketClosedError
from tornado.wsgi import WSGIContainer

from microblog.outpaths import could_escape, is_output_path
from microblog.preview import BuildReport, Preview, PreviewState

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# Told of a bug while answering a request: the request's path and the exception.
ErrorHandler = Callable[[str, Exception], None]
POLL_SECONDS = 0.25
# Asks livereload.js for the websocket on the port the page came from (which may be forwarded).
RELOAD_SCRIPT = (
    b'<script>(function(){var l=window.location,s=document.createElement("script");'
    b's.src="/livereload.js?port="+(l.port||(l.protocol==="https:"?"443":"80"));'
    b"document.head.appendChild(s);}());</script>"
)
_TEXT_TYPES = ("text/", "application/xml", "application/javascript", "application/json")


# -- requests -> files ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Route:
    """Where a request leads: a file (200), a redirect (301), or a refusal (403, 404); `parts`
    is the path inside the output folder, `directory` that it ended in "/" (its index.html)."""

    status: HTTPStatus
    parts: tuple[str, ...] = ()
    directory: bool = False
    location: str = ""
    file: Path | None = None


def resolve_request(base_path: str, request_path: str) -> Route:
    """Map a percent-decoded request path onto the output folder, without touching it.

    `base_path` is base_url's path, decoded ("/" or "/archive/"). A path with a segment that
    could lead out of a folder ("." or "..", a backslash, a NUL, a drive letter) is refused
    (403), wherever it points; one the output path rule refuses otherwise (a Windows device
    name, a control character, a name too long) is missing (404): no build writes it. A path
    outside `base_path` is missing too, except the ones above it, which redirect to it.
    """
    if any(could_escape(segment) for segment in request_path.split("/")):
        return Route(HTTPStatus.FORBIDDEN)
    if not request_path.startswith(base_path):
        if base_path.startswith(request_path.rstrip("/") + "/"):
            return Route(HTTPStatus.MOVED_PERMANENTLY, location=local_location(base_path))
        return Route(HTTPStatus.NOT_FOUND)
    relative = request_path[len(base_path) :]
    parts = tuple(part for part in relative.split("/") if part)
    if parts and not is_output_path("/".join(parts)):
        return Route(HTTPStatus.NOT_FOUND)
    return Route(HTTPStatus.OK, parts, directory=not parts or relative.endswith("/"))


def local_location(path: str) -> str:
    """`path` as a redirect target on this server: percent-encoded and starting with exactly
    one "/" (a browser reads "//name/..." as a link to the host "name")."""
    return quote("/" + path.lstrip("/"))


def locate_file(root: Path, route: Route, request_path: str) -> Route:
    """The file a resolved route names, if it is really inside `root` (links are followed
    and checked); a folder asked for without its "/" redirects to it. A path the file system
    cannot even look up (a name too long, say) is missing (404)."""
    if route.status != HTTPStatus.OK:
        return route
    try:
        root_real = Path(os.path.realpath(root))
        real = Path(os.path.realpath(root_real.joinpath(*route.parts)))
        if not real.is_relative_to(root_real):
            return Route(HTTPStatus.FORBIDDEN)
        is_dir = real.is_dir()
        is_file = not is_dir and real.is_file()
    except (OSError, ValueError):  # ValueError: a NUL that slipped past resolve_request
        return Route(HTTPStatus.NOT_FOUND)
    if is_dir:
        if not route.directory:
            return Route(HTTPStatus.MOVED_PERMANENTLY, location=local_location(request_path + "/"))
        return locate_file(root, Route(HTTPStatus.OK, (*route.parts, "index.html")), "")
    if route.directory or not is_file:
        return Route(HTTPStatus.NOT_FOUND)
    return Route(HTTPStatus.OK, route.parts, file=real)


# -- the WSGI app ---------------------------------------------------------------------------


def make_wsgi_app(
    state: PreviewState, *, script: bytes = RELOAD_SCRIPT, on_error: ErrorHandler | None = None
) -> WsgiApp:
    """Serve the output folder under its base path; HTML gets `script` before `</head>`.

    A bug while answering gets a 500 page naming the exception, and `on_error` is told."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            status, headers, body = _plain(HTTPStatus.METHOD_NOT_ALLOWED)
            headers.append(("Allow", "GET, HEAD"))
        else:
            path, query = _request_path(environ), str(environ.get("QUERY_STRING", "") or "")
            try:
                status, headers, body = _respond(state, path, script, query)
            except Exception as exc:  # a bug: answer (a client must never hang), and say so
                if on_error is not None:
                    on_error(str(environ.get("PATH_INFO", "")) if path is None else path, exc)
                message = f"internal error: {type(exc).__name__}: {exc} (please report it)"
                status, headers = HTTPStatus.INTERNAL_SERVER_ERROR, _headers("text/html")
                body = error_page([message], "Internal error")
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status.value} {status.phrase}", headers)
        return [] if method == "HEAD" else [body]

    return app


Response = tuple[HTTPStatus, list[tuple[str, str]], bytes]


def _request_path(environ: Mapping[str, Any]) -> str | None:
    """PATH_INFO as text: WSGI gives the bytes as latin-1 (PEP 3333); URLs are UTF-8."""
    raw = str(environ.get("PATH_INFO", "") or "/")
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


def _respond(state: PreviewState, path: str | None, script: bytes, query: str = "") -> Response:
    root, base_path, errors = state.snapshot()
    if path is None:
        return _plain(HTTPStatus.NOT_FOUND)
    route = locate_file(root, resolve_request(base_path, path), path)
    if route.status == HTTPStatus.FORBIDDEN:
        return _plain(HTTPStatus.FORBIDDEN)
    if errors and (route.file is None or route.file.suffix.lower() in (".html", ".htm")):
        body = inject_script(error_page(errors), script)
        return HTTPStatus.INTERNAL_SERVER_ERROR, _headers("text/html"), body
    if route.status == HTTPStatus.MOVED_PERMANENTLY:
        status, headers, body = _plain(route.status)
        return status, [*headers, ("Location", route.location + _query_suffix(query))], body
    if route.file is None:
        page = locate_file(root, Route(HTTPStatus.OK, ("404.html",)), "").file
        try:
            missing = None if page is None else page.read_bytes()
        except OSError:
            missing = None
        if missing is None:
            return _plain(HTTPStatus.NOT_FOUND)
        return HTTPStatus.NOT_FOUND, _headers("text/html"), inject_script(missing, script)
    content_type = _content_type(route.file)
    try:
        body = route.file.read_bytes()
    except OSError:
        return _plain(HTTPStatus.NOT_FOUND)
    if content_type == "text/html":
        body = inject_script(body, script)
    return HTTPStatus.OK, _headers(content_type), body


def _query_suffix(query: str) -> str:
    """The query string kept on a redirect ("?a=1"), as ASCII that is safe in a header: WSGI
    gives it still percent-encoded, as latin-1 text (PEP 3333); anything else is encoded."""
    if not query:
        return ""
    return "?" + quote(query.encode("latin-1", "replace"), safe="/?:@!$&'()*+,;=%~[]")


def _plain(status: HTTPStatus) -> Response:
    return status, _headers("text/plain"), f"{status.value} {status.phrase}\n".encode()


def _headers(content_type: str) -> list[tuple[str, str]]:
    if content_type.startswith(_TEXT_TYPES) or content_type.endswith("+xml"):
        content_type += "; charset=utf-8"
    return [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]


def _content_type(path: Path) -> str:
    if path.suffix.lower() == ".xml":
        return "application/xml"  # feeds and the sitemap: browsers show them as XML
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def inject_script(page: bytes, script: bytes) -> bytes:
    """`page` with `script` before its first `</head>` (or `</body>`, or at the end)."""
    lowered = page.lower()
    for marker in (b"</head>", b"</body>"):
        at = lowered.find(marker)
        if at >= 0:
            return page[:at] + script + page[at:]
    return page + script


def error_page(lines: Sequence[str], title: str = "Build failed") -> bytes:
    """The page shown while the last build failed: each problem names its file and line."""
    items = "\n".join(f"<li><pre>{html.escape(line)}</pre></li>" for line in lines)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n"
        f"<ul>\n{items}\n</ul>\n"
        "<p>Fix it and save: this page reloads by itself.</p>\n</body>\n</html>\n"
    ).encode()


# -- the server -----------------------------------------------------------------------------


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets on all of `host`'s addresses and one port (0: a free one); OSError
    when the address is taken or unknown."""
    return bind_sockets(port, address=host)


def address(host: str, sockets: Sequence[socket.socket], base_path: str) -> str:
    """The URL the site is served at: `http://127.0.0.1:PORT/base/path/`."""
    port = int(sockets[0].getsockname()[1])
    if host in ("0.0.0.0", "", "::"):  # every address: this machine's own is the one to open
        host = "::1" if host == "::" else "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{quote(unquote(base_path))}"


def serve_preview(
    preview: Preview,
    sockets: Sequence[socket.socket],
    *,
    on_build: Callable[[BuildReport], None],
    on_ready: Callable[[], None],
    on_error: ErrorHandler,
) -> None:
    """Build, call `on_ready`, then serve and rebuild until SIGINT or SIGTERM; `on_error` is
    told of a bug while answering a request (the browser gets a 500 page)."""
    with _quiet_library_logs():
        asyncio.run(_serve(preview, sockets, on_build, on_ready, on_error))


async def _serve(
    preview: Preview,
    sockets: Sequence[socket.socket],
    on_build: Callable[[BuildReport], None],
    on_ready: Callable[[], None],
    on_error: ErrorHandler,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(number, stop.set)  # Unix, main thread
    on_build(preview.rebuild())
    wsgi = WSGIContainer(make_wsgi_app(preview.state, on_error=on_error), executor=dummy_executor)
    app = web.Application(
        [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r".*", web.FallbackHandler, {"fallback": wsgi}),
        ]
    )
    server = HTTPServer(app)
    server.add_sockets(sockets)

    def poll() -> None:
        report = preview.poll()
        if report is not None:
            on_build(report)
            _reload_browsers(report)

    poller = PeriodicCallback(poll, POLL_SECONDS * 1000)
    poller.start()
    on_ready()
    try:
        await stop.wait()
    finally:
        poller.stop()
        server.stop()
        for waiter in list(LiveReloadHandler.waiters):
            waiter.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.close_all_connections(), timeout=2)


def _reload_browsers(report: BuildReport) -> None:
    """Send livereload's "reload" command to every open page; a page whose only changes were
    stylesheets reloads just those."""
    only_css = report.ok and all(path.endswith(".css") for path in report.changed or ["*"])
    path = Path(report.changed[0]).name if only_css else "*"
    message = json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})
    for page in list(LiveReloadHandler.waiters):
        try:
            page.write_message(message)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(page)


@contextlib.contextmanager
def _quiet_library_logs() -> Iterator[None]:
    """livereload's and tornado's per-request chatter stays off the terminal; the command
    line reports builds itself. Errors of tornado's own (a bug) still show."""
    loggers = [logging.getLogger(name) for name in ("livereload", "tornado.access")]
    saved = [logger.propagate for logger in loggers]
    quiet = logging.NullHandler()
    for logger in loggers:
        logger.propagate = False
        logger.addHandler(quiet)
    try:
        yield
    finally:
        for logger, propagate in zip(loggers, saved, strict=True):
            logger.removeHandler(quiet)
            logger.propagate = propagate

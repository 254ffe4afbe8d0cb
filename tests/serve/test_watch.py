"""The preview watches exactly what a build reads, `static/.well-known/` included (issue 12).

The build published `static/.well-known/` but the watcher skipped every hidden folder, so
editing `security.txt` there never rebuilt the preview. Both now walk with microblog.walk.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from microblog.config import load_config
from microblog.preview import Preview
from tests.conftest import REPO

EVENT_TIMEOUT_SECONDS = 60  # generous: a limit for a hung server, not a speed test
SITE_YAML = "title: Watch\nbase_url: https://example.org/blog/\n"
POST = "---\ndate: 2024-05-01\n---\nA post.\n"
SECURITY = ".well-known/security.txt"


def make_site(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "static" / ".well-known").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (root / "content" / "a.md").write_text(POST, encoding="utf-8")
    (root / "static" / SECURITY).write_text("Contact: mailto:old@example.org\n")
    return root


def test_preview_rebuilds_for_well_known_and_not_for_what_no_build_reads(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    overrides = {"output_dir": str(tmp_path / "out")}
    preview = Preview(load_config(site / "site.yaml", overrides), overrides)
    assert preview.rebuild().ok
    assert preview.poll() is None
    for ignored in ("static/.DS_Store", "static/style.css~", "static/.secret", "content/notes.csv"):
        (site / ignored).write_text("not read by a build")
    (site / "content" / "a.md~").write_text("an editor's backup")
    assert preview.poll() is None
    (site / "static" / SECURITY).write_text("Contact: mailto:someone-new@example.org\n")
    report = preview.poll()
    assert report is not None and report.ok
    assert report.changed == (str(site / "static" / SECURITY),)
    assert "someone-new@example.org" in (tmp_path / "out" / SECURITY).read_text()


@contextlib.contextmanager
def serving(site: Path, output: Path) -> Iterator[str]:
    """`microblog serve --port 0` as a process; its address; always stopped."""
    config, port = ["--config", str(site / "site.yaml")], ["--port", "0"]
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", *config, *port, "--output", str(output)],
        cwd=site,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process, lines), daemon=True).start()
    said: list[str] = []
    try:
        while not said or said[-1]:  # "": the process ended
            said.append(lines.get(timeout=EVENT_TIMEOUT_SECONDS))
            if said[-1].startswith("http://"):
                yield said[-1].strip()
                return
        raise AssertionError("serve stopped without an address:\n" + "".join(said))
    finally:
        process.kill()
        process.wait(timeout=30)


def _read_lines(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    for line in process.stdout or ():
        lines.put(line)
    lines.put("")


def fetch(url: str) -> str:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=EVENT_TIMEOUT_SECONDS) as response:
        return str(response.read().decode("utf-8"))


async def reload_after(url: str, edit: Path, text: str) -> dict[str, object]:
    """What livereload.js does: hello, info (the page now waits for reloads), then the
    "reload" that saving `edit` brings. The server answers messages in order and "info" has
    no answer: a second hello's answer says that the page is waiting."""
    port = url.split(":")[2].split("/")[0]
    socket = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    hello = json.dumps({"command": "hello", "protocols": []})
    try:
        socket.write_message(hello)
        assert json.loads(str(await socket.read_message()))["command"] == "hello"
        socket.write_message(json.dumps({"command": "info", "url": url}))
        socket.write_message(hello)
        assert json.loads(str(await socket.read_message()))["command"] == "hello"
        edit.write_text(text, encoding="utf-8")
        message = await asyncio.wait_for(socket.read_message(), EVENT_TIMEOUT_SECONDS)
        return dict(json.loads(str(message)))
    finally:
        socket.close()


@pytest.mark.skipif(os.name != "posix", reason="stops the server with a signal")
def test_serve_reloads_when_a_file_in_static_well_known_is_edited(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    with serving(site, tmp_path / "out") as url:
        assert "old@example.org" in fetch(url + SECURITY)
        edited = "Contact: mailto:someone-new@example.org\n"  # a new size, whatever the clock
        message = asyncio.run(reload_after(url, site / "static" / SECURITY, edited))
        assert message["command"] == "reload"
        assert fetch(url + SECURITY) == edited  # rebuilt before browsers were told

"""`serve` reports a bug met while answering a request: one line, the traceback with --verbose.

The server itself is replaced by a stand-in that reports one such bug, so that the test needs
no port to answer on and no browser.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence

import pytest

import microblog.serve as serve_module
from microblog.cli import main
from microblog.preview import Preview
from microblog.serve import ErrorHandler
from tests.conftest import MakeSite


def _serve_one_bug(
    _preview: Preview,
    _sockets: Sequence[socket.socket],
    *,
    on_build: Callable[..., None],
    on_ready: Callable[[], None],
    on_error: ErrorHandler,
) -> None:
    on_ready()
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        on_error("/posts/first/", exc)


@pytest.mark.parametrize("verbose", [False, True])
def test_serve_reports_a_request_bug_in_one_line(
    verbose: bool,
    make_site: MakeSite,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"content/first.md": "Hello #serve\n"})
    monkeypatch.setattr(serve_module, "serve_preview", _serve_one_bug)
    args = ["serve", "--config", str(site / "site.yaml"), "--port", "0"]
    assert main(args + ["--verbose"] * verbose) == 0
    err = capsys.readouterr().err
    line = "internal error answering /posts/first/: RuntimeError: boom (please report it)\n"
    assert line in err
    assert ("Traceback (most recent call last)" in err) is verbose

"""open_inside: a file is read only once it is proven, open, to be a regular file in the site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from microblog.paths import NotInsideError, open_inside, readable_relative


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "post.md").write_text("inside")
    (tmp_path / "secret.md").write_text("outside")
    return root


def test_a_file_inside_is_read(site: Path) -> None:
    (site / "alias.md").symlink_to("post.md")  # a link that stays inside is fine
    for name in ("post.md", "alias.md"):
        with open_inside(site / name, os.path.realpath(site)) as handle:
            assert handle.read() == b"inside"


def test_a_link_leading_outside_is_refused(site: Path) -> None:
    (site / "link.md").symlink_to("../secret.md")
    with pytest.raises(NotInsideError, match="outside"):
        open_inside(site / "link.md", os.path.realpath(site))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_waiting(site: Path) -> None:
    os.mkfifo(site / "pipe.md")  # a blocking open would wait here for a writer, forever
    with pytest.raises(NotInsideError, match="not a regular file"):
        open_inside(site / "pipe.md", os.path.realpath(site))


def test_a_link_swapped_after_the_check_is_refused(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file opened is outside, but the path looks inside when checked: the open file's
    identity decides, not the path's."""
    (site / "link.md").symlink_to("../secret.md")
    real = os.path.realpath
    monkeypatch.setattr(
        os.path, "realpath", lambda p, **k: real(site / "post.md") if "link" in str(p) else real(p)
    )
    with pytest.raises(NotInsideError, match="changed while being opened"):
        open_inside(site / "link.md", real(site))


def test_a_missing_file_is_an_os_error(site: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_inside(site / "gone.md", os.path.realpath(site))


def test_a_name_that_is_not_utf8_reads_as_u_fffd(site: Path) -> None:
    path = Path(os.fsdecode(os.path.join(os.fsencode(site), b"static", b"bad\xff.css")))
    assert readable_relative(path, site) == "static/bad\ufffd.css"
    assert readable_relative(site / "a" / "b.md", site) == "a/b.md"

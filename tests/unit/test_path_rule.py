"""One rule for what an output path may be (microblog.outpaths), and three places that obey it.

A static file is copied, a served path answered, and a tag keeps its plain slug exactly when
the rule allows the name (issue 12: a static `con.css` was copied while a tag `con` became
`con-`). Each check goes through the real code: `collect_static` on a site folder,
`resolve_request` and `locate_file` on an output folder, `assign_tag_slugs`.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from microblog.assets import collect_static
from microblog.cli import main
from microblog.config import load_config
from microblog.outpaths import (
    MAX_NAME_BYTES,
    could_escape,
    is_device_name,
    is_output_name,
    name_problem,
    path_problem,
)
from microblog.serve import locate_file, resolve_request
from microblog.text.charclasses import MARKS
from microblog.text.hashtags import assign_tag_slugs, tag_key
from microblog.walk import counts

pytestmark = pytest.mark.skipif(os.name != "posix", reason="names with '\\' or ':' are POSIX's")

# The slug character policy (text/hashtags.py): letters, marks, digits and "_", in runs joined
# by single dashes, at most 80 bytes. A name outside it is never a tag's plain slug.
_PLAIN_SLUG = re.compile(f"[\\w{MARKS}]+(?:-[\\w{MARKS}]+)*")
_MAX_SLUG_BYTES = 80

DEVICE_STEMS = ["con", "CON", "Prn", "aux", "nul", "com1", "COM9", "lpt0", "com\u00b9", "conin$"]
names = st.one_of(
    st.text(  # anything but "/": dots, backslashes, controls, spaces, colons, non-ASCII
        st.characters(exclude_characters="/", exclude_categories=["Cs"]), max_size=12
    ),
    st.builds(  # device names, with or without an extension, a trailing space or dot
        "".join,
        st.tuples(
            st.sampled_from(DEVICE_STEMS),
            st.sampled_from(["", "1", "x", "-", " ", ".", ".css", ".tar.gz", " .txt"]),
        ),
    ),
    st.builds(  # long names, around the 255-byte limit, in 1- to 4-byte characters
        lambda char, count: char * count,
        st.sampled_from(["x", "é", "語", "\U00020000"]),
        st.integers(min_value=60, max_value=260),
    ),
    st.sampled_from(["..", ".", "...", "a.", "a ", " a", "c:x", "a\\b", "a\x00b", "é:"]),
)


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A site folder (static/ emptied for each name) and an output folder to serve."""
    site = tmp_path_factory.mktemp("site")
    (site / "site.yaml").write_text("title: Rule\nbase_url: https://example.org/\n")
    (site / "content").mkdir()
    (site / "static").mkdir()
    output = tmp_path_factory.mktemp("out")
    yield site, output


def _creatable(name: str) -> bool:
    """Whether a POSIX file system can hold a file of this name."""
    return (
        name not in ("", ".", "..")
        and "\x00" not in name
        and len(os.fsencode(name)) <= MAX_NAME_BYTES
    )


@settings(deadline=None, max_examples=300)
@given(names)
@example("con")
@example("lpt1")
@example("con.css")
@example("LPT1.txt")
@example("com\u00b9")
@example("photo (1).jpg")
@example("a+b c.css")
@example("new\nline.css")
@example("bad\udcff.txt")  # a name that is not UTF-8, as Python keeps it
@example("x" * 256)
@example("日本語.txt")
def test_a_static_file_a_served_path_and_a_tag_agree(places: tuple[Path, Path], name: str) -> None:
    allowed = is_output_name(name)
    assert allowed == (name_problem(name) is None) == (path_problem(name) is None)
    site, output = places
    if _creatable(name) and counts(name):  # hidden files, litter, backups are never static
        assert _copied_as_static(site, name) == allowed, name
    assert _served(output, name) == allowed, name
    if _is_plain_slug(name):
        slug = assign_tag_slugs([name])[name]
        assert (slug == name) == allowed, (name, slug)
        assert is_output_name(slug)


def _is_plain_slug(name: str) -> bool:
    """Whether the slug character policy makes `name` the plain slug of the tag `name`."""
    return (
        _PLAIN_SLUG.fullmatch(name) is not None
        and tag_key(name) == name
        and len(name.encode("utf-8")) <= _MAX_SLUG_BYTES
    )


def _copied_as_static(site: Path, name: str) -> bool:
    (site / "static" / name).write_bytes(b"x")
    try:
        files, problems = collect_static(load_config(site / "site.yaml"))
    finally:
        (site / "static" / name).unlink()
    reported = [problem for problem in problems if problem.code == "MB082"]
    assert len(reported) == (name not in files)
    return name in files


def _served(output: Path, name: str) -> bool:
    """Whether the server answers `/name` with the file of that name, which is there when
    the file system can hold it."""
    request = "/" + name
    if _creatable(name):
        (output / name).write_bytes(b"x")
    try:
        route = locate_file(output, resolve_request("/", request), request)
    finally:
        if _creatable(name):
            (output / name).unlink()
    if could_escape(name):
        assert route.status == HTTPStatus.FORBIDDEN
    return route.file is not None


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("index.html", None),
        ("tags/c/index.html", None),
        ("photo (1).jpg", None),
        ("a+b c.css", None),
        (".well-known/security.txt", None),  # hidden is the walker's business, not the rule's
        ("tags/educación/feed.xml", None),
        ("/etc/passwd", "an absolute path"),
        ("", "an empty name"),
        ("a//b", "an empty name"),
        ("a/../b", "the name '..'"),
        ("./a", "the name '.'"),
        ("a\\b.css", "a backslash"),
        ("a\x00b", "a NUL"),
        ("c:/x", "a Windows drive"),
        ("c:x", "a Windows drive"),
        ("new\nline.css", "a control character ('\\n')"),
        ("del\x7f", "a control character ('\\x7f')"),
        ("c1\x85", "a control character ('\\x85')"),
        ("bad\udcff.txt", "bytes that are not UTF-8"),
        ("notes.", "a dot or a space at the end, which Windows drops"),
        ("notes ", "a dot or a space at the end, which Windows drops"),
        ("con", "a Windows device name"),
        ("static/con.css", "a Windows device name"),
        ("LPT1.tar.gz", "a Windows device name"),
        ("com\u00b3", "a Windows device name"),
        ("con .txt", "a Windows device name"),
        ("x" * 255, None),
        ("x" * 256, "a name longer than 255 bytes"),
        ("é" * 128, "a name longer than 255 bytes"),
        ("/".join(["x" * 200] * 5), None),
        ("/".join(["x" * 200] * 6), "a path longer than 1024 bytes"),
    ],
)
def test_the_rule(path: str, problem: str | None) -> None:
    assert path_problem(path) == problem


@pytest.mark.parametrize(
    ("name", "device"),
    [
        ("con", True),
        ("CON.txt", True),
        ("nul.tar.gz", True),
        ("lpt9", True),
        ("com0", True),
        ("com\u00b2.css", True),
        ("conout$", True),
        ("aux .md", True),
        ("console", False),
        ("con-", False),
        ("com10", False),
        ("xcon", False),
        (".con", False),
    ],
)
def test_windows_device_names(name: str, device: bool) -> None:
    assert is_device_name(name) is device


def test_a_build_publishes_odd_but_safe_names_and_reports_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the whole build: spaces, "+", parentheses and `.well-known` are published;
    `con.css` is reported (MB082) and not copied, as a tag `con` is renamed."""
    site = tmp_path / "site"
    static = site / "static"
    (static / ".well-known").mkdir(parents=True)
    (site / "content").mkdir()
    (site / "site.yaml").write_text("title: Rule\nbase_url: https://example.org/\n")
    (site / "content" / "a.md").write_text("---\ndate: 2024-01-02\n---\nhello #con #ok\n")
    for name in ("photo (1).jpg", "a+b.css", ".well-known/security.txt", "con.css", "LPT1.txt"):
        (static / name).write_text(name)
    output = tmp_path / "out"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0
    err = capsys.readouterr().err
    for name in ("photo (1).jpg", "a+b.css", ".well-known/security.txt"):
        assert (output / name).read_text() == name
    for name in ("con.css", "LPT1.txt"):
        assert not (output / name).exists()
        assert f"static/{name}: warning MB082 file name cannot be published" in err
    assert (output / "tags" / "con-" / "index.html").is_file()
    assert not (output / "tags" / "con").exists()
    shutil.rmtree(output)

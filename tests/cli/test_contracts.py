"""Command-line contracts found wanting by an acceptance audit: each exit-2 error names its file
(or option) and key in one line; options may come before the command; nothing is written
outside the site; an interrupted build leaves no temporary folder behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from microblog.cli import main
from microblog.config import ConfigError, load_config
from microblog.output import OWNER, DirectorySink
from microblog.serve import address
from tests.conftest import REPO, MakeSite

DATED = "---\ndate: 2024-01-02T10:00:00Z\n---\nhello #x\n"


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://user.github.io//",
        "https://user.github.io//x/",
        "https://a.io/r//",
        "https://a.io/../x/",
        "https://a.io/%2e%2E/x/",
        "https://a.io/a/%2E/",
    ],
)
def test_base_url_with_an_empty_or_dot_segment_is_refused(make_site: MakeSite, url: str) -> None:
    """`//style.css` is the host "style.css": such a base_url broke every link of the site."""
    site = make_site({"content/a.md": DATED}, base_url=url)
    with pytest.raises(ConfigError) as raised:
        load_config(site / "site.yaml")
    assert "site.yaml:2: error MB005 key 'base_url' has an empty" in str(raised.value.problems[0])


def test_base_url_override_with_an_empty_segment_is_exit_2(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": DATED})
    args = ["build", "--config", str(site / "site.yaml"), "--base-url", "https://a.io//"]
    assert main(args) == 2
    assert one_error_line(capsys.readouterr().err).startswith("--base-url: error MB005")


@pytest.mark.parametrize("inside", ["static/out", "templates/out", "content/out"])
def test_output_inside_a_source_folder_is_refused_naming_the_key(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], inside: str
) -> None:
    """An output folder inside static/ was copied into itself, one level deeper each build."""
    site = make_site({"content/a.md": DATED, "static/x.css": "a{}", "templates/x.html": "x"})
    (site / "site.yaml").write_text(
        f"title: T\nbase_url: https://example.org/\noutput_dir: {inside}\n", encoding="utf-8"
    )
    assert main(["build", "--config", str(site / "site.yaml")]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "site.yaml:3: error MB008 key 'output_dir': refusing output folder" in line
    assert not (site / inside).exists()


def test_output_option_errors_name_the_option(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/a.md": DATED})
    monkeypatch.chdir(site)
    assert main(["build", "--output", ""]) == 2
    assert one_error_line(capsys.readouterr().err).startswith("--output: error MB005 --output")
    assert main(["build", "--output", "."]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("--output: error MB008 refusing output folder")


def test_new_refuses_a_content_folder_outside_the_site(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({})
    (site / "site.yaml").write_text(
        "title: T\nbase_url: https://example.org/\ncontent_dir: ../escape\n", encoding="utf-8"
    )
    assert main(["new", "--config", str(site / "site.yaml"), "hello #x"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "site.yaml:3: error MB007 key 'content_dir'" in line
    assert not (tmp_path / "escape").exists()
    assert main(["check", "--config", str(site / "site.yaml")]) == 2


@pytest.mark.parametrize("value", ["99999999999999999999", "253402300800", "yesterday", "-1"])
def test_malformed_source_date_epoch_is_a_usage_error(
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    value: str,
) -> None:
    """It was an "internal error" (OverflowError) with exit 1; the reproducible-builds
    specification asks a build to stop on a malformed value."""
    site = make_site({"content/a.md": DATED})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    output = tmp_path / "out"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 2
    assert one_error_line(capsys.readouterr().err).startswith("SOURCE_DATE_EPOCH: error MB005")
    assert not output.exists()


@pytest.mark.parametrize("command", ["build", "check"])
def test_options_may_come_before_the_command(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    site = make_site({"content/a.md": DATED})
    extra = ["--output", str(tmp_path / "out")] if command == "build" else []
    assert main(["--config", str(site / "site.yaml"), *extra, command]) == 0, capsys.readouterr()
    assert main(["--conf", str(site / "site.yaml"), *extra, command]) == 0, capsys.readouterr()


def test_missing_include_names_the_including_template(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = '{% extends "default/post.html" %}\n{% block content %}\n{% include "nope.html" %}\n'
    site = make_site({"content/a.md": DATED, "templates/post.html": post + "{% endblock %}\n"})
    output = tmp_path / "out"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 1
    assert "templates/post.html:3: error MB070 template error: template not found: nope.html" in (
        capsys.readouterr().err
    )


def test_serve_on_every_address_prints_the_local_one() -> None:
    class Bound:
        def getsockname(self) -> tuple[str, int]:
            return ("0.0.0.0", 8123)

    sockets = [Bound()]
    assert address("0.0.0.0", sockets, "/archive/") == "http://127.0.0.1:8123/archive/"  # type: ignore[arg-type]
    assert address("127.0.0.1", sockets, "/") == "http://127.0.0.1:8123/"  # type: ignore[arg-type]


@pytest.mark.skipif(os.name != "posix", reason="build folders are locked with flock")
def test_abandoned_temporary_folders_are_removed(tmp_path: Path) -> None:
    """A build killed by SIGKILL cannot clean up: the next build removes its temporary folder
    (its owner file is no longer locked), but never one of a build still running, nor a
    folder that is not a build's."""
    dead = tmp_path / ".out.microblog-tmp-dead"
    (dead / "new").mkdir(parents=True)
    (dead / OWNER).write_text("elsewhere 1\n")  # what a killed build leaves: nobody locks it
    foreign = tmp_path / ".out.microblog-tmp-foreign"
    (foreign / "new").mkdir(parents=True)
    running = DirectorySink(tmp_path / "out")  # holds its lock until discarded
    try:
        DirectorySink(tmp_path / "out").discard()
        assert not dead.exists()
        assert foreign.exists()
        assert running.temp.exists()
    finally:
        running.discard()
    assert not running.temp.exists()


@pytest.mark.skipif(os.name != "posix", reason="SIGSTOP holds the build while it is signalled")
def test_sigterm_during_a_build_keeps_the_old_site_and_leaves_no_temporary_folder(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """SIGTERM while the build is observably in progress (its temporary folder exists, and the
    process is stopped while it is signalled): exit 143, no temporary folder left, and the
    output is the old site, or the new one if the signal came during the final swap."""
    site = make_site({"content/a.md": DATED})
    output = tmp_path / "out"
    command = [sys.executable, str(REPO / "build.py"), "--config", str(site / "site.yaml")]
    subprocess.run(
        [*command, "--output", str(output)], check=True, capture_output=True, timeout=HUNG_SECONDS
    )
    old = tree(output)
    # A new build long enough to be caught at work: it is stopped as soon as it has begun.
    posts = "".join(f"post number {n} about caching #t{n % 300}\n\n" for n in range(2000))
    (site / "content" / "b.txt").write_text("---\ndate: 2024-01-02\n---\n" + posts)
    process = subprocess.Popen(
        [*command, "--output", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        in_progress = stop_while_building(process, tmp_path)
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGCONT)
        _, err = process.communicate(timeout=HUNG_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert b"Traceback" not in err
    assert list(tmp_path.glob(".out.microblog-tmp-*")) == []
    if in_progress:
        assert process.returncode == 128 + signal.SIGTERM, err
    else:  # it ended before it was seen building: the signal came too late to stop it
        assert process.returncode in (0, 128 + signal.SIGTERM, -signal.SIGTERM), err
    built = tree(output)
    if built != old or not in_progress:  # then only the whole new site may be there
        new = tmp_path / "new"
        subprocess.run(
            [*command, "--output", str(new)], check=True, capture_output=True, timeout=HUNG_SECONDS
        )
        assert built == tree(new)


HUNG_SECONDS = 300  # only a hung build takes this long; nothing here races the clock


def stop_while_building(process: subprocess.Popen[bytes], folder: Path) -> bool:
    """Wait until the build's temporary folder appears in `folder`, then SIGSTOP the build.
    True if it was stopped still building (the folder still there), False if it had ended."""
    deadline = time.monotonic() + HUNG_SECONDS
    while process.poll() is None:
        if list(folder.glob(".out.microblog-tmp-*")):
            process.send_signal(signal.SIGSTOP)
            return process.poll() is None and bool(list(folder.glob(".out.microblog-tmp-*")))
        assert time.monotonic() < deadline, "the build neither started nor ended"
        time.sleep(0.005)
    return False


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }

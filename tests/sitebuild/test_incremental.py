"""Incremental builds: after an edit only the files whose bytes change are written, the
records of unchanged post files are not parsed again, and the output is a clean build's."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from microblog.buildcache import CACHE_FOLDER
from microblog.cli import main
from microblog.config import load_config
from microblog.preview import Preview
from microblog.recordcache import RECORDS_FILE
from tests.conftest import REPO
from tests.sitebuild.test_buildcache import (
    add_post,
    build,
    change_digest,
    change_tag_template,
    clean_build_of,
    delete_post,
    edit_post,
    new_site,
)
from tests.support.sitechecks import diff_snapshots, snapshot_tree, tree_digest


def stamps(output: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each file's modification time, inode and bytes."""
    found = {}
    for path in output.rglob("*"):
        if path.is_file():
            status = path.stat()
            found[path.relative_to(output).as_posix()] = (
                status.st_mtime_ns,
                status.st_ino,
                path.read_bytes(),
            )
    return found


def test_an_edit_rewrites_only_the_files_whose_bytes_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    before = stamps(output)
    with (site / "content/p3.md").open("a", encoding="utf-8") as post:
        post.write("\nA second line.\n")
    said = build(site, output, capsys, "--verbose")
    after = stamps(output)
    assert "build cache: 1 post files parsed" in said
    # the search index's files are named by their content: an edit renames some of them
    index = {path for path in {*before, *after} if path.startswith("pagefind/")}
    assert set(after) - index == set(before) - index
    assert any(path.startswith("pagefind/fragment/") for path in set(after) - set(before))
    common = set(after) & set(before)
    rewritten = {path for path in common if after[path][:2] != before[path][:2]}
    changed = {path for path in common if after[path][2] != before[path][2]}
    assert rewritten == changed  # nothing written again with the same bytes
    assert "posts/p3/index.html" in changed
    assert "posts/p1/index.html" not in changed  # neither the post nor its neighbour
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_digests_kept_and_made_as_a_clean_build_makes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    change_digest(site, 2)  # daily, and for each tag
    build(site, output, capsys)
    for edit, number in ((edit_post, 1), (add_post, 3), (delete_post, 0), (change_digest, 1)):
        edit(site, number)
        before = stamps(output)
        build(site, output, capsys)
        assert tree_digest(output) == clean_build_of(site, tmp_path, capsys), edit.__name__
        assert (output / "digest/index.html").is_file()
        after = stamps(output)
        kept = {path for path in before.keys() & after.keys() if before[path] == after[path]}
        assert kept, edit.__name__  # not everything was written again


def test_a_template_change_renders_only_the_pages_of_that_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    before = stamps(output)
    change_tag_template(site, 1)
    build(site, output, capsys)
    after = stamps(output)
    rewritten = {path for path in after if after[path][:2] != before[path][:2]}
    assert rewritten
    assert all(path.startswith("tags/") and path.endswith(".html") for path in rewritten)
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def forge(text: str) -> str:
    """A record of another shape (a field too many), checksum left as it was."""
    return text.replace('{"T":"Post","v":[', '{"T":"Post","v":[1,', 1)


def resealed(change: Callable[[str], str]) -> Callable[[str], str]:
    """`change` applied to the records, their checksum made to match again."""

    def damage(text: str) -> str:
        header, _, body = text.partition("\n")
        body = change(body)
        fields = json.loads(header)
        fields["sha256"] = hashlib.sha256(body.encode("ascii")).hexdigest()
        return json.dumps(fields) + "\n" + body

    return damage


def bad_zone(body: str) -> str:
    return re.sub(r'\["offset",[^\]]*\]', '["zone","Europe"]', body, count=1)


@pytest.mark.parametrize(
    "damage",
    [
        lambda _: "",
        lambda _: "{not json",
        lambda _: '{"format": "other"}',
        lambda _: "[1]",
        forge,
        resealed(lambda body: body.replace('{"T":"Post","v":[', '{"T":"Post","v":[1,', 1)),
        resealed(bad_zone),  # a folder of the zone database, not a zone: an OSError
        resealed(lambda body: body.replace('{"T":"Source"', '{"T":"Nope"', 1)),
    ],
)
def test_damaged_records_are_discarded_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Callable[[str], str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    records = site / CACHE_FOLDER / RECORDS_FILE
    records.write_text(damage(records.read_text("utf-8")), "utf-8")
    edit_post(site, 2)
    said = build(site, output, capsys, "--verbose")
    assert "warning MB100 cached records cannot be read" in said
    assert "build cache: 7 post files parsed" in said
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_workers_keep_and_render_the_same_pages_as_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROBLOG_JOBS", "2")
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    change_tag_template(site, 2)
    edit_post(site, 4)
    build(site, output, capsys)
    monkeypatch.setenv("MICROBLOG_JOBS", "1")
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_two_builds_at_once_leave_a_cache_the_next_build_can_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    command = [sys.executable, str(REPO / "build.py"), "--config", str(site / "site.yaml")]
    command += ["--output", str(output)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_ in range(3):
        edit_post(site, round_)
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for run in runs:
            _out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err.decode()
        build(site, output, capsys)
        assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_records_that_came_with_a_copied_site_are_not_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)  # the cache with it, as a clone of a repository holding it
    said = build(copy, tmp_path / "copy-out", capsys, "--verbose")
    assert "build cache: 7 post files parsed" in said
    said = build(copy, tmp_path / "copy-out", capsys, "--verbose")
    assert "nothing changed" in said
    edit_post(copy, 1)
    assert "build cache: 1 post files parsed" in build(
        copy, tmp_path / "copy-out", capsys, "--verbose"
    )


def test_quiet_prints_only_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    (site / "content/bad.md").write_text("---\ndate: 2024-13-45\n---\nbad date\n", "utf-8")
    command = ["build", "--config", str(site / "site.yaml"), "--output", str(output), "--quiet"]
    assert main(command) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert [line for line in err.splitlines() if " MB0" not in line] == []
    assert " warning MB0" in err


def test_the_preview_rebuilds_on_the_same_incremental_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = new_site(tmp_path / "site")
    config = load_config(site / "site.yaml")
    preview = Preview(config, {}, source_date_epoch=0)
    first = preview.rebuild()
    assert first.result is not None and first.result.parsed == 7
    before = stamps(config.output_dir)
    edit_post(site, 3)
    report = preview.poll()
    assert report is not None and report.result is not None
    assert report.result.parsed == 1
    after = stamps(config.output_dir)
    written = {path for path in after if path not in before or after[path][:2] != before[path][:2]}
    assert "posts/p4/index.html" in written
    assert not {"posts/p1/index.html", "posts/p7/index.html", "tags/tag2/feed.xml"} & written
    assert tree_digest(config.output_dir) == clean_build_of(site, tmp_path, capsys)


def test_a_page_using_a_templates_module_depends_on_what_its_code_looked_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Jinja makes an imported template's module once: every page using it, not only the
    first one rendered, depends on the posts its top-level code looked up."""
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    (site / "templates").mkdir()
    (site / "templates/_pinned.html").write_text(
        "{% set pinned = posts_by_id['content/p1'] %}"
        "{% macro sidebar() %}<aside>{{ pinned.headline }}</aside>{% endmacro %}",
        "utf-8",
    )
    base = (REPO / "microblog/templates/base.html").read_text("utf-8")
    sidebar = "{% from '_pinned.html' import sidebar %}{{ sidebar() }}</footer>"
    (site / "templates/base.html").write_text(base.replace("</footer>", sidebar), "utf-8")
    build(site, output, capsys)
    (site / "content/p1.md").write_text("---\ndate: 2024-03-01T10:00:00Z\n---\nPinned\n")
    build(site, output, capsys)
    assert "<aside>Pinned</aside>" in (output / "posts/p5/index.html").read_text("utf-8")
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_where_hard_links_cannot_be_made_an_update_still_lands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    monkeypatch.setattr("microblog.inplace.os.link", no_links)
    monkeypatch.setattr("microblog.output.os.link", no_links)
    for round_ in range(2):
        edit_post(site, round_)
        build(site, output, capsys)
        assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_a_commit_that_fails_halfway_puts_the_output_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    before = snapshot_tree(output, exclude=[])
    (site / "content/p9.md").write_text("---\ndate: 2024-03-09\n---\nNine #NewTag\n", "utf-8")
    replace = Path.replace
    failed: list[Path] = []

    def full_disk(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target).name == "sitemap.xml" and not failed:
            failed.append(self)
            raise OSError(28, "No space left on device")
        return replace(self, target)

    monkeypatch.setattr(Path, "replace", full_disk)
    command = ["build", "--config", str(site / "site.yaml"), "--output", str(output)]
    assert main(command) == 1
    assert "build failed" in capsys.readouterr().err
    assert failed
    after = snapshot_tree(output, exclude=[])
    assert sorted(after) == sorted(before)  # no folder made for the new post or tag is left
    assert diff_snapshots(before, after) == []
    monkeypatch.setattr(Path, "replace", replace)
    build(site, output, capsys)
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_an_output_file_edited_with_its_size_and_time_kept_is_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    page = output / "posts/p1/index.html"
    status = page.stat()
    text = page.read_text("utf-8")
    page.write_text(text.replace("Post 1", "Tsop 1"), "utf-8")  # same size
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))  # as rsync -t or touch -r
    edit_post(site, 5)
    build(site, output, capsys)
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)

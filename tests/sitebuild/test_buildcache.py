"""The build cache: a build over unchanged inputs writes nothing; after any change the output
is the one a clean build gives; a damaged cache is discarded with a warning."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microblog.buildcache import CACHE_FOLDER, STATE_FILE
from microblog.cli import main
from tests.conftest import REPO, write_site
from tests.support.sitechecks import diff_snapshots, snapshot_tree, tree_digest

MASTODON = REPO / "tests/fixtures/mastodon/full"


def new_site(root: Path) -> Path:
    posts = {
        f"content/p{n}.md": f"---\ndate: 2024-03-{n:02d}T10:00:00Z\n---\nPost {n} #Tag{n % 3}\n"
        for n in range(1, 8)
    }
    return write_site(root, posts, dates_from_git="false", posts_per_page="3")


def build(site: Path, output: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code = main(["build", "--config", str(site / "site.yaml"), "--output", str(output), *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out + err


def clean_build_of(site: Path, work: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The output a clean build of a copy of `site` gives, cache left behind."""
    copy = work / "clean-site"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, symlinks=True, ignore=shutil.ignore_patterns(CACHE_FOLDER))
    shutil.rmtree(work / "clean-out", ignore_errors=True)
    build(copy, work / "clean-out", capsys, "--clean")
    return tree_digest(work / "clean-out")


def test_a_build_with_nothing_changed_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    (site / "content/bad.md").write_text("---\ndate: 2024-13-45\n---\nbad date\n", "utf-8")
    first = build(site, output, capsys)
    assert " warning MB0" in first
    before = snapshot_tree(tmp_path, exclude=[])
    again = build(site, output, capsys)
    assert (
        diff_snapshots(before, snapshot_tree(tmp_path, exclude=[]), compare_dir_mtimes=True) == []
    )
    assert "nothing changed since the last build: kept" in again
    # the same problems, reported again; --strict fails on them as a full build would
    assert [line for line in again.splitlines() if " MB0" in line] == [
        line for line in first.splitlines() if " MB0" in line
    ]
    code = main(["build", "--config", str(site / "site.yaml"), "--output", str(output), "--strict"])
    assert code == 1
    capsys.readouterr()


def test_verbose_says_what_each_stage_took_and_what_the_cache_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    said = build(site, output, capsys, "--verbose")
    for stage in (
        "read",
        "plan",
        "render and write pages",
        "feeds",
        "sitemap, media and static files",
    ):
        assert re.search(rf"^ +[0-9]+\.[0-9]{{2}} s  {stage}$", said, re.MULTILINE), stage
    again = build(site, output, capsys, "--verbose")
    assert "build cache: inputs and output as the last build left them; nothing rendered" in again


def test_a_damaged_cache_is_discarded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    build(site, output, capsys)
    state = site / CACHE_FOLDER / STATE_FILE
    good = json.loads(state.read_text("utf-8"))
    for damaged in (
        b"{not json",
        state.read_bytes()[:40],
        json.dumps({**good, "format": "microblog-last-build-1"}).encode(),
        json.dumps({**good, "problems": [["a", "x", "MB001", "error", "m", ""]]}).encode(),
        b"\xff\xfe",
    ):
        state.write_bytes(damaged)
        (output / "index.html").write_text("tampered", "utf-8")
        said = build(site, output, capsys)
        assert "warning MB100 build cache cannot be read" in said
        assert "nothing changed" not in said
        assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)
    assert "nothing changed" in build(site, output, capsys)  # the new state is trusted


def test_an_edit_that_keeps_size_and_time_is_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file hashed before is known again by its size, times and inode; an edit that puts
    back its size and modification time still changes its change time, and is read."""
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    post = site / "content/p1.md"
    for path in (site / "content").iterdir():
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    time.sleep(2.1)  # a file changed in the last two seconds is not yet known by its times
    build(site, output, capsys)
    assert "nothing changed" in build(site, output, capsys)  # known by the hashes kept
    state = json.loads((site / CACHE_FOLDER / STATE_FILE).read_text("utf-8"))
    assert "content/p1.md" in state["hashes"]
    post.write_text(post.read_text("utf-8").replace("Post 1 ", "Tsop 1 "), "utf-8")
    os.utime(post, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    assert "nothing changed" not in build(site, output, capsys)
    assert "Tsop 1" in (output / "posts/p1/index.html").read_text("utf-8")


def test_what_the_walk_skips_but_a_post_names_is_fingerprinted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    post = "---\ndate: 2024-03-20\nmedia: [{file: .cover.png, alt: a cover}]\n---\nCover\n"
    (site / "content/cover.md").write_text(post, "utf-8")
    (site / "content/.cover.png").write_bytes(b"first")
    build(site, output, capsys)
    (site / "content/.cover.png").write_bytes(b"second")
    assert "nothing changed" not in build(site, output, capsys)
    assert tree_digest(output) == clean_build_of(site, tmp_path, capsys)


def test_odd_states_and_names_never_crash_a_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, output = new_site(tmp_path / "site"), tmp_path / "out"
    (site / "static").mkdir()
    (site / "static").joinpath(b"caf\xe9.txt".decode("utf-8", "surrogateescape")).write_text("x")
    for path in (site / "static").iterdir():
        os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)
    time.sleep(2.1)  # old enough for its hash to be kept under its name, which is not UTF-8
    build(site, output, capsys)
    assert "nothing changed" in build(site, output, capsys)
    state = site / CACHE_FOLDER / STATE_FILE
    state.write_bytes(b"[" * 100_000 + b"]" * 100_000)  # nested too deeply for json
    assert "MB100" in build(site, output, capsys)
    # a cache folder that is a link leads out of the site: neither read nor written
    shutil.rmtree(site / CACHE_FOLDER)
    outside = tmp_path / "outside"
    outside.mkdir()
    (site / CACHE_FOLDER).symlink_to(outside)
    build(site, output, capsys)
    assert "nothing changed" not in build(site, output, capsys)
    assert list(outside.iterdir()) == []


Edit = Callable[[Path, int], None]


def add_post(site: Path, n: int) -> None:
    (site / f"content/new{n}.md").write_text(
        f"---\ndate: 2024-04-{1 + n % 27:02d}\n---\nNew #Fresh\n"
    )


def edit_post(site: Path, n: int) -> None:
    posts = sorted((site / "content").glob("*.md"))
    if posts:
        with posts[n % len(posts)].open("a", encoding="utf-8") as post:
            post.write(f"\nEdited {n}. #Edited\n")


def delete_post(site: Path, n: int) -> None:
    posts = sorted((site / "content").glob("*.md"))
    if len(posts) > 1:
        posts[n % len(posts)].unlink()


def rename_post(site: Path, n: int) -> None:
    posts = sorted((site / "content").glob("*.md"))
    if posts:
        posts[n % len(posts)].rename(site / f"content/renamed{n}.md")


def change_template(site: Path, n: int) -> None:
    """Every page shows how many posts there are: each depends on every post."""
    (site / "templates").mkdir(exist_ok=True)
    base = (REPO / "microblog/templates/base.html").read_text("utf-8")
    footer = f"<p>v{n}: {{{{ posts_by_id|length }}}} posts</p></footer>"
    (site / "templates/base.html").write_text(base.replace("</footer>", footer))


def change_tag_template(site: Path, n: int) -> None:
    """Tag pages show the text of the tag's oldest post: each depends on all the tag's posts."""
    (site / "templates").mkdir(exist_ok=True)
    tag = (REPO / "microblog/templates/tag.html").read_text("utf-8")
    oldest = f"<p>{n}: {{{{ (tag.posts|last).text }}}}</p>"
    (site / "templates/tag.html").write_text(
        tag.replace("{% block content %}", "{% block content %}" + oldest, 1)
    )


def edit_parent(site: Path, n: int) -> None:
    """The post that replies answer (by id): their pages show its headline."""
    text = f"---\nid: parent\ndate: 2024-03-{1 + n % 27:02d}\n---\nParent version {n} #Tag1\n"
    (site / "content/parent.md").write_text(text, "utf-8")


def add_reply(site: Path, n: int) -> None:
    reply = "{url: 'https://example.social/@me/1', post_id: parent}"
    text = f"---\ndate: 2024-05-{1 + n % 27:02d}\nreply_to: {reply}\n---\nReply {n}\n"
    (site / f"content/reply{n}.md").write_text(text, "utf-8")


def delete_parent(site: Path, n: int) -> None:
    (site / "content/parent.md").unlink(missing_ok=True)


def change_page_size(site: Path, n: int) -> None:
    config = site / "site.yaml"
    lines = config.read_text("utf-8").splitlines()
    lines = [line for line in lines if "posts_per_page" not in line]
    config.write_text("\n".join([*lines, f"posts_per_page: {2 + n % 3}"]) + "\n", "utf-8")


def change_digest(site: Path, n: int) -> None:
    """Digest feeds and pages off, weekly, or daily with a digest for each tag."""
    config = site / "site.yaml"
    lines = [line for line in config.read_text("utf-8").splitlines() if "feed:" not in line]
    digest = ["", "feed: {digest: weekly}", "feed: {digest: daily, digest_tags: true}"][n % 3]
    config.write_text("\n".join([*lines, digest]) + "\n", "utf-8")


def change_stylesheet(site: Path, n: int) -> None:
    (site / "static").mkdir(exist_ok=True)
    (site / "static/style.css").write_text(f"body {{ margin: {n}px; }}\n", "utf-8")


def change_config(site: Path, n: int) -> None:
    config = site / "site.yaml"
    lines = [line for line in config.read_text("utf-8").splitlines() if "title" not in line]
    config.write_text("\n".join([f"title: Site {n}", *lines]) + "\n", "utf-8")


def add_export(site: Path, n: int) -> None:
    target = site / f"content/mastodon{n}"
    if not target.exists():
        shutil.copytree(MASTODON, target)


def touch_only(site: Path, n: int) -> None:
    posts = sorted((site / "content").glob("*.md"))
    if posts:
        posts[n % len(posts)].write_bytes(posts[n % len(posts)].read_bytes())


def tamper_output(site: Path, n: int) -> None:
    pages = sorted((site.parent / "out").rglob("*.html"))
    if pages:
        pages[n % len(pages)].unlink()


def remove_output(site: Path, n: int) -> None:
    shutil.rmtree(site.parent / "out", ignore_errors=True)


EDITS: list[Edit] = [
    add_post,
    edit_post,
    delete_post,
    rename_post,
    change_template,
    change_stylesheet,
    change_config,
    add_export,
    touch_only,
    tamper_output,
    change_tag_template,
    edit_parent,
    add_reply,
    delete_parent,
    change_page_size,
    change_digest,
    remove_output,
]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 50)), min_size=1, max_size=6))
def test_after_any_edits_the_output_is_a_clean_builds(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    edits: list[tuple[Edit, int]],
) -> None:
    work = tmp_path_factory.mktemp("edits")
    site, output = new_site(work / "site"), work / "out"
    build(site, output, capsys)
    for edit, number in edits:
        edit(site, number)
        build(site, output, capsys)
        assert tree_digest(output) == clean_build_of(site, work, capsys), edit.__name__

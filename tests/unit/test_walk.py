"""The one folder walk (microblog.walk): which files count, links, loops, depth and order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from microblog.walk import MAX_DEPTH, Found, Skip, Skipped, Tree, counts, walk

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symbolic links and named pipes")


def summary(tree: Tree, exclude: list[Path] | None = None) -> list[str]:
    """Each item of the walk in order: "path" for a file (with "= first" for a second name),
    "path: reason" for what was passed by."""
    lines = []
    for item in walk(tree, exclude or []):
        if isinstance(item, Found):
            first = f" = {item.first.relative_to(tree.root).as_posix()}" if item.first else ""
            lines.append(item.relative + first)
        else:
            lines.append(f"{item.relative}: {item.reason.name}")
    return lines


def write(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)


def test_hidden_names_litter_and_backups_never_count_unless_kept(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.css",
        ".hidden.css",
        ".git/HEAD",
        ".well-known/security.txt",
        ".DS_Store",
        "Thumbs.db",
        "sub/DESKTOP.INI",
        "style.css~",
        "sub/b.css",
    )
    assert summary(Tree(tmp_path, tmp_path)) == ["a.css", "sub/b.css"]
    kept = Tree(tmp_path, tmp_path, keep_hidden=frozenset({".well-known"}))
    assert summary(kept) == [".well-known/security.txt", "a.css", "sub/b.css"]
    assert counts(".well-known", {".well-known"}) and not counts(".well-known")
    assert not counts("post.md~") and not counts("thumbs.DB")


def test_the_order_is_the_order_of_whole_paths(tmp_path: Path) -> None:
    """ "a-b/x" sorts before "a/x" ("-" < "/"): a folder sorts as its name and a "/"."""
    write(tmp_path, "a/x", "a-b/x", "a0", "b", "a/y/z")
    assert summary(Tree(tmp_path, tmp_path)) == ["a-b/x", "a/x", "a/y/z", "a0", "b"]
    found = [item.relative for item in walk(Tree(tmp_path, tmp_path))]
    assert found == sorted(found)


def test_suffixes_choose_files_but_every_problem_is_said(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "B.MD", "c.png")
    (tmp_path / "gone.png").symlink_to("missing.png")
    tree = Tree(tmp_path, tmp_path, suffixes=frozenset({".md"}))
    assert summary(tree) == ["B.MD", "a.md", "gone.png: BROKEN"]


def test_links_are_followed_only_inside(tmp_path: Path) -> None:
    site, outside = tmp_path / "site", tmp_path / "outside"
    write(site, "static/a.css", "shared/b.css")
    write(outside, "secret.css")
    (site / "static" / "in.css").symlink_to("../shared/b.css")
    (site / "static" / "shared").symlink_to("../shared")
    (site / "static" / "out.css").symlink_to(outside / "secret.css")
    (site / "static" / "out").symlink_to(outside)
    assert summary(Tree(site / "static", site)) == [
        "a.css",
        "in.css",
        "out.css: OUTSIDE",
        "out: OUTSIDE",  # a folder: "out/" sorts after "out.css"
        "shared/b.css = in.css",
    ]
    assert summary(Tree(site / "static", site / "static"))[1:] == [
        "in.css: OUTSIDE",
        "out.css: OUTSIDE",
        "out: OUTSIDE",
        "shared: OUTSIDE",
    ]


def test_a_root_that_leads_outside_or_nowhere_is_said_once(tmp_path: Path) -> None:
    write(tmp_path, "outside/a.css")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "static").symlink_to(tmp_path / "outside")
    (tmp_path / "site" / "templates").symlink_to("gone")
    site = tmp_path / "site"
    assert summary(Tree(site / "static", site)) == [": OUTSIDE"]
    assert summary(Tree(site / "templates", site)) == [": BROKEN"]
    assert summary(Tree(site / "missing", site)) == []


def test_loops_and_folders_reached_twice_are_walked_once(tmp_path: Path) -> None:
    write(tmp_path, "real/post.md")
    (tmp_path / "here").symlink_to(".")
    (tmp_path / "real" / "up").symlink_to("..")
    (tmp_path / "again").symlink_to("real")
    (tmp_path / "self.md").symlink_to("self.md")
    assert summary(Tree(tmp_path, tmp_path)) == [
        "again/post.md",
        "again/up: LOOP",
        "here: LOOP",
        "real: SAME_FOLDER",
        "self.md: BROKEN",
    ]
    (same,) = [i for i in walk(Tree(tmp_path, tmp_path)) if isinstance(i, Skipped) and i.first]
    assert same.first == tmp_path / "again"


def test_many_links_to_one_folder_take_linear_time(tmp_path: Path) -> None:
    """Each level links twice to the next: walked without memory of folders, 2**20 paths."""
    for level in range(20):
        folder = tmp_path / f"d{level}"
        folder.mkdir()
        (folder / "x").symlink_to(f"../d{level + 1}")
        (folder / "y").symlink_to(f"../d{level + 1}")
    (tmp_path / "d20").mkdir()
    (tmp_path / "d20" / "post.md").write_text("deep")
    items = list(walk(Tree(tmp_path / "d0", tmp_path)))
    assert len(items) < 100
    assert sum(isinstance(item, Found) for item in items) == 1


def test_nesting_stops_at_the_depth_limit(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*(f"d{i}" for i in range(MAX_DEPTH + 2)))
    deep.mkdir(parents=True)
    (deep.parent / "last.md").write_text("too deep")
    (deep.parent.parent / "kept.md").write_text("just deep enough")
    lines = summary(Tree(tmp_path, tmp_path))
    assert lines == [
        "/".join(f"d{i}" for i in range(MAX_DEPTH + 1)) + ": TOO_DEEP",
        "/".join(f"d{i}" for i in range(MAX_DEPTH)) + "/kept.md",
    ]


def test_pipes_are_not_regular_and_the_excluded_folder_is_not_walked(tmp_path: Path) -> None:
    write(tmp_path, "a.css", "_site/index.html")
    os.mkfifo(tmp_path / "pipe.css")
    (tmp_path / "built").symlink_to("_site")
    tree = Tree(tmp_path, tmp_path)
    assert summary(tree, exclude=[tmp_path / "_site"]) == ["a.css", "pipe.css: NOT_REGULAR"]


def test_a_folder_that_cannot_be_listed_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "locked/a.css", "b.css")
    scandir = os.scandir

    def refuse_locked(path: Path) -> object:
        if Path(path).name == "locked":  # as chmod 0 would, for a user other than root
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse_locked)
    items = list(walk(Tree(tmp_path, tmp_path)))
    assert [item.relative for item in items] == ["b.css", "locked"]
    assert items[1] == Skipped(tmp_path / "locked", "locked", Skip.UNLISTABLE, "Permission denied")

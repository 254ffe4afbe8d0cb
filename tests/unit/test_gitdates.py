"""Dates from git history: stable across builds and clones, new posts show up as new."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from microblog.cli import main
from microblog.sources.gitdates import parse_blame_porcelain
from tests.conftest import MakeSite, git


def records(site: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["check", "--json", "--config", str(site / "site.yaml")]) in (0, 1)
    return json.loads(capsys.readouterr().out)


def test_posts_take_the_date_of_the_commit_that_added_them(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/archive.txt": "First post #a\nSecond post\nspans lines #b\n"})
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "first", date="2024-03-01T12:00:00+00:00")
    archive = site / "content" / "archive.txt"
    archive.write_text(archive.read_text() + "Appended later #c\n")
    git(site, "commit", "-qam", "second", date="2024-04-02T08:30:00+02:00")
    archive.write_text(archive.read_text() + "Not committed yet #d\n")

    by_text = {r["text"]: r for r in records(site, capsys)}
    assert by_text["First post #a"]["date"] == "2024-03-01T12:00:00+00:00"
    assert by_text["Second post\nspans lines #b"]["date"] == "2024-03-01T12:00:00+00:00"
    assert by_text["Appended later #c"]["date"] == "2024-04-02T08:30:00+02:00"
    assert by_text["Not committed yet #d"]["date"] is None
    assert by_text["First post #a"]["date_origin"] == "git"


def test_editing_a_line_keeps_the_first_date(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/archive.txt": "A post that\nwill be edited #a\n"})
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "first", date="2024-03-01T12:00:00+00:00")
    (site / "content" / "archive.txt").write_text("A post that\nwas edited #a\n")
    git(site, "commit", "-qam", "edit", date="2024-05-01T12:00:00+00:00")
    (post,) = records(site, capsys)
    assert post["date"] == "2024-03-01T12:00:00+00:00"


def test_site_yaml_date_wins_over_git(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.txt": "Hello #a\n"}, date="2023-01-01")
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "first")
    (post,) = records(site, capsys)
    assert post["date"] == "2023-01-01T00:00:00+00:00"
    assert str(post["date_origin"]).endswith("site.yaml:3")


def test_no_git_means_undated(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.txt": "Hello #a\n"})
    (post,) = records(site, capsys)
    assert post["date"] is None


def test_parse_blame_porcelain() -> None:
    sha = "a" * 40
    output = (
        f"{sha} 1 1 2\nauthor X\nauthor-time 1709294400\nauthor-tz +0100\n"
        "committer-time 1709380800\ncommitter-tz -0200\n\tline one\n"
        f"{sha} 2 2\n\tline two\n{'0' * 40} 3 3 1\nauthor-time 1\n\tuncommitted\n"
    )
    history = parse_blame_porcelain(output)
    assert sorted(history.authored) == sorted(history.committed) == [1, 2]
    assert history.authored[1].isoformat() == "2024-03-01T13:00:00+01:00"
    assert history.committed[2].isoformat() == "2024-03-02T10:00:00-02:00"


def test_git_identity_is_the_tests_own(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "f").write_text("x")
    git(tmp_path, "add", "f")
    git(tmp_path, "commit", "-qm", "m", date="2024-01-01T00:00:00+00:00")
    log = subprocess.run(
        ["git", "log", "--format=%an %aI"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert log == "Test Author 2024-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Old post #a\n", "New post #b\n"),  # dated by git
        # every post dated in its front matter: git is asked only who had a slug first
        (
            "---\nslug: same\ndate: 2024-01-01\n---\nFirst #x\n",
            "---\nslug: same\ndate: 2023-01-01\n---\nLater #x\n",
        ),
    ],
    ids=["dates", "slug-claims"],
)
def test_shallow_clone_is_reported(
    make_site: MakeSite,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    first: str,
    second: str,
) -> None:
    site = make_site({"content/a.md": first})
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "one", date="2020-01-01T00:00:00+00:00")
    (site / "content" / "b.md").write_text(second)
    git(site, "add", ".")
    git(site, "commit", "-qm", "two", date="2024-01-01T00:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{site}", str(clone))
    assert main(["check", "--config", str(clone / "site.yaml")]) == 1
    assert "warning MB049 git history is shallow" in capsys.readouterr().err


def test_appending_to_a_file_without_final_newline_keeps_old_dates(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.txt": "First #a\nLast post, no final newline #b"})
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "one", date="2024-03-01T12:00:00+00:00")
    archive = site / "content" / "a.txt"
    archive.write_text(archive.read_text() + "\nAppended #c")
    git(site, "commit", "-qam", "two", date="2030-01-01T00:00:00+00:00")
    by_text = {r["text"]: r["date"] for r in records(site, capsys)}
    assert by_text["Last post, no final newline #b"] == "2024-03-01T12:00:00+00:00"
    assert by_text["Appended #c"] == "2030-01-01T00:00:00+00:00"


def test_reordering_posts_keeps_their_dates(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    posts = [
        f"Post number {n} has enough words to be recognised when moved #p{n}" for n in range(1, 6)
    ]
    site = make_site({"content/a.txt": "\n".join(posts) + "\n"})
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "one", date="2020-01-01T00:00:00+00:00")
    (site / "content" / "a.txt").write_text("\n".join(reversed(posts)) + "\n")
    git(site, "commit", "-qam", "reorder", date="2024-01-01T00:00:00+00:00")
    dates = {r["date"] for r in records(site, capsys)}
    assert dates == {"2020-01-01T00:00:00+00:00"}


def test_a_post_added_later_never_takes_an_existing_posts_slug(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """The slug went to the older-dated post, so a post added later with an older date (or a
    file of the same name in another folder) took the slug, URL and guid of a published one."""
    site = make_site(
        {
            "content/a.md": "---\nslug: same\ndate: 2024-01-01\n---\nThe first one #x\n",
            "content/2024/notes.md": "---\ndate: 2024-06-01\n---\nNotes of 2024 #x\n",
        }
    )
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "first", date="2024-06-02T12:00:00+00:00")
    newcomers = {
        "content/zz.md": "---\nslug: same\ndate: 2023-01-01\n---\nAn older one #x\n",
        "content/2023/notes.md": "---\ndate: 2023-06-01\n---\nNotes of 2023 #x\n",
    }
    for name, text in newcomers.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")

    def slugs() -> dict[str, object]:
        return {r["source"]: r["slug"] for r in records(site, capsys)}

    before_commit = slugs()
    git(site, "add", ".")
    git(site, "commit", "-qm", "second", date="2024-07-01T12:00:00+00:00")
    for seen in (before_commit, slugs()):
        assert seen["content/a.md:5"] == "same"
        assert seen["content/2024/notes.md:4"] == "notes"
        assert seen["content/zz.md:5"] != "same"
        assert seen["content/2023/notes.md:4"] != "notes"


def test_a_post_merged_later_from_an_older_branch_does_not_take_the_slug(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """A branch keeps its commits' own dates when merged: blame without --first-parent gave
    the merged post the branch's older date, and with it the published post's slug."""
    site = make_site({})
    git(site, "init", "-q")
    git(site, "checkout", "-q", "-b", "main")
    git(site, "add", ".")
    git(site, "commit", "-qm", "site", date="2024-01-01T00:00:00+00:00")
    git(site, "checkout", "-q", "-b", "pr")
    (site / "content" / "b.md").write_text("---\nslug: same\n---\nFrom the branch #x\n")
    git(site, "add", ".")
    git(site, "commit", "-qm", "branch post", date="2024-01-15T00:00:00+00:00")
    git(site, "checkout", "-q", "main")
    (site / "content").mkdir(exist_ok=True)  # git removed it with the branch's post
    (site / "content" / "a.md").write_text("---\nslug: same\n---\nPublished first #x\n")
    git(site, "add", ".")
    git(site, "commit", "-qm", "main post", date="2024-03-01T00:00:00+00:00")
    by_source = {r["source"]: r for r in records(site, capsys)}
    assert by_source["content/a.md:4"]["slug"] == "same"
    git(site, "merge", "-q", "--no-ff", "-m", "merge", "pr", date="2024-08-01T00:00:00+00:00")
    by_source = {r["source"]: r for r in records(site, capsys)}
    assert by_source["content/a.md:4"]["slug"] == "same"
    assert by_source["content/b.md:4"]["slug"] != "same"
    assert by_source["content/b.md:4"]["date"] == "2024-08-01T00:00:00+00:00"  # when it landed


def test_editing_a_markdown_post_keeps_its_date(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """Audit: a one-line Markdown post whose only line was corrected took the date of the
    correction, and jumped to the top of the feeds; its front matter is as old as the file."""
    site = make_site({"content/note.md": "---\ntitle: A note\n---\nteh note #x\n"})
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "one", date="2024-01-01T00:00:00+00:00")
    (site / "content" / "note.md").write_text("---\ntitle: A note\n---\nthe note #x\n")
    (record,) = records(site, capsys)
    assert record["date"] == "2024-01-01T00:00:00+00:00"  # edited, not yet committed
    git(site, "commit", "-qam", "typo", date="2024-03-01T00:00:00+00:00")
    (record,) = records(site, capsys)
    assert record["date"] == "2024-01-01T00:00:00+00:00"

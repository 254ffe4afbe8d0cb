"""`microblog check`: the sample archive's records, the summary, JSON and exit codes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from microblog.cli import main
from tests.conftest import PINNED_ENVIRONMENT, REPO, SAMPLE_ARCHIVE, MakeSite

# A warning or an error, as `check` prints them (notes record repairs and are no problem).
PROBLEM = re.compile(r": (warning|error) MB\d{3} ")
EXPECTED_TAGS = {
    "backend": 14,
    "engineering": 10,
    "systemdesign": 10,
    "productioncode": 6,
    "ai": 4,
    "trading": 1,
    "stocks": 1,
    "educación": 1,
}


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **PINNED_ENVIRONMENT},
    )


def is_shallow_clone(folder: Path) -> bool:
    completed = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() == "true"


SHALLOW_WARNING = "content: warning MB049 git history is shallow"


@pytest.fixture(scope="module")
def sample_records() -> list[dict[str, object]]:
    """The repository's own sample, checked: clean, except that a shallow clone (CI's default
    checkout) cannot date posts by git, which `check` must say, and only that."""
    completed = run("check", "--json", "--config", str(REPO / "site.yaml"))
    problems = [line for line in completed.stderr.splitlines() if PROBLEM.search(line)]
    if is_shallow_clone(REPO):
        assert [line.startswith(SHALLOW_WARNING) for line in problems] == [True], problems
        assert completed.returncode == 1, completed.stderr
    else:
        assert (problems, completed.returncode) == ([], 0), completed.stderr
    records = json.loads(completed.stdout)
    assert isinstance(records, list)
    return records


def test_sample_has_sixteen_posts_and_eight_tags(sample_records: list[dict[str, object]]) -> None:
    assert len(sample_records) == 16
    counts: Counter[str] = Counter()
    for record in sample_records:
        counts.update(str(tag).casefold() for tag in record["tags"])  # type: ignore[attr-defined]
    assert dict(counts) == EXPECTED_TAGS


def test_sample_text_is_repaired(sample_records: list[dict[str, object]]) -> None:
    texts = [str(record["text"]) for record in sample_records]
    joined = "\n".join(texts)
    for damaged in ("รณ", "รก", "โ"):
        assert damaged not in joined
    assert "educación" in joined and "más" in joined and "—" in joined
    assert "engineers—it's" in joined and "think — and" in joined


def test_multi_line_posts_are_one_record(sample_records: list[dict[str, object]]) -> None:
    by_start = {str(r["text"]).split("\n")[0]: r for r in sample_records}
    first = by_start[
        "Your microservices are a distributed monolith if you can't deploy one "
        "service without coordinating with 5 others."
    ]
    assert str(first["text"]).count("\n") == 2
    assert str(first["text"]).endswith("#SystemDesign#Backend#Engineering")
    assert first["source"] == "content/archive.txt:1"
    teams = next(
        r for r in sample_records if str(r["text"]).startswith("Microservices don't scale")
    )
    assert str(teams["text"]).count("\n") == 3
    review = next(r for r in sample_records if str(r["text"]).startswith("AI in code review"))
    assert str(review["text"]).endswith("\n#AI#Backend#Engineering")
    assert "<br>" in str(review["html"])


def test_record_fields(sample_records: list[dict[str, object]]) -> None:
    ids = {record["id"] for record in sample_records}
    slugs = {record["slug"] for record in sample_records}
    assert len(ids) == len(slugs) == 16
    for record in sample_records:
        assert set(record) >= {"id", "slug", "date", "text", "html", "tags", "source"}
        assert str(record["source"]).startswith("content/archive.txt:")
        assert "<script" not in str(record["html"])
    linked = next(r for r in sample_records if "https://t.co/veS7PQrvoL" in str(r["text"]))
    assert '<a href="https://t.co/veS7PQrvoL"' in str(linked["html"])


def test_check_json_stdout_is_only_json(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "content").mkdir()
    shutil.copy(SAMPLE_ARCHIVE, site / "content" / "archive.txt")
    (site / "site.yaml").write_text("title: T\nbase_url: https://example.org\n")
    completed = run("check", "--json", cwd=site)
    assert completed.returncode == 0, completed.stderr
    assert isinstance(json.loads(completed.stdout), list)
    assert "16 posts" in completed.stderr
    assert "16 posts without a date" in completed.stderr
    human = run("check", cwd=site)
    assert human.returncode == 0 and "16 posts from 1 file" in human.stdout


def test_check_exit_codes(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/a.md": "---\ndate: 2024-01-01\n---\nFine post #ok\n"})
    assert main(["check", "--config", str(site / "site.yaml")]) == 0
    (site / "content" / "b.md").write_text("---\ndate: 2024-02-30\n---\nBad date\n")
    assert main(["check", "--config", str(site / "site.yaml")]) == 1
    assert "content/b.md:2: warning MB024 front matter 'date' is not a valid date" in (
        capsys.readouterr().err
    )
    (site / "site.yaml").write_text("title: T\nbase_url: https://x.org/\nposts_per_pgae: 3\n")
    assert main(["check", "--config", str(site / "site.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "site.yaml:3" in err[0] and "posts_per_pgae" in err[0]
    assert "did you mean 'posts_per_page'?" in err[0]


def test_fatal_config_has_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("title: [broken\n")
    completed = run("check", cwd=tmp_path)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1 and "site.yaml:" in completed.stderr
    missing = run("check", "--config", str(tmp_path / "nope.yaml"), cwd=tmp_path)
    assert missing.returncode == 2 and "config file not found" in missing.stderr


def test_usage_error_is_exit_two() -> None:
    completed = run("check", "--no-such-flag")
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr


def test_repos_own_sample_site_is_dated_and_fully_in_its_feeds(tmp_path: Path) -> None:
    if not (REPO / ".git").exists():
        pytest.skip("dates of the sample come from git history; this is not a clone")
    records = json.loads(run("check", "--json", "--config", str(REPO / "site.yaml")).stdout)
    assert all(record["date"] and record["date_origin"] == "git" for record in records)
    output = tmp_path / "site"
    completed = run("build", "--config", str(REPO / "site.yaml"), "--output", str(output))
    assert completed.returncode == 0, completed.stderr
    import feedparser

    for feed in ("feed.xml", "atom.xml"):
        assert len(feedparser.parse((output / feed).read_bytes()).entries) == 16

"""Reading and rendering spread over worker processes give the bytes one process gives.

Builds run as real subprocesses (`python build.py`): a test worker runs threads, and the build
forks workers only from a process without them. `MICROBLOG_JOBS` sets the number of processes.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLE_ARCHIVE, write_site
from tests.support.sitechecks import tree_digest

WORDS = ["ship", "simple", "café", "日本語", "latency", "it's", "A & B", "<b>bold</b>", "--"]


def mixed_site(root: Path) -> Path:
    """Markdown posts (plain and not), a .txt archive, a template using every page kind."""
    rng = random.Random(7)
    files: dict[str, str | bytes] = {"content/archive.txt": SAMPLE_ARCHIVE.read_bytes()}
    for number in range(1, 121):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12)))
        tags = "".join(f"#{rng.choice(['Backend', 'AI', 'Perf', 'Datos'])}" for _ in range(2))
        link = f" <https://t.co/x{number}>" if number % 3 else ""
        body = (
            f"{words}{link}  \n*second* line {number}\n\n{tags}"
            if number % 5 == 0
            else (f"{words}{link} {tags}")
        )
        files[f"content/2024/p{number:03d}.md"] = (
            f"---\ndate: 2024-{1 + number % 12:02d}-{1 + number % 28:02d}T10:{number % 60:02d}:00Z"
            f"\n---\n{body}\n"
        )
    return write_site(
        root, files, base_url="https://user.github.io/archive/", dates_from_git="false"
    )


def build(site: Path, output: Path, jobs: int) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MICROBLOG_JOBS": str(jobs), "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--config", "site.yaml", "--output", str(output)],
        cwd=site,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def test_workers_build_the_bytes_of_one_process(tmp_path: Path) -> None:
    site = mixed_site(tmp_path / "site")
    outputs = {}
    for jobs in (1, 2, 3):
        result = build(site, tmp_path / f"out-{jobs}", jobs)
        assert result.returncode == 0, result.stderr
        outputs[jobs] = (tree_digest(tmp_path / f"out-{jobs}"), result.stderr.splitlines()[:-1])
    assert len(outputs[1][0]) > 150  # posts, tags, pages, feeds
    assert outputs[2] == outputs[1]
    assert outputs[3] == outputs[1]


def test_a_template_failing_in_a_worker_fails_as_in_one_process(tmp_path: Path) -> None:
    """The page that fails is reported as one process reports it, and nothing is written."""
    site = mixed_site(tmp_path / "site")
    (site / "templates").mkdir()
    post = (REPO / "microblog/templates/post.html").read_text("utf-8")
    fails = "{{ 1 / 0 if 'line 90' in post.text else '' }}"
    broken = post.replace("{% block content %}", "{% block content %}" + fails)
    (site / "templates/post.html").write_text(broken, "utf-8")
    errors = {}
    for jobs in (1, 2):
        output = tmp_path / f"out-{jobs}"
        result = build(site, output, jobs)
        assert result.returncode == 1
        assert not output.exists()
        errors[jobs] = result.stderr.replace(str(output), "OUT")
    line = post.splitlines().index("{% block content %}") + 1
    assert f"templates/post.html:{line}: error MB070 template error: ZeroDivisionError" in errors[1]
    assert "(rendering posts/p090/index.html)" in errors[1]
    assert errors[2] == errors[1]

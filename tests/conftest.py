"""Shared fixtures: pinned environment, site folders, and --update-golden."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_ARCHIVE = REPO / "content" / "archive.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*/expected from the current output",
    )


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No dependence on the machine's time zone, locale or clock."""
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Author")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "author@example.org")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site folder: make_site({"content/a.md": "..."}, title=..., base_url=...)."""

    def make(
        files: dict[str, str | bytes] | None = None,
        *,
        config: str | None = None,
        folder: str = "site",
        **settings: object,
    ) -> Path:
        root = tmp_path / folder
        root.mkdir(parents=True, exist_ok=True)
        if config is None:
            values = {"title": "Test Site", "base_url": "https://example.org/", **settings}
            config = "".join(f"{key}: {value}\n" for key, value in values.items())
        (root / "site.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
        (root / "content").mkdir(exist_ok=True)
        for name, data in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return make


@pytest.fixture
def in_dir(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        monkeypatch.chdir(path)

    return change


def git(cwd: Path, *args: str, date: str = "2024-03-01T12:00:00+00:00") -> None:
    """Run git with a fixed identity and dates."""
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test Author",
            "-c",
            "user.email=author@example.org",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )

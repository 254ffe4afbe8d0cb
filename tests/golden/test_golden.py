"""Whole-tree golden tests: each case's site builds to exactly its expected/ tree.

Run `python -m pytest tests/golden --update-golden` to rewrite expected/ after a deliberate
change, then read the diff before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from microblog.cli import main

CASES = sorted(p.parent.name for p in Path(__file__).parent.glob("*/site.yaml"))


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("case", CASES)
def test_golden_site(case: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    source = Path(__file__).parent / case
    site = tmp_path / case
    shutil.copytree(source, site, ignore=shutil.ignore_patterns("expected"))
    output = tmp_path / "out"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0
    expected_dir = source / "expected"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(output, expected_dir)
    built, expected = tree(output), tree(expected_dir)
    assert sorted(built) == sorted(expected)
    for path, data in expected.items():
        assert built[path] == data, f"{path} differs from tests/golden/{case}/expected/{path}"

"""Optional test inputs: missing ones skip a test on a developer's machine, but fail it in CI.

`.ci/run` (with `CI=true`) installs Java, the Nu Html Checker and Chromium, and CI checks out
`../shared` beside the repository, so there a missing input is a broken CI, never a reason to
pass quietly.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """Whether the tests run in CI (`CI=true`, as `.ci/run` and GitHub Actions set it)."""
    return os.environ.get("CI") == "true"


def skip_or_fail_in_ci(reason: str, *, ci_must: str) -> NoReturn:
    """Skip the test for `reason`; in CI fail it instead: "CI must {ci_must}: {reason}"."""
    if in_ci():
        pytest.fail(f"CI must {ci_must}: {reason}", pytrace=False)
    pytest.skip(reason)

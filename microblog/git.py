"""Asking git about the repository a folder is in, without a traceback when git is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Final

GIT_TIMEOUT_SECONDS: Final = 60


def rev_parse(folder: Path, *args: str) -> str:
    """What `git rev-parse ARGS` says in `folder` (`HEAD`: the commit checked out), or ""
    without git or outside a repository."""
    git = shutil.which("git")
    if git is None:
        return ""
    try:
        completed = subprocess.run(
            [git, "-C", str(folder), "rev-parse", *args],
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
            text=True,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""

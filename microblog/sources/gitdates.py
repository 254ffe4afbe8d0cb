"""Dates from git history: when the commit that wrote each line was authored.

`git blame -w -M` sees through changes of white space and lines moved within a file, so a
post keeps its date when posts are appended or re-ordered; a post takes the earliest date of
its lines, so editing one line of it keeps it too. The date is the same in every clone and
never moves at the next build; lines not yet committed have no date.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

_UNCOMMITTED = "0" * 40
GIT_TIMEOUT_SECONDS = 60


def git_line_dates(path: Path) -> dict[int, datetime] | None:
    """{line number: author date} of a tracked file, or None when git cannot say."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        completed = subprocess.run(
            # -w: a line that only gained a final newline (a post appended to a file that had
            # none) keeps its commit; -M: lines moved within the file (posts re-ordered) too.
            [git, "-C", str(path.parent), "blame", "-w", "-M", "--porcelain", "--", path.name],
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    return parse_blame_porcelain(completed.stdout.decode("utf-8", "replace"))


def is_shallow_clone(folder: Path) -> bool:
    """True inside a shallow clone, where blame gives the cut-off commit's date to old lines."""
    git = shutil.which("git")
    if git is None:
        return False
    try:
        completed = subprocess.run(
            [git, "-C", str(folder), "rev-parse", "--is-shallow-repository"],
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
            text=True,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return completed.returncode == 0 and completed.stdout.strip() == "true"


def parse_blame_porcelain(output: str) -> dict[int, datetime]:
    """Read `git blame --porcelain`: a header per line, commit details the first time."""
    times: dict[str, int] = {}
    zones: dict[str, str] = {}
    line_commit: dict[int, str] = {}
    commit = ""
    for line in output.split("\n"):
        if not line or line.startswith("\t"):
            continue
        head, _, rest = line.partition(" ")
        if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
            commit = head
            fields = rest.split()
            if len(fields) >= 2 and fields[1].isdigit():
                line_commit[int(fields[1])] = commit
        elif head == "author-time" and rest.isdigit():
            times[commit] = int(rest)
        elif head == "author-tz":
            zones[commit] = rest
    dates: dict[int, datetime] = {}
    for number, sha in line_commit.items():
        if sha == _UNCOMMITTED or sha not in times:
            continue
        dates[number] = datetime.fromtimestamp(times[sha], tz=_zone(zones.get(sha, "")))
    return dates


def _zone(text: str) -> timezone:
    if len(text) == 5 and text[0] in "+-" and text[1:].isdigit():
        minutes = int(text[1:3]) * 60 + int(text[3:5])
        return timezone(timedelta(minutes=minutes if text[0] == "+" else -minutes))
    return UTC

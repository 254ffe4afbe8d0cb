"""Dates from git history: when the commit that wrote each line was authored and committed.

`git blame -w -M` sees through changes of white space and lines moved within a file, so a
post keeps its date when posts are appended or re-ordered; a post takes the earliest date of
its lines, so editing one line of it keeps it too. `--first-parent` follows the branch the
site is built from: a post merged from another branch has the date of the merge, when it
reached the site. The date is the same in every full clone and never moves at the next build;
lines not yet committed have no date.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from microblog.git import GIT_TIMEOUT_SECONDS, rev_parse
from microblog.model import LineHistory

_UNCOMMITTED = "0" * 40
BLAME = ("blame", "-w", "-M", "--first-parent", "--porcelain")


def line_histories(site_dir: Path, paths: Iterable[str]) -> dict[str, LineHistory]:
    """The history of each file (site-relative paths) that git can say something of."""
    found = {}
    for path in sorted(set(paths)):
        history = git_line_dates(site_dir / path)
        if history is not None:
            found[path] = history
    return found


def git_line_dates(path: Path) -> LineHistory | None:
    """The history of each line of a tracked file, or None when git cannot say."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        completed = subprocess.run(
            # -w: a line that only gained a final newline (a post appended to a file that had
            # none) keeps its commit; -M: lines moved within the file (posts re-ordered) too.
            [git, "-C", str(path.parent), *BLAME, "--", path.name],
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
    return rev_parse(folder, "--is-shallow-repository") == "true"


def parse_blame_porcelain(output: str) -> LineHistory:
    """Read `git blame --porcelain`: a header per line, commit details the first time."""
    details: dict[str, dict[str, str]] = {}
    line_commit: dict[int, str] = {}
    commit = ""
    for line in output.split("\n"):
        if not line or line.startswith("\t"):
            continue
        head, _, rest = line.partition(" ")
        if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
            commit = head
            numbers = rest.split()
            if len(numbers) >= 2 and numbers[1].isdigit():
                line_commit[int(numbers[1])] = commit
        elif head in ("author-time", "author-tz", "committer-time", "committer-tz"):
            details.setdefault(commit, {})[head] = rest
    history = LineHistory({}, {})
    for number, sha in line_commit.items():
        if sha == _UNCOMMITTED:
            continue
        fields = details.get(sha, {})
        for role, dates in (("author", history.authored), ("committer", history.committed)):
            stamp = fields.get(f"{role}-time", "")
            if stamp.isdigit():
                zone = _zone(fields.get(f"{role}-tz", ""))
                dates[number] = datetime.fromtimestamp(int(stamp), tz=zone)
    return history


def _zone(text: str) -> timezone:
    if len(text) == 5 and text[0] in "+-" and text[1:].isdigit():
        minutes = int(text[1:3]) * 60 + int(text[3:5])
        return timezone(timedelta(minutes=minutes if text[0] == "+" else -minutes))
    return UTC

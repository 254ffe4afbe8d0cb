"""The terminal report of a run: problems one a line, then a summary.

The command line is the only place that prints: the library returns problems as values.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from microblog.model import NETWORK_NAMES
from microblog.problems import Problem, Severity

if TYPE_CHECKING:  # the pipeline is imported by the commands that build
    from microblog.config import SiteConfig
    from microblog.pipeline import BuildResult, Content

SHOWN_PROBLEMS = 200


def build_summary(result: BuildResult, config: SiteConfig) -> str:
    """The summary of a build; its last line ends where the build's time goes (" 1.20 s")."""
    stream = io.StringIO()
    print_content_summary(result.content, result.problems, stream)
    timeline = result.content.timeline
    stream.write(
        f"wrote {result.pages} pages, {result.feeds} feeds ({result.feed_posts} of "
        f"{len(timeline.posts)} posts dated and in feeds), {result.static_files} other files"
    )
    if result.indexed:
        noun = "post" if result.indexed == 1 else "posts"
        stream.write(f", a search index of {result.indexed} {noun}")
    stream.write(f" to {config.output_dir} in")
    return stream.getvalue()


def print_build_summary(summary: str, seconds: float, *, unchanged: bool = False) -> None:
    """The summary, with the time taken; `unchanged` when nothing needed building."""
    if unchanged:
        head, _, last = summary.rpartition("\n")
        last = last.replace("wrote ", "nothing changed since the last build: kept ", 1)
        summary = f"{head}\n{last}" if head else last
    sys.stdout.write(f"{summary} {seconds:.2f} s\n")
    sys.stdout.flush()


def report_problems(problems: Sequence[Problem], *, verbose: bool) -> None:
    limit = len(problems) if verbose else SHOWN_PROBLEMS
    for problem in problems[:limit]:
        err(str(problem))
    if len(problems) > limit:
        err(f"... and {len(problems) - limit} more (--verbose shows them all)")


def print_content_summary(content: Content, problems: Sequence[Problem], stream: TextIO) -> None:
    """Posts, tags, repairs, and the errors and warnings of every stage that ran."""
    timeline = content.timeline
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)
    tags = sorted(content.tags, key=lambda t: (-t.count, t.slug))
    lines = [
        f"{count(len(timeline.posts), 'post')} from {count(content.files, 'file')}"
        f" ({count(len(timeline.drafts), 'draft')}, {timeline.undated} undated)",
        count(len(tags), "tag")
        + (": " if tags else "")
        + ", ".join(f"{tag.name} {tag.count}" for tag in tags),
        f"{count(content.repairs, 'text repair')}, {count(errors, 'error')},"
        f" {count(warnings, 'warning')}",
    ]
    for export in content.exports:
        kind = NETWORK_NAMES.get(export.root.kind, export.root.kind)
        left_out = "; ".join(export.left_out)
        lines.append(
            f"{export.root.relative}: {kind} export, {count(export.posts, 'post')} read"
            + (f" ({left_out})" if left_out else "")
        )
    pinning = content.pinning
    if pinning is not None:
        pinned = len(pinning.matched)
        lines.append(
            f"urls.lock: {count(pinned, 'post')} pinned, {len(pinning.unpinned)} not pinned yet"
            + (" (`microblog lock` pins them)" if pinning.unpinned else "")
            + (f", {len(pinning.removed)} removed" if pinning.removed else "")
            + (f", {len(pinning.moved)} moved" if pinning.moved else "")
        )
    if timeline.undated:
        lines.append(
            f"{count(timeline.undated, 'post')} without a date: left out of the feeds"
            " (set 'date' in site.yaml or the archive's front matter, or commit them)"
        )
    for line in lines:
        stream.write(line + "\n")
    stream.flush()


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()

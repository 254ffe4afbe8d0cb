"""Content: config -> sources -> timeline -> tags, everything a site is built from."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from microblog.config import SiteConfig
from microblog.paths import site_relative
from microblog.problems import Problem, Severity
from microblog.sources import read_content
from microblog.sources.gitdates import LineHistory, git_line_dates, is_shallow_clone
from microblog.taxonomy import TagIndex, assign_site_tag_slugs, group_by_tag
from microblog.timeline import Timeline, assign_dates, make_timeline


@dataclass(frozen=True, slots=True)
class Content:
    """Everything read from content/: the timeline, its tags and every problem met."""

    timeline: Timeline
    tags: tuple[TagIndex, ...]
    problems: tuple[Problem, ...]
    files: int
    repairs: int


def load_content(config: SiteConfig) -> Content:
    """Read, date and order every post of the site."""
    read = read_content(config)
    default = None
    if config.date is not None:
        default = (config.date, config.origin("date"))
    history = _git_history(config) if config.dates_from_git else None
    line_dates = line_commits = None
    if history is not None:
        line_dates = _select(history, "authored")
        line_commits = _select(history, "committed")
    posts = assign_dates(
        assign_site_tag_slugs(read.posts, config.base_path + "tags/"), default, line_dates
    )
    timeline = make_timeline(posts, line_commits)
    problems = tuple(read.problems) + timeline.problems
    used_git = timeline.git_claims or any(p.date_origin == "git" for p in timeline.all_posts)
    if used_git and is_shallow_clone(config.content_dir):
        problems += (
            Problem(
                site_relative(config.content_dir, config.site_dir),
                0,
                "MB049",
                Severity.WARNING,
                "git history is shallow: dates and slug claims taken from it may be wrong",
                "clone with full history (actions/checkout: fetch-depth: 0)",
            ),
        )
    repairs = sum(1 for p in problems if p.code == "MB030")
    return Content(timeline, group_by_tag(timeline.posts), problems, len(read.files), repairs)


def _git_history(config: SiteConfig) -> Callable[[str], LineHistory | None]:
    @functools.cache
    def lookup(relative: str) -> LineHistory | None:
        return git_line_dates(config.site_dir / relative)

    return lookup


def _select(
    history: Callable[[str], LineHistory | None], which: str
) -> Callable[[str], dict[int, datetime] | None]:
    def dates(relative: str) -> dict[int, datetime] | None:
        lines = history(relative)
        return None if lines is None else getattr(lines, which)

    return dates

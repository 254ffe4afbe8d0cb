"""Content: config -> sources -> timeline -> tags, everything a site is built from."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from microblog.config import SiteConfig
from microblog.paths import site_relative
from microblog.problems import Problem, Severity
from microblog.sources import read_content
from microblog.sources.gitdates import git_line_dates, is_shallow_clone
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
    line_dates = _git_dates(config) if config.dates_from_git else None
    posts = assign_dates(assign_site_tag_slugs(read.posts), default, line_dates)
    timeline = make_timeline(posts, line_dates)
    problems = tuple(read.problems) + timeline.problems
    if (
        line_dates is not None
        and any(p.date_origin == "git" for p in timeline.all_posts)
        and (is_shallow_clone(config.content_dir))
    ):
        problems += (
            Problem(
                site_relative(config.content_dir, config.site_dir),
                0,
                "MB049",
                Severity.WARNING,
                "git history is shallow: dates taken from it may be too recent",
                "clone with full history (actions/checkout: fetch-depth: 0)",
            ),
        )
    repairs = sum(1 for p in problems if p.code == "MB030")
    return Content(timeline, group_by_tag(timeline.posts), problems, len(read.files), repairs)


def _git_dates(config: SiteConfig) -> functools._lru_cache_wrapper[dict[int, datetime] | None]:
    @functools.cache
    def lookup(relative: str) -> dict[int, datetime] | None:
        return git_line_dates(config.site_dir / relative)

    return lookup

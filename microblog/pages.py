"""The page plan: every page and file of the site as plain data, checked before rendering.

Nothing here renders or writes. Paths are relative to the output folder (POSIX form), as
urls.py shapes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from microblog.config import SiteConfig
from microblog.digest import DigestSet
from microblog.model import Post, Source
from microblog.onthisday import DayCount, day_counts, group_by_month_day
from microblog.outpaths import path_problem
from microblog.problems import Problem, Severity
from microblog.stats import compute_stats
from microblog.taxonomy import TagIndex, group_by_month
from microblog.timeline import Timeline
from microblog.urls import Urls

POST_TEMPLATE = "post.html"
REDIRECT_TEMPLATE = "redirect.html"
REMOVED_TEMPLATE = "removed.html"


@dataclass(frozen=True, slots=True)
class Page:
    """One HTML page to render: where it goes, which template, with what."""

    path: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pagination:
    number: int
    count: int
    prev_path: str | None
    next_path: str | None


def paginate(posts: Sequence[Post], per_page: int) -> list[tuple[int, int, Sequence[Post]]]:
    """(number, count, posts) for each page; an empty list still gets one page."""
    chunks = [posts[i : i + per_page] for i in range(0, len(posts), per_page)] or [posts]
    return [(n, len(chunks), chunk) for n, chunk in enumerate(chunks, start=1)]


def plan_pages(
    config: SiteConfig,
    timeline: Timeline,
    tags: Sequence[TagIndex],
    digests: Sequence[DigestSet] = (),
) -> tuple[list[Page], list[Problem]]:
    """Every HTML page of the site (with the pages of `digests`, digest.plan_digests);
    colliding or unsafe paths are problems, not pages."""
    pages = [*_plan_all(config, timeline, tags), *_digest_pages(digests)]
    return _check_paths(pages)


def _plan_all(config: SiteConfig, timeline: Timeline, tags: Sequence[TagIndex]) -> Iterator[Page]:
    posts = timeline.posts
    yield from _listing(posts, config.posts_per_page, Urls.home, "index.html", {})
    by_id = {post.id: post for post in posts}
    for index, post in enumerate(posts):
        context = {
            "post": post,
            "newer": posts[index - 1] if index > 0 else None,
            "older": posts[index + 1] if index + 1 < len(posts) else None,
            "thread": tuple(by_id[i] for i in timeline.threads.get(post.id, ())),
        }
        yield Page(Urls.post(post), POST_TEMPLATE, context)
    for redirect in timeline.redirects:
        target = by_id[redirect.post_id]
        path = Urls.post_slug(redirect.slug)
        moved = {"target": target, "source": redirect.source, "moved": redirect.moved}
        yield Page(path, REDIRECT_TEMPLATE, moved)
    for slug in timeline.removed:  # a post pinned in urls.lock that is gone (pinning.py)
        yield Page(Urls.post_slug(slug), REMOVED_TEMPLATE, {})
    yield Page(Urls.TAGS, "tags.html", {"tags": _tags_by_count(tags)})
    for tag in tags:

        def tag_path(page: int, slug: str = tag.slug) -> str:
            return Urls.tag(slug, page)

        yield from _listing(tag.posts, config.posts_per_page, tag_path, "tag.html", {"tag": tag})
    yield Page(Urls.ARCHIVE, "archive.html", {"groups": group_by_month(posts, config.tz)})
    yield Page(Urls.STATS, "stats.html", {"stats": compute_stats(posts, tags, config.tz)})
    yield from _on_this_day_pages(posts, config.tz)
    if config.search:
        yield Page(Urls.SEARCH, "search.html", {})
    yield Page(Urls.NOT_FOUND, "404.html", {})


def _on_this_day_pages(posts: Sequence[Post], tz: tzinfo) -> Iterator[Page]:
    """The list of the calendar days with posts, and a page for each, linked to the days
    before and after it that have posts."""
    days = group_by_month_day(posts, tz)
    yield Page(Urls.ON_THIS_DAY, "on-this-day.html", {"months": day_counts(days)})
    counts = [DayCount(day.month, day.day, day.count) for day in days]
    for index, day in enumerate(days):
        context = {
            "day": day,
            "earlier": counts[index - 1] if index > 0 else None,
            "later": counts[index + 1] if index + 1 < len(counts) else None,
        }
        yield Page(Urls.on_this_day(day.month, day.day), "month-day.html", context)


def _digest_pages(digest_sets: Sequence[DigestSet]) -> Iterator[Page]:
    """For the site and each tag with digests: the list of its digests, and a page for each
    digest, linked to the newer and older one."""
    for found in digest_sets:
        slug, digests = found.tag_slug, found.digests
        yield Page(Urls.digest(None, slug), "digests.html", {"digests": digests, "tag": found.tag})
        for index, digest in enumerate(digests):
            context = {
                "digest": digest,
                "posts": digest.posts,
                "tag": found.tag,
                "newer": digests[index - 1].period if index > 0 else None,
                "older": digests[index + 1].period if index + 1 < len(digests) else None,
            }
            yield Page(Urls.digest(digest.period.id, slug), "digest.html", context)


def _listing(
    posts: Sequence[Post], per_page: int, path_of: Any, template: str, extra: Mapping[str, Any]
) -> Iterator[Page]:
    for number, count, chunk in paginate(posts, per_page):
        pagination = Pagination(
            number,
            count,
            path_of(number - 1) if number > 1 else None,
            path_of(number + 1) if number < count else None,
        )
        yield Page(
            path_of(number), template, {**extra, "posts": tuple(chunk), "pagination": pagination}
        )


def _tags_by_count(tags: Sequence[TagIndex]) -> tuple[TagIndex, ...]:
    return tuple(sorted(tags, key=lambda tag: (-tag.count, tag.name.casefold(), tag.slug)))


def _check_paths(pages: list[Page]) -> tuple[list[Page], list[Problem]]:
    problems: list[Problem] = []
    seen: dict[str, Page] = {}
    kept: list[Page] = []
    for page in pages:
        unsafe = path_problem(page.path)
        if unsafe is not None:
            problems.append(_page_problem(page, f"unsafe output path {page.path!r}: {unsafe}"))
            continue
        key = page.path.casefold()
        if key in seen:
            problems.append(_page_problem(page, f"output path {page.path!r} is already taken"))
            continue
        seen[key] = page
        kept.append(page)
    return kept, problems


def _page_problem(page: Page, message: str) -> Problem:
    post = page.context.get("post")
    source = page.context.get("source")
    where = (post.source.path, post.source.line) if isinstance(post, Post) else ("(site)", 0)
    if isinstance(source, Source):
        where = (source.path, source.line)
    return Problem(where[0], where[1], "MB060", Severity.ERROR, message, "page not written")

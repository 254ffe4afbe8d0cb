"""Merge what the readers read: dates by policy, unique ids and slugs, order, drafts.

Pure: the git history of the files it needs (`history_wanted`) is read before, by the
pipeline, and handed in as data.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from microblog.conversations import find_threads, merge_cross_posts
from microblog.model import LineHistory, Post, Redirect
from microblog.problems import Problem, Severity

History = Mapping[str, LineHistory]
"""The git history of files by site-relative path; a file git cannot say anything of is left
out (not committed, not in a repository)."""
LineDates = Callable[[str], Mapping[int, datetime] | None]
ONE_POST_SUFFIXES = frozenset({".md", ".markdown"})  # the readers of one post a file


@dataclass(frozen=True, slots=True)
class Timeline:
    """Published posts newest first (undated last, in file order), drafts apart."""

    posts: tuple[Post, ...]
    drafts: tuple[Post, ...]
    problems: tuple[Problem, ...]
    git_claims: int = 0  # posts whose claim to a slug or id git history settled
    threads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # id -> thread's ids
    redirects: tuple[Redirect, ...] = ()  # pages of cross-posts shown at another's URL
    removed: tuple[str, ...] = ()  # slugs of posts pinned in urls.lock that are gone

    @property
    def undated(self) -> int:
        return sum(1 for post in self.posts if post.date is None)

    @property
    def all_posts(self) -> tuple[Post, ...]:
        return self.posts + self.drafts


def history_wanted(posts: Sequence[Post], *, dating: bool) -> set[str]:
    """The files whose git history `make_timeline` reads: with `dating` (no site-wide date to
    give), those of undated posts; always those of posts that want an id or slug another post
    wants too. A site without undated posts or clashes runs no `git blame`."""
    contested = _contested(posts)
    return {
        post.source.path
        for post in posts
        if (dating and post.date is None) or id(post) in contested
    }


def make_timeline(
    posts: Sequence[Post],
    default_date: tuple[datetime, str] | None = None,
    history: History | None = None,
) -> Timeline:
    """Dates (`default_date`: the site's date and where it was set; else git), then unique ids
    and slugs, then order. Without `history`, git is not asked at all."""
    authored = committed = None
    if history is not None:
        authored = _select(history, authored=True)
        committed = _select(history, authored=False)
    return order_timeline(assign_dates(posts, default_date, authored), committed)


def _select(history: History, *, authored: bool) -> LineDates:
    def dates(path: str) -> Mapping[int, datetime] | None:
        lines = history.get(path)
        if lines is None:
            return None
        return lines.authored if authored else lines.committed

    return dates


def assign_dates(
    posts: Sequence[Post], default: tuple[datetime, str] | None, line_dates: LineDates | None
) -> list[Post]:
    """Give undated posts the site's default date, else the date git gives their lines."""
    dated: list[Post] = []
    for post in posts:
        if post.date is None and default is not None:
            post = dataclasses.replace(post, date=default[0], date_origin=default[1])
        elif post.date is None and line_dates is not None:
            post = _with_git_date(post, line_dates)
        dated.append(post)
    return dated


def _with_git_date(post: Post, line_dates: LineDates) -> Post:
    date = _first_committed(post, line_dates)
    if date is None:
        return post  # not committed yet: no date yet
    return dataclasses.replace(post, date=date, date_origin="git")


def _post_lines(post: Post) -> range:
    """The lines that make up a post: an archive's post its own lines; a file of one post
    (Markdown) the whole file, so that its front matter, older than any edit of the text,
    keeps the date the file was added."""
    last = post.source.line + post.text.count("\n")
    if PurePosixPath(post.source.path).suffix.lower() in ONE_POST_SUFFIXES:
        return range(1, last + 1)
    return range(post.source.line, last + 1)


def order_timeline(posts: Sequence[Post], line_dates: LineDates | None = None) -> Timeline:
    """Unique ids and slugs, then order.

    When two posts want the same id or slug, the one that was there first keeps it: published
    before drafts; then, in a git repository, the post committed first to the branch built
    (`line_dates` gives commit dates along first parents; an uncommitted post is the newest
    of all), whatever dates the posts carry; then older before newer (undated last), by path
    and line. The other gets a suffix made from its own source, not a counter,
    so that adding, removing or publishing a post never renames another one: a post added
    today with an old date and the slug of an existing post does not take it.
    """
    contested = _contested(posts)
    claim_order = _claim_order(line_dates, contested)
    problems: list[Problem] = []
    ids: set[str] = set()
    slugs: set[str] = set()
    unique: list[Post] = []
    for post in sorted(posts, key=claim_order):
        post_id = _unused(post.id, ids, f"{post.source.path}:{post.source.line}")
        slug = _unused(post.slug, slugs, post_id)
        if slug != post.slug:
            problems.append(
                Problem(
                    post.source.path,
                    post.source.line,
                    "MB050",
                    Severity.WARNING,
                    f"slug {post.slug!r} is already used",
                    f"published as {slug!r}",
                )
            )
        if post_id != post.id or slug != post.slug:  # replace() is slow: most posts keep both
            post = dataclasses.replace(post, id=post_id, slug=slug)
        unique.append(post)
    published, redirects = merge_cross_posts([post for post in unique if not post.draft])
    drafts = tuple(post for post in unique if post.draft)
    claims = len(contested) if line_dates is not None else 0
    return Timeline(
        sort_newest_first(published),
        drafts,
        tuple(problems),
        claims,
        find_threads(published),
        tuple(redirects),
    )


def _contested(posts: Sequence[Post]) -> set[int]:
    """The posts (by identity) whose id or slug another post wants too: only their git
    history is looked up, so a site without clashes runs no `git blame` for this."""
    wanted = Counter(key for post in posts for key in _claims(post))
    return {id(post) for post in posts if any(wanted[key] > 1 for key in _claims(post))}


def _claims(post: Post) -> tuple[str, str]:
    return ("id:" + post.id.casefold(), "slug:" + post.slug.casefold())


ClaimKey = tuple[bool, bool, bool, float, bool, float, str, int]


def _claim_order(line_dates: LineDates | None, contested: set[int]) -> Callable[[Post], ClaimKey]:
    """Published first; posts no other post competes with next (they keep their names even
    against a hashed name made for another); then by git, date and place."""

    def key(post: Post) -> ClaimKey:
        committed = None
        if line_dates is not None and id(post) in contested:
            committed = _first_committed(post, line_dates)
        stamp = post.date.timestamp() if post.date else 0.0
        since = committed.timestamp() if committed else 0.0
        return (
            post.draft,
            id(post) in contested,
            line_dates is not None and committed is None,  # uncommitted: came last
            since,
            post.date is None,
            stamp,
            post.source.path,
            post.source.line,
        )

    return key


def _first_committed(post: Post, line_dates: LineDates) -> datetime | None:
    """The earliest date git gives a line of the post (None: no line is committed). Editing
    a post, committed or not, keeps it: some of its lines are older than the edit."""
    dates = line_dates(post.source.path)
    if not dates:
        return None
    lines = (dates.get(n) for n in _post_lines(post))
    return min((date for date in lines if date is not None), default=None)


def _unused(wanted: str, taken: set[str], owner: str) -> str:
    """`wanted`, or `wanted-<hash of owner>` when taken (case-insensitively); then remember it."""
    name = wanted
    if name.casefold() in taken:
        name = f"{wanted}-{hashlib.sha256(owner.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"
    number = 2
    while name.casefold() in taken:  # a hash clash: practically never
        name = f"{wanted}-{number}"
        number += 1
    taken.add(name.casefold())
    return name


def sort_newest_first(posts: Sequence[Post]) -> tuple[Post, ...]:
    dated = sorted(
        (p for p in posts if p.date is not None), key=lambda p: (p.date, p.order), reverse=True
    )
    undated = sorted(
        (p for p in posts if p.date is None), key=lambda p: (p.source.path, p.source.line)
    )
    return tuple(dated + undated)

"""Posts matched to the pins of urls.lock (lockfile.py), and given their pinned URL, guid and
date. Pure: the lock is read before, by the pipeline, and handed in.

Posts are matched to pins by the rules of pinmatch.py.

A matched post keeps its pinned URL, guid and date, except a `.md` post given a `slug` of its
own in its front matter: it moves there (the old URL redirects, the guid stays). A pin matched
to no post leaves a page at its URL saying the post was removed. A post matched to no pin is
published as without a lock, and never at a pinned URL.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from microblog.lockfile import Pin
from microblog.model import Post, Redirect
from microblog.pinmatch import match, own_slug, text_key
from microblog.problems import Problem, Severity
from microblog.text.sketch import sketch, to_hex
from microblog.text.titles import fold_whitespace
from microblog.timeline import Timeline, sort_newest_first

EXCERPT: Final = 60


@dataclass(frozen=True, slots=True)
class Moved:
    """A pinned URL whose post is now published at another one."""

    pin: Pin
    post: Post


@dataclass(frozen=True, slots=True)
class Pinning:
    """What urls.lock did to a build: its pins, those matched (pin URL -> post id), moved
    and removed URLs (pages at them say where the post went), posts not pinned yet."""

    pins: tuple[Pin, ...]
    matched: dict[str, str]
    moved: tuple[Moved, ...]
    removed: tuple[Pin, ...]
    unpinned: tuple[Post, ...]
    problems: tuple[Problem, ...]


Absolute = Callable[[str], str]  # the absolute URL of an output path (urls.Urls.absolute)


def apply_pins(
    timeline: Timeline, pins: Sequence[Pin], absolute: Absolute, *, keep_dates: bool = True
) -> tuple[Timeline, Pinning]:
    """The timeline with each matched post at its pinned URL, guid and date (`keep_dates`
    False: the post's own date, for `microblog lock --update-dates`)."""
    posts = list(timeline.posts)
    live = [pin for pin in pins if pin.state != "moved"]
    pairs, similar = match(live, posts)
    problems: list[Problem] = [_similar(posts[i], score) for i, score in similar.items()]
    moved: list[Moved] = []
    taken = {pin.slug.casefold() for pin in pins} | {pin.moved_to.casefold() for pin in pins}
    taken |= {redirect.slug.casefold() for redirect in timeline.redirects}
    out = list(posts)
    for pin_index, post_index in pairs.items():
        pin = live[pin_index]
        new, move = _pinned(pin, posts[post_index], absolute, keep_dates, taken, problems)
        if move:
            moved.append(Moved(pin, new))
            taken.add(new.slug.casefold())
        out[post_index] = new
    matched_posts = set(pairs.values())
    unpinned = [i for i in range(len(posts)) if i not in matched_posts]
    for index in unpinned:
        out[index] = _not_pinned(posts[index], taken, problems)
    by_id = {post.id: post for post in out}
    merged = {redirect.slug.casefold(): redirect for redirect in timeline.redirects}
    removed = []
    for pin in (pin for i, pin in enumerate(live) if i not in pairs):
        redirect = merged.get(pin.slug.casefold())
        if redirect is not None:  # now a cross-post shown at another's URL: it redirects
            moved.append(Moved(pin, by_id[redirect.post_id]))
            continue
        removed.append(pin)
        if pin.state == "published":
            problems.append(_gone(pin))
    matched = {live[p].url: out[i].id for p, i in pairs.items()}
    by_url = {pin.url: pin for pin in pins}
    for pin in pins:
        if pin.state == "moved":
            target = _moved_to(pin, by_url, matched, by_id)
            if target is None:
                removed.append(pin)  # the post it moved to is gone too: that pin says so
            else:
                moved.append(Moved(pin, target))
    pinning = Pinning(
        tuple(pins),
        matched,
        tuple(moved),
        tuple(removed),
        tuple(posts[i] for i in unpinned),
        tuple(problems),
    )
    timeline = dataclasses.replace(
        timeline,
        posts=sort_newest_first(out),
        problems=timeline.problems + pinning.problems,
        redirects=_redirects(timeline.redirects, moved),
        removed=tuple(sorted({pin.slug for pin in removed} - set(merged))),
    )
    return timeline, pinning


def _moved_to(
    pin: Pin, by_url: dict[str, Pin], matched: dict[str, str], by_id: dict[str, Post]
) -> Post | None:
    """The post a moved pin leads to: through the pins it moved to (a post moved twice),
    then the post the last one matched."""
    seen = {pin.url}
    url = pin.moved_to
    while url in by_url and by_url[url].state == "moved" and url not in seen:
        seen.add(url)
        url = by_url[url].moved_to
    post_id = matched.get(url)
    return None if post_id is None else by_id.get(post_id)


def _similar(post: Post, score: float) -> Problem:
    return Problem(post.source.path, post.source.line, "MB116", Severity.NOTE, f"matched its"
                   f" pin in urls.lock by similar text ({score:.0%})", "pinned URL, guid and"
                   " date kept; `microblog lock` records the new text")  # fmt: skip


def _not_pinned(post: Post, taken: set[str], problems: list[Problem]) -> Post:
    problems.append(
        Problem(post.source.path, post.source.line, "MB111", Severity.NOTE, "post is not pinned"
                " in urls.lock yet", "run `microblog lock` to pin its URL")
    )  # fmt: skip
    if post.slug.casefold() in taken:
        post = _renamed(post, taken, problems)
    taken.add(post.slug.casefold())
    return post


def _gone(pin: Pin) -> Problem:
    return Problem(pin.file, pin.line, "MB112", Severity.WARNING, f"pinned post {pin.excerpt!r}"
                   f" ({pin.url}) is gone", "its URL says it was removed; `microblog lock`"
                   " records the removal")  # fmt: skip


def _pinned(
    pin: Pin,
    post: Post,
    absolute: Absolute,
    keep_dates: bool,
    taken: set[str],
    problems: list[Problem],
) -> tuple[Post, bool]:
    """`post` with its pin's URL, guid and date, and whether it moved to a slug of its own
    (never to one pinned for another post)."""
    changes: dict[str, object] = {}
    move = post.slug != pin.slug and own_slug(post)
    if move and post.slug.casefold() in taken:
        move = False
        problems.append(
            Problem(post.source.path, post.source.line, "MB113", Severity.WARNING, f"slug"
                    f" {post.slug!r} is pinned in urls.lock for another post", f"kept at"
                    f" its pinned URL {pin.url}")
        )  # fmt: skip
    elif move:
        problems.append(
            Problem(post.source.path, post.source.line, "MB113", Severity.WARNING, f"slug"
                    f" changed: pinned URL {pin.url} moves to posts/{post.slug}/", "the old URL"
                    " redirects, the guid stays; `microblog lock` records the move")
        )  # fmt: skip
    if not move and post.slug != pin.slug:
        changes["slug"] = pin.slug
    slug = post.slug if move else pin.slug
    if pin.guid != absolute(f"posts/{slug}/index.html"):
        changes["guid"] = pin.guid
    pinned_date = pin.datetime()
    if keep_dates and pinned_date is not None and post.date != pinned_date:
        if post.date is not None and post.date_origin != "git":
            problems.append(
                Problem(post.source.path, post.source.line, "MB114", Severity.WARNING, f"date"
                        f" {post.date.isoformat()} is not the pinned {pin.date}", "pinned date"
                        " kept; `microblog lock --update-dates` pins the new one")
            )  # fmt: skip
        changes["date"] = pinned_date
        changes["date_origin"] = "urls.lock"
    return (dataclasses.replace(post, **changes) if changes else post), move  # type: ignore[arg-type]


def _renamed(post: Post, taken: set[str], problems: list[Problem]) -> Post:
    """A post not pinned that wants a pinned URL: it gets a suffix made from its source."""
    owner = f"{post.source.path}:{post.source.line}"
    suffix = hashlib.sha256(owner.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    slug, number = f"{post.slug}-{suffix}", 2
    while slug.casefold() in taken:
        slug, number = f"{post.slug}-{suffix}-{number}", number + 1
    problems.append(
        Problem(post.source.path, post.source.line, "MB115", Severity.NOTE, f"URL posts/"
                f"{post.slug}/ is pinned in urls.lock for another post", f"published as"
                f" posts/{slug}/")
    )  # fmt: skip
    return dataclasses.replace(post, slug=slug)


def _redirects(existing: Sequence[Redirect], moved: Sequence[Moved]) -> tuple[Redirect, ...]:
    """The redirect pages of cross-posts, and of each moved pin not already one."""
    slugs = {redirect.slug.casefold() for redirect in existing}
    extra = []
    for item in moved:
        if item.pin.slug.casefold() not in slugs and item.pin.slug != item.post.slug:
            source = item.post.source
            extra.append(Redirect(item.pin.slug, item.post.id, source, moved=True))
            slugs.add(item.pin.slug.casefold())
    return tuple(existing) + tuple(extra)


def pins_of(timeline: Timeline, pinning: Pinning | None, absolute: Absolute) -> list[Pin]:
    """What `microblog lock` writes: a pin for every published post, the moved URLs, and
    every pin matched to no post as removed."""
    pins = [_pin_of(post, absolute) for post in timeline.posts]
    if pinning is not None:
        for item in pinning.moved:
            old = item.pin
            pins.append(
                dataclasses.replace(
                    old, guid="", state="moved", moved_to=f"posts/{item.post.slug}/"
                )
            )
        pins += [dataclasses.replace(pin, state="removed", moved_to="") for pin in pinning.removed]
    return pins


def _pin_of(post: Post, absolute: Absolute) -> Pin:
    url = f"posts/{post.slug}/"
    excerpt = fold_whitespace(post.text)
    if len(excerpt) > EXCERPT:
        excerpt = excerpt[: EXCERPT - 1] + "…"
    return Pin(
        url=url,
        guid=post.guid or absolute(url + "index.html"),
        date=None if post.date is None else post.date.isoformat(),
        id=post.id,
        file=post.source.path,
        line=post.source.line,
        position=post.order[1],
        source=post.original,
        text=text_key(post.text),
        sketch=to_hex(sketch(post.text)),
        excerpt=excerpt,
    )

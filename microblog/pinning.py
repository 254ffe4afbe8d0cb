"""Posts matched to the pins of urls.lock (lockfile.py), and given their pinned URL, guid and
date. Pure: the lock is read before, by the pipeline, and handed in.

A pin is matched to at most one published post, and a post to at most one pin. The rules
are tried in this order, each on what the earlier ones left unmatched; where a rule finds
several posts for a pin, the one nearest the pin's place in its file wins:

1. the same id in the same file (an edited `.md` post, an imported post, an unchanged one);
2. the same text in the same file (an archive re-ordered);
3. the same id in another file (a post moved between archives; an export moved);
4. the same text in another file (a `.md` file renamed or moved);
5. the post whose front matter gives the pinned URL's slug (a `.md` file renamed and
   rewritten whose `slug` stayed; a slug made from a file name is not enough);
6. a similar text in the same file (a `.txt` post edited: a typo fixed, a link changed):
   an estimated similarity of its character trigrams of at least SIMILAR, compared with the
   posts within WINDOW places of the pin among those still unmatched in the file, or of at
   least IN_PLACE for the post left in the pin's place (between the posts its nearest
   matched pins matched, as many posts left as pins, taken in order). Posts in their pin's
   place are taken first, then the most similar pairs, then the nearest;
7. a similar text in another file (a `.md` file renamed and edited, a post edited and moved
   to another archive), likewise, while there are at most MAX_PAIRS pairs to compare.

A matched post keeps its pinned URL, guid and date, except a `.md` post given a `slug` of its
own in its front matter: it moves there (the old URL redirects, the guid stays). A pin matched
to no post leaves a page at its URL saying the post was removed. A post matched to no pin is
published as without a lock, and never at a pinned URL.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

from microblog.lockfile import Pin
from microblog.model import Post, Redirect
from microblog.problems import Problem, Severity
from microblog.text.sketch import from_hex, similarity, sketch, to_hex
from microblog.text.slugs import clean_slug
from microblog.text.titles import fold_whitespace
from microblog.timeline import ONE_POST_SUFFIXES, Timeline, sort_newest_first

SIMILAR: Final = 0.5  # unrelated short posts of one archive score about 0.1 to 0.3
IN_PLACE: Final = 0.3  # a short post edited where it stood: its neighbours vouch for it
WINDOW: Final = 32
MAX_PAIRS: Final = 250_000  # rule 7 compares every pair: not past this many
EXCERPT: Final = 60


@dataclass(frozen=True, slots=True)
class Moved:
    """A pinned URL whose post is now published at another one."""

    pin: Pin
    post: Post


@dataclass(frozen=True, slots=True)
class Pinning:
    """What urls.lock did to a build: pins matched (pin URL -> post id), moved and removed
    URLs (pages at them say where the post went), posts not pinned yet."""

    matched: dict[str, str]
    moved: tuple[Moved, ...]
    removed: tuple[Pin, ...]
    unpinned: tuple[Post, ...]
    problems: tuple[Problem, ...]

    @property
    def out_of_date(self) -> bool:
        return bool(self.unpinned) or any(pin.state == "published" for pin in self.removed)


Absolute = Callable[[str], str]  # the absolute URL of an output path (urls.Urls.absolute)
# not in place, -score, distance, pin, post
Candidate = tuple[bool, float, tuple[int, int, str, int], int, int]


def text_key(text: str) -> str:
    normal = fold_whitespace(unicodedata.normalize("NFC", text))
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def apply_pins(
    timeline: Timeline, pins: Sequence[Pin], absolute: Absolute, *, keep_dates: bool = True
) -> tuple[Timeline, Pinning]:
    """The timeline with each matched post at its pinned URL, guid and date (`keep_dates`
    False: the post's own date, for `microblog lock --update-dates`)."""
    posts = list(timeline.posts)
    live = [pin for pin in pins if pin.state != "moved"]
    pairs = match(live, posts)
    problems: list[Problem] = []
    moved: list[Moved] = []
    taken = {pin.slug.casefold() for pin in pins} | {pin.moved_to.casefold() for pin in pins}
    out = list(posts)
    for pin_index, post_index in pairs.items():
        new, move = _pinned(live[pin_index], posts[post_index], absolute, keep_dates, problems)
        if move:
            moved.append(Moved(live[pin_index], new))
            taken.add(new.slug.casefold())
        out[post_index] = new
    unpinned = [i for i in range(len(posts)) if i not in set(pairs.values())]
    for index in unpinned:
        out[index] = _not_pinned(posts[index], taken, problems)
    removed = [pin for i, pin in enumerate(live) if i not in pairs]
    problems += [_gone(pin) for pin in removed if pin.state == "published"]
    by_slug = {post.slug: post for post in out}
    for pin in pins:
        if pin.state == "moved":
            target = by_slug.get(pin.moved_to.removeprefix("posts/").removesuffix("/"))
            if target is None:
                removed.append(pin)  # the post it moved to is gone too: that pin says so
            else:
                moved.append(Moved(pin, target))
    pinning = Pinning(
        {live[p].url: out[i].id for p, i in pairs.items()},
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
        removed=tuple(sorted(pin.slug for pin in removed)),
    )
    return timeline, pinning


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
    pin: Pin, post: Post, absolute: Absolute, keep_dates: bool, problems: list[Problem]
) -> tuple[Post, bool]:
    """`post` with its pin's URL, guid and date, and whether it moved to a slug of its own."""
    changes: dict[str, object] = {}
    move = post.slug != pin.slug and _own_slug(post)
    if move:
        problems.append(
            Problem(post.source.path, post.source.line, "MB113", Severity.WARNING, f"slug"
                    f" changed: pinned URL {pin.url} moves to posts/{post.slug}/", "the old URL"
                    " redirects, the guid stays; `microblog lock` records the move")
        )  # fmt: skip
    elif post.slug != pin.slug:
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


def _own_slug(post: Post) -> bool:
    """Whether a post's slug is one its front matter gives (a `.md` post whose slug is not
    made from its file name): a deliberate new URL."""
    path = PurePosixPath(post.source.path)
    return path.suffix.lower() in ONE_POST_SUFFIXES and post.slug != clean_slug(path.stem)[0]


def _given_slug(post: Post) -> str:
    """A post's slug when its front matter gives it, else "" (matches no pin)."""
    return post.slug.casefold() if _own_slug(post) else ""


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


def match(pins: Sequence[Pin], posts: Sequence[Post]) -> dict[int, int]:
    """Pin index -> post index, by the rules in this module's docstring."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    texts = [text_key(post.text) for post in posts]
    rules: list[tuple[Callable[[Pin], tuple[str, ...]], Callable[[int], tuple[str, ...]]]] = [
        (lambda pin: (pin.id, pin.file), lambda i: (posts[i].id, posts[i].source.path)),
        (lambda pin: (pin.text, pin.file), lambda i: (texts[i], posts[i].source.path)),
        (lambda pin: (pin.id,), lambda i: (posts[i].id,)),
        (lambda pin: (pin.text,), lambda i: (texts[i],)),
        (lambda pin: (pin.slug.casefold(),), lambda i: (_given_slug(posts[i]),)),
    ]
    for pin_key, post_key in rules:
        index: dict[tuple[str, ...], list[int]] = {}
        for i in range(len(posts)):
            if i not in used:
                index.setdefault(post_key(i), []).append(i)
        for p, pin in enumerate(pins):
            if p in pairs:
                continue
            found = [i for i in index.get(pin_key(pin), ()) if i not in used]
            if found:
                best = min(found, key=lambda i: _distance(pin, posts[i]))
                pairs[p] = best
                used.add(best)
    _match_similar(pins, posts, pairs, used)
    return pairs


def _distance(pin: Pin, post: Post) -> tuple[int, int, str, int]:
    same_file = pin.file == post.source.path
    return (not same_file, abs(pin.position - post.order[1]), post.source.path, post.source.line)


def _match_similar(
    pins: Sequence[Pin], posts: Sequence[Post], pairs: dict[int, int], used: set[int]
) -> None:
    """Rules 6 and 7: pairs of similar texts, the most similar first."""
    sketches: dict[int, tuple[int, ...]] = {}
    in_place = _in_place(pins, posts, pairs)
    candidates: list[Candidate] = []

    def consider(p: int, i: int) -> None:
        if i not in sketches:
            sketches[i] = sketch(posts[i].text)
        score = similarity(from_hex(pins[p].sketch), sketches[i])
        placed = in_place.get(p) == i
        if score >= (IN_PLACE if placed else SIMILAR):
            candidates.append((not placed, -score, _distance(pins[p], posts[i]), p, i))

    for pin_list, post_list in _unmatched_by_file(pins, posts, pairs, used):
        for rank, p in enumerate(pin_list):
            for i in post_list[max(0, rank - WINDOW) : rank + WINDOW + 1]:
                consider(p, i)
    left = [p for p in range(len(pins)) if p not in pairs]
    others = [i for i in range(len(posts)) if i not in used]
    if len(left) * len(others) <= MAX_PAIRS:
        for p, i in itertools.product(left, others):
            if posts[i].source.path != pins[p].file:
                consider(p, i)
    for *_order, p, i in sorted(candidates):
        if p not in pairs and i not in used:
            pairs[p] = i
            used.add(i)


def _in_place(pins: Sequence[Pin], posts: Sequence[Post], pairs: dict[int, int]) -> dict[int, int]:
    """Pin -> post: each run of unmatched pins of a file, between matched ones (or an end of
    the file), against the unmatched posts between the posts those matched, when there are
    as many: the posts now in the pins' places, in order."""
    matched = set(pairs.values())
    found: dict[int, int] = {}
    in_file: dict[str, list[int]] = {}
    for i, post in enumerate(posts):
        in_file.setdefault(post.source.path, []).append(i)
    files: dict[str, list[int]] = {}
    for p, pin in enumerate(pins):
        files.setdefault(pin.file, []).append(p)
    for name, pin_list in files.items():
        pin_list.sort(key=lambda p: pins[p].position)
        post_list = sorted(in_file.get(name, []), key=lambda i: posts[i].order[1])
        place = {i: n for n, i in enumerate(post_list)}
        edges = [-1, *(n for n, p in enumerate(pin_list) if p in pairs), len(pin_list)]
        for before, after in itertools.pairwise(edges):
            run = pin_list[before + 1 : after]
            if not run:
                continue
            start = -1 if before < 0 else place.get(pairs[pin_list[before]])
            end = len(post_list) if after == len(pin_list) else place.get(pairs[pin_list[after]])
            if start is None or end is None:
                continue  # a neighbour's post is in another file now
            gap = [i for i in post_list[start + 1 : end] if i not in matched]
            if len(gap) == len(run):
                found.update(zip(run, gap, strict=True))
    return found


def _unmatched_by_file(
    pins: Sequence[Pin], posts: Sequence[Post], pairs: dict[int, int], used: set[int]
) -> list[tuple[list[int], list[int]]]:
    """For each file of an unmatched pin: its unmatched pins and posts, in file order."""
    by_file: dict[str, tuple[list[int], list[int]]] = {}
    for p, pin in enumerate(pins):
        if p not in pairs:
            by_file.setdefault(pin.file, ([], []))[0].append(p)
    for i, post in enumerate(posts):
        if i not in used and post.source.path in by_file:
            by_file[post.source.path][1].append(i)
    for pin_list, post_list in by_file.values():
        pin_list.sort(key=lambda p: pins[p].position)
        post_list.sort(key=lambda i: posts[i].order[1])
    return list(by_file.values())


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

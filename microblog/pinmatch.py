"""Which post each pin of urls.lock (lockfile.py) is: pure, on posts and pins alone.

A pin is matched to at most one published post, and a post to at most one pin. The rules
are tried in this order, each on what the earlier ones left unmatched; where a rule finds
several posts for a pin, the one nearest the pin's place in its file wins:

1. the same id and the same text (an unchanged post);
2. the same text in the same file (an archive re-ordered);
3. the same text in another file (a `.md` file renamed or moved, a post moved between
   archives);
4. the same id in the same file, or 5. in another file (an edited `.md` post, an edited
   imported post, an export moved);
6. the post whose front matter gives the pinned URL's slug (a `.md` file renamed and
   rewritten whose `slug` stayed; a slug made from a file name is not enough);
7. a similar text (a `.txt` post edited: a typo fixed, a link changed): an estimated
   similarity of the character trigrams of at least SIMILAR, with the posts within WINDOW
   places of the pin in its file among those still unmatched, or with any post of another
   file while there are at most MAX_PAIRS pairs to compare; at least IN_PLACE for the posts
   left between two posts that the pin's neighbours in its file matched, as many as the
   pins left there, in order. The most similar pairs are taken first, then the nearest.

A pin of a removed post takes part in rules 1 to 3 only: a post is back only when its text
is. Each match made by similarity is a note (MB116), since `microblog lock` would record
the post's new text.
"""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Final

from microblog.lockfile import Pin
from microblog.model import Post
from microblog.text.sketch import from_hex, similarity, sketch
from microblog.text.slugs import clean_slug
from microblog.text.titles import fold_whitespace
from microblog.timeline import ONE_POST_SUFFIXES

SIMILAR: Final = 0.5  # unrelated short posts of one archive score about 0.1 to 0.35
IN_PLACE: Final = 0.4  # a short post edited where it stood: its two neighbours vouch for it
WINDOW: Final = 32
MAX_PAIRS: Final = 250_000  # rule 7 compares every pair: not past this many
Candidate = tuple[float, tuple[int, int, str, int], int, int]  # -score, distance, pin, post


def text_key(text: str) -> str:
    normal = fold_whitespace(unicodedata.normalize("NFC", text))
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def own_slug(post: Post) -> bool:
    """Whether a post's slug is one its front matter gives (a `.md` post whose slug is not
    made from its file name): a deliberate new URL."""
    path = PurePosixPath(post.source.path)
    return path.suffix.lower() in ONE_POST_SUFFIXES and post.slug != clean_slug(path.stem)[0]


def _given_slug(post: Post) -> str:
    """A post's slug when its front matter gives it, else "" (matches no pin)."""
    return post.slug.casefold() if own_slug(post) else ""


def match(pins: Sequence[Pin], posts: Sequence[Post]) -> tuple[dict[int, int], dict[int, float]]:
    """Pin index -> post index, by the rules in this module's docstring; and, for each post
    matched by similarity, its score."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    texts = [text_key(post.text) for post in posts]
    rules: list[tuple[Callable[[Pin], tuple[str, ...]], Callable[[int], tuple[str, ...]]]] = [
        (lambda pin: (pin.id, pin.text), lambda i: (posts[i].id, texts[i])),
        (lambda pin: (pin.text, pin.file), lambda i: (texts[i], posts[i].source.path)),
        (lambda pin: (pin.text,), lambda i: (texts[i],)),
        (lambda pin: (pin.id, pin.file), lambda i: (posts[i].id, posts[i].source.path)),
        (lambda pin: (pin.id,), lambda i: (posts[i].id,)),
        (lambda pin: (pin.slug.casefold(),), lambda i: (_given_slug(posts[i]),)),
    ]
    for number, (pin_key, post_key) in enumerate(rules, start=1):
        index: dict[tuple[str, ...], list[int]] = {}
        for i in range(len(posts)):
            if i not in used:
                index.setdefault(post_key(i), []).append(i)
        for p, pin in enumerate(pins):
            if p in pairs or (number > 3 and pin.state == "removed"):
                continue
            found = [i for i in index.get(pin_key(pin), ()) if i not in used]
            if found:
                best = min(found, key=lambda i: _distance(pin, posts[i]))
                pairs[p] = best
                used.add(best)
    return pairs, _match_similar(pins, posts, pairs, used)


def _distance(pin: Pin, post: Post) -> tuple[int, int, str, int]:
    same_file = pin.file == post.source.path
    return (not same_file, abs(pin.position - post.order[1]), post.source.path, post.source.line)


class _Scorer:
    """The pairs worth matching by similarity, each sketch made once."""

    def __init__(self, pins: Sequence[Pin], posts: Sequence[Post], in_place: dict[int, int]):
        self.pins, self.posts, self.in_place = pins, posts, in_place
        self.post_sketches: dict[int, tuple[int, ...]] = {}
        self.pin_sketches: dict[int, tuple[int, ...]] = {}
        self.candidates: list[Candidate] = []

    def consider(self, p: int, i: int) -> None:
        if i not in self.post_sketches:
            self.post_sketches[i] = sketch(self.posts[i].text)
        if p not in self.pin_sketches:
            self.pin_sketches[p] = from_hex(self.pins[p].sketch)
        score = similarity(self.pin_sketches[p], self.post_sketches[i])
        if score >= (IN_PLACE if self.in_place.get(p) == i else SIMILAR):
            distance = _distance(self.pins[p], self.posts[i])
            self.candidates.append((-score, distance, p, i))


def _match_similar(
    pins: Sequence[Pin], posts: Sequence[Post], pairs: dict[int, int], used: set[int]
) -> dict[int, float]:
    """Rule 7: pairs of similar texts, the most similar first; the score of each post
    matched so."""
    scorer = _Scorer(pins, posts, _in_place(pins, posts, pairs))
    live = [p for p, pin in enumerate(pins) if pin.state != "removed"]
    for pin_list, post_list in _unmatched_by_file(pins, posts, pairs, used, live):
        for rank, p in enumerate(pin_list):
            for i in post_list[max(0, rank - WINDOW) : rank + WINDOW + 1]:
                scorer.consider(p, i)
    left = [p for p in live if p not in pairs]
    others = [i for i in range(len(posts)) if i not in used]
    if len(left) * len(others) <= MAX_PAIRS:
        for p, i in itertools.product(left, others):
            if posts[i].source.path != pins[p].file:
                scorer.consider(p, i)
    scores: dict[int, float] = {}
    for score, _distance_key, p, i in sorted(scorer.candidates):
        if p not in pairs and i not in used:
            pairs[p] = i
            used.add(i)
            scores[i] = -score
    return scores


def _in_place(pins: Sequence[Pin], posts: Sequence[Post], pairs: dict[int, int]) -> dict[int, int]:
    """Pin -> post: each run of unmatched pins of a file between two matched ones, against
    the unmatched posts between the posts those two matched, when there are as many: the
    posts now in the pins' places, in order. Pins of removed posts take no part."""
    matched = set(pairs.values())
    found: dict[int, int] = {}
    in_file: dict[str, list[int]] = {}
    for i, post in enumerate(posts):
        in_file.setdefault(post.source.path, []).append(i)
    files: dict[str, list[int]] = {}
    for p, pin in enumerate(pins):
        if pin.state != "removed":
            files.setdefault(pin.file, []).append(p)
    for name, pin_list in files.items():
        pin_list.sort(key=lambda p: pins[p].position)
        post_list = sorted(in_file.get(name, []), key=lambda i: posts[i].order[1])
        place = {i: n for n, i in enumerate(post_list)}
        edges = [n for n, p in enumerate(pin_list) if p in pairs]
        for before, after in itertools.pairwise(edges):
            run = pin_list[before + 1 : after]
            start = place.get(pairs[pin_list[before]])
            end = place.get(pairs[pin_list[after]])
            if not run or start is None or end is None:
                continue  # nothing left there, or a neighbour's post is in another file now
            gap = [i for i in post_list[start + 1 : end] if i not in matched]
            if len(gap) == len(run):
                found.update(zip(run, gap, strict=True))
    return found


def _unmatched_by_file(
    pins: Sequence[Pin],
    posts: Sequence[Post],
    pairs: dict[int, int],
    used: set[int],
    live: Sequence[int],
) -> list[tuple[list[int], list[int]]]:
    """For each file of an unmatched pin of `live`: its unmatched pins and posts, in file
    order."""
    by_file: dict[str, tuple[list[int], list[int]]] = {}
    for p in live:
        if p not in pairs:
            by_file.setdefault(pins[p].file, ([], []))[0].append(p)
    for i, post in enumerate(posts):
        if i not in used and post.source.path in by_file:
            by_file[post.source.path][1].append(i)
    for pin_list, post_list in by_file.values():
        pin_list.sort(key=lambda p: pins[p].position)
        post_list.sort(key=lambda i: posts[i].order[1])
    return list(by_file.values())

"""Threads and cross-posts among imported posts: which posts answer which, and which post is
the same one posted on two networks. Pure."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta

from microblog.model import Post, Redirect
from microblog.text.links import find_urls
from microblog.text.titles import fold_whitespace

CROSS_POST_WINDOW = timedelta(minutes=10)
_SHORT_LINK = re.compile(r"\S+…")  # Mastodon shows long links cut, with an ellipsis


def find_threads(posts: Sequence[Post]) -> dict[str, tuple[str, ...]]:
    """For each post of a thread (a chain of replies to one's own posts, all published), the
    ids of the whole thread, oldest first. Posts outside threads are not listed."""
    by_id = {post.id: post for post in posts}
    parent: dict[str, str] = {}
    for post in posts:
        target = post.reply_to.post_id if post.reply_to else None
        if target is not None and target in by_id and target != post.id:
            parent[post.id] = target
    members: dict[str, list[str]] = {}
    for post in posts:
        if post.id in parent or any(p == post.id for p in parent.values()):
            members.setdefault(_root(post.id, parent), []).append(post.id)
    threads: dict[str, tuple[str, ...]] = {}
    for ids in members.values():
        ordered = tuple(sorted(ids, key=lambda i: _when(by_id[i])))
        for post_id in ordered:
            threads[post_id] = ordered
    return threads


def _root(post_id: str, parent: Mapping[str, str]) -> str:
    seen = {post_id}
    while post_id in parent and parent[post_id] not in seen:  # a loop ends where it closes
        post_id = parent[post_id]
        seen.add(post_id)
    return post_id


def _when(post: Post) -> tuple[float, str, int]:
    stamp = post.date.timestamp() if post.date else float("inf")
    return (stamp, post.source.path, post.source.line)


def merge_cross_posts(posts: Sequence[Post]) -> tuple[list[Post], list[Redirect]]:
    """One post for each post published on two networks (the same text once links and white
    space are set aside, within ten minutes): the earlier is kept, naming the other's address
    in `also_at`; the other's page becomes a redirect to it. `posts` have unique ids."""
    groups: dict[str, list[Post]] = {}
    for post in posts:
        if post.network and post.date is not None and not post.draft:
            groups.setdefault(_normal_text(post.text), []).append(post)
    updated: dict[str, Post] = {}
    dropped: set[str] = set()
    redirects: list[Redirect] = []
    for group in groups.values():
        kept: list[tuple[Post, set[str]]] = []  # a kept post, and the networks it stands for
        for post in sorted(group, key=_when):
            index = next((i for i, k in enumerate(kept) if _same_post(*k, post)), None)
            if index is None:
                kept.append((post, {post.network}))
                continue
            earlier, networks = kept[index]
            earlier = dataclasses.replace(earlier, also_at=(*earlier.also_at, post.original))
            kept[index] = (earlier, networks | {post.network})
            redirects.append(Redirect(post.slug, earlier.id, post.source))
            dropped.add(post.id)
        updated.update((post.id, post) for post, _ in kept)
    merged = [updated.get(post.id, post) for post in posts if post.id not in dropped]
    return merged, redirects


def _same_post(earlier: Post, networks: set[str], later: Post) -> bool:
    assert earlier.date is not None and later.date is not None
    return later.network not in networks and later.date - earlier.date <= CROSS_POST_WINDOW


def _normal_text(text: str) -> str:
    """The words of a post: links (expanded or cut short) and runs of white space set aside."""
    for span in reversed(find_urls(text)):
        text = text[: span.start] + " " + text[span.end :]
    return fold_whitespace(_SHORT_LINK.sub(" ", text)).casefold()

"""Which pages and feeds of the last build can stay as they are.

Each page gets a key: a digest of its template and every template that one reaches, the
settings, microblog's code, its path and everything in its context (each post by a digest of
all its fields). Rendering also records which posts the page looked up by id (`posts_by_id`,
a reply's parent), with their digests. A page whose key and looked-up posts are those of the
last build, in an output folder as that build left it, is kept without being rendered; any
other page is rendered (and written only when its bytes differ). A feed is kept likewise,
by a key of its settings, title and the posts it carries. What cannot be digested (a value
of a type not known here) makes its page be rendered every time.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Final

import jinja2
from jinja2 import meta

from microblog.model import Post
from microblog.recordcache import Uncached
from microblog.taxonomy import TagIndex

FORMAT: Final = "microblog-pages-1"
EVERY_POST: Final = "*"  # a page that went through every post (iterated posts_by_id)
TAG_POSTS: Final = "#"  # + a tag's slug: a page that read the tag's list of posts
Deps = list[list[str]]  # [post id, its digest or "" when there was none]


class LookedUp(Mapping[str, Post]):
    """`posts_by_id` for templates, noting each id looked up while a page renders."""

    def __init__(self, posts: Mapping[str, Post]) -> None:
        self._posts = posts
        self._seen: list[set[str]] = []

    def __getitem__(self, key: str) -> Post:
        self.note((key,))
        return self._posts[key]

    def __contains__(self, key: object) -> bool:
        self.note((str(key),))
        return key in self._posts

    def __iter__(self) -> Iterator[str]:
        self.note((EVERY_POST,))
        return iter(self._posts)

    def __len__(self) -> int:
        self.note((EVERY_POST,))
        return len(self._posts)

    def note(self, keys: Sequence[str]) -> None:
        for seen in self._seen:
            seen.update(keys)

    @contextlib.contextmanager
    def watch(self) -> Iterator[set[str]]:
        """The ids looked up in the block (also counted in any block around it)."""
        seen: set[str] = set()
        self._seen.append(seen)
        try:
            yield seen
        finally:
            self._seen.pop()  # blocks nest: this one is the last (remove() compares sets)


class Digests:
    """Digests of the values of one build's page plan; each post and tag digested once."""

    def __init__(self, posts: Sequence[Post], tags: Sequence[TagIndex]) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}  # the object is kept: its id stays its
        self._by_id = {post.id: post for post in posts}
        self._tags = {tag.slug: tag for tag in tags}
        self._every: str | None = None

    def post(self, post: Post) -> bytes:
        """A digest of all of a post's fields: its repr, which shows each field (records
        are dataclasses of text, numbers, tuples, dates and enums; see model.py)."""
        known = self._memo.get(id(post))
        if known is None:
            text = repr(post).encode("utf-8", "surrogatepass")
            known = self._memo[id(post)] = (post, hashlib.sha256(text).digest())
        return known[1]

    def of_id(self, post_id: str) -> str:
        """A looked-up id's digest now ("" when no post has it); TAG_POSTS + a tag's slug:
        that of the tag's posts."""
        if post_id.startswith(TAG_POSTS):
            tag = self._tags.get(post_id[len(TAG_POSTS) :])
            return "" if tag is None else self.value(tag.posts)
        if post_id == EVERY_POST:
            if self._every is None:
                every = hashlib.sha256()
                for key in sorted(self._by_id):
                    every.update(self.post(self._by_id[key]))
                self._every = every.hexdigest()
            return self._every
        post = self._by_id.get(post_id)
        return "" if post is None else self.post(post).hex()

    def value(self, value: Any) -> str:
        """A digest of a page's context (or any plan value); Uncached for an unknown type."""
        digest = hashlib.sha256()
        self._feed(digest.update, value)
        return digest.hexdigest()

    def _feed(self, add: Callable[[bytes], None], value: Any) -> None:
        kind = type(value)
        if value is None or kind in (str, int, bool, float):
            add(f"{kind.__name__}:{len(repr(value))}:{value!r};".encode("utf-8", "surrogatepass"))
        elif kind is Post:
            add(b"P" + self.post(value))
        elif kind is TagIndex:  # its posts count only where a page reads them (TAG_POSTS)
            self._feed(add, ("TagIndex", value.slug, value.name, value.count))
        elif kind in (tuple, list):
            self._feed_sequence(add, value)
        elif isinstance(value, Mapping):
            add(f"{{{len(value)}".encode())
            for key in sorted(value):
                self._feed(add, key)
                self._feed(add, value[key])
        elif kind in (datetime, date) or isinstance(value, Enum):
            add(f"{kind.__name__}:{value!r};".encode("utf-8", "surrogatepass"))
        elif is_dataclass(value) and not isinstance(value, type):
            add(b"D" + self._dataclass(value))
        else:
            raise Uncached(kind.__name__)

    def _feed_sequence(self, add: Callable[[bytes], None], value: Sequence[Any]) -> None:
        add(f"[{len(value)}".encode())
        if all(type(item) is Post for item in value):  # a page's posts: the usual list
            add(b"".join([self.post(item) for item in value]))
            return
        for item in value:
            self._feed(add, item)

    def _dataclass(self, value: Any) -> bytes:
        known = self._memo.get(id(value))
        if known is None:
            inner = hashlib.sha256(type(value).__qualname__.encode())
            for item in fields(value):
                self._feed(inner.update, getattr(value, item.name))
            known = self._memo[id(value)] = (value, inner.digest())
        return known[1]


def template_keys(env: jinja2.Environment, always: Sequence[str]) -> Callable[[str], str | None]:
    """A template's key: the sources of it and of every template it reaches (and `always`,
    the templates code renders by name). None when one cannot be read or parsed, or names
    another by a value (then no page of it is kept: it is rendered every time)."""
    sources: dict[str, str | None] = {}
    keys: dict[str, str | None] = {}

    def source(name: str) -> str | None:
        if name not in sources:
            try:
                sources[name] = env.loader.get_source(env, name)[0] if env.loader else None
            except (jinja2.TemplateError, OSError, UnicodeError):
                sources[name] = None
        return sources[name]

    def key(name: str) -> str | None:
        if name not in keys:
            names = _reached(env, source, [name, *always])
            if names is None:
                keys[name] = None
            else:
                digest = hashlib.sha256()
                for other in sorted(names):
                    digest.update(f"{other}\0{source(other)}\0".encode("utf-8", "surrogatepass"))
                keys[name] = digest.hexdigest()
        return keys[name]

    return key


def _reached(
    env: jinja2.Environment, source: Callable[[str], str | None], pending: list[str]
) -> set[str] | None:
    """The templates `pending` name, and those they extend, include or import, by name."""
    seen: set[str] = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        text = source(current)
        if text is None:
            return None
        try:
            names = list(meta.find_referenced_templates(env.parse(text)))
        except jinja2.TemplateError:
            return None
        named = [other for other in names if isinstance(other, str)]
        if len(named) != len(names):
            return None  # a name made at render time
        pending.extend(named)
    return seen


class PageKeys:
    """The pages and feeds of the last build (`previous`, or None when its output cannot be
    trusted), and those of this build as they are made."""

    def __init__(self, previous: Mapping[str, Any] | None, digests: Digests, base: str) -> None:
        self.previous = previous or {}
        self.digests = digests
        self.base = base  # settings and code
        self.now: dict[str, Any] = {}
        self.kept = 0

    def key(self, *parts: Any) -> str | None:
        try:
            return self.digests.value((FORMAT, self.base, parts))
        except Uncached:
            return None

    def fresh(self, path: str, key: str | None) -> bool:
        """Whether the last build's `path` is what this build would make: kept, if so."""
        entry = self.previous.get(path)
        if key is None or entry is None or not _is_entry(entry) or entry[0] != key:
            return False
        if any(self.digests.of_id(post_id) != digest for post_id, digest in entry[1]):
            return False
        self.now[path] = entry
        self.kept += 1
        return True

    def made(self, path: str, key: str | None, looked_up: Sequence[str] = ()) -> None:
        if key is not None:
            deps = [[post_id, self.digests.of_id(post_id)] for post_id in sorted(looked_up)]
            self.now[path] = [key, deps]


def _is_entry(entry: Any) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and isinstance(entry[1], list)
        and all(
            isinstance(dep, list) and len(dep) == 2 and all(isinstance(p, str) for p in dep)
            for dep in entry[1]
        )
    )

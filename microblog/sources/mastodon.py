"""A Mastodon export: the public statuses of its `outbox.json`, with their media.

`outbox.json` is an ActivityStreams `OrderedCollection` of activities (a single activity is
taken too). Each `Create` of a `Note` (or `Question`, `Article`) addressed to the public
becomes a post; followers-only posts and private mentions are never published, nor is
anything of theirs named in a problem; boosts (`Announce`) are left out and counted.
Nothing but `outbox.json` and the media files of published posts is ever opened.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from datetime import datetime, tzinfo
from typing import Any, Final

from microblog.config import SiteConfig
from microblog.dates import parse_date
from microblog.model import Post, Source, Tag
from microblog.problems import Problem, Severity
from microblog.sources.exports import MAX_MEMBER_BYTES, ExportFiles
from microblog.sources.markdown import hashtags_of_html
from microblog.sources.mastodon_html import is_web_address, prepare_status_html
from microblog.sources.mastodon_items import (
    ItemFields,
    language_of,
    plain_field,
    poll_options,
    read_attachments,
    read_content,
    read_tags_field,
    reply_of,
)
from microblog.sources.mastodon_json import load_outbox, twice_of
from microblog.sources.record import Draft, read_tags
from microblog.text.decode import C1_CONTROLS, FORBIDDEN
from microblog.text.html import sanitize_html
from microblog.text.linked import LinkCollector, LinkedHtml
from microblog.text.linkify import linkify_html
from microblog.text.mojibake import repair_mojibake
from microblog.text.slugs import clean_slug
from microblog.text.titles import shorten, text_of_html

OUTBOX: Final = "outbox.json"
NETWORK: Final = "mastodon"
PUBLIC: Final = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
NOTE_TYPES: Final = frozenset({"Note", "Question", "Article"})
SENSITIVE: Final = "Sensitive content"  # the warning of a sensitive post that gives none
_ADDRESSING: Final = ("to", "cc")
# What the linker may link: without any of these (in its text or anywhere), sanitized HTML has
# no hashtag or bare URL, and the linker would give it back unchanged.
_LINKABLE: Final = re.compile(r"#|://|www\.", re.IGNORECASE)


def is_mastodon_export(names: Iterable[str]) -> bool:
    """Whether an export's member names (relative to its root) make a Mastodon export."""
    return OUTBOX in names


def parse_mastodon_export(files: ExportFiles, config: SiteConfig) -> Iterator[Post | Problem]:
    """Every public status of a Mastodon export as a post, with the problems met on the way
    and one note counting what was left out."""
    path = f"{files.relative}/{OUTBOX}" if files.relative else OUTBOX
    try:
        raw = files.read(OUTBOX, MAX_MEMBER_BYTES)
    except OSError as exc:  # ExportError too: missing, leading out, too large
        yield Problem(path, 0, "MB090", Severity.WARNING, f"cannot read: {exc}", "no posts read")
        return
    outbox = yield from load_outbox(raw, path)
    if outbox is None:
        return
    reader = _Outbox(files, path, config.tz)
    for index, activity in enumerate(outbox.items, start=1):
        yield from reader.read_item(index, activity, outbox.duplicated(activity))
    yield from reader.finish()


def _audience_problem(activity: dict[str, Any], note: dict[str, Any]) -> str | None:
    """None when both the activity and its note are addressed to the public (in `to` or
    `cc`: unlisted posts are public too); else why not, when the addressing is malformed
    ("" when it is simply not public). A field that is not an address or a list of them, a
    duplicated `to` or `cc`, or no addressing at all: not public."""
    for name, part in (("activity", activity), ("object", note)):
        public = False
        for key in _ADDRESSING:
            value = part.get(key, [])
            addresses = [value] if isinstance(value, str) else value
            if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
                return f"the {name}'s {key!r} is not a list of addresses"
            public = public or any(address in PUBLIC for address in addresses)
        if not any(key in part for key in _ADDRESSING):
            return f"the {name} has no addressing ('to', 'cc')"
        if not public:
            return ""
    return None


class _Outbox:
    """What reading one outbox gathers: posts (held until the end, when replies are matched
    with the statuses they answer), the statuses that are not public, and the counts."""

    def __init__(self, files: ExportFiles, path: str, tz: tzinfo) -> None:
        self.files = files
        self.path = path
        self.tz = tz
        self.posts: list[Post] = []
        self.ours: dict[str, str] = {}  # a published status's id and url -> our post id
        self.private: set[str] = set()  # ids and urls of statuses never published
        self.statuses: dict[str, int] = {}  # status id -> the item that published it
        self.ids: set[str] = set()  # our post ids given
        self.left_out: Counter[str] = Counter()

    def problem(self, index: int, message: str, action: str) -> Problem:
        return Problem(self.path, 0, "MB092", Severity.WARNING, f"item {index}: {message}", action)

    def read_item(
        self, index: int, activity: Any, duplicated: tuple[str, ...]
    ) -> Iterator[Post | Problem]:
        if not isinstance(activity, dict):
            self.left_out["malformed"] += 1
            yield self.problem(index, "not an object", "left out")
            return
        kind = activity.get("type")
        if kind == "Announce":
            self.left_out["boost"] += 1
            return
        note = activity.get("object")
        if kind != "Create" or (isinstance(note, dict) and note.get("type") not in NOTE_TYPES):
            self.left_out["other"] += 1
            return
        if not isinstance(note, dict):
            self.left_out["malformed"] += 1
            yield self.problem(index, "'object' of a Create is not an object", "left out")
            return
        reason = _audience_problem(activity, note)
        twice = [key for key in (*twice_of(activity), *twice_of(note)) if key in _ADDRESSING]
        if twice:  # which value a reader keeps differs: neither is to be trusted
            reason = f"duplicate key {twice[0]!r} in its addressing"
        if reason is not None:
            self.left_out["not public"] += 1
            self.private.update(v for k in ("id", "url") if isinstance(v := note.get(k), str))
            if reason:
                yield self.problem(index, reason, "treated as not public: not published")
            return
        for key in duplicated:
            yield self.problem(index, f"duplicate key {key!r}", "the last one read")
        post = yield from self._read_note(index, activity, note)
        if post is None:
            self.left_out["malformed"] += 1
        else:
            self.posts.append(post)

    def _read_note(
        self, index: int, activity: dict[str, Any], note: dict[str, Any]
    ) -> Generator[Problem, None, Post | None]:
        fields = ItemFields(note, index, self.problem)
        status = fields.text("id")
        if status is None:
            yield from fields.take_problems()
            yield self.problem(index, "no status 'id'", "left out")
            return None
        if status in self.statuses:
            earlier = self.statuses[status]
            yield self.problem(index, f"the same status as item {earlier}", "left out")
            return None
        date = self._date(note, activity)
        if date is None:
            yield from fields.take_problems()
            yield self.problem(index, "no valid 'published' date", "left out")
            return None
        content = read_content(fields)
        if content is None:
            yield from fields.take_problems()
            yield self.problem(index, "no 'content'", "left out")
            return None
        self.statuses[status] = index
        post = yield from self._build(index, fields, status, date, content)
        yield from fields.take_problems()
        return post

    def _date(self, note: dict[str, Any], activity: dict[str, Any]) -> datetime | None:
        for part in (note, activity):
            value = part.get("published")
            if isinstance(value, str) and (date := parse_date(value, self.tz)) is not None:
                return date
        return None

    def _identity(self, status: str) -> tuple[str, str]:
        """Our id and slug of a status: its own id's last segment (Mastodon's snowflake id,
        stable across exports), else a short hash of the whole id."""
        segment = status.split("?", 1)[0].split("#", 1)[0].rstrip("/").rpartition("/")[2]
        slug, changed = clean_slug(segment)
        if changed or not slug or f"{NETWORK}-{slug}" in self.ids:
            slug = hashlib.sha256(status.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.ids.add(f"{NETWORK}-{slug}")
        return f"{NETWORK}-{slug}", slug

    def _build(
        self,
        index: int,
        fields: ItemFields,
        status: str,
        date: datetime,
        content: str,
    ) -> Generator[Problem, None, Post]:
        post_id, slug = self._identity(status)
        source = Source(self.path, index)
        body, shown, tags, links = yield from self._body(fields, source, post_id, content)
        original = fields.address("url") or (status if is_web_address(status) else "")
        warning = yield from self._warning(index, fields)
        title = fields.text("name") if fields.note.get("type") == "Article" else None
        post = Draft(
            text=shown,
            html=body,
            source=source,
            id=post_id,
            slug=slug,
            date=date,
            date_origin=self.path,
            lang=language_of(fields.note),
            draft=False,
            title=title,
            tags=tags,
            rank=index,
            shown_text=shown,
        ).to_post()
        self.ours.update((key, post_id) for key in (status, original) if key)
        return dataclasses.replace(
            post,
            headline=shorten(warning, 70) if warning and not title else post.headline,
            summary=warning or post.summary,  # a warned post's words stay behind the warning
            links=links,
            media=read_attachments(fields, self.files, self.path),
            reply_to=reply_of(fields),
            warning=warning,
            network=NETWORK,
            original=original,
        )

    def _body(
        self, fields: ItemFields, source: Source, post_id: str, content: str
    ) -> Generator[Problem, None, tuple[LinkedHtml, str, tuple[Tag, ...], tuple[str, ...]]]:
        """The status's HTML made ours, sanitized once and linked (as Markdown posts are),
        with its text as shown, its tags and the addresses of its links."""
        hashtags, emoji, fields.mentions = read_tags_field(fields)
        content = yield from self._repair(source.line, content + poll_options(fields.note))
        prepared = prepare_status_html(content, emoji)
        links = LinkCollector(f"{post_id}-")
        sanitized = sanitize_html(prepared.html, links)
        shown = text_of_html(sanitized)
        linkable = _LINKABLE.search(sanitized) is not None
        in_text = hashtags_of_html(sanitized) if linkable else []
        tags, tag_links = yield from read_tags(shown, hashtags, source, links, in_text)
        html = linkify_html(sanitized, tag_links, links.address) if linkable else sanitized
        return links.finish(html), shown, tags, prepared.links

    def _repair(self, index: int, content: str) -> Generator[Problem, None, str]:
        """Content without control characters, its mojibake repaired (and reported)."""
        if FORBIDDEN.search(content):
            yield Problem(
                self.path,
                0,
                "MB012",
                Severity.WARNING,
                f"item {index}: control or non-characters in 'content'",
                "removed",
            )
            content = FORBIDDEN.sub("", content)
        content, repairs = repair_mojibake(content)
        for repair in repairs:
            change = f"{repair.before!r} -> {repair.after!r}"
            message = f"item {index}: mojibake ({repair.kind}) {change}"
            yield Problem(self.path, 0, "MB030", Severity.NOTE, message, "repaired")
        return C1_CONTROLS.sub("", content)

    def _warning(self, index: int, fields: ItemFields) -> Generator[Problem, None, str | None]:
        """The content warning: the summary, or a plain one for a post marked sensitive."""
        summary = fields.text("summary")
        sensitive = fields.note.get("sensitive")
        if sensitive is not None and not isinstance(sensitive, bool):
            yield self.problem(index, "'sensitive' is not true or false", "taken as true")
            sensitive = True
        if summary and summary.strip():
            summary, repairs = repair_mojibake(summary)
            for repair in repairs:
                change = f"{repair.before!r} -> {repair.after!r}"
                message = f"item {index}: mojibake ({repair.kind}) in 'summary' {change}"
                yield Problem(self.path, 0, "MB030", Severity.NOTE, message, "repaired")
            return " ".join(plain_field(summary).split())
        return SENSITIVE if sensitive else None

    def finish(self) -> Iterator[Post | Problem]:
        """The posts, each reply matched with the status it answers: one of ours makes a
        thread; one that is not public is not named (the post stands alone)."""
        for post in self.posts:
            reply = post.reply_to
            if reply is not None and reply.url in self.private:
                post = dataclasses.replace(post, reply_to=None)
            elif reply is not None and reply.url in self.ours:
                post = dataclasses.replace(
                    post, reply_to=dataclasses.replace(reply, post_id=self.ours[reply.url])
                )
            yield post
        if self.left_out:
            yield Problem(
                self.path,
                0,
                "MB094",
                Severity.NOTE,
                _counted(self.left_out) + " left out",
                "not published",
            )


_NAMES: Final = {
    "boost": ("boost", "boosts"),
    "not public": ("not public", "not public"),
    "other": ("other activity", "other activities"),
    "malformed": ("malformed item", "malformed items"),
}


def _counted(counts: Counter[str]) -> str:
    """`2 boosts, 3 not public`."""
    return ", ".join(
        f"{counts[key]} {one if counts[key] == 1 else many}"
        for key, (one, many) in _NAMES.items()
        if counts[key]
    )

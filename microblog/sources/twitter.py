"""The Twitter/X data export: its tweets, as records like any other post.

Only the tweet files are ever opened (`data/manifest.js` names them; `tweets.js`,
`tweets-partN.js` and the older `tweet.js` are found by name too). Direct messages, deleted
tweets, Twitter Circle tweets, account, IP and device data are never read. Each file is parsed
one item at a time, and a broken item or file costs only itself.
"""

from __future__ import annotations

import dataclasses
import html
import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from microblog.config import SiteConfig
from microblog.dates import parse_date
from microblog.model import Post, Reply, Source
from microblog.problems import Problem, Severity
from microblog.settings import language_tag
from microblog.sources.exports import (
    MANIFEST,
    MAX_MEMBER_BYTES,
    TWEET_FILE,
    ExportError,
    ExportFiles,
    twitter_data_prefix,
)
from microblog.sources.record import Draft, read_tags
from microblog.sources.twitter_entities import (
    SCREEN_NAME,
    ItemReport,
    MediaFolder,
    media_links,
    pieces_html,
    read_hashtag_names,
    read_media,
    read_mentions,
    read_urls,
    shown,
    split_text,
)
from microblog.sources.twitter_files import (
    ItemStream,
    read_items,
    read_manifest,
    tweet_file_order,
)
from microblog.text.decode import C1_CONTROLS, FORBIDDEN, decode_bytes
from microblog.text.html import sanitize_html
from microblog.text.linked import LinkCollector
from microblog.text.mojibake import repair_mojibake

MAX_MANIFEST_BYTES: Final = 16 * 1024 * 1024
_TWEET_ID: Final = re.compile(r"[0-9]{1,19}")
_RETWEET: Final = re.compile(r"RT @([A-Za-z0-9_]{1,50})")
_NOT_LANGUAGES: Final = {"und", "qst", "zxx"}  # undetermined, a short text, no linguistic content
WEB_STATUS: Final = "https://twitter.com/i/web/status/"
_ESCAPED_BYTES: Final = re.compile("[\udc80-\udcff]")  # how the stream keeps bytes not UTF-8


def parse_twitter_export(files: ExportFiles, config: SiteConfig) -> Iterator[Post | Problem]:
    """Every published tweet of an export, with the problems met reading it.

    A pure function of the export's files and the settings it reads (`timezone`,
    `twitter.retweets`). Replies wait for the end, when it is known which tweets they answer
    are in the export (a thread)."""
    names = files.names()
    prefix = twitter_data_prefix(names)
    if prefix is None:
        yield Problem(
            files.relative,
            0,
            "MB091",
            Severity.ERROR,
            "no tweets.js, tweet.js or data/manifest.js in the export",
            "nothing read",
        )
        return
    reader = _ExportReader(files, config, MediaFolder(files, frozenset(names), prefix))
    for member in (yield from _tweet_files(files, names, prefix)):
        yield from reader.read_file(member)
    yield from reader.finish()


def _tweet_files(
    files: ExportFiles, names: list[str], prefix: str
) -> Generator[Problem, None, list[str]]:
    """The tweet files, in the manifest's order, then any it leaves out (by part number)."""
    present = set(names)
    by_name = [
        name
        for name in names
        if name.startswith(prefix) and TWEET_FILE.fullmatch(name[len(prefix) :])
    ]
    listed: list[str] = []
    for entry in (yield from _manifest_entries(files, prefix + MANIFEST, present)):
        base = entry.removeprefix("data/")
        member = prefix + base
        if not TWEET_FILE.fullmatch(base):
            message = f"lists {shown(entry)} as a tweets file"
            yield _unreadable(files, prefix + MANIFEST, message, "not read")
        elif member not in present:
            message = "listed in manifest.js, not in the export"
            yield _unreadable(files, member, message, "its tweets are missing")
        elif member not in listed:
            listed.append(member)
    rest = sorted((name for name in by_name if name not in listed), key=tweet_file_order)
    return listed + rest


def _manifest_entries(
    files: ExportFiles, manifest: str, present: set[str]
) -> Generator[Problem, None, list[str]]:
    """The file names the manifest gives for tweets; none when there is no manifest."""
    if manifest not in present:
        return []
    try:
        data = files.read(manifest, MAX_MANIFEST_BYTES)
    except OSError as exc:  # ExportError too
        yield _unreadable(files, manifest, f"cannot be read: {exc}", "tweet files found by name")
        return []
    entries, problem = read_manifest(decode_bytes(data, manifest)[0])
    if problem:
        yield _unreadable(files, manifest, problem, "tweet files found by name")
    return entries


def _unreadable(files: ExportFiles, member: str, message: str, action: str) -> Problem:
    return Problem(f"{files.relative}/{member}", 0, "MB090", Severity.WARNING, message, action)


@dataclass
class _ExportReader:
    """What reading one export remembers across its files."""

    files: ExportFiles
    config: SiteConfig
    media: MediaFolder
    published: dict[str, str] = field(default_factory=dict)  # tweet id -> "file item N"
    replies: list[Post] = field(default_factory=list)
    retweets_left_out: int = 0

    def read_file(self, member: str) -> Iterator[Post | Problem]:
        """The tweets of one file, streamed; a file that breaks keeps what came before."""
        path = f"{self.files.relative}/{member}"
        try:
            if self.files.size(member) > MAX_MEMBER_BYTES:
                raise ExportError(f"larger than {MAX_MEMBER_BYTES >> 20} MB")
            handle = self.files.open(member)
        except OSError as exc:  # ExportError too
            yield Problem(path, 0, "MB090", Severity.WARNING, f"cannot be read: {exc}", "skipped")
            return
        with handle:
            items = read_items(handle, MAX_MEMBER_BYTES)
            try:
                yield from self._read_items(items, member, path)
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
                message = f"cannot be read: {exc}"
                yield Problem(path, 0, "MB090", Severity.WARNING, message, "the rest not read")
        if items.invalid_line:
            message = "invalid UTF-8 bytes"
            yield Problem(
                path, items.invalid_line, "MB011", Severity.WARNING, message, "replaced with U+FFFD"
            )
        if items.too_large:
            message = f"cannot be read: {items.error}"
            yield Problem(path, 0, "MB090", Severity.WARNING, message, "the rest not read")
        elif items.error:
            yield Problem(path, 0, "MB091", Severity.ERROR, items.error, "the rest not read")

    def _read_items(self, items: ItemStream, member: str, path: str) -> Iterator[Post | Problem]:
        for index, value, duplicates in items:
            report = ItemReport(path, index)
            if duplicates:
                keys = ", ".join(sorted(set(duplicates))[:5])
                report.malformed(f"duplicate key {keys}", "the last value kept")
            post = self.read_tweet(value, member, report)
            yield from report.problems
            if post is None:
                continue
            if post.reply_to is None:
                yield post
            else:
                self.replies.append(post)

    def finish(self) -> Iterator[Post | Problem]:
        """The replies, each knowing whether it answers a tweet of the export, and a count of
        what was left out."""
        for post in self.replies:
            assert post.reply_to is not None
            target = post.reply_to.url.rpartition("/")[2]
            if target in self.published:
                reply = dataclasses.replace(post.reply_to, post_id=f"twitter-{target}")
                post = dataclasses.replace(post, reply_to=reply)
            yield post
        self.replies = []
        if self.retweets_left_out:
            count = self.retweets_left_out
            yield Problem(
                self.files.relative,
                0,
                "MB094",
                Severity.NOTE,
                f"{count} retweet{'s' if count != 1 else ''} left out",
                "twitter.retweets: true includes them",
            )

    def read_tweet(self, value: Any, member: str, report: ItemReport) -> Post | None:
        """One item as a record, or None when it is left out (reported, or a retweet)."""
        tweet = value.get("tweet") if isinstance(value, dict) and "tweet" in value else value
        if not isinstance(tweet, dict):
            report.malformed(f"not a tweet but {type(tweet).__name__}", "left out")
            return None
        tweet_id = _tweet_id(tweet, "id_str", "id")
        full_text = tweet.get("full_text", tweet.get("text"))
        created = tweet.get("created_at")
        date = parse_date(created, self.config.tz) if isinstance(created, str) else None
        missing = [
            name
            for name, ok in (
                ("id_str", tweet_id),
                ("full_text", isinstance(full_text, str)),
                ("created_at", date),
            )
            if not ok
        ]
        if missing or tweet_id is None or not isinstance(full_text, str):
            report.malformed(f"no valid {', '.join(missing)}", "left out")
            return None
        if tweet_id in self.published:
            report.malformed(
                f"tweet {tweet_id} again (first: {self.published[tweet_id]})", "left out"
            )
            return None
        retweet = _RETWEET.match(full_text)
        if retweet and not self.config.twitter.retweets:
            self.retweets_left_out += 1
            return None
        self.published[tweet_id] = f"{member} item {report.index}"
        post = self.make_post(tweet, tweet_id, full_text, report)
        return dataclasses.replace(
            post,
            date=date,
            date_origin=f"{self.files.relative}/{member}",
            lang=_language(tweet.get("lang"), report),
            reply_to=_reply(tweet, report),
            network="twitter",
            original=WEB_STATUS + tweet_id,
            repost_of=f"@{retweet[1]}" if retweet else "",
        )

    def make_post(
        self, tweet: dict[str, Any], tweet_id: str, full_text: str, report: ItemReport
    ) -> Post:
        """The record of a tweet's text, entities and media (its date and the rest set after)."""
        entities = tweet.get("entities")
        if entities is not None and not isinstance(entities, dict):
            report.malformed("entities is not an object")
        text = _clean_text(full_text, report)
        media = read_media(tweet, tweet_id, self.media, report)
        pieces = split_text(
            text, read_urls(entities, report), media_links(tweet), read_mentions(entities, report)
        )
        record_text = "".join(piece.text for piece in pieces)
        source = Source(report.path, report.index)
        links = LinkCollector()
        names = read_hashtag_names(entities, report)
        tags, tag_links = _collect(read_tags(record_text, names, source, links), report.problems)
        body = links.finish(sanitize_html(pieces_html(pieces, tag_links, links), links))
        return dataclasses.replace(
            Draft(
                text=record_text,
                html=body,
                source=source,
                id=f"twitter-{tweet_id}",
                slug=tweet_id,
                date=None,
                date_origin="",
                lang=None,
                draft=False,
                title=None,
                tags=tags,
                rank=report.index,
                shown_text="".join(piece.shown for piece in pieces),
            ).to_post(),
            media=media,
        )


T = TypeVar("T")


def _collect(steps: Generator[Problem, None, T], problems: list[Problem]) -> T:
    """The value of a generator that yields problems on the way, the problems kept."""
    while True:
        try:
            problems.append(next(steps))
        except StopIteration as stop:
            value: T = stop.value
            return value


def _tweet_id(tweet: dict[str, Any], *keys: str) -> str | None:
    """The first of `keys` holding a tweet id: a string of up to 19 digits, never a number
    (a float would round a 19-digit id)."""
    for key in keys:
        value = tweet.get(key)
        if isinstance(value, str) and _TWEET_ID.fullmatch(value):
            return value
    return None


def _clean_text(full_text: str, report: ItemReport) -> str:
    """A tweet's text as written: Twitter's HTML escapes decoded once, what no page can hold
    removed, mojibake repaired (each change reported)."""
    text = _ESCAPED_BYTES.sub("\ufffd", html.unescape(full_text))  # bytes that were not UTF-8
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = FORBIDDEN.findall(text)
    if found:
        names = ", ".join(sorted({f"U+{ord(c):04X}" for c in found})[:5])
        message = f"item {report.index}: control or non-characters in text ({names})"
        report.problems.append(
            Problem(report.path, 0, "MB012", Severity.WARNING, message, "removed")
        )
        text = FORBIDDEN.sub("", text)
    text, repairs = repair_mojibake(text)
    for repair in repairs:
        message = (
            f"item {report.index}: mojibake ({repair.kind}) {repair.before!r} -> {repair.after!r}"
        )
        report.problems.append(Problem(report.path, 0, "MB030", Severity.NOTE, message, "repaired"))
    if C1_CONTROLS.search(text):
        message = f"item {report.index}: C1 control characters in text"
        report.problems.append(
            Problem(report.path, 0, "MB013", Severity.WARNING, message, "removed")
        )
        text = C1_CONTROLS.sub("", text)
    return text


def _language(value: Any, report: ItemReport) -> str | None:
    """The tweet's `lang`, unless one of Twitter's codes that name no language."""
    if value is None or (isinstance(value, str) and value in _NOT_LANGUAGES):
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return language_tag(value)
    except ValueError:
        report.malformed(f"lang {shown(value)} is not a language tag")
        return None


def _reply(tweet: dict[str, Any], report: ItemReport) -> Reply | None:
    """What the tweet answers; `post_id` is filled once the whole export is read."""
    if tweet.get("in_reply_to_status_id_str", tweet.get("in_reply_to_status_id")) is None:
        return None
    target = _tweet_id(tweet, "in_reply_to_status_id_str", "in_reply_to_status_id")
    if target is None:
        value = tweet.get("in_reply_to_status_id_str", tweet.get("in_reply_to_status_id"))
        report.malformed(f"in_reply_to_status_id_str {shown(value)} is not a tweet id")
        return None
    name = tweet.get("in_reply_to_screen_name")
    if name is not None and not (isinstance(name, str) and SCREEN_NAME.fullmatch(name)):
        report.malformed(f"in_reply_to_screen_name {shown(name)} is not one")
        name = None
    if name is None:
        return Reply(url=WEB_STATUS + target)
    return Reply(url=f"https://twitter.com/{name}/status/{target}", to=f"@{name}")

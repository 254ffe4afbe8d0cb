"""A tweet's entities, read defensively: its links, mentions, hashtags and media, and its text
and HTML with t.co links expanded.

Twitter's `indices` are not used: they have counted in code points, in UTF-16 units and in the
escaped text over the years. Links and mentions are found in the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, TypeGuard
from urllib.parse import urlsplit

from microblog.model import Media
from microblog.problems import Problem, Severity
from microblog.sources.exports import ExportFiles
from microblog.text.decode import FORBIDDEN
from microblog.text.hashtags import find_hashtags
from microblog.text.html import paragraphs_html
from microblog.text.linked import Link, LinkCollector, LinkKind, escape_text
from microblog.text.linkify import TagHref, link_text

MAX_ENTITIES: Final = 100  # of one kind in one tweet: a real one has a handful
MAX_URL: Final = 4096
SCREEN_NAME: Final = re.compile(r"[A-Za-z0-9_]{1,50}")
# "@name" not glued to a word, an address or a path before it ("a@b.c", "medium.com/@name")
_MENTION: Final = re.compile(r"(?<![A-Za-z0-9_@/.&])@([A-Za-z0-9_]{1,50})(?![A-Za-z0-9_@])")
_NOT_IN_URL: Final = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
_FILE_NAME: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,150}(?<!\.)")  # no "..", no "x."
_KINDS: Final = {"photo": "image", "animated_gif": "gif", "video": "video"}
_MIME: Final = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
}  # fmt: skip
_MIME_FORM: Final = re.compile(r"(?:image|video)/[a-z0-9.+-]{1,40}")
MEDIA_FOLDERS: Final = ("tweets_media/", "tweet_media/")  # tweet_media/ in 2019-2021 exports
MEDIA_OUTPUT: Final = "media/twitter/"


@dataclass
class ItemReport:
    """The problems of one item of a tweets file, each naming the file and the item."""

    path: str  # "<export>/<member>"
    index: int  # 1-based
    problems: list[Problem] = field(default_factory=list)

    def malformed(self, message: str, action: str = "dropped") -> None:
        where = f"item {self.index}: {message}"
        self.problems.append(Problem(self.path, 0, "MB092", Severity.WARNING, where, action))

    def unreadable_media(self, message: str, action: str) -> None:
        where = f"item {self.index}: {message}"
        self.problems.append(Problem(self.path, 0, "MB090", Severity.WARNING, where, action))

    def missing_media(self, message: str, action: str) -> None:
        where = f"item {self.index}: {message}"
        self.problems.append(Problem(self.path, 0, "MB093", Severity.WARNING, where, action))


def shown(value: Any, chars: int = 80) -> str:
    """A value as a message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= chars else text[: chars - 1] + "…"


def entries(container: Any, key: str, report: ItemReport) -> list[dict[str, Any]]:
    """The objects of a list field (`entities.urls`); a field of the wrong type is reported."""
    value = container.get(key) if isinstance(container, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        report.malformed(f"{key} is not a list")
        return []
    found = [entry for entry in value if isinstance(entry, dict)]
    if len(found) < len(value):
        report.malformed(f"{key}: {len(value) - len(found)} entries are not objects")
    if len(found) > MAX_ENTITIES:
        report.malformed(f"{key}: {len(found)} entries", f"the first {MAX_ENTITIES} read")
        found = found[:MAX_ENTITIES]
    return found


def http_url(value: Any) -> TypeGuard[str]:
    """Whether `value` is an absolute http(s) address that a page may link to."""
    if not isinstance(value, str) or len(value) > MAX_URL or _NOT_IN_URL.search(value):
        return False
    if FORBIDDEN.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[" and other broken hosts
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def one_line(value: str, chars: int = 200) -> str:
    """Text for a link's label: no forbidden characters, whitespace folded, cut short."""
    text = " ".join(FORBIDDEN.sub("", value).split())
    return text if len(text) <= chars else text[: chars - 1] + "…"


@dataclass(frozen=True, slots=True)
class UrlEntity:
    short: str  # the t.co link in the text
    expanded: str
    display: str


def read_urls(entities: Any, report: ItemReport) -> list[UrlEntity]:
    """The tweet's links; one whose expanded address is not http(s) is dropped, reported."""
    found: list[UrlEntity] = []
    for entry in entries(entities, "urls", report):
        short, expanded, display = (entry.get(k) for k in ("url", "expanded_url", "display_url"))
        if not isinstance(short, str) or not short:
            report.malformed(f"a link without its url: {shown(entry)}")
            continue
        if not http_url(expanded):
            report.malformed(
                f"link {shown(short)}: expanded_url {shown(expanded)} is not an http(s) address",
                "the t.co link kept as text",
            )
            continue
        if not isinstance(display, str) or not display.strip():
            display = expanded.split("://", 1)[1]
        found.append(UrlEntity(short, expanded, one_line(display)))
    return found


def read_mentions(entities: Any, report: ItemReport) -> dict[str, str]:
    """The accounts the tweet mentions: screen name in lower case -> as Twitter spells it."""
    names: dict[str, str] = {}
    for entry in entries(entities, "user_mentions", report):
        name = entry.get("screen_name")
        if isinstance(name, str) and SCREEN_NAME.fullmatch(name):
            names.setdefault(name.lower(), name)
        else:
            report.malformed(f"user_mentions: screen_name {shown(name)} is not one")
    return names


def read_hashtag_names(entities: Any, report: ItemReport) -> list[str]:
    """The names of the tweet's hashtag entities that are hashtags by our rules too."""
    names: list[str] = []
    for entry in entries(entities, "hashtags", report):
        name = entry.get("text")
        spans = find_hashtags(f"#{name}") if isinstance(name, str) else []
        if len(spans) == 1 and spans[0].name == name:
            names.append(name)
        else:
            report.malformed(f"hashtags: {shown(name)} is not a hashtag")
    return names


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of a tweet: as the record's text holds it, as the page shows it, and the
    address it links to ("" for text, whose own URLs and hashtags are linked as in any post)."""

    text: str
    shown: str
    link: str = ""


def split_text(
    text: str, urls: Iterable[UrlEntity], media_links: Iterable[str], mentions: dict[str, str]
) -> list[Piece]:
    """`text` cut at its t.co links (expanded; the media's own removed) and its mentions."""
    spans: list[tuple[int, int, Piece | None]] = []
    for short, piece in [(u.short, Piece(u.expanded, u.display, u.expanded)) for u in urls] + [
        (link, None) for link in media_links if link
    ]:
        start = text.find(short)
        while start >= 0:
            end = start + len(short)
            if not text[end : end + 1].isalnum():  # not a longer link that starts alike
                spans.append((start, end, piece))
            start = text.find(short, end)
    for match in _MENTION.finditer(text):
        if match[1].lower() in mentions:
            profile = f"https://twitter.com/{mentions[match[1].lower()]}"
            spans.append((match.start(), match.end(), Piece(match[0], match[0], profile)))
    spans.sort(key=lambda span: (span[0], -span[1]))
    pieces: list[Piece] = []
    position = 0
    removed = False
    for start, end, piece in spans:
        if start < position:
            continue  # overlaps one taken already
        if start > position:
            pieces.append(Piece(text[position:start], text[position:start]))
        if piece is None:
            removed = True
        else:
            pieces.append(piece)
        position = end
    if position < len(text):
        pieces.append(Piece(text[position:], text[position:]))
    return _strip_end(pieces) if removed else pieces


def _strip_end(pieces: list[Piece]) -> list[Piece]:
    """Without the white space a removed media link leaves at the end of the text."""
    while pieces and not pieces[-1].link and not pieces[-1].text.strip():
        pieces.pop()
    if pieces and not pieces[-1].link:
        last = pieces[-1].text.rstrip()
        pieces[-1] = Piece(last, last)
    return pieces


def pieces_html(pieces: Iterable[Piece], tag_href: TagHref, links: LinkCollector) -> str:
    """The tweet as HTML (to be sanitized): links open, blank lines between paragraphs."""
    out: list[str] = []
    for piece in pieces:
        if piece.link:
            address = links.add(Link(LinkKind.URL, piece.link))
            out.append(f'<a href="{address}">{escape_text(piece.shown)}</a>')
        else:
            out.append(link_text(piece.text, tag_href, links.address))
    return paragraphs_html("".join(out))


# -- media -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MediaFolder:
    """Where an export keeps its media: its files, their names, the data folder's prefix."""

    files: ExportFiles
    names: frozenset[str]
    prefix: str


def media_links(tweet: dict[str, Any]) -> set[str]:
    """The t.co links that stand for the tweet's media (both lists of them)."""
    found: set[str] = set()
    for holder in (tweet.get("entities"), tweet.get("extended_entities")):
        media = holder.get("media") if isinstance(holder, dict) else None
        if isinstance(media, list):
            found.update(e["url"] for e in media if isinstance(e, dict) and _is_text(e.get("url")))
    return found


def read_media(
    tweet: dict[str, Any], tweet_id: str, folder: MediaFolder, report: ItemReport
) -> tuple[Media, ...]:
    """The tweet's images, GIFs and videos (`extended_entities`, else `entities`)."""
    extended = tweet.get("extended_entities")
    holder = (
        extended if isinstance(extended, dict) and "media" in extended else tweet.get("entities")
    )
    found: list[Media] = []
    for entry in entries(holder, "media", report):
        media = _read_one(entry, tweet_id, folder, report)
        if media is not None and media not in found:
            found.append(media)
    return tuple(found)


def _read_one(
    entry: dict[str, Any], tweet_id: str, folder: MediaFolder, report: ItemReport
) -> Media | None:
    type_name = entry.get("type")
    kind = _KINDS.get(type_name) if isinstance(type_name, str) else None
    if kind is None:
        report.malformed(f"media type {shown(type_name)} is not photo, animated_gif, video")
        return None
    remote, mime = entry.get("media_url_https") or entry.get("media_url"), ""
    if kind != "image":
        variant = _best_variant(entry, report)
        if variant is None:
            report.malformed(f"{kind} without an mp4 variant", "its still image shown")
            kind = "image"
        else:
            remote, mime = variant
    if not http_url(remote):
        report.malformed(f"{kind} address {shown(remote)} is not an http(s) address")
        return None
    base = urlsplit(remote).path.rpartition("/")[2]
    file_name = f"{tweet_id}-{base}"
    if not _FILE_NAME.fullmatch(base):
        report.malformed(f"{kind} address {shown(remote)} has no usable file name")
        return None
    suffix = file_name[file_name.rfind(".") :].lower() if "." in file_name else ""
    mime = _MIME.get(suffix) or (mime if _MIME_FORM.fullmatch(mime) else "")
    member = next((m for m in _candidates(folder, file_name) if m in folder.names), "")
    size = 0
    if member:
        try:
            size = folder.files.size(member)
            folder.files.verify(member)  # whole and readable: a bomb, a link out, damage are not
        except OSError as exc:  # ExportError too
            report.unreadable_media(f"{kind} cannot be read: {exc}", f"linked to {remote}")
            member, size = "", 0
    else:
        where = " nor ".join(folder.prefix + name for name in MEDIA_FOLDERS)
        report.missing_media(f"{kind} {file_name} is in neither {where}", f"linked to {remote}")
    width, height = _dimensions(entry)
    alt = entry.get("ext_alt_text")
    return Media(
        kind=kind,
        export=folder.files.relative,
        member=member,
        path=MEDIA_OUTPUT + file_name if member else "",
        alt=FORBIDDEN.sub("", alt) if isinstance(alt, str) else "",
        mime=mime,
        size=size,
        width=width,
        height=height,
        remote=remote,
    )


def _candidates(folder: MediaFolder, file_name: str) -> list[str]:
    return [folder.prefix + media_folder + file_name for media_folder in MEDIA_FOLDERS]


def _best_variant(entry: dict[str, Any], report: ItemReport) -> tuple[str, str] | None:
    """The address and type of a video's or GIF's mp4 of the highest bit rate."""
    info = entry.get("video_info")
    best: tuple[int, str, str] | None = None
    for variant in entries(info, "variants", report):
        url, kind = variant.get("url"), variant.get("content_type")
        if kind != "video/mp4" or not http_url(url):
            continue  # the HLS playlist (application/x-mpegURL) is no file
        rate = _number(variant.get("bitrate")) or 0
        if best is None or rate > best[0]:
            best = (rate, url, kind)
    return None if best is None else (best[1], best[2])


def _dimensions(entry: dict[str, Any]) -> tuple[int | None, int | None]:
    sizes = entry.get("sizes")
    large = sizes.get("large") if isinstance(sizes, dict) else None
    if isinstance(large, dict) and _number(large.get("w")) and _number(large.get("h")):
        return _number(large.get("w")), _number(large.get("h"))
    original = entry.get("original_info")
    if isinstance(original, dict):
        return _number(original.get("width")), _number(original.get("height"))
    return None, None


def _number(value: Any) -> int | None:
    """A positive whole number, as Twitter writes them: 2048 or "2048"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 10**12 else None


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)

"""The fields of one Mastodon status, each checked for its type and form: a field that is
malformed is dropped and reported (MB092), never trusted; its media are looked up in the
export (MB093 when missing, MB090 when refused)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any, Final
from urllib.parse import urlsplit

from microblog.model import Media, Reply
from microblog.problems import Problem, Severity
from microblog.settings import language_tag
from microblog.sources.exports import ExportFiles, safe_member_name
from microblog.sources.mastodon_html import is_web_address
from microblog.text.decode import C1_CONTROLS, FORBIDDEN
from microblog.text.titles import shorten

# Mastodon allows 500 characters, some servers 100,000 or so: a longer status is hostile, and
# the sanitizer takes quadratic time over very many `&` in one text.
MAX_CONTENT_CHARS: Final = 100_000
MAX_FIELD_CHARS: Final = 5000  # a content warning or an alt text (Mastodon allows 1,500)
MAX_TAG_CHARS: Final = 200
MAX_PIXELS: Final = 100_000  # a width or height beyond is not an image's
MEDIA_FOLDER: Final = "media_attachments"
MEDIA_OUTPUT: Final = "media/mastodon/"  # where a status's media are written in the site
_SHORTCODE: Final = re.compile(r":[A-Za-z0-9_]+:")
_MIME: Final = re.compile(r"[a-z]+/[a-z0-9.+-]+")
# A file's type by its suffix, when the export does not say (never the machine's own table:
# the same export must give the same site everywhere).
_SUFFIX_TYPES: Final = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "heic": "image/heic",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
}

MakeProblem = Callable[[int, str, str], Problem]
"""The MB092 problem of an item: (index, message, action)."""


def clean_text(value: str) -> str:
    """`value` without control characters, lone surrogates or non-characters, which no page
    or feed may hold (a JSON string can escape any of them)."""
    return FORBIDDEN.sub("", value)


def plain_field(value: str) -> str:
    """A short plain-text field (an alt text, a content warning) as it can be shown."""
    text = C1_CONTROLS.sub("", clean_text(value)).replace("\r\n", "\n").replace("\r", "\n")
    return shorten(text.strip(), MAX_FIELD_CHARS)


class ItemFields:
    """The fields of one status (its ActivityStreams object) and the problems they had."""

    def __init__(self, note: dict[str, Any], index: int, problem: MakeProblem) -> None:
        self.note = note
        self.index = index
        self.make_problem = problem
        self.problems: list[Problem] = []
        self.mentions: dict[str, str] = {}  # account URL -> `@name@host`, from `tag`

    def malformed(self, message: str, action: str = "dropped") -> None:
        self.problems.append(self.make_problem(self.index, message, action))

    def text(self, key: str) -> str | None:
        """A text field, cleaned; None when missing, null or (reported) not text."""
        value = self.note.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.malformed(f"{key!r} is {type(value).__name__}, not text")
            return None
        return clean_text(value)

    def address(self, key: str) -> str | None:
        """An http(s) URL field; None when missing or (reported) anything else."""
        value = self.text(key)
        if value is None:
            return None
        if not is_web_address(value):
            self.malformed(f"{key!r} is not an http(s) address")
            return None
        return value

    def entries(self, key: str) -> list[Any]:
        """A list field (one object alone counts as a list of one)."""
        value = self.note.get(key)
        if value is None:
            return []
        if isinstance(value, dict):
            return [value]
        if not isinstance(value, list):
            self.malformed(f"{key!r} is {type(value).__name__}, not a list")
            return []
        return value

    def take_problems(self) -> list[Problem]:
        problems, self.problems = self.problems, []
        return problems


def read_tags_field(fields: ItemFields) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """From `tag`: the hashtags' names (without `#`), the custom emoji (shortcode without
    colons -> image URL) and the mentions (account URL -> `@name@host`)."""
    hashtags: list[str] = []
    emoji: dict[str, str] = {}
    mentions: dict[str, str] = {}
    bad = 0
    for entry in fields.entries("tag"):
        if not isinstance(entry, dict):
            bad += 1
            continue
        kind, name = entry.get("type"), entry.get("name")
        if kind not in ("Hashtag", "Emoji", "Mention"):
            continue  # a kind of tag that other servers write: nothing of ours
        if not isinstance(name, str):
            bad += 1
            continue
        name = clean_text(name).strip()
        if kind == "Hashtag":
            tag = name.removeprefix("#")
            if tag and len(tag) <= MAX_TAG_CHARS and not any(c.isspace() or c == "#" for c in tag):
                hashtags.append(tag)
            else:
                bad += 1
        elif kind == "Emoji":
            icon = entry.get("icon")
            url = icon.get("url") if isinstance(icon, dict) else None
            if _SHORTCODE.fullmatch(name) and isinstance(url, str) and is_web_address(url):
                emoji[name[1:-1]] = url
            else:
                bad += 1
        elif isinstance(href := entry.get("href"), str) and is_web_address(href):
            mentions[href] = name
        else:
            bad += 1
    if bad:
        fields.malformed(f"{bad} 'tag' {'entry' if bad == 1 else 'entries'} malformed")
    return hashtags, emoji, mentions


def read_attachments(fields: ItemFields, files: ExportFiles, path: str) -> tuple[Media, ...]:
    """The status's images, GIFs and videos, each looked up in the export."""
    media: list[Media] = []
    for number, entry in enumerate(fields.entries("attachment"), start=1):
        found = _attachment(fields, files, path, f"attachment {number}", entry)
        if found is not None:
            media.append(found)
    return tuple(media)


def _attachment(
    fields: ItemFields, files: ExportFiles, path: str, where: str, entry: Any
) -> Media | None:
    url = entry.get("url") if isinstance(entry, dict) else None
    if not isinstance(entry, dict) or not isinstance(url, str) or not url.strip():
        fields.malformed(f"{where} has no 'url'", "left out")
        return None
    url = clean_text(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or (parts.scheme and not is_web_address(url)):
        fields.malformed(f"{where}: 'url' is not an http(s) address or a path", "left out")
        return None
    member = _member(parts.path)
    mime = _mime(entry.get("mediaType"), member or parts.path)
    kind = _kind(mime, entry.get("type"), entry.get("mediaType"))
    if kind is None:
        shown = mime or "of no known type"
        fields.malformed(f"{where} is {shown}, not an image or video", "left out")
        return None
    alt = entry.get("name")
    if alt is not None and not isinstance(alt, str):
        fields.malformed(f"{where}: 'name' (its alt text) is not text")
    member, size = _find(fields, files, path, where, member)
    return Media(
        kind=kind,
        export=files.relative,
        member=member,
        path=MEDIA_OUTPUT + member.removeprefix(MEDIA_FOLDER + "/") if member else "",
        alt=plain_field(alt) if isinstance(alt, str) else "",
        mime=mime,
        size=size,
        width=_pixels(fields, where, entry, "width"),
        height=_pixels(fields, where, entry, "height"),
        remote=url if parts.scheme else "",
    )


def _member(url_path: str) -> str:
    """The export's member for a media URL's path: from its `media_attachments/` segment on
    (real exports write `/accountname/media_attachments/files/...`); "" when it has none."""
    segments = url_path.split("/")
    if MEDIA_FOLDER not in segments[:-1]:
        return ""
    return "/".join(segments[segments.index(MEDIA_FOLDER) :])


def _find(
    fields: ItemFields, files: ExportFiles, path: str, where: str, member: str
) -> tuple[str, int]:
    """(member, size) of a media file the export holds and lets us read, else ("", 0)."""
    index = fields.index
    if member and safe_member_name(member) != member:
        message = f"item {index}: {where} leads out of the export"
        fields.problems.append(Problem(path, 0, "MB090", Severity.WARNING, message, "not read"))
        return "", 0
    try:
        size = files.size(member) if member else -1
    except OSError:
        size = -1
    if size < 0:
        message = f"item {index}: {where} is not in the export"
        action = "the post is published without it"
        fields.problems.append(Problem(path, 0, "MB093", Severity.WARNING, message, action))
        return "", 0
    try:
        files.verify(member)  # whole and readable: a link out or damaged data is refused
    except OSError as exc:
        message = f"item {index}: {where} cannot be read: {exc}"
        action = "the post is published without it"
        fields.problems.append(Problem(path, 0, "MB090", Severity.WARNING, message, action))
        return "", 0
    return member, size


def _mime(value: Any, name: str) -> str:
    if isinstance(value, str) and _MIME.fullmatch(value.strip().lower()):
        return value.strip().lower()
    return _SUFFIX_TYPES.get(name.rpartition(".")[2].lower(), "") if "." in name else ""


def _kind(mime: str, *declared: Any) -> str | None:
    """Our kind of a media file: "image", "gif" (a GIF, or what Mastodon calls a `gifv`: a
    silent looping video) or "video"; None for anything else (audio)."""
    if mime == "image/gif" or any(isinstance(d, str) and d.lower() == "gifv" for d in declared):
        return "gif"
    major = mime.partition("/")[0]
    return major if major in ("image", "video") else None


def _pixels(fields: ItemFields, where: str, entry: dict[str, Any], key: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_PIXELS:
        fields.malformed(f"{where}: {key!r} is not a size in pixels")
        return None
    return value


def read_content(fields: ItemFields) -> str | None:
    """The status's HTML as written (`content`, else the one value of `contentMap`), cut at
    MAX_CONTENT_CHARS; its control characters are left for the caller to report."""
    value = fields.note.get("content")
    if value is not None and not isinstance(value, str):
        fields.malformed(f"'content' is {type(value).__name__}, not text")
        value = None
    single = fields.note.get("contentMap")
    if value is None and isinstance(single, dict) and len(single) == 1:
        (value,) = single.values()
    if not isinstance(value, str):
        return None
    if len(value) > MAX_CONTENT_CHARS:
        fields.malformed(
            f"'content' has {len(value):,} characters, more than {MAX_CONTENT_CHARS:,}",
            f"cut at {MAX_CONTENT_CHARS:,}",
        )
        value = value[:MAX_CONTENT_CHARS]
    return value


def language_of(note: dict[str, Any]) -> str | None:
    """The language of a one-language `contentMap` (`{"sv": ...}`), when it is a tag."""
    value = note.get("contentMap")
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        try:
            return language_tag(key) if isinstance(key, str) else None
        except ValueError:
            return None
    return None


def poll_options(note: dict[str, Any]) -> str:
    """A poll's (`Question`'s) options as a list after its text."""
    if note.get("type") != "Question":
        return ""
    options = [*_list(note.get("oneOf")), *_list(note.get("anyOf"))]
    names = [o["name"] for o in options if isinstance(o, dict) and isinstance(o.get("name"), str)]
    if not names:
        return ""
    return "<ul>" + "".join(f"<li>{escape(clean_text(n))}</li>" for n in names) + "</ul>"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def reply_of(fields: ItemFields) -> Reply | None:
    """What the status answers, and whom: its mention of that account (read from `tag`
    first), else `@name@host` from Mastodon's `https://host/users/name/statuses/id`."""
    url = fields.address("inReplyTo")
    if url is None:
        return None
    account, _, _ = url.partition("/statuses/")
    host = url.split("/")[2]
    name = account.rpartition("/users/")[2] if "/users/" in account else ""
    to = fields.mentions.get(account) or (f"@{name}@{host}" if name and "/" not in name else "")
    return Reply(url=url, to=to)

"""Slugs: readable URL segments from a post's words, and safe ones from a user's front matter.

A slug ends up both in a URL and as a folder name on disk, so every slug these functions return
is one safe path segment on POSIX, Windows and macOS (see `is_safe_segment`). Hand-written
rather than python-slugify: that one transliterates to ASCII and knows nothing of Windows
device names or path safety, while these keep non-ASCII letters.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from typing import Final

from microblog.outpaths import MAX_NAME_BYTES, is_output_name
from microblog.text.charclasses import MARKS
from microblog.text.hashtags import HashtagSpan, find_hashtags
from microblog.text.links import find_urls

MAX_SEGMENT_CHARS: Final = 80
_MIN_SCAN_CHARS: Final = 4000  # slug_from_text reads this much of a post, or more for long slugs
_NOT_WORD: Final = re.compile(f"(?:_|[^\\w{MARKS}])+")  # not a letter, mark or digit
_UNSAFE: Final = re.compile(f"[^\\w{MARKS}.-]+")
_SAFE_SEGMENT: Final = re.compile(f"[\\w{MARKS}.-]+")
_DASHES: Final = re.compile("-{2,}")
_APOSTROPHES: Final = re.compile("(?<=[^\\W\\d_])['\u2019](?=[^\\W\\d_])")


def is_safe_segment(s: str) -> bool:
    """Whether `s` is a slug: 1-80 letters, marks, digits, "_", "-" or "." (so no "/", "\\",
    controls or spaces), not hidden (no leading dot), and a name the output path rule allows
    (so not "." or "..", no trailing dot, no Windows device name, at most 255 bytes)."""
    return (
        0 < len(s) <= MAX_SEGMENT_CHARS
        and _SAFE_SEGMENT.fullmatch(s) is not None
        and not s.startswith(".")
        and is_output_name(s)
    )


def clean_slug(value: str) -> tuple[str, bool]:
    """A safe slug from a user-given one, and whether it had to change; "" if nothing is left.

    NFKC and lower case; anything but letters, marks, digits, "_", "-" and "." becomes "-";
    leading and trailing dots and dashes go; at most 80 characters and MAX_NAME_BYTES bytes;
    a name the output path rule refuses (a Windows device name) gets a "-" after its stem
    ("con" -> "con-", "con.txt" -> "con-.txt").
    """
    slug = unicodedata.normalize("NFKC", value).lower()
    slug = _DASHES.sub("-", _UNSAFE.sub("-", slug)).strip("-.")
    slug = _cut(slug, MAX_SEGMENT_CHARS)
    if slug and not is_output_name(slug):
        stem, dot, rest = slug.partition(".")
        slug = _cut(f"{stem}-{dot}{rest}", MAX_SEGMENT_CHARS)
    return slug, slug != value


def _cut(slug: str, chars: int) -> str:
    """`slug` in at most `chars` characters and MAX_NAME_BYTES bytes of UTF-8 (80 letters of
    the Supplementary planes are 320 bytes), ending in neither "-" nor "."."""
    if len(slug) <= chars and len(slug.encode("utf-8")) <= MAX_NAME_BYTES:
        return slug
    cut = slug[:chars].encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")
    return cut.rstrip("-.")


def _tags_to_drop(text: str, tags: list[HashtagSpan], *, open_end: bool) -> list[HashtagSpan]:
    """Hashtags that are not words of the sentence: glued to another hashtag, or followed by
    nothing but whitespace and hashtags up to the end of their line (`open_end`: the text was
    cut, so its last line goes on with unknown words)."""
    line_ends = [match.start() for match in re.finditer("\n", text)]
    drop: list[HashtagSpan] = []
    next_start = -1  # start of the next hashtag on the same line, if it is droppable
    for index in range(len(tags) - 1, -1, -1):
        tag = tags[index]
        line_index = bisect_left(line_ends, tag.end)
        line_end = line_ends[line_index] if line_index < len(line_ends) else len(text)
        if 0 <= next_start <= line_end:  # the next hashtag on this line is dropped too
            follows, ends_line = next_start, True
        else:
            follows, ends_line = line_end, not (open_end and line_index == len(line_ends))
        glued = (index > 0 and tags[index - 1].end == tag.start) or next_start == tag.end
        trailing = ends_line and not text[tag.end : follows].strip()
        if glued or trailing:
            drop.append(tag)
            next_start = tag.start
        else:
            next_start = -1
    drop.reverse()
    return drop


def _words_of(text: str, *, open_end: bool) -> str:
    """`text` without its URLs and hashtag runs."""
    cuts = [(url.start, url.end) for url in find_urls(text)]
    tags = find_hashtags(text)
    cuts += [(tag.start, tag.end) for tag in _tags_to_drop(text, tags, open_end=open_end)]
    cuts.sort()
    pieces: list[str] = []
    pos = 0
    for start, end in cuts:
        pieces.append(text[pos:start])
        pos = max(pos, end)
    pieces.append(text[pos:])
    return " ".join(pieces)


def slug_from_text(text: str, max_chars: int = 60) -> str:
    """A readable slug from the first words of a post, or "" if nothing usable is left.

    URLs and hashtag runs are dropped, the rest is NFKC-normalized and lower-cased, and every
    run of characters that are not letters, marks or digits becomes "-". The slug is cut at
    the last word boundary before `max_chars`; text without spaces (Japanese, Thai) is cut at
    `max_chars` characters. Only the first few thousand characters are read.
    """
    limit = max(_MIN_SCAN_CHARS, 16 * max_chars)
    head = text[:limit]
    words = unicodedata.normalize("NFKC", _words_of(head, open_end=len(text) > limit)).lower()
    slug = _NOT_WORD.sub("-", _APOSTROPHES.sub("", words)).strip("-")
    if len(slug) > max_chars:
        cut = slug[: max_chars + 1]
        boundary = cut.rfind("-")
        slug = cut[:boundary] if boundary > 0 else slug[:max_chars]
    return clean_slug(slug)[0]

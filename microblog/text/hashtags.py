"""Hashtags: where they are in a text, how spellings group, and the URL segment of a tag.

Hand-written because no maintained Python library has Twitter-style hashtag rules (the
twitter-text port is abandoned). `find_hashtags` finds whole glued runs ("#a#b#c") with one
regex that cannot backtrack (each part is a character class that excludes "#") and splits them
in Python, so "#a#a#a..." stays linear; the start rule is a two-character lookbehind.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from microblog.paths import is_device_name
from microblog.text.charclasses import MARKS, ZERO_WIDTH_JOINERS
from microblog.text.links import find_emails, find_urls

_BODY_CHARS: Final = f"\\w{MARKS}{ZERO_WIDTH_JOINERS}"  # letters, digits, "_", marks, joiners
_BODY: Final = re.compile(f"[{_BODY_CHARS}]+")
# A run of glued hashtags ("#a", "#a#b#c") whose first "#" is not glued to what comes before:
# a body character, "/" ("a/#b"), "&" ("&#39;") or "#" ("##b"). The pattern starts with "#" and
# its lookbehind reads two characters, so finding all runs is one linear pass.
_RUN: Final = re.compile(f"#(?<![{_BODY_CHARS}/&#]#)[{_BODY_CHARS}]+(?:#[{_BODY_CHARS}]+)*")
_NOT_SLUG: Final = re.compile(f"[^\\w{MARKS}]+")
_MAX_SLUG_BYTES: Final = 80
_HASH_CHARS: Final = 8


@dataclass(frozen=True, slots=True)
class HashtagSpan:
    """A hashtag at `text[start:end]` ("#name"); `name` is as written, without "#"."""

    start: int
    end: int
    name: str


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    """URLs and e-mail addresses, where a "#" is a fragment or part of an address."""
    spans = [(span.start, span.end) for span in find_urls(text)] + find_emails(text)
    spans.sort()
    return spans


def _has_letter(name: str) -> bool:
    return name.isalpha() or any(map(str.isalpha, name))


def find_hashtags(text: str) -> list[HashtagSpan]:
    """Hashtags in `text`, in order.

    A tag is "#" plus letters, marks, digits, "_" and zero-width joiners, with at least one
    letter, not glued to a word before it (nor to "/", "&" or "#") unless it continues a glued
    run like "#SystemDesign#Backend", and not followed by "@". A "#" inside a URL or an e-mail
    address is never a tag.
    """
    excluded = _excluded_spans(text)
    excluded.append((len(text) + 1, len(text) + 1))  # a sentinel: no bounds checks below
    spans: list[HashtagSpan] = []
    ex = 0
    for run in _RUN.finditer(text):
        start = run.start()
        for raw in run.group()[1:].split("#"):
            name = raw.rstrip(ZERO_WIDTH_JOINERS)
            end = start + 1 + len(name)
            while excluded[ex][1] <= start:
                ex += 1
            if excluded[ex][0] >= end and not text.startswith("@", end) and _has_letter(name):
                spans.append(HashtagSpan(start, end, name))
            if len(name) < len(raw):
                break  # "#a\u200d#b": a "#" after a joiner is glued to a word, not a run
            start = end
    return spans


def ends_with_hashtag_run(line: str) -> bool:
    """Whether `line`, without trailing whitespace, ends in one or more hashtags."""
    stripped = line.rstrip()
    if not stripped or _BODY.match(stripped[-1]) is None:
        return False
    tags = find_hashtags(stripped)
    return bool(tags) and tags[-1].end == len(stripped)


def tag_key(name: str) -> str:
    """The grouping key of a tag: canonical caseless form (NFD, casefold, NFC).

    "Backend", "BACKEND" and "backend" share a key, as do NFC and NFD spellings and "ß"/"ss".
    Turkish dotted and dotless i fold to "i", so a tag keeps its key when upper-cased.
    """
    folded = unicodedata.normalize("NFD", name).casefold()
    folded = folded.replace("\u0131", "i").replace("i\u0307", "i")
    return unicodedata.normalize("NFC", folded)


def _short_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]


def tag_slug(name: str) -> str:
    """The URL and file name segment of a tag, derived from `tag_key(name)`.

    Letters, marks, digits and "_" are kept, anything else becomes "-". Never empty, never a
    Windows device name, at most 80 UTF-8 bytes: a longer slug is cut on a character boundary
    and ends in a hash of the key, so distinct long tags keep distinct slugs.
    """
    key = tag_key(name)
    slug = _NOT_SLUG.sub("-", key).strip("-")
    if not slug:
        return "tag-" + _short_hash(key)
    if is_device_name(slug):
        return slug + "-"
    encoded = slug.encode("utf-8")
    if len(encoded) <= _MAX_SLUG_BYTES:
        return slug
    keep = _MAX_SLUG_BYTES - 1 - _HASH_CHARS
    head = encoded[:keep].decode("utf-8", "ignore").rstrip("-")
    return f"{head}-{_short_hash(key)}"

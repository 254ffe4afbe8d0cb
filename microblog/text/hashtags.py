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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from microblog.outpaths import is_output_name
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


def _short_hash(key: str, chars: int = _HASH_CHARS) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:chars]


def _with_hash(words: str, key: str, chars: int = _HASH_CHARS) -> str:
    """`words`, cut on a character boundary so that the slug fits, then "-" and a hash."""
    keep = _MAX_SLUG_BYTES - 1 - chars
    head = words.encode("utf-8")[:keep].decode("utf-8", "ignore").rstrip("-")
    return f"{head or 'tag'}-{_short_hash(key, chars)}"


def tag_slug(name: str) -> str:
    """The plain URL and file name segment of a tag, derived from `tag_key(name)`.

    Letters, marks, digits and "_" are kept, anything else becomes "-". Never empty, never a
    Windows device name, at most 80 UTF-8 bytes: a longer slug is cut on a character boundary
    and ends in a hash of the key, so distinct long tags keep distinct slugs.

    Distinct keys can share a plain slug ("c", "c++" and "c#" are all "c"): a site's tags get
    their final slugs from `assign_tag_slugs`.
    """
    return _plain_slug(tag_key(name))


def _plain_slug(key: str) -> str:
    slug = _NOT_SLUG.sub("-", key).strip("-")
    if not slug:
        return "tag-" + _short_hash(key)
    if len(slug.encode("utf-8")) > _MAX_SLUG_BYTES:
        return _with_hash(slug, key)
    if not is_output_name(slug):  # a Windows device name: "con" -> "con-"
        return slug + "-"
    return slug


def assign_tag_slugs(keys: Iterable[str]) -> dict[str, str]:
    """The slug of each tag key of a site: distinct keys get distinct slugs, also when
    compared case-insensitively as output paths are.

    A key whose plain slug (`tag_slug`) is the key itself ("backend", "educación") keeps it,
    whatever other keys there are. A key whose plain slug lost something ("c++" -> "c",
    "a/b" -> "a-b") keeps its plain slug while no other key has that plain slug; otherwise
    it gets the plain slug followed by "-" and a hash of the key ("c-1e5f0c3b"). So a tag's
    URL never depends on the order posts are read in, a plain tag's URL never moves, and a
    lossy tag's URL moves only when a tag with the same plain slug appears.
    """
    unique = sorted(set(keys))
    plain = {key: _plain_slug(key) for key in unique}
    holders = Counter(slug.casefold() for slug in plain.values())
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for key in unique:  # first the keys that keep their plain slug
        slug = plain[key]
        if (slug == key or holders[slug.casefold()] == 1) and slug.casefold() not in taken:
            slugs[key] = slug
            taken.add(slug.casefold())
    for key in unique:  # then the others: the plain slug and a hash of the key
        if key in slugs:
            continue
        words = _NOT_SLUG.sub("-", key).strip("-")
        candidates = [_with_hash(words, key, chars) for chars in (_HASH_CHARS, 16, 32, 64)]
        number = 2
        while all(slug.casefold() in taken for slug in candidates):  # practically never
            candidates = [_with_hash(words, f"{key}\n{number}")]
            number += 1
        slug = next(slug for slug in candidates if slug.casefold() not in taken)
        slugs[key] = slug
        taken.add(slug.casefold())
    return slugs

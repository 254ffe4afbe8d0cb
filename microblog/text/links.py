"""Find bare URLs and e-mail addresses in plain text.

Hand-written rather than a linkifier library (those bring large URL regexes, TLD lists and
rules of their own): Twitter-like rules in small regexes that cannot backtrack (character-class
runs, one-character lookbehinds) plus a few lines of Python per match, so hostile input such
as "(www.(www.(www..." or "a.a.a.a...@" stays linear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit, urlunsplit

# Letters and digits of scripts written with spaces between words (Latin, Greek, Cyrillic) may
# be part of a URL or host; CJK or Thai right after a URL is the next word, not its path.
_SPACED_LETTERS: Final = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u04ff"
_HOST_CHARS: Final = f"A-Za-z0-9.\\-_~%:@{_SPACED_LETTERS}"
# Where a URL may begin: only http(s) and www. are ever linked (never javascript:, data: ...);
# not glued to a word or host before it ("foohttp://", "a.www.b"), though it may follow CJK
# text directly; and followed by a host character.
_URL_START: Final = re.compile(
    f"(?<![{_HOST_CHARS}/+&=#])(?:https?://|www\\.)(?=[A-Za-z0-9{_SPACED_LETTERS}])",
    re.IGNORECASE,
)
_HOST: Final = re.compile(f"[{_HOST_CHARS}]*")
_URL_REST: Final = re.compile(f"[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%{_SPACED_LETTERS}]*")
_TRAILING: Final = ".,;:!?')]"
# A match starts only where a run of address characters starts, and no two parts match the
# same character, so a failed attempt never rescans a run.
_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9_%+-][A-Za-z0-9._%+-]*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
)


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """A URL at `text[start:end]`; `url` is what to link to (`www.` gets `https://`)."""

    start: int
    end: int
    url: str


def _trim_url_end(text: str, start: int, end: int) -> int:
    """Drop trailing punctuation and closing brackets that have no opening one in the URL."""
    url = text[start:end]
    tail = len(url.rstrip(_TRAILING))
    excess = {")": url.count(")") - url.count("("), "]": url.count("]") - url.count("[")}
    if excess[")"] >= url.count(")", tail) and excess["]"] >= url.count("]", tail):
        return start + tail  # the whole tail goes (also the fast way through ")))...")
    while end > start + tail:
        char = text[end - 1]
        if char in excess:
            if excess[char] <= 0:
                break
            excess[char] -= 1
        end -= 1
    return end


def _host_is_plausible(host: str, *, is_www: bool) -> bool:
    """A host (with optional user@ and :port) that starts with a letter or digit; after
    "www." also a dot and a top-level domain ("www.example.com", not "www.x")."""
    name = host.rpartition("@")[2].partition(":")[0].rstrip(".-")
    if not name[:1].isalnum():
        return False
    if is_www:
        domain, dot, tld = name[4:].rpartition(".")
        return bool(domain and dot and tld[:1].isalpha())
    return True


def find_urls(text: str) -> list[LinkSpan]:
    """Bare http(s) and `www.` URLs in `text`, in order and never overlapping."""
    spans: list[LinkSpan] = []
    pos = 0
    while (match := _URL_START.search(text, pos)) is not None:
        start = match.start()
        is_www = match.group().lower() == "www."
        host_start = start if is_www else match.end()
        host = _HOST.match(text, host_start)
        if host is None or not _host_is_plausible(host.group(), is_www=is_www):
            pos = match.end()
            continue
        rest = _URL_REST.match(text, host.end())
        end = _trim_url_end(text, start, rest.end() if rest else host.end())
        url = text[start:end]
        spans.append(LinkSpan(start, end, "https://" + url if is_www else url))
        pos = end
    return spans


def find_emails(text: str) -> list[tuple[int, int]]:
    """Spans of e-mail addresses (`local@domain.tld`, ASCII) in `text`, in order."""
    return [match.span() for match in _EMAIL.finditer(text)]


_URL_SAFE: Final = "/%:@!$&'()*+,;=-._~?#[]"


def to_ascii_url(url: str) -> str:
    """`url` as ASCII: an international host name in IDNA form, other non-ASCII characters
    (and spaces) percent-encoded as UTF-8. ASCII URLs come back unchanged."""
    if url.isascii() and " " not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = parts.netloc
    if host and not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = quote(host, safe="")
        netloc = netloc.replace(host, ascii_host, 1)
    rest = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
    return urlunsplit((parts.scheme, quote(netloc, safe=_URL_SAFE), "", "", "")) + quote(
        rest, safe=_URL_SAFE
    )

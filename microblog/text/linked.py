"""Post HTML whose links are left open: the reader decides what a link points at, the page or
feed being rendered decides its URL (see microblog/urls.py).

A reader sanitizes a post's HTML once. Each link and image address in it is replaced by a
placeholder while nh3 writes the HTML (or while our own linker adds hashtag and URL links), and
the result is split at the placeholders into literal pieces and `Link`s. Rendering is then a
join: no HTML is parsed or rewritten after reading, and a record never depends on base_url.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from urllib.parse import quote, unquote

# Unicode noncharacters, which decoding removes from every input (text/decode.py): no post can
# write one, so they can mark where a link goes.
_OPEN: Final = "\ufdd0"
_CLOSE: Final = "\ufdd1"
_PLACEHOLDER: Final = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
NONCHARACTERS: Final = re.compile("[\ufdd0-\ufdef]")
_FRAGMENT: Final = "!$&'()*+,;=:@/?-._~"  # what a URL fragment holds as it is (RFC 3986)


class LinkKind(StrEnum):
    SITE = "site"  # a URL with no scheme, as the post wrote it (`images/cat.png`, `/about/`)
    TAG = "tag"  # the page of one of the post's tags, by tag key
    URL = "url"  # a URL with a scheme, which nh3 allowed (http, https, mailto)
    FRAGMENT = "fragment"  # `#id` within the post itself (footnotes, heading ids)


@dataclass(frozen=True, slots=True)
class Link:
    kind: LinkKind
    target: str


@dataclass(frozen=True, slots=True)
class LinkedHtml:
    """Sanitized HTML with open links: `parts[0]`, link 0, `parts[1]`, ... `parts[-1]`.

    Each link stands inside a double-quoted `href` or `src` attribute value."""

    parts: tuple[str, ...]
    links: tuple[Link, ...] = ()

    def resolve(self, url_of: Callable[[Link], str]) -> str:
        """The HTML, each link written as `url_of(link)` escaped for an attribute value."""
        if not self.links:
            return self.parts[0]
        out = [self.parts[0]]
        for link, part in zip(self.links, self.parts[1:], strict=True):
            out.append(escape_attribute(url_of(link)))
            out.append(part)
        return "".join(out)


# What nh3 (html5ever) escapes when it writes text, and an attribute value too.
_TEXT_ESCAPES: Final = {"&": "&amp;", "\u00a0": "&nbsp;", "<": "&lt;", ">": "&gt;"}
_ESCAPE_TEXT: Final = str.maketrans(_TEXT_ESCAPES)
_ESCAPE_ATTRIBUTE: Final = str.maketrans({**_TEXT_ESCAPES, '"': "&quot;"})


def escape_attribute(value: str) -> str:
    """An attribute value escaped exactly as nh3 (html5ever) writes one."""
    return value.translate(_ESCAPE_ATTRIBUTE)


def escape_text(value: str) -> str:
    """Text escaped exactly as nh3 (html5ever) writes it."""
    return value.translate(_ESCAPE_TEXT)


class LinkCollector:
    """The links of one post as its HTML is written; `finish` splits the HTML at them.

    With `id_prefix`, each `id` (a footnote's, a heading's `{#id}`) and each link to one
    (`#fn:1`) gets the prefix, so that two posts on one page never share an id, nor take one
    of the page's own (`main`); a repeated or empty id is dropped.
    """

    def __init__(self, id_prefix: str | None = None) -> None:
        self.links: list[Link] = []
        self.id_prefix = id_prefix
        self._ids: set[str] = set()

    def add(self, link: Link) -> str:
        """The placeholder that stands for `link` until the HTML is rendered."""
        self.links.append(link)
        return f"{_OPEN}{len(self.links) - 1}{_CLOSE}"

    def address(self, value: str, *, to_id: bool = True) -> str:
        """The placeholder for an address as a post wrote it (nh3 has checked its scheme);
        `to_id`: a `#fragment` names an id of the post (a link's, not an image's)."""
        if _PLACEHOLDER.fullmatch(value):
            return value  # one of ours, written before nh3 saw the HTML
        if value.startswith("#"):
            fragment = unquote(value[1:])
            if to_id and self.id_prefix is not None and fragment.strip():  # `#`: the top
                value = "#" + quote(self.id_prefix + "-".join(fragment.split()), safe=_FRAGMENT)
            return self.add(Link(LinkKind.FRAGMENT, value))
        end = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
        path = value[:end].replace("\\", "/")  # as browsers read a URL: `\` is `/`
        if ":" in path.split("/", 1)[0] and not path.startswith("/"):
            return self.add(Link(LinkKind.URL, value))
        return self.add(Link(LinkKind.SITE, value))

    def attribute(self, _tag: str, attribute: str, value: str) -> str | None:
        """nh3's attribute filter: addresses become placeholders, ids get the prefix."""
        if attribute in ("href", "src"):
            return self.address(value, to_id=attribute == "href")
        if attribute == "id" and self.id_prefix is not None:
            name = self.id_prefix + "-".join(value.split())
            if not value.strip() or name in self._ids:
                return None
            self._ids.add(name)
            return name
        return value

    def finish(self, html: str) -> LinkedHtml:
        """`html` split at its placeholders, each replaced by its link."""
        pieces = _PLACEHOLDER.split(html)
        parts = tuple(pieces[0::2])
        links = tuple(self.links[int(index)] for index in pieces[1::2])
        return LinkedHtml(parts, links)

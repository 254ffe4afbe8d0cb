"""Post bodies as HTML: plain-text posts turned into HTML, and every body sanitized.

`sanitize_html` is the one gate all post HTML passes: an explicit allow-list for nh3 (a
Rust HTML5 sanitizer), so nothing that can run script (script, style, iframe, on* attributes,
javascript:/vbscript:/data: URLs) reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final
from urllib.parse import quote, unquote

import nh3

from microblog.text.linkify import TagHref, link_text
from microblog.text.links import to_ascii_url

_TAGS: Final = frozenset(
    {
        "p", "br", "a", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "img", "figure", "figcaption", "hr", "del", "sup", "sub",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "span", "abbr",
    }
)  # fmt: skip
_ATTRIBUTES: Final = {
    "*": {"lang", "id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
_CLASSES: Final = {"a": {"hashtag"}}
_URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# No rel on links: the site's own tag links must stay followable, links open in the same tab
# (so no opener to protect), and `<a rel>` without an href (a stripped javascript: link) is
# invalid HTML.
_LINK_REL: Final = None
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_FRAGMENT: Final = "!$&'()*+,;=:@/?-._~"  # what a URL fragment holds as it is (RFC 3986)
_DROP_WITH_CONTENT: Final = frozenset({"script", "style"})


def sanitize_html(html: str) -> str:
    """`html` with only the allowed tags, attributes, classes and URL schemes left."""
    return _clean(html, None)


def absolutize_urls(
    html: str,
    resolve: Callable[[str], str],
    *,
    ascii_only: bool = False,
    id_prefix: str | None = None,
) -> str:
    """Sanitized `html` whose relative URLs went through `resolve` (for feeds, which are read
    away from the site); with `ascii_only`, every link and image URL is made ASCII too.

    With `id_prefix`, each `id` (a footnote's, a heading's `{#id}`) and each link to one
    (`#fn:1`) gets the prefix, so that two posts on one page never share an id, nor take one
    of the page's own (`main`); a repeated or empty id is dropped. Without it, ids are kept
    as they are (they were prefixed when the post was read)."""
    return _clean(html, resolve, _AttributeFilter(ascii_only, id_prefix))


class _AttributeFilter:
    def __init__(self, ascii_only: bool, id_prefix: str | None) -> None:
        self.ascii_only = ascii_only
        self.id_prefix = id_prefix
        self.ids: set[str] = set()

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            if self.id_prefix is None:
                return value
            name = self.id_prefix + "-".join(value.split())
            if not value.strip() or name in self.ids:
                return None
            self.ids.add(name)
            return name
        if self.id_prefix is not None and attribute == "href" and value.startswith("#"):
            fragment = unquote(value[1:])
            if fragment.strip():  # a bare `#` is the top of the page: left alone
                value = "#" + quote(self.id_prefix + "-".join(fragment.split()), safe=_FRAGMENT)
        if self.ascii_only and attribute in ("href", "src"):
            value = to_ascii_url(value)
        return value


def _clean(
    html: str,
    resolve: Callable[[str], str] | None,
    attribute_filter: Callable[[str, str, str], str | None] | None = None,
) -> str:
    cleaned: str = nh3.clean(
        _SURROGATE.sub("\ufffd", html),  # nh3 takes UTF-8 only: a lone surrogate becomes U+FFFD
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        allowed_classes={tag: set(names) for tag, names in _CLASSES.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel=_LINK_REL,
        strip_comments=True,
        url_relative=resolve,
        attribute_filter=attribute_filter,
    )
    return _IMAGE.sub(_complete_image, cleaned)


# An <img> as nh3 writes it: every attribute value in double quotes, none holding one.
_IMAGE: Final = re.compile(r'<img((?:\s+[^\s=>"]+(?:="[^"]*")?)*)\s*/?>')


def _complete_image(match: re.Match[str]) -> str:
    """An image whose address nh3 removed (`data:`, `javascript:`) is dropped; one without
    `alt` gets an empty one: both are invalid HTML, and a page must stay valid."""
    attributes = match[1]
    if ' src="' not in attributes:
        return ""
    if ' alt="' not in attributes:
        return f'<img alt=""{attributes}>'
    return match[0]


def plain_text_to_html(text: str, tag_href: TagHref) -> str:
    """HTML for a plain-text post: all text escaped (HTML in a .txt post is shown, not run),
    bare URLs and hashtags linked, blank lines between paragraphs, line breaks as <br>."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in link_text(text.replace("\r\n", "\n"), tag_href).split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append("<p>" + "<br>\n".join(current) + "</p>")
            current = []
    if current:
        paragraphs.append("<p>" + "<br>\n".join(current) + "</p>")
    return sanitize_html("\n".join(paragraphs))

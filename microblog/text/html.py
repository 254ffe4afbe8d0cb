"""Post bodies as HTML: plain-text posts turned into HTML, and every body sanitized.

`sanitize_html` is the one gate all post HTML passes: an explicit allow-list for nh3 (a
Rust HTML5 sanitizer), so nothing that can run script (script, style, iframe, on* attributes,
javascript:/vbscript:/data: URLs) reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import Final

import nh3

from microblog.text.linked import LinkCollector
from microblog.text.linkify import TagHref, link_text

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
# In an e-mail there is no stylesheet to read a class and no page of ours to hold an id.
_EMAIL_ATTRIBUTES: Final = {
    tag: frozenset(names - {"id", "class"}) for tag, names in _ATTRIBUTES.items()
}
_URL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
# No rel on links: the site's own tag links must stay followable, links open in the same tab
# (so no opener to protect), and `<a rel>` without an href (a stripped javascript: link) is
# invalid HTML.
_LINK_REL: Final = None
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_DROP_WITH_CONTENT: Final = frozenset({"script", "style"})
_AMPERSAND: Final = "\ufdd2"  # an escaped `&` while nh3 reads the HTML (see _clean)


def sanitize_html(html: str, links: LinkCollector | None = None) -> str:
    """`html` with only the allowed tags, attributes, classes and URL schemes left; with
    `links`, every address becomes a placeholder of its link and ids get the post's prefix."""
    return _clean(html, None if links is None else links.attribute)


def email_safe_html(html: str) -> str:
    """Sanitized HTML as an e-mail shows it: the same tags, no `class` and no `id` (nothing
    that needs the site's stylesheet or page)."""
    return _clean(html, None, _EMAIL_ATTRIBUTES, {})


def _clean(
    html: str,
    attribute_filter: Callable[[str, str, str], str | None] | None,
    attributes: Mapping[str, AbstractSet[str]] = _ATTRIBUTES,
    classes: Mapping[str, AbstractSet[str]] = _CLASSES,
) -> str:
    # nh3 takes time quadratic in the `&` of a text node (400,000 take 14 s): each escaped
    # one passes through as a noncharacter (decoding removes them from every input) and is
    # written back as `&amp;` after.
    def filtered(tag: str, attribute: str, value: str) -> str | None:
        assert attribute_filter is not None
        kept = attribute_filter(tag, attribute, value.replace(_AMPERSAND, "&"))
        return None if kept is None else kept.replace("&", _AMPERSAND)

    cleaned: str = nh3.clean(
        # nh3 takes UTF-8 only: a lone surrogate becomes U+FFFD
        _SURROGATE.sub("\ufffd", html).replace("&amp;", _AMPERSAND),
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in attributes.items()},
        allowed_classes={tag: set(names) for tag, names in classes.items()},
        url_schemes=set(_URL_SCHEMES),
        link_rel=_LINK_REL,
        strip_comments=True,
        attribute_filter=None if attribute_filter is None else filtered,
    )
    return _IMAGE.sub(_complete_image, cleaned.replace(_AMPERSAND, "&amp;"))


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


def plain_text_to_html(text: str, tag_href: TagHref, links: LinkCollector | None = None) -> str:
    """HTML for a plain-text post: all text escaped (HTML in a .txt post is shown, not run),
    bare URLs and hashtags linked, blank lines between paragraphs, line breaks as <br>.
    With `links`, every address is left open as a placeholder of its link."""
    url_href = None if links is None else links.address
    linked = link_text(text.replace("\r\n", "\n"), tag_href, url_href)
    return sanitize_html(paragraphs_html(linked), links)


def paragraphs_html(html: str) -> str:
    """Lines of inline HTML as paragraphs: blank lines between them, line breaks as <br>."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in html.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append("<p>" + "<br>\n".join(current) + "</p>")
            current = []
    if current:
        paragraphs.append("<p>" + "<br>\n".join(current) + "</p>")
    return "\n".join(paragraphs)

"""Linking hashtags and bare URLs inside rendered HTML (Markdown posts).

Python-Markdown renders the post first; this pass then walks the HTML's text nodes, outside
links, code and preformatted blocks, so that hashtags and URLs become links the same way they
do in plain-text posts. A streaming parser keeps it linear in the size of the HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from html.parser import HTMLParser

from microblog.text.hashtags import find_hashtags
from microblog.text.linked import escape_text
from microblog.text.links import find_urls

_SKIP = {"a", "code", "pre", "script", "style", "textarea"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col", "embed"}


TagHref = Callable[[str], str | None]
"""The URL a hashtag (its name, without "#") links to, or None to leave it as text."""
UrlHref = Callable[[str], str]
"""The href of a URL found in text (a placeholder of its link, see text/linked.py)."""


def link_text(text: str, tag_href: TagHref, url_href: UrlHref | None = None) -> str:
    """Escape plain `text` (as nh3 writes text) and turn its URLs and hashtags into links."""
    spans: list[tuple[int, int, str]] = []
    for url in find_urls(text):
        label = escape_text(text[url.start : url.end])
        address = url.url if url_href is None else url_href(url.url)
        spans.append((url.start, url.end, f'<a href="{escape(address)}">{label}</a>'))
    for tag in find_hashtags(text):
        href = tag_href(tag.name)
        if href is None:
            continue
        label = escape_text(text[tag.start : tag.end])
        spans.append((tag.start, tag.end, f'<a class="hashtag" href="{escape(href)}">{label}</a>'))
    spans.sort()
    out: list[str] = []
    position = 0
    for start, end, html in spans:
        if start < position:  # a hashtag inside a URL: the URL wins
            continue
        out.append(escape_text(text[position:start]))
        out.append(html)
        position = end
    out.append(escape_text(text[position:]))
    return "".join(out)


class _Linker(HTMLParser):
    def __init__(self, tag_href: TagHref, url_href: UrlHref | None) -> None:
        super().__init__(convert_charrefs=True)
        self.tag_href = tag_href
        self.url_href = url_href
        self.out: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in _SKIP and tag not in _VOID:
            self.skip_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            self.out.append(escape_text(data))
        else:
            self.out.append(link_text(data, self.tag_href, self.url_href))

    def handle_comment(self, data: str) -> None:
        pass  # comments never reach a page


def linkify_html(html: str, tag_href: TagHref, url_href: UrlHref | None = None) -> str:
    """Return `html` with hashtags and bare URLs in its text turned into links.

    `html` is sanitized (nh3's output): its tags are written back as they are and its text as
    nh3 writes text, so what comes out needs no second pass of the sanitizer."""
    linker = _Linker(tag_href, url_href)
    linker.feed(html)
    linker.close()
    return "".join(linker.out)

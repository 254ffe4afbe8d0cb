"""A Mastodon status's HTML made ready for our sanitizer, in one streaming pass.

Mastodon writes its own markup around a status's words: hashtags as links to its tag pages
(`<a class="mention hashtag" rel="tag">#<span>x</span></a>`), which become plain `#x` text so
that our linker links them to our tag pages; long links cut into `<span class="invisible">`
parts (dropped, as Mastodon's CSS hides them) and a `<span class="ellipsis">` part (shown
followed by "…", as Mastodon shows it); custom emoji written `:name:`, which become images.
Mentions (`<a class="u-url mention">`) stay links to the profile. What comes out is still
untrusted: `sanitize_html` is the gate it passes next.

The markup is read by a small tokenizer that, like the HTML5 one, never goes back: a tag or
comment cut off by the end of the text swallows the rest. (`html.parser` reads an unclosed
`<a` as text and tries again one character on, which is quadratic: 80 KB of `<a ` took
minutes.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape, unescape
from typing import Final
from urllib.parse import urlsplit

ELLIPSIS: Final = "…"
MAX_EMOJI: Final = 500  # emoji images in one status; further shortcodes stay text
_SHORTCODE: Final = re.compile(r":([A-Za-z0-9_]+):")
# A tag: `<` or `</`, a name, then anything up to `>` outside quotes; possessive, so that a
# tag that never closes fails once, having read to the end.
_TAG: Final = re.compile(r"""<(/?)([A-Za-z][^\s/>]*+)((?>[^>"']++|"[^"]*+"|'[^']*+')*+)>""")
_ATTRIBUTE: Final = re.compile(
    r"""([^\s"'>/=]++)(?:\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]++)))?"""
)
_NAME: Final = re.compile(r"[a-z][a-z0-9-]*+")
_ATTRIBUTE_NAME: Final = re.compile(r"[a-z_:][-a-z0-9_:.]*+")
_LETTER_AFTER: Final = re.compile(r"</?[A-Za-z]")
_MARKUP: Final = re.compile(r"<[A-Za-z/!?]")  # any other `<` is text
MAX_ATTRIBUTES: Final = 50  # read of one tag (Mastodon writes five at most)
# Elements whose content is not markup: dropped whole, up to their end tag (or the end).
_RAW_TEXT: Final = {
    name: re.compile(f"</{name}", re.IGNORECASE)
    for name in (
        *("script", "style", "template", "iframe", "noembed", "noframes", "noscript"),
        *("xmp", "textarea", "title", "plaintext"),
    )
}
_INVISIBLE, _ELLIPSIS, _SPAN = "invisible", "ellipsis", "span"


@dataclass(frozen=True, slots=True)
class PreparedHtml:
    """The status's HTML for the sanitizer, and the http(s) addresses its links lead to
    (neither hashtags nor mentions: the links of its text)."""

    html: str
    links: tuple[str, ...]


def prepare_status_html(html: str, emoji: Mapping[str, str]) -> PreparedHtml:
    """`html` with Mastodon's hashtag links as text, its cut links as shown, and each
    `:shortcode:` of `emoji` (shortcode -> image URL) as an image; linear in its length."""
    preparer = _Preparer(emoji)
    preparer.read(html)
    return PreparedHtml("".join(preparer.out), tuple(dict.fromkeys(preparer.links)))


def is_web_address(value: str) -> bool:
    """An absolute http(s) URL with a host and no white space (never javascript:, data:)."""
    if not value or any(char.isspace() for char in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _attributes(text: str) -> list[tuple[str, str]]:
    """The attributes of a tag's text after its name, names lower-cased, values unescaped."""
    found: list[tuple[str, str]] = []
    for match in _ATTRIBUTE.finditer(text):
        if len(found) >= MAX_ATTRIBUTES:
            break
        value = next((v for v in match.groups()[1:] if v is not None), "")
        found.append((match[1].lower(), unescape(value)))
    return found


def _tokens_of(attrs: list[tuple[str, str]], name: str) -> set[str]:
    return {token for key, value in attrs if key == name for token in value.split()}


def _start_tag(tag: str, attrs: list[tuple[str, str]]) -> str:
    """A start tag written again, well-formed, without its classes: Mastodon's (`u-url
    mention`, `h-card`) style nothing of ours, and the sanitizer would leave `class=""`."""
    kept = "".join(
        f' {name}="{escape(value)}"'
        for name, value in attrs
        if name != "class" and _ATTRIBUTE_NAME.fullmatch(name)
    )
    return f"<{tag}{kept}>"


class _Preparer:
    def __init__(self, emoji: Mapping[str, str]) -> None:
        self.emoji = emoji
        self.emoji_left = MAX_EMOJI
        self.out: list[str] = []
        self.links: list[str] = []
        self.spans: list[str] = []  # the kind of each open span
        self.hidden = 0  # invisible spans open: their text and tags are dropped
        self.hashtag = 0  # hashtag links open: their tags are dropped, their text kept

    def read(self, html: str) -> None:
        """Each piece of `html` in turn; every character is looked at a bounded number of
        times."""
        position = 0
        while position < len(html):
            found = _MARKUP.search(html, position)
            start = len(html) if found is None else found.start()
            if start > position:
                self.data(html[position:start])
            if found is None:
                return
            position = self.markup(html, start)

    def markup(self, html: str, start: int) -> int:
        """Read the markup at `html[start]` (a `<`); where reading goes on."""
        if html.startswith("<!--", start):
            close = html.find("-->", start + 4)
            return len(html) if close < 0 else close + 3
        match = _TAG.match(html, start)
        if match is None:
            if _LETTER_AFTER.match(html, start):
                return len(html)  # a tag cut off by the end: nothing after it is shown
            close = html.find(">", start + 1)  # `<!x`, `<?x`, `</1`: a bogus comment
            return len(html) if close < 0 else close + 1
        name = match[2].lower()
        if match[1]:
            self.end(name)
            return match.end()
        if name in _RAW_TEXT:
            closer = _RAW_TEXT[name].search(html, match.end())
            close = -1 if closer is None else html.find(">", closer.end())
            return len(html) if close < 0 or name == "plaintext" else close + 1
        self.start(name, _attributes(match[3]))
        return match.end()

    def start(self, tag: str, attrs: list[tuple[str, str]]) -> None:
        classes = _tokens_of(attrs, "class")
        if tag == "span":
            kind = _SPAN
            if self.hidden or _INVISIBLE in classes:
                kind = _INVISIBLE
                self.hidden += 1
            elif _ELLIPSIS in classes:
                kind = _ELLIPSIS
            self.spans.append(kind)
            if kind != _SPAN:
                return
        elif tag == "a":
            if self.hashtag or "hashtag" in classes or "tag" in _tokens_of(attrs, "rel"):
                self.hashtag += 1
                return
            href = dict(attrs).get("href", "")
            if "mention" not in classes and not self.hidden and is_web_address(href):
                self.links.append(href)
        if not (self.hidden or self.hashtag) and _NAME.fullmatch(tag):
            self.out.append(_start_tag(tag, attrs))

    def end(self, tag: str) -> None:
        if tag == "span" and self.spans:
            kind = self.spans.pop()
            if kind == _INVISIBLE:
                self.hidden -= 1
                return
            if kind == _ELLIPSIS:
                self.out.append(ELLIPSIS)
                return
        elif tag == "a" and self.hashtag:
            self.hashtag -= 1
            return
        if not (self.hidden or self.hashtag) and _NAME.fullmatch(tag):
            self.out.append(f"</{tag}>")

    def data(self, raw: str) -> None:
        if self.hidden:
            return
        text = unescape(raw)
        if self.hashtag or not self.emoji:
            self.out.append(escape(text, quote=False))
        else:
            self.out.append(self._with_emoji(text))

    def _with_emoji(self, text: str) -> str:
        pieces: list[str] = []
        position = 0
        for match in _SHORTCODE.finditer(text):
            url = self.emoji.get(match[1])
            if url is None or self.emoji_left <= 0:
                continue
            self.emoji_left -= 1
            pieces.append(escape(text[position : match.start()], quote=False))
            code = escape(match[0])
            pieces.append(f'<img src="{escape(url)}" alt="{code}" title="{code}">')
            position = match.end()
        pieces.append(escape(text[position:], quote=False))
        return "".join(pieces)

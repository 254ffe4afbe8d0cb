"""Short titles and descriptions made from a post's words (feeds, <title>, og: tags)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from microblog.text.hashtags import find_hashtags
from microblog.text.links import find_urls

_SPACE_BEFORE_MARK = re.compile(r" ([.,;:!?])(?= |$)")
# Every character str.split() splits on (all of them below U+3001) as a plain space.
_SPACES = str.maketrans({c: " " for c in map(chr, range(0x3001)) if c.isspace()})
_BLOCKS = {"p", "br", "li", "div", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "tr"}


def _trailing_tag_spans(text: str) -> list[tuple[int, int]]:
    """Spans of hashtags that only close a line (`... #AI#Backend`), not those in a sentence.

    Linear: walking back from the end, each stretch of text between two hashtags is looked at
    once (a line of 200,000 `#a x` was quadratic when the rest of the line was re-read)."""
    spans: list[tuple[int, int]] = []
    later = len(text)  # where the hashtag after this one starts (or the end of the text)
    in_sentence = False  # a word follows on this line: no hashtag before it closes the line
    for tag in reversed(find_hashtags(text)):
        between = text[tag.end : later]
        newline = between.find("\n")
        if newline >= 0:  # the first tag of a later line was behind: a new line starts here
            in_sentence = False
            between = between[:newline]
        if not in_sentence and between.strip():
            in_sentence = True
        if not in_sentence:
            spans.append((tag.start, tag.end))
        later = tag.start
    return spans


def plain_words(text: str) -> str:
    """The post's prose: URLs and closing hashtag runs removed, white space folded."""
    cuts = sorted([(s.start, s.end) for s in find_urls(text)] + _trailing_tag_spans(text))
    parts: list[str] = []
    position = 0
    for start, end in cuts:
        if start >= position:
            parts.append(text[position:start])
            position = end
    parts.append(text[position:])
    folded = fold_whitespace(" ".join(parts))
    return _SPACE_BEFORE_MARK.sub(r"\1", folded)  # "a link ." once the link is cut out


def fold_whitespace(text: str) -> str:
    """`" ".join(text.split())` without a list of every word (or every gap, as `re.sub`
    makes): for a 16 MB post that list takes 190 MB."""
    spaced = text.translate(_SPACES)
    while "  " in spaced:
        spaced = spaced.replace("  ", " ")
    return spaced.strip(" ")


def shorten(text: str, max_chars: int) -> str:
    """Cut at a word boundary and add an ellipsis when `text` is too long."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-—") + "…"


def title_from_text(text: str, max_chars: int = 70) -> str:
    """A title from the first sentence or words of the post, never empty."""
    words = plain_words(text)
    if not words:
        names = [span.name for span in find_hashtags(text)]
        words = " ".join("#" + name for name in names) or "Untitled post"
    ends = [i for mark in (". ", "? ", "! ") if 0 < (i := words.find(mark)) < max_chars]
    first_sentence = words[: min(ends) + 1] if ends else words
    return shorten(first_sentence, max_chars)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of_html(html: str) -> str:
    """The visible text of sanitized post HTML, lines kept (for descriptions)."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts).strip()

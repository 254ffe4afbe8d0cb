"""A record's sanitized HTML as Markdown that the Markdown reader renders to the same words
(what `microblog import` writes under a post's front matter). Pure.

Whatever the export says is text: what Python-Markdown (`extra`, `sane_lists`, `smarty`) would
read as markup is escaped, in a line and at its start. Only the record's own HTML becomes
Markdown: paragraphs, line breaks, links, images, emphasis, code, quotes, lists, headings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Final
from urllib.parse import quote

from microblog.text.linked import Link, LinkedHtml, LinkKind

MAX_DEPTH: Final = 20  # nested blocks written as such; deeper ones are written as their text
_CONTAINERS: Final = frozenset({"table", "thead", "tbody", "tfoot", "figure"})
_LINE_BLOCKS: Final = frozenset({"p", "caption", "figcaption", "li"})
_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_OTHER_BLOCKS: Final = frozenset({"pre", "blockquote", "ul", "ol", "hr", "tr"})
_BLOCKS: Final = _CONTAINERS | _LINE_BLOCKS | _HEADINGS | _OTHER_BLOCKS
_HTML_SPACE: Final = re.compile(r"[ \t\n\r\f]+")
# What Python-Markdown and its extensions read as markup in a line (`<` and entity-like `&`
# become entities; `--` and `...` would be smarty's dashes and ellipsis).
_INLINE: Final = re.compile(r"""[\\`*_\[\]{}|"']|<|(?<=-)-|(?<=\.)\.|&(?=#|[A-Za-z0-9]+;)""")
# What opens a block at the start of a line: a heading, a list item, a quote, a definition,
# a fence of tildes, a setext underline of `=`.
_LINE_START: Final = re.compile(r"#+(?=[ \t]|$)|[-+>=]|[0-9]+\.(?=[ \t]|$)|:(?=[ \t]|$)|~(?=~~)")
_LINE_START_ESCAPES: Final = {":": "&#58;", "=": "&#61;", "~": "&#126;"}
_AUTOLINK: Final = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'()+,;=%]+", re.IGNORECASE)
_ENTITY_LIKE: Final = re.compile(r"&(?=#|[A-Za-z0-9]+;)")  # what Markdown would decode
_PLAIN_DESTINATION: Final = re.compile(r"[^\s()<>\\`]+")
_DESTINATION_ESCAPES: Final = str.maketrans({"<": "%3C", ">": "%3E", "`": "%60", "\\": "%5C"})
_URL_DROPS: Final = re.compile(r"[\t\n\r]")  # what a browser drops from an address
_SPACE_IN_URL: Final = re.compile(r"\s")


def escape_inline(text: str, *, in_label: bool = False) -> str:
    """`text` as Markdown that shows exactly `text` (not at a line's start). In a link's label
    `]` is an entity: `[a\\]: b](c)` at the start of a line would define a reference."""
    return _INLINE.sub(_escape_in_label if in_label else _escape_match, text)


def _escape_match(match: re.Match[str]) -> str:
    return {"<": "&lt;", "&": "&amp;"}.get(match.group()) or "\\" + match.group()


def _escape_in_label(match: re.Match[str]) -> str:
    return "&#93;" if match.group() == "]" else _escape_match(match)


def escape_line(text: str) -> str:
    """`text` as Markdown that shows exactly `text` at the start of a line, too."""
    opening = _LINE_START.match(text)
    if opening is None:
        return escape_inline(text)
    mark = opening.group()
    escaped = _LINE_START_ESCAPES.get(mark[0]) or "\\" + mark[0]
    if mark[0].isdigit():
        escaped = mark[:-1] + "\\."
    elif mark[0] == "#":
        escaped = "\\#" * len(mark)
    return escaped + escape_inline(text[len(mark) :])


def markdown_of_html(html: LinkedHtml) -> str:
    """The Markdown of a record's sanitized HTML with open links (`Post.body`)."""
    numbers = iter(range(len(html.links)))  # each link's address, in order: its number
    builder = _TreeBuilder()
    builder.feed(html.resolve(lambda _link: f"\ufdd0{next(numbers)}\ufdd1"))
    builder.close()
    return "\n\n".join(_Writer(list(html.links)).blocks(builder.root.children, 0))


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Element | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """The element tree of sanitized HTML (well formed: nh3 wrote it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in ("br", "img", "hr"):  # void elements
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        open_at = [d for d in range(1, len(self.stack)) if self.stack[d].tag == tag]
        del self.stack[open_at[-1] if open_at else len(self.stack) :]

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def plain_text(node: _Element | str) -> str:
    """The text of a node and everything in it, without recursion (any depth)."""
    parts: list[str] = []
    stack: list[_Element | str] = [node]
    while stack:
        item = stack.pop()
        parts.append(item if isinstance(item, str) else "\n" if item.tag == "br" else "")
        stack.extend(reversed(item.children) if isinstance(item, _Element) else ())
    return "".join(parts)


_TEXT, _MARKUP, _BREAK = "text", "markup", "break"


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # _TEXT (to escape), _MARKUP (written as it is) or _BREAK (a line break)
    value: str = ""
    plain: str = ""  # emphasis or code written as text, where its markers would touch others


class _Writer:
    def __init__(self, links: list[Link]) -> None:
        self.links = links
        self.in_link = False  # a link in a link's label is written as its text

    def blocks(self, nodes: list[_Element | str], depth: int) -> list[str]:
        """The Markdown blocks of a run of nodes: inline ones gathered into paragraphs."""
        out: list[str] = []
        run: list[_Element | str] = []
        for node in nodes:
            if isinstance(node, _Element) and node.tag in _BLOCKS:
                out.extend(self.paragraph(run))
                run = []
                out.extend(self.block(node, depth + 1))
            else:
                run.append(node)
        out.extend(self.paragraph(run))
        return out

    def block(self, node: _Element, depth: int) -> list[str]:
        tag = node.tag
        if depth > MAX_DEPTH:
            return self.paragraph(_text_with_breaks(plain_text(node)))
        if tag in _CONTAINERS:
            return self.blocks(node.children, depth)
        if tag == "hr":
            return ["* * *"]
        if tag == "pre":
            if all(isinstance(child, str) for child in node.children):
                return self.code_block(plain_text(node), depth)
            return self.paragraph(_lines_kept(node))
        if tag in _HEADINGS:
            return self.heading(int(tag[1]), node)
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node.children, depth))
            return [_prefix(inner, "> ", ">")] if inner.strip() else []
        if tag in ("ul", "ol"):
            return self.list_block(node, depth)
        if tag == "tr":  # its cells, a space between them
            return self.paragraph([item for cell in node.children for item in (cell, " ")])
        return self.blocks(node.children, depth) if tag in _LINE_BLOCKS else []

    def code_block(self, text: str, depth: int) -> list[str]:
        text = text.strip("\n")
        if not text.strip():
            return []
        if depth > 1:  # fenced code works at the top level only: inside a list, as text
            return self.paragraph(_text_with_breaks(text))
        fence = "`" * max(3, _longest_run(text, "`") + 1)
        return [f"{fence}\n{text}\n{fence}"]

    def heading(self, level: int, node: _Element) -> list[str]:
        line = self.line(self.children(node, 0), first=False)
        if not line:
            return []
        trailing = len(line) - len(line.rstrip("#"))  # Markdown drops a closing run of `#`
        if trailing:
            line = line[:-trailing] + "\\#" * trailing
        return ["#" * level + " " + line]

    def list_block(self, node: _Element, depth: int) -> list[str]:
        """Its items; what stands between them outside any item, as paragraphs."""
        start = node.attrs.get("start", "")
        number = int(start) if start.isascii() and start.isdigit() and len(start) < 9 else 1
        out: list[str] = []
        items: list[str] = []
        outside: list[_Element | str] = []
        for child in [*node.children, _Element("li")]:
            if not isinstance(child, _Element) or child.tag != "li":
                outside.append(child)
                continue
            paragraphs = self.blocks(outside, depth)
            if paragraphs and items:
                out.append("\n".join(items))
                items = []
            out.extend(paragraphs)
            outside = []
            inner = "\n\n".join(self.blocks(child.children, depth))
            if inner.strip():
                marker = f"{number}. " if node.tag == "ol" else "- "
                number += 1
                items.append(marker + _prefix(inner, "    ", "")[4:])
        return [*out, "\n".join(items)] if items else out

    def paragraph(self, nodes: list[_Element | str]) -> list[str]:
        """A paragraph of inline nodes: its lines (at line breaks) joined by hard breaks."""
        lines: list[list[_Token]] = [[]]
        for token in (token for node in nodes for token in self.inline(node)):
            if token.kind == _BREAK:
                lines.append([])
            else:
                lines[-1].append(token)
        written = [text for line in lines if (text := self.line(line, first=True))]
        return ["  \n".join(written)] if written else []

    def line(self, tokens: list[_Token], *, first: bool, in_label: bool = False) -> str:
        """One line: text escaped (as at the line's start too, when `first`), markup as is."""
        _, merged, _ = _strip_edges(_merge_text(tokens), " ")
        out: list[str] = []
        for index, token in enumerate(merged):
            if token.kind != _TEXT:
                touching = token.plain and out and out[-1][-1:] == token.value[:1]  # `*a**b*`
                _append(out, token.plain if touching else token.value)
            elif first and index == 0:
                _append(out, escape_line(token.value))
            else:
                _append(out, escape_inline(token.value, in_label=in_label))
        return "".join(out)

    def inline(self, node: _Element | str, depth: int = 0) -> Iterator[_Token]:
        if isinstance(node, str):
            yield _Token(_TEXT, _HTML_SPACE.sub(" ", node))
            return
        tag = node.tag
        if depth > MAX_DEPTH or tag in _BLOCKS:
            yield from self.inline_block(node, depth)
        elif tag == "br":
            yield _Token(_BREAK)
        elif tag == "img":
            yield from self.image(node)
        elif tag == "a":
            yield from self.anchor(node, depth)
        elif tag in ("strong", "b", "em", "i"):
            yield from self.emphasis("**" if tag in ("strong", "b") else "*", node, depth)
        elif tag == "code" and all(isinstance(child, str) for child in node.children):
            yield from _code_span(_HTML_SPACE.sub(" ", plain_text(node)))
        else:  # span, abbr, sup, sub, del ...: their content
            for child in node.children:
                yield from self.inline(child, depth + 1)

    def inline_block(self, node: _Element, depth: int) -> Iterator[_Token]:
        """A block in a link or emphasis on lines of its own; past MAX_DEPTH, as its text."""
        if depth > MAX_DEPTH:
            for child in _text_with_breaks(plain_text(node)):
                yield from self.inline(child, MAX_DEPTH)
            return
        yield _Token(_BREAK)
        for child in _lines_kept(node) if node.tag == "pre" else node.children:
            yield from self.inline(child, depth + 1)
        yield _Token(_BREAK)

    def children(self, node: _Element, depth: int) -> list[_Token]:
        """A node's inline content, on one line (for a link's or an emphasis's text)."""
        return [
            _Token(_TEXT, " ") if token.kind == _BREAK else token
            for child in node.children
            for token in self.inline(child, depth + 1)
        ]

    def anchor(self, node: _Element, depth: int) -> Iterator[_Token]:
        link = None if self.in_link else self.link_of(node.attrs.get("href", ""))
        outermost, self.in_link = not self.in_link, True
        inner = self.children(node, depth)
        self.in_link = not outermost
        if link is None or link.kind not in (LinkKind.URL, LinkKind.SITE):
            yield from inner  # a hashtag (linked again when read) or a link within the post
            return
        text = plain_text(node)
        target = link.target
        if text == target and _AUTOLINK.fullmatch(target) and not _ENTITY_LIKE.search(target):
            yield _Token(_MARKUP, f"<{target}>")
            return
        label = self.line(inner, first=False, in_label=True)
        if not label:
            yield from inner
            return
        yield _Token(_MARKUP, f"[{label}]({_destination(target)})")

    def image(self, node: _Element) -> Iterator[_Token]:
        link = self.link_of(node.attrs.get("src", ""))
        if link is not None and link.kind in (LinkKind.URL, LinkKind.SITE):
            alt = escape_inline(_HTML_SPACE.sub(" ", node.attrs.get("alt", "")).strip(" "))
            yield _Token(_MARKUP, f"![{alt}]({_destination(link.target, in_label=True)})")

    def emphasis(self, marker: str, node: _Element, depth: int) -> Iterator[_Token]:
        """`**text**` or `*text*`, white space at its edges outside (`** a **` is no emphasis)."""
        before, inner, after = _strip_edges(_merge_text(self.children(node, depth)), None)
        # an emphasis inside another is written as its text: `***a* b**` and `**a **b** c**`
        # would not close where they were meant to
        inner = [_Token(_MARKUP, t.plain) if t.plain and t.value[:1] == "*" else t for t in inner]
        text = self.line(inner, first=False)
        yield _Token(_TEXT, before)
        yield _Token(_MARKUP, f"{marker}{text}{marker}", text) if text else _Token(_TEXT, "")
        yield _Token(_TEXT, after)

    def link_of(self, value: str) -> Link | None:
        found = re.fullmatch("\ufdd0([0-9]+)\ufdd1", value)
        return self.links[int(found[1])] if found else None


def _append(out: list[str], piece: str) -> None:
    """Add a piece of a line, escaped where it meets the one before: `-` after `-` and `.`
    after `.` (smarty's dashes and ellipsis), `!` before `[` (an image)."""
    if out and piece:
        last = out[-1]
        if piece[0] in "-." and last.endswith(piece[0]):
            piece = "\\" + piece
        elif piece[0] == "[" and last.endswith("!"):
            out[-1] = last[:-1] + "\\!"
    out.append(piece)


def _strip_edges(tokens: list[_Token], chars: str | None) -> tuple[str, list[_Token], str]:
    """(white space before, tokens without it at their edges, white space after)."""
    before = after = ""
    if tokens and tokens[0].kind == _TEXT:
        text = tokens[0].value.lstrip(chars)
        before, tokens[0] = tokens[0].value[: len(tokens[0].value) - len(text)], _Token(_TEXT, text)
    if tokens and tokens[-1].kind == _TEXT:
        text = tokens[-1].value.rstrip(chars)
        after, tokens[-1] = tokens[-1].value[len(text) :], _Token(_TEXT, text)
    return before, [t for t in tokens if t.kind != _TEXT or t.value], after


def _merge_text(tokens: list[_Token]) -> list[_Token]:
    """Adjacent text tokens as one (an escape may depend on the character before)."""
    merged: list[_Token] = []
    for token in tokens:
        if token.kind == _TEXT and merged and merged[-1].kind == _TEXT:
            merged[-1] = _Token(_TEXT, merged[-1].value + token.value)
        else:
            merged.append(token)
    return [token for token in merged if token.kind != _TEXT or token.value]


def _lines_kept(node: _Element) -> list[_Element | str]:
    """The children of a `<pre>`, its line breaks as `<br>`."""
    return [i for c in node.children for i in (_text_with_breaks(c) if isinstance(c, str) else [c])]


def _text_with_breaks(text: str) -> list[_Element | str]:
    nodes: list[_Element | str] = []
    for line in text.split("\n"):
        nodes += [_Element("br"), line] if nodes else [line]
    return nodes


def _code_span(text: str) -> Iterator[_Token]:
    """`` `code` ``, the spaces at its edges outside it (Markdown strips them)."""
    code = text.strip(" ")
    ticks = "`" * (_longest_run(code, "`") + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    yield _Token(_TEXT, text[: len(text) - len(text.lstrip(" "))])
    span = f"{ticks}{pad}{code}{pad}{ticks}"
    if "&" in code:  # Markdown makes `&#58` in a code span `&#58;`: such code is written as HTML
        span = f"<code>{escape_inline(code)}</code>"
    if code:
        yield _Token(_MARKUP, span, escape_inline(code))
    yield _Token(_TEXT, text[len(text.rstrip(" ")) :] if code else "")


def _destination(target: str, *, in_label: bool = False) -> str:
    r"""A link's address as Markdown reads it back: bare, or in `<>` when it holds what would
    end it early (parentheses, spaces; `<`, `>` and what Markdown reads before links, `` ` ``
    and `\`, percent-encoded as a browser would)."""
    target = _ENTITY_LIKE.sub("&amp;", _URL_DROPS.sub("", target))
    if in_label:  # an image inside a link's label: its brackets would end the label
        host_end = target.find("/", target.find("://") + 3) if "://" in target else 0
        if host_end >= 0:
            head, tail = target[:host_end], target[host_end:]
            target = head + tail.replace("[", "%5B").replace("]", "%5D")
    if _PLAIN_DESTINATION.fullmatch(target):
        return target
    encoded = _SPACE_IN_URL.sub(lambda m: quote(m.group()), target)
    return "<" + encoded.translate(_DESTINATION_ESCAPES) + ">"


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


def _prefix(text: str, prefix: str, blank: str) -> str:
    return "\n".join(prefix + line if line.strip() else blank for line in text.split("\n"))

"""The HTML Python-Markdown gives for the common microblog post, without Python-Markdown.

Most posts of an archive are a few lines of words, autolinks (`<https://t.co/x>`), hard line
breaks (two spaces at a line's end) and glued hashtags: nothing that any Markdown rule or
extension we load (extra, sane_lists, smarty, spaced headings) would change but paragraphs,
breaks and autolinks. For such a body `render` writes that HTML directly, byte for byte what
Python-Markdown writes (tests/unit/test_fastmarkdown.py proves it on generated posts); for
any other body it returns None and Python-Markdown renders it. Hand-written, not a library:
the point is to skip the parser, and the test pins it to the parser's output.
"""

from __future__ import annotations

import re
from typing import Final

# An autolink as Python-Markdown takes it, its address limited to characters that no other
# rule touches and that need no escaping in an attribute.
_AUTOLINK: Final = r"<https?://[A-Za-z0-9\-.~:/?#@!$()*+,;=%]+>"
# Text outside autolinks: letters, digits, characters beyond ASCII that are not spaces, and
# ASCII punctuation that no Markdown rule, smarty or HTML escaping gives a meaning to.
_TEXT: Final = r"[^\x00-\x1f\x7f-\x9f\s\"&'*<>[\\\]_`{|}~^\ufdd0-\ufdef-]"
_PLAIN: Final = re.compile(rf"(?:{_AUTOLINK}|{_TEXT}|-(?!-)| (?! *$))*(?: {{2}})?")
_SMARTY: Final = re.compile(r"\.\.|--")  # ellipses and dashes (smarty); `- ` starts a list
# A line that starts a block: heading, list item, quote, setext underline, definition.
_BLOCK_START: Final = re.compile(r"#+(?: |$)|\d+[.)]|[-+=:]|$")  # \d: any digit, as Markdown
_AUTOLINK_IN: Final = re.compile(r"<(https?://[^<>]+)>")


def render(body: str) -> str | None:
    """Python-Markdown's HTML for `body` (its lines without `\\r`, stripped of blank lines at
    both ends), or None when `body` holds anything beyond paragraphs, breaks and autolinks."""
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in body.split("\n"):
        if not line.strip(" "):
            if line:
                return None  # spaces alone: a blank line, or (four) the start of a code block
            if lines:
                paragraphs.append(_paragraph(lines))
                lines = []
            continue
        if line[0] == " " or _BLOCK_START.match(line) or _PLAIN.fullmatch(line) is None:
            return None
        if _SMARTY.search(_AUTOLINK_IN.sub("", line)):
            return None
        lines.append(line)
    if lines:
        paragraphs.append(_paragraph(lines))
    if not paragraphs or any(not paragraph for paragraph in paragraphs):
        return None
    return "\n".join(paragraphs)


def _paragraph(lines: list[str]) -> str:
    """The paragraph's HTML; "" when its last line ends with spaces (not worth knowing what
    Python-Markdown does with them)."""
    if lines[-1].endswith(" "):
        return ""
    shown = []
    for number, line in enumerate(lines, start=1):
        if number < len(lines) and line.endswith("  "):
            line = line[:-2] + "<br>"
        shown.append(_AUTOLINK_IN.sub(r'<a href="\1">\1</a>', line))
    return "<p>" + "\n".join(shown) + "</p>"

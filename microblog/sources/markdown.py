"""One post per Markdown file, with optional YAML front matter."""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import re
import stat
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePosixPath
from typing import Any

import markdown
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension

from microblog.config import SiteConfig
from microblog.model import Media, Post, Source
from microblog.outpaths import path_problem
from microblog.paths import site_relative, stays_inside
from microblog.problems import Problem, Severity
from microblog.sources.frontmatter import (
    MediaEntries,
    MediaEntry,
    field_address,
    field_addresses,
    field_bool,
    field_date,
    field_id,
    field_lang,
    field_long_text,
    field_media,
    field_network,
    field_reply,
    field_text,
)
from microblog.sources.record import Draft, read_head, read_tags, slug_with_id, text_digest
from microblog.text import fastmarkdown
from microblog.text.html import plain_text_to_html, sanitize_html
from microblog.text.linked import LinkCollector
from microblog.text.linkify import linkify_html
from microblog.text.slugs import clean_slug
from microblog.text.titles import shorten, text_of_html


class _SpacedHashHeaders(HashHeaderProcessor):
    """ATX headings only with a space after the hashes (as CommonMark has it), so that a line
    starting with a hashtag (`#TIL ...`) stays a paragraph with its tag."""

    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?=[ \t]|\n|$)(?P<header>(?:\\.|[^\\])*?)#*(?:\n|$)")


class _HashtagFriendlyExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.parser.blockprocessors.register(_SpacedHashHeaders(md.parser), "hashheader", 70)


MARKDOWN_EXTENSIONS: list[str | Extension] = [
    "extra",
    "sane_lists",
    "smarty",
    _HashtagFriendlyExtension(),
]


@dataclass(frozen=True, slots=True)
class TagNames:
    """Front-matter tags; `from_string` when given as `tags: a, b` instead of a list."""

    names: tuple[str, ...]
    from_string: bool = False


def _field_tags(value: Any, _tz: Any) -> TagNames:
    if isinstance(value, str):
        parts = value.replace(",", " ").split()
        return TagNames(tuple(name for part in parts if (name := _tag_name(part))), True)
    if not isinstance(value, list):
        raise ValueError(f"must be a list of tags, not {value!r}"[:120])
    return TagNames(tuple(name for item in value if (name := _tag_name(item))))


def _tag_name(item: Any) -> str:
    if item is None or isinstance(item, list | dict):
        return ""
    text = " ".join(str(item).replace("\x00", "").split()).lstrip("#").strip()
    return text[:300]


MD_FIELDS = {
    "date": field_date,
    "tags": _field_tags,
    "slug": field_text,
    "draft": field_bool,
    "lang": field_lang,
    "title": field_text,
    # what `microblog import` writes: the record of a post of an export or archive
    "id": field_id,
    "source": field_text,  # where it was imported from (kept for the person, not published)
    "network": field_network,
    "original": field_address,
    "reply_to": field_reply,
    "warning": field_long_text,
    "repost_of": field_text,
    "also_at": field_addresses,
    "media": field_media,
}
# Front matter keys that are record fields of the same name.
_RECORD_FIELDS = ("id", "network", "original", "reply_to", "warning", "repost_of", "also_at")


# Python-Markdown's inline link parser is quadratic in unclosed '[' (20,000 of them take
# minutes) and its block parser recurses on nesting. Its other parts are quadratic too: in the
# paragraphs of a post, the lines of a paragraph, its inline markup and the depth of nested
# lists and quotes (50,000 short paragraphs, 20,000 lines of `a` and `=`, or 2 MB of quotes
# nested 2,000 deep take 15 to 30 seconds). So are the elements that the extensions make
# without markup characters: the cells of a table row (each cell is found in its row's list
# of cells, so 20,000 cells in a row take 8 s, and every cell costs two inline passes: 3 MB
# of table took 2 minutes and 1.2 GB), smarty's `--` and `...` (each rewrites the rest of its
# text: 400 KB take 20 s), the words that repeat an abbreviation defined by `*[HTML]: ...`
# (500 KB take 2 minutes), and runs of spaces that attr_list scans again from every space in
# a heading or a cell (100,000 spaces take 3 s). MAX_MARKDOWN_UNITS of these, weighted by
# their cost, take a second or two; past these, a post is shown as text.
MAX_BRACKETS = 2000
MAX_MARKDOWN_UNITS = 20_000
_MARKUP_CHARS = "*_`<[&\"'\\!"
_SMARTY_MARKS = ("--", "...")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_NESTING = re.compile(r"^[ \t>]+", re.MULTILINE)
_SPACE_RUN = re.compile(r"[ \t]{32,}")
# Any line opening with `*[` may define an abbreviation: Python-Markdown's own pattern lets the
# name hold `]` and line breaks, so it is not matched more closely here.
_ABBREVIATION = re.compile(r"^[ \t>]*\*\[", re.MULTILINE)
_WORD = re.compile(r"\w+")
_PIPE_LINE = re.compile(r"^[^|\n]*\|[^\n]*", re.MULTILINE)


def markdown_units(body: str) -> int:
    """What Python-Markdown's quadratic parts grow with: 4 a line, 2 a paragraph (a block
    between blank lines), 1 an inline markup character, 1 a `--` or `...`, 1 each 25
    characters of indentation and quote marks at the start of lines, 1 each 2 columns of a
    run of 32 or more spaces and tabs, the table cells of `_cell_units`, and, when the post
    defines an abbreviation, 2 a word. Linear time: counts, and regular expressions that
    never go back over more than a line."""
    lines = body.count("\n") + 1
    cells = _cell_units(body)
    blocks = len(_BLANK_LINE.findall(body)) + 1
    markup = sum(body.count(char) for char in _MARKUP_CHARS)
    smarty = sum(body.count(mark) for mark in _SMARTY_MARKS)
    nesting = sum(len(match) for match in _NESTING.findall(body))
    columns = sum(
        len(run) + 3 * run.count("\t") for run in (m.group() for m in _SPACE_RUN.finditer(body))
    )
    words = 0
    if _ABBREVIATION.search(body):  # counted only as far as the limit
        words = sum(1 for _ in islice(_WORD.finditer(body), MAX_MARKDOWN_UNITS))
    return (
        4 * lines + cells + 2 * blocks + markup + smarty + nesting // 25 + columns // 2 + 2 * words
    )


def _cell_units(body: str) -> int:
    """1 a `|` (a table cell: two inline passes) and, as each cell is looked up in its row,
    the square of the `|` of a line over 4096 (a row of 5,000 cells takes half a second).
    Counted only as far as the limit."""
    units = 0
    for match in _PIPE_LINE.finditer(body):
        pipes = match.group().count("|")
        units += pipes + pipes * pipes // 4096
        if units > MAX_MARKDOWN_UNITS:
            break
    return units


_PARSER: list[markdown.Markdown] = []  # one a process: building one costs as much as a post


def render_markdown(source: str) -> str:
    """Python-Markdown's HTML for `source`, from the process's one parser, reset first."""
    if not _PARSER:
        _PARSER.append(markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html"))
    return _PARSER[0].reset().convert(source)


def _render(body: str, path: str, line: int) -> tuple[str | None, Problem | None]:
    """The post's Markdown as HTML, or None and a warning when Markdown could not take it."""
    if body.count("[") > MAX_BRACKETS:
        reason = f"more than {MAX_BRACKETS} '[' characters"
    elif markdown_units(body) > MAX_MARKDOWN_UNITS:
        reason = "more lines, paragraphs, table cells and markup than it can parse quickly"
    else:
        try:
            return fastmarkdown.render(body) or render_markdown(body), None
        except RecursionError:
            reason = "nested too deeply"
    problem = Problem(
        path, line, "MB027", Severity.WARNING, f"Markdown with {reason}", "shown as plain text"
    )
    return None, problem


def _id_prefix(path: str) -> str:
    """`p1a2b3c4d5e-`: what the ids of the post of file `path` begin with, the same at every
    build and distinct for every file (`a.md` and `a.MD` too)."""
    return "p" + hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:10] + "-"


def hashtags_of_html(html: str) -> list[str]:
    """The hashtags of rendered Markdown that linkify_html would link: those of its text, not
    of code, preformatted blocks, links' text or any attribute (`#include`, `(#usage)`)."""
    names: list[str] = []

    def seen(name: str) -> None:
        names.append(name)

    linkify_html(html, seen)
    return names


def parse_markdown(text: str, path: str, config: SiteConfig) -> Iterator[Post | Problem]:
    """The post of one Markdown file, with the problems met on the way."""
    head = yield from read_head(text, path, MD_FIELDS, config.tz)
    tags: TagNames = head.values.get("tags", TagNames(()))
    if tags.from_string:
        yield Problem(
            path,
            head.values["tags@line"],
            "MB025",
            Severity.WARNING,
            "front matter 'tags' is a string, not a list",
            f"split into {len(tags.names)} tags",
        )
    body = head.body
    first_line = head.split.body_line + len(body) - len(body.lstrip("\n"))
    body = body.strip("\n")
    slug = yield from _choose_slug(head.values, path, body)
    date = head.values.get("date")
    source = Source(path, first_line)
    rendered, problem = _render(body, path, first_line)
    if problem:
        yield problem
    links = LinkCollector(_id_prefix(path))
    # Sanitized once, before anything is linked or tagged: what nh3 drops (`<iframe>#x`) is
    # gone; what our linker then adds to its text is ours and needs no second pass.
    sanitized = None if rendered is None else sanitize_html(rendered, links)
    hashtags = None if sanitized is None else hashtags_of_html(sanitized)
    post_tags, tag_links = yield from read_tags(body, tags.names, source, links, hashtags)
    if sanitized is None:
        html = plain_text_to_html(body, tag_links, links)
    else:
        html = linkify_html(sanitized, tag_links, links.address)
    post_id = str(PurePosixPath(path).with_suffix(""))
    post = Draft(
        text=body,
        html=links.finish(html),
        source=source,
        id=post_id,
        slug=slug,
        date=date,
        date_origin=f"{path}:{head.values['date@line']}" if date else "",
        lang=head.values.get("lang"),
        draft=head.values.get("draft", False),
        title=head.values.get("title"),
        tags=post_tags,
        rank=0,
        shown_text=text_of_html(html),
    ).to_post()
    yield (yield from _with_imported_fields(post, head.values, path, config))


def _with_imported_fields(
    post: Post, values: dict[str, Any], path: str, config: SiteConfig
) -> Generator[Problem, None, Post]:
    """The post with the record fields its front matter gives (an imported post's id,
    network, reply, warning, media ...); a post without them is returned as it is."""
    changes: dict[str, Any] = {key: values[key] for key in _RECORD_FIELDS if key in values}
    if "media" in values:
        network = values.get("network", "")
        changes["media"] = yield from _read_media(
            values["media"], values["media@line"], path, network, config
        )
    warning = changes.get("warning")
    if warning:  # as an export's post: its words stay behind the warning
        changes["summary"] = warning
        if not post.title:
            changes["headline"] = shorten(warning, 70)
    return dataclasses.replace(post, **changes) if changes else post


def _read_media(
    media: MediaEntries, line: int, path: str, network: str, config: SiteConfig
) -> Generator[Problem, None, tuple[Media, ...]]:
    """The post's media: each file found beside the post, inside the content folder, and
    copied into the output at `media/<network>/<name>` (or its `output`)."""
    for message, action in media.errors:
        yield Problem(
            path, line, "MB024", Severity.WARNING, f"front matter 'media' {message}", action
        )
    found: list[Media] = []
    for entry in media.entries:
        member, size, output = "", 0, ""
        if entry.file:
            member, size, reason = _media_file(entry.file, path, config)
            output = entry.output or _output_path(network, member)
            if member and path_problem(output):
                member, reason = "", f"cannot be written as {output!r}: {path_problem(output)}"
            if reason:
                action = "linked to its remote address" if entry.remote else "left out"
                message = f"media file {entry.file!r} {reason}"
                yield Problem(path, line, "MB028", Severity.WARNING, message, action)
        found.append(_media(entry, member, size, output if member else ""))
    return tuple(found)


def _media(entry: MediaEntry, member: str, size: int, output: str) -> Media:
    return Media(
        kind=entry.kind,
        export="",  # a file of the site: `member` is its site-relative path
        member=member,
        path=output,
        alt=entry.alt,
        mime=entry.mime,
        size=size,
        width=entry.width,
        height=entry.height,
        remote=entry.remote,
    )


def _output_path(network: str, member: str) -> str:
    name = member.rpartition("/")[2]
    return f"media/{network}/{name}" if network else f"media/{name}"


def _media_file(file: str, path: str, config: SiteConfig) -> tuple[str, int, str]:
    """(site-relative path, size, "") of a media file named relative to the post's folder,
    or ("", 0, why not): it must be a regular file inside the content folder, links
    followed, so that nothing else of the site (or outside it) is published."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), file))
    content = site_relative(config.content_dir, config.site_dir)
    inside = content == "." or joined.startswith(content.rstrip("/") + "/")
    if joined.startswith("../") or joined == ".." or not inside:
        return "", 0, "leads outside the content folder"
    full = config.site_dir.joinpath(*joined.split("/"))
    try:
        found = full.stat()
    except OSError:
        return "", 0, "is not there"
    if not stays_inside(full, config.content_dir):
        return "", 0, "is a link leading outside the content folder"
    if not stat.S_ISREG(found.st_mode):
        return "", 0, "is not a file"
    return joined, found.st_size, ""


def _choose_slug(values: dict[str, Any], path: str, body: str) -> Generator[Problem, None, str]:
    # A generator returning the slug, so that problems flow out with the post's.
    given = values.get("slug")
    if given is not None:
        slug, changed = clean_slug(given)
        line = values.get("slug@line", 1)
        if slug and changed:
            yield Problem(
                path,
                line,
                "MB026",
                Severity.WARNING,
                f"slug {given!r} is not a safe URL segment",
                f"using {slug!r}",
            )
        if slug:
            return slug
        yield Problem(
            path,
            line,
            "MB026",
            Severity.WARNING,
            f"slug {given!r} has nothing usable",
            "slug made from the file name",
        )
    stem, _changed = clean_slug(PurePosixPath(path).stem)
    return stem or slug_with_id(body, text_digest(body))

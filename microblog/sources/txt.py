"""The microblog archive format: many posts in one `.txt` file.

A post may span several lines; it ends at a line that ends in a run of hashtags, or at a blank
line. Optional YAML front matter at the top gives defaults for the file's posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from microblog.config import SiteConfig
from microblog.model import Post, Source
from microblog.problems import Problem, Severity
from microblog.sources.frontmatter import field_bool, field_date, field_lang
from microblog.sources.record import Draft, read_head, read_tags, slug_with_id, text_digest
from microblog.text.hashtags import ends_with_hashtag_run
from microblog.text.html import plain_text_to_html
from microblog.text.linked import LinkCollector

ORDERS = ("oldest-first", "newest-first")


def _field_order(value: Any, _tz: Any) -> str:
    if not isinstance(value, str) or value.strip() not in ORDERS:
        raise ValueError(f"must be one of {', '.join(ORDERS)}, not {value!r}")
    return value.strip()


TXT_FIELDS = {"date": field_date, "lang": field_lang, "order": _field_order, "draft": field_bool}


def parse_txt(text: str, path: str, config: SiteConfig) -> Iterator[Post | Problem]:
    """Every post of an archive file, with the problems met on the way."""
    head = yield from read_head(text, path, TXT_FIELDS, config.tz)
    date = head.values.get("date")
    newest_first = head.values.get("order") == "newest-first"
    seen: dict[str, int] = {}
    for index, (line, post_text) in enumerate(split_posts(head.body, head.split.body_line)):
        digest = text_digest(post_text)
        seen[digest] = seen.get(digest, 0) + 1
        post_id = digest[:12] if seen[digest] == 1 else f"{digest[:12]}-{seen[digest]}"
        slug = slug_with_id(post_text, digest)
        if seen[digest] > 1:
            slug = f"{slug}-{seen[digest]}"
            yield Problem(
                path,
                line,
                "MB031",
                Severity.WARNING,
                "identical to an earlier post in this file",
                f"published with its own URL {slug}",
            )
        source = Source(path, line)
        links = LinkCollector()
        tags, tag_links = yield from read_tags(post_text, (), source, links)
        yield Draft(
            text=post_text,
            html=links.finish(plain_text_to_html(post_text, tag_links, links)),
            source=source,
            id=post_id,
            slug=slug,
            date=date,
            date_origin=f"{path}:{head.values['date@line']}" if date else "",
            lang=head.values.get("lang"),
            draft=head.values.get("draft", False),
            title=None,
            tags=tags,
            rank=-index if newest_first else index,
            shown_text=post_text,
        ).to_post()


def split_posts(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(line number, text) of each post: lines gathered until a hashtag run or a blank line."""
    current: list[str] = []
    start = first_line
    for number, raw in enumerate(body.split("\n"), start=first_line):
        line = raw.rstrip()
        if not line.strip():
            if current:
                yield start, "\n".join(current)
                current = []
            continue
        if not current:
            start = number
        current.append(line)
        if ends_with_hashtag_run(line):
            yield start, "\n".join(current)
            current = []
    if current:
        yield start, "\n".join(current)

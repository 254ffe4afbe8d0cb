"""New posts and new sites (`microblog new`, `microblog init`): files written, never overwritten.

Front matter is written with `yaml.safe_dump`, so any text or tag is quoted safely and reads
back through the project's own reader. The clock is a parameter: the command line passes now.
"""

from __future__ import annotations

import itertools
import os
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from microblog.config import SiteConfig
from microblog.settings_docs import commented_site_yaml
from microblog.text.hashtags import find_hashtags, tag_key
from microblog.text.slugs import slug_from_text

MAX_SLUG_CHARS = 50
MAX_NAME_TRIES = 1000
WELCOME_POST = "content/welcome.md"


class ScaffoldError(Exception):
    """A post or site that cannot be written as asked (exit 2, one line)."""


def hashtags_of(text: str) -> list[str]:
    """The hashtags of `text` as first written ("#Backend" -> "Backend"), one per tag."""
    names: dict[str, str] = {}
    for span in find_hashtags(text):
        names.setdefault(tag_key(span.name), span.name)
    return list(names.values())


def front_matter(values: Mapping[str, Any]) -> str:
    """A `---` fenced YAML block; every value is quoted as YAML needs."""
    dumped = yaml.safe_dump(
        dict(values), allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000
    )
    return f"---\n{dumped}---\n"


def post_document(text: str, date: datetime) -> str:
    """A Markdown post: front matter with `date` (ISO 8601 with offset) and `tags`, then text."""
    body = clean_post_text(text)
    values = {"date": date.replace(microsecond=0).isoformat(), "tags": hashtags_of(body)}
    return front_matter(values) + body + "\n"


def clean_post_text(text: str) -> str:
    body = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if "\x00" in body:
        raise ScaffoldError("the post text contains a NUL character")
    if not body:
        raise ScaffoldError("the post text is empty")
    return body


def new_post(config: SiteConfig, text: str, *, now: datetime) -> Path:
    """Write a new post into the content folder and return its path.

    The file is named after the date and the first words (`2024-05-01-first-words.md`); if that
    name is taken, `-2`, `-3` ... is added: an existing file is never overwritten.
    """
    date = now.astimezone(config.tz)
    document = post_document(text, date)
    slug = slug_from_text(clean_post_text(text), MAX_SLUG_CHARS) or "post"
    return write_new_file(config.content_dir, f"{date:%Y-%m-%d}-{slug}", ".md", document)


def write_new_file(folder: Path, stem: str, suffix: str, text: str) -> Path:
    """Create `folder/stem.suffix` (or `stem-2.suffix` ...) with open mode "x"."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in itertools.count(1):
        path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        try:
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            if number >= MAX_NAME_TRIES:
                break
            continue
        return path
    raise ScaffoldError(f"cannot find a free file name for {stem}{suffix} in {folder}")


def open_in_editor(path: Path, environ: Mapping[str, str]) -> int:
    """Run `$EDITOR path` (or `$VISUAL`) and return its exit status; ScaffoldError when there
    is no editor, its command line cannot be parsed, or it cannot be started."""
    name = "EDITOR" if environ.get("EDITOR", "").strip() else "VISUAL"
    command = environ.get(name, "").strip()
    if not command:
        raise ScaffoldError("no editor: set the EDITOR environment variable (like EDITOR=nano)")
    try:
        words = shlex.split(command, posix=os.name != "nt")
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise ScaffoldError(f"cannot parse {name} ({command!r}): {exc}") from None
    if not words or not words[0]:
        raise ScaffoldError(f"cannot parse {name} ({command!r}): it names no command")
    try:
        return subprocess.run([*words, str(path)], check=False).returncode
    except OSError as exc:
        message = f"cannot start the editor {words[0]!r}: {exc.strerror or exc}"
        raise ScaffoldError(message) from None


# -- init -----------------------------------------------------------------------------------


@dataclass
class InitResult:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # existed already: left as they were


def init_site(folder: Path, *, now: datetime, force: bool = False) -> InitResult:
    """Write a new site into `folder`: site.yaml, a first post, a .gitignore.

    An existing non-empty folder is refused unless `force`; even then nothing is deleted or
    overwritten: files that exist already are kept as they are. Nothing is ever written outside
    `folder`: a link in it (like `content` -> elsewhere) that leads out is refused before any
    file is written.
    """
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ScaffoldError(
            f"{folder} is not empty (--force adds the site's files; nothing is overwritten)"
        )
    files = {
        "site.yaml": SITE_YAML,
        ".gitignore": "# The built site: made by `microblog build`, published by the workflow.\n"
        "/_site/\n"
        "# What the last build read and wrote, so that the next can skip unchanged work.\n"
        "/.microblog-cache/\n",
        WELCOME_POST: post_document(WELCOME_TEXT, now),
    }
    for relative in files:
        _refuse_links_out(folder, (folder / relative).parent)
    result = InitResult()
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            result.kept.append(path)
        else:
            result.written.append(path)
    return result


def _refuse_links_out(folder: Path, parent: Path) -> None:
    """ScaffoldError if `parent` (a folder to write into) really is outside `folder` once the
    links on the way are followed, even a link to a folder that does not exist yet."""
    inside = Path(os.path.realpath(folder))
    real = Path(os.path.realpath(parent))
    if not real.is_relative_to(inside):
        raise ScaffoldError(
            f"{parent} leads outside {folder} (to {real}): init writes only inside {folder}"
        )


WELCOME_TEXT = """\
Welcome to your new microblog! #hello

This is the first post: a Markdown file in `content/`, with its date and tags in the front
matter above the text. Write the next one with `microblog new "What I learned today #til"`,
watch the site while you write with `microblog serve`, and build it into `_site/` with
`microblog build`.
"""

SITE_YAML = """\
# site.yaml: the settings of this microblog site. Every key is described below; the ones
# marked "optional" may be left out (their default is shown). `microblog build --help` lists
# the command-line flags that override some of them for one build.

""" + commented_site_yaml()

"""The table of site.yaml settings: each declared once, with its check, default, flag and doc.

`config.load_config` takes its schema, defaults and command-line overrides from `SETTINGS`;
`settings_docs` writes the README's table, `init`'s commented site.yaml and the flags' help from
it. Pure: no I/O. A new setting is one `Setting` in `SETTINGS` (and the attribute that holds
its value in `config.SiteConfig` or in its section's dataclass); a new section is one `Section`
followed by its settings, named `section.key`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Checker = Callable[[Any], Any]
"""Returns the checked value, or raises ValueError with the end of a sentence ('must be ...')."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of site.yaml. `name` is dotted inside a section: 'feed.items'."""

    name: str
    check: Checker
    default: Any
    doc: str  # one line: the README's "meaning", lower case, no full stop
    detail: str = ""  # more for init's site.yaml comment, in full sentences
    required: bool = False
    flag: str = ""  # the command-line option that overrides it for one build
    metavar: str = ""
    folder: bool = False  # a folder: relative to site.yaml's folder (to the current one as flag)
    example: str = ""  # shown commented out in init's site.yaml instead of the default

    @property
    def key(self) -> str:
        """The name within its section: 'items' for 'feed.items'."""
        return self.name.rpartition(".")[2]

    @property
    def section(self) -> str:
        """The section's name ('feed'), or '' at the top of site.yaml."""
        return self.name.rpartition(".")[0]


@dataclass(frozen=True, slots=True)
class Section:
    """A mapping of settings in site.yaml (`feed:`); its settings are named 'feed.key'."""

    name: str
    doc: str

    @property
    def key(self) -> str:
        return self.name

    @property
    def section(self) -> str:
        return ""


Entry = Setting | Section


# -- the checks ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise ValueError("must be text")
    text = str(value)
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    if len(text) > 2000:
        raise ValueError("is longer than 2000 characters")
    return text


def _one_line_text(value: Any) -> str:
    return " ".join(_text(value).split())


def _positive_int(limit: int) -> Checker:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("must be a whole number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not 1 <= number <= limit:
            raise ValueError(f"must be between 1 and {limit}")
        return number

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _base_url(value: Any) -> str:
    url = _text(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an absolute http(s) URL, not {url!r}")
    if parts.query or parts.fragment or any(c.isspace() for c in url):
        raise ValueError("must not contain a query, a fragment or spaces")
    if parts.username or parts.password:
        raise ValueError("must not contain a user name or password")
    try:
        (parts.hostname or "").encode("idna")
        _ = parts.port  # raises for a port that is not a number
    except (UnicodeError, ValueError):
        raise ValueError(f"has an invalid host name or port: {parts.netloc!r}") from None
    segments = (
        parts.path.split("/")[1:-1] if parts.path.endswith("/") else parts.path.split("/")[1:]
    )
    if any(unquote(segment) in ("", ".", "..") for segment in segments):  # '%2e%2e' is '..'
        # '//style.css' is another host's URL, and '..' a folder the site is not in
        raise ValueError(f"has an empty, '.' or '..' segment in its path: {parts.path!r}")
    return url if url.endswith("/") else url + "/"


def _timezone(value: Any) -> str:
    name = _text(value).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"is not a known time zone (like 'UTC' or 'Europe/Madrid'): {name!r}"
        ) from None
    return name


def language_tag(value: Any) -> str:
    """A BCP 47-shaped language tag ('en', 'es-MX'); 'es_MX' is taken as 'es-MX'."""
    lang = _text(value).strip().replace("_", "-")
    if (
        not lang
        or len(lang) > 35
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in lang)
    ):
        raise ValueError(f"must be a language tag like 'en' or 'es-MX', not {lang!r}")
    return lang


def _relative_dir(value: Any) -> str:
    text = _text(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _cname(value: Any) -> str:
    host = _text(value).strip().lower()
    if not host or any(not (c.isascii() and (c.isalnum() or c in ".-")) for c in host):
        raise ValueError(f"must be a bare host name like 'blog.example.org', not {host!r}")
    return host


DIGEST_PERIODS = ("daily", "weekly", "monthly")


def _digest_period(value: Any) -> str | None:
    if value is None:
        return None
    period = _text(value).strip().lower()
    if period not in DIGEST_PERIODS:
        raise ValueError(f"must be daily, weekly, monthly or null (none), not {period!r}")
    return period


def date_text(value: Any) -> Any:
    """Kept as written: `config` parses it once the time zone is known."""
    return value


# -- the table -------------------------------------------------------------------------------

SETTINGS: tuple[Entry, ...] = (
    Setting(
        "title",
        _one_line_text,
        None,
        "the site's name",
        "Shown in the header, in page titles and in the feeds.",
        required=True,
        example="My microblog",
    ),
    Setting(
        "base_url",
        _base_url,
        None,
        "the absolute http(s) address the site is published at; its path (`/archive/`) "
        "prefixes every link",
        "Links in the feeds, the sitemap and canonical URLs are absolute, so set the real "
        "address: https://USER.github.io/ for a GitHub Pages user site, "
        "https://USER.github.io/REPO/ for a project site (a sub-path), "
        "https://blog.example.org/ for a custom domain (see `cname` below).",
        required=True,
        flag="--base-url",
        metavar="URL",
        example="https://example.org/",
    ),
    Setting(
        "author",
        _one_line_text,
        "",
        "shown in the footer and the feeds",
        "It is your name, as the author of the site and of every feed item.",
    ),
    Setting(
        "description",
        _one_line_text,
        "",
        "the home page's description, meta description and feed description",
        "One sentence about the site; without it, the title is used.",
    ),
    Setting(
        "language",
        language_tag,
        "en",
        "`<html lang>` and the feeds' language (a post's `lang` overrides it for that post)",
        "A language tag like en, es or pt-BR.",
    ),
    Setting(
        "timezone",
        _timezone,
        "UTC",
        "IANA zone for dates without an offset and for display",
        "Like UTC, Europe/Madrid or America/Mexico_City; `microblog new` dates posts in it.",
    ),
    Setting(
        "content_dir",
        _relative_dir,
        "content",
        "where the posts are, relative to site.yaml's folder",
        "The .md, .markdown and .txt files, in any sub-folders.",
        folder=True,
    ),
    Setting(
        "output_dir",
        _relative_dir,
        "_site",
        "where the site is written, relative to site.yaml's folder",
        "It is replaced whole by each build.",
        flag="--output",
        metavar="DIR",
        folder=True,
    ),
    Setting(
        "posts_per_page",
        _positive_int(10_000),
        20,
        "posts on each page of the home page and of each tag page",
        "The next ones continue on a next page.",
    ),
    Section(
        "feed",
        "the RSS (feed.xml), Atom (atom.xml) and JSON (feed.json) feeds, for the site and each "
        "tag, and the site's feed archive",
    ),
    Setting(
        "feed.items", _positive_int(10_000), 20, "the number of newest dated posts in each feed"
    ),
    Setting(
        "feed.full_content",
        _bool,
        True,
        "put each post's full HTML in the feeds",
        "With false, each item carries only a short summary.",
    ),
    Setting(
        "feed.footer_link",
        _bool,
        True,
        'end each feed item with a "View on the site" link to the post',
        "The link is the post's permalink, for a reader who gets the item by e-mail.",
    ),
    Setting(
        "feed.archive",
        _bool,
        True,
        "write the whole history as Atom pages of 100 posts, oldest first (`feeds/archive/1.xml`)",
        "RFC 5005 archived feeds: every page but the newest is full and never changes, and "
        "atom.xml links the newest page.",
    ),
    Setting(
        "feed.digest",
        _digest_period,
        None,
        "`daily`, `weekly` or `monthly`: also a digest feed, `digest/feed.xml` and "
        "`digest/atom.xml`, one item per ended period with all its posts, and its pages "
        "under `digest/`",
        "Each item appears once its period (a day, an ISO week from Monday, a month, in "
        "`timezone`) has ended: when a newer post or SOURCE_DATE_EPOCH is past its end. "
        "It holds the newest `feed.items` periods.",
        example="weekly",
    ),
    Setting(
        "feed.digest_tags",
        _bool,
        False,
        "with `feed.digest`, also a digest feed and digest pages for each tag "
        "(`tags/<slug>/digest/feed.xml`, `atom.xml`)",
    ),
    Setting(
        "date",
        date_text,
        None,
        "the date of posts that have none of their own",
        "Like 2020-01-01 or 2020-01-01T09:00:00+01:00; posts without a date are left out of "
        "the feeds.",
        example="2020-01-01",
    ),
    Setting(
        "dates_from_git",
        _bool,
        True,
        "date undated posts from the git commit that added them",
        "It needs a clone with the full history (`fetch-depth: 0` in a workflow).",
    ),
    Setting(
        "cname",
        _cname,
        "",
        "write a `CNAME` file with this host name",
        "For GitHub Pages published from a branch; with the Actions workflow, set the domain "
        "in the repository's Settings > Pages instead.",
        example="blog.example.org",
    ),
    Setting(
        "search",
        _bool,
        True,
        "a search page (`search/`) and a Pagefind index of the posts (`pagefind/`), "
        "searched in the browser: no server needed",
        "Posts are found by their words and filtered by tag; without JavaScript the search "
        "page points to the archive and the tags page. With false: no index, no search page.",
    ),
    Section("twitter", "reading a Twitter/X data export found under the content folder"),
    Setting(
        "twitter.retweets",
        _bool,
        False,
        "publish retweets too, credited to their author",
        "A retweet is someone else's post: by default it is left out, and counted in the summary.",
    ),
)


def entries_in(section: str) -> Iterator[Entry]:
    """The settings and sections directly in `section` ('' for the top of site.yaml)."""
    return (entry for entry in SETTINGS if entry.section == section)


def settings() -> Iterator[Setting]:
    """Every setting (not the sections), in table order."""
    return (entry for entry in SETTINGS if isinstance(entry, Setting))


def sections() -> Iterator[Section]:
    return (entry for entry in SETTINGS if isinstance(entry, Section))


def find(name: str) -> Setting:
    """The setting called `name` ('feed.items'); KeyError if there is none."""
    for setting in settings():
        if setting.name == name:
            return setting
    raise KeyError(name)


def default_of(name: str) -> Any:
    return find(name).default


def with_flags() -> Iterator[Setting]:
    """The settings that a command-line option overrides (`--output DIR`, `--base-url URL`)."""
    return (setting for setting in settings() if setting.flag)


def yaml_value(value: Any) -> str:
    """A default as site.yaml writes it: true, 20, en, null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)

"""Checks for any built site folder; each returns human-readable violations (empty means pass).

Markup is parsed the way a browser parses it (html5lib for HTML, ElementTree for feeds), so
tricks such as `<!-->`, `<img/onerror=...>` or `&#106;avascript:` cannot slip past a regex.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import html5lib

from microblog.urls import Urls

HTML_SUFFIXES = frozenset({".html", ".htm"})
XML_SUFFIXES = frozenset({".xml", ".svg"})
JSON_SUFFIXES = frozenset({".json", ".webmanifest"})
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "srcset", "poster", "data", "background"}
    | {"cite", "ping", "longdesc", "manifest", "codebase", "icon", "url"}
)
JSON_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})
ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TEXT_CONSTRUCTS = frozenset({"content", "summary", "title", "subtitle", "rights"})
HTML_CONTENT_TYPES = frozenset({"html", "text/html"})
FEED_URL_ELEMENTS = frozenset({"link", "guid", "comments", "icon", "logo", "uri", "docs"})
JSON_HTML_KEYS = frozenset({"content", "description", "summary"})
META_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)
# The scripts microblog itself ships (microblog/static/), which pages may load by src. Posts
# cannot add one: their HTML is sanitized and never has a script element.
SITE_SCRIPTS = frozenset({Urls.ON_THIS_DAY_SCRIPT, Urls.SEARCH_SCRIPT})
SITE_MARKUP = re.compile(
    rb'<script src="/[^"<>]*(?:'
    + "|".join(re.escape(script) for script in sorted(SITE_SCRIPTS)).encode()
    + rb')" defer></script>'
    rb'|<svg class="chart chart-(?:columns|rows)" viewBox="[0-9 ]+" role="img"'
    rb' aria-labelledby="[a-z]+-title [a-z]+-desc">'
)


def active_markup(site_dir: Path) -> list[str]:
    """Scripts, event handlers and script-like URLs in the site's HTML, feeds, SVG and JSON."""
    violations: list[str] = []
    for path in _site_files(site_dir, HTML_SUFFIXES | XML_SUFFIXES | JSON_SUFFIXES):
        name = path.relative_to(site_dir).as_posix()
        suffix = path.suffix.lower()
        if suffix in HTML_SUFFIXES:
            found = list(_parsed_page(path).problems)
        elif suffix in XML_SUFFIXES:
            found = list(_xml_problems(path))
        else:
            found = list(_json_problems(path))
        violations.extend(f"{name}: {problem}" for problem in found)
    return violations


def _site_files(site_dir: Path, suffixes: frozenset[str]) -> Iterator[Path]:
    """Regular files under site_dir with one of the suffixes, sorted; symlinks are not followed."""
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        for file_name in sorted(files):
            path = Path(folder, file_name)
            if path.suffix.lower() in suffixes and not path.is_symlink():
                yield path


def _local(name: str) -> str:
    """`{namespace}local` -> `local`, lower-cased."""
    return name.rpartition("}")[2].lower()


def _active_scheme(value: str) -> str | None:
    """The script-capable scheme a URL starts with, ignoring spaces and control characters."""
    cleaned = "".join(ch for ch in value if ord(ch) > 0x20 and not 0x7F <= ord(ch) <= 0x9F)
    cleaned = cleaned.lower()
    return next((scheme for scheme in ACTIVE_SCHEMES if cleaned.startswith(scheme)), None)


def _describe(element: ET.Element) -> str:
    attributes = "".join(f' {_local(key)}="{value}"' for key, value in element.attrib.items())
    text = f"<{_local(str(element.tag))}{attributes}>"
    return text if len(text) <= 120 else text[:117] + "..."


@dataclass(frozen=True)
class _ParsedPage:
    """What the checks need from one HTML page, so that each page is parsed once."""

    problems: tuple[str, ...]  # active markup
    base_href: str | None  # the <base href> links resolve against, if any
    links: tuple[str, ...]  # every link target as written


# Parsing is the slow part of these checks, and one site is checked for active markup and
# for reachable posts in turn: keep what each page gave, by its bytes. Bounded; entries small.
_PARSED_PAGES: OrderedDict[bytes, _ParsedPage] = OrderedDict()
_PARSED_PAGES_KEPT = 20_000


def _parsed_page(path: Path) -> _ParsedPage:
    html = path.read_text(encoding="utf-8", errors="replace")
    key = hashlib.blake2b(html.encode("utf-8")).digest()
    parsed = _PARSED_PAGES.get(key)
    if parsed is None:
        tree = html5lib.HTMLParser(namespaceHTMLElements=False).parse(html)
        base_element = tree.find(".//base[@href]")
        parsed = _ParsedPage(
            problems=tuple(_tree_problems(tree)),
            base_href=None if base_element is None else base_element.get("href", ""),
            links=tuple(_raw_links(tree)),
        )
        _PARSED_PAGES[key] = parsed
        if len(_PARSED_PAGES) > _PARSED_PAGES_KEPT:
            _PARSED_PAGES.popitem(last=False)
    return parsed


def _html_problems(html: str) -> Iterator[str]:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    yield from _tree_problems(parser.parse(html))


def _html_fragment_problems(html: str) -> Iterator[str]:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    yield from _tree_problems(parser.parseFragment(html))


def _tree_problems(root: ET.Element) -> Iterator[str]:
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        tag = _local(element.tag)
        if tag == "script":
            yield from _script_problems(element)
        for key, value in element.attrib.items():
            yield from _attribute_problems(element, _local(key), value)
        yield from _special_problems(element, tag)


def _is_site_script(script: ET.Element) -> bool:
    """The site's own script: a default static file by name (SITE_SCRIPTS), loaded from
    the site's own root-relative path, with no inline code and no other attributes."""
    src = script.get("src")
    if src is None or (script.text or "").strip() or set(script.attrib) - {"src", "defer"}:
        return False
    parts = urlsplit(src)
    local = not (parts.scheme or parts.netloc or parts.query or parts.fragment)
    return local and any(parts.path.endswith("/" + script) for script in SITE_SCRIPTS)


def _script_problems(script: ET.Element) -> Iterator[str]:
    if _is_site_script(script):
        return
    kind = script.get("type", "").split(";")[0].strip().lower()
    if kind not in JSON_SCRIPT_TYPES:
        yield f"script element {_describe(script)}: only JSON data blocks are allowed"
        return
    if script.get("src") is not None:
        yield f"JSON script loads src={script.get('src')!r}"
    text = script.text or ""
    if "</script" in text.lower() or "<!--" in text:
        yield "inline JSON contains '</script' or '<!--', which changes where the element ends"
    try:
        json.loads(text)
    except ValueError:
        yield (
            f"inline JSON {text[:60]!r} does not parse"
            " (a raw '</script' inside it ends the element early)"
        )


def _attribute_problems(element: ET.Element, name: str, value: str) -> Iterator[str]:
    if name.startswith("on"):
        yield f"event handler attribute {name}= on {_describe(element)}"
    elif name in URL_ATTRIBUTES:
        candidates = value.split(",") if name in {"srcset", "ping"} else [value]
        for candidate in candidates:
            scheme = _active_scheme(candidate)
            if scheme:
                yield f"{scheme} URL in {name}= on {_describe(element)}"
                break
    elif name == "srcdoc":
        for problem in _html_problems(value):
            yield f"in srcdoc of {_describe(element)}: {problem}"


def _special_problems(element: ET.Element, tag: str) -> Iterator[str]:
    """URLs hidden in places other than URL attributes: meta refresh and SVG animation."""
    urls: list[str] = []
    if tag == "meta" and element.get("http-equiv", "").strip().lower() == "refresh":
        urls = META_REFRESH_URL.findall(element.get("content", ""))
    elif tag in {"animate", "set"} and _local(element.get("attributeName", "")).endswith("href"):
        values = element.get("values", "").split(";")
        urls = [element.get("to", ""), element.get("from", ""), *values]
    for url in urls:
        scheme = _active_scheme(url)
        if scheme:
            yield f"{scheme} URL in {_describe(element)}"


def _xml_problems(path: Path) -> Iterator[str]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        yield f"not well-formed XML: {error}"
        return
    yield from _tree_problems(root)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element.tag)
        text = element.text or ""
        if name in FEED_URL_ELEMENTS and _active_scheme(text.strip()):
            yield f"{_active_scheme(text.strip())} URL in <{name}> text"
        if _holds_html(element, name):
            for problem in _html_fragment_problems(text):
                yield f"in the HTML of <{name}>: {problem}"


def _holds_html(element: ET.Element, name: str) -> bool:
    """Whether a feed element's text is escaped HTML that a feed reader will render."""
    if name in {"encoded", "description"}:  # RSS description, content:encoded
        return True
    kind = element.get("type", "").strip().lower()
    if str(element.tag).startswith("{" + ATOM_NS + "}"):  # Atom's default type is text
        return name in ATOM_TEXT_CONSTRUCTS and kind in HTML_CONTENT_TYPES
    return name in {"content", "summary"} and (kind == "" or kind in HTML_CONTENT_TYPES)


def _json_problems(path: Path) -> Iterator[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        yield f"not valid JSON: {error}"
        return
    yield from _json_value_problems(data, "$", "")


def _json_value_problems(value: Any, where: str, key: str) -> Iterator[str]:
    """Walk JSON: HTML-valued keys (content_html, summary...) are parsed, URL keys checked."""
    if isinstance(value, dict):
        for child_key, child in value.items():
            yield from _json_value_problems(child, f"{where}.{child_key}", str(child_key).lower())
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _json_value_problems(child, f"{where}[{index}]", key)
    elif isinstance(value, str):
        if key.endswith("html") or key in JSON_HTML_KEYS:
            for problem in _html_fragment_problems(value):
                yield f"in the HTML of {where}: {problem}"
        elif key.endswith(("url", "href", "src", "image", "icon", "avatar")):
            scheme = _active_scheme(value)
            if scheme:
                yield f"{scheme} URL in {where}"


SnapshotEntry = tuple[str, int, int, str, str]
"""(kind, size, mtime_ns, sha256 of a file's bytes, symlink target); "" where it does not apply."""


def snapshot_tree(root: Path, exclude: list[Path]) -> dict[str, SnapshotEntry]:
    """Every file, folder and symlink under root, keyed by POSIX path relative to root.

    Paths in exclude (absolute, or relative to root) are left out with all they contain;
    symlinks are recorded, never followed.
    """
    top = root.resolve()
    excluded = {_comparable(path if path.is_absolute() else top / path) for path in exclude}
    entries: dict[str, SnapshotEntry] = {}
    pending = [top]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as scan:
            for entry in scan:
                path = Path(entry.path)
                if path in excluded:
                    continue
                key = path.relative_to(top).as_posix()
                entries[key] = _snapshot_entry(path)
                if entries[key][0] == "dir":
                    pending.append(path)
    return dict(sorted(entries.items()))


def _comparable(path: Path) -> Path:
    """The path with its folder resolved but not itself, so an excluded symlink stays itself."""
    return path.parent.resolve() / path.name


def _snapshot_entry(path: Path) -> SnapshotEntry:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return ("symlink", info.st_size, info.st_mtime_ns, "", os.readlink(path))
    if stat.S_ISDIR(info.st_mode):
        return ("dir", 0, info.st_mtime_ns, "", "")
    if stat.S_ISREG(info.st_mode):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return ("file", info.st_size, info.st_mtime_ns, digest, "")
    return ("other", info.st_size, info.st_mtime_ns, "", "")


def diff_snapshots(
    before: dict[str, SnapshotEntry],
    after: dict[str, SnapshotEntry],
    *,
    compare_dir_mtimes: bool = False,
) -> list[str]:
    """What was created, deleted or changed between two snapshots, one line each.

    A folder's mtime moves whenever anything inside it is added or removed, including a
    temporary folder that a build creates beside its output and renames, so folder mtimes
    are compared only on request; everything a folder holds is compared anyway.
    """
    fields = ("kind", "size", "mtime_ns", "sha256", "link target")
    changes: list[str] = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            changes.append(f"created: {key} ({new[0]})")
        elif new is None and old is not None:
            changes.append(f"deleted: {key} ({old[0]})")
        elif old is not None and new is not None and old != new:
            skip_mtime = old[0] == new[0] == "dir" and not compare_dir_mtimes
            differing = [
                field
                for field, was, now in zip(fields, old, new, strict=True)
                if was != now and not (field == "mtime_ns" and skip_mtime)
            ]
            if differing:
                changes.append(f"changed: {key} ({', '.join(differing)})")
    return changes


LINK_ATTRIBUTES = ("href", "src", "srcset", "poster")


def internal_links(site_dir: Path, base_path: str) -> list[str]:
    """Every internal href/src target in the HTML files, resolved to a URL path, sorted and unique.

    Pages are taken to be served under base_path ("/archive/"), so a relative link in
    posts/x/index.html resolves against /archive/posts/x/. Fragments and queries are dropped.
    """
    return sorted({resolved for _, _, resolved in _link_targets(site_dir, base_path)})


def broken_internal_links(site_dir: Path, base_path: str) -> list[str]:
    """Internal links that leave base_path or name no file of the site."""
    base = _normalized_base(base_path)
    problems: list[str] = []
    for page, target, resolved in _link_targets(site_dir, base_path):
        if not resolved.startswith(base):
            problems.append(f"{page}: {target!r} -> {resolved} is outside {base}")
        elif not _serves_file(site_dir, unquote(resolved[len(base) :])):
            problems.append(f"{page}: {target!r} -> {resolved} has no file")
    return problems


def _normalized_base(base_path: str) -> str:
    return "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"


def _serves_file(site_dir: Path, relative: str) -> bool:
    """Whether a static host (GitHub Pages) serves something for this path below the base."""
    target = site_dir / relative
    if relative == "" or relative.endswith("/"):
        return (target / "index.html").is_file()
    return target.is_file() or (target / "index.html").is_file()


def _link_targets(site_dir: Path, base_path: str) -> Iterator[tuple[str, str, str]]:
    """(page, link as written, resolved URL path) for each internal link in the HTML files."""
    origin = "http://site.invalid"
    base = _normalized_base(base_path)
    for path in _site_files(site_dir, HTML_SUFFIXES):
        page = path.relative_to(site_dir).as_posix()
        page_url = origin + base + (page[: -len("index.html")] if _is_index(page) else page)
        parsed = _parsed_page(path)
        if parsed.base_href is not None:
            page_url = urljoin(page_url, parsed.base_href)
        for target in parsed.links:
            absolute = urlsplit(urljoin(page_url, target))
            if f"{absolute.scheme}://{absolute.netloc}" == origin and not target.startswith("#"):
                yield page, target, absolute.path


def _is_index(page: str) -> bool:
    return page == "index.html" or page.endswith("/index.html")


def _raw_links(tree: ET.Element) -> Iterator[str]:
    for element in tree.iter():
        if not isinstance(element.tag, str) or _local(element.tag) == "base":
            continue
        for key, value in element.attrib.items():
            name = _local(key)
            if name == "srcset":
                yield from (part.split()[0] for part in value.split(",") if part.strip())
            elif name in LINK_ATTRIBUTES and value.strip():
                yield value.strip()


def reachable_pages(site_dir: Path, base_path: str, start: str = "index.html") -> set[str]:
    """Output paths of the HTML pages reached from `start` by following internal links."""
    base = _normalized_base(base_path)
    graph: dict[str, set[str]] = {}
    for page, _target, resolved in _link_targets(site_dir, base_path):
        if resolved.startswith(base):
            graph.setdefault(page, set()).add(_page_file(site_dir, unquote(resolved[len(base) :])))
    reached = {start} if (site_dir / start).is_file() else set()
    pending = list(reached)
    while pending:
        for target in graph.get(pending.pop(), ()):
            if target not in reached and (site_dir / target).is_file():
                reached.add(target)
                pending.append(target)
    return reached


def reachable_posts(site_dir: Path, base_path: str) -> set[str]:
    """Slugs of the post pages (`posts/<slug>/index.html`) reached from the home page.

    The home page links its pages, the tags index and every tag page, so a post missing here is
    on no listing a reader can find.
    """
    slugs = set()
    for page in reachable_pages(site_dir, base_path):
        parts = page.split("/")
        if len(parts) == 3 and parts[0] == "posts" and parts[2] == "index.html":
            slugs.add(parts[1])
    return slugs


def _page_file(site_dir: Path, relative: str) -> str:
    """The file a static host serves for a path below the base ('' -> 'index.html')."""
    if relative == "" or relative.endswith("/"):
        return relative + "index.html"
    return relative + "/index.html" if (site_dir / relative).is_dir() else relative


CANARY = "CANARY-9c41e7d2-outside-the-site"
"""A marker that only files outside the site folder hold: it must never reach the output."""


def plant_canary(site_dir: Path, outside: Path) -> list[Path]:
    """Files holding CANARY outside the site, and symlinks to them from content/, templates/
    and static/ (posts, templates, a stylesheet and whole folders); returns the links made.

    Links are named like what a reader, the template loader or the static copy would take,
    so following any of them would put the marker into the output. Existing files are kept.
    """
    folder = outside / "canary-folder"
    folder.mkdir(parents=True, exist_ok=True)
    post = f"---\ntitle: {CANARY}\ntags: [{CANARY}]\n---\n{CANARY} #canary\n"
    template = f"{CANARY}\n{{% block content %}}{{% endblock %}}\n"
    targets = {
        "canary.md": post,
        "canary.txt": f"{CANARY} #canary\n",
        "canary.html": template,
        "canary.css": f"/* {CANARY} */\n",
    }
    for name, text in targets.items():
        (outside / name).write_text(text, encoding="utf-8")
        (folder / name).write_text(text, encoding="utf-8")
    for name in ("base.html", "post.html", "index.html", "style.css"):
        (folder / name).write_text(targets["canary.html"], encoding="utf-8")
    links = {
        "content/canary.md": outside / "canary.md",
        "content/canary.txt": outside / "canary.txt",
        "content/canary-folder": folder,
        "templates/base.html": outside / "canary.html",
        "templates/post.html": outside / "canary.html",
        "templates/canary-folder": folder,
        "static/style.css": outside / "canary.css",
        "static/canary.css": outside / "canary.css",
        "static/canary-folder": folder,
    }
    made = []
    for name, target in links.items():
        link = site_dir / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists() and not link.is_symlink():
            link.symlink_to(target)
            made.append(link)
    return made


def without_site_markup(html: bytes) -> bytes:
    """A page without what the site's own templates write that a post's text must never
    make: the on-this-day script tag and the opening tags of the stats page's charts."""
    return SITE_MARKUP.sub(b"", html)


def files_containing(root: Path, marker: str) -> list[str]:
    """Files under root (symlinks not followed) whose bytes contain `marker` in any letter case
    (a tag slug is lower case), as POSIX paths; in pages, the site's own markup is not
    looked at (without_site_markup)."""
    needle = marker.lower().encode("utf-8")
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if not path.is_symlink() and needle in _content_bytes(path, relative).lower():
                found.append(relative)
    return found


def _content_bytes(path: Path, relative: str) -> bytes:
    """What a file says of the site's content. Of the search index (`pagefind/`), the text
    of each indexed page (a gzip'd `.pf_fragment`: `pagefind_dcd` + JSON) as a browser is
    shown it: pagefind.js escapes its `<` and `>` before it builds an excerpt, and
    search.js takes only text and <mark> from that. The rest of the index is binary (CBOR
    of words and numbers, Pagefind's scripts and WebAssembly): no post's text as such. In
    pages, the site's own markup is not looked at (without_site_markup)."""
    if not relative.startswith(Urls.SEARCH_BUNDLE):
        data = path.read_bytes()
        return without_site_markup(data) if path.suffix.lower() in HTML_SUFFIXES else data
    if path.suffix != ".pf_fragment":
        return b""
    text = gzip.decompress(path.read_bytes()).decode("utf-8", "surrogateescape")
    return text.replace("<", "&lt;").replace(">", "&gt;").encode("utf-8", "surrogateescape")


def tree_digest(root: Path) -> dict[str, str]:
    """{POSIX path: sha256} of every file under root: two builds compare byte for byte."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def site_base_url(site_dir: Path) -> str:
    """A built site's base URL, as its sitemap gives it (the shortest `<loc>`: the home page)."""
    root = ET.parse(site_dir / "sitemap.xml").getroot()
    locs = [element.text or "" for element in root.iter() if _local(str(element.tag)) == "loc"]
    return min(locs, key=len)


def feed_post_slugs(feed: Path) -> set[str]:
    """The post slugs an RSS or Atom feed carries, from each item's permalink (guid or id)."""
    slugs = set()
    for element in ET.parse(feed).getroot().iter():
        if _local(str(element.tag)) in ("guid", "id"):
            path = urlsplit(element.text or "").path
            if "/posts/" in path:
                slugs.add(unquote(path.rstrip("/").rpartition("/")[2]))
    return slugs

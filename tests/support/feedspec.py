"""An offline feed checker: Atom (RFC 4287, RFC 5005 archives), RSS 2.0 and JSON Feed 1.1, as
the W3C Feed Validation Service and the JSON Feed spec read them, plus our own contract: each
feed names its own public URL as its self link, and every item has a date and a link to a page
that exists in the output. Each check returns error strings; an empty list means valid.

There is no maintained Python 3 port of the W3C feedvalidator, so its rules are written out
here, each with the section of the spec it comes from.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
XHTML_NS = "http://www.w3.org/1999/xhtml"
HISTORY_NS = "http://purl.org/syndication/history/1.0"  # RFC 5005's fh:
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RSS_MIME = "application/rss+xml"

ATOM_FEED_CHILDREN = frozenset(
    {"author", "category", "contributor", "generator", "icon", "id", "link", "logo"}
    | {"rights", "subtitle", "title", "updated", "entry"}
)
ATOM_ENTRY_CHILDREN = frozenset(
    {"author", "category", "content", "contributor", "id", "link", "published", "rights"}
    | {"source", "summary", "title", "updated"}
)
ATOM_PERSON_CHILDREN = frozenset({"name", "uri", "email"})
ATOM_ONCE = {  # (4.1.1, 4.1.2): exactly one of the first set, at most one of the second
    "feed": ({"id", "title", "updated"}, {"generator", "icon", "logo", "rights", "subtitle"}),
    "entry": ({"id", "title", "updated"}, {"content", "published", "rights", "source", "summary"}),
}
ATOM_TEXT_TYPES = frozenset({"text", "html", "xhtml"})
ATOM_DATES = frozenset({"updated", "published"})
ARCHIVE_RELS = frozenset({"prev-archive", "next-archive", "current"})  # RFC 5005, section 4
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")

RSS_CHANNEL_ONCE = frozenset(
    {"language", "copyright", "managingEditor", "webMaster", "pubDate", "lastBuildDate"}
    | {"generator", "docs", "cloud", "ttl", "image", "rating", "textInput", "skipHours"}
    | {"skipDays", "title", "link", "description"}
)
RSS_CHANNEL_REQUIRED = ("title", "link", "description")
RSS_ITEM_ONCE = frozenset(
    {"title", "link", "description", "author", "comments", "enclosure", "guid", "pubDate"}
    | {"source"}
)
RSS_REPEATED = frozenset({"category", "item"})
RSS_DATES = frozenset({"pubDate", "lastBuildDate"})
# RFC 822 section 5 with the 4-digit year the W3C validator asks for (RFC 1123)
RFC822 = re.compile(
    r"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov"
    r"|Dec) \d{4} \d\d:\d\d(:\d\d)? ([+-]\d{4}|GMT|UT|UTC|[ECMP][SD]T|[A-IK-Z])"
)


@dataclass(frozen=True)
class Site:
    """Where item links must lead: the output folder, served at `base_url`."""

    output: Path
    base_url: str


def check_feed(path: Path, self_url: str, site: Site | None = None) -> list[str]:
    """The errors of the feed file at `path`, whose public URL is `self_url`: JSON Feed by its
    suffix, else Atom or RSS by its root element."""
    data = path.read_bytes()
    if path.suffix == ".json":
        return check_json_feed(data, self_url, site)
    try:
        root = _parse_xml(data)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag == "rss":
        return check_rss(data, self_url, site)
    return check_atom(data, self_url, site)


def _parse_xml(data: bytes) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser=parser)


# -- shared rules --------------------------------------------------------------------------


def is_absolute(url: str) -> bool:
    """An absolute IRI: a scheme, and a host for the web's schemes."""
    parts = urlsplit(url.strip())
    if not parts.scheme or url != url.strip():
        return False
    return bool(parts.netloc) if parts.scheme in ("http", "https") else True


def _same_url(one: str, other: str) -> bool:
    """Equal as IRIs: percent-encoded UTF-8 and its characters are the same address."""
    return unquote(one) == unquote(other)


def _self_errors(found: list[str], expected: str, where: str) -> Iterator[str]:
    if not found:
        yield f"{where}: no self link (the W3C validator warns: MissingSelf)"
    elif len(found) > 1:
        yield f"{where}: {len(found)} self links"
    elif not is_absolute(found[0]):
        yield f"{where}: self link {found[0]!r} is not absolute"
    elif not _same_url(found[0], expected):
        yield f"{where}: self link {found[0]!r} is not the feed's own URL {expected!r}"


def _page_errors(url: str | None, site: Site | None, where: str) -> Iterator[str]:
    """Our contract: an item's link names a file of the output (`/` at the end: index.html)."""
    if not url:
        yield f"{where}: no link to the item's page"
        return
    if site is None:
        return
    resolved = unquote(urljoin(site.base_url, url).split("#")[0].split("?")[0])
    base = unquote(site.base_url)
    if not resolved.startswith(base):
        yield f"{where}: link {url!r} is outside the site {site.base_url!r}"
        return
    relative = resolved[len(base) :]
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    if not (site.output / relative).is_file():
        yield f"{where}: link {url!r} names no file of the output ({relative})"


def _rfc3339_errors(value: str | None, where: str) -> Iterator[str]:
    """RFC 3339 section 5.6 date-time, as RFC 4287 section 3.3 restricts it (upper-case T, Z)."""
    text = value or ""
    if not RFC3339.fullmatch(text):
        yield f"{where}: {text!r} is not an RFC 3339 date-time"
        return
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        yield f"{where}: {text!r} is not a real date-time"


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


# -- Atom (RFC 4287) -----------------------------------------------------------------------


def _atom(name: str) -> str:
    return f"{{{ATOM_NS}}}{name}"


def _atom_children(element: Any, name: str) -> list[Any]:
    return list(element.iterchildren(_atom(name)))


def check_atom(data: bytes, self_url: str, site: Site | None = None) -> list[str]:
    """An Atom feed's errors: RFC 4287, RFC 5005's archive links, our self link and items."""
    try:
        root = _parse_xml(data)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != _atom("feed"):
        return [f"root element is {root.tag!r}, not atom:feed"]
    errors = list(_atom_container_errors(root, "feed", "feed"))
    errors += _atom_unknown_elements(root)
    entries = _atom_children(root, "entry")
    if not _atom_children(root, "author") and not all(
        _atom_children(entry, "author") for entry in entries
    ):
        errors.append("feed: no atom:author, and not every entry has one (4.1.1)")
    selves = [link.get("href", "") for link in _atom_links(root) if link.get("rel") == "self"]
    errors += _self_errors(selves, self_url, "feed")
    for number, entry in enumerate(entries, 1):
        where = f"entry {number} ({entry.findtext(_atom('id')) or 'no id'})"
        errors += _atom_container_errors(entry, "entry", where)
        errors += _atom_entry_errors(entry, where, site)
    ids = [(entry.findtext(_atom("id")) or "").strip() for entry in entries]
    errors += [f"feed: entry id {value!r} is used more than once" for value in _duplicates(ids)]
    return errors


def _atom_container_errors(element: Any, kind: str, where: str) -> Iterator[str]:
    """What atom:feed and atom:entry share: cardinality, id, dates, links, text, categories."""
    exactly, at_most = ATOM_ONCE[kind]
    for name in sorted(exactly | at_most):
        count = len(_atom_children(element, name))
        if name in exactly and count != 1:
            yield f"{where}: {count} atom:{name} elements, must be exactly one"
        elif count > 1:
            yield f"{where}: {count} atom:{name} elements, at most one allowed"
    for identifier in _atom_children(element, "id"):
        if not is_absolute((identifier.text or "").strip()):
            yield f"{where}: atom:id {identifier.text!r} is not an absolute IRI (4.2.6)"
    for name in sorted(ATOM_DATES):
        for date in _atom_children(element, name):
            yield from _rfc3339_errors(date.text, f"{where}: atom:{name}")
    yield from _atom_link_errors(element, where)
    for name in ("title", "subtitle", "rights", "summary"):
        for text in _atom_children(element, name):
            yield from _atom_text_errors(text, f"{where}: atom:{name}")
    for category in _atom_children(element, "category"):
        if not category.get("term"):
            yield f"{where}: atom:category without a term (4.2.2)"


def _atom_links(element: Any) -> list[Any]:
    return _atom_children(element, "link")


def _atom_link_errors(element: Any, where: str) -> Iterator[str]:
    """Every link has an href (4.2.7.1); one alternate per type and hreflang (4.1.1, 4.1.2);
    RFC 5005's archive links and the self link are absolute."""
    alternates: list[str] = []
    for link in _atom_links(element):
        rel, href = link.get("rel", "alternate"), link.get("href")
        if href is None:
            yield f"{where}: atom:link rel={rel!r} without an href"
            continue
        if rel == "alternate":
            alternates.append(f"type={link.get('type')!r} hreflang={link.get('hreflang')!r}")
        if rel in ARCHIVE_RELS and not is_absolute(href):
            yield f"{where}: RFC 5005 link rel={rel!r} href {href!r} is not absolute"
    for combination in _duplicates(alternates):
        yield f"{where}: more than one alternate link with {combination}"


def _atom_text_errors(element: Any, where: str) -> Iterator[str]:
    """A text construct (3.1): text and html hold no child elements, xhtml one xhtml:div."""
    kind = element.get("type", "text")
    children = [child for child in element if isinstance(child.tag, str)]
    if kind not in ATOM_TEXT_TYPES:
        yield f"{where}: type {kind!r} is not text, html or xhtml"
    elif kind in ("text", "html") and children:
        yield f"{where}: type {kind!r} holds child elements"
    elif kind == "xhtml" and [child.tag for child in children] != [f"{{{XHTML_NS}}}div"]:
        yield f"{where}: type 'xhtml' must hold exactly one xhtml:div"


def _atom_entry_errors(entry: Any, where: str, site: Site | None) -> Iterator[str]:
    """An entry's content, its alternate link (4.1.2), its date and its page (our contract)."""
    alternates = [
        link for link in _atom_links(entry) if link.get("rel", "alternate") == "alternate"
    ]
    contents = _atom_children(entry, "content")
    if not alternates and not contents:
        yield f"{where}: neither an alternate link nor atom:content (4.1.2)"
    for content in contents:
        yield from _atom_content_errors(content, entry, where)
    if not _atom_children(entry, "published"):
        yield f"{where}: no atom:published, the item's own date"
    href = alternates[0].get("href") if alternates else None
    yield from _page_errors(href, site, where)


def _atom_content_errors(content: Any, entry: Any, where: str) -> Iterator[str]:
    """atom:content (4.1.3): inline text, html or xhtml, or out of line (`src`, empty) or
    another media type; those last two need an atom:summary (4.1.2)."""
    kind, src = content.get("type", "text"), content.get("src")
    if src is not None and (content.text or len(content)):
        yield f"{where}: atom:content with src is not empty (4.1.3.2)"
    if kind in ATOM_TEXT_TYPES:
        if src is None:
            yield from _atom_text_errors(content, f"{where}: atom:content")
    elif "/" not in kind:
        yield f"{where}: atom:content type {kind!r} is not a media type (4.1.3.1)"
    inline_xml = kind.endswith(("+xml", "/xml"))
    if (src is not None or (kind not in ATOM_TEXT_TYPES and not inline_xml)) and not (
        _atom_children(entry, "summary")
    ):
        yield f"{where}: atom:content is out of line or not text/XML, but no atom:summary"


def _atom_unknown_elements(root: Any) -> Iterator[str]:
    """No element in the Atom namespace that RFC 4287 does not define, where it does not."""
    allowed = {"feed": ATOM_FEED_CHILDREN, "entry": ATOM_ENTRY_CHILDREN}
    allowed |= {"source": ATOM_FEED_CHILDREN - {"entry"}}
    allowed |= {name: ATOM_PERSON_CHILDREN for name in ("author", "contributor")}
    for element in root.iter():
        parent = element.getparent()
        if not isinstance(element.tag, str) or parent is None:
            continue
        name = etree.QName(element).localname
        if not element.tag.startswith(f"{{{ATOM_NS}}}"):
            continue
        if parent.tag.startswith(f"{{{ATOM_NS}}}"):
            known = allowed.get(etree.QName(parent).localname, frozenset())
            if name not in known:
                yield f"unknown Atom element atom:{name} in atom:{etree.QName(parent).localname}"


# -- RSS 2.0 -------------------------------------------------------------------------------


def check_rss(data: bytes, self_url: str, site: Site | None = None) -> list[str]:
    """An RSS 2.0 feed's errors: the RSS Advisory Board spec as the W3C validator reads it,
    our self link (atom:link) and items."""
    try:
        root = _parse_xml(data)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != "rss" or root.get("version") != "2.0":
        return [f"root element is {root.tag!r} version {root.get('version')!r}, not rss 2.0"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [f"rss: {len(channels)} channel elements, must be exactly one"]
    channel = channels[0]
    errors = list(_rss_children_errors(channel, "channel", RSS_CHANNEL_ONCE))
    errors += [
        f"channel: no <{name}>" for name in RSS_CHANNEL_REQUIRED if channel.find(name) is None
    ]
    errors += _rss_url_errors(channel, "channel", ("link", "docs"))
    errors += _rss_date_errors(channel, "channel")
    errors += _rss_self_errors(channel, self_url)
    items = channel.findall("item")
    for number, item in enumerate(items, 1):
        errors += _rss_item_errors(
            item, f"item {number} ({item.findtext('guid') or 'no guid'})", site
        )
    guids = [
        (item.findtext("guid") or "").strip() for item in items if item.find("guid") is not None
    ]
    errors += [f"channel: guid {value!r} is used more than once" for value in _duplicates(guids)]
    return errors


def _rss_children_errors(element: Any, where: str, once: frozenset[str]) -> Iterator[str]:
    """Un-namespaced children are the spec's (extensions live in a namespace), each at most
    once but for category and item."""
    names = [child.tag for child in element if isinstance(child.tag, str)]
    for name, count in sorted(Counter(names).items()):
        if name.startswith("{"):
            continue
        if name not in once and name not in RSS_REPEATED:
            yield f"{where}: <{name}> is not an RSS 2.0 element here"
        elif name in once and count > 1:
            yield f"{where}: {count} <{name}> elements, at most one allowed"


def _rss_url_errors(element: Any, where: str, names: Iterable[str]) -> Iterator[str]:
    for name in names:
        for child in element.findall(name):
            if not is_absolute((child.text or "").strip()):
                yield f"{where}: <{name}> {child.text!r} is not an absolute URL"


def _rss_date_errors(element: Any, where: str) -> Iterator[str]:
    """RFC 822 dates with a 4-digit year; a day name, if any, that is the date's."""
    for name in sorted(RSS_DATES):
        for child in element.findall(name):
            text = (child.text or "").strip()
            try:
                parsed = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError):
                parsed = None
            if parsed is None or not RFC822.fullmatch(text):
                yield f"{where}: <{name}> {text!r} is not an RFC 822 date with a 4-digit year"
            elif "," in text and parsed.strftime("%a") != text[:3]:
                yield f"{where}: <{name}> {text!r} names the wrong day of the week"


def _rss_self_errors(channel: Any, self_url: str) -> Iterator[str]:
    links = channel.findall(_atom("link"))
    for link in links:
        if link.get("href") is None:
            yield "channel: atom:link without an href"
    selves = [link for link in links if link.get("rel") == "self"]
    yield from _self_errors([link.get("href", "") for link in selves], self_url, "channel")
    for link in selves:
        if link.get("type") != RSS_MIME:
            yield f"channel: self atom:link type {link.get('type')!r}, not {RSS_MIME!r}"


def _rss_item_errors(item: Any, where: str, site: Site | None) -> Iterator[str]:
    yield from _rss_children_errors(item, where, RSS_ITEM_ONCE)
    if item.find("title") is None and item.find("description") is None:
        yield f"{where}: neither <title> nor <description>"
    yield from _rss_url_errors(item, where, ("link", "comments"))
    yield from _rss_date_errors(item, where)
    for guid in item.findall("guid"):
        permalink = guid.get("isPermaLink", "true")
        if permalink not in ("true", "false"):
            yield f"{where}: guid isPermaLink={permalink!r}, not true or false"
        elif permalink == "true" and not is_absolute((guid.text or "").strip()):
            yield f"{where}: permalink guid {guid.text!r} is not an absolute URL"
    for enclosure in item.findall("enclosure"):
        yield from _rss_enclosure_errors(enclosure, where)
    if item.find("pubDate") is None:
        yield f"{where}: no <pubDate>, the item's own date"
    yield from _page_errors((item.findtext("link") or "").strip(), site, where)


def _rss_enclosure_errors(enclosure: Any, where: str) -> Iterator[str]:
    url, length, kind = (enclosure.get(name) for name in ("url", "length", "type"))
    if not url or not is_absolute(url):
        yield f"{where}: enclosure url {url!r} is not an absolute URL"
    if length is None or not length.isdigit():
        yield f"{where}: enclosure length {length!r} is not a whole number of bytes"
    if not kind or "/" not in kind:
        yield f"{where}: enclosure type {kind!r} is not a media type"


# -- JSON Feed 1.1 -------------------------------------------------------------------------


def check_json_feed(data: bytes, self_url: str, site: Site | None = None) -> list[str]:
    """A JSON Feed's errors: version 1.1 (https://jsonfeed.org/version/1.1), its feed_url our
    self link, each item dated and linking its page."""
    try:
        feed = json.loads(data)
    except ValueError as error:
        return [f"not valid JSON: {error}"]
    if not isinstance(feed, dict):
        return ["the top level is not an object"]
    errors = []
    if feed.get("version") != JSON_FEED_VERSION:
        errors.append(f"version {feed.get('version')!r} is not {JSON_FEED_VERSION!r}")
    if not isinstance(feed.get("title"), str):
        errors.append("no string title")
    errors += _self_errors([feed["feed_url"]] if "feed_url" in feed else [], self_url, "feed_url")
    errors += _json_url_errors(feed, "feed", ("home_page_url",), required=True)
    errors += _json_url_errors(feed, "feed", ("icon", "favicon", "next_url"))
    errors += _json_authors_errors(feed, "feed")
    items = feed.get("items")
    if not isinstance(items, list):
        return [*errors, "items is not an array"]
    for number, item in enumerate(items, 1):
        errors += _json_item_errors(item, f"item {number}", site)
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    errors += [f"item id {value!r} is used more than once" for value in _duplicates(map(str, ids))]
    return errors


def _json_url_errors(
    value: dict[str, Any], where: str, keys: Iterable[str], *, required: bool = False
) -> Iterator[str]:
    for key in keys:
        url = value.get(key)
        if url is None and not required:
            continue
        if not isinstance(url, str) or not is_absolute(url):
            yield f"{where}: {key} {url!r} is not an absolute URL"


def _json_authors_errors(value: dict[str, Any], where: str) -> Iterator[str]:
    authors = value.get("authors", [])
    if not isinstance(authors, list):
        yield f"{where}: authors is not an array"
        return
    for author in authors:
        if not isinstance(author, dict) or not {"name", "url", "avatar"} & set(author):
            yield f"{where}: author {author!r} is not an object with a name, url or avatar"


def _json_item_errors(item: Any, where: str, site: Site | None) -> Iterator[str]:
    if not isinstance(item, dict):
        yield f"{where}: not an object"
        return
    if not isinstance(item.get("id"), str) or not item["id"]:
        yield f"{where}: id {item.get('id')!r} is not a non-empty string"
    if not any(isinstance(item.get(key), str) for key in ("content_html", "content_text")):
        yield f"{where}: neither content_html nor content_text"
    for key in ("date_published", "date_modified"):
        if key in item:
            yield from _rfc3339_errors(item[key], f"{where}: {key}")
    if "date_published" not in item:
        yield f"{where}: no date_published, the item's own date"
    yield from _json_url_errors(item, where, ("url",), required=True)
    yield from _json_url_errors(item, where, ("external_url", "image", "banner_image"))
    yield from _json_authors_errors(item, where)
    for attachment in item.get("attachments", []):
        if not isinstance(attachment, dict) or not all(
            isinstance(attachment.get(key), str) for key in ("url", "mime_type")
        ):
            yield f"{where}: attachment {attachment!r} lacks a url or a mime_type"
    url = item.get("url")
    yield from _page_errors(url if isinstance(url, str) else None, site, where)

"""The hostile corpus: one site folder per case, its expected outcome, and the odd inputs.

Each case is `tests/hostile/<case>/` with a `site.yaml`, usually a `content/` folder, and an
`expect.yaml` (see `Expectation`). Inputs that are huge, binary or easily damaged by editors
and tools (a 2 MB line, invalid UTF-8, NUL bytes, UTF-16, CR-only line ends, NFD text,
symlinks) are not committed: a case names them under `generate:` and `prepare_case` makes
them in a temporary copy. The test runner (test_hostile.py) and the benchmark script
(benchmarks/hostile.py) share this module, so both see exactly the same sites.
"""

from __future__ import annotations

import bz2
import json
import os
import random
import shutil
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from tests.support.sitechecks import CANARY, plant_canary

CASES_DIR = Path(__file__).resolve().parent
EXPECT_FILE = "expect.yaml"


@dataclass(frozen=True)
class Expectation:
    """What a case must do. Exit codes are required; every other check is optional.

    `problems` are substrings of lines that `check` and `build` each print (like
    `content/a.md:2: warning MB022`); `absent` are substrings no printed problem may contain;
    `posts`/`drafts` count the records of `check --json`; `texts` must each be in some published
    post's text and `absent_texts` in none; `records` maps a record's `source` to fields it must
    have; `tags` maps each tag slug to its number of published posts (exactly these tags);
    `files` maps an output path to substrings it must hold; `never` are strings no output file
    may hold. `rebuild: false` skips the byte-identical second build (for the slowest cases).
    """

    about: str
    check: int
    build: int
    strict: int | None = None
    generate: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    posts: int | None = None
    drafts: int | None = None
    texts: tuple[str, ...] = ()
    absent_texts: tuple[str, ...] = ()
    records: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tags: Mapping[str, int] | None = None
    files: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    never: tuple[str, ...] = ()
    no_files: tuple[str, ...] = ()  # output paths that must not exist
    rebuild: bool = True


def case_names() -> list[str]:
    return sorted(path.parent.name for path in CASES_DIR.glob(f"*/{EXPECT_FILE}"))


def load_expectation(case: str) -> Expectation:
    """The case's expect.yaml; an unknown key or generator is an error, not a silent pass."""
    data = yaml.safe_load((CASES_DIR / case / EXPECT_FILE).read_text(encoding="utf-8"))
    known = {f.name for f in fields(Expectation)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{case}/{EXPECT_FILE}: unknown keys {unknown}")
    values: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value for key, value in data.items()
    }
    if "files" in values:
        values["files"] = {path: tuple(texts) for path, texts in values["files"].items()}
    missing = sorted(set(values.get("generate", ())) - set(GENERATORS))
    if missing:
        raise ValueError(f"{case}/{EXPECT_FILE}: unknown generators {missing}")
    return Expectation(**values)


@dataclass(frozen=True)
class Prepared:
    """A case copied into a work folder: the site, a folder beside it, and the output path."""

    work: Path
    site: Path
    outside: Path
    output: Path


def prepare_case(case: str, work: Path) -> Prepared:
    """Copy the case (without expect.yaml) to work/site and make its generated inputs."""
    site, outside = work / "site", work / "outside"
    shutil.copytree(
        CASES_DIR / case, site, ignore=shutil.ignore_patterns(EXPECT_FILE, "__pycache__")
    )
    outside.mkdir()
    for name in load_expectation(case).generate:
        GENERATORS[name](site, outside)
    return Prepared(work, site, outside, work / "out")


# -- generators: (site folder, a folder outside it) -> files written into the site ---------


def _write(site: Path, name: str, data: bytes | str) -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


WORDS = (
    *("latency", "cache", "queue", "shard", "replica", "schema", "index", "contract"),
    *("service", "monolith", "deploy", "rollback", "review", "pipeline", "más", "educación"),
    *("naïve", "日本語", "ไทย", "हिन्दी"),
)


def canary_links(site: Path, outside: Path) -> None:
    """Symlinks from content/, templates/ and static/ to marked files outside the site."""
    plant_canary(site, outside)


def content_folder_outside(site: Path, outside: Path) -> None:
    """The content folder itself is a symlink to a folder of posts outside the site."""
    shutil.rmtree(site / "content", ignore_errors=True)
    (outside / "canary-folder").mkdir(parents=True, exist_ok=True)
    (site / "content").symlink_to(outside / "canary-folder")


def two_mb_lines(site: Path, _outside: Path) -> None:
    """A 2 MB single-line post in a .txt archive and one in a Markdown file."""
    rng = random.Random(2)
    words = " ".join(rng.choice(WORDS) for _ in range(300_000))
    line = words.encode("utf-8")[: 2 * 1024 * 1024].decode("utf-8", "ignore").rstrip()
    _write(site, "content/big.txt", "short post before #Small\n" + line + " #Big#Huge\n")
    _write(site, "content/big.md", "---\ntitle: Big\n---\n" + line + " #Big\n")


def archive_20000_lines(site: Path, _outside: Path) -> None:
    """A 20,000-line archive: posts of 1 to 60 lines, glued hashtag runs, blank lines."""
    rng = random.Random(20_000)
    lines: list[str] = []
    while len(lines) < 20_000:
        lines.extend(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 15)))
            for _ in range(rng.randint(0, 59))
        )
        tags = "".join(f"#Tag{rng.randint(0, 299)}" for _ in range(rng.randint(1, 4)))
        lines.append(f"post {len(lines)} {rng.choice(WORDS)} {tags}")
        if rng.random() < 0.3:
            lines.append("")
    _write(site, "content/archive.txt", "\n".join(lines[:20_000]) + "\n")


def hash_run_200kb(site: Path, _outside: Path) -> None:
    """A 200 KB line of `#a#a#a...` (one tag) in a .txt and a .md post, and glued to a word."""
    run = "#a" * 100_000
    _write(site, "content/run.txt", run + "\n\nword" + run + "\n\nend " + run + "#b\n")
    _write(site, "content/run.md", run + "\n")


def distinct_tag_flood(site: Path, _outside: Path) -> None:
    """200 KB of distinct glued hashtags in one post: every tag page would hold the post."""
    _write(site, "content/flood.txt", "".join(f"#t{i}" for i in range(30_000)) + "\n")
    front = "---\ntags: [" + ", ".join(f"f{i}" for i in range(5_000)) + "]\n---\n"
    _write(site, "content/flood.md", front + "front matter flood #t1\n")


def markdown_quadratic(site: Path, _outside: Path) -> None:
    """Markdown that Python-Markdown's parsers take quadratic time over."""
    _write(site, "content/emphasis.md", "*a" * 100_000 + "\n")
    _write(site, "content/backticks.md", "`a" * 100_000 + "\n")
    _write(site, "content/quotes.md", "\"'" * 100_000 + "\n")
    _write(site, "content/angles.md", "<a" * 100_000 + "\n")
    _write(site, "content/setext.md", "a\n=\n" * 20_000)
    _write(site, "content/rules.md", "***\n" * 20_000)
    _write(site, "content/table.md", "a|b\n-|-\n" + "x|y\n" * 20_000)
    _write(site, "content/nested-list.md", "".join(" " * i + "- x\n" for i in range(2_000)))
    _write(site, "content/brackets.md", "[" * 100_000 + "\n")
    _write(site, "content/fine.md", "A *normal* post with `code` and a [link](https://e.org).\n")


def markdown_table_flood(site: Path, _outside: Path) -> None:
    """Markdown whose table cells, abbreviations, smarty marks or runs of spaces make
    Python-Markdown's extensions slow without any inline markup character."""
    columns, rows = 2000, 800  # 3.2 MB, 1.6 million cells
    table = "|a" * columns + "|\n" + "|-" * columns + "|\n" + ("|x" * columns + "|\n") * rows
    _write(site, "content/table.md", table)
    _write(site, "content/wide-row.md", "|a" * 20_000 + "|\n" + "|-" * 20_000 + "|\n")
    _write(site, "content/abbreviations.md", "*[HTML]: Hyper\n\n" + "HTML " * 100_000 + "\n")
    _write(site, "content/dashes.md", "a-- b... " * 100_000 + "\n")
    _write(site, "content/spaces.md", "# a" + " " * 100_000 + "b\n")
    fine = "| col | col |\n|-----|-----|\n" + "| *x* | y |\n" * 200
    _write(site, "content/fine-table.md", fine)


def null_bytes(site: Path, _outside: Path) -> None:
    """NUL in post text, in a slug, a tag and a title, and a NUL-only file."""
    _write(site, "content/nul.txt", b"before\x00after #nul\x00tag\n\nclean post #ok\n")
    _write(site, "content/slug.md", b"---\nslug: ab\x00cd\ntitle: ti\x00tle\n---\nnul in slug\n")
    _write(site, "content/zeros.txt", b"\x00" * 1000)


def invalid_utf8(site: Path, _outside: Path) -> None:
    """Latin-1 bytes, truncated sequences and an overlong encoding among good lines."""
    _write(
        site,
        "content/bad.txt",
        b"good first post #ok\n\ncaf\xe9 cr\xe8me #latin1\n\ncut \xe2\x82 off\n\n"
        b"overlong \xc0\xaf slash\n\nlast good post #ok\n",
    )
    _write(site, "content/bad.md", b"---\ntitle: T\xfctel\n---\nbody \xff\xfe here\n")


def utf16_and_32(site: Path, _outside: Path) -> None:
    """UTF-16 LE and BE and UTF-32 with their BOMs, and UTF-16 with a broken tail."""
    text = "---\ntitle: Sixteen\n---\nUTF-16 post educación #utf16\n"
    _write(site, "content/le.md", text.encode("utf-16"))  # BOM + native (LE here)
    _write(site, "content/be.txt", b"\xfe\xff" + "big endian post #utf16\n".encode("utf-16-be"))
    _write(site, "content/wide.txt", "thirty-two #utf32\n".encode("utf-32"))
    _write(site, "content/broken.txt", "broken tail #utf16\n".encode("utf-16") + b"\x00")


def utf8_bom(site: Path, _outside: Path) -> None:
    """A UTF-8 BOM before front matter, and a doubled BOM."""
    front = "---\ntitle: With BOM\ndate: 2024-03-01\ntags: [bom]\n---\nbody after a BOM\n"
    _write(site, "content/bom.md", b"\xef\xbb\xbf" + front.encode())
    _write(site, "content/double.txt", b"\xef\xbb\xbf\xef\xbb\xbfdouble BOM post #bom\n")


def line_endings(site: Path, _outside: Path) -> None:
    """CRLF, CR-only and mixed line ends; the bad front matter is on line 3 in each."""
    for name, end in (("crlf", "\r\n"), ("cr", "\r")):
        body = end.join(["---", "title: ok", "date: [broken", "---", f"{name} post", ""])
        _write(site, f"content/{name}.md", body)
        archive = end.join(["first line", f"second line #{name}", "", "third post", ""])
        _write(site, f"content/{name}.txt", archive)
    _write(site, "content/mixed.txt", "one\r\ntwo #mixed\rthree\nfour #mixed\r\n")


def whitespace_files(site: Path, _outside: Path) -> None:
    """Empty files and files of nothing but white space (tabs, NBSP, U+3000, BOM)."""
    _write(site, "content/empty.md", b"")
    _write(site, "content/empty.txt", b"")
    _write(site, "content/spaces.txt", " \t \n\n  \n")
    _write(site, "content/nbsp.md", "\u00a0\u3000\n\u00a0 \u3000\n")
    _write(site, "content/bom-only.txt", b"\xef\xbb\xbf")
    _write(site, "content/crlf-blank.txt", b"\r\n\r\n\r\n")


def not_posts(site: Path, _outside: Path) -> None:
    """OS litter, images, hidden files and folders, upper-case suffixes, deep folders."""
    _write(site, "content/.DS_Store", b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00")
    _write(site, "content/photos/cat.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _write(site, "content/Thumbs.db", b"\xd0\xcf\x11\xe0")
    _write(site, "content/notes.json", '{"text": "not a post #json"}')
    _write(site, "content/README", "no suffix: not a post")
    _write(site, "content/.hidden.md", "hidden post #hidden")
    _write(site, "content/.git/HEAD.txt", "git internals #hidden")
    _write(site, "content/.obsidian/x.md", "editor state #hidden")
    _write(site, "content/SHOUT.MD", "upper-case Markdown suffix #upper")
    _write(site, "content/ARCHIVE.TXT", "upper-case archive suffix #upper")
    _write(site, "content/Mixed.Markdown", "mixed-case long suffix #upper")
    _write(site, "content/" + "/".join(f"d{i}" for i in range(10)) + "/deep.md", "ten deep #deep")
    _write(site, "content/" + "/".join(f"e{i}" for i in range(40)) + "/deeper.md", "forty deep")


def symlink_loops(site: Path, _outside: Path) -> None:
    """Self loops, two-link cycles, folder links back up the tree, broken and duplicate links."""
    content = site / "content"
    (content / "sub" / "inner").mkdir(parents=True)
    _write(site, "content/sub/inner/post.md", "the one real post in sub #loops")
    (content / "self.md").symlink_to("self.md")
    (content / "ping.md").symlink_to("pong.md")
    (content / "pong.md").symlink_to("ping.md")
    (content / "sub" / "inner" / "up").symlink_to("..")
    (content / "sub" / "again").symlink_to("../sub")
    (content / "here").symlink_to(".")
    (content / "site").symlink_to("..")
    (content / "gone.md").symlink_to("nowhere/missing.md")
    (content / "alias.md").symlink_to("sub/inner/post.md")


def nfd_tags(site: Path, _outside: Path) -> None:
    """The same tags in NFC and NFD (café, Thai and Devanagari with combining marks)."""
    words = ["café", "Ñandú", "ภาษาไทย", "हिन्दी"]
    nfc = " ".join("#" + unicodedata.normalize("NFC", word) for word in words)
    nfd = " ".join("#" + unicodedata.normalize("NFD", word) for word in words)
    _write(site, "content/nfc.txt", f"composed {nfc}\n")
    _write(site, "content/nfd.txt", f"decomposed {nfd}\n")


def odd_file_names(site: Path, _outside: Path) -> None:
    """File names with invalid UTF-8, a newline, markup, a device name and a BOM."""
    (site / "content").mkdir(exist_ok=True)
    content = os.fsencode(site / "content")
    names = [
        b"bad\xff\xfe.md",
        b"new\nline.md",
        b"<script>alert(1)<\\script>.md",
        b"quote\"'.md",
        b"con.md",
        b"NUL.txt",
        b"\xef\xbb\xbfbom.md",
        b"a%2F..%2Fb.md",
        b"\xe2\x80\xaegnp.md",
    ]
    for name in names:
        label = name.decode("utf-8", "replace").replace("\n", " ")
        with open(os.path.join(content, name), "wb") as handle:
            handle.write(f"post from an odd file name {label!r} #names\n".encode())


def odd_static_names(site: Path, _outside: Path) -> None:
    """Static files named with a backslash, a newline, markup, and invalid UTF-8."""
    static = os.fsencode(site / "static")
    os.makedirs(static, exist_ok=True)
    for name in (b"a\\b.css", b"new\nline.css", b"<script>.txt", b"bad\xff.txt", b"ok.css"):
        with open(os.path.join(static, name), "wb") as handle:
            handle.write(b"body { color: black }\n")


def odd_templates(site: Path, outside: Path) -> None:
    """templates/ holding what is not a template: a named pipe (opening it would wait
    forever), a binary image, an editor backup, a hidden .git folder, a broken link, a 2 MB
    file, and a linked folder inside the site with a template that does not parse. Named
    pipes in content/ and static/ too."""
    templates = site / "templates"
    (templates / ".git").mkdir(parents=True)
    (templates / ".git" / "HEAD.html").write_text("{% if %}\n", encoding="utf-8")
    (templates / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n{% if %}\xff\xfe")
    (templates / "post.html~").write_text("{% block %}\n", encoding="utf-8")
    (templates / "big.html").write_text("<p>{{ site.title }}</p>\n" * 90_000, encoding="utf-8")
    (templates / "tag.html").symlink_to("../theme/gone.html")
    (site / "theme").mkdir()
    (site / "theme" / "broken.html").write_text("<p>\n{{ post.title }\n", encoding="utf-8")
    (templates / "parts").symlink_to("../theme")
    (site / "static").mkdir(exist_ok=True)
    for fifo in (
        templates / "pipe.html",
        site / "content" / "pipe.md",
        site / "static" / "pipe.css",
    ):
        os.mkfifo(fifo)


GENERATORS: dict[str, Callable[[Path, Path], None]] = {
    function.__name__: function
    for function in (
        canary_links,
        content_folder_outside,
        two_mb_lines,
        archive_20000_lines,
        hash_run_200kb,
        distinct_tag_flood,
        markdown_quadratic,
        markdown_table_flood,
        null_bytes,
        invalid_utf8,
        utf16_and_32,
        utf8_bom,
        line_endings,
        whitespace_files,
        not_posts,
        symlink_loops,
        nfd_tags,
        odd_file_names,
        odd_static_names,
        odd_templates,
    )
}


# -- exports: Twitter/X and Mastodon archives as the networks write them, made hostile --------
#
# Small exports are committed as text in their case folders; these make what is big, binary
# or a zip (whose member names, links and sizes no editor or git would keep as they are).

TWEET_BASE_ID = 1_800_000_000_000_000_000  # 19 digits, like real tweet ids
STATUS_BASE_ID = 113_000_000_000_000_000  # 18 digits, like Mastodon's
ACTOR = "https://social.example/users/alice"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOWERS = ACTOR + "/followers"
EXPORTS_START = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
# A 1x1 transparent PNG, for media files that must exist.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000001e226059b0000000049454e44ae426082"
)


def tweet_item(number: int, text: str, **fields: Any) -> dict[str, Any]:
    """An item of tweets.js as Twitter/X writes it: ids and counts as strings, wrapped in
    `{"tweet": ...}`; `number` makes its id and its date (a minute apart)."""
    tweet_id = str(TWEET_BASE_ID + number)
    when = EXPORTS_START + timedelta(minutes=number)
    tweet: dict[str, Any] = {
        "edit_info": {"initial": {"editTweetIds": [tweet_id], "editsRemaining": "5"}},
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "0",
        "id_str": tweet_id,
        "truncated": False,
        "retweet_count": "0",
        "id": tweet_id,
        "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "favorited": False,
        "full_text": text,
        "lang": "en",
    }
    tweet.update(fields)
    return {"tweet": tweet}


def tweet_photo(number: int, name: str, alt: str = "", **fields: Any) -> dict[str, Any]:
    """An `extended_entities.media` entry: a photo whose file is `<tweet id>-<name>`."""
    photo = {
        "expanded_url": f"https://twitter.com/owner/status/{TWEET_BASE_ID + number}/photo/1",
        "url": f"https://t.co/Ph{number:08d}",
        "media_url_https": f"https://pbs.twimg.com/media/{name}",
        "id_str": str(TWEET_BASE_ID + number),
        "type": "photo",
        "display_url": f"pic.twitter.com/Ph{number:08d}",
        "sizes": {"large": {"w": "1", "h": "1", "resize": "fit"}},
    }
    if alt:
        photo["ext_alt_text"] = alt
    photo.update(fields)
    return photo


def tweets_js(items: list[Any], part: int = 0) -> str:
    """A tweets file: `window.YTD.tweets.partN = [...]`, indented as Twitter/X writes it."""
    body = json.dumps(items, indent=2, separators=(",", " : "), ensure_ascii=False)
    return f"window.YTD.tweets.part{part} = {body}\n"


def status_item(
    number: int,
    content: str,
    *,
    to: Any = (PUBLIC,),
    cc: Any = (FOLLOWERS,),
    **fields: Any,
) -> dict[str, Any]:
    """A `Create` of a `Note` in outbox.json as Mastodon writes it; `number` makes its id and
    its date (a minute apart). Public unless `to` and `cc` say otherwise."""
    status_id = str(STATUS_BASE_ID + number)
    status = f"{ACTOR}/statuses/{status_id}"
    when = (EXPORTS_START + timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
    to, cc = (list(v) if isinstance(v, tuple) else v for v in (to, cc))
    note: dict[str, Any] = {
        "id": status,
        "type": "Note",
        "summary": None,
        "inReplyTo": None,
        "published": when,
        "url": f"https://social.example/@alice/{status_id}",
        "attributedTo": ACTOR,
        "to": to,
        "cc": cc,
        "sensitive": False,
        "content": content,
        "attachment": [],
        "tag": [],
    }
    note.update(fields)
    return {
        "id": status + "/activity",
        "type": "Create",
        "actor": ACTOR,
        "published": when,
        "to": to,
        "cc": cc,
        "object": note,
    }


def status_image(path: str, alt: str | None = None) -> dict[str, Any]:
    """An `attachment` entry: an image at `path` (`files/1/original/a.png`) in the export."""
    return {
        "type": "Document",
        "mediaType": "image/png",
        "url": f"/alice/media_attachments/{path}",
        "name": alt,
        "width": 1,
        "height": 1,
    }


def status_with_image(number: int, content: str, path: str, alt: str) -> dict[str, Any]:
    """A public status showing one image of the export."""
    return status_item(number, content, attachment=[status_image(path, alt)])


def outbox_json(items: list[Any]) -> str:
    """outbox.json as Mastodon writes it: one line, `orderedItems` twice (empty, then full)."""
    head = json.dumps(
        {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": "outbox.json",
            "type": "OrderedCollection",
            "totalItems": len(items),
            "orderedItems": [],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    body = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return head[:-1] + ',"orderedItems":' + body + "}"


def write_big_tweets_js(path: Path, size: int) -> int:
    """A tweets.js of about `size` bytes: mostly retweets (left out, as by default), a tweet of
    one's own every 1,000 items, `"not a tweet"` as item 1,234, the last item one's own too.
    Written an item at a time; returns the number of items."""
    path.parent.mkdir(parents=True, exist_ok=True)
    padding = " ".join(WORDS[:8]) * 4
    retweet = json.dumps(tweet_item(0, f"RT @someone: shared {padding}"), indent=2)
    retweet = retweet.replace(str(TWEET_BASE_ID), "{id}")
    written, number = 0, 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("window.YTD.tweets.part0 = [")
        while written < size:
            number += 1
            if number == BIG_EXPORT_BAD_ITEM:
                text = json.dumps("not a tweet")
            elif number % 1000 == 1:
                own = tweet_item(number, f"own tweet {number} of a big export #BigExport")
                text = json.dumps(own, indent=2)
            else:  # the same retweet, each with its own id
                text = retweet.replace("{id}", str(TWEET_BASE_ID + number))
            text = ("\n" if number == 1 else ",\n") + text
            handle.write(text)
            written += len(text)
        number += 1
        handle.write(",\n" + json.dumps(tweet_item(number, "the last tweet of a big export")))
        handle.write("\n]\n")
    return number


BIG_EXPORT_BAD_ITEM = 1234


def write_big_outbox(path: Path, size: int) -> int:
    """outbox.json of about `size` bytes on one line: mostly boosts (left out), a public note
    every 500 items, a followers-only one (a canary) every 500 too, `"not an object"` as item
    2,345, the last item public. Returns the number of items."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written, number = 0, 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(outbox_json([])[:-3] + "[")  # up to the second `"orderedItems":[`
        while written < size:
            number += 1
            if number == BIG_OUTBOX_BAD_ITEM:
                item: Any = "not an object"
            elif number % 500 == 1:
                item = status_item(number, f"<p>public note {number} of a big outbox</p>")
            elif number % 500 == 2:
                text = f"<p>CANARY-PRIVATE-huge-line-{number} followers only</p>"
                item = status_item(number, text, to=[FOLLOWERS], cc=[])
            else:
                item = {
                    "id": f"{ACTOR}/statuses/{STATUS_BASE_ID + number}/activity",
                    "type": "Announce",
                    "actor": ACTOR,
                    "published": "2024-01-01T10:00:00Z",
                    "to": [PUBLIC],
                    "cc": [FOLLOWERS],
                    "object": f"https://other.example/users/bob/statuses/{number}",
                }
            text = ("" if number == 1 else ",") + json.dumps(item, separators=(",", ":"))
            handle.write(text)
            written += len(text)
        number += 1
        last = status_item(number, "<p>the last note of a big outbox</p>")
        handle.write("," + json.dumps(last, separators=(",", ":")) + "]}")
    return number


BIG_OUTBOX_BAD_ITEM = 2345


def big_tweets_js(site: Path, _outside: Path) -> None:
    """A 2 MB tweets.js (benchmarks/hostile.py --stress reads a 100 MB one)."""
    write_big_tweets_js(site / "content/twitter/data/tweets.js", 2 * 1024 * 1024)


def outbox_one_huge_line(site: Path, _outside: Path) -> None:
    """A 2 MB outbox.json on a single line (benchmarks/hostile.py --stress: 100 MB)."""
    write_big_outbox(site / "content/mastodon/outbox.json", 2 * 1024 * 1024)


def markup_export_media(site: Path, _outside: Path) -> None:
    """The image files that the markup case's tweets and statuses show."""
    _write(site, f"content/twitter/data/tweets_media/{TWEET_BASE_ID + 1}-Markup.png", PIXEL_PNG)
    _write(site, "content/mastodon/media_attachments/files/1/original/markup.png", PIXEL_PNG)


def export_media_links_out(site: Path, outside: Path) -> None:
    """Media files of a Twitter and a Mastodon export that are symbolic links out of the site:
    to a marked file, to /etc/passwd, and a folder of marked files."""
    marked = outside / "canary.png"
    marked.write_text(f"{CANARY} media\n", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "canary.png").write_text(f"{CANARY} folder\n", encoding="utf-8")
    links = {
        f"content/twitter/data/tweets_media/{TWEET_BASE_ID + 1}-Leak.png": marked,
        f"content/twitter/data/tweets_media/{TWEET_BASE_ID + 2}-Passwd.png": Path("/etc/passwd"),
        "content/mastodon/media_attachments/files/1/original/leak.png": marked,
        "content/mastodon/media_attachments/files/2/original/passwd.png": Path("/etc/passwd"),
        "content/mastodon/media_attachments/files/9": outside / "folder",
    }
    for name, target in links.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).symlink_to(target)


ZipMember = tuple[zipfile.ZipInfo | str, bytes]


def _zip(path: Path, members: list[ZipMember]) -> None:
    """A zip of the members as given: names, types and methods untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)


def _symlink_member(name: str, target: str) -> ZipMember:
    """A zip entry that unpacks as a symbolic link (how Info-ZIP stores one)."""
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.create_system = 3  # Unix: the mode is in external_attr
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def zips_leading_out(site: Path, _outside: Path) -> None:
    """A Mastodon and a Twitter export zip whose members lead out: `..` and absolute names, a
    backslash, and symbolic links (to /etc/passwd and up the tree), among good members."""
    statuses = [
        status_with_image(1, "<p>from a zip leading out</p>", "files/1/original/cat.png", "cat"),
        status_with_image(2, "<p>its image is a link entry</p>", "files/2/original/link.png", "a"),
        status_with_image(3, "<p>its image leads out</p>", "../../../../etc/passwd", "passwd"),
    ]
    escape = b"ZIP-ESCAPE-MARKER: this entry would land outside if unpacked\n"
    _zip(
        site / "content/mastodon-archive.zip",
        [
            ("outbox.json", outbox_json(statuses).encode()),
            ("media_attachments/files/1/original/cat.png", PIXEL_PNG),
            _symlink_member("media_attachments/files/2/original/link.png", "/etc/passwd"),
            ("../../outside-the-site.md", escape),
            ("/tmp/absolute-outbox.json", outbox_json([status_item(9, escape.decode())]).encode()),
            ("..\\..\\backslash.md", escape),
            ("media_attachments/files/3/../../../../escape.png", escape),
            _symlink_member("actor.json", "../../../../etc/passwd"),
        ],
    )
    photo = tweet_photo(2, "Linked.png", "a link entry")
    tweets = [
        tweet_item(1, "a tweet from a zip with members leading out"),
        tweet_item(2, "its photo is a link entry", extended_entities={"media": [photo]}),
    ]
    _zip(
        site / "content/twitter-archive.zip",
        [
            ("twitter-2024/data/tweets.js", tweets_js(tweets).encode()),
            _symlink_member(f"twitter-2024/data/tweets_media/{TWEET_BASE_ID + 2}-Linked.png", "/"),
            ("twitter-2024/data/../../tweets-part1.js", escape),
            ("/twitter-2024/data/tweets-part2.js", escape),
        ],
    )


def _bomb(name: str, megabytes: int, method: int = zipfile.ZIP_BZIP2) -> ZipMember:
    """A member of `megabytes` MB of spaces: bzip2 makes about 50 bytes of them, deflate
    about a thousandth."""
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = method
    return info, b" " * (megabytes << 20)


def zip_bombs(site: Path, _outside: Path) -> None:
    """Zip bombs: bzip2 members inflating far beyond 10,000 to 1 (an outbox.json, a tweets.js),
    a deflate image at 1,000 to 1, and a zip whose directory declares 80 GB."""
    _zip(site / "content/bomb-outbox.zip", [_bomb("outbox.json", 8)])
    status = status_with_image(1, "<p>the post beside a bomb</p>", "files/1/original/bomb.png", "")
    _zip(
        site / "content/bomb-media.zip",
        [
            ("outbox.json", outbox_json([status]).encode()),
            _bomb("media_attachments/files/1/original/bomb.png", 8, zipfile.ZIP_DEFLATED),
        ],
    )
    tweets = [tweet_item(1, "a tweet read beside a bomb")]
    _zip(
        site / "content/bomb-twitter.zip",
        [_bomb("data/tweets.js", 8), ("data/tweets-part1.js", tweets_js(tweets, 1).encode())],
    )
    _write(site, "content/declares-80-gb.zip", _zip_declaring(20, 4 * 1024**3 - 2))


def _zip_declaring(members: int, size: int) -> bytes:
    """A Mastodon export zip whose directory lists `members` media files of `size` bytes each
    after its outbox.json: all of them the same few stored bytes (entries that overlap)."""
    outbox = outbox_json([status_item(2, "<p>the post of a zip declaring 80 GB</p>")]).encode()
    crc = zlib.crc32(outbox)
    local = _local_header(b"outbox.json", crc, len(outbox), len(outbox)) + outbox
    entries = [_central_entry(b"outbox.json", crc, len(outbox), len(outbox), 0)]
    for number in range(1, members + 1):
        name = f"media_attachments/files/{number}/original/big.png".encode()
        entries.append(_central_entry(name, crc, len(outbox), size, 0))
    directory = b"".join(entries)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(local), 0
    )
    return local + directory + end


def _local_header(name: bytes, crc: int, compressed: int, size: int, method: int = 0) -> bytes:
    """A zip's local file header (stored, unless `method` says otherwise; 2024-01-01)."""
    version = 46 if method == zipfile.ZIP_BZIP2 else 20
    return struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", version, 0, method, 0, 0x5821, crc, compressed, size,
        len(name), 0,
    ) + name  # fmt: skip


def _central_entry(
    name: bytes, crc: int, compressed: int, size: int, offset: int, method: int = 0
) -> bytes:
    """A zip's central directory entry for a member whose local header is at `offset`."""
    version = 46 if method == zipfile.ZIP_BZIP2 else 20
    return struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", version, version, 0, method, 0, 0x5821, crc,
        compressed, size, len(name), 0, 0, 0, 0, 0, offset,
    ) + name  # fmt: skip


# -- zips whose data is damaged ---------------------------------------------------------------


def _damage(path: Path, name: str) -> None:
    """Flip bytes in the middle of a zip member's compressed data (its CRC left as it was)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack_from("<2H", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(info.compress_size // 3, info.compress_size // 3 + 8):
        data[start + offset] ^= 0x5A
    path.write_bytes(bytes(data))


def _photo_bytes() -> bytes:
    """Bytes that deflate compresses with Huffman codes (not stored), so damage shows."""
    rng = random.Random(13)
    return PIXEL_PNG + " ".join(rng.choice(WORDS) for _ in range(4000)).encode()


def zips_with_damaged_media(site: Path, _outside: Path) -> None:
    """A Mastodon and a Twitter export zip, each with an image member whose data is damaged,
    shown by a public post; each has a second post without media."""
    statuses = [
        status_with_image(1, "<p>its image is damaged</p>", "files/1/original/damaged.png", ""),
        status_item(2, "<p>a status without media beside it</p>"),
    ]
    member = "media_attachments/files/1/original/damaged.png"
    mastodon = site / "content/mastodon-damaged.zip"
    _zip(mastodon, [("outbox.json", outbox_json(statuses).encode()), (member, _photo_bytes())])
    _damage(mastodon, member)
    photo = tweet_photo(1, "Damaged.png", "damaged")
    tweets = [
        tweet_item(1, "a tweet whose photo is damaged", extended_entities={"media": [photo]}),
        tweet_item(2, "a tweet without media beside it"),
    ]
    member = f"data/tweets_media/{TWEET_BASE_ID + 1}-Damaged.png"
    twitter = site / "content/twitter-damaged.zip"
    _zip(twitter, [("data/tweets.js", tweets_js(tweets).encode()), (member, _photo_bytes())])
    _damage(twitter, member)


def zips_with_damaged_export_files(site: Path, _outside: Path) -> None:
    """outbox.json damaged in one zip, and in another a bzip2 outbox.json whose headers say
    2,000 bytes while it inflates to 32 MB; a tweets.js damaged in a third (read as damaged)."""
    statuses = [status_item(n, f"<p>status {n} of a damaged outbox</p>") for n in range(1, 30)]
    damaged = site / "content/damaged-outbox.zip"
    _zip(damaged, [("outbox.json", outbox_json(statuses).encode())])
    _damage(damaged, "outbox.json")
    write_lying_zip(site / "content/lying-outbox.zip", "outbox.json", 32, declared=2000)
    tweets = [tweet_item(n, f"tweet {n} of a damaged tweets.js") for n in range(1, 30)]
    twitter = site / "content/damaged-tweets.zip"
    _zip(twitter, [("data/tweets.js", tweets_js(tweets).encode())])
    _damage(twitter, "data/tweets.js")


def twitter_media_refused(site: Path, _outside: Path) -> None:
    """A Twitter export zip whose photo member is a deflate bomb (1,000 to 1), refused."""
    photo = tweet_photo(1, "Bomb.png", "a refused photo")
    tweets = [tweet_item(1, "a tweet whose photo is refused", extended_entities={"media": [photo]})]
    member = f"data/tweets_media/{TWEET_BASE_ID + 1}-Bomb.png"
    _zip(
        site / "content/twitter-bomb-photo.zip",
        [("data/tweets.js", tweets_js(tweets).encode()), _bomb(member, 8, zipfile.ZIP_DEFLATED)],
    )


def bzip2_of_spaces(megabytes: int) -> bytes:
    """A bzip2 stream of `megabytes` MB of spaces, made at once: one block of 1 MB of spaces,
    repeated (blocks are bit-aligned, so the stream is put together as a string of bits), and
    the stream's CRC combined from the blocks' as bzip2 does."""
    packed = bz2.compress(b" " * (1 << 20), 9)
    width = len(packed) * 8
    bits = format(int.from_bytes(packed, "big"), f"0{width}b")
    end_magic = format(0x177245385090, "048b")
    block = bits[32 : bits.rindex(end_magic)]  # after "BZh9", up to the end of the stream
    block_crc = int(block[48:80], 2)
    combined = 0
    for _ in range(megabytes):
        combined = ((combined << 1 | combined >> 31) & 0xFFFFFFFF) ^ block_crc
    stream = bits[:32] + block * megabytes + end_magic + format(combined, "032b")
    stream += "0" * (-len(stream) % 8)
    return int(stream, 2).to_bytes(len(stream) // 8, "big")


def write_lying_zip(path: Path, name: str, megabytes: int, *, declared: int) -> None:
    """A zip of one bzip2 member that inflates to `megabytes` MB of spaces while its headers
    declare `declared` bytes (and a CRC of 0)."""
    data = bzip2_of_spaces(megabytes)
    encoded = name.encode()
    local = _local_header(encoded, 0, len(data), declared, method=12) + data
    entry = _central_entry(encoded, 0, len(data), declared, 0, method=12)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(entry), len(local), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(local + entry + end)


GENERATORS.update(
    (function.__name__, function)
    for function in (
        big_tweets_js,
        outbox_one_huge_line,
        markup_export_media,
        export_media_links_out,
        zips_leading_out,
        zip_bombs,
        zips_with_damaged_media,
        zips_with_damaged_export_files,
        twitter_media_refused,
    )
)

"""The hostile corpus: one site folder per case, its expected outcome, and the odd inputs.

Each case is `tests/hostile/<case>/` with a `site.yaml`, usually a `content/` folder, and an
`expect.yaml` (see `Expectation`). Inputs that are huge, binary or easily damaged by editors
and tools (a 2 MB line, invalid UTF-8, NUL bytes, UTF-16, CR-only line ends, NFD text,
symlinks) are not committed: a case names them under `generate:` and `prepare_case` makes
them in a temporary copy. The test runner (test_hostile.py) and the benchmark script
(benchmarks/hostile.py) share this module, so both see exactly the same sites.
"""

from __future__ import annotations

import os
import random
import shutil
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from tests.support.sitechecks import plant_canary

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

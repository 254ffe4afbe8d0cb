"""The property over random sites: whatever content/ and site.yaml hold, `check` and `build`
raise nothing, exit as documented, and the built site passes the shared checks.

Each example is a site with random file names (Unicode, markup, spaces, odd suffixes, hidden
files, folders), random bytes or random text (front matter with hostile keys and values,
hashtags, markup, mojibake, control characters) in random encodings and line ends, static
files with odd names, and symlinks to a marked file outside the site. For every example:
`check` exits 0, or 1 exactly when it printed a warning or an error; `build` exits 0; both
exit 2 (one line a problem, each naming site.yaml) only when site.yaml itself is broken. The
output has no active markup, nothing of the marked file, every published post on its own
reachable page, no undated post in a feed, nothing changed outside it, and a second build is
byte for byte the same.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from microblog.buildcache import CACHE_FOLDER
from microblog.cli import main
from microblog.text.decode import C1_CONTROLS, FORBIDDEN
from tests.support.sitechecks import (
    CANARY,
    active_markup,
    diff_snapshots,
    feed_post_slugs,
    files_containing,
    plant_canary,
    reachable_posts,
    site_base_url,
    snapshot_tree,
    tree_digest,
)

PROBLEM_LINE = re.compile(r": (warning|error) MB\d{3} ")

# -- strategies --------------------------------------------------------------------------

NAME_CHARS = st.sampled_from(
    [
        *"abcxyzABC019-_. #%&'\"<>()[]{}~!$+,;=@^`",
        *("é", "e\u0301", "ñ", "ß", "İ", "ไทย", "日本", "\u00a0", "\u200b", "\ufeff", "Ω"),
    ]
)
SUFFIXES = st.sampled_from(
    [".md", ".txt", ".MD", ".TXT", ".markdown", ".Md", ".png", ".json", "", ".md.bak", ".txt~"]
)
TOKENS = st.sampled_from(
    [
        "word",
        "más",
        "naïve",
        "ภาษาไทย",
        "हिन्दी",
        "日本語",
        "#tag",
        "#Tag",
        "#TAG",
        "#Straße",
        "#STRASSE",
        "#İstanbul",
        "#café",
        unicodedata.normalize("NFD", "#café"),
        "#a#b#c",
        "#SystemDesign#Backend",
        "#42",
        "issue #42",
        "#",
        "##",
        "#.",
        "#..",
        "#CON",
        "#" + "x" * 120,
        "https://t.co/abc",
        "http://example.org/a?b=c#frag",
        "mail@example.org",
        "<script>alert(1)</script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "![i](data:text/html,x)",
        "<!--",
        "-->",
        "*",
        "**",
        "_",
        "`",
        "```",
        "[",
        "]",
        "](",
        ">",
        "- ",
        "1. ",
        "    ",
        "\t",
        "&amp;",
        "&#106;",
        "\\",
        "---",
        "...",
        "Ã©",
        "â€”",
        "รณ",
        "โ",
        "\u00a0",
        "\u3000",
        "\u200b",
        "\u202e",
        "\x00",
        "\x0b",
        "\x1b",
        "\x85",
        "\ufffe",
        "\U0001f600",
        " ",
        " ",
        " ",
        "\n",
        "\n",
        "\n\n",
    ]
)
TEXT = st.lists(TOKENS, max_size=40).map("".join)
SHOWABLE_TEXT = TEXT.map(lambda text: C1_CONTROLS.sub("", FORBIDDEN.sub("", text)))
DATES = st.sampled_from(
    [
        "2024-05-01",
        "2024-05-01T10:00:00",
        "2024-05-01T10:00:00+05:30",
        "2024-05-01T10:00:00-03:30",
        "2024-05-01T10:00:00Z",
        "2999-12-31T23:59:59+00:00",
        "1850-06-01",
        "0999-01-01",
        "2024-02-30",
        "2024-01-01T25:00:00",
        "yesterday",
        "9999-12-31T23:59:59-12:00",
        "Thu Nov 03 08:50:26 +0000 2022",
    ]
)
SLUGS = st.sampled_from(
    [
        *("tags", "page", "feed.xml", "404", "../../x", "/abs", "con", "CON.txt", ".", ".."),
        *("a/b", "hello", "Hello", "010", "x" * 200, "\u202egnp.exe", " ", "-", "index.html"),
    ]
)
VALUES = st.one_of(
    TEXT,
    DATES,
    SLUGS,
    st.booleans(),
    st.none(),
    st.integers(-(10**20), 10**20),
    st.lists(st.one_of(TEXT, st.integers()), max_size=5),
    st.dictionaries(st.sampled_from(["a", "b"]), TEXT, max_size=2),
)
KEYS = st.sampled_from(["title", "date", "tags", "slug", "draft", "lang", "order", "titel", "x"])
BROKEN_YAML = st.sampled_from(
    [
        "title: [unclosed",
        "- a list",
        "just a scalar",
        "a: &a [1, 1]\nb: [*a, *a]",
        "title: !!python/object/apply:os.system ['true']",
        'title: "\\ud800"',
        "\tindented: tab",
        "date: 2024-02-30\ndate: 2024-03-01",
        "{",
    ]
)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(BROKEN_YAML)
    values = draw(st.dictionaries(KEYS, VALUES, max_size=5))
    return yaml.safe_dump(values, allow_unicode=True, sort_keys=False)


@st.composite
def post_file(draw: st.DrawFn) -> bytes:
    """The bytes of one file: random bytes, or text with front matter, encoded and ended."""
    if draw(st.integers(0, 6)) == 0:
        return draw(st.binary(max_size=200))
    text = draw(TEXT)
    if draw(st.booleans()):
        fence_end = draw(st.sampled_from(["---", "...", ""]))  # "" leaves it unclosed
        text = f"---\n{draw(front_matter())}\n{fence_end}\n{text}"
    text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@st.composite
def file_path(draw: st.DrawFn) -> str:
    folders = draw(st.lists(st.lists(NAME_CHARS, min_size=1, max_size=8).map("".join), max_size=2))
    stem = "".join(draw(st.lists(NAME_CHARS, min_size=1, max_size=12)))
    parts = [*folders, stem + draw(SUFFIXES)]
    if any(part.strip(".") == "" or len(part.encode()) > 200 for part in parts):
        parts = ["plain" + draw(SUFFIXES)]
    return "/".join(parts)


@st.composite
def site_yaml(draw: st.DrawFn) -> tuple[str, bool]:
    """site.yaml text, and whether it is valid (a broken one must exit 2, nothing else may)."""
    settings_ = {
        "title": draw(SHOWABLE_TEXT) + " title",
        "base_url": draw(
            st.sampled_from(
                ["https://example.org/", "https://user.github.io/archive/", "http://ñandú.es/x/"]
            )
        ),
        "description": draw(SHOWABLE_TEXT),
        "timezone": draw(st.sampled_from(["UTC", "Asia/Kolkata", "America/St_Johns"])),
        "posts_per_page": draw(st.integers(1, 3)),
        "feed": {"items": draw(st.integers(1, 3)), "full_content": draw(st.booleans())},
        "dates_from_git": False,
    }
    if draw(st.booleans()):
        settings_["date"] = draw(st.sampled_from(["2024-05-01", "2024-05-01T10:00:00+02:00"]))
    text = yaml.safe_dump(settings_, allow_unicode=True, sort_keys=False)
    if draw(st.integers(0, 9)) == 0:
        broken = draw(st.sampled_from(["titel: typo\n", "- list\n", "base_url: /rel/\n"]))
        return text + broken, False
    return text, True


STATIC_NAMES = st.lists(st.one_of(NAME_CHARS, st.just("\\")), min_size=1, max_size=10).map(
    lambda chars: "".join(chars).strip(".") or "plain"
)


@dataclass
class RandomSite:
    config: str
    config_valid: bool
    files: dict[str, bytes] = field(default_factory=dict)
    static: list[str] = field(default_factory=list)
    canary: bool = False


@st.composite
def random_sites(draw: st.DrawFn) -> RandomSite:
    config, valid = draw(site_yaml())
    files = draw(st.dictionaries(file_path(), post_file(), min_size=1, max_size=6))
    static = draw(st.lists(STATIC_NAMES, max_size=3))
    return RandomSite(config, valid, files, static, draw(st.booleans()))


# -- the property ------------------------------------------------------------------------


def write_site(example: RandomSite, work: Path) -> Path:
    site = work / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text(example.config, encoding="utf-8")
    for name, data in example.files.items():
        path = site / "content" / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError:  # a name the file system refuses (a file where a folder is wanted)
            continue
    for name in example.static:
        path = site / "static" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("/* a static file */\n", encoding="utf-8")
    if example.canary:
        plant_canary(site, work / "outside")
    return site


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    assert "Traceback" not in err.getvalue(), err.getvalue()
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(example=random_sites())
def test_random_sites_check_and_build(example: RandomSite) -> None:
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        site = write_site(example, work)
        output = work / "out"
        before = snapshot_tree(work, exclude=[output, site / CACHE_FOLDER])
        config = str(site / "site.yaml")
        check_code, check_out, check_err = run("check", "--json", "--verbose", "--config", config)
        build_code, _, build_err = run("build", "--config", config, "--output", str(output))
        if not example.config_valid:
            assert (check_code, build_code) == (2, 2)
            for line in (check_err + build_err).strip().splitlines():
                assert "site.yaml" in line, line
            assert not output.exists()
        else:
            records = json.loads(check_out)
            event(f"published posts: {min(sum(1 for r in records if not r['draft']), 4)}")
            event(f"check exit: {check_code}")
            printed = any(PROBLEM_LINE.search(line) for line in check_err.splitlines())
            assert check_code == (1 if printed else 0), check_err
            assert build_code == 0, build_err
            check_built_site(output, records)
            first = tree_digest(output)
            assert run("build", "--clean", "--config", config, "--output", str(output))[0] == 0
            assert tree_digest(output) == first
        assert (
            diff_snapshots(before, snapshot_tree(work, exclude=[output, site / CACHE_FOLDER])) == []
        )


def check_built_site(output: Path, records: list[dict[str, object]]) -> None:
    assert active_markup(output) == []
    assert files_containing(output, CANARY) == []
    published = {str(r["slug"]) for r in records if not r["draft"]}
    assert len({slug.casefold() for slug in published}) == len(published)
    posts = output / "posts"
    assert ({p.name for p in posts.iterdir()} if posts.is_dir() else set()) == published
    assert published <= reachable_posts(output, urlsplit(site_base_url(output)).path)
    dated = {str(r["slug"]) for r in records if not r["draft"] and r["date"]}
    for feed in ("feed.xml", "atom.xml"):
        assert feed_post_slugs(output / feed) <= dated

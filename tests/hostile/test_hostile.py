"""Every hostile case: `check` and `build` exit as expected, report what they must, publish
what can be read, and the built site passes the shared checks.

The shared checks, applied to every case that builds: no active markup in any HTML, XML or
JSON file; nothing outside the output folder created, changed or deleted; no file from outside
the site folder read into the site; every published post has its own page and is reachable
from the home page; drafts and undated posts stay out of the feeds; a second build is byte
for byte the same. A case whose site.yaml is fatal must exit 2 with one line a problem, each
naming site.yaml, and must write nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from microblog.assets import DEFAULT_STATIC
from microblog.buildcache import CACHE_FOLDER, output_digest
from microblog.cli import main
from microblog.config import load_config
from microblog.text.slugs import is_safe_segment
from tests.hostile.corpus import Expectation, Prepared, case_names, load_expectation, prepare_case
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

CASES = case_names()


Capture = Callable[..., tuple[int, str, str]]


@pytest.fixture
def capture(capsys: pytest.CaptureFixture[str]) -> Capture:
    """Run `main(argv)` in process: (exit code, stdout, stderr); never a traceback."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return code, out, err

    return run


def test_corpus_has_every_case() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert load_expectation(case).about  # parses, and says what it is about


@pytest.mark.parametrize("case", CASES)
def test_hostile_case(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capture: Capture
) -> None:
    expect = load_expectation(case)
    prepared = prepare_case(case, tmp_path)
    monkeypatch.chdir(prepared.site)  # problems then name `site.yaml` and `content/...`
    before = snapshot_tree(tmp_path, exclude=[prepared.output, prepared.site / CACHE_FOLDER])

    check_code, json_out, check_err = capture("check", "--json", "--verbose")
    build_code, _, build_err = capture("build", "--output", str(prepared.output))
    assert (check_code, build_code) == (expect.check, expect.build), (
        check_err[-3000:] + build_err[-3000:]
    )

    # each problem is printed by both commands, but a fatal site.yaml stops them before any
    assert_problems(check_err if expect.check != 2 else build_err, expect)
    assert_problems(build_err if expect.build != 2 else check_err, expect)
    if expect.build == 2:
        assert_fatal_config(check_err if expect.check == 2 else "", build_err, prepared)
    else:
        records = json.loads(json_out)
        assert_records(records, expect)
        if expect.build == 0:
            assert_shared_checks(prepared, records, expect)
            assert_rebuilds(prepared, expect, capture)
    assert (
        diff_snapshots(
            before, snapshot_tree(tmp_path, exclude=[prepared.output, prepared.site / CACHE_FOLDER])
        )
        == []
    )


GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize("case", sorted(p.parent.name for p in GOLDEN.glob("*/site.yaml")))
def test_golden_site_passes_the_shared_checks(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capture: Capture
) -> None:
    """The golden fixtures too, with links to a marked file outside planted in their copy."""
    site, outside = tmp_path / "site", tmp_path / "outside"
    shutil.copytree(GOLDEN / case, site, ignore=shutil.ignore_patterns("expected"))
    plant_canary(site, outside)
    prepared = Prepared(tmp_path, site, outside, tmp_path / "out")
    monkeypatch.chdir(site)
    before = snapshot_tree(tmp_path, exclude=[prepared.output, prepared.site / CACHE_FOLDER])
    _, json_out, _ = capture("check", "--json")
    assert capture("build", "--output", str(prepared.output))[0] == 0
    records = json.loads(json_out)
    assert_records(records, Expectation(about=case, check=1, build=0))
    assert_shared_checks(prepared, records, Expectation(about=case, check=1, build=0))
    assert (
        diff_snapshots(
            before, snapshot_tree(tmp_path, exclude=[prepared.output, prepared.site / CACHE_FOLDER])
        )
        == []
    )


def assert_fatal_config(check_err: str, build_err: str, prepared: Prepared) -> None:
    """Exit 2: one line a problem, each naming site.yaml; no output folder written."""
    for err in (e for e in (check_err, build_err) if e):  # of the commands that exited 2
        # --verbose first says where each setting came from; the error lines follow
        lines = [line for line in err.strip().splitlines() if not line.startswith("setting ")]
        assert lines, "exit 2 without saying why"
        for line in lines:
            assert line.startswith("site.yaml"), line
    assert not prepared.output.exists()


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("setting ")]


def assert_problems(err: str, expect: Expectation) -> None:
    lines = problem_lines(err)
    for wanted in expect.problems:
        assert any(wanted in line for line in lines), f"not reported: {wanted!r}\n{err[-3000:]}"
    for unwanted in expect.absent:
        found = [line for line in lines if unwanted in line]
        assert not found, f"reported but must not be: {found[:5]}"


def assert_records(records: list[dict[str, Any]], expect: Expectation) -> None:
    published = [r for r in records if not r["draft"]]
    if expect.posts is not None:
        assert len(published) == expect.posts, [r["source"] for r in published]
    if expect.drafts is not None:
        assert len(records) - len(published) == expect.drafts
    texts = [str(r["text"]) for r in published]
    for snippet in expect.texts:
        assert any(snippet in text for text in texts), f"no published post has {snippet!r}"
    for snippet in expect.absent_texts:
        assert not any(snippet in text for text in texts), f"a published post has {snippet!r}"
    by_source = {str(r["source"]): r for r in records}
    for source, wanted in expect.records.items():
        assert source in by_source, f"no record from {source}; have {sorted(by_source)[:20]}"
        for key, value in wanted.items():
            assert by_source[source][key] == value, (source, key, by_source[source][key])
    if expect.tags is not None:
        counts: dict[str, int] = {}
        for record in published:
            for slug in record["tag_slugs"]:
                counts[slug] = counts.get(slug, 0) + 1
        assert counts == dict(expect.tags)
    slugs = [str(r["slug"]).casefold() for r in records]
    assert len(slugs) == len(set(slugs)), "two posts share an output path"
    for record in records:
        for slug in [record["slug"], *record["tag_slugs"]]:
            assert is_safe_segment(str(slug)), (record["source"], slug)


def assert_shared_checks(
    prepared: Prepared, records: list[dict[str, Any]], expect: Expectation
) -> None:
    out = prepared.output
    assert active_markup(out) == []
    assert files_containing(out, CANARY) == []
    published = {str(r["slug"]) for r in records if not r["draft"]}
    for record in records:
        page = out / "posts" / str(record["slug"]) / "index.html"
        assert page.is_file() == (not record["draft"]), (record["source"], record["slug"])
    posts_dir = out / "posts"
    assert ({p.name for p in posts_dir.iterdir()} if posts_dir.is_dir() else set()) == published
    base_path = urlsplit(site_base_url(out)).path
    missing = published - reachable_posts(out, base_path)
    assert not missing, f"posts not reachable from the home page: {sorted(missing)[:10]}"
    dated = {str(r["slug"]) for r in records if not r["draft"] and r["date"]}
    for feed in ("feed.xml", "atom.xml"):
        in_feed = feed_post_slugs(out / feed)
        assert in_feed <= dated, f"{feed} has undated or draft posts: {in_feed - dated}"
        assert len(in_feed) == min(len(dated), load_config(prepared.site / "site.yaml").feed.items)
    for name, snippets in expect.files.items():
        text = (out / name).read_text(encoding="utf-8")
        for snippet in snippets:
            assert snippet in text, f"{name} lacks {snippet!r}"
    for string in expect.never:
        found = [name for name in files_containing(out, string) if not shipped(out / name)]
        assert found == [], f"output holds {string!r}"
    for name in expect.no_files:
        assert not (out / name).exists(), f"output has the file {name}"


def shipped(path: Path) -> bool:
    """Whether `path` is a static file microblog ships (its favicon.svg holds `<svg`)."""
    own = DEFAULT_STATIC / path.name
    return own.is_file() and own.read_bytes() == path.read_bytes()


def assert_rebuilds(prepared: Prepared, expect: Expectation, capture: Capture) -> None:
    """A second full build over the first is byte-identical; a third, with nothing changed,
    writes nothing (the build cache); --strict fails on any problem."""
    if not expect.rebuild:
        return
    first = tree_digest(prepared.output)
    code, _, _ = capture("build", "--clean", "--output", str(prepared.output))
    assert code == 0
    assert tree_digest(prepared.output) == first
    written = output_digest(prepared.output)
    code, _, _ = capture("build", "--output", str(prepared.output))
    assert code == 0
    assert output_digest(prepared.output) == written
    if expect.strict is not None:
        code, _, _ = capture("build", "--strict", "--output", str(prepared.output))
        assert code == expect.strict

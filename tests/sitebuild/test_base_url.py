"""Reading is a function of the files, never of base_url: records are the same under any base
URL, and a site built under `/` and under `/blog/` differs only in its URLs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from microblog.config import ConfigError, SiteConfig, load_config
from microblog.output import MemorySink
from microblog.pipeline import build_site, read_site
from tests.conftest import REPO, git
from tests.hostile.corpus import case_names, prepare_case

ROOT = "https://example.org/"
BLOG = "https://example.org/blog/"


def _configs(site: Path) -> tuple[SiteConfig, SiteConfig] | None:
    try:
        return (
            load_config(site / "site.yaml", {"base_url": ROOT}),
            load_config(site / "site.yaml", {"base_url": BLOG}),
        )
    except ConfigError:
        return None  # a case whose site.yaml is fatal reads nothing at all


@pytest.mark.slow
@pytest.mark.parametrize("case", case_names())
def test_hostile_records_do_not_depend_on_base_url(case: str, tmp_path: Path) -> None:
    site = prepare_case(case, tmp_path).site
    configs = _configs(site)
    if configs is None:
        return
    root, blog = (read_site(config) for config in configs)
    assert root.timeline == blog.timeline
    assert root.tags == blog.tags
    assert root.problems == blog.problems


def _sample_site(tmp_path: Path) -> Path:
    """The repo's sample site, committed in a fresh repository so that git dates its posts."""
    site = tmp_path / "sample"
    shutil.copytree(REPO / "content", site / "content")
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "sample")
    return site


def _golden_site(tmp_path: Path) -> Path:
    site = tmp_path / "golden"
    shutil.copytree(REPO / "tests/golden/small", site, ignore=shutil.ignore_patterns("expected"))
    return site


@pytest.mark.parametrize("make", [_sample_site, _golden_site], ids=["sample", "golden"])
def test_site_under_a_sub_path_differs_only_in_its_urls(
    make: Callable[[Path], Path], tmp_path: Path
) -> None:
    site = make(tmp_path)
    configs = _configs(site)
    assert configs is not None
    root_config, blog_config = configs
    assert read_site(root_config) == read_site(blog_config)
    root, blog = MemorySink(), MemorySink()
    build_site(root_config, root, source_date_epoch=1700000000)
    build_site(blog_config, blog, source_date_epoch=1700000000)
    assert sorted(root.files) == sorted(blog.files)
    differing = [path for path in root.files if root.files[path] != blog.files[path]]
    assert "index.html" in differing and "feed.xml" in differing  # links moved under /blog/
    for path in differing:
        moved = blog.files[path].replace(b"example.org/blog/", b"example.org/")
        moved = moved.replace(b'="/blog/', b'="/').replace(b'": "/blog/', b'": "/')  # manifest
        assert moved == root.files[path], path

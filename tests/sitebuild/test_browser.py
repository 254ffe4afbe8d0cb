"""The built site in a real browser (Debian's headless Chromium): readable down to 360 px.

Skipped where Chromium is not installed, except in CI, where .ci/run installs it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from microblog.cli import main
from tests.conftest import SAMPLE_ARCHIVE, MakeSite
from tests.support.crawl import serve_directory
from tests.support.optional import skip_or_fail_in_ci

PROBE = (
    "<script>addEventListener('load', () => document.body.setAttribute('data-probe',"
    " [document.documentElement.scrollWidth, innerWidth,"
    " getComputedStyle(document.body).fontSize].join(' ')));</script>"
)
PAGES = ["", "posts/{post}/", "tags/", "tags/backend/", "archive/", "404.html"]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    skip_or_fail_in_ci("Debian's chromium is not installed", ci_must="have it: .ci/run installs it")


def probe(browser: str, url: str, width: int, profile: Path) -> tuple[int, int, float]:
    completed = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--window-size={width},900",
            "--virtual-time-budget=3000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    match = re.search(r'data-probe="(\d+) (\d+) ([\d.]+)px"', completed.stdout)
    assert match, (url, completed.returncode, completed.stderr[-2000:])
    return int(match[1]), int(match[2]), float(match[3])


@pytest.mark.slow
@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_the_screen(width: int, make_site: MakeSite, tmp_path: Path) -> None:
    browser = chromium()
    archive = "---\ndate: 2024-06-01T08:00:00+00:00\n---\n" + SAMPLE_ARCHIVE.read_text("utf-8")
    long_word = "https://example.org/" + "a-very-long-unbroken-path-segment" * 6
    site = make_site(
        {"content/archive.txt": archive + f"\nLong link {long_word} #Backend\n"},
        base_url="https://user.github.io/archive/",
    )
    output = tmp_path / "out"
    assert main(["build", "--config", str(site / "site.yaml"), "--output", str(output)]) == 0
    post = next((output / "posts").iterdir()).name
    for page in PAGES:
        target = output / page.format(post=post)
        target = target / "index.html" if target.is_dir() else target
        target.write_text(target.read_text("utf-8").replace("</body>", PROBE + "</body>"))
    with serve_directory(output, "/archive/") as base:
        for page in PAGES:
            scroll_width, inner_width, font_size = probe(
                browser, base + page.format(post=post), width, tmp_path / f"profile-{width}"
            )
            assert scroll_width <= inner_width, (page, width, scroll_width, inner_width)
            assert font_size >= 15, (page, font_size)

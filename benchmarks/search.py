"""Search on the speed bench's archive: how big the index is, and how fast a search answers.

    python benchmarks/search.py [--posts 10000] [--searches 5] [--work DIR]

Builds the archive of `archive.py` (`../shared/bench/gen_corpus.py` when it is beside the
repository) with `search: true` under a sub-path, and prints the size of the Pagefind index
(`pagefind/`) beside the rest of the site, in bytes and on disk. Then it serves the site on
127.0.0.1 and, in Debian's Chromium driven by Playwright, searches for words of every
frequency: from the moment a word is in the search page's field to the moment its results
are on the page, in a fresh page as soon as the field is there, once the page is ready,
typed letter by letter, and again (see time_searches). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # as when run: archive.py's imports

from archive import make_archive  # benchmarks/archive.py: the speed bench's archive

from tests.support.crawl import serve_directory

MOUNT = "/blog/"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
# Puts `word` into the search field, at once or (typing > 0) a letter every `typing` ms, and
# resolves with the milliseconds from the last letter to the moment the status line says how
# many posts were found (search.js writes it once the results are on the page).
TIMED_SEARCH = """async ([word, typing]) => {
  const status = document.getElementById('search-status');
  const input = document.getElementById('search-input');
  const done = () => / found\\.| are shown\\.$/.test(status.textContent);
  const put = (text) => { input.value = text; input.dispatchEvent(new Event('input')); };
  for (let end = 1; typing > 0 && end < word.length; end++) {
    put(word.slice(0, end));
    await new Promise((resolve) => setTimeout(resolve, typing));
  }
  status.textContent = '';
  const start = performance.now();
  put(word);
  await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (done()) { observer.disconnect(); resolve(); }
    });
    observer.observe(status, {childList: true, characterData: true, subtree: true});
  });
  return [performance.now() - start, status.textContent];
}"""
TYPING_MS = 150  # between two letters: a quick typist


def sizes(output: Path) -> tuple[int, int, int, int]:
    """(site bytes, index bytes, site bytes on disk, index bytes on disk); the site without
    its index."""
    site = index = site_disk = index_disk = 0
    for path in output.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            if path.relative_to(output).parts[0] == "pagefind":
                index, index_disk = index + stat.st_size, index_disk + stat.st_blocks * 512
            else:
                site, site_disk = site + stat.st_size, site_disk + stat.st_blocks * 512
    return site, index, site_disk, index_disk


def words_to_search(site: Path) -> list[str]:
    """Words of the archive's posts from the most frequent to rare ones (ranks 1, 10, 100 and
    the last word found in more than one post)."""
    counts: collections.Counter[str] = collections.Counter()
    for post in sorted((site / "content").glob("*.md")):
        body = post.read_text("utf-8").split("---", 2)[-1]
        body = re.sub(r"<[^>]*>|#\w+", " ", body)
        counts.update({word.lower() for word in re.findall(r"[A-Za-z]{5,}", body)})
    ranked = [word for word, count in counts.most_common() if count > 1]
    return [ranked[i] for i in (0, 9, 99, len(ranked) - 1) if i < len(ranked)]


def build(site: Path, output: Path) -> float:
    yaml = site / "site.yaml"
    text = re.sub(r"(?m)^base_url:.*$", f'base_url: "https://example.org{MOUNT}"', yaml.read_text())
    yaml.write_text(text + "search: true\n")
    repo = Path(__file__).resolve().parents[1]
    start = time.perf_counter()
    command = [sys.executable, str(repo / "build.py"), "build", "--quiet"]
    command += ["--config", str(yaml), "--output", str(output)]
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def time_searches(base: str, words: list[str], searches: int) -> None:
    """For each word: "at once" as soon as the search field is there (Pagefind may still be
    warming up); "ready" once the page has made its first search (`#search[data-ready]`);
    "typed" letter by letter in another fresh page, from the last letter; "again" the same
    search repeated in that page (median and slowest)."""
    from playwright.sync_api import sync_playwright

    def fresh_page(browser: Any, ready: bool) -> Any:
        page = browser.new_page()
        page.goto(base + "search/", wait_until="load")
        page.wait_for_selector("#search-input")
        if ready:
            page.wait_for_selector("#search[data-ready]", state="attached")
        return page

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            print(f"{'word':<12} {'posts':>6} {'at once':>8} {'ready':>6} {'typed':>6}  again")
            for word in words:
                page = fresh_page(browser, False)
                at_once, status = page.evaluate(TIMED_SEARCH, [word, 0])
                page.close()
                page = fresh_page(browser, True)
                ready = page.evaluate(TIMED_SEARCH, [word, 0])[0]
                page.close()
                page = fresh_page(browser, True)
                typed = page.evaluate(TIMED_SEARCH, [word, TYPING_MS])[0]
                again = [page.evaluate(TIMED_SEARCH, [word, 0])[0] for _ in range(searches)]
                page.close()
                posts = status.split()[0]
                print(
                    f"{word:<12} {posts:>6} {at_once:8.0f} {ready:6.0f} {typed:6.0f}"
                    f"  {statistics.median(again):.0f} (slowest {max(again):.0f}) ms"
                )
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--searches", type=int, default=5)
    default_work = "/dev/shm" if Path("/dev/shm").is_dir() else None
    parser.add_argument("--work", default=default_work)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="microblog-search-", dir=arguments.work))
    try:
        site = make_archive(work / "corpus", arguments.posts)
        output = work / "out"
        seconds = build(site, output)
        site_bytes, index, site_disk, index_disk = sizes(output)
        print(f"{arguments.posts} posts: built with search in {seconds:.1f} s")
        print(f"site without index: {site_bytes / 1e6:8.1f} MB, {site_disk / 1e6:8.1f} MB on disk")
        print(
            f"search index:       {index / 1e6:8.1f} MB, {index_disk / 1e6:8.1f} MB on disk"
            f" (+{100 * index / site_bytes:.1f}%, +{100 * index_disk / site_disk:.1f}% on disk)"
        )
        with serve_directory(output, MOUNT) as base:
            time_searches(base, words_to_search(site), arguments.searches)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

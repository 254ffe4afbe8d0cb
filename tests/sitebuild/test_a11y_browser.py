"""The sample site in Debian's Chromium, driven by Playwright: no console error or failed
request, no axe-core violation in light or dark, a keyboard that reaches everything with a
visible focus, no horizontal scroll at 390 px, and no Nu Html Checker warning.

Screenshots of each page kind at 1280x800 and 390x844 in both colour schemes go to
$MICROBLOG_SCREENSHOTS when set, else to a temporary folder. Skipped where Chromium,
Playwright or axe-core is missing, except in CI, where .ci/run installs them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.support.crawl import serve_directory
from tests.support.htmlcheck import require_vnu, validate_with_vnu
from tests.support.optional import skip_or_fail_in_ci
from tests.support.samplesite import MOUNT, build_sample

pytestmark = pytest.mark.slow

# Playwright must never fetch a browser of its own: it drives Debian's.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCHEMES = ("light", "dark")
SIZES = ((1280, 800), (390, 844))


@dataclass(frozen=True)
class PageKind:
    name: str
    path: str  # under the site; {post} is the first post's slug
    ready: str | None = None  # a JavaScript condition the page meets once its script has run


# The search page has run its search: its status line says how many posts it found.
SEARCH_DONE = (
    "() => / found\\.| are shown\\.$/.test(document.getElementById('search-status').textContent)"
)


# Every page kind the browser checks: a new kind of page is a line here.
PAGES = (
    PageKind("home", ""),
    PageKind("post", "posts/{post}/"),
    PageKind("tag", "tags/backend/"),
    PageKind("archive", "archive/"),
    PageKind("stats", "stats/"),
    PageKind("on-this-day", "on-this-day/06-01/"),
    PageKind("search", "search/?q=monolith", SEARCH_DONE),
)


@dataclass(frozen=True)
class Site:
    output: Path
    base: str  # http://127.0.0.1:PORT/archive/
    post: str


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        skip_or_fail_in_ci("Debian's chromium is not installed", ci_must="have it: .ci/run")
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    output = build_sample(tmp_path_factory.mktemp("a11y"))
    post = sorted(path.name for path in (output / "posts").iterdir())[0]
    with serve_directory(output, MOUNT) as base:
        yield Site(output, base, post)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail_in_ci("playwright is not installed", ci_must="pip install -e '.[test]'")
    if not AXE.is_file():
        skip_or_fail_in_ci(f"{AXE} is missing", ci_must="run `npm ci --ignore-scripts`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("MICROBLOG_SCREENSHOTS")
    if not folder:
        return tmp_path_factory.mktemp("screenshots")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


class Watched:
    """A page of a fresh browser context that records console errors and failed requests;
    any request off 127.0.0.1 is refused (and recorded): tests never use the network."""

    def __init__(self, browser: Any, width: int, height: int, scheme: str) -> None:
        self.problems: list[str] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme
        )
        self.context.route("**/*", self._local_only)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _local_only(self, route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            self.problems.append(f"request off this machine: {route.request.url}")
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request: Any) -> None:
        # Chromium cancels what is still loading when the page moves on (the favicon, most
        # often): not the site's fault. A missing file answers 404, which _response sees,
        # and every icon and the manifest are fetched and checked for a 200 besides.
        if "ERR_ABORTED" in str(request.failure):
            return
        self.problems.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self) -> None:
        self.context.close()


def page_url(site: Site, kind: PageKind) -> str:
    return site.base + kind.path.format(post=site.post)


def run_axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['impact']} {violation['id']}: {violation['help']} "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


# Each <link> that names a file (icon, manifest, stylesheet) and each icon of the manifest
# must answer 200: a browser fetches some of them only when it shows a tab or installs.
CHECK_LINKED = """async () => {
  const bad = [];
  const fetched = async (url) => {
    const response = await fetch(url);
    if (!response.ok) bad.push(response.status + ' ' + url);
    return response;
  };
  const named = 'link[rel~="icon"], link[rel="manifest"], link[rel="stylesheet"]';
  for (const link of document.querySelectorAll(named)) {
    const response = await fetched(link.href);
    if (link.rel === 'manifest' && response.ok) {
      const manifest = await response.json();
      for (const icon of manifest.icons || []) await fetched(new URL(icon.src, link.href).href);
      await fetched(new URL(manifest.start_url, link.href).href);
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("kind", [pytest.param(kind, id=kind.name) for kind in PAGES])
def test_page_passes_axe_in_both_schemes_without_errors(
    kind: PageKind, site: Site, browser: Any, screenshots: Path
) -> None:
    found: list[str] = []
    for scheme in SCHEMES:
        for width, height in SIZES:
            watched = Watched(browser, width, height, scheme)
            try:
                response = watched.page.goto(page_url(site, kind), wait_until="load")
                assert response is not None and response.status == 200, kind
                if kind.ready:
                    watched.page.wait_for_function(kind.ready)
                found += [f"{scheme}: {bad}" for bad in watched.page.evaluate(CHECK_LINKED)]
                if width == SIZES[0][0]:
                    found += [f"{scheme}: axe {violation}" for violation in run_axe(watched.page)]
                scroll = watched.page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    found.append(f"{scheme} {width}px: scrolls sideways ({scroll}px wide)")
                name = f"{kind.name}-{width}x{height}-{scheme}.png"
                watched.page.screenshot(path=str(screenshots / name), full_page=True)
                found += [f"{scheme} {width}px: {problem}" for problem in watched.problems]
            finally:
                watched.close()
    assert found == [], "\n".join(found)


FOCUS_STATE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {
    index: element.dataset.kbd === undefined ? null : Number(element.dataset.kbd),
    ring: outline || style.boxShadow !== 'none',
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
    inMain: element.closest('main') !== null,
    firstPostLink: element === document.querySelector('main article a[href]'),
    text: element.outerHTML.slice(0, 120),
  };
}"""
MARK_FOCUSABLE = """() => {
  const all = document.querySelectorAll('a[href], button, input, select, textarea, summary');
  all.forEach((element, index) => { element.dataset.kbd = index; });
  return all.length;
}"""


def test_keyboard_reaches_everything_with_a_visible_focus(site: Site, browser: Any) -> None:
    watched = Watched(browser, 1280, 800, "light")
    try:
        page = watched.page
        page.goto(site.base, wait_until="load")
        focusable = page.evaluate(MARK_FOCUSABLE)
        page.keyboard.press("Tab")
        skip = page.evaluate(FOCUS_STATE)
        assert 'class="skip"' in skip["text"] and skip["ring"] and skip["shown"], skip
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        after_skip = page.evaluate(FOCUS_STATE)
        assert after_skip["inMain"] and after_skip["firstPostLink"], after_skip
        page.goto(site.base, wait_until="load")
        page.evaluate(MARK_FOCUSABLE)
        reached: set[int] = set()
        for _ in range(focusable):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            assert state["ring"] and state["shown"], state
            if state["index"] is not None:
                reached.add(state["index"])
        assert reached == set(range(focusable))
        assert watched.problems == []
    finally:
        watched.close()


RESULT_LINKS = "ol#search-results > li.search-result > a[href]"
HREFS = "links => links.map(link => link.getAttribute('href'))"
TEXTS = "elements => elements.map(element => element.textContent)"
ALL_SHOWN = "document.querySelectorAll('#search-results > li').length"


def posts_by_text(site: Site) -> dict[str, tuple[str, set[str]]]:
    """{post URL path: (its text, its tags)}, read from the built post pages."""
    found = {}
    for page in sorted((site.output / "posts").glob("*/index.html")):
        html = page.read_text("utf-8")
        body = re.search(r'<div class="e-content"[^>]*>(.*?)</div>', html, re.S)
        assert body is not None, page
        text = unescape(re.sub(r"<[^>]+>", " ", body.group(1)))
        tags = set(re.findall(r'class="tag p-category"[^>]*>(#[^<]+)</a>', html))
        found[f"{MOUNT}posts/{page.parent.name}/"] = (text, tags)
    return found


def search_results(page: Any) -> tuple[str, list[str]]:
    page.wait_for_function(SEARCH_DONE)
    status = page.text_content("#search-status") or ""
    return status, sorted(page.eval_on_selector_all(RESULT_LINKS, HREFS))


def test_search_finds_the_posts_that_have_a_word_under_the_sub_path(
    site: Site, browser: Any
) -> None:
    posts = posts_by_text(site)
    having = {
        word: sorted(
            url for url, (text, _) in posts.items() if re.search(rf"\b{word}\b", text, re.I)
        )
        for word in ("monolith", "latency")
    }
    assert len(having["monolith"]) >= 2 and len(having["latency"]) >= 2, having
    watched = Watched(browser, 1280, 800, "light")
    try:
        page = watched.page
        page.goto(site.base + "search/?q=monolith", wait_until="load")
        status, links = search_results(page)
        assert links == having["monolith"], status
        assert status == f"{len(links)} posts found."
        assert page.is_hidden("#search-fallback") and page.is_visible("#search-results")
        # each result is named by its post's headline, and its excerpt is the post's text
        titles = page.eval_on_selector_all(RESULT_LINKS, TEXTS)
        assert all(title.startswith("Your microservices") for title in titles), titles
        excerpts = page.eval_on_selector_all("#search-results .search-excerpt", TEXTS)
        assert all(excerpt.startswith("Your microservices") for excerpt in excerpts), excerpts
        marks = page.eval_on_selector_all("#search-results mark", TEXTS)
        assert marks and {mark.lower() for mark in marks} == {"monolith"}, marks
        # typing another word searches again, and the address follows
        page.fill("#search-input", "latency")
        page.wait_for_function("() => location.search === '?q=latency'")
        status, links = search_results(page)
        assert links == having["latency"], status
        # a tag narrows the results to its posts
        tag = sorted(posts[having["latency"][0]][1])[0]
        page.select_option("#search-tag", value=tag)
        page.wait_for_function("() => location.search.includes('tag=')")
        status, links = search_results(page)
        assert links == [url for url in having["latency"] if tag in posts[url][1]], (tag, status)
        # a result leads to its post
        first = page.get_attribute(f"{RESULT_LINKS} >> nth=0", "href")
        page.click(f"{RESULT_LINKS} >> nth=0")
        page.wait_for_url(site.base.split(MOUNT)[0] + str(first))
        assert "latency" in (page.text_content("main article") or "").lower()
        # a tag alone lists its posts, ten at a time; the next ten come on request, and the
        # keyboard's focus goes to the first of them
        tagged = sorted(url for url, (_, tags) in posts.items() if "#Backend" in tags)
        assert len(tagged) > 10
        page.goto(site.base + "search/?tag=%23Backend", wait_until="load")
        status, links = search_results(page)
        assert status == f"{len(tagged)} posts found; the first 10 are shown." and len(links) == 10
        page.dblclick("button.search-more")  # a second click while the first loads: no more
        page.wait_for_function(f"() => location.search && {ALL_SHOWN} === {len(tagged)}")
        page.wait_for_timeout(300)  # what a second load would have added by now
        in_order = page.eval_on_selector_all(RESULT_LINKS, HREFS)
        assert sorted(in_order) == tagged and page.is_hidden("button.search-more")
        assert page.evaluate("document.activeElement.getAttribute('href')") == in_order[10]
        assert page.text_content("#search-status") == f"{len(tagged)} posts found."
        assert watched.problems == []
    finally:
        watched.close()


def test_every_page_has_no_nu_checker_error_or_warning(tmp_path: Path) -> None:
    require_vnu()
    output = build_sample(tmp_path)
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 20
    assert validate_with_vnu(pages, warnings=True) == []
    manifest = json.loads((output / "manifest.webmanifest").read_text("utf-8"))
    assert manifest["start_url"] == MOUNT
    assert all((output / icon["src"].removeprefix(MOUNT)).is_file() for icon in manifest["icons"])

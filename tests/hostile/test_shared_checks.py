"""The shared checks added for the hostile corpus catch what they claim to, on hand-made sites."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.sitechecks import (
    CANARY,
    feed_post_slugs,
    files_containing,
    plant_canary,
    reachable_pages,
    reachable_posts,
    site_base_url,
    tree_digest,
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def page(*links: str) -> str:
    anchors = "".join(f'<a href="{link}">x</a>' for link in links)
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{anchors}</body></html>"


def test_reachable_posts_follow_links_from_the_home_page_only(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": page("/blog/tags/", "page/2/", "https://elsewhere.example/posts/x/"),
            "page/2/index.html": page("../../posts/on-page-two/"),
            "tags/index.html": page("/blog/tags/t%C3%A9/"),
            "tags/té/index.html": page("/blog/posts/caf%C3%A9/", "/elsewhere/posts/outside/"),
            "posts/on-page-two/index.html": page(),
            "posts/café/index.html": page("/blog/posts/orphan-linked-from-a-post/"),
            "posts/orphan-linked-from-a-post/index.html": page(),
            "posts/orphan/index.html": page("/blog/"),
        },
    )
    assert reachable_posts(site, "/blog/") == {"on-page-two", "café", "orphan-linked-from-a-post"}
    assert "posts/orphan/index.html" not in reachable_pages(site, "/blog/")
    assert reachable_posts(tmp_path / "missing", "/") == set()


def test_files_containing_finds_the_marker_in_any_case_and_skips_links(tmp_path: Path) -> None:
    site = write(
        tmp_path / "site",
        {"a.html": f"<p>{CANARY.lower()}</p>", "b/c.xml": f"<x>{CANARY}</x>", "d.css": "clean"},
    )
    (site / "link.html").symlink_to(site / "a.html")
    assert files_containing(site, CANARY) == ["a.html", "b/c.xml"]


def test_plant_canary_links_lead_outside_and_keep_existing_files(tmp_path: Path) -> None:
    site = write(tmp_path / "site", {"templates/base.html": "mine", "content/a.md": "post"})
    links = plant_canary(site, tmp_path / "outside")
    assert site / "templates" / "base.html" not in links
    assert (site / "templates" / "base.html").read_text() == "mine"
    assert {link.relative_to(site).parts[0] for link in links} == {"content", "templates", "static"}
    for link in links:
        assert link.is_symlink()
        target = Path(os.path.realpath(link))
        assert not target.is_relative_to(site.resolve())
        marked = [target] if target.is_file() else list(target.iterdir())
        assert all(CANARY in path.read_text() for path in marked)


def test_feed_post_slugs_and_site_base_url_read_what_a_build_writes(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "feed.xml": "<rss><channel><item><guid>https://e.org/b/posts/caf%C3%A9/</guid></item>"
            "</channel></rss>",
            "atom.xml": '<feed xmlns="http://www.w3.org/2005/Atom"><id>https://e.org/b/</id>'
            "<entry><id>https://e.org/b/posts/x/</id></entry></feed>",
            "sitemap.xml": '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://e.org/b/tags/</loc></url><url><loc>https://e.org/b/</loc></url>"
            "</urlset>",
        },
    )
    assert feed_post_slugs(site / "feed.xml") == {"café"}
    assert feed_post_slugs(site / "atom.xml") == {"x"}
    assert site_base_url(site) == "https://e.org/b/"
    before = tree_digest(site)
    (site / "feed.xml").write_text("changed")
    assert tree_digest(site) != before

"""urls.lock end to end: `microblog lock`, then edits a person makes, then builds and checks
that keep every pinned URL, guid and date (or say why they cannot)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from tests.conftest import REPO, MakeSite

ARCHIVE = """\
---
date: 2024-05-01T09:00:00+00:00
---
Caching is a trade: you buy latency with staleness and pay in invalidation bugs #Backend
Queues decouple producers from consumers, and also hide how far behind you are #SystemDesign
Idempotency keys turn a retry storm into a no-op instead of a double charge #Backend
Observability is asking new questions of a running system without shipping new code #Ops
"""

FIRST_MD = """\
---
title: First
date: 2024-06-01T10:00:00+00:00
---
The first long-form post, about how timeouts compose across three services. #Backend
"""

SECOND_MD = """\
---
title: Second
date: 2024-06-02T10:00:00+00:00
---
A second post about retries with jitter and why exponential backoff is not enough. #Ops
"""

NEW_MD = """\
---
title: Third
date: 2024-06-03T10:00:00+00:00
---
Brand new: a note on load shedding at the edge, written after the lock. #Ops
"""


def run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), *args, "--config", str(site / "site.yaml")]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def build(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(site, "build", "--output", str(site / "_site"), *args)


def guids(site: Path) -> dict[str, str]:
    """Each item of the site's RSS feed: guid -> link."""
    feed = feedparser.parse((site / "_site" / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    return {entry.id: entry.link for entry in feed.entries}


def pins(site: Path) -> dict[str, dict[str, object]]:
    lines = (site / "urls.lock").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# urls.lock")
    records = [json.loads(line) for line in lines[1:]]
    assert [r["url"] for r in records] == sorted(r["url"] for r in records)
    return {str(r["url"]): r for r in records}


@pytest.fixture
def locked(make_site: MakeSite) -> Path:
    site = make_site(
        {
            "content/archive.txt": ARCHIVE,
            "content/first.md": FIRST_MD,
            "content/second.md": SECOND_MD,
        }
    )
    done = run(site, "lock")
    assert done.returncode == 0, done.stderr
    assert "6 posts pinned (6 new)" in done.stdout
    assert build(site, "--strict").returncode == 0
    return site


def test_lock_pins_every_post_in_a_sorted_text_file(locked: Path) -> None:
    pinned = pins(locked)
    assert len(pinned) == 6
    first = pinned["posts/first/"]
    assert first["guid"] == "https://example.org/posts/first/"
    assert first["date"] == "2024-06-01T10:00:00+00:00"
    assert first["file"] == "content/first.md"
    assert set(guids(locked)) == {str(p["guid"]) for p in pinned.values()}
    assert run(locked, "lock").returncode == 0  # a second lock changes nothing
    assert pins(locked) == pinned


def test_edits_keep_pinned_urls_guids_and_dates(locked: Path) -> None:
    before = guids(locked)
    pinned = pins(locked)
    archive = locked / "content" / "archive.txt"
    text = archive.read_text(encoding="utf-8")
    text = text.replace("you buy latency", "you buy lower latency")  # a typo fixed
    lines = text.splitlines(keepends=True)
    lines[4], lines[6] = lines[6], lines[4]  # two posts re-ordered
    archive.write_text("".join(lines), encoding="utf-8")
    (locked / "content" / "first.md").rename(locked / "content" / "renamed-first.md")
    (locked / "content" / "third.md").write_text(NEW_MD, encoding="utf-8")

    done = build(locked, "--strict")
    assert done.returncode == 0, done.stderr
    assert "content/third.md:5: note MB111" in done.stderr
    after = guids(locked)
    assert before.items() <= after.items()  # every pinned guid, at the same link
    assert len(after) == len(before) + 1
    for url in pinned:
        assert (locked / "_site" / url / "index.html").is_file()
    assert not (locked / "_site" / "posts" / "renamed-first").exists()
    feed = feedparser.parse((locked / "_site" / "feed.xml").read_bytes())
    dates = {entry.id: entry.published for entry in feed.entries}
    assert dates["https://example.org/posts/first/"] == "Sat, 01 Jun 2024 10:00:00 +0000"

    check = run(locked, "check")
    assert check.returncode == 0
    assert "1 not pinned yet" in check.stdout
    locking = run(locked, "lock", "--check")
    assert locking.returncode == 0
    assert "1 post not pinned yet" in locking.stdout
    assert run(locked, "lock").returncode == 0
    assert set(pins(locked)) == set(pinned) | {"posts/third/"}
    assert "MB111" not in build(locked, "--strict").stderr


def test_a_deleted_post_leaves_a_removed_page_and_fails_strict(locked: Path) -> None:
    (locked / "content" / "second.md").unlink()
    done = build(locked, "--strict")
    assert done.returncode == 1
    assert "content/second.md:5: warning MB112" in done.stderr
    page = (locked / "_site" / "posts" / "second" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in page
    assert "This post was removed" in page
    assert "https://example.org/posts/second/" not in guids(locked)
    sitemap = (locked / "_site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "posts/second/" not in sitemap
    assert run(locked, "lock", "--check").returncode == 1

    assert run(locked, "lock").returncode == 0
    assert pins(locked)["posts/second/"]["state"] == "removed"
    again = build(locked, "--strict")
    assert again.returncode == 0, again.stderr
    assert (locked / "_site" / "posts" / "second" / "index.html").is_file()
    # a new post in the removed post's file does not get its URL, nor its guid
    (locked / "content" / "second.md").write_text(NEW_MD.replace("Third", "Second"), "utf-8")
    third = build(locked)
    assert "content/second.md:5: note MB115" in third.stderr
    assert "https://example.org/posts/second/" not in guids(locked)
    page = (locked / "_site" / "posts" / "second" / "index.html").read_text(encoding="utf-8")
    assert "This post was removed" in page
    # the removed post itself, written again, is back at its URL with its guid and date
    (locked / "content" / "second.md").write_text(SECOND_MD, encoding="utf-8")
    back = build(locked, "--strict")
    assert back.returncode == 0, back.stderr
    assert guids(locked)["https://example.org/posts/second/"] == "https://example.org/posts/second/"


def test_a_new_post_never_takes_a_pinned_url(locked: Path) -> None:
    (locked / "content" / "second.md").unlink()
    assert run(locked, "lock").returncode == 0
    other = locked / "content" / "elsewhere"
    other.mkdir()
    (other / "second.md").write_text(NEW_MD.replace("Third", "Unrelated"), encoding="utf-8")
    done = build(locked)
    assert "content/elsewhere/second.md:5: note MB115" in done.stderr
    page = (locked / "_site" / "posts" / "second" / "index.html").read_text(encoding="utf-8")
    assert "This post was removed" in page
    assert "https://example.org/posts/second/" not in guids(locked)


def test_a_slug_of_its_own_moves_the_post_and_keeps_its_guid(locked: Path) -> None:
    first = locked / "content" / "first.md"
    first.write_text(FIRST_MD.replace("title: First", "title: First\nslug: timeouts"), "utf-8")
    done = build(locked, "--strict")
    assert done.returncode == 1
    assert "content/first.md:6: warning MB113" in done.stderr
    old = (locked / "_site" / "posts" / "first" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/posts/timeouts/">' in old
    assert "It moved to a new address" in old
    rss = (locked / "_site" / "feed.xml").read_text(encoding="utf-8")
    assert '<guid isPermaLink="false">https://example.org/posts/first/</guid>' in rss
    assert guids(locked)["https://example.org/posts/first/"] == (
        "https://example.org/posts/timeouts/"
    )
    assert run(locked, "lock").returncode == 0
    pinned = pins(locked)
    assert pinned["posts/first/"]["state"] == "moved"
    assert pinned["posts/first/"]["moved_to"] == "posts/timeouts/"
    assert pinned["posts/timeouts/"]["guid"] == "https://example.org/posts/first/"
    assert build(locked, "--strict").returncode == 0
    assert (locked / "_site" / "posts" / "first" / "index.html").is_file()


def test_a_changed_date_keeps_the_pinned_one_until_updated(locked: Path) -> None:
    first = locked / "content" / "first.md"
    first.write_text(FIRST_MD.replace("2024-06-01T10", "2024-07-01T10"), encoding="utf-8")
    done = build(locked, "--strict")
    assert done.returncode == 1
    assert "content/first.md:5: warning MB114" in done.stderr
    feed = feedparser.parse((locked / "_site" / "feed.xml").read_bytes())
    dates = {entry.id: entry.published for entry in feed.entries}
    assert dates["https://example.org/posts/first/"] == "Sat, 01 Jun 2024 10:00:00 +0000"
    assert run(locked, "lock").returncode == 0
    assert pins(locked)["posts/first/"]["date"] == "2024-06-01T10:00:00+00:00"
    assert run(locked, "lock", "--update-dates").returncode == 0
    assert pins(locked)["posts/first/"]["date"] == "2024-07-01T10:00:00+00:00"
    assert build(locked, "--strict").returncode == 0


def test_guids_stay_when_the_base_url_changes(locked: Path) -> None:
    done = build(locked, "--base-url", "https://USER.github.io/archive/")
    assert done.returncode == 0, done.stderr
    rss = (locked / "_site" / "feed.xml").read_text(encoding="utf-8")
    assert '<guid isPermaLink="false">https://example.org/posts/first/</guid>' in rss
    assert "<link>https://USER.github.io/archive/posts/first/</link>" in rss
    atom = feedparser.parse((locked / "_site" / "atom.xml").read_bytes())
    assert "https://example.org/posts/first/" in {entry.id for entry in atom.entries}
    items = json.loads((locked / "_site" / "feed.json").read_text(encoding="utf-8"))["items"]
    assert "https://example.org/posts/first/" in {item["id"] for item in items}


def test_an_unreadable_line_is_an_error_and_lock_refuses_to_write(locked: Path) -> None:
    lock = locked / "urls.lock"
    lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace('"guid"', '"gid"')
    lock.write_text("".join(lines), encoding="utf-8")
    done = build(locked)
    assert done.returncode == 0
    assert "urls.lock:3: error MB110 line is not a pin: unknown key 'gid'" in done.stderr
    assert run(locked, "check").returncode == 1
    refused = run(locked, "lock")
    assert refused.returncode == 1
    assert "was not written" in refused.stderr
    assert lock.read_text(encoding="utf-8") == "".join(lines)


def test_a_lock_that_leads_outside_the_site_is_not_read(locked: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.lock"
    (locked / "urls.lock").rename(outside)
    (locked / "urls.lock").symlink_to(outside)
    done = build(locked)
    assert "urls.lock: error MB110 cannot be read" in done.stderr
    assert "leads outside the site folder" in done.stderr


def test_without_a_lock_lock_check_passes_and_nothing_is_written(make_site: MakeSite) -> None:
    site = make_site({"content/first.md": FIRST_MD})
    done = run(site, "lock", "--check")
    assert done.returncode == 0
    assert "no urls.lock" in done.stdout
    assert not (site / "urls.lock").exists()


def test_an_unrelated_post_in_a_deleted_posts_place_is_a_new_post(locked: Path) -> None:
    archive = locked / "content" / "archive.txt"
    lines = archive.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = (
        "Writing tests first changes the design you end up with, mostly for the better #Ops\n"
    )
    archive.write_text("".join(lines), encoding="utf-8")
    done = build(locked)
    assert "content/archive.txt:6: note MB111" in done.stderr
    assert "content/archive.txt:6: warning MB112" in done.stderr  # the idempotency post
    assert "MB116" not in done.stderr
    assert len(guids(locked)) == 6  # five pinned, one new: none inherited


def test_a_similar_edit_is_a_note_that_lock_records(locked: Path) -> None:
    archive = locked / "content" / "archive.txt"
    text = archive.read_text(encoding="utf-8").replace("hide how far", "hide just how far")
    archive.write_text(text, encoding="utf-8")
    done = build(locked, "--strict")
    assert done.returncode == 0
    assert "content/archive.txt:5: note MB116 matched its pin in urls.lock by similar text" in (
        done.stderr
    )
    assert run(locked, "lock").returncode == 0
    assert "MB116" not in build(locked).stderr


def test_a_slug_pinned_for_another_post_is_refused(locked: Path) -> None:
    first = locked / "content" / "first.md"
    first.write_text(FIRST_MD.replace("title: First", "title: First\nslug: second"), "utf-8")
    done = build(locked, "--strict")
    assert done.returncode == 1
    assert "MB113 slug 'second' is pinned in urls.lock for another post" in done.stderr
    assert "MB060" not in done.stderr
    assert guids(locked)["https://example.org/posts/first/"] == "https://example.org/posts/first/"
    assert run(locked, "lock").returncode == 0  # and the lock stays readable
    assert run(locked, "lock", "--check").returncode == 1


def test_a_renamed_file_keeps_its_url_when_a_new_file_takes_its_name(locked: Path) -> None:
    content = locked / "content"
    (content / "first.md").rename(content / "timeouts.md")
    (content / "first.md").write_text(NEW_MD, encoding="utf-8")
    done = build(locked, "--strict")
    assert done.returncode == 0, done.stderr
    assert "content/first.md:5: note MB115" in done.stderr
    items = guids(locked)
    assert items["https://example.org/posts/first/"] == "https://example.org/posts/first/"
    page = (locked / "_site" / "posts" / "first" / "index.html").read_text(encoding="utf-8")
    assert "how timeouts compose" in page


def test_a_post_moved_twice_redirects_from_its_first_url(locked: Path) -> None:
    first = locked / "content" / "first.md"
    for slug in ("timeouts", "deadlines"):
        first.write_text(FIRST_MD.replace("title: First", f"title: First\nslug: {slug}"), "utf-8")
        assert run(locked, "lock").returncode == 0
    assert build(locked, "--strict").returncode == 0
    for old in ("first", "timeouts"):
        page = (locked / "_site" / "posts" / old / "index.html").read_text(encoding="utf-8")
        assert '<link rel="canonical" href="https://example.org/posts/deadlines/">' in page

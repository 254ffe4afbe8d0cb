"""`microblog feed-preview`: the items a newsletter would send next, on the sample site after a
post is added, for a tag, without a lock; and what an e-mail client would drop."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from microblog.feedpreview import email_warnings
from tests.conftest import REPO, MakeSite, git
from tests.support.htmlcheck import check_html_files, require_vnu

NEW_POST = """\
---
title: A new note for the newsletter
date: 2024-07-01T09:00:00+00:00
---
Written after the lock: only this one goes out. #Backend
"""


def run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "build.py"), *args, "--config", str(site / "site.yaml")]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def files_of(site: Path) -> set[str]:
    return {str(path.relative_to(site)) for path in site.rglob("*") if ".git" not in path.parts}


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The repository's sample site in a git repository of its own (its posts are dated by
    the commit that added them), pinned."""
    site = tmp_path / "sample"
    site.mkdir()
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    shutil.copytree(REPO / "content", site / "content")
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "sample", date="2024-06-01T08:00:00+00:00")
    locked = run(site, "lock")
    assert locked.returncode == 0, locked.stderr
    return site


def test_after_adding_a_post_the_preview_shows_exactly_that_post(sample: Path) -> None:
    (sample / "content" / "new-note.md").write_text(NEW_POST, encoding="utf-8")
    before = files_of(sample)
    done = run(sample, "feed-preview")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "1 item a service that saw the feed as pinned in urls.lock would send next" in lines[0]
    assert lines[1].split() == [
        "2024-07-01",
        "A",
        "new",
        "note",
        "for",
        "the",
        "newsletter",
        "https://example.org/posts/new-note/",
    ]
    preview = sample / ".microblog-cache" / "feed-preview.html"
    assert files_of(sample) - before == {".microblog-cache", ".microblog-cache/feed-preview.html"}
    page = preview.read_text(encoding="utf-8")
    assert page.count('<article class="email"') == 1
    assert "Written after the lock: only this one goes out." in page
    assert 'href="https://example.org/posts/new-note/"' in page
    require_vnu()
    assert check_html_files([preview]) == []


def test_nothing_new_once_locked_and_everything_without_a_lock(sample: Path) -> None:
    done = run(sample, "feed-preview")
    assert done.returncode == 0
    assert "0 items" in done.stdout
    assert "Nothing new" in (sample / ".microblog-cache" / "feed-preview.html").read_text("utf-8")
    (sample / "urls.lock").unlink()
    out = sample.parent / "elsewhere" / "preview.html"
    unlocked = run(sample, "feed-preview", "--output", str(out))
    assert "would send next" in unlocked.stdout
    assert "never (there is no urls.lock)" in unlocked.stdout
    assert out.is_file()
    assert out.read_text(encoding="utf-8").count('<article class="email"') == 16


def test_a_tag_feed_and_an_unknown_tag(sample: Path) -> None:
    (sample / "content" / "new-note.md").write_text(NEW_POST, encoding="utf-8")
    backend = run(sample, "feed-preview", "--tag", "backend")
    assert backend.returncode == 0, backend.stderr
    assert "https://example.org/tags/backend/feed.xml: 1 item" in backend.stdout
    other = run(sample, "feed-preview", "--tag", "systemdesign")
    assert "0 items" in other.stdout
    unknown = run(sample, "feed-preview", "--tag", "no-such-tag")
    assert unknown.returncode == 2
    assert unknown.stderr.count("\n") == 1
    assert "--tag no-such-tag: no tag has that slug" in unknown.stderr


def test_without_a_site_it_is_a_fatal_error(make_site: MakeSite) -> None:
    site = make_site({"content/a.md": NEW_POST})
    (site / "site.yaml").unlink()
    done = run(site, "feed-preview")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_email_warnings_name_what_a_client_drops() -> None:
    fragment = (
        '<p class="lead">Hi <a href="/posts/x/">there</a> <a href="#top">up</a>'
        ' <a href="mailto:a@example.org">mail</a></p>'
        '<img src="https://example.org/a.png">'
        '<img src="https://example.org/b.png" alt="B" width="10" height="10">'
        "<svg></svg><script>x()</script>"
    )
    warnings = email_warnings(fragment)
    assert warnings == [
        '<p class="lead">: with no style sheet in an e-mail, what the class styles is lost',
        '<a href="/posts/x/">: a relative URL leads nowhere in an e-mail',
        '<img src="https://example.org/a.png"> has no alt text: shown as nothing while images'
        " are blocked",
        '<img src="https://example.org/a.png"> has no width and height: the e-mail jumps as it'
        " loads, and Outlook may show it at full size",
        "<svg>: an inline SVG image: Gmail and Outlook drop it",
        "<script>: a script: e-mail clients never run scripts",
    ]
    assert email_warnings("<p>Plain <a href='https://example.org/'>text</a></p>") == []


def test_the_digest_feed_sends_the_week_that_ended(sample: Path) -> None:
    """The sample's posts are all of one week; a post of a later week ends it: that week's
    digest is what goes out next, and it was not in the digest feed as pinned."""
    config = sample / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "feed:\n  digest: weekly\n", "utf-8")
    assert "0 items" in run(sample, "feed-preview", "--digest").stdout
    (sample / "content" / "new-note.md").write_text(NEW_POST, encoding="utf-8")
    done = run(sample, "feed-preview", "--digest")
    assert done.returncode == 0, done.stderr
    assert "https://example.org/digest/feed.xml: 1 item" in done.stdout
    assert "https://example.org/digest/2024-W22/" in done.stdout
    page = (sample / ".microblog-cache" / "feed-preview.html").read_text(encoding="utf-8")
    assert page.count('<article class="email"') == 1
    assert "16 posts, week of 27 May 2024" in page
    assert "Written after the lock" not in page  # its week has not ended
    require_vnu()
    assert check_html_files([sample / ".microblog-cache" / "feed-preview.html"]) == []
    no_tags = run(sample, "feed-preview", "--digest", "--tag", "backend")
    assert no_tags.returncode == 2
    assert "feed.digest_tags" in no_tags.stderr

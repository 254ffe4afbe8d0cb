"""The sample site the browser tests and benchmarks/lighthouse.py look at: the repository's
sample archive with dates, and one titled Markdown post, built for a site under /archive/."""

from __future__ import annotations

from pathlib import Path

from microblog.cli import main
from tests.conftest import SAMPLE_ARCHIVE, write_site

MOUNT = "/archive/"
MARKDOWN_POST = """---
title: A post with a title
date: 2024-05-31 18:30
tags: [Backend]
---
A **Markdown** post with [a link in its text](/archive/tags/backend/), to show that links
differ from the words around them by more than colour. #Meta
"""


def build_sample(root: Path, mount: str = MOUNT) -> Path:
    """Write the sample site in root/site, build it into root/out for `mount`; returns out."""
    archive = "---\ndate: 2024-06-01T08:00:00+00:00\n---\n" + SAMPLE_ARCHIVE.read_text("utf-8")
    site = write_site(
        root / "site",
        {
            "content/archive.txt": archive,
            "content/titled.md": MARKDOWN_POST.replace(MOUNT, mount),
        },
        title="Sample archive",
        base_url="https://user.github.io" + mount,
        description="Short posts about building software, kept in one place.",
        author="Sam Ple",
        posts_per_page=6,
    )
    output = root / "out"
    arguments = ["build", "--quiet", "--config", str(site / "site.yaml"), "--output", str(output)]
    if main(arguments) != 0:
        raise RuntimeError(f"the sample site in {site} did not build")
    return output

"""Lighthouse scores of the sample site: performance, accessibility, best practices, SEO.

    python benchmarks/lighthouse.py [--mount /blog/] [--lighthouse 'npx --yes lighthouse@12']

Builds the sample site (tests/support/samplesite.py) for a site under --mount, serves it on
127.0.0.1 and a free port, and runs npm's Lighthouse with Debian's Chromium (CHROME_PATH,
default /usr/bin/chromium) on the home page and a post page, printing the four category
scores of each. `npx --yes lighthouse@12` downloads Lighthouse from the npm registry on its
first run, so this is not part of the tests or of CI. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.crawl import serve_directory
from tests.support.samplesite import build_sample

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"


def run_lighthouse(command: list[str], url: str, report: Path) -> dict[str, float]:
    """The category scores (0-100) Lighthouse gives `url`; its JSON report goes to `report`."""
    subprocess.run(
        [
            *command,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
    )
    found = json.loads(report.read_text("utf-8"))
    return {name: round(found["categories"][name]["score"] * 100) for name in CATEGORIES}


def failed_audits(report: Path) -> list[str]:
    """The audits that scored below 1, to say what to fix."""
    found = json.loads(report.read_text("utf-8"))
    return sorted(
        f"{audit['id']}: {audit['title']}"
        for audit in found["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mount", default="/blog/", help="the site's path (default /blog/)")
    parser.add_argument("--lighthouse", default="npx --yes lighthouse@12")
    parser.add_argument("--verbose", action="store_true", help="also list the audits missed")
    args = parser.parse_args()
    command = shlex.split(args.lighthouse)
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as work:
        output = build_sample(Path(work), args.mount)
        post = sorted(path.name for path in (output / "posts").iterdir())[0]
        with serve_directory(output, args.mount) as base:
            for name, url in (("home", base), ("post", f"{base}posts/{post}/")):
                report = Path(work) / f"{name}.json"
                scores = run_lighthouse(command, url, report)
                shown = "  ".join(f"{category} {score}" for category, score in scores.items())
                print(f"{name:5} {shown}")
                if args.verbose:
                    for audit in failed_audits(report):
                        print(f"      missed {audit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build-time benchmark: median wall time of `build.py build` on generated archives.

    python benchmarks/build.py [--posts 200 5000] [--runs 5] [--against REV]

Each size is an archive of N dated posts with glued hashtag runs (300 distinct tags), built
once into no output ("clean") and then rebuilt over its own output (median of --runs). The
first size is the baseline: every row reports its clean time per post as a ratio to the
baseline's, measured in the same run, so a slow or busy machine shifts all rows alike.
`--against REV` also times the code of another git revision (extracted with `git archive`
into a temporary folder) on the same inputs, side by side. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORDS = (
    "latency",
    "throughput",
    "cache",
    "queue",
    "shard",
    "replica",
    "schema",
    "index",
    "contract",
    "service",
    "monolith",
    "deploy",
    "rollback",
    "review",
    "pipeline",
)


def make_site(folder: Path, posts: int) -> Path:
    rng = random.Random(posts)
    (folder / "content").mkdir(parents=True)
    (folder / "site.yaml").write_text(
        "title: Benchmark\nbase_url: https://example.org/archive/\ndate: 2024-01-01\n"
        "dates_from_git: false\n"
    )
    lines = []
    for index in range(posts):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        tags = "".join(f"#Tag{rng.randint(0, 299)}" for _ in range(rng.randint(1, 4)))
        lines.append(f"Post {index}: {words}. {tags}")
    (folder / "content" / "archive.txt").write_text("\n".join(lines) + "\n", "utf-8")
    return folder


def time_build(code: Path, site: Path, runs: int) -> tuple[float, float]:
    """(seconds of a build into no output, median seconds of rebuilds over the last output)."""
    output = site / "_site"
    shutil.rmtree(output, ignore_errors=True)
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(code / "build.py"),
                "build",
                "--config",
                str(site / "site.yaml"),
                "--output",
                str(output),
            ],
            check=True,
            capture_output=True,
            cwd=code,
        )
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times[1:])


def extract(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", rev], cwd=REPO, check=True, capture_output=True
    ).stdout
    into.mkdir()
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[200, 5000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", metavar="REV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        other = extract(args.against, work / "other") if args.against else None
        rows = []
        for posts in args.posts:
            site = make_site(work / f"site-{posts}", posts)
            current = time_build(REPO, site, args.runs)
            before = time_build(other, site, args.runs) if other else None
            rows.append((posts, current, before))
        report(rows, args.runs, args.against)


def report(
    rows: list[tuple[int, tuple[float, float], tuple[float, float] | None]],
    runs: int,
    against: str | None,
) -> None:
    base_posts, (base_clean, _), _ = rows[0]
    print(
        f"clean build once, rebuild: median of {runs}; ratio: clean ms/post to the"
        f" {base_posts}-post baseline"
    )
    header = f"{'posts':>7} {'clean s':>8} {'rebuild s':>9} {'ms/post':>8} {'ratio':>6}"
    print(header + (f" {'then clean':>10} {'then rebuild':>12}" if against else ""))
    for posts, (clean, rebuild), before in rows:
        ratio = (clean / posts) / (base_clean / base_posts)
        line = f"{posts:>7} {clean:>8.2f} {rebuild:>9.2f} {1000 * clean / posts:>8.2f}"
        line += f" {ratio:>6.2f}"
        if before is not None:
            line += f" {before[0]:>10.2f} {before[1]:>12.2f}"
        print(line)


if __name__ == "__main__":
    main()

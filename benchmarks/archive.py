"""The speed bench's archive, timed: clean build, rebuild with nothing changed, one-post edit.

    python benchmarks/archive.py [--posts 1000 10000] [--runs 3] [--against REV] [--work DIR]

The archive is the one the speed targets are measured on: `../shared/bench/gen_corpus.py`
writes it when the shared bench is beside the repository (one Markdown file per post, 1-4
lines, t.co autolinks, glued hashtag runs from a Zipf-like pool of about N/20 tags, some
Unicode, five years of dates, front matter with date and tags). Without it, an archive of
the same shape is generated here (other words, same structure). Put `--work` on tmpfs
(the default is /dev/shm when there is one): on disk, times drift with the machine.

Each size is built once into no output and no cache ("clean"), then rebuilt with nothing
changed ("noop") and after appending a line to one post ("edit"), each the median of
`--runs`. `--against REV` times another git revision's code on the same archive. The ratio
to Hugo, and memory summed over a build's processes, come from `../shared/bench/vs-hugo.sh`.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import WORDS, extract  # benchmarks/build.py: its words, and git archive of a REV

REPO = Path(__file__).resolve().parents[1]
SHARED_GENERATOR = REPO.parent / "shared" / "bench" / "gen_corpus.py"
TAG_PARTS = (
    "System",
    "Design",
    "Backend",
    "Cloud",
    "Data",
    "Infra",
    "Ops",
    "Rust",
    "Python",
    "Web",
    "Scale",
    "Cache",
    "Queue",
)
UNICODE_TAGS = ("educación", "日本語", "programación", "Größe", "café", "опыт")


def make_archive(folder: Path, posts: int) -> Path:
    """The site folder of an archive of `posts` posts, with `.edit-target` naming one post."""
    if SHARED_GENERATOR.is_file():
        command = [sys.executable, str(SHARED_GENERATOR), "--sizes", str(posts)]
        command += ["--out", str(folder), "--layouts", "project"]
        subprocess.run(command, check=True, capture_output=True)
        return folder / str(posts) / "project"
    return _own_archive(folder / str(posts) / "project", posts)


def _own_archive(site: Path, posts: int) -> Path:
    rng = random.Random(posts)
    pool = [*UNICODE_TAGS]
    while len(pool) < max(10, posts // 20):
        pool.append("".join(rng.sample(TAG_PARTS, rng.choice((1, 2, 2, 3)))) + str(len(pool)))
    weights = [1 / (rank + 1) for rank in range(len(pool))]
    start, span = dt.datetime(2019, 1, 1, tzinfo=dt.UTC), int(5 * 365.25 * 86400)
    content = site / "content"
    content.mkdir(parents=True)
    names = []
    for index, second in enumerate(sorted(rng.sample(range(span), posts)), start=1):
        date = start + dt.timedelta(seconds=second)
        tags = list(dict.fromkeys(rng.choices(pool, weights, k=rng.randint(1, 4))))
        lines = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."
            for _ in range(rng.randint(1, 4))
        ]
        for _ in range(rng.choice((0, 0, 1, 2))):
            lines[rng.randrange(len(lines))] += f" <https://t.co/{rng.getrandbits(40):x}>"
        lines[-1] += " " + "".join(f"#{tag}" for tag in tags)
        front = f"---\ndate: {date:%Y-%m-%dT%H:%M:%SZ}\ntags: {tags}\n---\n"
        name = f"{date:%Y-%m-%d}-p{index:06d}.md"
        (content / name).write_text(front + "  \n".join(lines) + "\n", "utf-8")
        names.append(name)
    (site / "site.yaml").write_text(
        'title: "Microblog bench"\nbase_url: "https://example.org/"\n'
        "content_dir: content\noutput_dir: _site\nposts_per_page: 20\n",
        "utf-8",
    )
    (site / ".edit-target").write_text(f"content/{names[len(names) // 2]}\n", "utf-8")
    return site


def _run(code: Path, site: Path) -> float:
    started = time.perf_counter()
    command = [sys.executable, str(code / "build.py"), "build", "--quiet"]
    command += ["--config", str(site / "site.yaml"), "--output", str(site / "_site")]
    subprocess.run(command, check=True, capture_output=True, cwd=code)
    return time.perf_counter() - started


def time_modes(code: Path, site: Path, runs: int) -> tuple[float, float, float]:
    """(clean, noop median, edit median) seconds of `code` building `site`."""
    shutil.rmtree(site / "_site", ignore_errors=True)
    shutil.rmtree(site / ".microblog-cache", ignore_errors=True)
    clean = _run(code, site)
    noop = statistics.median(_run(code, site) for _ in range(runs))
    target = site / (site / ".edit-target").read_text("utf-8").strip()
    edits = []
    for run in range(runs):
        with target.open("a", encoding="utf-8") as post:
            post.write(f"\nEdited {run}.\n")
        edits.append(_run(code, site))
    return clean, noop, statistics.median(edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", metavar="REV")
    default_work = "/dev/shm" if Path("/dev/shm").is_dir() else None
    parser.add_argument("--work", type=Path, default=default_work)
    args = parser.parse_args()
    source = "../shared/bench" if SHARED_GENERATOR.is_file() else "this script (same shape)"
    print(f"archive from {source}; noop and edit: median of {args.runs}")
    print(f"{'posts':>7} {'code':>10} {'clean s':>8} {'noop s':>7} {'edit s':>7} {'ms/post':>8}")
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        codes = [("this", REPO)]
        if args.against:
            codes.append((args.against[:10], extract(args.against, work / "other")))
        for posts in args.posts:
            site = make_archive(work / "archives", posts)
            for name, code in codes:
                clean, noop, edit = time_modes(code, site, args.runs)
                print(
                    f"{posts:>7} {name:>10} {clean:>8.2f} {noop:>7.2f} {edit:>7.2f}"
                    f" {1000 * clean / posts:>8.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()

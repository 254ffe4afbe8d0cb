"""Hostile-input benchmark: time and peak memory of `check` and `build` on every hostile case.

    python benchmarks/hostile.py [--runs 3] [--only SUBSTRING ...] [--stress] [--slowest 10]

Each case of tests/hostile/ is prepared once (generated inputs included, exactly as the tests
make them), then `python build.py check` and `python build.py build` run on it as separate
processes, `--runs` times each. A row gives the median wall time and the peak resident memory
(the largest of the runs, from the kernel's accounting of that one process) of each command,
and the build time as a ratio to the baseline measured in the same run: the tiny golden fixture
(tests/golden/small), so a slow or busy machine shifts every row alike. `--stress` adds a few
inputs bigger than the corpus (20,000 posts with a tag each, a 2 MB and a 60 MB post with 100
tags each, a 60 MB archive; the file limit is 64 MB; a 100 MB tweets.js and a 100 MB outbox.json
on one line, made as the corpus makes its smaller ones). Rows over the limits (60 s, 1 GB) are
marked.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hostile.corpus import (  # noqa: E402
    case_names,
    prepare_case,
    write_big_outbox,
    write_big_tweets_js,
)

LIMIT_SECONDS = 60.0
LIMIT_BYTES = 1024**3
BASELINE = "baseline: tests/golden/small"


@dataclass
class Row:
    case: str
    seconds: dict[str, list[float]] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    codes: dict[str, set[int]] = field(default_factory=dict)

    def median(self, command: str) -> float:
        return statistics.median(self.seconds[command])

    def over_limit(self) -> bool:
        return any(self.median(c) > LIMIT_SECONDS for c in self.seconds) or any(
            peak > LIMIT_BYTES for peak in self.peak.values()
        )


def measure(argv: list[str], cwd: Path) -> tuple[float, int, int]:
    """(wall seconds, peak resident bytes, exit code) of one process."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "TZ": "UTC"}
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _pid, status, usage = os.wait4(process.pid, 0)  # this child's own usage, not all children's
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # Linux counts KiB
    return seconds, peak, process.returncode


def run_site(name: str, site: Path, output: Path, runs: int) -> Row:
    row = Row(name)
    commands = {
        "check": ["check", "--config", str(site / "site.yaml")],
        "build": ["build", "--config", str(site / "site.yaml"), "--output", str(output)],
    }
    for command, args in commands.items():
        for _ in range(runs):
            seconds, peak, code = measure([sys.executable, str(REPO / "build.py"), *args], site)
            row.seconds.setdefault(command, []).append(seconds)
            row.peak[command] = max(row.peak.get(command, 0), peak)
            row.codes.setdefault(command, set()).add(code)
    return row


# -- inputs bigger than the corpus (--stress) ---------------------------------------------


def _stress_site(folder: Path, files: dict[str, str]) -> Path:
    (folder / "content").mkdir(parents=True)
    (folder / "site.yaml").write_text(
        "title: Stress\nbase_url: https://example.org/stress/\ndate: 2024-01-01\n"
        "dates_from_git: false\n",
        encoding="utf-8",
    )
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _posts_each_tagged(folder: Path) -> Path:
    lines = (f"post {i} about latency and caches #t{i}\n" for i in range(20_000))
    return _stress_site(folder, {"content/archive.txt": "".join(lines)})


def _big_post_many_tags(folder: Path) -> Path:
    words = "latency cache queue shard replica " * 66_000
    tags = "".join(f"#t{i}" for i in range(100))
    return _stress_site(folder, {"content/big.txt": words + tags + "\n"})


def _huge_post_many_tags(folder: Path) -> Path:
    words = "latency cache queue shard replica " * 1_800_000
    tags = "".join(f"#t{i}" for i in range(100))
    return _stress_site(folder, {"content/huge.txt": words + tags + "\n"})


def _huge_archive(folder: Path) -> Path:
    line = "a line about queues, shards, replicas and the caches in front of them\n"
    posts = (line * 99 + f"the end of post {i} #Tag{i % 300}\n" for i in range(9_000))
    return _stress_site(folder, {"content/archive.txt": "".join(posts)})


def _big_tweets_js(folder: Path) -> Path:
    site = _stress_site(folder, {})
    write_big_tweets_js(site / "content/twitter/data/tweets.js", 100 * 1024 * 1024)
    return site


def _big_outbox_one_line(folder: Path) -> Path:
    site = _stress_site(folder, {})
    write_big_outbox(site / "content/mastodon/outbox.json", 100 * 1024 * 1024)
    return site


STRESS: dict[str, Callable[[Path], Path]] = {
    "stress: 20,000 posts, a tag each": _posts_each_tagged,
    "stress: 2 MB post with 100 tags": _big_post_many_tags,
    "stress: 60 MB post with 100 tags": _huge_post_many_tags,
    "stress: 60 MB archive, 9,000 posts": _huge_archive,
    "stress: 100 MB tweets.js, 109,000 items": _big_tweets_js,
    "stress: 100 MB outbox.json on one line": _big_outbox_one_line,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (median)")
    parser.add_argument("--only", nargs="*", default=[], help="cases whose name has one of these")
    parser.add_argument("--stress", action="store_true", help="add the inputs bigger than these")
    parser.add_argument("--slowest", type=int, default=10, help="how many slowest cases to list")
    args = parser.parse_args()
    cases = [c for c in case_names() if not args.only or any(s in c for s in args.only)]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="microblog-hostile-") as temp:
        work = Path(temp)
        baseline_site = work / "baseline"
        shutil.copytree(
            REPO / "tests/golden/small", baseline_site, ignore=shutil.ignore_patterns("expected")
        )
        baseline = run_site(BASELINE, baseline_site, work / "baseline-out", args.runs)
        stress = STRESS if args.stress else {}
        for name in [*cases, *stress]:
            folder = work / f"case-{len(rows)}"
            folder.mkdir()
            if name in stress:
                site, output = stress[name](folder / "site"), folder / "out"
            else:
                prepared = prepare_case(name, folder)
                site, output = prepared.site, prepared.output
            rows.append(run_site(name, site, output, args.runs))
            print(f"  {name}: build {rows[-1].median('build'):.2f} s", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)  # big outputs must not pile up
    report(baseline, rows, args)


def report(baseline: Row, rows: list[Row], args: argparse.Namespace) -> None:
    base = baseline.median("build")
    print(f"median of {args.runs} runs, peak memory of the largest run; ratio = build time over")
    print(f"the baseline's build ({base:.2f} s); limits {LIMIT_SECONDS:.0f} s and 1 GB a command")
    header = (
        f"{'case':<44} {'check s':>8} {'check MB':>9} {'build s':>8} {'build MB':>9}"
        f" {'ratio':>6} {'exit':>5}"
    )
    print(header)
    for row in [baseline, *rows]:
        print(_line(row, base))
    slowest = sorted(rows, key=lambda r: max(r.median("check"), r.median("build")), reverse=True)
    print(f"\nslowest {args.slowest}:")
    for row in slowest[: args.slowest]:
        print(_line(row, base))
    over = [row.case for row in rows if row.over_limit()]
    print(f"\nover the limits: {', '.join(over) if over else 'none'}")


def _line(row: Row, base: float) -> str:
    codes = "/".join(",".join(str(c) for c in sorted(row.codes[cmd])) for cmd in ("check", "build"))
    mark = "  OVER LIMIT" if row.over_limit() else ""
    return (
        f"{row.case[:44]:<44} {row.median('check'):>8.2f} {row.peak['check'] / 2**20:>9.0f}"
        f" {row.median('build'):>8.2f} {row.peak['build'] / 2**20:>9.0f}"
        f" {row.median('build') / base:>6.1f} {codes:>5}{mark}"
    )


if __name__ == "__main__":
    main()

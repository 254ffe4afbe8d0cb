"""`build`, `check` and `explain`: the site built or read, and problem codes explained."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

from microblog.buildcache import BuildCache
from microblog.cli.common import (
    EXIT_FATAL,
    EXIT_OK,
    EXIT_PROBLEMS,
    Parser,
    common_options,
    load,
    overrides_of,
    site_options,
    source_date_epoch,
)
from microblog.cli.report import (
    build_summary,
    err,
    print_build_summary,
    print_content_summary,
    report_problems,
)
from microblog.codes import UnknownCodeError, explain, list_codes
from microblog.config import ConfigError, check_content_folder
from microblog.output import OutputError
from microblog.problems import is_problem
from microblog.progress import progress_for

if TYPE_CHECKING:
    from microblog.config import SiteConfig
    from microblog.pipeline import BuildResult


def add_site_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    build = commands.add_parser("build", help="build the site into the output folder (default)")
    common_options(build)
    site_options(build)
    build.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any post, template or static file had a problem",
    )
    build.add_argument(
        "--clean",
        action="store_true",
        help="build in full, ignoring the build cache",
    )
    build.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print only problems: no progress bar, no summary",
    )
    check = commands.add_parser(
        "check", help="read every post, template and static file and report problems"
    )
    common_options(check)
    check.add_argument("--json", action="store_true", help="print the content records as JSON")
    explain = commands.add_parser("explain", help="say what a problem code means and what to do")
    explain.add_argument("code", nargs="?", metavar="CODE", help="like MB027 (none: list them all)")


def run_check(args: argparse.Namespace) -> int:
    from microblog.pipeline import read_site, site_file_problems
    from microblog.urls import Urls

    config = load(args)
    check_content_folder(config)
    content = read_site(config)
    problems = content.problems + tuple(site_file_problems(config))
    summary_stream = sys.stderr if args.json else sys.stdout
    report_problems(problems, verbose=args.verbose)
    if args.json:
        urls = Urls(config)
        records = [post.to_json(urls.post_html(post)) for post in content.timeline.all_posts]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    print_content_summary(content, problems, summary_stream)
    return EXIT_PROBLEMS if any(is_problem(p) for p in problems) else EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    try:
        sys.stdout.write(list_codes() if args.code is None else explain(args.code))
    except UnknownCodeError as exc:
        err(f"microblog: {exc}")
        return EXIT_FATAL
    return EXIT_OK


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """SIGTERM (a CI job cancelled, `kill`) stops a build as Ctrl-C does: by an exception, so
    the temporary folder is removed and the old output stays."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> NoReturn:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    config = load(args, overrides_of(args))
    epoch = source_date_epoch()
    cache = BuildCache.for_build(config, epoch, clean=args.clean)
    last = cache.unchanged()
    stages: tuple[tuple[str, float], ...] = ()
    result = None
    if last is not None:  # nothing changed: nothing to render or write
        problems, summary = last.problems, last.summary
        seconds = time.perf_counter() - started
    else:
        with cache.locked():
            result = _build(config, epoch, cache, verbose=args.verbose, quiet=args.quiet)
            if result is None:
                return EXIT_PROBLEMS
            problems, summary = result.problems, build_summary(result, config)
            seconds, stages = result.seconds, result.stages
            cache.remember(problems, summary, result.page_keys)
    report_problems(tuple(cache.problems) + problems, verbose=args.verbose)
    if not args.quiet:
        print_build_summary(summary, seconds, unchanged=last is not None)
    if args.verbose:
        for stage, took in stages:
            err(f"{took:8.2f} s  {stage}")
        if last is not None:
            err("build cache: inputs and output as the last build left them; nothing rendered")
        elif result is not None:
            parsed = "" if result.parsed is None else f"{result.parsed} post files parsed, "
            err(f"build cache: {parsed}{result.kept} pages and feeds kept from the last build")
    has_problems = any(is_problem(p) for p in problems)
    return EXIT_PROBLEMS if args.strict and has_problems else EXIT_OK


def _build(
    config: SiteConfig, epoch: int | None, cache: BuildCache, *, verbose: bool, quiet: bool
) -> BuildResult | None:
    """Build in full; None, once said why, when the build failed and kept the old output."""
    # imported here, not at the top: a build with nothing changed never needs them
    from microblog.pipeline import build_to_folder
    from microblog.render import RenderError

    progress = progress_for(sys.stderr, quiet=quiet)
    try:
        with _terminate_cleanly():
            return build_to_folder(config, source_date_epoch=epoch, cache=cache, progress=progress)
    except (RenderError, OSError) as exc:
        err(str(exc.problem) if isinstance(exc, RenderError) else f"cannot write: {exc}")
    except (OutputError, ConfigError):
        raise
    except Exception as exc:  # a bug: keep the old site and say so in one line
        if verbose:
            traceback.print_exc()
        err(f"internal error: {type(exc).__name__}: {exc} (please report it)")
    finally:
        progress.close()
    err(f"build failed: {config.output_dir} was left as it was")
    return None

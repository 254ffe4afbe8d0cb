"""`serve`, `new` and `init`: previewing a site while writing, new posts and new sites."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

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
from microblog.cli.report import build_summary, err, print_build_summary, report_problems
from microblog.config import check_content_folder
from microblog.output import check_output_folder
from microblog.paths import display_path
from microblog.problems import is_problem

if TYPE_CHECKING:
    from microblog.preview import BuildReport


def add_authoring_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    serve = commands.add_parser(
        "serve", help="build, then serve the site and rebuild and reload it as you write"
    )
    common_options(serve)
    site_options(serve)
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this computer only)",
    )
    serve.add_argument(
        "--port", type=_port, default=8000, help="the port (default: 8000; 0 picks a free one)"
    )
    new = commands.add_parser("new", help="write a new post into the content folder")
    new.add_argument("text", help='the post\'s text, like "Shipped it #release"')
    common_options(new)
    new.add_argument("--edit", action="store_true", help="then open it in $EDITOR")
    init = commands.add_parser("init", help="create a new site: site.yaml and a first post")
    init.add_argument("folder", type=Path, metavar="DIR", help="the new site's folder")
    init.add_argument(
        "--force",
        action="store_true",
        help="add the files to a folder that is not empty (existing files are kept)",
    )


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 65535, not {value!r}")
    return int(value)


def run_serve(args: argparse.Namespace) -> int:
    # Imported here: only `serve` needs tornado and livereload.
    from microblog.preview import Preview
    from microblog.serve import address, serve_preview
    from microblog.serve import bind as bind_sockets

    overrides = overrides_of(args)
    config = load(args, overrides)
    check_output_folder(config, config.output_dir)
    try:
        sockets = bind_sockets(args.host, args.port)
    except OSError as exc:
        err(f"microblog: cannot listen on {args.host} port {args.port}: {exc.strerror or exc}")
        return EXIT_FATAL
    preview = Preview(config, overrides, source_date_epoch=source_date_epoch())
    shown = {"url": address(args.host, sockets, config.base_path)}

    def on_build(report: BuildReport) -> None:
        _report_preview_build(report, verbose=args.verbose)
        url = address(args.host, sockets, report.config.base_path)
        if report.ok and url != shown["url"]:
            shown["url"] = url
            err(f"base_url changed: the site is now served at {url}")

    def on_ready() -> None:
        err(f"microblog: serving {display_path(config.output_dir)} with live reload (Ctrl-C stops)")
        sys.stdout.write(shown["url"] + "\n")
        sys.stdout.flush()

    def on_error(path: str, exc: Exception) -> None:
        if args.verbose:
            traceback.print_exception(exc)
        err(f"internal error answering {path}: {type(exc).__name__}: {exc} (please report it)")

    try:
        serve_preview(preview, sockets, on_build=on_build, on_ready=on_ready, on_error=on_error)
    except KeyboardInterrupt:  # where the event loop cannot catch signals (Windows)
        pass
    finally:
        for sock in sockets:
            sock.close()
    err("microblog: stopped")
    return EXIT_OK


def _report_preview_build(report: BuildReport, *, verbose: bool) -> None:
    if report.changed:
        names = ", ".join(display_path(Path(path)) for path in report.changed[:3])
        more = f" and {len(report.changed) - 3} more" if len(report.changed) > 3 else ""
        err(f"changed: {names}{more}")
    if report.exception is not None and verbose:
        traceback.print_exception(report.exception)
    if report.result is None:
        for line in report.errors:
            err(line)
        err("build failed: the browser shows the error until the next good save")
        return
    if not report.changed:  # the first build: the same report as `microblog build`
        report_problems(report.result.problems, verbose=verbose)
        print_build_summary(build_summary(report.result, report.config), report.result.seconds)
        return
    problems = [p for p in report.result.problems if verbose or is_problem(p)]
    report_problems(problems, verbose=verbose)
    sys.stdout.write(f"rebuilt {report.result.pages} pages in {report.result.seconds:.2f} s\n")
    sys.stdout.flush()


def run_new(args: argparse.Namespace) -> int:
    from microblog.scaffold import ScaffoldError, new_post, open_in_editor

    config = load(args)
    check_content_folder(config, must_exist=False)  # new makes it, but only inside the site
    try:
        path = new_post(config, args.text, now=datetime.now(config.tz))
    except ScaffoldError as exc:
        err(f"microblog: {exc}")
        return EXIT_FATAL
    except OSError as exc:
        err(f"microblog: cannot write the post: {exc}")
        return EXIT_PROBLEMS
    sys.stdout.write(display_path(path) + "\n")
    sys.stdout.flush()
    if not args.edit:
        return EXIT_OK
    try:
        status = open_in_editor(path, os.environ)
    except ScaffoldError as exc:  # the post is written: say where, to edit it by hand
        err(f"microblog: {exc}; the post is written: {display_path(path)}")
        return EXIT_FATAL
    if status != 0:
        err(f"microblog: the editor exited with status {status}")
        return EXIT_PROBLEMS
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    from microblog.scaffold import ScaffoldError, init_site

    try:
        result = init_site(args.folder, now=datetime.now(UTC), force=args.force)
    except ScaffoldError as exc:
        err(f"microblog: {exc}")
        return EXIT_FATAL
    except OSError as exc:
        err(f"microblog: cannot write the site: {exc}")
        return EXIT_PROBLEMS
    for path in result.written:
        sys.stdout.write(f"created {display_path(path)}\n")
    for path in result.kept:
        err(f"kept {display_path(path)}: it exists already")
    folder = shlex.quote(display_path(args.folder))
    sys.stdout.write(f"next: cd {folder} && microblog serve\n")
    sys.stdout.flush()
    return EXIT_OK

"""The command line: parse arguments, call the library, print, choose the exit code.

This is the only module that prints. Exit codes: 0 clean, 1 a post, template or static file had
a problem (`check`, `build --strict`) or the build failed (`build`), 2 a fatal configuration or
usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from microblog.config import CONFIG_FILE, ConfigError, SiteConfig, load_config
from microblog.content import Content, load_content
from microblog.output import OutputError, check_output_folder
from microblog.paths import display_path
from microblog.pipeline import BuildResult, build_to_folder, site_file_problems
from microblog.problems import Problem, Severity, is_problem
from microblog.render import RenderError
from microblog.scaffold import ScaffoldError, init_site, new_post, open_in_editor

if TYPE_CHECKING:
    from microblog.preview import BuildReport

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL = 0, 1, 2
SHOWN_PROBLEMS = 200
COMMANDS = ("build", "check", "serve", "new", "init")


class UsageError(Exception):
    """Bad command-line words: exit 2 with one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=Path(CONFIG_FILE),
        metavar="PATH",
        help="the site's settings file (default: ./site.yaml)",
    )
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="show every problem and repair, and where settings came from",
    )


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="microblog",
        description="Turn a microblog archive into a static site.",
        epilog="With no command it builds: 'microblog --output DIR' is 'microblog build"
        " --output DIR'. 'microblog COMMAND --help' tells more.",
    )
    parser.add_argument("--version", action="version", version="microblog 0.1.0")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    build = commands.add_parser("build", help="build the site into the output folder (default)")
    _common(build)
    _site_options(build)
    build.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any post, template or static file had a problem",
    )
    check = commands.add_parser(
        "check", help="read every post, template and static file and report problems"
    )
    _common(check)
    check.add_argument("--json", action="store_true", help="print the content records as JSON")
    _add_preview_commands(commands)
    return parser


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", metavar="DIR", help="output folder (default: output_dir of site.yaml, '_site')"
    )
    parser.add_argument("--base-url", metavar="URL", help="override base_url of site.yaml")


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    overrides = {}
    if args.output is not None:
        overrides["output_dir"] = args.output
    if args.base_url is not None:
        overrides["base_url"] = args.base_url
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (
        args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "build")
    try:
        args = make_parser().parse_args(args_list)
    except UsageError as exc:
        _err(f"microblog: usage error: {exc} (see 'microblog --help')")
        return EXIT_FATAL
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "build":
            return run_build(args)
        if args.command in PREVIEW_COMMANDS:
            return PREVIEW_COMMANDS[args.command](args)
        _err(f"microblog: usage error: unknown command {args.command!r}")
        return EXIT_FATAL
    except ConfigError as exc:
        for problem in exc.problems:
            _err(str(problem))
        return EXIT_FATAL
    except OutputError as exc:
        _err(f"microblog: {exc}")
        return EXIT_FATAL
    except KeyboardInterrupt:
        _err("microblog: interrupted")
        return 130


def _load(args: argparse.Namespace, overrides: dict[str, str] | None = None) -> SiteConfig:
    config = load_config(args.config, overrides)
    if getattr(args, "verbose", False):
        for key, origin in sorted(config.origins.items()):
            _err(f"setting {key} from {origin}")
    return config


def run_check(args: argparse.Namespace) -> int:
    config = _load(args)
    content = load_content(config)
    problems = content.problems + tuple(site_file_problems(config))
    summary_stream = sys.stderr if args.json else sys.stdout
    report_problems(problems, verbose=args.verbose)
    if args.json:
        records = [post.to_json() for post in content.timeline.all_posts]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    print_content_summary(content, problems, summary_stream)
    return EXIT_PROBLEMS if any(is_problem(p) for p in problems) else EXIT_OK


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def run_build(args: argparse.Namespace) -> int:
    config = _load(args, _overrides(args))
    try:
        result = build_to_folder(config, source_date_epoch=source_date_epoch())
    except (RenderError, OSError) as exc:
        _err(str(exc.problem) if isinstance(exc, RenderError) else f"cannot write: {exc}")
        _err(f"build failed: {config.output_dir} was left as it was")
        return EXIT_PROBLEMS
    except (OutputError, ConfigError):
        raise
    except Exception as exc:  # a bug: keep the old site and say so in one line
        if args.verbose:
            traceback.print_exc()
        _err(f"internal error: {type(exc).__name__}: {exc} (please report it)")
        _err(f"build failed: {config.output_dir} was left as it was")
        return EXIT_PROBLEMS
    report_problems(result.problems, verbose=args.verbose)
    print_build_summary(result, config)
    has_problems = any(is_problem(p) for p in result.problems)
    return EXIT_PROBLEMS if args.strict and has_problems else EXIT_OK


def print_build_summary(result: BuildResult, config: SiteConfig) -> None:
    print_content_summary(result.content, result.problems, sys.stdout)
    timeline = result.content.timeline
    sys.stdout.write(
        f"wrote {result.pages} pages, {result.feeds} feeds ({result.feed_posts} of "
        f"{len(timeline.posts)} posts dated and in feeds), {result.static_files} other files"
        f" to {config.output_dir} in {result.seconds:.2f} s\n"
    )
    sys.stdout.flush()


def report_problems(problems: Sequence[Problem], *, verbose: bool) -> None:
    limit = len(problems) if verbose else SHOWN_PROBLEMS
    for problem in problems[:limit]:
        _err(str(problem))
    if len(problems) > limit:
        _err(f"... and {len(problems) - limit} more (--verbose shows them all)")


def print_content_summary(content: Content, problems: Sequence[Problem], stream: TextIO) -> None:
    """Posts, tags, repairs, and the errors and warnings of every stage that ran."""
    timeline = content.timeline
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = sum(1 for p in problems if p.severity is Severity.WARNING)
    tags = sorted(content.tags, key=lambda t: (-t.count, t.slug))
    lines = [
        f"{_count(len(timeline.posts), 'post')} from {_count(content.files, 'file')}"
        f" ({_count(len(timeline.drafts), 'draft')}, {timeline.undated} undated)",
        _count(len(tags), "tag")
        + (": " if tags else "")
        + ", ".join(f"{tag.name} {tag.count}" for tag in tags),
        f"{_count(content.repairs, 'text repair')}, {_count(errors, 'error')},"
        f" {_count(warnings, 'warning')}",
    ]
    if timeline.undated:
        lines.append(
            f"{_count(timeline.undated, 'post')} without a date: left out of the feeds"
            " (set 'date' in site.yaml or the archive's front matter, or commit them)"
        )
    for line in lines:
        stream.write(line + "\n")
    stream.flush()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _err(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


# -- serve, new, init -------------------------------------------------------------------------


def _add_preview_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    serve = commands.add_parser(
        "serve", help="build, then serve the site and rebuild and reload it as you write"
    )
    _common(serve)
    _site_options(serve)
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
    _common(new)
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

    overrides = _overrides(args)
    config = _load(args, overrides)
    check_output_folder(config, config.output_dir)
    try:
        sockets = bind_sockets(args.host, args.port)
    except OSError as exc:
        _err(f"microblog: cannot listen on {args.host} port {args.port}: {exc.strerror or exc}")
        return EXIT_FATAL
    preview = Preview(config, overrides, source_date_epoch=source_date_epoch())
    shown = {"url": address(args.host, sockets, config.base_path)}

    def on_build(report: BuildReport) -> None:
        _report_preview_build(report, verbose=args.verbose)
        url = address(args.host, sockets, report.config.base_path)
        if report.ok and url != shown["url"]:
            shown["url"] = url
            _err(f"base_url changed: the site is now served at {url}")

    def on_ready() -> None:
        _err(
            f"microblog: serving {display_path(config.output_dir)} with live reload (Ctrl-C stops)"
        )
        sys.stdout.write(shown["url"] + "\n")
        sys.stdout.flush()

    try:
        serve_preview(preview, sockets, on_build=on_build, on_ready=on_ready)
    except KeyboardInterrupt:  # where the event loop cannot catch signals (Windows)
        pass
    finally:
        for sock in sockets:
            sock.close()
    _err("microblog: stopped")
    return EXIT_OK


def _report_preview_build(report: BuildReport, *, verbose: bool) -> None:
    if report.changed:
        names = ", ".join(display_path(Path(path)) for path in report.changed[:3])
        more = f" and {len(report.changed) - 3} more" if len(report.changed) > 3 else ""
        _err(f"changed: {names}{more}")
    if report.exception is not None and verbose:
        traceback.print_exception(report.exception)
    if report.result is None:
        for line in report.errors:
            _err(line)
        _err("build failed: the browser shows the error until the next good save")
        return
    if not report.changed:  # the first build: the same report as `microblog build`
        report_problems(report.result.problems, verbose=verbose)
        print_build_summary(report.result, report.config)
        return
    problems = [p for p in report.result.problems if verbose or is_problem(p)]
    report_problems(problems, verbose=verbose)
    sys.stdout.write(f"rebuilt {report.result.pages} pages in {report.result.seconds:.2f} s\n")
    sys.stdout.flush()


def run_new(args: argparse.Namespace) -> int:
    config = _load(args)
    try:
        path = new_post(config, args.text, now=datetime.now(config.tz))
    except ScaffoldError as exc:
        _err(f"microblog: {exc}")
        return EXIT_FATAL
    except OSError as exc:
        _err(f"microblog: cannot write the post: {exc}")
        return EXIT_PROBLEMS
    sys.stdout.write(display_path(path) + "\n")
    sys.stdout.flush()
    if not args.edit:
        return EXIT_OK
    try:
        status = open_in_editor(path, os.environ)
    except ScaffoldError as exc:
        _err(f"microblog: {exc}")
        return EXIT_FATAL
    if status != 0:
        _err(f"microblog: the editor exited with status {status}")
        return EXIT_PROBLEMS
    return EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    try:
        result = init_site(args.folder, now=datetime.now(UTC), force=args.force)
    except ScaffoldError as exc:
        _err(f"microblog: {exc}")
        return EXIT_FATAL
    except OSError as exc:
        _err(f"microblog: cannot write the site: {exc}")
        return EXIT_PROBLEMS
    for path in result.written:
        sys.stdout.write(f"created {display_path(path)}\n")
    for path in result.kept:
        _err(f"kept {display_path(path)}: it exists already")
    folder = shlex.quote(display_path(args.folder))
    sys.stdout.write(f"next: cd {folder} && microblog serve\n")
    sys.stdout.flush()
    return EXIT_OK


PREVIEW_COMMANDS = {"serve": run_serve, "new": run_new, "init": run_init}

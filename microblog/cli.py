"""The command line: parse arguments, call the library, print, choose the exit code.

Only this module and `report` (its terminal output) print. Exit codes: 0 clean, 1 a post, a
template or a static file had a problem (`check`, `build --strict`) or the build failed
(`build`), 2 a fatal configuration or usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from microblog.codes import UnknownCodeError, explain, list_codes
from microblog.config import (
    CONFIG_FILE,
    ConfigError,
    SiteConfig,
    check_content_folder,
    load_config,
)
from microblog.output import OutputError, OutputFolderError, check_output_folder
from microblog.paths import display_path
from microblog.pipeline import build_to_folder, read_site, site_file_problems
from microblog.problems import Problem, Severity, is_problem
from microblog.render import RenderError
from microblog.report import err, print_build_summary, print_content_summary, report_problems
from microblog.scaffold import ScaffoldError, init_site, new_post, open_in_editor
from microblog.urls import Urls

if TYPE_CHECKING:
    from microblog.preview import BuildReport

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL = 0, 1, 2
COMMANDS = ("build", "check", "serve", "new", "init", "explain")


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
    explain = commands.add_parser("explain", help="say what a problem code means and what to do")
    explain.add_argument("code", nargs="?", metavar="CODE", help="like MB027 (none: list them all)")
    return parser


def _site_options(parser: argparse.ArgumentParser) -> None:
    from microblog import settings, settings_docs  # an option for each setting with a flag

    for setting in settings.with_flags():
        parser.add_argument(setting.flag, **settings_docs.flag_arguments(setting))


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    from microblog.settings import with_flags

    given = {setting.name: getattr(args, setting.name) for setting in with_flags()}
    return {name: value for name, value in given.items() if value is not None}


VALUE_OPTIONS = ("--config", "--output", "--base-url", "--host", "--port")


def _command_first(args: list[str]) -> list[str]:
    """`microblog --config X build` is `microblog build --config X`: options may come first."""
    index = 0
    while index < len(args):
        token = args[index]
        if token in COMMANDS:
            return [token, *args[:index], *args[index + 1 :]]
        if token == "--" or not token.startswith("-"):
            break
        takes_value = "=" not in token and any(o.startswith(token) for o in VALUE_OPTIONS)
        index += 2 if len(token) > 2 and takes_value else 1  # argparse takes `--conf` too
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args_list = _command_first(list(sys.argv[1:] if argv is None else argv))
    if not args_list or (
        args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "build")
    try:
        args = make_parser().parse_args(args_list)
    except UsageError as exc:
        err(f"microblog: usage error: {exc} (see 'microblog --help')")
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
        err(f"microblog: usage error: unknown command {args.command!r}")
        return EXIT_FATAL
    except ConfigError as exc:
        for problem in exc.problems:
            err(str(problem))
        return EXIT_FATAL
    except OutputFolderError as exc:
        err(str(exc))
        return EXIT_FATAL
    except OutputError as exc:
        err(f"microblog: {exc}")
        return EXIT_FATAL
    except KeyboardInterrupt:
        err("microblog: interrupted")
        return 130


def _load(args: argparse.Namespace, overrides: dict[str, str] | None = None) -> SiteConfig:
    config = load_config(args.config, overrides)
    if getattr(args, "verbose", False):
        for key, origin in sorted(config.origins.items()):
            err(f"setting {key} from {origin}")
    return config


def run_check(args: argparse.Namespace) -> int:
    config = _load(args)
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


LAST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a feed date can hold


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH, when set: a malformed value stops the build, as the
    reproducible-builds specification asks, rather than being replaced by the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > LAST_EPOCH:
        message = f"must be whole seconds since 1970 up to the year 9999, not {value[:40]!r}"
        raise ConfigError([Problem("SOURCE_DATE_EPOCH", 0, "MB005", Severity.ERROR, message)])
    return int(value)


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
    config = _load(args, _overrides(args))
    try:
        with _terminate_cleanly():
            result = build_to_folder(config, source_date_epoch=source_date_epoch())
    except (RenderError, OSError) as exc:
        err(str(exc.problem) if isinstance(exc, RenderError) else f"cannot write: {exc}")
        err(f"build failed: {config.output_dir} was left as it was")
        return EXIT_PROBLEMS
    except (OutputError, ConfigError):
        raise
    except Exception as exc:  # a bug: keep the old site and say so in one line
        if args.verbose:
            traceback.print_exc()
        err(f"internal error: {type(exc).__name__}: {exc} (please report it)")
        err(f"build failed: {config.output_dir} was left as it was")
        return EXIT_PROBLEMS
    report_problems(result.problems, verbose=args.verbose)
    print_build_summary(result, config)
    has_problems = any(is_problem(p) for p in result.problems)
    return EXIT_PROBLEMS if args.strict and has_problems else EXIT_OK


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
        print_build_summary(report.result, report.config)
        return
    problems = [p for p in report.result.problems if verbose or is_problem(p)]
    report_problems(problems, verbose=verbose)
    sys.stdout.write(f"rebuilt {report.result.pages} pages in {report.result.seconds:.2f} s\n")
    sys.stdout.flush()


def run_new(args: argparse.Namespace) -> int:
    config = _load(args)
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


PREVIEW_COMMANDS = {"serve": run_serve, "new": run_new, "init": run_init, "explain": run_explain}

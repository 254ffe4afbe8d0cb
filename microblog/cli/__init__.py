"""The command line: parse arguments, call the library, print, choose the exit code.

Only this package prints (`report` holds its terminal output; a lint rule bans printing
elsewhere). Exit codes: 0 clean, 1 a post, a template or a static file had a problem (`check`,
`build --strict`) or the build failed (`build`), 2 a fatal configuration or usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from microblog.cli.authoring import add_authoring_commands, run_init, run_new, run_serve
from microblog.cli.common import EXIT_FATAL, Parser, UsageError
from microblog.cli.feeds import add_feed_commands, run_feed_preview, run_lock
from microblog.cli.importing import add_import_command, run_import
from microblog.cli.report import err
from microblog.cli.site import add_site_commands, run_build, run_check, run_explain
from microblog.config import ConfigError
from microblog.output import OutputError, OutputFolderError
from microblog.settings import with_flags

RUNNERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": run_build,
    "check": run_check,
    "serve": run_serve,
    "new": run_new,
    "init": run_init,
    "explain": run_explain,
    "import": run_import,
    "lock": run_lock,
    "feed-preview": run_feed_preview,
}
COMMANDS = tuple(RUNNERS)


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="microblog",
        description="Turn a microblog archive into a static site.",
        epilog="With no command it builds: 'microblog --output DIR' is 'microblog build"
        " --output DIR'. 'microblog COMMAND --help' tells more.",
    )
    parser.add_argument("--version", action="version", version="microblog 0.1.0")
    commands = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")
    add_site_commands(commands)
    add_authoring_commands(commands)
    add_import_command(commands)
    add_feed_commands(commands)
    return parser


VALUE_OPTIONS = ("--config", *(s.flag for s in with_flags() if s.flag), "--host", "--port")


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
        return RUNNERS[args.command](args)
    except UsageError as exc:  # a command's words that parse but name nothing (`--tag`)
        err(f"microblog: usage error: {exc}")
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

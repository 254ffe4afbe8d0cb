"""`import`: an export or a `.txt` archive as editable Markdown posts in the content folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from microblog.cli.common import EXIT_FATAL, EXIT_OK, EXIT_PROBLEMS, Parser, common_options, load
from microblog.cli.report import count, err, report_problems
from microblog.config import check_content_folder
from microblog.paths import display_path
from microblog.problems import Severity


def add_import_command(commands: argparse._SubParsersAction[Parser]) -> None:
    command = commands.add_parser(
        "import",
        help="write a Markdown post into content/imported/ for each post of a Twitter/X or"
        " Mastodon export (a folder or .zip) or a .txt archive; never overwrites a file",
    )
    command.add_argument(
        "path", type=Path, metavar="PATH", help="the export (folder or .zip) or .txt archive"
    )
    common_options(command)


def run_import(args: argparse.Namespace) -> int:
    from microblog.importer import ImportRefusedError, import_path

    config = load(args)
    check_content_folder(config, must_exist=False)  # import writes there, and only there
    try:
        result = import_path(config, args.path)
    except ImportRefusedError as exc:
        err(f"microblog: {exc}")
        return EXIT_FATAL
    report_problems(result.problems, verbose=args.verbose)
    sys.stdout.write(
        f"wrote {count(len(result.written), 'post')}, {count(result.media, 'media file')};"
        f" {result.existing} already there ({display_path(result.folder)})\n"
    )
    sys.stdout.flush()
    failed = any(p.severity is Severity.ERROR and p.code == "MB095" for p in result.problems)
    return EXIT_PROBLEMS if failed else EXIT_OK

"""What every command shares: exit codes, options, and loading the settings."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import NoReturn

from microblog import settings, settings_docs
from microblog.cli.report import err
from microblog.config import CONFIG_FILE, ConfigError, SiteConfig, load_config
from microblog.problems import Problem, Severity

EXIT_OK, EXIT_PROBLEMS, EXIT_FATAL = 0, 1, 2


class UsageError(Exception):
    """Bad command-line words: exit 2 with one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def common_options(parser: argparse.ArgumentParser) -> None:
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


def site_options(parser: argparse.ArgumentParser) -> None:
    """An option for each setting that has a flag (`--output`, `--base-url`)."""
    for setting in settings.with_flags():
        parser.add_argument(setting.flag, **settings_docs.flag_arguments(setting))


def overrides_of(args: argparse.Namespace) -> dict[str, str]:
    given = {setting.name: getattr(args, setting.name) for setting in settings.with_flags()}
    return {name: value for name, value in given.items() if value is not None}


def load(args: argparse.Namespace, overrides: dict[str, str] | None = None) -> SiteConfig:
    config = load_config(args.config, overrides)
    if getattr(args, "verbose", False):
        for key, origin in sorted(config.origins.items()):
            err(f"setting {key} from {origin}")
    return config


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

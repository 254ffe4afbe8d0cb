"""Static files: the package's defaults, overridden file by file by the site's `static/`."""

from __future__ import annotations

import os
from pathlib import Path

from microblog.config import SiteConfig
from microblog.output import OutputError, check_relative
from microblog.paths import is_within
from microblog.problems import Problem, Severity

DEFAULT_STATIC = Path(__file__).parent / "static"


def collect_static(config: SiteConfig) -> tuple[dict[str, Path], list[Problem]]:
    """{output path: source file}; links leading outside the site folder are not followed."""
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    _gather(DEFAULT_STATIC, DEFAULT_STATIC, str(DEFAULT_STATIC.resolve()), files, problems, set())
    if config.static_dir.is_dir():
        site_real = os.path.realpath(config.site_dir)
        _gather(
            config.static_dir,
            config.static_dir,
            site_real,
            files,
            problems,
            set(),
            shown_root=config.site_dir,
        )
    return dict(sorted(files.items())), problems


def _gather(
    folder: Path,
    root: Path,
    allowed_real: str,
    files: dict[str, Path],
    problems: list[Problem],
    seen: set[str],
    shown_root: Path | None = None,
) -> None:
    seen.add(os.path.realpath(folder))

    def warn(path: Path, code: str, message: str) -> None:
        shown = path.relative_to(shown_root).as_posix() if shown_root else str(path)
        problems.append(Problem(shown, 0, code, Severity.WARNING, message, "not copied"))

    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        warn(folder, "MB082", f"cannot list folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") and entry.name not in (".well-known",):
            continue
        real = os.path.realpath(path)
        if not is_within(real, allowed_real):
            warn(path, "MB080", "symbolic link leads outside the site folder")
            continue
        if entry.is_dir():
            if real not in seen:  # a folder reached twice (a link loop) is walked once
                _gather(path, root, allowed_real, files, problems, seen, shown_root)
        elif entry.is_file():
            relative = path.relative_to(root).as_posix()
            try:
                check_relative(relative)
            except OutputError as exc:  # "a\\b.css": a separator on Windows and in URLs
                warn(path, "MB082", f"file name cannot be published: {exc}")
                continue
            files[relative] = path

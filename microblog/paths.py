"""Paths: the one test of whether a real path stays inside a folder, and paths as shown."""

from __future__ import annotations

import os
from pathlib import Path


def is_within(real: str, root_real: str) -> bool:
    """Whether the resolved path `real` is `root_real` or below it (both already resolved)."""
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def stays_inside(path: str | Path, root: str | Path) -> bool:
    """Whether `path`, links followed, is inside `root` (links followed too)."""
    return is_within(os.path.realpath(path), os.path.realpath(root))


def display_path(path: str | Path) -> str:
    """A path as the user would type it: relative when below the working folder."""
    text = str(path)
    if not Path(text).is_absolute():
        return text
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if relative.startswith("..") else relative


def site_relative(path: str | Path, site_dir: Path) -> str:
    """A path below the site folder in POSIX form (problem locations), else as given."""
    candidate = Path(path)
    if candidate.is_relative_to(site_dir):
        return candidate.relative_to(site_dir).as_posix()
    return Path(os.path.relpath(candidate, site_dir)).as_posix()


# Windows reserves these names, with any extension ("con.txt") and in any case: a page or tag
# folder so named could not be checked out or served there.
_DEVICE_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{port}{n}" for port in ("com", "lpt") for n in range(10)]
)


def is_device_name(segment: str) -> bool:
    return segment.partition(".")[0].rstrip(" ").lower() in _DEVICE_NAMES

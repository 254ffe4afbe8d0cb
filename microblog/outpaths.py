"""What an output path may be: the one rule for pages, tag slugs, static files and the server.

Pure: no file system. An output path is relative and in POSIX form ("tags/c/index.html");
each of its names must be a file name on POSIX, Windows and macOS alike, since a site built on
one is checked out and served on another. The rule is about safety, not looks: a static file
`photo (1).jpg` is a fine output path; slugs keep a stricter character policy of their own
(text/slugs.py) and ask this rule for the rest.
"""

from __future__ import annotations

import re
from typing import Final

MAX_NAME_BYTES: Final = 255  # a file name on ext4, APFS, NTFS (UTF-8 never has fewer bytes)
MAX_PATH_BYTES: Final = 1024  # a whole output path: far above any sane URL

_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc: C0, DEL and C1
# Python keeps the bytes of a file name that are not UTF-8 as lone surrogates ("\udcff"):
# no URL, no UTF-8 page and no other system can name such a file.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# Windows reserves these names in every folder, with any extension ("con.txt", "LPT1.tar.gz")
# and in any case; it counts the superscript digits ¹²³ as digits of COM and LPT ports.
_DEVICE_NAMES: Final = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{port}{digit}" for port in ("com", "lpt") for digit in "0123456789\u00b9\u00b2\u00b3"]
)


def is_device_name(name: str) -> bool:
    """Whether Windows reserves `name` for a device: its part before the first "." (trailing
    spaces dropped, as Windows drops them) is CON, PRN, AUX, NUL, COM0-9 or LPT0-9."""
    return name.partition(".")[0].rstrip(" ").lower() in _DEVICE_NAMES


def could_escape(name: str) -> bool:
    """Whether `name`, as one segment of a path, could lead the path out of its folder on
    some system: "." or "..", a backslash (a separator on Windows), a NUL (where C strings
    end) or a Windows drive ("c:x")."""
    return _escape_problem(name) is not None


def _escape_problem(name: str) -> str | None:
    if name in (".", ".."):
        return f"the name {name!r}"
    if "\\" in name:
        return "a backslash"
    if "\x00" in name:
        return "a NUL"
    if name[1:2] == ":":
        return "a Windows drive"
    return None


def name_problem(name: str) -> str | None:
    """Why `name` cannot be one name of an output path, or None when it can."""
    if not name:
        return "an empty name"
    if "/" in name:
        return "a '/' in a name"
    problem = _escape_problem(name)
    if problem is not None:
        return problem
    control = _CONTROL.search(name)
    if control is not None:
        return f"a control character ({control.group()!r})"
    if _SURROGATE.search(name) is not None:
        return "bytes that are not UTF-8"
    if name.endswith((".", " ")):
        return "a dot or a space at the end, which Windows drops"
    if is_device_name(name):
        return "a Windows device name"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"a name longer than {MAX_NAME_BYTES} bytes"
    return None


def path_problem(path: str) -> str | None:
    """Why `path` cannot be an output path, or None when it can: a relative POSIX path whose
    every name passes `name_problem`, of at most MAX_PATH_BYTES bytes."""
    if path.startswith("/"):
        return "an absolute path"
    for name in path.split("/"):
        problem = name_problem(name)
        if problem is not None:
            return problem
    if len(path.encode("utf-8")) > MAX_PATH_BYTES:
        return f"a path longer than {MAX_PATH_BYTES} bytes"
    return None


def is_output_name(name: str) -> bool:
    return name_problem(name) is None


def is_output_path(path: str) -> bool:
    return path_problem(path) is None

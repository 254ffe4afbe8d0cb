"""Bytes -> text, tolerating what real exports contain: BOMs, UTF-16, CRLF, bad bytes, NUL."""

from __future__ import annotations

import codecs
import re

from microblog.problems import Problem, Severity

# NUL and other C0 controls (but tab and line feed), DEL, lone surrogates and Unicode
# non-characters: none may appear in HTML or XML output. C1 controls stay for now: the mojibake
# repair reads them, and the readers drop what is left of them afterwards.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
    )
    + "]"
)
C1_CONTROLS = re.compile("[\x80-\x9f]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(raw: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode a file's bytes to text with '\\n' line ends and no NUL characters.

    A BOM picks the encoding (UTF-8, UTF-16, UTF-32); otherwise UTF-8, with every invalid
    byte replaced by U+FFFD and each affected line reported.
    """
    problems: list[Problem] = []
    encoding = "utf-8"
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raw = raw[len(bom) :]
            encoding = name
            if name != "utf-8":
                problems.append(
                    Problem(
                        path,
                        1,
                        "MB010",
                        Severity.NOTE,
                        f"file is {name.upper()[:6]} (BOM)",
                        "decoded",
                    )
                )
            break
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = _decode_by_line(raw, encoding, path, problems)
    text = text.removeprefix("\ufeff")  # a second BOM, left by a double conversion
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if FORBIDDEN.search(text):
        text = _drop_forbidden(text, path, problems)
    return text, problems


def _decode_by_line(raw: bytes, encoding: str, path: str, problems: list[Problem]) -> str:
    if encoding != "utf-8":
        # A broken UTF-16/32 file has no meaningful lines to point at.
        problems.append(
            Problem(
                path,
                1,
                "MB011",
                Severity.WARNING,
                f"invalid {encoding} data",
                "bad bytes replaced with U+FFFD",
            )
        )
        return raw.decode(encoding, errors="replace")
    lines = raw.split(b"\n")
    decoded = []
    for number, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(line.decode("utf-8", errors="replace"))
            problems.append(
                Problem(
                    path,
                    number,
                    "MB011",
                    Severity.WARNING,
                    "invalid UTF-8 bytes",
                    "replaced with U+FFFD",
                )
            )
    return "\n".join(decoded)


def _drop_forbidden(text: str, path: str, problems: list[Problem]) -> str:
    for number, line in enumerate(text.split("\n"), start=1):
        found = FORBIDDEN.findall(line)
        if found:
            names = ", ".join(sorted({f"U+{ord(c):04X}" for c in found})[:5])
            problems.append(
                Problem(
                    path,
                    number,
                    "MB012",
                    Severity.WARNING,
                    f"control or non-characters in text ({names})",
                    "removed",
                )
            )
    return FORBIDDEN.sub("", text)

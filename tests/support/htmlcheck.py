"""Validate generated HTML: the Nu Html Checker (vnu.jar from npm) when installed, else html5lib.

`.ci/run` installs vnu.jar with `npm ci` and Java with apt, so in CI the real checker always
runs; on a developer machine without them the html5lib parser still catches broken nesting.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import html5lib
from html5lib.constants import E as HTML5LIB_MESSAGES

from tests.support.optional import skip_or_fail_in_ci

REPO_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTML_SUFFIXES = frozenset({".html", ".htm"})

# --stdout: vnu writes its report to stderr otherwise. --exit-zero-always: errors come back in
# the JSON, so a non-zero exit means vnu itself failed. --no-langdetect: it only yields warnings
# (a guess from the words, wrong on short posts in several languages) and costs time.
# --asciiquotes keeps messages plain ASCII quotes. ERRORS_ONLY is left out for warnings too.
ERRORS_ONLY = "--errors-only"
VNU_OPTIONS = (
    "--format",
    "json",
    "--stdout",
    "--exit-zero-always",
    "--asciiquotes",
    "--no-langdetect",
    "--skip-non-html",
)
# Stay far below the kernel's argument limit when a site has thousands of pages.
MAX_ARGUMENT_CHARS = 100_000
VNU_TIMEOUT_SECONDS = 600
# A vnu run is short, so the JVM's optimizing compiler (C2) costs more than it saves: C1 alone
# halves the CPU time of a run. C1 frames are larger: vnu's schema needs a bigger stack then.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Xss8m")


def vnu_command() -> list[str] | None:
    """The command that starts the Nu Html Checker, or None when vnu.jar or java is missing."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        return None
    return [java, *JAVA_OPTIONS, "-jar", str(VNU_JAR)]


def require_vnu() -> list[str]:
    """The vnu command; skips the test without it, but fails it in CI, where it must exist."""
    command = vnu_command()
    if command is not None:
        return command
    missing = [] if shutil.which("java") else ["java on PATH"]
    missing += [] if VNU_JAR.is_file() else [f"{VNU_JAR} (run `npm ci --ignore-scripts`)"]
    reason = "the Nu Html Checker needs " + " and ".join(missing)
    skip_or_fail_in_ci(reason, ci_must="run the Nu Html Checker")


def validate_with_vnu(paths: list[Path], *, warnings: bool = False) -> list[str]:
    """Check .html files with one vnu run; returns "file:line: message" for each error, and
    with `warnings` for each warning and note too ("file:line: info warning: ...").

    Other suffixes (feeds, JSON) are ignored. A missing file is an error, because vnu
    itself silently skips files that do not exist.
    """
    command = vnu_command()
    if command is None:
        raise RuntimeError(f"vnu is not available: need java on PATH and {VNU_JAR}")
    html_paths = [path for path in paths if path.suffix.lower() in HTML_SUFFIXES]
    errors = [f"{path}: file does not exist" for path in html_paths if not path.is_file()]
    existing = [path for path in html_paths if path.is_file()]
    for batch in _batches(existing, MAX_ARGUMENT_CHARS):
        errors.extend(_run_vnu([*command, *([] if warnings else [ERRORS_ONLY])], batch))
    return errors


def _batches(paths: list[Path], max_chars: int) -> Iterator[list[Path]]:
    batch: list[Path] = []
    size = 0
    for path in paths:
        length = len(str(path)) + 1
        if batch and size + length > max_chars:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += length
    if batch:
        yield batch


def _run_vnu(command: list[str], paths: list[Path]) -> list[str]:
    completed = subprocess.run(
        [*command, *VNU_OPTIONS, *(str(path) for path in paths)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=VNU_TIMEOUT_SECONDS,
        check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        report = None
    if completed.returncode != 0 or not isinstance(report, dict):
        raise RuntimeError(
            f"vnu failed (exit {completed.returncode}): {completed.stderr.strip()[:2000]}"
        )
    by_location = {path.resolve(): path for path in paths}
    return [_format_vnu_message(message, by_location) for message in report.get("messages", [])]


def _format_vnu_message(message: dict[str, Any], by_location: dict[Path, Path]) -> str:
    url = str(message.get("url", ""))
    shown: Path | str = url or "(vnu)"
    if url.startswith("file:"):
        located = Path(unquote(urlsplit(url).path)).resolve()
        shown = by_location.get(located, located)
    line = message.get("lastLine") or message.get("firstLine")
    text = str(message.get("message", "")).strip()
    kind = " ".join(str(message[key]) for key in ("type", "subType") if message.get(key))
    if kind and kind != "error":
        text = f"{kind}: {text}"
    return f"{shown}:{line}: {text}" if line else f"{shown}: {text}"


def validate_with_html5lib(html: str) -> list[str]:
    """Parse errors as "line:col: message", like html5lib's strict mode but all of them."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(html)
    found: list[str] = []
    for (line, column), code, variables in parser.errors:
        template = HTML5LIB_MESSAGES.get(code, code)
        try:
            text = template % (variables or {})
        except (KeyError, TypeError, ValueError):
            text = f"{template} {variables!r}"
        found.append(f"{line}:{column}: {text} [{code}]")
    return found


def check_html_files(paths: Iterable[Path]) -> list[str]:
    """Errors in the .html files: vnu when available, html5lib otherwise."""
    html_paths = [path for path in paths if path.suffix.lower() in HTML_SUFFIXES]
    if vnu_command() is not None:
        return validate_with_vnu(html_paths)
    errors: list[str] = []
    for path in html_paths:
        html = path.read_text(encoding="utf-8")
        errors.extend(f"{path}:{error}" for error in validate_with_html5lib(html))
    return errors

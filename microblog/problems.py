"""Problems are values: every stage returns them, only the command line prints them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: an error drops or blocks something, a warning alters it, a note
    records a repair that was made."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing worth telling the user about, located at `path:line`.

    `code` is stable (MBnnn) so that tests and users can grep for it; `action` says what the
    build did about it (kept, skipped, replaced ...).
    """

    path: str
    line: int
    code: str
    severity: Severity
    message: str
    action: str = ""

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity.value} {self.code} {self.message}"
        return f"{text} ({self.action})" if self.action else text


def is_problem(problem: Problem) -> bool:
    """Errors and warnings are problems; notes (repairs made) are not."""
    return problem.severity is not Severity.NOTE


def did_you_mean(key: str, known: Iterable[str], prefix: str = "") -> str:
    """' (did you mean 'title'?)' for a near miss among `known`, else ''."""
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {prefix + close[0]!r}?)" if close else ""

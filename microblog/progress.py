"""A build's progress, shown as a bar (tqdm) on a terminal when the build takes over a second.

Stages report how many items they have and each item done. The bar is drawn only by the
process that made it: a forked worker's reports are ignored, and the parent reports each
chunk a worker finished (parallel.map_chunks).
"""

from __future__ import annotations

import os
from typing import Any, Final, TextIO

SHOW_AFTER: Final = 1.0  # seconds: a quicker build never shows a bar


class Progress:
    """Reports nothing: for pipes, CI, `--quiet` and tests."""

    def stage(self, name: str, total: int) -> None:
        """A stage of `total` items begins."""

    def advance(self, count: int = 1) -> None:
        """`count` more items of the stage are done."""

    def close(self) -> None:
        """The build is over: the bar, if any, is removed."""


class ProgressBar(Progress):
    """One bar for the whole build, showing the stage under way, once a second has passed."""

    def __init__(self, stream: TextIO) -> None:
        from tqdm import tqdm  # only a build on a terminal needs it

        self._pid = os.getpid()
        self._bar: Any = tqdm(
            total=0, file=stream, delay=SHOW_AFTER, leave=False, unit="", dynamic_ncols=True
        )

    def stage(self, name: str, total: int) -> None:
        if os.getpid() == self._pid:  # not reset(): it draws at once, and restarts the delay
            bar = self._bar
            bar.set_description_str(name, refresh=False)
            bar.n = bar.last_print_n = 0
            bar.total = total

    def advance(self, count: int = 1) -> None:
        if os.getpid() == self._pid:
            self._bar.update(count)

    def close(self) -> None:
        if os.getpid() == self._pid:
            self._bar.close()


def progress_for(stream: TextIO, *, quiet: bool = False) -> Progress:
    """A bar on `stream` when it is a terminal, outside CI and unless `quiet`."""
    if quiet or os.environ.get("CI") or not stream.isatty():
        return Progress()
    return ProgressBar(stream)

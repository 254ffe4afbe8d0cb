"""The progress bar: on a terminal only, outside CI and without --quiet; drawn after a second
and gone when the build ends."""

from __future__ import annotations

import io
import time

import pytest

from microblog.progress import SHOW_AFTER, Progress, ProgressBar, progress_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_only_on_a_terminal_outside_ci_and_unless_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert isinstance(progress_for(Terminal()), ProgressBar)
    assert type(progress_for(io.StringIO())) is Progress  # a pipe or a file
    assert type(progress_for(Terminal(), quiet=True)) is Progress
    monkeypatch.setenv("CI", "true")
    assert type(progress_for(Terminal())) is Progress


def test_the_bar_shows_the_stage_after_a_second_and_is_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    screen = Terminal()
    bar = progress_for(screen)
    bar.stage("reading posts", 10)
    bar.advance(3)
    assert screen.getvalue() == ""  # a quick build shows nothing
    time.sleep(SHOW_AFTER + 0.2)
    bar.stage("writing pages", 4)
    bar.advance(2)
    assert "writing pages" in screen.getvalue()
    assert "2/4" in screen.getvalue()
    bar.close()
    assert screen.getvalue().rsplit("\r", 2)[-2].strip() == ""  # the line is blanked at the end


def test_a_forked_worker_never_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    screen = Terminal()
    bar = progress_for(screen)
    monkeypatch.setattr("os.getpid", lambda: -1)  # as in a worker: another process
    time.sleep(SHOW_AFTER + 0.2)
    bar.stage("writing pages", 4)
    bar.advance(4)
    assert screen.getvalue() == ""

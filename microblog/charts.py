"""The geometry of the stats page's bar charts, in SVG user units; templates draw it.

Pure: bars in, rectangles and axis labels out. Every chart is `WIDTH` wide whatever its
number of bars, so that its text keeps one size when the SVG scales to the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from microblog.stats import Bar

WIDTH = 600
PLOT_HEIGHT = 150  # columns: the tallest bar
AXIS = 20  # columns: the room under the bars for their ticks
ROW = 24  # rows: the height of each
LABEL = 150  # rows: the room left of the bars for their labels
MIN_TICK_GAP = 40  # columns: the least distance between two ticks shown
MAX_STEP = 60  # columns: the most room a column takes, so that a few do not fill the width


@dataclass(frozen=True, slots=True)
class Shape:
    """One bar as drawn, with the text that says what it is, and where its tick goes."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    tick: str  # "" when the axis shows none under it
    text_x: float  # columns: where the tick goes; rows: where the value is written
    text_y: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    shapes: tuple[Shape, ...]
    baseline: float  # columns: the y of the axis; rows: the x where bars start


def _size(value: float) -> float:
    """Two decimals at most, and none for a whole number: `12`, `12.5`, `12.33`."""
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def column_chart(bars: Sequence[Bar]) -> Chart:
    """Vertical bars side by side (time series), from the left, at most MAX_STEP apart;
    ticks kept apart by MIN_TICK_GAP."""
    step = min(WIDTH / max(len(bars), 1), MAX_STEP)
    gap = min(step * 0.2, 2.0)
    top = max((bar.value for bar in bars), default=0) or 1
    shapes: list[Shape] = []
    last_tick = -float("inf")
    for index, bar in enumerate(bars):
        height = PLOT_HEIGHT * bar.value / top
        x = index * step
        tick = bar.tick if bar.tick and x - last_tick >= MIN_TICK_GAP else ""
        if tick:
            last_tick = x
        shapes.append(
            Shape(
                bar.label,
                bar.value,
                _size(x + gap / 2),
                _size(PLOT_HEIGHT - height),
                _size(step - gap),
                _size(height),
                tick,
                _size(x + step / 2),
                PLOT_HEIGHT + 15,
            )
        )
    return Chart(WIDTH, PLOT_HEIGHT + AXIS, tuple(shapes), PLOT_HEIGHT)


def row_chart(bars: Sequence[Bar]) -> Chart:
    """Horizontal bars one under the other (rankings), labelled on the left; the value is
    written after each bar."""
    room = WIDTH - LABEL - 40  # and 40 for the value after the longest
    top = max((bar.value for bar in bars), default=0) or 1
    shapes: list[Shape] = []
    for index, bar in enumerate(bars):
        width = room * bar.value / top
        y = index * ROW
        shapes.append(
            Shape(
                bar.label,
                bar.value,
                LABEL,
                y + 4,
                _size(width),
                ROW - 8,
                "",
                _size(LABEL + width + 6),
                y + ROW / 2,
            )
        )
    return Chart(WIDTH, max(len(bars), 1) * ROW, tuple(shapes), LABEL)

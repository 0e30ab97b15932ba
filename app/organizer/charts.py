"""Small charts as plain geometry for an SVG template (templates/organizer/_chart.html).

No chart library and no JavaScript: the server computes bars or a line in a fixed viewBox, the template draws
them with classes only (the strict CSP allows no style attributes), and CSS makes the SVG as wide as its box,
so a chart never pushes a phone's page sideways.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 10, 22
MAX_AXIS_LABELS = 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    suppressed: bool  # a count of fewer than five people: no height drawn, "<5" written instead


@dataclass
class Chart:
    kind: str  # "bar" or "line"
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT
    bars: list[Bar] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # SVG path data, one per unbroken run of values
    points: list[tuple[float, float]] = field(default_factory=list)
    ticks: list[tuple[float, float]] = field(default_factory=list)  # (y, value) for grid lines
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    target_y: float | None = None


def nice_ceiling(value: float) -> float:
    """The axis' top: 1, 2, 2.5 or 5 times a power of ten, at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _numbers(values: list) -> list[float | None]:
    return [v if isinstance(v, int | float) and not isinstance(v, bool) else None for v in values]


def build(values: list, labels: list[str], kind: str = "bar", target: float | None = None) -> Chart:
    """`values` as shown: numbers, "<5" (suppressed) or None (nothing measured)."""
    chart = Chart(kind=kind)
    numbers = _numbers(values)
    top = nice_ceiling(max([n for n in numbers if n is not None] + [target or 0, 0]))
    plot_height = chart.baseline - TOP
    slot = (chart.right - chart.left) / max(len(values), 1)

    def y_of(number: float) -> float:
        return round(chart.baseline - plot_height * number / top, 1)

    chart.ticks = [(y_of(top * share), top * share) for share in (0, 0.5, 1)]
    chart.target_y = y_of(target) if target is not None else None
    every = math.ceil(len(labels) / MAX_AXIS_LABELS) or 1
    # Label the newest period and every `every`-th before it, so the current one is always named.
    chart.x_labels = [(round(chart.left + slot * (i + 0.5), 1), label) for i, label in enumerate(labels)
                      if (len(labels) - 1 - i) % every == 0]
    if kind == "bar":
        for index, (value, number) in enumerate(zip(values, numbers, strict=True)):
            y = y_of(number) if number is not None else chart.baseline
            chart.bars.append(Bar(x=round(chart.left + slot * index + slot * 0.15, 1), y=y, width=round(slot * 0.7, 1),
                                  height=round(chart.baseline - y, 1), suppressed=isinstance(value, str)))
        return chart
    run: list[str] = []
    for index, number in enumerate(numbers):
        if number is None:
            if run:
                chart.lines.append(" ".join(run))
            run = []
            continue
        x, y = round(chart.left + slot * (index + 0.5), 1), y_of(number)
        chart.points.append((x, y))
        run.append(f"{'L' if run else 'M'}{x},{y}")
    if run:
        chart.lines.append(" ".join(run))
    return chart

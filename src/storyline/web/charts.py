"""Server-side bar charts: counts per day (per series) → the geometry an SVG template draws.

Charts are plain SVG rendered by the template, so they need no JavaScript, no chart library from a
CDN, and no inline style (the Content-Security-Policy forbids it): colours come from CSS classes.
A span longer than :data:`MAX_DAILY_BARS` days is binned by week, then by month, so bars stay
readable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

WIDTH, HEIGHT = 640, 160
LEFT, TOP, BOTTOM = 28, 10, 22
# Beyond this many days a bar per day is thinner than ~4 px at WIDTH: bin by week, then month.
MAX_DAILY_BARS = 120
MAX_WEEKLY_BARS = 120
# Series beyond this many are drawn with the last colour class (the CSS defines six).
SERIES_COLOURS = 6
# Axis labels shown under the chart at most.
MAX_TICKS = 6


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    day: str
    series: str
    series_index: int
    count: int


@dataclass
class Chart:
    bars: list[Bar] = field(default_factory=list)
    series: list[str] = field(default_factory=list)
    ticks: list[dict[str, Any]] = field(default_factory=list)
    max: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    base: int = HEIGHT - BOTTOM


def _bin(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _next(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=7)
    if unit == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def stacked_bars(counts: Iterable[Mapping[str, Any]]) -> Chart:
    """``counts`` rows ``{day: 'YYYY-MM-DD', series: str, count: int}`` → stacked bars per bin."""
    parsed: list[tuple[date, str, int]] = []
    for row in counts:
        try:
            parsed.append(
                (date.fromisoformat(str(row["day"])[:10]), str(row["series"]), int(row["count"]))
            )
        except (KeyError, ValueError):
            continue
    chart = Chart()
    if not parsed:
        return chart
    first, last = min(p[0] for p in parsed), max(p[0] for p in parsed)
    span = (last - first).days + 1
    unit = "day" if span <= MAX_DAILY_BARS else "week" if span / 7 <= MAX_WEEKLY_BARS else "month"
    totals: dict[str, int] = defaultdict(int)
    for _, series, n in parsed:
        totals[series] += n
    chart.series = sorted(totals, key=lambda s: (-totals[s], s))
    index = {s: i for i, s in enumerate(chart.series)}
    stacks: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for day, series, n in parsed:
        stacks[_bin(day, unit)][series] += n
    bins: list[date] = []
    cursor = _bin(first, unit)
    while cursor <= last:
        bins.append(cursor)
        cursor = _next(cursor, unit)
    chart.max = max(sum(stack.values()) for stack in stacks.values())
    plot_w = WIDTH - LEFT - 4
    plot_h = chart.base - TOP
    slot = plot_w / len(bins)
    bar_w = max(slot * 0.8, 1.0)
    for i, start in enumerate(bins):
        x = LEFT + 2 + i * slot + (slot - bar_w) / 2
        y = float(chart.base)
        for series in chart.series:
            n = stacks.get(start, {}).get(series, 0)
            if not n:
                continue
            h = plot_h * n / chart.max
            y -= h
            chart.bars.append(
                Bar(
                    round(x, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    start.isoformat(),
                    series,
                    min(index[series], SERIES_COLOURS - 1),
                    n,
                )
            )
    step = max(1, -(-len(bins) // MAX_TICKS))
    tick_format = "%Y-%m" if unit == "month" else "%Y-%m-%d" if first.year != last.year else "%m-%d"
    for i in range(0, len(bins), step):
        label = bins[i].strftime(tick_format)
        chart.ticks.append({"x": round(LEFT + 2 + i * slot + slot / 2, 1), "label": label})
    return chart

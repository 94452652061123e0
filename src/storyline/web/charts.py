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


# -- how a story travelled: time × outlet ------------------------------------------------------

TRAVEL_WIDTH = 720
TRAVEL_ROW = 22  # pixels per outlet row
TRAVEL_LEFT = 150  # room for the outlet names
TRAVEL_TOP = 12
TRAVEL_BOTTOM = 26
# Outlet rows drawn at most; the rest are folded into one "other outlets" row.
TRAVEL_MAX_ROWS = 40
# Outlet names are cut to this many characters on the chart (the full name is in the tooltip).
TRAVEL_LABEL_CHARS = 22
# Arrows start and end this far from the dots' centres (dot radius 5 + the arrowhead).
TRAVEL_DOT_GAP = 8.0


@dataclass
class TravelDot:
    x: float
    y: float
    id: str
    label: str  # tooltip
    language: str
    series_index: int
    origin: bool
    role: str


@dataclass
class TravelArrow:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # copy-of / translation-of


@dataclass
class TravelChart:
    dots: list[TravelDot] = field(default_factory=list)
    arrows: list[TravelArrow] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    ticks: list[dict[str, Any]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    width: int = TRAVEL_WIDTH
    height: int = 0
    left: int = TRAVEL_LEFT
    base: int = 0


def travel_chart(travel: Mapping[str, Any]) -> TravelChart:
    """The geometry of the "How it travelled" chart: one row per outlet (in order of first
    appearance), x by publication day (undated articles by first-seen order, in a column after
    the dated ones), a dot per article coloured by language, arrows from each copy or translation
    to the article it repeats."""
    nodes = list(travel.get("nodes") or [])
    chart = TravelChart()
    if not nodes:
        return chart
    counts: dict[str, int] = defaultdict(int)
    for node in nodes:
        counts[node.get("language") or "?"] += 1
    chart.languages = sorted(counts, key=lambda s: (-counts[s], s))
    colour = {lang: min(i, SERIES_COLOURS - 1) for i, lang in enumerate(chart.languages)}
    outlets: list[str] = []
    for node in nodes:
        name = node.get("outlet") or "unknown outlet"
        if name not in outlets:
            outlets.append(name)
    if len(outlets) > TRAVEL_MAX_ROWS:
        outlets = [*outlets[: TRAVEL_MAX_ROWS - 1], "other outlets"]
    row_of = {name: i for i, name in enumerate(outlets)}
    chart.height = TRAVEL_TOP + TRAVEL_ROW * len(outlets) + TRAVEL_BOTTOM
    chart.base = TRAVEL_TOP + TRAVEL_ROW * len(outlets)
    chart.rows = [
        {
            "y": TRAVEL_TOP + TRAVEL_ROW * i + TRAVEL_ROW / 2,
            "label": name[:TRAVEL_LABEL_CHARS],
            "title": name,
        }
        for i, name in enumerate(outlets)
    ]
    days = sorted({str(n["published"])[:10] for n in nodes if n.get("published")})
    undated = [n for n in nodes if not n.get("published")]
    # x slots: one per day (same-day articles side by side), then one per undated article
    slots: list[tuple[str, int]] = []
    per_day: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        if node.get("published"):
            per_day[str(node["published"])[:10]].append(node["id"])
    for day in days:
        slots.append((day, len(per_day[day])))
    if undated:
        slots.append(("undated", len(undated)))
    total = sum(max(width, 1) for _, width in slots) or 1
    plot = TRAVEL_WIDTH - TRAVEL_LEFT - 16
    unit = plot / total
    position: dict[str, tuple[float, float]] = {}
    cursor = float(TRAVEL_LEFT + 8)
    for day, width in slots:
        members = per_day[day] if day != "undated" else [n["id"] for n in undated]
        chart.ticks.append({"x": round(cursor + unit * width / 2, 1), "label": day})
        for k, node_id in enumerate(members):
            position[node_id] = (round(cursor + unit * (k + 0.5), 1), 0.0)
        cursor += unit * max(width, 1)
    step = max(1, -(-len(chart.ticks) // MAX_TICKS))
    chart.ticks = chart.ticks[::step]
    for node in nodes:
        row = row_of.get(node.get("outlet") or "unknown outlet", len(outlets) - 1)
        x = position[node["id"]][0]
        y = TRAVEL_TOP + TRAVEL_ROW * row + TRAVEL_ROW / 2
        position[node["id"]] = (x, y)
        language = node.get("language") or "?"
        role = str(node.get("role") or "")
        label = (
            f"{node.get('published') or 'undated'} · {node.get('outlet') or 'unknown outlet'} · "
            f"{language} · {'origin, ' if node.get('origin') else ''}{role}"
            f" · {node.get('title') or ''}"
        )
        chart.dots.append(
            TravelDot(
                x, y, node["id"], label, language, colour[language], bool(node.get("origin")), role
            )
        )
    for edge in travel.get("edges") or []:
        if edge.get("kind") not in ("copy-of", "translation-of"):
            continue
        a, b = position.get(edge["from"]), position.get(edge["to"])
        if a is None or b is None:
            continue
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
        cut = min(TRAVEL_DOT_GAP, length / 3)  # start and end outside the dots
        ux, uy = dx / length * cut, dy / length * cut
        chart.arrows.append(
            TravelArrow(
                round(a[0] + ux, 1),
                round(a[1] + uy, 1),
                round(b[0] - ux, 1),
                round(b[1] - uy, 1),
                str(edge["kind"]),
            )
        )
    return chart

"""One target's chart as inline SVG: the figures, the expected path, the target and the
projection to the due date with its interval. Pure: data in, markup out."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from chiso_core.words.vietnamese import number

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 12, 26

XY = tuple[float, float]  # (position on the year axis, value)


@dataclass(frozen=True)
class Projection:
    at: float  # the due date on the year axis
    value: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class ChartData:
    actual: Sequence[XY]
    expected: Sequence[XY]
    target: float | None
    projection: Projection | None
    floor: float | None = None  # the indicator's valid range bounds the value axis
    ceiling: float | None = None


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering [low, high]."""
    if high - low <= 1e-9 * max(1.0, abs(low), abs(high)):  # flat: a band around the value
        pad = 0.05 * abs(low) or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / count
    exponent = math.floor(math.log10(raw))
    step = next(m * 10.0**exponent for m in (1, 2, 5, 10) if m * 10.0**exponent >= raw)
    digits = max(0, 1 - exponent)  # enough to print the steps exactly
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, digits) for i in range(first, last + 1)]


def _domain(data: ChartData) -> tuple[float, float]:
    values = [y for _, y in (*data.actual, *data.expected)]
    if data.target is not None:
        values.append(data.target)
    if data.projection is not None:
        p = data.projection
        values.extend(v for v in (p.value, p.low, p.high) if v is not None)
    low, high = min(values), max(values)
    if data.floor is not None:
        low = max(low, data.floor)
    if data.ceiling is not None:
        high = min(high, data.ceiling)
    return low, max(high, low)


@dataclass(frozen=True)
class _Frame:
    """The plot's axes: years x0 to x1 across, values y0 to y1 up."""

    x0: int
    x1: int
    y0: float
    y1: float

    def px(self, x: float) -> float:
        return round(LEFT + (x - self.x0) / (self.x1 - self.x0) * (WIDTH - LEFT - RIGHT), 1)

    def py(self, y: float) -> float:
        return round(
            HEIGHT - BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (HEIGHT - TOP - BOTTOM), 1
        )

    def points(self, xy: Sequence[XY]) -> str:
        return " ".join(f"{self.px(x)},{self.py(y)}" for x, y in xy)


def _frame(data: ChartData, ticks: list[float]) -> _Frame:
    """Whole years around every point, the first to the last tick."""
    xs = [x for x, _ in (*data.actual, *data.expected)]
    if data.projection is not None:
        xs.append(data.projection.at)
    x0, x1 = math.floor(min(xs)), math.ceil(max(xs))
    return _Frame(x0, max(x1, x0 + 1), ticks[0], ticks[-1])


def _grid(frame: _Frame, ticks: list[float]) -> list[str]:
    """A labelled line at each tick, and at each year."""
    out = []
    for t in ticks:
        y = frame.py(t)
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4}" text-anchor="end">'
            f"{number(t, 6)}</text>"
        )
    for year in range(frame.x0, frame.x1):
        # Figures stand at the end of their period: year Y spans Y to Y + 1 on the axis.
        out.append(
            f'<line class="year" x1="{frame.px(year)}" x2="{frame.px(year)}" y1="{TOP}" '
            f'y2="{HEIGHT - BOTTOM}"/><text class="tick" x="{frame.px(year + 0.5)}" '
            f'y="{HEIGHT - 8}" text-anchor="middle">{year}</text>'
        )
    return out


def _series(data: ChartData, frame: _Frame) -> list[str]:
    """The projection and its interval, the target, the expected path, then the figures on top."""
    out = []
    last = data.actual[-1]
    if (p := data.projection) is not None:
        if p.low is not None and p.high is not None:
            band = frame.points([last, (p.at, p.high), (p.at, p.low)])
            out.append(f'<polygon class="interval" points="{band}"/>')
        projected = frame.points([last, (p.at, p.value)])
        out.append(f'<polyline class="projection" points="{projected}"/>')
    if data.target is not None:
        out.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{frame.py(data.target)}" y2="{frame.py(data.target)}"/>'
        )
    if data.expected:
        out.append(f'<polyline class="expected" points="{frame.points(data.expected)}"/>')
    out.append(f'<polyline class="actual" points="{frame.points(data.actual)}"/>')
    out.extend(
        f'<circle class="actual" cx="{frame.px(x)}" cy="{frame.py(y)}" r="2.5"/>'
        for x, y in data.actual
    )
    return out


def render(data: ChartData, key: str, label: str) -> Markup:
    """The chart; `key` tells it apart from the page's other charts, `label` names it for
    screen readers (the target's own words)."""
    if not data.actual:
        raise ValueError("a chart needs at least one figure")
    ticks = nice_ticks(*_domain(data))
    frame = _frame(data, ticks)
    plot = f'x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}"'
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        # Intervals can reach far beyond the valid range: clip to the plot.
        f'<defs><clipPath id="clip-{escape(key)}"><rect {plot}/></clipPath></defs>',
        *_grid(frame, ticks),
        f'<g clip-path="url(#clip-{escape(key)})">',
        *_series(data, frame),
        "</g></svg>",
    ]
    return Markup("".join(out))  # noqa: S704 (numbers and escaped text only)

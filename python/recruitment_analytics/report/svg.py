"""Draw the report's charts as inline SVG strings, with no JavaScript.

Every chart is an `<svg class="chart">` element. Its data marks (bars,
line points, heatmap cells) carry the class `mark`, so a browser test can
check that a chart drew something. Text is escaped; labels are expected in
English so the page needs no CJK font.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#2f6f9f", "#e08a2e", "#4e9a5b", "#b04a5a", "#7a5ea8", "#8a8a8a")
"""Series colours, picked to stay distinguishable for common colour blindness."""

ValueFormat = Callable[[float], str]


def format_count(value: float) -> str:
    """Format a count with thousands separators and no decimals."""
    return f"{value:,.0f}"


def format_decimal(value: float) -> str:
    """Format a ratio or mean with two significant decimals."""
    return f"{value:,.2f}"


def format_percent(value: float) -> str:
    """Format a fraction (0.25) as a percentage (25.0 %)."""
    return f"{value * 100:.1f} %"


@dataclass(frozen=True)
class Series:
    """One named sequence of values drawn in one colour; None is a gap."""

    name: str
    values: Sequence[float | None]
    color: str = PALETTE[0]


@dataclass(frozen=True)
class Frame:
    """Pixel geometry of a chart: the outer size and the plot margins."""

    width: int = 760
    height: int = 300
    left: int = 64
    right: int = 16
    top: int = 48
    bottom: int = 64

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


def nice_ticks(max_value: float, count: int = 5) -> list[float]:
    """Return evenly spaced round tick values from 0 to at least max_value."""
    if not math.isfinite(max_value) or max_value <= 0:
        max_value = 1.0
    raw_step = max_value / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = magnitude * 10
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude * count >= max_value:
            step = multiple * magnitude
            break
    steps = math.ceil(max_value / step - 1e-9)
    return [i * step for i in range(steps + 1)]


def _finite(values: Sequence[float | None]) -> list[float]:
    return [
        float(value)
        for value in values
        if value is not None and math.isfinite(float(value))
    ]


def _open_svg(frame: Frame, title: str) -> list[str]:
    label = escape(title)
    return [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {frame.width} {frame.height}" '
        f'width="{frame.width}" height="{frame.height}" '
        f'role="img" aria-label="{label}">',
        f"<title>{label}</title>",
        f'<text class="chart-title" x="8" y="20">{label}</text>',
    ]


def _y_axis(
    frame: Frame, ticks: list[float], y_label: str, value_format: ValueFormat
) -> list[str]:
    parts = []
    top = ticks[-1]
    for tick in ticks:
        y = frame.top + frame.plot_height * (1 - tick / top)
        parts.append(
            f'<line class="grid" x1="{frame.left}" x2="{frame.width - frame.right}" '
            f'y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{frame.left - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{escape(value_format(tick))}</text>'
        )
    mid = frame.top + frame.plot_height / 2
    parts.append(
        f'<text class="axis-label" transform="translate(14 {mid:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    return parts


def _x_labels(
    frame: Frame, labels: Sequence[str], centres: Sequence[float], every: int
) -> list[str]:
    parts = []
    shown = labels[::every]
    widest = max((len(label) for label in shown), default=0)
    # A tick label takes about 6.5 px per character at the 11 px font. Labels
    # rotate when the widest one does not fit between two shown labels.
    rotate = widest * 6.5 > 0.95 * frame.plot_width / max(len(shown), 1)
    base = frame.top + frame.plot_height + 16
    for index, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if index % every:
            continue
        if rotate:
            parts.append(
                f'<text class="tick" transform="translate({x:.1f} {base}) '
                f'rotate(-40)" text-anchor="end">{escape(label)}</text>'
            )
        else:
            parts.append(
                f'<text class="tick" x="{x:.1f}" y="{base}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return parts


def _legend(frame: Frame, series: Sequence[Series]) -> list[str]:
    if len(series) < 2:
        return []
    parts = []
    x = frame.width - frame.right
    for item in reversed(series):
        x -= 14 + 7 * len(item.name) + 14
        parts.append(
            f'<rect x="{x}" y="26" width="10" height="10" fill="{item.color}"/>'
            f'<text class="legend" x="{x + 14}" y="35">{escape(item.name)}</text>'
        )
    return parts


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str,
    value_format: ValueFormat = format_count,
    stacked: bool = False,
    label_every: int = 1,
    highlight: Sequence[bool] | None = None,
    frame: Frame = Frame(),
) -> str:
    """Draw vertical bars per category, grouped side by side or stacked.

    `highlight` marks categories whose bars get a darker outline, such as
    month-start days.
    """
    if stacked:
        totals = [
            sum(_finite([item.values[i] for item in series]))
            for i in range(len(categories))
        ]
        ticks = nice_ticks(max(totals, default=0.0))
    else:
        ticks = nice_ticks(
            max((max(_finite(item.values), default=0.0) for item in series), default=0)
        )
    top = ticks[-1]
    parts = _open_svg(frame, title)
    parts += _y_axis(frame, ticks, y_label, value_format)
    slot = frame.plot_width / max(len(categories), 1)
    group_width = slot * 0.78
    bar_width = group_width if stacked else group_width / max(len(series), 1)
    centres = []
    for index, category in enumerate(categories):
        slot_left = frame.left + index * slot + (slot - group_width) / 2
        centres.append(frame.left + index * slot + slot / 2)
        base = 0.0
        outline = highlight is not None and highlight[index]
        for position, item in enumerate(series):
            value = item.values[index]
            if value is None or not math.isfinite(float(value)):
                continue
            height = frame.plot_height * float(value) / top
            x = slot_left if stacked else slot_left + position * bar_width
            y = frame.top + frame.plot_height - height - base
            if stacked:
                base += height
            stroke = ' stroke="#222" stroke-width="1.5"' if outline else ""
            parts.append(
                f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" '
                f'width="{max(bar_width - 1, 1):.1f}" height="{max(height, 0.5):.1f}" '
                f'fill="{item.color}"{stroke}><title>{escape(category)}, '
                f"{escape(item.name)}: {escape(value_format(float(value)))}"
                "</title></rect>"
            )
    parts += _x_labels(frame, categories, centres, label_every)
    parts += _legend(frame, series)
    parts.append("</svg>")
    return "\n".join(parts)


def horizontal_bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    value_format: ValueFormat = format_count,
    annotations: Sequence[str] | None = None,
    frame: Frame | None = None,
) -> str:
    """Draw horizontal bars per category, for long labels and funnels.

    `annotations` adds a note after each category's bars, such as a
    conversion rate.
    """
    row_height = 16 * len(series) + 12
    frame = frame or Frame(
        height=60 + row_height * len(categories), left=170, bottom=12, right=200
    )
    peak = max((max(_finite(item.values), default=0.0) for item in series), default=0)
    peak = peak if peak > 0 else 1.0
    parts = _open_svg(frame, title)
    parts += _legend(frame, series)
    for index, category in enumerate(categories):
        row_top = frame.top + index * row_height
        parts.append(
            f'<text class="tick" x="{frame.left - 8}" '
            f'y="{row_top + row_height / 2 + 2:.1f}" text-anchor="end">'
            f"{escape(category)}</text>"
        )
        bar_end = frame.left
        for position, item in enumerate(series):
            value = item.values[index]
            if value is None or not math.isfinite(float(value)):
                continue
            width = frame.plot_width * float(value) / peak
            y = row_top + 6 + position * 16
            parts.append(
                f'<rect class="mark" x="{frame.left}" y="{y:.1f}" '
                f'width="{max(width, 0.5):.1f}" height="14" fill="{item.color}">'
                f"<title>{escape(category)}, {escape(item.name)}: "
                f"{escape(value_format(float(value)))}</title></rect>"
                f'<text class="value" x="{frame.left + width + 4:.1f}" '
                f'y="{y + 11:.1f}">{escape(value_format(float(value)))}</text>'
            )
            bar_end = max(bar_end, frame.left + width)
        if annotations is not None and annotations[index]:
            parts.append(
                f'<text class="note" x="{frame.width - frame.right + 60}" '
                f'y="{row_top + row_height / 2 + 2:.1f}">'
                f"{escape(annotations[index])}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str,
    value_format: ValueFormat = format_count,
    label_every: int = 1,
    frame: Frame = Frame(),
) -> str:
    """Draw one polyline per series over shared x positions; None breaks a line."""
    ticks = nice_ticks(
        max((max(_finite(item.values), default=0.0) for item in series), default=0)
    )
    top = ticks[-1]
    parts = _open_svg(frame, title)
    parts += _y_axis(frame, ticks, y_label, value_format)
    count = max(len(x_labels), 1)
    step = frame.plot_width / max(count - 1, 1)
    xs = [frame.left + i * step for i in range(len(x_labels))]

    for item in series:
        commands = []
        pen_down = False
        for x, value in zip(xs, item.values, strict=True):
            if value is None or not math.isfinite(float(value)):
                pen_down = False
                continue
            y = frame.top + frame.plot_height * (1 - float(value) / top)
            commands.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
            pen_down = True
        if commands:
            parts.append(
                f'<path class="mark line" d="{" ".join(commands)}" fill="none" '
                f'stroke="{item.color}" stroke-width="2"><title>{escape(item.name)}'
                "</title></path>"
            )

    parts += _x_labels(frame, x_labels, xs, label_every)
    parts += _legend(frame, series)
    parts.append("</svg>")
    return "\n".join(parts)


def _heat_colour(value: float) -> str:
    """Blend from pale to dark blue as value goes from 0 to 1."""
    share = min(max(value, 0.0), 1.0)
    low, high = (239, 245, 251), (8, 69, 148)
    red, green, blue = (
        round(a + (b - a) * share) for a, b in zip(low, high, strict=True)
    )
    return f"rgb({red},{green},{blue})"


def heatmap(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str,
    x_label: str,
    value_format: ValueFormat = format_percent,
    show_values: bool = True,
) -> str:
    """Draw a grid of cells shaded by a 0-1 value; None cells stay grey.

    Rows are cohorts and columns periods in the report, so a None cell is a
    period that has not fully elapsed or lies past the window.
    """
    cell_width = max(min(56, 640 // max(len(column_labels), 1)), 14)
    cell_height = 20
    frame = Frame(
        width=110 + cell_width * len(column_labels) + 16,
        height=52 + cell_height * len(row_labels) + 40,
        left=110,
        top=52,
        bottom=40,
    )
    parts = _open_svg(frame, title)
    for column, label in enumerate(column_labels):
        x = frame.left + column * cell_width + cell_width / 2
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{frame.top - 4}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for row, label in enumerate(row_labels):
        y = frame.top + row * cell_height
        parts.append(
            f'<text class="tick" x="{frame.left - 6}" y="{y + 14}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for column, value in enumerate(values[row]):
            x = frame.left + column * cell_width
            if value is None or not math.isfinite(float(value)):
                parts.append(
                    f'<rect class="empty-cell" x="{x}" y="{y}" '
                    f'width="{cell_width - 1}" height="{cell_height - 1}" '
                    'fill="#eeeeee"/>'
                )
                continue
            parts.append(
                f'<rect class="mark" x="{x}" y="{y}" width="{cell_width - 1}" '
                f'height="{cell_height - 1}" fill="{_heat_colour(float(value))}">'
                f"<title>{escape(label)}, period {escape(column_labels[column])}: "
                f"{escape(value_format(float(value)))}</title></rect>"
            )
            if show_values and cell_width >= 34:
                ink = "#fff" if float(value) > 0.55 else "#222"
                parts.append(
                    f'<text class="cell" x="{x + cell_width / 2:.1f}" y="{y + 14}" '
                    f'text-anchor="middle" fill="{ink}">'
                    f"{escape(value_format(float(value)).replace(' ', ''))}</text>"
                )
    bottom = frame.top + cell_height * len(row_labels) + 24
    parts.append(
        f'<text class="axis-label" x="{frame.left}" y="{bottom}">'
        f"{escape(x_label)}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)

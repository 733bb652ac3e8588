"""Charts for the organisers' pages, drawn on the server as inline SVG.

Pure functions: they take plain labels and numbers and return a safe string to put
into a page as is (every text inside is escaped here). No script and no style: the
page's Content-Security-Policy allows neither, so the charts use SVG presentation
attributes only, and the page's stylesheet sizes them. Each chart is an image with
a name (``role="img"``, ``aria-labelledby`` its ``<title>`` and ``<desc>``), every
figure is written as visible text next to its mark, and the colours have at least
4.5:1 contrast with white (for the marks on the page and for the white figures
written on them).

Texts are never measured: a label sits on its own line above its bar, long labels
are cut with "…" (the whole label is in the mark's ``<title>`` and in the table the
page shows under each chart).
"""

import re
from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import mark_safe

TEXT = "#212529"
MUTED = "#495057"
EMPTY = "#ced4da"  # a zero bar: a 1-pixel stub next to its written 0
BAR = "#0b5ed7"
# One colour per part of a stacked bar, each ≥ 4.5:1 against white; parts are
# separated by a white gap, so neighbours need no contrast with each other.
PALETTE = ("#0b5ed7", "#146c43", "#995c00", "#6f42c1", "#ab296a", "#495057", "#087990")

LABEL_MAX_CHARS = 70
BAR_HEIGHT = 14
ROW_HEIGHT = 40


def _cut(text, limit=LABEL_MAX_CHARS):
    # One line; no-break spaces stay (French "Aujourd'hui : 100 %").
    text = re.sub(r"[ \t\r\n]+", " ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value):
    """A figure as the page's language writes it (1,500.5 / 1 500,5), at most two
    decimals, no trailing zeros."""
    if value is None:
        return ""
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(round(float(value), 2), decimal_pos=None, force_grouping=True)


def _open(chart_id, title, description, width, height, css_class):
    # The chart's name and description are its <title> and <desc>; screen readers
    # read them through aria-labelledby (an SVG <title> alone is not announced
    # everywhere).
    ids = f"{chart_id}-title {chart_id}-desc" if description else f"{chart_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'id="{escape(chart_id)}" aria-labelledby="{escape(ids)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f'<title id="{escape(chart_id)}-title">{escape(str(title))}</title>',
    ]
    if description:
        parts.append(f'<desc id="{escape(chart_id)}-desc">{escape(str(description))}</desc>')
    return parts


def bar_chart_svg(*, title, bars, width=560, chart_id="bar-chart", description=""):
    """A horizontal bar chart, one bar per ``(label, value)``, each value written after
    its bar; bars scaled to the largest value."""
    bars = list(bars)
    top = 8
    height = top + ROW_HEIGHT * max(len(bars), 1) + 4
    largest = max((value for _label, value in bars), default=0) or 1
    room = width - 48  # space left after the longest bar for its value
    parts = _open(chart_id, title, description, width, height, "bar-chart")
    for index, (label, value) in enumerate(bars):
        y = top + index * ROW_HEIGHT
        bar_width = round(room * value / largest) if value else 0
        parts.append(
            f'<g class="bar"><title>{escape(str(label))}: {_number(value)}</title>'
            f'<text x="0" y="{y + 12}" font-size="13" fill="{TEXT}">{escape(_cut(label))}</text>'
            f'<rect x="0" y="{y + 18}" width="{max(bar_width, 1)}" height="{BAR_HEIGHT}" '
            f'rx="2" fill="{BAR if value else EMPTY}"></rect>'
            f'<text x="{bar_width + 6}" y="{y + 30}" font-size="12" fill="{MUTED}">'
            f"{_number(value)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text inside was escaped above


@dataclass(frozen=True)
class StackedBar:
    """One bar of a stacked chart: its name ("Today"), one value per part of the
    legend (``None`` when not given), and the text written after it (its name and
    total, as the caller's language writes them: "Today: 100 %"; its name if none)."""

    label: str
    values: tuple
    caption: str = ""


@dataclass(frozen=True)
class StackedRow:
    """A group of bars under one label (a delegation, or the average)."""

    label: str
    bars: tuple  # StackedBar, ...


def stacked_bars_svg(*, chart_id, title, legend, rows, scale=100, unit="%", description=""):
    """Stacked horizontal bars: a legend (one colour per part, in order), then per row
    its label and its bars, each part as long as its value on a ``0 … scale`` axis
    and written on it when there is room (the figure is always in the part's
    ``<title>`` and in the total after the bar)."""
    legend = [str(label) for label in legend]
    rows = list(rows)
    width = 640
    gutter = 150  # after the bar: its name and total
    room = width - gutter
    scale = scale or 1
    legend_height = 20 * len(legend) + 8
    bars = sum(len(row.bars) for row in rows)
    height = legend_height + 22 * len(rows) + 22 * bars + 8
    parts = _open(chart_id, title, description, width, height, "stacked-chart")
    parts.append('<g class="legend">')
    for index, label in enumerate(legend):
        y = 4 + index * 20
        parts.append(
            f'<rect x="0" y="{y}" width="14" height="14" rx="2" '
            f'fill="{PALETTE[index % len(PALETTE)]}"></rect>'
            f'<text x="20" y="{y + 12}" font-size="13" fill="{TEXT}">{escape(_cut(label))}</text>'
        )
    parts.append("</g>")
    y = legend_height
    for row in rows:
        parts.append(
            f'<g class="stacked-row"><text x="0" y="{y + 15}" font-size="13" '
            f'font-weight="600" fill="{TEXT}">{escape(_cut(row.label))}</text>'
        )
        y += 22
        for bar in row.bars:
            x = 0.0
            parts.append(f'<g class="stacked-bar"><title>{escape(str(bar.label))}</title>')
            for index, value in enumerate(bar.values):
                if not value:
                    continue
                part = room * float(value) / scale
                shown = f"{_number(round(float(value), 1))}{unit}"  # as the page's table
                parts.append(
                    f"<g><title>{escape(legend[index])}: {escape(shown)}</title>"
                    f'<rect x="{x:.1f}" y="{y + 2}" width="{max(part - 2, 1):.1f}" '
                    f'height="16" fill="{PALETTE[index % len(PALETTE)]}"></rect>'
                )
                if part >= 8 * len(shown) + 8:
                    parts.append(
                        f'<text x="{x + part / 2 - 1:.1f}" y="{y + 14}" font-size="11" '
                        f'text-anchor="middle" fill="#ffffff">{escape(shown)}</text>'
                    )
                parts.append("</g>")
                x += part
            if x == 0:
                parts.append(
                    f'<rect x="0" y="{y + 2}" width="1" height="16" fill="{EMPTY}"></rect>'
                )
            after = bar.caption or str(bar.label)
            parts.append(
                f'<text x="{min(x, room) + 6:.1f}" y="{y + 14}" font-size="12" '
                f'fill="{MUTED}">{escape(_cut(after, 40))}</text></g>'
            )
            y += 22
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text inside was escaped above


@dataclass(frozen=True)
class TimelineMonth:
    """The milestones of one month (``month`` None: given without a month); each
    entry is a line of text ("Senegal: budget line voted (Ministry)")."""

    month: int | None
    label: str  # "M6", or "No month"
    entries: tuple


def timeline_svg(*, chart_id, title, months, horizon=24, description=""):
    """A merged timeline: a strip of ``horizon`` months with the number of milestones
    in each, then each month that has milestones with one line per milestone."""
    months = list(months)
    width = 640
    cell = (width - 8) / horizon
    counts = {entry.month: len(entry.entries) for entry in months}
    lines = sum(1 + len(entry.entries) for entry in months)
    height = 72 + 20 * lines + 8 * len(months) + 8
    parts = _open(chart_id, title, description, width, height, "timeline-chart")
    parts.append('<g class="timeline-strip">')
    parts.append(
        f'<line x1="4" y1="30" x2="{width - 4}" y2="30" stroke="{MUTED}" stroke-width="1"></line>'
    )
    for month in range(1, horizon + 1):
        x = 4 + cell * (month - 0.5)
        count = counts.get(month, 0)
        parts.append(
            f'<text x="{x:.1f}" y="52" font-size="10" text-anchor="middle" fill="{MUTED}">'
            f"{month}</text>"
        )
        if count:
            parts.append(
                f'<circle cx="{x:.1f}" cy="30" r="9" fill="{BAR}"></circle>'
                f'<text x="{x:.1f}" y="34" font-size="11" text-anchor="middle" '
                f'fill="#ffffff">{count}</text>'
            )
        else:
            parts.append(f'<circle cx="{x:.1f}" cy="30" r="2" fill="{MUTED}"></circle>')
    parts.append("</g>")
    y = 72
    for entry in months:
        parts.append(
            f'<g class="timeline-month"><text x="0" y="{y + 14}" font-size="13" '
            f'font-weight="600" fill="{TEXT}">{escape(str(entry.label))}</text>'
        )
        y += 20
        for line in entry.entries:
            parts.append(
                f"<g><title>{escape(str(line))}</title>"
                f'<circle cx="8" cy="{y + 10}" r="3" fill="{BAR}"></circle>'
                f'<text x="18" y="{y + 14}" font-size="12" fill="{TEXT}">'
                f"{escape(_cut(line, 90))}</text></g>"
            )
            y += 20
        parts.append("</g>")
        y += 8
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text inside was escaped above

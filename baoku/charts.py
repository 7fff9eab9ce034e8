"""Geometry of small horizontal bar charts, drawn as SVG at build time by a template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Layout in SVG user units; the chart scales to its container via viewBox. The width is
# about a phone's, so the text stays legible there and is not oversized on a desktop.
WIDTH = 360
LABEL_WIDTH = 112
VALUE_GAP = 6
VALUE_WIDTH = 40
BAR_HEIGHT = 18
BAR_GAP = 7
PADDING = 4
FONT_SIZE = 13
CJK_CHAR_WIDTH = FONT_SIZE  # a CJK glyph is about one em wide
LATIN_CHAR_WIDTH = FONT_SIZE * 0.6


@dataclass(frozen=True)
class Bar:
    label: str  # as shown, possibly shortened with "…"
    full_label: str  # for the tooltip and the data table
    value: int
    x: float
    y: float
    width: float
    height: float
    text_y: float  # baseline of the label and value text
    path: str | None = None  # site path the label links to, if any


@dataclass(frozen=True)
class BarChart:
    """Everything the template needs; all numbers are already laid out."""

    title: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_x: float  # labels are right-aligned at this x (text-anchor="end")
    value_offset: float  # value text starts this far right of a bar's end
    font_size: int
    total: int
    hidden: int  # items left out of the chart (still listed in the table)


def text_width(text: str) -> float:
    """Approximate rendered width: CJK and full-width characters take a full em."""
    return sum(LATIN_CHAR_WIDTH if ord(ch) < 0x2E80 else CJK_CHAR_WIDTH for ch in text)


def shorten(text: str, max_width: float) -> str:
    if text_width(text) <= max_width:
        return text
    kept = ""
    for ch in text:
        if text_width(kept + ch + "…") > max_width:
            break
        kept += ch
    return kept + "…"


def bar_chart(title: str, items: Sequence[tuple[str, int, str | None]],
              max_bars: int = 15) -> BarChart:
    """Lay out ``(label, value, link path)`` items as horizontal bars, in the given order.

    Bar lengths are proportional to the largest value; zero values get no bar.
    Only the first ``max_bars`` items are drawn.
    """
    shown = list(items)[:max_bars]
    largest = max((value for _, value, _ in shown), default=0)
    bar_area = WIDTH - LABEL_WIDTH - VALUE_GAP - VALUE_WIDTH - PADDING
    bars = []
    for index, (label, value, path) in enumerate(shown):
        y = PADDING + index * (BAR_HEIGHT + BAR_GAP)
        length = bar_area * value / largest if largest > 0 else 0.0
        bars.append(Bar(
            label=shorten(label, LABEL_WIDTH - VALUE_GAP - PADDING),
            full_label=label,
            value=value,
            x=float(LABEL_WIDTH),
            y=float(y),
            width=round(length, 2),
            height=float(BAR_HEIGHT),
            text_y=y + BAR_HEIGHT / 2 + FONT_SIZE * 0.35,
            path=path,
        ))
    height = PADDING * 2 + len(bars) * (BAR_HEIGHT + BAR_GAP) - (BAR_GAP if bars else 0)
    return BarChart(
        title=title,
        bars=tuple(bars),
        width=WIDTH,
        height=max(height, 1),
        label_x=LABEL_WIDTH - VALUE_GAP,
        value_offset=VALUE_GAP,
        font_size=FONT_SIZE,
        total=sum(value for _, value, _ in items),
        hidden=max(len(items) - len(shown), 0),
    )

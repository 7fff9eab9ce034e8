"""Bar chart geometry for the data page."""

from __future__ import annotations

import pytest

from baoku.charts import LABEL_WIDTH, WIDTH, bar_chart, shorten, text_width


def test_bars_are_proportional_to_the_largest_value() -> None:
    chart = bar_chart("按年份", [("2023", 40, None), ("2024", 10, None), ("2022", 0, None)])
    first, second, third = chart.bars
    assert first.width == pytest.approx(second.width * 4)
    assert third.width == 0
    assert first.x + first.width <= WIDTH
    assert all(bar.x == LABEL_WIDTH for bar in chart.bars)
    assert chart.total == 50 and chart.hidden == 0


def test_bars_do_not_overlap_and_fit_the_height() -> None:
    chart = bar_chart("t", [(f"项{i}", i + 1, None) for i in range(5)])
    for upper, lower in zip(chart.bars, chart.bars[1:], strict=False):
        assert upper.y + upper.height < lower.y
    last = chart.bars[-1]
    assert last.y + last.height <= chart.height


def test_only_max_bars_are_drawn_but_total_counts_all() -> None:
    items = [(f"区{i}", 1, f"places/区{i}/") for i in range(20)]
    chart = bar_chart("按地区", items, max_bars=15)
    assert len(chart.bars) == 15 and chart.hidden == 5 and chart.total == 20
    assert chart.bars[0].path == "places/区0/"


def test_empty_chart_has_no_bars() -> None:
    chart = bar_chart("空", [])
    assert chart.bars == () and chart.total == 0 and chart.height >= 1


def test_long_labels_are_shortened_to_fit() -> None:
    label = "某某经济技术开发区管理委员会直属单位"
    chart = bar_chart("t", [(label, 3, None)])
    bar = chart.bars[0]
    assert bar.label.endswith("…") and bar.full_label == label
    assert text_width(bar.label) <= LABEL_WIDTH
    assert shorten("示范区", 200) == "示范区"

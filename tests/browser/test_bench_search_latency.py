"""bench/search_latency.py measures a reader's search on a real built site."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench_modules import load_bench_module

pytestmark = pytest.mark.browser


def test_reader_search_is_timed_with_its_requests_and_candidates(
        seed_site: tuple[Path, object], browser: object) -> None:
    latency = load_bench_module("search_latency")
    site = seed_site[0]
    rows = latency.measure(site, ["梁园区"], 0.0, browser=browser)
    (row,) = rows
    assert 0 < row["first"] < 60 and 0 < row["second"] < 60
    assert row["requests"] > 3  # page, script, bundle list, Pagefind's files
    assert row["first"] <= row["full"] and row["requests"] <= row["full_requests"]
    assert row["candidates"] > 0  # the seeds mention 梁园区
    assert "篇" in row["status"]
    table = latency.report(site, rows, 0.0)
    assert "| 梁园区 |" in table and "Pagefind 包" in table

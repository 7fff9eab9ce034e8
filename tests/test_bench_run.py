"""bench/run.py keeps working: a tiny measured run end to end, and its report helpers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.bench_modules import load_bench_module

bench_run = load_bench_module("run")


def _measured(seconds: float, cpu: float, peak: float, name: str = "python3") -> dict:
    return {"seconds": seconds, "peak_process_mb": peak, "peak_tree_mb": peak * 2,
            "peak_process_name": name, "cpu_seconds": cpu}


def _row(articles: int, hugo: bool = True, pagefind: bool = True) -> dict:
    row = {"articles": articles, "files": articles // 6, "combined": False,
           "measured_at": "09:00 UTC", "load": "1.0",
           "baoku": _measured(articles / 100, articles / 200, 100 + articles / 100),
           "baoku_detail": {"import": 0.2, "timings": {"read": articles / 1000,
                                                        "search": articles / 500}},
           "baoku_stage_peaks": {"read": [90.0, 180.0], "search": [120.0, 400.0]},
           "baoku_size": [articles * 40_000, articles * 5],
           "baoku_search_size": [[articles * 4_000, articles], [articles * 9_000, 40]]}
    if hugo:
        row["hugo"] = _measured(articles / 1000, articles / 1000, 50, "hugo")
        row["hugo_size"] = [articles * 9_000, articles * 3]
    if pagefind:
        row["pagefind"] = _measured(articles / 300, articles / 250, 300, "pagefind_extended")
    return row


def test_comparison_line_gives_ratios_against_hugo_plus_pagefind() -> None:
    line = bench_run._comparison_line(_row(1000))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == "10.0 s"  # baoku
    assert cells[4] == "4.3 s"  # Hugo 1.0 + Pagefind 3.3
    assert cells[5] == "2.31×"
    assert cells[6] == "1.00×（5 / 5 s）"  # CPU 5 against 1 + 4
    assert cells[9] == "0.37×"  # 110 MB against Pagefind's 300 MB


def test_rows_without_pagefind_or_hugo_render_with_dashes() -> None:
    hugo_only = bench_run._comparison_line(_row(100_000, pagefind=False))
    baoku_only = bench_run._comparison_line(_row(100_000, hugo=False, pagefind=False))
    assert "100.0 s" in hugo_only and "—" in hugo_only and "×" not in hugo_only
    assert baoku_only.count("—") >= 6 and "1000.0 s" in baoku_only
    report = bench_run.render_report([_row(1000), _row(100_000, hugo=False, pagefind=False)],
                                     {"日期": "2026-11-23 09:00 UTC"})
    assert "未测" in report
    assert "合计 1.00" in report  # the synthetic rows cost the same per article
    assert "| 100,000 | 90 / 180 | 120 / 400 |" in report


def test_stage_peaks_takes_the_largest_sample_inside_each_span() -> None:
    spans = [["read", 10.0, 12.0], ["search", 12.0, 20.0], ["read", 25.0, 26.0]]
    timeline = [(9.0, 999.0, 999.0), (11.0, 100.0, 200.0), (13.0, 300.0, 350.0),
                (19.0, 250.0, 900.0), (25.5, 150.0, 210.0)]
    peaks = bench_run.stage_peaks(spans, timeline)
    assert peaks["read"] == [150.0, 210.0]
    assert peaks["search"] == [300.0, 900.0]


def test_new_issue_lands_after_the_newest_date_under_a_free_name(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for name in ("2019-03-01_a_01.txt", "2024-06-30_b_02.txt", "notes.txt"):
        (content / name).write_text("x", encoding="utf-8")
    assert bench_run.newest_date(content) == dt.date(2024, 6, 30)
    first = bench_run.new_issue_file(content, dt.date(2024, 7, 1), seed=3)
    second = bench_run.new_issue_file(content, dt.date(2024, 7, 1), seed=3)
    assert first.name.startswith("2024-07-01_") and first != second
    assert first.name.rsplit("_", 1)[0] == second.name.rsplit("_", 1)[0]
    assert first.read_text(encoding="utf-8").count("\n\n") > 3


@pytest.mark.slow
def test_tiny_run_measures_build_and_incremental_steps(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    before = bench_run.RESULTS.read_bytes()
    bench_run.main(["--articles", "60", "--no-write", "--baoku-only",
                    "--results", str(results), "--out", str(tmp_path / "out")])
    assert bench_run.RESULTS.read_bytes() == before  # --no-write leaves RESULTS.md alone
    (row,) = json.loads(results.read_text(encoding="utf-8"))["rows"]
    assert row["articles"] == 60 and "hugo" not in row
    assert row["baoku"]["seconds"] > 0 and row["baoku"]["peak_process_mb"] > 20
    timings = row["baoku_detail"]["timings"]
    assert {"read", "search"} <= set(timings)
    assert set(row["baoku_stage_peaks"]) <= set(timings)
    size, files = row["baoku_size"]
    assert size > 0 and files > 60
    folders = row["baoku_folders"]
    assert sum(f for _, f in folders.values()) == files and "issues (articles)" in folders
    assert "data (per-issue JSON)" in folders and "data" not in folders  # the contract's share
    steps = row["incremental"]
    assert list(steps) == ["add_issue_latest_year", "add_issue_new_year", "change_issue",
                           "template"]
    for name, step in steps.items():
        assert 0 < step["served"] <= step["search"] <= step["search_done"], name
        assert step["served"] <= step["pages"] <= step["search_done"], name
        assert step["cpu"] > 0, name
    for name in ("add_issue_latest_year", "add_issue_new_year", "change_issue"):
        step = steps[name]  # previewed: its own pages first, searchable before consistent
        # a new issue: its issue page, articles and the home page; a change: at least the
        # changed article's page
        assert step["preview_pages"] >= (1 if name == "change_issue" else 2), name
        assert step["served"] <= step["previewed"] <= step["search"] <= step["pages"], name
    assert steps["template"]["previewed"] is None  # a template is not a preview's case
    assert steps["template"]["rendered"] > steps["change_issue"]["rendered"]
    assert steps["add_issue_new_year"]["shards"] == 1  # a new year is a new small shard
    run = tmp_path / "out" / "60" / "run"
    added = sorted((run / "content").glob("*.txt"))
    assert len(added) == row["files"] + 2
    assert (run / "output" / "pagefind").is_dir()


def test_linearity_flags_a_stage_that_grows_faster_than_the_corpus() -> None:
    small, large = _row(1000), _row(10_000)
    large["baoku_detail"]["timings"]["search"] *= 3
    assert bench_run._linearity([small], ["read", "search"]) == []
    (_, line) = bench_run._linearity([small, large], ["read", "search"])
    assert "read 1.00" in line and "search 3.00" in line


def test_repeated_rounds_report_each_ratio_and_their_median() -> None:
    row = _row(10_000)
    row["rounds"] = [
        {"baoku": 60.0, "baoku_cpu": 120.0, "theirs": 50.0, "theirs_cpu": 75.0},
        {"baoku": 90.0, "baoku_cpu": 170.0, "theirs": 50.0, "theirs_cpu": 75.0},
        {"baoku": 50.0, "baoku_cpu": 100.0, "theirs": 50.0, "theirs_cpu": 80.0},
    ]
    report = bench_run.render_report([row], {"日期": "2026-11-23 09:00 UTC"})
    rounds = [line for line in report.splitlines() if line.startswith("| 10,000 | ")
              and "轮" not in line]
    assert rounds[0].startswith("| 10,000 | 1 |")
    assert "1.20×" in rounds[0] and "1.60×" in rounds[0]  # round 1: wall and CPU ratios
    median = rounds[3]
    assert "中位数" in median
    assert "1.20×（1.00–1.80）" in median  # wall: 1.2, 1.8, 1.0
    assert "1.60×（1.25–2.27）" in median  # CPU: 1.6, 2.27, 1.25


def test_a_single_round_adds_no_repeat_table() -> None:
    row = _row(10_000)
    row["rounds"] = [{"baoku": 60.0, "baoku_cpu": 120.0, "theirs": 50.0, "theirs_cpu": 75.0}]
    assert "重复测量" not in bench_run.render_report([row], {"日期": "x"})


def test_search_latency_asks_pagefind_what_the_search_page_asks() -> None:
    latency = load_bench_module("search_latency")
    # Chinese as overlapping pairs, as the index holds it; one run: an exact phrase.
    assert latency.pagefind_query("新华区") == '"新华 华区"'
    assert latency.pagefind_query("新华区 社区") == "新华 华区 社区"  # Pagefind: one phrase only
    assert latency.pagefind_query("镇") == "镇"  # a prefix of its pairs
    assert latency.pagefind_query("GDP增长") == "增长 gdp"


def test_set_aside_moves_folders_until_the_trash_is_emptied(tmp_path):
    trash = tmp_path / ".trash"
    for name in ("output", "public"):
        folder = tmp_path / name
        (folder / "a").mkdir(parents=True)
        (folder / "a" / "index.html").write_text("x", encoding="utf-8")
        bench_run.set_aside(folder, trash)
        assert not folder.exists()
    bench_run.set_aside(tmp_path / "missing", trash)  # nothing to move: no error
    kept = sorted(p.name.split("-")[0] for p in trash.iterdir())
    assert kept == ["output", "public"]
    assert all((p / "a" / "index.html").is_file() for p in trash.iterdir())
    bench_run.empty_trash(trash)
    assert not trash.exists()

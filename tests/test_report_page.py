"""The build report: files needing review first, in sections a new check can join, and
the time as people write it."""

from __future__ import annotations

from baoku.render.misc import report_sections, time_label
from baoku.views import ReportRow


def row(name: str, warnings: tuple[str, ...] = (), junk: tuple[str, ...] = ()) -> ReportRow:
    return ReportRow(name, f"issues/{name}/", f"content/{name}.txt", "自动切分", "utf-8", 3,
                     warnings, junk)


def test_files_needing_review_come_first_and_every_file_once() -> None:
    rows = (row("a"), row("b", warnings=("日期由正文推断",)), row("c"), row("d", junk=("广告",)))
    sections = report_sections(rows)
    assert [s.anchor for s in sections] == ["review", "fine"]
    assert [r.issue_id for r in sections[0].rows] == ["b", "d"]
    assert sorted(r.issue_id for s in sections for r in s.rows) == ["a", "b", "c", "d"]
    assert [s.anchor for s in report_sections((row("a"),))] == ["fine"]


def test_times_read_as_people_write_them() -> None:
    assert time_label("2026-01-01T08:00:00+08:00") == "2026年1月1日 08:00（北京时间）"
    assert time_label("2026-03-05T23:07:00+00:00") == "2026年3月5日 23:07（UTC+00:00）"
    assert time_label("not a time") == "not a time"

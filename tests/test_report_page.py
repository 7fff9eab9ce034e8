"""The build report: files needing review first, in sections a new check can join, and
the time as people write it."""

from __future__ import annotations

import json

import pytest

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


def test_pages_the_segmenter_is_unsure_of_come_before_everything_else() -> None:
    sure = row("a", warnings=("日期由正文推断",))
    unsure = ReportRow("b", "issues/b/", "content/b.txt", "自动切分", "utf-8", 3, (), (),
                       confidence=0.5, needs_review=True, doubts=("第 3 行……把握不大",),
                       export_command="python build.py --export-md content/b.txt")
    less = ReportRow("c", "issues/c/", "content/c.txt", "自动切分", "utf-8", 3, (), (),
                     confidence=0.7, needs_review=True)
    sections = report_sections((sure, less, unsure))
    assert [s.anchor for s in sections] == ["proofread", "review"]
    assert [r.issue_id for r in sections[0].rows] == ["b", "c"]


@pytest.mark.slow
def test_an_unsure_page_is_listed_as_proofread_with_the_export_command(build_from) -> None:
    odd = "\n\n".join(["一二三", "王五", "四五六七", "赵六 摄", "八九", "李七"])
    out, _ = build_from({"content/odd.txt": odd})
    report = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert 'id="proofread"' in report
    assert report.index('id="proofread"') < report.index("</nav>") + 2000
    assert "--export-md content/odd.txt" in report
    data = json.loads((out / "data" / "report.json").read_text(encoding="utf-8"))
    (issue,) = data["issues"]
    assert issue["needs_review"] and issue["segmentation_confidence"] < 0.95

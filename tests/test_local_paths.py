"""No absolute path of the build machine reaches the site or its data, even when the
content folder lies outside the project (paths are shown from the content folder on)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import make_config

from baoku.pipeline import build

ISSUE = "---\ndate: 2024-02-03\n---\n\n占位标题\n\n本报讯（记者王小明）占位正文。\n"


def test_a_content_folder_outside_the_project_leaves_no_local_path(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    content = tmp_path / "elsewhere" / "content"
    content.mkdir(parents=True)
    (content / "a.txt").write_text(ISSUE, encoding="utf-8")
    (content / "empty.txt").write_text("", encoding="utf-8")  # a failure names its file too
    out = project / "output"
    result = build(make_config(project, out, search=True, content=content), log=lambda m: None)
    assert result.archive.failures
    (issue,) = result.archive.issues
    assert issue.source.rel_path == "content/a.txt"
    report = json.loads((out / "data" / "report.json").read_text(encoding="utf-8"))
    assert [f["source"] for f in report["failures"]] == ["content/empty.txt"]
    leaks = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
             and str(tmp_path).encode() in p.read_bytes()]
    assert leaks == []

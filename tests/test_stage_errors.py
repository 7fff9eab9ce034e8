"""Errors carry their stage: a librarian's template typo is one Chinese line naming the
template and line (``render: article.html:17: …``), the build exits non-zero, no traceback."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from conftest import make_config

from baoku import pipeline
from baoku.cli import main
from baoku.render import parallel
from baoku.templating import template_problem

ISSUE = """示范区报
2024年3月5日 第2版

春耕备耕有序推进

本报讯（记者王小明）近日，各镇组织农技人员深入田间地头，指导农户做好春耕备耕工作。
"""
BUILTIN_ARTICLE = Path(__file__).resolve().parent.parent / "theme" / "templates" / "article.html"
CRUMBS = "{{ crumbs(url, page.crumbs) }}"


def _project(root: Path, broken: str) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "content" / "2024-03-05_a.txt").write_text(ISSUE, encoding="utf-8")
    (root / "baoku.toml").write_text("[build]\nsearch = false\n", encoding="utf-8")
    article = BUILTIN_ARTICLE.read_text(encoding="utf-8")
    assert CRUMBS in article, "the built-in article template changed: pick another line"
    templates = root / "theme" / "templates"
    templates.mkdir(parents=True)
    (templates / "article.html").write_text(article.replace(CRUMBS, broken), encoding="utf-8")
    return root


def _crumbs_line() -> int:
    lines = BUILTIN_ARTICLE.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if CRUMBS in line)


@pytest.mark.slow
def test_a_template_syntax_error_is_one_line_naming_template_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path / "project", "{{ crumbs(url, page.crumbs }}")
    assert main(["--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"错误：render: article.html:{_crumbs_line()}: 模板语法有误：" in err
    assert "Traceback" not in err
    assert not (project / "output").exists(), "nothing is published"


@pytest.mark.slow
def test_an_undefined_value_names_the_page_template_and_the_macro(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path / "project", "{{ crumbs(url, page.no_such_field) }}")
    assert main(["--root", str(project)]) == 1
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if line.startswith("错误："))
    assert line.startswith(f"错误：render: article.html:{_crumbs_line()} → _macros.html:")
    assert "模板中用到了不存在的值" in line and "no_such_field" in line
    assert "Traceback" not in err


@pytest.mark.slow
def test_a_page_failing_in_a_render_worker_is_reported_the_same_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path / "project", "{{ crumbs(url, page.no_such_field) }}")
    monkeypatch.setattr(parallel, "MIN_PARALLEL_PAGES", 1)  # forked workers inherit it
    config = replace(make_config(project, project / "output"), workers=2)
    with pytest.raises(pipeline.StageError) as caught:
        pipeline.build(config, log=lambda message: None)
    assert str(caught.value).startswith(f"render: article.html:{_crumbs_line()} → ")
    assert caught.value.stage == "render"


def test_other_errors_are_not_taken_for_template_errors() -> None:
    assert template_problem(ValueError("not from a template")) is None
    missing = jinja2.TemplateNotFound("gone.html")
    assert template_problem(missing) == (
        "找不到模板 gone.html（请检查 extends、include 或 import 中的文件名）")


@pytest.mark.slow
def test_search_warnings_reach_the_summary_and_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path / "project", CRUMBS)  # a sound template
    (project / "baoku.toml").write_text("[build]\nsearch = true\n", encoding="utf-8")
    warning = "检索索引测试提示：第二年份分片未能生成"
    monkeypatch.setattr(pipeline, "index_records", lambda *args, **kwargs: [warning])
    assert main(["--root", str(project)]) == 0
    assert f"提示：{warning}" in capsys.readouterr().out
    report = project / "output" / "report" / "index.html"
    assert warning in report.read_text(encoding="utf-8")

    monkeypatch.setattr(pipeline, "index_records", lambda *args, **kwargs: [])
    assert main(["--root", str(project)]) == 0  # the cached report page is not reused
    assert warning not in capsys.readouterr().out
    assert warning not in report.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_template_typo_in_a_watch_session_is_the_banner_line(tmp_path: Path) -> None:
    from baoku.cache.session import Session
    from baoku.serve import BuildStatus
    from baoku.watch import Watcher

    project = _project(tmp_path / "project", CRUMBS)
    session = Session(make_config(project, project / "output"))
    session.build(lambda message: None)
    session.defer_search = True
    status, messages = BuildStatus(), []
    watcher = Watcher(session, status, log=messages.append)
    template = project / "theme" / "templates" / "article.html"
    template.write_text(BUILTIN_ARTICLE.read_text(encoding="utf-8").replace(
        CRUMBS, "{{ crumbs(url, page.crumbs }}"), encoding="utf-8")
    watcher.rebuild([template])
    problems, stale = status.snapshot()
    assert stale and len(problems) == 1
    assert problems[0].startswith(f"render: article.html:{_crumbs_line()}: 模板语法有误：")
    assert any(m.startswith("错误：render: article.html:") for m in messages)

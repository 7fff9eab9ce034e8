"""The command line: build summary, progress, incremental reruns, --zip, --serve, --watch."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from baoku import urls
from baoku.cli import DEFAULT_ZIP, main, parse_args
from baoku.progress import Progress, bar_line, display_width

ISSUE = """示范区报
2024年3月5日 第2版

春耕备耕有序推进

本报讯（记者王小明）近日，各镇组织农技人员深入田间地头，指导农户做好春耕备耕工作。
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "2024-03-05_a.txt").write_text(ISSUE, encoding="utf-8")
    (root / "baoku.toml").write_text('[build]\nsearch = false\n', encoding="utf-8")
    return root


@pytest.mark.slow
def test_summary_is_chinese_and_points_at_the_report(project: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project)]) == 0
    out, err = capsys.readouterr()
    assert re.search(r"完成：1 期，\d+ 篇文章，\d+ 条提示，用时 [\d.]+ 秒", out)
    assert str(project / "output" / urls.file_of(urls.report_page())) in out
    assert "读取与切分" in err, "without a terminal, progress is plain lines"
    assert "\r" not in err


@pytest.mark.slow
def test_second_run_reuses_the_cache(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--root", str(project)])
    capsys.readouterr()
    (project / "content" / "2024-03-06_b.txt").write_text(ISSUE.replace("5日", "6日"),
                                                          encoding="utf-8")
    assert main(["--root", str(project)]) == 0
    assert "重新处理 1 个文件，1 个未变化的文件沿用缓存" in capsys.readouterr().out
    assert main(["--root", str(project), "--no-cache"]) == 0
    assert "沿用缓存" not in capsys.readouterr().out


@pytest.mark.slow
def test_nothing_to_build_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "content").mkdir()
    assert main(["--root", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith("错误：")
    assert not (tmp_path / "output").exists()


@pytest.mark.slow
def test_zip_default_path_is_documented_and_written(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args(["--zip"]).zip == DEFAULT_ZIP
    assert parse_args([]).zip is None
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    assert str(DEFAULT_ZIP) in capsys.readouterr().out
    assert main(["--root", str(project), "--zip"]) == 0
    with zipfile.ZipFile(project / DEFAULT_ZIP) as archive:
        names = set(archive.namelist())
    assert "baoku/index.html" in names
    built = {"baoku/" + p.relative_to(project / "output").as_posix()
             for p in (project / "output").rglob("*") if p.is_file()}
    assert names == built


def test_summary_gives_the_published_size(project: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(project)]) == 0
    out = capsys.readouterr().out
    files = [p for p in (project / "output").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    assert f"网站大小：{size / 1e6:,.1f} MB，{len(files):,} 个文件" in out
    assert "GitHub Pages" not in out, "a small site fits: no warning"


def test_split_years_writes_a_zip_a_year_and_an_index(project: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (project / "content" / "2023-05-06_b.txt").write_text(
        ISSUE.replace("2024年3月5日", "2023年5月6日").replace("春耕", "夏收"), encoding="utf-8")
    assert main(["--root", str(project), "--split-years"]) == 0  # implies --zip
    dist = project / DEFAULT_ZIP.parent
    assert sorted(p.name for p in dist.iterdir()) == [
        "baoku-2023.zip", "baoku-2024.zip", "baoku-index.zip"]
    for year, other in (("2023", "2024"), ("2024", "2023")):
        with zipfile.ZipFile(dist / f"baoku-{year}.zip") as archive:
            names = archive.namelist()
            home = archive.read(f"baoku-{year}/index.html").decode("utf-8")
        assert {n.split("/")[0] for n in names} == {f"baoku-{year}"}, "one top-level folder"
        issues = {n.split("/")[2] for n in names if n.startswith(f"baoku-{year}/issues/")}
        assert issues == {f"{year}-{'05-06_b' if year == '2023' else '03-05_a'}"}
        assert f"baoku-{year}/data/archive.json" in names
        assert f"{year}年" in home and f"{other}年" not in home
    with zipfile.ZipFile(dist / "baoku-index.zip") as archive:
        index = archive.read("baoku-index/index.html").decode("utf-8")
    assert 'href="../baoku-2024/index.html"' in index and 'href="../baoku-2023/index.html"' in index
    assert "已打包" in capsys.readouterr().out


def test_progress_bar_on_a_terminal() -> None:
    ticks = iter([0.0, 1.0, 1.05, 1.2, 2.0])
    stream = io.StringIO()
    progress = Progress(stream, tty=True, clock=lambda: next(ticks))
    progress("读取与切分", 1, 4)  # after the delay: drawn
    progress("读取与切分", 2, 4)  # too soon after the last redraw: skipped
    progress("读取与切分", 4, 4)  # finished stages are always drawn
    drawn = stream.getvalue()
    assert drawn.count("\r") == 2
    assert bar_line("读取与切分", 4, 4) in drawn
    progress.close()
    assert stream.getvalue().endswith("\r")


def test_quick_builds_draw_no_bar() -> None:
    stream = io.StringIO()
    progress = Progress(stream, tty=True, clock=lambda: 0.0)
    progress("读取与切分", 1, 2)
    progress.close()
    assert stream.getvalue() == ""


def test_bar_line_clamps() -> None:
    assert bar_line("生成页面", 0, 0).endswith("0/1   0%")
    assert bar_line("生成页面", 9, 3).endswith("3/3 100%")


def preview(project: Path, *flags: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--root", str(project), "--port", "0", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"预览地址：(http://127\.0\.0\.1:\d+/)", line)
        if found:
            return process, found.group(1)
    process.wait()
    pytest.fail(f"no preview address printed: {process.stderr.read() if process.stderr else ''}")


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    return out


@pytest.mark.slow
def test_serve_builds_then_serves(project: Path) -> None:
    process, url = preview(project, "--serve")
    try:
        assert status_of(url) == 200
        issue = urls.issue_page(urls.issue_id_for("content/2024-03-05_a.txt"))
        assert status_of(url + urls.file_of(issue)) == 200
    finally:
        out = stop(process)
    assert "已停止预览" in out


@pytest.mark.slow
def test_watch_serves_a_dropped_file(project: Path) -> None:
    process, url = preview(project, "--watch")
    try:
        (project / "content" / "2024-03-07_c.txt").write_text(ISSUE.replace("5日", "7日"),
                                                              encoding="utf-8")
        page = url + urls.file_of(urls.issue_page(urls.issue_id_for("content/2024-03-07_c.txt")))
        deadline = time.monotonic() + 30
        while status_of(page) != 200:
            assert time.monotonic() < deadline, "dropped file never served"
            time.sleep(0.05)
    finally:
        stop(process)


def test_display_width_counts_chinese_as_two_columns() -> None:
    assert display_width("abc") == 3
    assert display_width("生成页面") == 8
    assert display_width("（全角）") == 8


def test_a_shorter_chinese_line_is_padded_over_the_whole_previous_one() -> None:
    ticks = iter([1.0, 2.0, 3.0])
    stream = io.StringIO()
    progress = Progress(stream, tty=True, show_after=0.0, clock=lambda: next(ticks))
    progress("读取与切分全部期次", 9, 10)
    progress("索引", 10, 10)
    first, second = stream.getvalue().split("\r")[1:]
    assert display_width(second) == display_width(first)


def test_the_bar_shows_elapsed_time() -> None:
    assert bar_line("生成页面", 1, 2, elapsed=75.4).endswith(" 1:15")
    ticks = iter([0.0, 125.0])
    stream = io.StringIO()
    Progress(stream, tty=True, clock=lambda: next(ticks))("生成页面", 2, 2)
    assert stream.getvalue().endswith("2:05")

"""Command-line conventions users know from Hugo and MkDocs: ``baoku build``/``serve``,
``--version``, ``--strict``, and a preview server that answers like the published site."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

import baoku
from baoku.cli import main, parse_args
from baoku.serve import GENERATION_PATH, BuildStatus, PreviewServer

CLEAN_ISSUE = """---
newspaper: 示范区报
date: 2024-03-05
---

春耕备耕有序推进

本报讯（记者王小明）近日，各镇组织农技人员深入田间地头，指导农户做好春耕备耕工作。
"""


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.fixture
def clean_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "a.txt").write_text(CLEAN_ISSUE, encoding="utf-8")
    return root


def test_version_has_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"baoku {baoku.__version__}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"], ["serve", "--help"]])
def test_usage_lines_name_baoku(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert capsys.readouterr().out.startswith("usage: baoku")


def test_build_py_keeps_every_option_it_had() -> None:
    args = parse_args(["--content", "c", "--output", "o", "--base-url", "https://x.org/",
                       "--no-search", "--no-cache", "--watch", "--port", "9", "--serve",
                       "--zip", "--export-md", "c/a.txt"], prog="python build.py")
    assert args.command is None and args.watch and args.serve and args.port == 9
    assert args.no_search and args.no_cache and args.zip and args.export_md


def test_serve_is_build_watch_and_preview() -> None:
    args = parse_args(["serve", "--port", "0"])
    assert (args.command, args.serve, args.watch, args.port) == ("serve", True, True, 0)
    build = parse_args(["build", "--zip"])
    assert build.command == "build" and not build.serve and not build.watch


def test_strict_fails_on_any_warning(clean_project: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    base = ["build", "--root", str(clean_project), "--no-search"]
    assert main([*base, "--strict", "--base-url", "https://example.org/a/"]) == 0
    assert main([*base, "--base-url", "https://example.org/a/"]) == 0
    (clean_project / "content" / "b.txt").write_text("只有一行没有日期的文字\n", encoding="utf-8")
    assert main([*base, "--base-url", "https://example.org/a/"]) == 0
    capsys.readouterr()
    assert main([*base, "--strict", "--base-url", "https://example.org/a/"]) == 1
    assert "严格模式" in capsys.readouterr().err


def test_strict_counts_the_missing_site_address(clean_project: Path) -> None:
    assert main(["build", "--root", str(clean_project), "--no-search", "--strict"]) == 1


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "issues").mkdir(parents=True)
    (root / "index.html").write_text("<html><body><p>首页</p></body></html>", encoding="utf-8")
    (root / "404.html").write_text("<html><body><p>找不到这个页面</p></body></html>",
                                   encoding="utf-8")
    return root


def test_a_missing_page_gets_the_sites_own_404(site: Path) -> None:
    server = PreviewServer(site, port=0)
    url = server.start()
    try:
        assert fetch(url + "issues/nowhere/") == (404, fetch(url + "404.html")[1])
        assert "找不到这个页面" in fetch(url + "deep/er/missing.html")[1]
        (site / "404.html").unlink()
        assert fetch(url + "missing")[0] == 404
    finally:
        server.stop()


def test_live_reload_only_in_watch_mode(site: Path) -> None:
    status = BuildStatus()
    watching = PreviewServer(site, status, port=0, live_reload=True)
    plain = PreviewServer(site, port=0)
    live_url, plain_url = watching.start(), plain.start()
    try:
        page = fetch(live_url)[1]
        assert 'id="baoku-live-reload"' in page and page.index("<script") < page.index("</body>")
        assert 'id="baoku-live-reload"' in fetch(live_url + "gone/")[1]
        assert fetch(live_url + GENERATION_PATH.lstrip("/")) == (200, "0")
        status.update(())
        status.published()
        assert fetch(live_url + GENERATION_PATH.lstrip("/")) == (200, "2")
        assert "live-reload" not in fetch(plain_url)[1]
        assert fetch(plain_url + GENERATION_PATH.lstrip("/"))[0] == 404
    finally:
        watching.stop()
        plain.stop()
    assert "live-reload" not in (site / "index.html").read_text(encoding="utf-8")


def test_python_dash_m_baoku_is_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "baoku", "--version"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"baoku {baoku.__version__}"

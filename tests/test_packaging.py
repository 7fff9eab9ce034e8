"""A normal install (``pip install .``, not editable) carries the built-in theme and every
data file, and ``baoku build`` works from any folder; a site's theme/ overrides it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What a wheel is built from; everything else in the checkout stays out of the test copy.
WHEEL_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "baoku", "theme")

ISSUE = """---
newspaper: 样例日报
date: 2024-05-06
---

样例标题

本报讯（记者王小明）这是一段用来检验安装的占位正文。
"""


def test_listed_packages_are_the_packages_on_disk() -> None:
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "baoku").rglob("__init__.py")}
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert set(setuptools["packages"]) == on_disk | {"baoku.theme"}
    assert setuptools["package-dir"] == {"baoku.theme": "theme"}


def test_license_and_metadata() -> None:
    project = PYPROJECT["project"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
    bounded = {d.split(">")[0]: d for d in project["dependencies"]}
    assert "<" in bounded["jinja2"] and "<" in bounded["markupsafe"]
    assert not any(d.startswith(("cpca", "pandas")) for d in project["dependencies"])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """baoku built into a wheel from a copy of the checkout and installed, without its
    dependencies (they come from this environment), into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in WHEEL_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(work / "dist"), str(source)],
                   check=True, capture_output=True, text=True)
    (wheel,) = (work / "dist").glob("baoku-*.whl")
    target = work / "site-packages"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)
    return target


def run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([str(target / "bin" / "baoku"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)


@pytest.mark.slow
def test_installed_wheel_builds_a_site_from_another_folder(installed: Path,
                                                           tmp_path: Path) -> None:
    site = tmp_path / "my-archive"
    (site / "content").mkdir(parents=True)
    (site / "content" / "2024-05-06.txt").write_text(ISSUE, encoding="utf-8")
    (site / "theme" / "static").mkdir(parents=True)
    (site / "theme" / "static" / "site.css").write_text("/* 本馆自己的样式 */\n",
                                                         encoding="utf-8")
    where = run_installed(installed, site, "--version")
    assert where.returncode == 0 and where.stdout.startswith("baoku ")

    done = run_installed(installed, site, "build", "--no-search")
    assert done.returncode == 0, done.stderr
    out = site / "output"
    assert "样例标题" in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "static" / "site.css").read_text(encoding="utf-8") == "/* 本馆自己的样式 */\n"
    assert (out / "static" / "search.js").read_bytes() == \
        (ROOT / "theme" / "static" / "search.js").read_bytes()  # not overridden: built-in
    assert "未找到" not in done.stdout + done.stderr  # the gazetteer table was installed


@pytest.mark.slow
def test_the_installed_theme_is_the_packaged_one(installed: Path) -> None:
    code = "import baoku.config as c; print(c.PACKAGE_THEME)"
    found = subprocess.run([sys.executable, "-c", code], cwd=installed.parent,
                           env={**os.environ, "PYTHONPATH": str(installed)},
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(found) == installed / "baoku" / "theme"
    assert (installed / "baoku" / "data" / "gazetteer" / "adcodes.csv").is_file()

"""What the build will and will not touch: it refuses to replace folders and files that
are not its own, and it never publishes what lies outside the content folder.

Every destructive case runs on a temporary project."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import build_leftovers, make_config

from baoku import publish
from baoku.cache.session import Session
from baoku.cli import main
from baoku.config import load_config
from baoku.export import read_issue_records
from baoku.pipeline import BuildError, build
from baoku.safety import STAMP_NAME, UnsafeOutput
from baoku.serve import BuildStatus
from baoku.watch import Watcher

ISSUE = ("示范区报\n2024年3月5日 第2版\n\n春耕备耕有序推进\n\n"
         "本报讯（记者王小明）各镇组织农技人员深入田间地头，指导农户备耕。\n"
         "相关工作将持续推进，群众反映良好。\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "content" / "2024-03-05_a.txt").write_text(ISSUE, encoding="utf-8")
    (root / "notes.md").write_text("馆员自己的笔记。\n", encoding="utf-8")
    (root / "baoku.toml").write_text("[build]\nsearch = false\n", encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (links not followed) and a digest of its bytes."""
    found = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = Path(base) / name
            rel = path.relative_to(folder).as_posix()
            found[rel] = ("link" if path.is_symlink()
                          else hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def run(project: Path, *args: str) -> int:
    return main(["--root", str(project), "--no-cache", *args])


# --- the output folder ---------------------------------------------------------------

@pytest.mark.parametrize("output", ["content", ".", ".."])
def test_an_output_holding_the_sources_or_the_project_is_refused(
        project: Path, output: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project.parent)
    assert run(project, "--output", str(project / output)) == 1
    err = capsys.readouterr().err
    assert "已停止生成，没有改动任何文件" in err and "输出目录" in err
    assert snapshot(project.parent) == before


def test_an_output_holding_the_theme_is_refused(project: Path) -> None:
    (project / "baoku.toml").write_text('[paths]\noutput = "site"\ntheme = "site/theme"\n',
                                        encoding="utf-8")
    with pytest.raises(UnsafeOutput, match="site/theme"):
        build(load_config(project), log=lambda m: None)


def test_an_existing_folder_baoku_did_not_write_is_refused(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = project / "docs"
    docs.mkdir()
    (docs / "manual.md").write_text("使用手册。\n", encoding="utf-8")
    (project / "baoku.toml").write_text('[paths]\noutput = "docs"\n[build]\nsearch = false\n',
                                        encoding="utf-8")
    before = snapshot(project)
    assert run(project) == 1
    err = capsys.readouterr().err
    assert "manual.md" in err and "不是报库生成的文件" in err
    assert snapshot(project) == before
    assert build_leftovers(docs) == []


def test_the_content_folder_given_through_baoku_toml_is_refused(project: Path) -> None:
    (project / "baoku.toml").write_text('[paths]\noutput = "content"\n', encoding="utf-8")
    before = snapshot(project)
    with pytest.raises(UnsafeOutput):
        build(make_config(project, project / "content"), log=lambda m: None)
    assert snapshot(project) == before


def test_a_stamped_output_is_replaced_and_every_output_is_stamped(project: Path) -> None:
    assert run(project) == 0
    output = project / "output"
    assert (output / STAMP_NAME).is_file()
    (project / "content" / "2024-03-05_a.txt").write_text(ISSUE + "补记一句。\n",
                                                          encoding="utf-8")
    assert run(project) == 0
    assert (output / STAMP_NAME).is_file()


def test_an_output_of_an_older_baoku_without_the_stamp_is_recognised(project: Path) -> None:
    assert run(project) == 0
    output = project / "output"
    (output / STAMP_NAME).unlink()
    assert run(project) == 0, "data/archive.json and report/index.html: an older baoku output"
    assert (output / STAMP_NAME).is_file()


def test_an_empty_existing_output_folder_is_used(project: Path) -> None:
    (project / "output").mkdir()
    assert run(project) == 0
    assert (project / "output" / "index.html").is_file()


def test_watch_mode_refuses_an_output_changed_to_the_content_folder(project: Path) -> None:
    session = Session(make_config(project, project / "output"), use_disk_cache=False)
    session.build(lambda m: None)
    status = BuildStatus()
    messages: list[str] = []
    watcher = Watcher(session, status, log=messages.append,
                      reload_config=lambda: make_config(project, project / "content"))
    before = snapshot(project / "content")
    watcher.rebuild([project / "baoku.toml"])
    assert snapshot(project / "content") == before
    assert any("已停止生成" in m for m in messages)


# --- the zip -------------------------------------------------------------------------

def test_zip_over_a_file_that_is_not_a_baoku_zip_is_refused_before_building(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = project / "thesis.docx"
    target.write_bytes(b"PK\x03\x04 not really a site")
    before = snapshot(project)
    assert run(project, "--zip", str(target)) == 1
    assert "不是报库生成的 zip 文件" in capsys.readouterr().err
    assert snapshot(project) == before, "refused before the build wrote anything"


def test_zip_inside_the_output_folder_is_refused(project: Path) -> None:
    assert run(project, "--zip", "output/site.zip") == 1


def test_zip_over_a_previous_baoku_zip_is_replaced(project: Path) -> None:
    assert run(project, "--zip") == 0
    target = project / "dist" / "baoku.zip"
    target.write_bytes(target.read_bytes())  # a new inode: the rewrite replaces it
    inode = target.stat().st_ino
    assert run(project, "--zip") == 0
    assert zipfile.is_zipfile(target) and target.stat().st_ino != inode


# --- writing the output --------------------------------------------------------------

def test_published_files_and_folders_are_world_readable(project: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        assert run(project, "--no-search") == 0
        (project / "baoku.toml").unlink()  # search on: the Pagefind bundles and packs too
        assert run(project) == 0
        write_text = (project / "content" / "2024-03-05_a.txt").write_text
        write_text(ISSUE + "补记一句。\n", encoding="utf-8")
        assert run(project) == 0  # the changed shard rebuilt on its own
    finally:
        os.umask(old_umask)
    output = project / "output"
    modes = [p.stat().st_mode for p in [output, *output.rglob("*")]]
    assert all(m & stat.S_IROTH for m in modes)
    assert all(m & stat.S_IXOTH for m in modes if stat.S_ISDIR(m))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_an_unwritable_project_folder_gives_a_chinese_message(project: Path) -> None:
    assert run(project) == 0
    before = snapshot(project / "output")
    os.chmod(project, 0o555)
    try:
        with pytest.raises(BuildError, match=r"无法写入输出目录.*没有写入权限"):
            build(make_config(project, project / "output"), log=lambda m: None)
    finally:
        os.chmod(project, 0o755)
    assert snapshot(project / "output") == before


@pytest.mark.parametrize(("code", "said"), [(errno.ENOSPC, "磁盘空间已满"),
                                           (errno.EROFS, "所在磁盘是只读的"),
                                           (errno.EACCES, "没有写入权限")])
def test_a_refused_write_gives_a_chinese_message_naming_the_folder(
        project: Path, monkeypatch: pytest.MonkeyPatch, code: int, said: str) -> None:
    assert run(project) == 0
    before = snapshot(project / "output")

    def refused(path: str, content: bytes) -> None:
        raise OSError(code, os.strerror(code), path)

    monkeypatch.setattr(publish, "write_new_file", refused)
    with pytest.raises(BuildError, match=said) as caught:
        build(make_config(project, project / "output"), log=lambda m: None)
    assert str(project / "output") in str(caught.value)
    assert snapshot(project / "output") == before
    assert build_leftovers(project / "output") == []


SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.mark.skipif(os.geteuid() == 0 and not Path(SYSTEM_PYTHON).is_file(),
                    reason="running as root without a Python the user nobody can run")
def test_a_read_only_folder_is_removed_by_the_background_remover() -> None:
    """As an unprivileged user (root ignores folder permissions): ``nobody`` when root."""
    base = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        old = base / ".output.old-1"
        (old / "issues" / "a").mkdir(parents=True)
        (old / "issues" / "a" / "index.html").write_text("旧页面", encoding="utf-8")
        (old / "index.html").write_text("旧首页", encoding="utf-8")
        user, python = None, sys.executable
        if os.geteuid() == 0:
            user, python = 65534, SYSTEM_PYTHON  # ``nobody`` cannot reach /root's Python
            for path in [base, *base.rglob("*")]:
                os.chown(path, user, user)
        for path in [*old.rglob("*"), old]:
            if path.is_dir():
                path.chmod(0o555)
        subprocess.run([python, "-I", "-S", "-c", publish._REMOVE_SCRIPT, str(old)],
                       check=True, user=user, timeout=60)
        assert not old.exists()
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)], check=False)
        shutil.rmtree(base, ignore_errors=True)


def test_a_read_only_old_output_is_cleaned_up(project: Path) -> None:
    assert run(project) == 0
    output = project / "output"
    for path in [*output.rglob("*"), output]:
        if path.is_dir():
            path.chmod(0o555)
    (project / "content" / "2024-03-05_a.txt").write_text(ISSUE + "补记一句。\n",
                                                          encoding="utf-8")
    assert run(project) == 0
    assert "补记一句" in str(read_issue_records(output)["2024-03-05_a"]["articles"])
    assert build_leftovers(output) == []

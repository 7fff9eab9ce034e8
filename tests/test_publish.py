"""Publishing is atomic: interrupted or killed builds leave the previous ``output/`` intact,
their leftovers are cleaned by the next build, and the zip holds the whole site."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, build_leftovers, make_config

from baoku import publish
from baoku.atomic import write_new_file
from baoku.model import OutputFile
from baoku.pipeline import build
from baoku.publish import Staging, remove_stale_staging, write_zip

COPIES = 2  # seeds copied this many times: a build long enough to interrupt mid-way


def digest_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[str]:
    return build_leftovers(output)


@pytest.fixture
def big_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    for n in range(COPIES):
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copy(seed, project / "content" / f"{seed.stem}_{n}{seed.suffix}")
    build(make_config(project, project / "output", search=True), log=lambda m: None)
    # The next build would change every issue: proof that the old output survived.
    for path in (project / "content").glob("*.txt"):
        path.write_text(path.read_text(encoding="utf-8") + "\n补记：本文另有更正。\n",
                        encoding="utf-8")
    return project


def start_build(project: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--root", str(project), "--no-cache"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_staging(process: subprocess.Popen[bytes], output: Path) -> Path:
    """The staging folder once the build has written files into it."""
    while process.poll() is None:
        for folder in output.parent.glob(f".{output.name}.build-*"):
            if any(folder.iterdir()):
                return folder
        time.sleep(0.005)
    pytest.fail("the build finished before it could be interrupted; raise COPIES")


@pytest.mark.slow
def test_ctrl_c_mid_build_keeps_the_previous_output(big_project: Path) -> None:
    output = big_project / "output"
    before = digest_tree(output)
    process = start_build(big_project)
    wait_for_staging(process, output)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "已中断" in stderr.decode("utf-8")
    assert digest_tree(output) == before
    assert leftovers(output) == []


@pytest.mark.slow
def test_killed_build_leaves_output_and_the_next_build_cleans_up(big_project: Path) -> None:
    output = big_project / "output"
    before = digest_tree(output)
    process = start_build(big_project)
    staging = wait_for_staging(process, output)
    process.kill()
    process.wait(timeout=60)
    assert staging.exists(), "a killed build cannot clean up after itself"
    assert digest_tree(output) == before
    build(make_config(big_project, output), log=lambda m: None)
    assert leftovers(output) == []
    assert digest_tree(output) != before


def test_stale_folders_of_dead_builds_are_removed_but_live_ones_kept(tmp_path: Path) -> None:
    output = tmp_path / "output"
    dead = 2**22 + 12345  # above the default pid_max: no such process
    stale = [tmp_path / f".output.build-{dead}-abc", tmp_path / f".output.old-{dead}"]
    alive = tmp_path / f".output.build-{os.getppid()}-xyz"
    for folder in [*stale, alive]:
        (folder / "issues").mkdir(parents=True)
        (folder / "issues" / "index.html").write_text("旧", encoding="utf-8")
    removed = remove_stale_staging(output)
    assert sorted(removed) == sorted(stale)
    assert alive.exists()
    assert not any(folder.exists() for folder in stale)


def test_staging_reuses_unchanged_files_and_swaps(tmp_path: Path) -> None:
    output = tmp_path / "output"
    first = Staging(output)
    first.write([OutputFile("index.html", "首页".encode()), OutputFile("a/b.txt", b"one")])
    first.commit()
    second = Staging(output)
    second.write([OutputFile("index.html", "首页".encode()), OutputFile("a/b.txt", b"two")])
    assert (second.stats.reused, second.stats.written) == (1, 1)
    assert (output / "a/b.txt").read_bytes() == b"one", "nothing changes before the commit"
    second.commit()
    assert (output / "a/b.txt").read_bytes() == b"two"
    assert leftovers(output) == []


def test_the_previous_output_is_removed_after_the_commit_returns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "output"
    first = Staging(output)
    first.write([OutputFile("a.txt", b"one")])
    first.commit()
    # A slow disk: the removal takes over a second; the commit must not wait for it.
    monkeypatch.setattr(publish, "_REMOVE_SCRIPT",
                        "import time; time.sleep(1.5); " + publish._REMOVE_SCRIPT)
    second = Staging(output)
    second.write([OutputFile("a.txt", b"two")])
    started = time.perf_counter()
    second.commit()
    assert time.perf_counter() - started < 1.0
    assert second.path.is_dir(), "swapped out, still being removed"
    assert (output / "a.txt").read_bytes() == b"two"
    assert leftovers(output) == [], "the detached process removes the previous output"


def test_the_previous_output_is_removed_at_once_when_no_process_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError("too many processes")

    output = tmp_path / "output"
    for content in (b"one", b"two"):
        staging = Staging(output)
        staging.write([OutputFile("a.txt", content)])
        monkeypatch.setattr(publish.subprocess, "Popen", no_processes)
        staging.commit()
    assert sorted(p.name for p in tmp_path.glob(".output.*")) == []
    assert (output / "a.txt").read_bytes() == b"two"


def test_discarded_staging_leaves_nothing(tmp_path: Path) -> None:
    output = tmp_path / "output"
    staging = Staging(output)
    staging.write([OutputFile("index.html", b"x")])
    staging.discard()
    assert not output.exists()
    assert leftovers(output) == []


def test_zip_holds_every_file_in_one_top_level_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "issues" / "a").mkdir(parents=True)
    (site / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    (site / "issues" / "a" / "index.html").write_text("<p>一期</p>", encoding="utf-8")
    target = tmp_path / "dist" / "baoku.zip"
    assert write_zip(site, target) == 2
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["baoku/index.html", "baoku/issues/a/index.html"]
        assert archive.read("baoku/issues/a/index.html").decode("utf-8") == "<p>一期</p>"
    assert [p.name for p in target.parent.iterdir()] == ["baoku.zip"]


def test_readers_never_find_output_missing_during_commits(tmp_path: Path) -> None:
    output = tmp_path / "output"
    first = Staging(output)
    first.write([OutputFile("index.html", b"0")])
    first.commit()
    missing: list[int] = []
    done = threading.Event()

    def read_constantly() -> None:
        while not done.is_set():
            try:
                (output / "index.html").read_bytes()
            except OSError:
                missing.append(1)

    reader = threading.Thread(target=read_constantly)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # interleave the two threads as finely as possible
    reader.start()
    try:
        for n in range(1, 100):
            staging = Staging(output)
            staging.write([OutputFile("index.html", str(n).encode())])
            staging.commit()
    finally:
        done.set()
        reader.join()
        sys.setswitchinterval(interval)
    assert (output / "index.html").read_bytes() == b"99"
    assert missing == []
    assert leftovers(output) == []


@pytest.mark.parametrize("content", [b"", b"<p>\xe6\x8a\xa5</p>", bytes(range(256)) * 40_000])
def test_write_new_file_writes_exactly_the_bytes_and_replaces_a_longer_file(
        tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"x" * (len(content) + 100))
    write_new_file(str(target), content)
    assert target.read_bytes() == content

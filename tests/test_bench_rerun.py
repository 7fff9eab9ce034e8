"""bench/rerun.py: `python build.py` run again on a built archive, measured end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEEDS

from tests.bench_modules import load_bench_module

bench_rerun = load_bench_module("rerun")


@pytest.mark.slow
def test_reruns_are_measured_and_the_added_issue_is_taken_away(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    for n, seed in enumerate(sorted(SEEDS.glob("*.txt"))[:2]):
        shutil.copy(seed, project / "content" / f"2024-03-0{n + 1}_seed_01.txt")
    before = sorted(p.name for p in (project / "content").iterdir())

    bench_rerun.main([str(project), "--rounds", "1"])

    rows = [line.split(" | ") for line in capsys.readouterr().out.splitlines()
            if line.startswith("| 1 |")]
    assert [row[1] for row in rows[:1]] == ["无改动"]
    assert rows[1][1].startswith("新增一期（2024-03-03_")
    unchanged, added = rows[0][4], rows[1][4].rstrip(" |")
    assert "重新处理 0 个文件，2 个未变化的文件沿用缓存" in unchanged
    assert "重建 0 个年份分片" in unchanged
    assert "重新处理 1 个文件" in added and "重建 1 个年份分片" in added
    assert sorted(p.name for p in (project / "content").iterdir()) == before


@pytest.mark.slow
def test_two_checkouts_are_measured_step_by_step(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    projects = []
    for name in ("old", "new"):
        project = tmp_path / name
        (project / "content").mkdir(parents=True)
        seed = sorted(SEEDS.glob("*.txt"))[0]
        shutil.copy(seed, project / "content" / "2024-03-01_seed_01.txt")
        projects.append(project)
    root = Path(bench_rerun.ROOT)

    bench_rerun.main([str(projects[1]), "--against", str(root), str(projects[0]),
                      "--rounds", "1"])

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].count("用时（") == 2 and "用时比" in lines[0]
    rows = [line.split(" | ") for line in lines if line.startswith("| 1 |")]
    assert [row[1] for row in rows][:1] == ["无改动"] and len(rows) == 2
    assert all(float(row[6]) > 0 for row in rows)

"""What running ``python build.py`` again costs on an archive it has built before.

    python bench/rerun.py bench/out/10000/run [--code DIR] [--rounds 2]

This is the librarian's everyday path without ``--watch``: a new process each time, with
the disk cache (``.baoku-cache/``) and the previous ``output/`` in place. After one
warm-up run, each round measures the command twice: with nothing changed, and with one
synthetic issue added to ``content/`` (removed again at the end of the round). ``--code``
runs the ``build.py`` of another checkout (e.g. an older commit in a ``git worktree``);
give each checkout its own copy of the project, since the cache is keyed by the code.

Before each run the script waits until the previous output, which a build removes in a
detached process after swapping in the new one, is gone, so no run pays for the last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import new_issue_file, newest_date

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_MARKERS = ("增量生成", "检索索引")
SETTLE_TIMEOUT = 600.0


@dataclass(frozen=True)
class Run:
    step: str
    wall: float
    cpu: float  # user + system seconds of the build and its children
    summary: str  # what the command said about the cache and the search indexes


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_for_previous_output(project: Path) -> None:
    """Until no ``.output.*`` folder (staging or previous output) is left beside output/."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while any(project.glob(".output.*")) and time.monotonic() < deadline:
        time.sleep(0.5)


def run_build(code: Path, project: Path, step: str) -> Run:
    wait_for_previous_output(project)
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, str(code / "build.py"), "--root", str(project)],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    said = [line.strip() for line in done.stdout.splitlines()
            if line.startswith(SUMMARY_MARKERS)]
    return Run(step, wall, children_cpu() - cpu, " ".join(said))


def one_round(code: Path, project: Path, seed: int) -> list[Run]:
    content = project / "content"
    runs = [run_build(code, project, "无改动")]
    day = newest_date(content) + dt.timedelta(days=1)
    added = new_issue_file(content, day, seed)
    try:
        runs.append(run_build(code, project, f"新增一期（{added.name}）"))
    finally:
        added.unlink()
    run_build(code, project, "恢复")  # back to the archive the next round starts from
    return runs


def table(runs: list[Run]) -> str:
    lines = ["| 轮次 | 步骤 | 用时 | CPU | build.py 的说明 |", "|---|---|---|---|---|"]
    for n, run in runs_by_round(runs):
        lines.append(f"| {n} | {run.step} | {run.wall:.1f} s | {run.cpu:.1f} s | "
                     f"{run.summary or '—'} |")
    return "\n".join(lines)


def runs_by_round(runs: list[Run]) -> list[tuple[int, Run]]:
    return [(i // 2 + 1, run) for i, run in enumerate(runs)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="a folder with content/ (and output/)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout whose build.py runs (default: this one)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    project = args.project.resolve()
    run_build(args.code, project, "预热")  # output/ and the cache as a librarian has them
    runs = [run for n in range(args.rounds)
            for run in one_round(args.code.resolve(), project, seed=1000 + n)]
    print(table(runs))


if __name__ == "__main__":
    main()

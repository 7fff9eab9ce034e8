"""Watch mode: watchdog events on content/, theme/ and baoku.toml become debounced,
settled incremental builds of one long-lived ``Session`` while the preview server runs."""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import DirModifiedEvent, FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .cache.session import Preview, Session
from .config import CONFIG_FILE, Config, ConfigError
from .pipeline import BuildError, Log
from .safety import UnsafeOutput
from .serve import BuildStatus

# Names that copy tools, browsers and editors give files still being written.
TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download",
                 ".filepart", ".swp", ".swx", ".bak", "~")
TEMP_PREFIXES = (".", "#", "~$")
QUIET_SECONDS = 0.3  # a burst of events ends after this long without a new one
SETTLE_SECONDS = 0.1  # then the changed files must keep their size and mtime this long
# A source that looks cut off (its last line unfinished, or shorter than the version last
# built) may be a copy that stalled: it is built only once untouched for this long.
STALL_SECONDS = 10.0
SOURCE_SUFFIXES = (".txt", ".md")
_CLEAN_ENDINGS = frozenset("。！？!?.…”’」』）)》】—")


def is_temporary(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith(TEMP_PREFIXES) or name.endswith(TEMP_SUFFIXES)


@dataclass(frozen=True)
class Targets:
    """What to watch: folders (recursively) and single files (their folder, flat)."""

    folders: tuple[Path, ...]
    files: tuple[Path, ...]
    ignored: tuple[Path, ...]  # output and cache folders, should they sit inside a target

    def accepts(self, path: Path) -> bool:
        if is_temporary(path) or any(path.is_relative_to(i) for i in self.ignored):
            return False
        return path in self.files or any(path.is_relative_to(f) for f in self.folders)


def watch_targets(config: Config) -> Targets:
    files = [config.project_root / CONFIG_FILE]
    files += [p for p in (config.topics_file, config.places_file) if p is not None]
    return Targets(folders=(config.content_dir, config.theme_dir), files=tuple(files),
                   ignored=(config.output_dir, config.cache_dir))


class _Forward(FileSystemEventHandler):
    def __init__(self, notify: Callable[[Path], None]) -> None:
        self.notify = notify

    def on_any_event(self, event: FileSystemEvent) -> None:
        # A folder's own "modified" only echoes changes to files inside it, reported anyway.
        if isinstance(event, DirModifiedEvent) or event.event_type in ("opened",
                                                                        "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self.notify(Path(os.fsdecode(raw)))


def _fingerprint(paths: list[Path]) -> list[tuple[int, int] | None]:
    found: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            st = path.stat()
            found.append((st.st_size, st.st_mtime_ns))
        except OSError:
            found.append(None)
    return found


def _ends_cleanly(tail: bytes) -> bool:
    """The file's last character ends a line or a sentence (and is whole: a copy cut off
    inside a character is not)."""
    tail = tail.rstrip(b" \t\r")
    if tail.endswith(b"\n"):
        return True
    for encoding in ("utf-8", "gb18030"):
        for width in range(1, 5):
            try:
                last = tail[-width:].decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(last) == 1 and last in _CLEAN_ENDINGS:
                return True
            break
    return False


def _source_sizes(content_dir: Path) -> dict[Path, int]:
    sizes = {}
    try:
        with os.scandir(content_dir) as entries:
            for entry in entries:
                if Path(entry.name).suffix.lower() in SOURCE_SUFFIXES and entry.is_file():
                    sizes[Path(entry.path)] = entry.stat().st_size
    except OSError:
        return {}
    return sizes


class Watcher:
    """Turns file events into incremental builds; ``builds`` counts the builds run."""

    def __init__(self, session: Session, status: BuildStatus, *,
                 reload_config: Callable[[], Config] | None = None, log: Log = print,
                 quiet: float = QUIET_SECONDS, settle: float = SETTLE_SECONDS,
                 stall: float = STALL_SECONDS) -> None:
        self.session, self.status, self.log = session, status, log
        self.reload_config = reload_config
        self.quiet, self.settle, self.stall = quiet, settle, stall
        self._built_sizes: dict[Path, int] = {}  # source sizes as last built
        # (size and mtime, since when) of sources held back as possibly cut off
        self._unchanged_since: dict[Path, tuple[tuple[int, int] | None, float]] = {}
        self.targets = watch_targets(session.config)
        self.builds = 0
        self.events = 0
        self.last_preview: Preview | None = None  # of the last rebuild, when it had one
        self._pending: set[Path] = set()
        self._last_event = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._building = False
        self._observer = Observer()
        self._recursive: set[Path] = set()
        self._flat: set[Path] = set()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="baoku-watch")

    @property
    def busy(self) -> bool:
        """A change is waiting for its build, or a build is running."""
        with self._lock:
            return bool(self._pending) or self._building

    def start(self) -> None:
        self._built_sizes = _source_sizes(self.session.config.content_dir)
        for folder in self.targets.folders:
            self._schedule(folder, recursive=True)
        for file in self.targets.files:
            self._schedule(file.parent, recursive=False)
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._observer.stop()
        self._observer.join()
        self._thread.join()

    def _schedule(self, folder: Path, *, recursive: bool) -> None:
        if not folder.is_dir() or any(folder.is_relative_to(w) for w in self._recursive):
            return
        if not recursive and folder in self._flat:
            return
        self._observer.schedule(_Forward(self._notify), str(folder), recursive=recursive)
        (self._recursive if recursive else self._flat).add(folder)

    def _notify(self, path: Path) -> None:
        if path in self.targets.folders and path.is_dir():
            self._schedule(path, recursive=True)  # e.g. theme/ created after the start
        if not self.targets.accepts(path):
            return
        with self._lock:
            self._pending.add(path)
            self._last_event = time.monotonic()
            self.events += 1
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                if not self._pending:
                    continue
            if not self._wait_until_settled():
                continue
            with self._lock:
                changed, self._pending = sorted(self._pending), set()
                self._building = True
            try:
                self.rebuild(changed)
            finally:
                with self._lock:
                    self._building = False

    def _wait_until_settled(self) -> bool:
        """Wait for a quiet window, then for the changed files to stop growing."""
        while not self._stop.is_set():
            with self._lock:
                remaining = self._last_event + self.quiet - time.monotonic()
                paths = sorted(self._pending)
            if remaining > 0:
                self._stop.wait(remaining)
                continue
            before = _fingerprint(paths)
            self._stop.wait(self.settle)
            with self._lock:
                unchanged = sorted(self._pending) == paths
            if unchanged and _fingerprint(paths) == before:
                hold = self._hold_seconds(paths)
                if hold <= 0:
                    return True
                self._stop.wait(hold)  # then the quiet window and the checks again
                continue
            with self._lock:
                self._last_event = time.monotonic()
        return False

    def _hold_seconds(self, paths: list[Path]) -> float:
        """How much longer to wait before a source that looks cut off may be built."""
        hold = 0.0
        content = self.session.config.content_dir
        for path in paths:
            if path.parent != content or path.suffix.lower() not in SOURCE_SUFFIXES \
                    or not self._looks_cut_off(path):
                continue
            hold = max(hold, self.stall - self._seconds_unchanged(path))
        return hold

    def _seconds_unchanged(self, path: Path) -> float:
        """How long ``path`` has kept its size and mtime, by this process's own clock
        (a network share's clock may be ahead of ours)."""
        now = time.monotonic()
        state = _fingerprint([path])[0]
        known = self._unchanged_since.get(path)
        if known is None or known[0] != state:
            self._unchanged_since[path] = (state, now)
            return 0.0
        return now - known[1]

    def _looks_cut_off(self, path: Path) -> bool:
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):  # a pipe would block the watch
                return False
            size = status.st_size
            with path.open("rb") as handle:
                handle.seek(max(0, size - 16))
                tail = handle.read()
        except OSError:
            return False
        if not tail:
            return False
        shrunk = size < self._built_sizes.get(path, 0)
        return shrunk or not _ends_cleanly(tail)

    def rebuild(self, changed: list[Path]) -> None:
        started = time.perf_counter()
        for path in changed:
            self._unchanged_since.pop(path, None)
        try:
            if self.reload_config and self.session.config.project_root / CONFIG_FILE in changed:
                self.session.update_config(self.reload_config())
            else:
                self._preview()
            result = self.session.build(log=self.log)
        except UnsafeOutput as exc:
            self._report_failure(str(exc))
        except ConfigError as exc:
            self._report_failure(f"配置文件有误：{exc}")
        except BuildError as exc:
            self._report_failure(str(exc))
        except Exception as exc:
            self._report_failure(f"生成失败：{type(exc).__name__}: {exc}")
        else:
            self._built_sizes.update(_source_sizes(self.session.config.content_dir))
            problems = tuple(f.message for f in result.archive.failures)
            self.status.update(problems)
            counts = self.session.counts
            self.log(f"已更新：{len(changed)} 处变化，重新处理 {counts.assembled} 个文件，"
                     f"渲染 {counts.rendered} 页，用时 {time.perf_counter() - started:.2f} 秒"
                     + (f"；{len(problems)} 个文件有问题" if problems else ""))
            self._update_search()
        finally:
            self.builds += 1

    def _preview(self) -> None:
        """New or changed issues readable (and searchable) before the rest of the archive
        catches up; any failure here is left for the full build to report."""
        try:
            preview = self.session.preview(log=lambda message: None)
        except Exception:
            preview = None
        self.last_preview = preview
        if preview is None:
            return
        self.status.published()
        self.log(f"新版面已可浏览：{'、'.join(preview.issue_ids)}（{preview.pages} 页，"
                 f"用时 {preview.seconds:.2f} 秒），正在更新全站 …")
        self._update_search(quick=True)

    def _update_search(self, quick: bool = False) -> None:
        """Bring the deferred search index up to date, unless newer changes are waiting
        (their build will publish pages first again)."""
        with self._lock:
            if self._pending:
                return
        started = time.perf_counter()
        try:
            warnings = self.session.update_search(quick=quick)
        except Exception as exc:
            self.log(f"搜索索引更新失败：{type(exc).__name__}: {exc}")
            return
        for warning in warnings:
            self.log(f"提示：{warning}")
        seconds = time.perf_counter() - started
        if self.session.counts.pending:
            self.log(f"已可检索：{self.session.counts.pending} 篇新增或修改的文章先进入临时索引"
                     f"（用时 {seconds:.2f} 秒），所在年份的索引随后重建")
        elif self.session.counts.shards_rebuilt is not None:
            self.log(f"搜索索引已更新，用时 {seconds:.2f} 秒")

    def _report_failure(self, message: str) -> None:
        self.status.update((message,), stale=True)
        self.log(f"错误：{message}（网站仍显示上一次成功生成的版本）")

"""Publish stage: write the site into a staging folder, then swap it in for ``output/``.

A build that fails or is interrupted never touches the previous ``output/``. Files whose
bytes did not change are hard-linked from the previous output instead of rewritten.
"""

from __future__ import annotations

import ctypes
import functools
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .atomic import new_site_folder, write_new_file
from .model import OutputFile
from .pids import process_alive
from .safety import STAMP_NAME, STAMP_TEXT, ZIP_COMMENT, check_replaceable
from .tree_removal import remove_tree


@dataclass
class WriteStats:
    written: int = 0
    reused: int = 0
    bytes: int = 0


class Publisher(Protocol):
    """Where a build writes: ``path`` is the folder search indexes are written into."""

    path: Path
    stats: WriteStats

    def write(self, files: Iterable[OutputFile]) -> None: ...
    def write_one(self, f: OutputFile) -> None: ...
    def commit(self) -> None: ...
    def discard(self) -> None: ...


class Staging:
    """A temporary folder beside ``output_dir`` that becomes ``output_dir`` on commit."""

    def __init__(self, output_dir: Path) -> None:
        check_replaceable(output_dir)
        self.output_dir = output_dir
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(output_dir)
        self.path = _staging_folder(output_dir)
        self.stats = WriteStats()
        self._dirs: set[str] = set()
        # A first build has nothing to compare against: skip a failing stat per file.
        self._has_previous = output_dir.is_dir()
        # Plain strings, not Path objects: tens of thousands of files per build.
        self._root, self._previous_root = str(self.path), str(output_dir)

    def write(self, files: Iterable[OutputFile]) -> None:
        for f in files:
            self.write_one(f)

    def write_one(self, f: OutputFile) -> None:
        target = os.path.join(self._root, f.path)
        folder = os.path.dirname(target)
        if folder not in self._dirs:
            os.makedirs(folder, exist_ok=True)
            self._dirs.add(folder)
        self.stats.bytes += len(f.content)
        if self._has_previous:
            previous = os.path.join(self._previous_root, f.path)
            if _same_bytes(previous, f.content):
                try:
                    os.link(previous, target)
                    self.stats.reused += 1
                    return
                except OSError:
                    pass
        write_new_file(target, f.content)
        self.stats.written += 1

    def commit(self) -> None:
        """Swap the staging folder in; the old output is removed only afterwards, by a
        detached process (``remove_in_background``): the build does not wait for it."""
        stamp = os.path.join(self._root, STAMP_NAME)
        if not os.path.exists(stamp):  # may be linked from the previous output: same bytes
            write_new_file(stamp, STAMP_TEXT)
        if self.output_dir.is_dir() and _exchange(self.path, self.output_dir):
            remove_in_background(self.path)  # now holds the previous output
            return
        old = None
        if self.output_dir.exists():
            old = self.output_dir.with_name(f".{self.output_dir.name}.old-{os.getpid()}")
            if old.exists():
                remove_tree(str(old))
            os.replace(self.output_dir, old)
        os.replace(self.path, self.output_dir)
        if old is not None:
            remove_in_background(old)

    def discard(self) -> None:
        remove_tree(str(self.path))


def _staging_folder(output_dir: Path) -> Path:
    """A new folder beside ``output_dir``, named for this process (it becomes the site)."""
    return new_site_folder(f".{output_dir.name}.build-{os.getpid()}-", output_dir.parent)


# Run with -I -S: no site packages or user settings, nothing but the standard library.
_REMOVER = Path(__file__).with_name("tree_removal.py")
_REMOVE_SCRIPT = f"import runpy; runpy.run_path({str(_REMOVER)!r}, run_name='__main__')"


def remove_in_background(folder: Path) -> None:
    """Delete ``folder`` from a detached process: the previous output of a 10,000-article
    archive is ~46,000 files, and unlinking them took 9 s of a 82 s rebuild. Its name
    carries this build's pid, so a deletion cut short (the machine shut down) is finished
    by the next build's ``remove_stale_staging``. Inline where no process can be started."""
    try:
        remover = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _REMOVE_SCRIPT, str(folder)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
    except OSError:
        remove_tree(str(folder))
        return
    # Reaped by a daemon thread when a long session (serve, watch) outlives it.
    threading.Thread(target=remover.wait, name="baoku-remove-old", daemon=True).start()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``), so
    ``output/`` never goes missing, even for an instant; False where unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def remove_stale_staging(output_dir: Path) -> list[Path]:
    """Delete staging and old-output folders left behind by builds that were killed.

    Their names carry the builder's pid; folders of a process still alive are kept.
    """
    removed = []
    for kind in ("build", "old"):
        for path in output_dir.parent.glob(f".{output_dir.name}.{kind}-*"):
            pid = path.name.removeprefix(f".{output_dir.name}.{kind}-").split("-")[0]
            if path.is_dir() and not (pid.isdigit() and process_alive(int(pid))):
                remove_tree(str(path))
                removed.append(path)
    return removed


def _same_bytes(path: str, content: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(content):
            return False
        with open(path, "rb") as existing:
            return existing.read() == content
    except OSError:
        return False


def write_zip(site_dir: Path, zip_path: Path,
              extra: Iterable[tuple[str, bytes]] = ()) -> int:
    """Zip the built site inside one top-level folder named after the zip (``baoku.zip``
    unpacks into ``baoku/``, its start page ``baoku/index.html``, never scattering files
    beside the zip), with ``extra`` files (site path, bytes) that only the zip carries
    (the offline search packs); returns the file count."""
    folder = zip_path.stem
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_name(zip_path.name + ".part")
    count = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.comment = ZIP_COMMENT  # lets a later --zip recognise the file as ours
        for path in sorted(site_dir.rglob("*")):
            if path.is_file():
                zf.write(path, f"{folder}/{path.relative_to(site_dir).as_posix()}")
                count += 1
        for rel, content in extra:
            zf.writestr(f"{folder}/{rel}", content)
            count += 1
    os.replace(tmp, zip_path)
    return count


def content_key(content: bytes) -> tuple[int, int]:
    """A process-local identity of a file's bytes (never stored: ``hash`` is salted)."""
    return len(content), hash(content)


class RecordingStaging(Staging):
    """A ``Staging`` that remembers what it published, so the next build can update in place."""

    def __init__(self, output_dir: Path) -> None:
        super().__init__(output_dir)
        self.published: dict[str, tuple[int, int]] = {}

    def write_one(self, f: OutputFile) -> None:
        self.published[f.path] = content_key(f.content)
        super().write_one(f)


class InPlaceUpdate:
    """Publishes a build by changing only what changed in ``output_dir``.

    ``known`` describes the files the previous build published there (site path ->
    ``content_key``). Changed files are written to a side folder first and moved into place
    one by one on commit, each with an atomic rename, and files the build no longer makes are
    deleted; a build that fails before ``commit`` leaves ``output_dir`` untouched. Files
    outside ``known`` (the search index) are never touched. Same interface as ``Staging``,
    plus ``keep`` for a file known unchanged without its bytes.
    """

    def __init__(self, output_dir: Path, known: dict[str, tuple[int, int]]) -> None:
        self.output_dir = output_dir
        remove_stale_staging(output_dir)
        self.path = _staging_folder(output_dir)
        self.stats = WriteStats()
        self.known = known
        self.published: dict[str, tuple[int, int]] = {}
        self.changed: list[str] = []
        self.removed: list[str] = []
        self.committing = False

    def write(self, files: Iterable[OutputFile]) -> None:
        for f in files:
            self.write_one(f)

    def write_one(self, f: OutputFile) -> None:
        key = content_key(f.content)
        self.published[f.path] = key
        self.stats.bytes += len(f.content)
        if self.known.get(f.path) == key:
            self.stats.reused += 1
            return
        target = self.path / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.content)
        self.changed.append(f.path)
        self.stats.written += 1

    def keep(self, path: str) -> None:
        """``path`` is unchanged since the previous build (known by other means)."""
        self.published[path] = self.known[path]
        self.stats.reused += 1

    def commit(self, remove_missing: bool = True) -> None:
        """Move the changed files into place; unless told not to, delete the files the
        previous build published and this one did not."""
        self.committing = True  # from here on, output/ may hold part of this build
        for rel in self.changed:
            target = self.output_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path / rel, target)
        self.removed = sorted(set(self.known) - set(self.published)) if remove_missing else []
        for rel in self.removed:
            target = self.output_dir / rel
            target.unlink(missing_ok=True)
            _remove_empty_parents(target.parent, self.output_dir)
        remove_tree(str(self.path))

    def discard(self) -> None:
        remove_tree(str(self.path))


def _remove_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent

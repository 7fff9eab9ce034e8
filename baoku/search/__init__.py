"""Index stage: Pagefind bundles sharded by year (online) and the offline file:// index."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import Config
from ..model import Archive
from .offline import (
    OFFLINE_DIR,
    Cut,
    SearchCache,
    load_term_cache,
    offline_files,
    save_term_cache,
)
from .pagefind import (
    BUNDLE_DIR,
    FILTER_NAMES,
    build_bundles,
    build_pending_bundle,
    bundle_path,
    remove_stale_bundles,
    swap_in_bundles,
)
from .records import SearchRecord, archive_records, assign_shards, issue_groups
from .records import issue_records as issue_records  # re-exported for watch sessions

MANIFEST = f"{BUNDLE_DIR}/shards.json"
# What the search page merges, read by the browser: the index stage alone writes it, once
# the bundles it names are in place, so a page never names a bundle that is not there.
BUNDLE_LIST = f"{BUNDLE_DIR}/bundles.json"
PENDING_PREFIX = "pending-"
# A watch session makes a changed issue searchable with a pending bundle of its own
# articles rather than by rebuilding its year's shard (up to MAX_SHARD_PAGES pages, ~3.5 ms
# each); beyond this many changed articles, the shards are rebuilt straight away.
MAX_PENDING_PAGES = 500
NO_RECORDS = "没有文章可供检索，未生成检索索引"
# What the offline index was built from (a digest), written beside it by every path that
# writes it: a later build with the same inputs links the files instead of rebuilding.
OFFLINE_KEY = f"{OFFLINE_DIR}/inputs.txt"

# URL parameter -> Pagefind filter name, in the order the controls are shown.
FILTER_PARAMS = dict(zip(("district", "topic", "year", "paper", "reporter"), FILTER_NAMES,
                         strict=True))
SORTS = (("", "相关度"), ("date", "日期新→旧"))


def shard_fingerprints(shards: Mapping[str, Sequence[SearchRecord]]) -> dict[str, str]:
    """A digest of every shard's records: a shard needs rebuilding when its digest changes."""
    return {name: _records_digest(records) for name, records in shards.items()}


def _records_digest(records: Iterable[SearchRecord]) -> str:
    h = hashlib.sha256()
    for record in records:
        h.update(repr(record).encode("utf-8"))
    return h.hexdigest()[:16]


def changed_shards(archive: Archive, site_dir: Path,
                   fingerprints: Mapping[str, str] | None = None) -> list[str]:
    """Shards whose records differ from the manifest in ``site_dir`` (or have no bundle);
    ``fingerprints``: the archive's ``shard_fingerprints``, when already computed."""
    current = fingerprints if fingerprints is not None else shard_fingerprints(
        assign_shards(archive_records(archive)))
    try:
        previous = json.loads((site_dir / MANIFEST).read_text(encoding="utf-8"))["shards"]
    except (OSError, ValueError, KeyError):
        previous = {}
    return [name for name, digest in current.items()
            if previous.get(name) != digest
            or not (site_dir / bundle_path(name) / "pagefind.js").is_file()]


def build_search(archive: Archive, config: Config, site_dir: Path,
                 only_shards: Iterable[str] | None = None,
                 cache: SearchCache | None = None, offline: bool = True,
                 term_file: Path | None = None) -> list[str]:
    """Write the Pagefind shards and the offline index into ``site_dir``.

    ``only_shards`` limits Pagefind to those shards (incremental builds: pass
    ``changed_shards(archive, site_dir)``); ``offline=False`` leaves the offline index
    out (the caller put an unchanged one in place: ``offline_index_unchanged``).
    ``cache`` (kept by watch mode) is filled with every article's term counts, for
    ``update_search_in_place``. ``term_file`` (without ``cache``): every article's term
    counts are read from and saved to that file, so the next process counts only new or
    edited articles. Returns warnings for the librarian.
    """
    records = archive_records(archive)
    if not records:
        return [NO_RECORDS]
    shards = assign_shards(records)
    # Pagefind works in child processes: drive them from a thread while the offline index
    # is built, so the two costs overlap instead of adding up. Without a cache to fill, the
    # offline index is built in a forked child so it has a core of its own.
    child = _OfflineChild.start(records, site_dir, term_file) \
        if offline and cache is None and config.workers > 1 else None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind") as pool:
        online = pool.submit(_build_online, shards, site_dir, only_shards, config.workers)
        if offline and (child is None or not child.wait()):
            _write_offline(records, site_dir, cache, term_file=term_file)
        warnings = online.result()
    _write_manifest(shards, site_dir)
    write_bundle_list(site_dir, _built(shards, site_dir))
    return warnings


def _build_online(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                  only: Iterable[str] | None, workers: int) -> list[str]:
    try:
        build_bundles(shards, site_dir, only=only, workers=workers)
    except Exception as exc:  # the site stays usable with the offline index
        return [f"Pagefind 索引生成失败（{type(exc).__name__}: {exc}），在线检索将改用离线索引"]
    return []


def _write_manifest(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                    fingerprints: Mapping[str, str] | None = None) -> None:
    manifest = {"shards": dict(fingerprints or shard_fingerprints(shards)),
                "pages": {name: len(recs) for name, recs in shards.items()}}
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    _replace_file(site_dir / MANIFEST, text.encode("utf-8"))


def offline_index_key(records: Sequence[SearchRecord],
                      fingerprints: Mapping[str, str] | None = None) -> str:
    """A digest of everything the offline index is made from: the records in order, the
    words the tokenizer was taught (they change how it cuts) and the code that builds it.

    The records enter as their shards' digests plus the order of their files, which
    fixes them as well: ``fingerprints``, the ``shard_fingerprints`` when already known."""
    if fingerprints is None:
        fingerprints = shard_fingerprints(assign_shards(records))
    _, dictionary = _tokenizer()
    digest = hashlib.sha256()
    for part in (_offline_code_digest(), "\n".join(sorted(map(str, dictionary))),
                 json.dumps(sorted(fingerprints.items())),
                 "\n".join(record.file for record in records)):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


@functools.cache
def _offline_code_digest() -> str:
    """The search stage's and the tokenizer's own source, and the rjieba release."""
    from .. import tokenizer

    digest = hashlib.sha256(_rjieba_version().encode("utf-8"))
    for path in sorted([*Path(__file__).parent.glob("*.py"), Path(tokenizer.__file__)]):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _rjieba_version() -> str:
    try:
        return importlib.metadata.version("rjieba")
    except importlib.metadata.PackageNotFoundError:
        return ""


def offline_index_unchanged(records: Sequence[SearchRecord], site_dir: Path,
                            fingerprints: Mapping[str, str] | None = None) -> bool:
    """Whether the offline index in ``site_dir`` is whole and was built from exactly these
    inputs (its key is written after every other file)."""
    try:
        published = (site_dir / OFFLINE_KEY).read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return (site_dir / OFFLINE_DIR / "index.js").is_file() \
        and published == offline_index_key(records, fingerprints)


def _replace_file(path: Path, content: bytes) -> bool:
    """Write ``path`` through a temporary file and a rename, unless it already holds
    ``content``; True when it was written."""
    try:
        if path.stat().st_size == len(content) and path.read_bytes() == content:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.chmod(tmp, _mode_of(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o644


def update_search_in_place(archive: Archive, config: Config, output_dir: Path,
                           cache: SearchCache, *, offline: bool = True,
                           records: Sequence[SearchRecord] | None = None
                           ) -> tuple[list[str], int]:
    """Bring the search indexes of a published site up to date with ``archive``
    (``offline=False``: the Pagefind shards only; the page searches with them over http,
    the offline index serves ``file://``; ``update_offline_in_place`` catches it up).

    Only shards whose records changed are rebuilt (each swapped in without a moment
    where readers miss it), shards that no longer exist are removed, and only offline
    index files whose bytes change are rewritten (a rename each), with only new or
    edited articles tokenised (``cache`` holds the others; the same object between
    calls). The result is byte for byte what ``build_search`` writes in a full build.
    ``records``: ``archive_records(archive)``, when the caller has them already.
    Returns (warnings for the librarian, number of shards rebuilt).
    """
    records = archive_records(archive) if records is None else records
    if not records:
        for name in (BUNDLE_DIR, OFFLINE_DIR):
            shutil.rmtree(output_dir / name, ignore_errors=True)
        return [NO_RECORDS], 0
    shards = assign_shards(records)
    fingerprints = shard_fingerprints(shards)
    stale = changed_shards(archive, output_dir, fingerprints)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind") as pool:
        online = pool.submit(_swap_online, shards, output_dir, stale, config.workers)
        if offline:
            _update_offline(records, output_dir, cache)
        warnings = online.result()
    # The page is pointed at the new set before the bundles it no longer names go
    # (pending ones included).
    write_bundle_list(output_dir, _built(shards, output_dir))
    remove_stale_bundles(output_dir, keep=set(shards))
    if not warnings:  # a failed shard stays marked stale in the manifest
        _write_manifest(shards, output_dir, fingerprints)
    return warnings, len(stale)


def _has_bundle(site_dir: Path, name: str) -> bool:
    return (site_dir / bundle_path(name) / "pagefind.js").is_file()


def _built(shards: Iterable[str], site_dir: Path) -> list[str]:
    """The shards whose bundle is in place (one whose Pagefind run failed is not)."""
    return [name for name in shards if _has_bundle(site_dir, name)]


def write_bundle_list(site_dir: Path, bundles: Sequence[str], pending: str | None = None,
                      replaced: Sequence[str] = ()) -> None:
    """``pagefind/bundles.json``: the bundles the search page merges, primary first, and
    while a pending bundle serves changed issues, its name and the pages (files relative
    to the site root) whose results from the other bundles are out of date."""
    listing: dict[str, object] = {"bundles": list(bundles)}
    if pending is not None:
        listing["pending"] = pending
    if replaced:
        listing["replaced"] = sorted(replaced)
    text = json.dumps(listing, ensure_ascii=False, indent=1) + "\n"
    _replace_file(site_dir / BUNDLE_LIST, text.encode("utf-8"))


def pending_changes(indexed: Sequence[SearchRecord], current: Sequence[SearchRecord]
                    ) -> tuple[list[SearchRecord], list[str]]:
    """What a pending bundle must hold for the shards built from ``indexed`` to search
    like ``current``: the records of every issue whose records changed or are new, and
    the files of every page the shards hold for a changed or removed issue."""
    before, after = issue_groups(indexed), issue_groups(current)
    fresh = [r for issue_id, records in after.items() if before.get(issue_id) != records
             for r in records]
    replaced = sorted({r.file for issue_id, records in before.items()
                       if after.get(issue_id) != records for r in records})
    return fresh, replaced


def publish_pending(indexed: Sequence[SearchRecord], current: Sequence[SearchRecord],
                    output_dir: Path) -> tuple[list[str], int] | None:
    """Make a published site search like ``current`` at once, its shards still built from
    ``indexed``: the changed issues' articles go into a small pending bundle the search page
    merges first, and their results from the shards are dropped. ``update_search_in_place``
    later rebuilds the shards and retires the pending bundle.

    None when that is not the quick way (too many changed articles, or no bundle list to
    extend): rebuild the shards then. Otherwise (warnings for the librarian, number of
    articles in the pending bundle).
    """
    fresh, replaced = pending_changes(indexed, current)
    live = _live_bundles(output_dir)
    if len(fresh) > MAX_PENDING_PAGES or live is None:
        return None
    if not fresh and not replaced:
        retire_pending(output_dir)
        return [], 0
    name = f"{PENDING_PREFIX}{_records_digest(fresh)}"  # the bundle holds just these
    try:
        if fresh and not _has_bundle(output_dir, name):
            build_pending_bundle(fresh, output_dir, name)
    except Exception as exc:
        return [f"Pagefind 索引更新失败（{type(exc).__name__}: {exc}），在线检索暂用旧索引"], 0
    bundles = [name, *live] if fresh else live
    write_bundle_list(output_dir, bundles, pending=name if fresh else None,
                      replaced=replaced)
    _remove_pending(output_dir, keep=name)
    return [], len(fresh)


def retire_pending(output_dir: Path) -> None:
    """Stop merging a pending bundle (the shards search like the archive again, e.g. an
    edit was undone) and remove it."""
    live = _live_bundles(output_dir)
    if live is not None:
        write_bundle_list(output_dir, live)
    _remove_pending(output_dir)


def _remove_pending(output_dir: Path, keep: str | None = None) -> None:
    for folder in (output_dir / BUNDLE_DIR).glob(f"{PENDING_PREFIX}*"):
        if folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)


def _live_bundles(site_dir: Path) -> list[str] | None:
    """The shard bundles the published bundle list names (a pending one left out)."""
    try:
        listing = json.loads((site_dir / BUNDLE_LIST).read_text(encoding="utf-8"))
        names = [str(n) for n in listing["bundles"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return [n for n in names if not n.startswith(PENDING_PREFIX)]


def update_offline_in_place(archive: Archive, output_dir: Path, cache: SearchCache,
                            records: Sequence[SearchRecord] | None = None) -> None:
    """The offline index files of a published site brought up to date with ``archive``
    (``records``: its ``archive_records``, when the caller has them already)."""
    records = archive_records(archive) if records is None else records
    if records:
        _update_offline(records, output_dir, cache)


def _swap_online(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                 stale: list[str], workers: int) -> list[str]:
    try:
        swap_in_bundles(shards, site_dir, stale, workers=workers)
    except Exception as exc:
        return [f"Pagefind 索引更新失败（{type(exc).__name__}: {exc}），在线检索暂用旧索引"]
    return []


def _update_offline(records: Sequence[SearchRecord], site_dir: Path, cache: SearchCache) -> None:
    """Rewrite the offline index files whose bytes change, ``index.js`` last (it names
    the others), and delete the files the index no longer has."""
    cut, dictionary = _tokenizer()
    folder = site_dir / OFFLINE_DIR
    before = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    written: set[str] = set()
    entry: tuple[str, str] | None = None
    for rel, text in offline_files(records, cut, cache, dictionary):
        if rel == f"{OFFLINE_DIR}/index.js":
            entry = (rel, text)
            continue
        _replace_file(site_dir / rel, text.encode("utf-8"))
        written.add(Path(rel).name)
    if entry is not None:
        _replace_file(site_dir / entry[0], entry[1].encode("utf-8"))
        written.add(Path(entry[0]).name)
    _replace_file(site_dir / OFFLINE_KEY, _key_text(records))
    written.add(Path(OFFLINE_KEY).name)
    for name in before - written:
        if not name.startswith("."):
            (folder / name).unlink(missing_ok=True)


def _write_offline(records: Sequence[SearchRecord], site_dir: Path,
                   cache: SearchCache | None = None, parent: int | None = None,
                   term_file: Path | None = None) -> None:
    """Write every offline index file; in a forked child (``parent``: the pid that
    started it), stop as soon as that process is gone rather than write for nobody.
    ``term_file``: see ``build_search``."""
    cut, dictionary = _tokenizer()
    if cache is None and term_file is not None:
        cache = load_term_cache(term_file, _offline_code_digest())
    for rel, text in offline_files(records, cut, cache, dictionary):
        if parent is not None and os.getppid() != parent:
            os._exit(1)
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (site_dir / OFFLINE_KEY).write_bytes(_key_text(records))
    if cache is not None and term_file is not None:
        save_term_cache(cache, term_file, _offline_code_digest())


def _key_text(records: Sequence[SearchRecord]) -> bytes:
    return (offline_index_key(records) + "\n").encode("utf-8")


def _tokenizer() -> tuple[Cut, object]:
    """jieba's ``cut_for_search`` and the dictionary state its words depend on: the
    words other stages taught it (place names, topics) change how it cuts."""
    from ..tokenizer import default_tokenizer

    tokenizer = default_tokenizer()
    return tokenizer.cut_for_search, frozenset(getattr(tokenizer, "_added", ()))


class _OfflineChild:
    """The offline index written by a forked copy of this process (POSIX only)."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self.process = process

    @classmethod
    def start(cls, records: Sequence[SearchRecord], site_dir: Path,
              term_file: Path | None = None) -> _OfflineChild | None:
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        # Forked before any thread of this build starts, so no lock is copied held.
        process = multiprocessing.get_context("fork").Process(
            target=_write_offline, args=(records, site_dir, None, os.getpid(), term_file),
            name="baoku-offline-index")
        process.start()
        return cls(process)

    def wait(self) -> bool:
        """True once the child wrote the index; False if it failed (write it here then)."""
        self.process.join()
        return self.process.exitcode == 0


def page_context(archive: Archive, config: Config) -> dict[str, object]:
    """Template context for ``search.html`` (as ``search``).

    ``bundle_list``: site path of ``bundles.json`` (the page learns the bundles from it,
    so it does not change when the shards do); ``offline_index``: site path of the offline
    ``index.js``; ``filters``: (URL parameter, label) pairs; ``sorts``: (value, label)
    pairs; ``enabled``.
    """
    enabled = config.search and any(issue.articles for issue in archive.issues)
    return {
        "enabled": enabled,
        "bundle_list": BUNDLE_LIST,
        "offline_index": f"{OFFLINE_DIR}/index.js",
        "filters": list(FILTER_PARAMS.items()),
        "sorts": list(SORTS),
    }

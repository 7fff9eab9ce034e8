"""Index stage: Pagefind bundles sharded by year, also packed as scripts for file://."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import orjson

from ..atomic import atomic_write
from ..config import PACKAGE_THEME, Config
from ..model import Archive
from .offline import BUNDLE_LIST, INDEX_FILE, OFFLINE_DIR
from .pagefind import (
    BUNDLE_DIR,
    FILTER_NAMES,
    LANGUAGE,
    build_bundles,
    build_pending_bundle,
    bundle_path,
    remove_stale_bundles,
    swap_in_bundles,
)
from .pagefind import remove_orphaned_scratch as remove_orphaned_scratch  # for the pipeline
from .records import SearchRecord as SearchRecord  # for the pipeline
from .records import archive_records as archive_records
from .records import assign_shards, issue_groups
from .records import issue_records as issue_records  # re-exported for watch sessions

MANIFEST = f"{BUNDLE_DIR}/shards.json"
# BUNDLE_LIST (``pagefind/bundles.json``) is what the search page merges, read by the
# browser: the index stage alone writes it, once the bundles it names are in place, so a
# page never names a bundle that is not there.
PENDING_PREFIX = "pending-"
# A watch session makes a changed issue searchable with a pending bundle of its own
# articles rather than by rebuilding its year's shard (up to MAX_SHARD_PAGES pages, ~3.5 ms
# each); beyond this many changed articles, the shards are rebuilt straight away.
MAX_PENDING_PAGES = 500
NO_RECORDS = "没有文章可供检索，未生成检索索引"

# URL parameter -> Pagefind filter name, in the order the controls are shown.
FILTER_PARAMS = dict(zip(("district", "topic", "year", "paper", "reporter"), FILTER_NAMES,
                         strict=True))
SORTS = (("", "相关度"), ("date", "日期新→旧"))


def shard_fingerprints(shards: Mapping[str, Sequence[SearchRecord]]) -> dict[str, str]:
    """A digest of every shard's records: a shard needs rebuilding when its digest changes."""
    return {name: _records_digest(records) for name, records in shards.items()}


def _records_digest(records: Iterable[SearchRecord]) -> str:
    """The records and what makes a bundle of them (see ``bundle_format``)."""
    h = hashlib.sha256(bundle_format().encode("ascii"))
    for record in records:
        # its fields in order (~3x faster than repr); the body hashed from its own encoding:
        # orjson keeps the UTF-8 of every str it dumps inside that str, which at 100,000
        # articles added about 1.5 bytes a character of text to the search stage's memory
        h.update(orjson.dumps(replace(record, body="")))
        h.update(record.body.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


@functools.cache
def bundle_format() -> str:
    """A digest of what turns records into a bundle: this stage's code, the record page
    template and the Pagefind release. With it in every shard's fingerprint, an upgrade
    rebuilds every shard once, so the page never merges bundles of two formats (a bundle
    indexed as zh-cn beside ones indexed language-neutral, two Pagefind releases)."""
    digest = hashlib.sha256(_pagefind_release().encode("utf-8"))
    template = PACKAGE_THEME / "templates" / "search_record.html"
    for path in [*sorted(Path(__file__).parent.glob("*.py")), template]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _pagefind_release() -> str:
    versions = []
    for package in ("pagefind", "pagefind_bin_extended"):
        try:
            versions.append(importlib.metadata.version(package))
        except importlib.metadata.PackageNotFoundError:
            versions.append("")
    return " ".join(versions)


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
                 only_shards: Iterable[str] | None = None) -> list[str]:
    """Write the Pagefind shards into ``site_dir`` (their offline packs are made only
    for a zip: ``baoku.search.offline.offline_files``).

    ``only_shards`` limits Pagefind to those shards (incremental builds: pass
    ``changed_shards(archive, site_dir)``; the caller put the others in place).
    Returns warnings for the librarian.
    """
    return index_records(archive_records(archive), config, site_dir, only_shards)


def index_records(records: Sequence[SearchRecord], config: Config, site_dir: Path,
                  only_shards: Iterable[str] | None = None) -> list[str]:
    """``build_search`` of an archive's records (``archive_records``)."""
    if not records:
        return [NO_RECORDS]
    shards = assign_shards(records)
    warnings = _build_online(shards, site_dir, only_shards, config.workers)
    _write_manifest(shards, site_dir)
    write_bundle_list(site_dir, _built(shards, site_dir), _page_counts(shards))
    return warnings


def _build_online(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                  only: Iterable[str] | None, workers: int) -> list[str]:
    try:
        build_bundles(shards, site_dir, only=only, workers=workers)
    except Exception as exc:  # the shards built still search
        return [f"Pagefind 索引生成失败（{type(exc).__name__}: {exc}），部分或全部文章暂时无法检索"]
    return []


def _write_manifest(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                    fingerprints: Mapping[str, str] | None = None) -> None:
    manifest = {"shards": dict(fingerprints or shard_fingerprints(shards)),
                "pages": {name: len(recs) for name, recs in shards.items()}}
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    _replace_file(site_dir / MANIFEST, text.encode("utf-8"))


def _replace_file(path: Path, content: bytes) -> bool:
    """Write ``path`` through a temporary file and a rename, unless it already holds
    ``content``; True when it was written."""
    try:
        if path.stat().st_size == len(content) and path.read_bytes() == content:
            return False
    except OSError:
        pass
    atomic_write(path, content)
    return True


def update_search_in_place(archive: Archive, config: Config, output_dir: Path, *,
                           records: Sequence[SearchRecord] | None = None
                           ) -> tuple[list[str], int]:
    """Bring the search index of a published site up to date with ``archive``.

    Only shards whose records changed are rebuilt (each swapped in without a moment
    where readers miss it) and packed again, and shards that no longer exist are removed.
    The result is byte for byte what ``build_search`` writes in a full build.
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
    warnings = _swap_online(shards, output_dir, stale, config.workers)
    # The page is pointed at the new set before the bundles it no longer names go
    # (pending ones included).
    write_bundle_list(output_dir, _built(shards, output_dir), _page_counts(shards))
    remove_stale_bundles(output_dir, keep=set(shards))
    if not warnings:  # a failed shard stays marked stale in the manifest
        _write_manifest(shards, output_dir, fingerprints)
    return warnings, len(stale)


def _has_bundle(site_dir: Path, name: str) -> bool:
    return (site_dir / bundle_path(name) / "pagefind.js").is_file()


def _page_counts(shards: Mapping[str, Sequence[SearchRecord]]) -> dict[str, int]:
    return {name: len(records) for name, records in shards.items()}


def _built(shards: Iterable[str], site_dir: Path) -> list[str]:
    """The shards whose bundle is in place (one whose Pagefind run failed is not)."""
    return [name for name in shards if _has_bundle(site_dir, name)]


def write_bundle_list(site_dir: Path, bundles: Sequence[str], pages: Mapping[str, int],
                      pending: str | None = None, replaced: Sequence[str] = ()) -> None:
    """``pagefind/bundles.json``: the bundles the search page merges, primary first, how
    many pages each holds (the page merges the newest first, older ones only as it needs
    them), and while a pending bundle serves changed issues, its name and the pages
    (files relative to the site root) whose results from the other bundles are out of date.

    Offline packs are not part of the published site (they doubled its size); a folder
    of them an older baoku left here is removed. ``--zip`` packs the bundles named here.
    """
    listing: dict[str, object] = {"bundles": list(bundles),
                                  "pages": {name: pages[name] for name in bundles if name in pages},
                                  **_opening_files(site_dir, bundles)}
    if pending is not None:
        listing["pending"] = pending
    if replaced:
        listing["replaced"] = sorted(replaced)
    text = json.dumps(listing, ensure_ascii=False, indent=1) + "\n"
    _replace_file(site_dir / BUNDLE_LIST, text.encode("utf-8"))
    shutil.rmtree(site_dir / OFFLINE_DIR, ignore_errors=True)


def _opening_files(site_dir: Path, bundles: Sequence[str]) -> dict[str, object]:
    """What Pagefind reads to open each bundle after its entry file: the metadata
    (``"meta"``, by bundle) and the WebAssembly (``"wasm"``, the first bundle's: every
    bundle is of one format). The search page asks for them together with the entry as
    soon as it has this list, instead of one after the other as Pagefind would (entry,
    then metadata). A bundle whose entry cannot be read is left out: Pagefind then asks
    for its files itself."""
    meta: dict[str, str] = {}
    wasm = ""
    for name in bundles:
        try:
            entry = json.loads((site_dir / bundle_path(name) / "pagefind-entry.json")
                               .read_text(encoding="utf-8"))
            language = entry["languages"][LANGUAGE]
            meta[name] = f"pagefind.{language['hash']}.pf_meta"
        except (OSError, ValueError, KeyError, TypeError):
            continue
        wasm = wasm or f"wasm.{language.get('wasm') or 'unknown'}.pagefind"
    return {"meta": meta, "wasm": wasm} if meta else {}


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
    pages = {**_listed_pages(output_dir), name: len(fresh)}
    write_bundle_list(output_dir, bundles, pages, pending=name if fresh else None,
                      replaced=replaced)
    _remove_pending(output_dir, keep=name)
    return [], len(fresh)


def retire_pending(output_dir: Path) -> None:
    """Stop merging a pending bundle (the shards search like the archive again, e.g. an
    edit was undone) and remove it."""
    live = _live_bundles(output_dir)
    if live is not None:
        write_bundle_list(output_dir, live, _listed_pages(output_dir))
    _remove_pending(output_dir)


def _remove_pending(output_dir: Path, keep: str | None = None) -> None:
    for folder in (output_dir / BUNDLE_DIR).glob(f"{PENDING_PREFIX}*"):
        if folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)


def _listed_pages(site_dir: Path) -> dict[str, int]:
    """The page counts ``pagefind/bundles.json`` gives (none when it gives none)."""
    try:
        pages = json.loads((site_dir / BUNDLE_LIST).read_text(encoding="utf-8"))["pages"]
        return {str(name): int(count) for name, count in pages.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _live_bundles(site_dir: Path) -> list[str] | None:
    """The shard bundles the published bundle list names (a pending one left out)."""
    try:
        listing = json.loads((site_dir / BUNDLE_LIST).read_text(encoding="utf-8"))
        names = [str(n) for n in listing["bundles"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return [n for n in names if not n.startswith(PENDING_PREFIX)]


def _swap_online(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                 stale: list[str], workers: int) -> list[str]:
    try:
        swap_in_bundles(shards, site_dir, stale, workers=workers)
    except Exception as exc:
        return [f"Pagefind 索引更新失败（{type(exc).__name__}: {exc}），在线检索暂用旧索引"]
    return []


def page_context(archive: Archive, config: Config) -> dict[str, object]:
    """Template context for ``search.html`` (as ``search``).

    ``bundle_list``: site path of ``bundles.json`` (the page learns the bundles from it,
    so it does not change when the shards do); ``offline_index``: site path of
    ``search-offline/index.js``, the same for pages opened from disk; ``filters``: (URL
    parameter, label) pairs, without 报纸 when the archive holds one paper or none;
    ``sorts``: (value, label) pairs; ``enabled``.
    """
    enabled = config.search and any(issue.articles for issue in archive.issues)
    papers = {issue.newspaper for issue in archive.issues if issue.newspaper}
    filters = [(param, label) for param, label in FILTER_PARAMS.items()
               if param != "paper" or len(papers) > 1]
    return {
        "enabled": enabled,
        "bundle_list": BUNDLE_LIST,
        "offline_index": INDEX_FILE,
        "filters": filters,
        "sorts": list(SORTS),
    }

"""Index stage: Pagefind bundles sharded by year (online) and the offline file:// index."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import Config
from ..model import Archive
from .offline import OFFLINE_DIR, offline_files
from .pagefind import BUNDLE_DIR, FILTER_NAMES, build_bundles, bundle_path
from .records import SearchRecord, archive_records, assign_shards

MANIFEST = f"{BUNDLE_DIR}/shards.json"

# URL parameter -> Pagefind filter name, in the order the controls are shown.
FILTER_PARAMS = dict(zip(("district", "topic", "year", "paper", "reporter"), FILTER_NAMES,
                         strict=True))
SORTS = (("", "相关度"), ("date", "日期新→旧"))


def shard_fingerprints(shards: Mapping[str, Sequence[SearchRecord]]) -> dict[str, str]:
    """A digest of every shard's records: a shard needs rebuilding when its digest changes."""
    digests = {}
    for name, records in shards.items():
        h = hashlib.sha256()
        for record in records:
            h.update(repr(record).encode("utf-8"))
        digests[name] = h.hexdigest()[:16]
    return digests


def changed_shards(archive: Archive, site_dir: Path) -> list[str]:
    """Shards whose records differ from the manifest in ``site_dir`` (or have no bundle)."""
    current = shard_fingerprints(assign_shards(archive_records(archive)))
    try:
        previous = json.loads((site_dir / MANIFEST).read_text(encoding="utf-8"))["shards"]
    except (OSError, ValueError, KeyError):
        previous = {}
    return [name for name, digest in current.items()
            if previous.get(name) != digest
            or not (site_dir / bundle_path(name) / "pagefind.js").is_file()]


def build_search(archive: Archive, config: Config, site_dir: Path,
                 only_shards: Iterable[str] | None = None) -> list[str]:
    """Write the Pagefind shards and the offline index into ``site_dir``.

    ``only_shards`` limits Pagefind to those shards (incremental builds: pass
    ``changed_shards(archive, site_dir)``); the offline index is always rewritten.
    Returns warnings for the librarian.
    """
    records = archive_records(archive)
    if not records:
        return ["没有文章可供检索，未生成检索索引"]
    shards = assign_shards(records)
    # Pagefind works in child processes: drive them from a thread while this one builds
    # the offline index, so the two costs overlap instead of adding up.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pagefind") as pool:
        online = pool.submit(_build_online, shards, site_dir, only_shards, config.workers)
        _write_offline(records, site_dir)
        warnings = online.result()
    _write_manifest(shards, site_dir)
    return warnings


def _build_online(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                  only: Iterable[str] | None, workers: int) -> list[str]:
    try:
        build_bundles(shards, site_dir, only=only, workers=workers)
    except Exception as exc:  # the site stays usable with the offline index
        return [f"Pagefind 索引生成失败（{type(exc).__name__}: {exc}），在线检索将改用离线索引"]
    return []


def _write_manifest(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path) -> None:
    manifest = {"shards": shard_fingerprints(shards),
                "pages": {name: len(recs) for name, recs in shards.items()}}
    path = site_dir / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _write_offline(records: Sequence[SearchRecord], site_dir: Path) -> None:
    from ..tokenizer import default_tokenizer

    for rel, text in offline_files(records, default_tokenizer().cut_for_search):
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def page_context(archive: Archive, config: Config) -> dict[str, object]:
    """Template context for ``search.html`` (as ``search``).

    ``bundles``: site paths of each shard's ``pagefind.js``, primary first;
    ``offline_index``: site path of the offline ``index.js``; ``filters``: (URL
    parameter, label) pairs; ``sorts``: (value, label) pairs; ``enabled``.
    """
    shards = assign_shards(archive_records(archive)) if config.search else {}
    return {
        "enabled": bool(shards),
        "bundles": [f"{bundle_path(name)}pagefind.js" for name in shards],
        "offline_index": f"{OFFLINE_DIR}/index.js",
        "filters": list(FILTER_PARAMS.items()),
        "sorts": list(SORTS),
    }

"""The online index: one Pagefind (extended) bundle per shard, built from our own records."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .records import SearchRecord

LANGUAGE = "zh-cn"
BUNDLE_DIR = "pagefind"

# Filter names are what readers see in Pagefind's filter lists.
FILTER_DISTRICT = "地区"
FILTER_TOPIC = "主题"
FILTER_YEAR = "年份"
FILTER_PAPER = "报纸"
FILTER_REPORTER = "记者"
FILTER_NAMES = (FILTER_DISTRICT, FILTER_TOPIC, FILTER_YEAR, FILTER_PAPER, FILTER_REPORTER)
UNDATED_LABEL = "日期不详"


def bundle_path(shard: str) -> str:
    """Site path of a shard's bundle folder."""
    return f"{BUNDLE_DIR}/{shard}/"


def record_meta(record: SearchRecord) -> dict[str, str]:
    meta = {"title": record.headline, "issue": record.issue_label}
    if record.date:
        meta["date"] = record.date
    if record.paper:
        meta["paper"] = record.paper
    if record.image:
        meta["image"] = record.image
    return meta


def record_filters(record: SearchRecord) -> dict[str, list[str]]:
    filters = {
        FILTER_DISTRICT: list(record.districts),
        FILTER_TOPIC: list(record.topics),
        FILTER_YEAR: [record.year or UNDATED_LABEL],
        FILTER_PAPER: [record.paper] if record.paper else [],
        FILTER_REPORTER: list(record.reporters),
    }
    return {name: values for name, values in filters.items() if values}


def record_sort(record: SearchRecord) -> dict[str, str]:
    # Undated articles sort as oldest; partial dates compare correctly as strings.
    return {"date": record.date or "0000"}


def record_content(record: SearchRecord) -> str:
    """The text Pagefind indexes: headings first (they lead the excerpt), then the body."""
    return f"{record.heading}\n{record.body}"


async def _build_shard(records: Sequence[SearchRecord], out_dir: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(force_language=LANGUAGE, output_path=str(out_dir))
    async with PagefindIndex(config=config) as index:
        for record in records:
            await index.add_custom_record(
                url=record.file,
                content=record_content(record),
                language=LANGUAGE,
                meta=record_meta(record),
                filters=record_filters(record),
                sort=record_sort(record),
            )


async def _build_shards(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                        workers: int) -> None:
    gate = asyncio.Semaphore(max(1, workers))

    async def one(name: str, records: Sequence[SearchRecord]) -> None:
        out_dir = site_dir / bundle_path(name)
        async with gate:
            if out_dir.exists():
                shutil.rmtree(out_dir)
            await _build_shard(records, out_dir)

    await asyncio.gather(*(one(name, recs) for name, recs in shards.items()))


def build_bundles(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                  only: Iterable[str] | None = None, workers: int = 1) -> list[str]:
    """Write ``pagefind/<shard>/`` for every shard (or only those named in ``only``).

    Each shard gets its own Pagefind service process, at most ``workers`` at a time,
    so peak memory follows the shard size, not the archive size. Bundles of shards
    that no longer exist are removed. Returns the shard names written.
    """
    wanted = set(shards) if only is None else set(only) & set(shards)
    selected = {name: shards[name] for name in shards if name in wanted}
    _remove_stale_bundles(site_dir, keep=set(shards))
    if selected:
        _run(_build_shards(selected, site_dir, workers))
    return list(selected)


def _run(coroutine: Coroutine[object, object, None]) -> None:
    """``asyncio.run``, also when the caller already runs an event loop (a thread then)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def _remove_stale_bundles(site_dir: Path, keep: set[str]) -> None:
    root = site_dir / BUNDLE_DIR
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.is_dir() and child.name not in keep:
            shutil.rmtree(child)

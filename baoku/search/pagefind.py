"""The online index: one Pagefind (extended) bundle per shard of article pages."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import jinja2

from ..config import PACKAGE_THEME
from .records import SearchRecord

# Pagefind's language-neutral index: the text arrives split into single characters
# (``index_text``), so its Chinese segmenter would only cut it again, and it took half of
# Pagefind's time (10k articles: ~6 ms CPU a page against ~3 ms). The browser's query is
# split the same way and the zh-cn bundle's query side is the same language-neutral code.
LANGUAGE = "unknown"
BUNDLE_DIR = "pagefind"

# Filter names are what readers see in Pagefind's filter lists.
FILTER_DISTRICT = "地区"
FILTER_TOPIC = "主题"
FILTER_YEAR = "年份"
FILTER_PAPER = "报纸"
FILTER_REPORTER = "记者"
FILTER_NAMES = (FILTER_DISTRICT, FILTER_TOPIC, FILTER_YEAR, FILTER_PAPER, FILTER_REPORTER)
UNDATED_LABEL = "日期不详"
# Pagefind's own UI bundles: the search page has its own, so they are not shipped.
UNUSED_ASSETS = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                 "pagefind-modular-ui.css", "pagefind-component-ui.js",
                 "pagefind-component-ui.css", "pagefind-highlight.js")


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
    # The same key as the article page's data-pagefind-sort; undated sorts as oldest.
    return {"date": record.sort_date or "0000-00-00"}


_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
# Quotes and brackets do not separate words for search (“五星”支部 holds 五星支部): the
# offline index drops them, and here they are glued to the character they touch, so
# Pagefind strips them from that word instead of counting them as a word of their own,
# which would break the page's phrase query.
QUOTE_CHARS = "\"'“”‘’「」『』《》〈〉【】〔〕（）()[]"
_QUOTE = "[" + re.escape(QUOTE_CHARS) + "]"
_QUOTE_CHAR = re.compile(_QUOTE)
_CJK_RUN = re.compile(f"{_QUOTE}*(?:{_CJK}{_QUOTE}*)+")
_CJK_WORD = re.compile(f"{_QUOTE}*{_CJK}{_QUOTE}*")
_SPACES = re.compile(r"[ \t]{2,}")


def _spaced_run(match: re.Match[str]) -> str:
    run = match.group()
    words = _CJK_WORD.findall(run) if _QUOTE_CHAR.search(run) else run
    return f" {' '.join(words)} "


def index_text(text: str) -> str:
    """Chinese characters as separate words, the unit the search page queries by, each
    with the quotes and brackets it touches.

    Pagefind's own segmenter cuts 梁园区 differently in the index than the browser cuts
    the query, so either side may miss; single characters always agree, and the search
    page keeps only pages that contain the query's character pairs.
    """
    # One substitution per run of characters, not per character: the same text, ~6x faster.
    return _SPACES.sub(" ", _CJK_RUN.sub(_spaced_run, text)).strip()


@cache
def _record_template() -> jinja2.Template:
    loader = jinja2.FileSystemLoader(str(PACKAGE_THEME / "templates"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("search_record.html")


def record_page(record: SearchRecord, pending: bool = False) -> str:
    """The HTML page Pagefind indexes for a record (never published); ``pending``: for a
    pending bundle, whose results replace those of the same page in the shards."""
    return _record_template().render(
        record=record, filters=record_filters(record), sort_date=record_sort(record)["date"],
        heading=index_text(record.heading), body=index_text(record.body), pending=pending)


def _write_record_pages(records: Sequence[SearchRecord], into: Path, pending: bool) -> None:
    for record in records:
        target = into / record.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(record_page(record, pending), encoding="utf-8")


async def _build_shard(records: Sequence[SearchRecord], out_dir: Path,
                       pending: bool = False) -> None:
    """Index a shard's record pages with one run of the Pagefind (extended) binary into
    ``out_dir``, without the UI assets the search page does not use.

    The command line rather than the Python service: the service is stopped with a
    signal as soon as it answers ``write_files``, and on a busy machine that can cut
    the bundle's last files short (an empty ``pagefind-entry.json`` was seen); the
    command exits by itself once every file is written. It runs in the folder of the
    record pages, so no ``pagefind.yml`` of the caller's working folder applies.
    """
    with tempfile.TemporaryDirectory(prefix="baoku-shard-") as tmp:
        _write_record_pages(records, Path(tmp), pending)
        process = await asyncio.create_subprocess_exec(
            str(_executable()), "--site", tmp, "--output-path", str(out_dir.resolve()),
            "--force-language", LANGUAGE, "--keep-index-url", "--silent",
            cwd=tmp, env=_clean_environment(),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await process.communicate()
    if process.returncode != 0 or not (out_dir / "pagefind-entry.json").is_file():
        detail = output.decode("utf-8", "replace").strip()[-500:]
        raise RuntimeError(f"pagefind exited with {process.returncode}: {detail}")
    for asset in UNUSED_ASSETS:
        (out_dir / asset).unlink(missing_ok=True)


@cache
def _executable() -> Path:
    from pagefind.service import get_executable

    path = get_executable()
    if path is None:
        raise RuntimeError("the pagefind binary is missing (pip install 'pagefind[extended]')")
    return path


def _clean_environment() -> dict[str, str]:
    # PAGEFIND_* variables would override the options given on the command line.
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}


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
    remove_stale_bundles(site_dir, keep=set(shards))
    if selected:
        _run(_build_shards(selected, site_dir, workers))
    return list(selected)


def swap_in_bundles(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                    only: Iterable[str], workers: int = 1) -> list[str]:
    """Rebuild the bundles of the shards in ``only`` inside a published site.

    Each shard is built into a temporary folder beside its bundle and moved in file by
    file: Pagefind names its index, fragment and filter files by their content, so the
    new ones land next to the old, then the entry files are replaced (a rename each)
    and the files only the old bundle used are removed. A reader never meets a missing
    or half-written bundle. Returns the shard names rebuilt.
    """
    wanted = [name for name in shards if name in set(only)]
    if wanted:
        _run(_swap_shards({name: shards[name] for name in wanted}, site_dir, workers))
    return wanted


async def _swap_shards(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                       workers: int) -> None:
    gate = asyncio.Semaphore(max(1, workers))
    root = site_dir / BUNDLE_DIR
    root.mkdir(parents=True, exist_ok=True)

    async def one(name: str, records: Sequence[SearchRecord]) -> None:
        async with gate:
            fresh = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
            try:
                await _build_shard(records, fresh)
                _move_bundle(fresh, root / name)
            finally:
                shutil.rmtree(fresh, ignore_errors=True)

    await asyncio.gather(*(one(name, recs) for name, recs in shards.items()))


# Written last when a bundle is replaced: they name every other file of the bundle.
_ENTRY_FILES = ("pagefind-entry.json", "pagefind.js")


def _move_bundle(fresh: Path, live: Path) -> None:
    """Make ``live`` hold exactly the files of ``fresh``, renaming each into place."""
    new_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    old_files = ({p.relative_to(live) for p in live.rglob("*") if p.is_file()}
                 if live.is_dir() else set())
    entries = [f for f in new_files if f.as_posix() in _ENTRY_FILES]
    entries.sort(key=lambda f: _ENTRY_FILES.index(f.as_posix()))
    for rel in [f for f in new_files if f not in entries] + entries:
        target = live / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        (fresh / rel).replace(target)
    for rel in old_files - set(new_files):
        (live / rel).unlink(missing_ok=True)
    for folder in sorted((p for p in live.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def build_pending_bundle(records: Sequence[SearchRecord], site_dir: Path, name: str) -> None:
    """Write ``pagefind/<name>/``: a small bundle of just ``records``, each marked as
    pending (see ``record_page``), moved in whole once complete."""
    root = site_dir / BUNDLE_DIR
    root.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        _run(_build_shard(records, fresh, pending=True))
        if (root / name).exists():  # the same pending records built before
            shutil.rmtree(root / name)
        fresh.rename(root / name)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def remove_stale_bundles(site_dir: Path, keep: set[str]) -> list[str]:
    """Delete bundle folders of shards no longer in ``keep``; returns their names."""
    root = site_dir / BUNDLE_DIR
    gone = [c.name for c in root.iterdir()
            if c.is_dir() and c.name not in keep] if root.is_dir() else []
    for name in gone:
        shutil.rmtree(root / name)
    return gone


def _run(coroutine: Coroutine[object, object, None]) -> None:
    """``asyncio.run``, also when the caller already runs an event loop (a thread then)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()



"""The online index: one Pagefind (extended) bundle per shard of article pages."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import jinja2
import numpy as np

from ..atomic import new_site_folder, write_new_file
from ..config import PACKAGE_THEME
from ..pids import process_alive
from ..present import UNKNOWN_DATE
from ..templating import HtmlEnvironment
from .codepoints import (
    BLANK_CLASS,
    CJK_CLASS,
    QUOTE_CLASS,
    character_classes,
    joined_code_points,
)
from .fold import fold_points
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
# Not shown to readers: the bundle a page is in. Pagefind sorts each bundle by date, but
# ranks merged bundles by score, so "newest first" asks bundle by bundle (newest first).
FILTER_SHARD = "分片"
# Pagefind's own UI bundles: the search page has its own, so they are not shipped.
UNUSED_ASSETS = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
                 "pagefind-modular-ui.css", "pagefind-component-ui.js",
                 "pagefind-component-ui.css", "pagefind-highlight.js")


def bundle_path(shard: str) -> str:
    """Site path of a shard's bundle folder."""
    return f"{BUNDLE_DIR}/{shard}/"


def record_filters(record: SearchRecord, shard: str = "") -> dict[str, list[str]]:
    filters = {
        FILTER_DISTRICT: list(record.districts),
        FILTER_TOPIC: list(record.topics),
        FILTER_YEAR: [record.year or UNKNOWN_DATE],
        FILTER_PAPER: [record.paper] if record.paper else [],
        FILTER_REPORTER: list(record.reporters),
        FILTER_SHARD: [shard] if shard else [],
    }
    return {name: values for name, values in filters.items() if values}


def record_sort(record: SearchRecord) -> dict[str, str]:
    # The same key as the article page's data-pagefind-sort; undated sorts as oldest.
    return {"date": record.sort_date or "0000-00-00"}


def index_text(text: str) -> str:
    """The text as the words Pagefind indexes: every Chinese character becomes a word
    together with the next one (overlapping bigrams, 新华区 -> ``新华 华区 区``), the last of
    a run alone. The search page asks for a run's bigrams as a phrase, so Pagefind reads
    the short lists of two-character words instead of those of single characters (which
    hold nearly every page), and for one character, every word it starts: each character
    starts exactly one word, so nothing is missed.

    A run of Chinese goes on across quotes, brackets and whitespace, as the search page's
    check of the query ignores them (“五星”支部 holds 星支). Quotes and brackets are glued
    to the edge of a word, where Pagefind drops them with it: those after a character go
    after its word, those before a run's first character before its word. The text as
    printed is the first character of every word (``search.js``: ``unpaired``).
    """
    return index_texts([text])[0]


def index_texts(texts: Sequence[str]) -> list[str]:
    """``index_text`` of each text, worked out for all of them at once, traditional
    characters folded to simplified (``baoku.search.fold``).

    The texts become one array of code points; each goes to its place in the output with
    a space before it where a word starts or ends, and its partner (the next Chinese
    character) after it. One pass over a shard's texts costs far less than a regular
    expression with a Python call per run of Chinese (~3 s at 10k pages).
    """
    if not texts:
        return []
    points, separators = _code_points(texts)
    points = fold_points(points)
    classes = character_classes()[points]
    before = _space_before(classes)
    partner = _partners(points, classes)
    paired = partner != 0
    index_type = _index_type(points)
    ends = np.cumsum(1 + before + paired, dtype=index_type)  # each point's slot, exclusive
    places = ends - 1 - paired
    out = np.full(int(ends[-1]) if len(ends) else 0, ord(" "), dtype=np.uint32)
    out[places] = points
    out[places[paired] + 1] = partner[paired]
    keep = _squeezed(out)
    dropped = np.flatnonzero(~keep)
    nuls = places[separators]
    nuls = nuls - np.searchsorted(dropped, nuls)
    joined = out[keep].tobytes().decode("utf-32-le", "surrogatepass")
    bounds = zip([0, *(nuls + 1).tolist()], [*nuls.tolist(), len(joined)], strict=True)
    return [joined[start:end].strip() for start, end in bounds]


def _index_type(points: np.ndarray) -> type[np.signedinteger]:
    # Narrow indexes where they fit: these arrays are as long as a shard's whole text
    # (the output up to three times: a space and a partner for every character).
    return np.int32 if 3 * len(points) < np.iinfo(np.int32).max else np.int64


def _code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The texts' joined code points and the places of the NULs between them."""
    points, lengths = joined_code_points(texts)
    return points, np.cumsum(lengths)[:-1] - 1


def _partners(points: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """For each Chinese character, the next Chinese character when only quotes and
    whitespace come between them; 0 for the last of a run and everything else."""
    partner = np.zeros(len(points), dtype=np.uint32)
    solid = np.flatnonzero((classes != QUOTE_CLASS) & (classes != BLANK_CLASS))
    chinese = np.flatnonzero(classes[solid] == CJK_CLASS)  # their ranks among the solid
    following = chinese + 1
    following = following[following < len(solid)]
    chinese = chinese[:len(following)]
    pairs = classes[solid[following]] == CJK_CLASS
    partner[solid[chinese[pairs]]] = points[solid[following[pairs]]]
    return partner


def _squeezed(points: np.ndarray) -> np.ndarray:
    """Which code points stay once each run of two or more spaces and tabs is one space
    (the run's first stays, made a space)."""
    blank = (points == ord(" ")) | (points == ord("\t"))
    after_blank = np.concatenate([[False], blank[:-1]])
    first = blank & ~after_blank
    run = first & np.concatenate([blank[1:], [False]])
    points[run] = ord(" ")
    return ~blank | first


def _space_before(classes: np.ndarray) -> np.ndarray:
    """Where a space goes before a character: between two Chinese characters, between
    Chinese and anything but a quote, after quotes that follow a Chinese character, and
    before quotes that precede one (when no Chinese character precedes them)."""
    is_cjk, is_quote = classes == CJK_CLASS, classes == QUOTE_CLASS
    trailing, leading = _quote_sides(is_cjk, is_quote)
    a_cjk, a_quote, a_trailing = is_cjk[:-1], is_quote[:-1], trailing[:-1]
    b_cjk, b_quote, b_leading = is_cjk[1:], is_quote[1:], leading[1:]
    edge = (a_cjk & ~b_quote) | (~a_quote & b_cjk) | (a_trailing & ~b_quote) \
        | (~a_cjk & ~a_quote & b_leading)
    return np.concatenate([[False], edge])[:len(classes)]


def _quote_sides(is_cjk: np.ndarray, is_quote: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which quotes trail a Chinese character (the nearest character before them that is
    not a quote is Chinese), and which of the others lead one (likewise after them).
    Quotes are few: only their neighbours are looked up."""
    trailing = np.zeros(len(is_quote), dtype=bool)
    leading = np.zeros(len(is_quote), dtype=bool)
    quotes = np.flatnonzero(is_quote)
    if not len(quotes):
        return trailing, leading
    others = np.flatnonzero(~is_quote)
    after = np.searchsorted(others, quotes)  # how many other characters precede each quote
    bounded = np.concatenate([[-1], others, [len(is_quote)]])  # -1, n: none before, after
    before, following = bounded[after], bounded[after + 1]
    trails = (before >= 0) & is_cjk[np.maximum(before, 0)]
    trailing[quotes] = trails
    leading[quotes] = ~trails & np.append(is_cjk, False)[following]
    return trailing, leading


@cache
def _record_template() -> jinja2.Template:
    loader = jinja2.FileSystemLoader(str(PACKAGE_THEME / "templates"))
    env = HtmlEnvironment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    return env.get_template("search_record.html")


def record_page(record: SearchRecord, pending: bool = False,
                texts: tuple[str, str] | None = None, shard: str = "") -> str:
    """The HTML page Pagefind indexes for a record (never published); ``pending``: for a
    pending bundle, whose results replace those of the same page in the shards.
    ``texts``: the record's heading and body through ``index_text``, when known;
    ``shard``: the bundle it goes into (a hidden filter for sorting by date)."""
    heading, body = texts or tuple(index_texts([record.heading, record.body]))
    return _record_template().render(
        record=record, filters=record_filters(record, shard), sort_date=record_sort(record)["date"],
        heading=heading, body=body, pending=pending)


def _write_record_pages(records: Sequence[SearchRecord], into: Path, pending: bool,
                        shard: str = "") -> None:
    spaced = index_texts([text for r in records for text in (r.heading, r.body)])
    root, folders = str(into), set()
    for n, record in enumerate(records):
        target = os.path.join(root, record.file)
        folder = os.path.dirname(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        page = record_page(record, pending, (spaced[2 * n], spaced[2 * n + 1]), shard)
        write_new_file(target, page.encode("utf-8"))


async def _build_shard(records: Sequence[SearchRecord], out_dir: Path,
                       pending: bool = False, shard: str = "") -> None:
    """Index a shard's record pages with one run of the Pagefind (extended) binary into
    ``out_dir``, without the UI assets the search page does not use.

    The command line rather than the Python service: the service is stopped with a
    signal as soon as it answers ``write_files``, and on a busy machine that can cut
    the bundle's last files short (an empty ``pagefind-entry.json`` was seen); the
    command exits by itself once every file is written. It runs in the folder of the
    record pages, so no ``pagefind.yml`` of the caller's working folder applies.
    """
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-",
                                     dir=scratch_dir()) as tmp:
        _write_record_pages(records, Path(tmp), pending, shard)
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


MEMORY_FOLDER = Path("/dev/shm")
MEMORY_FOLDER_MIN_FREE = 256 * 2**20
SCRATCH_PREFIX = "baoku-shard-"  # then the pid of the process that made the folder


def remove_orphaned_scratch() -> list[Path]:
    """Delete record-page folders whose process is gone (a build killed mid-way: in
    ``/dev/shm`` they would hold memory until the machine restarts); returns them."""
    gone = []
    for root in {MEMORY_FOLDER, Path(tempfile.gettempdir())}:
        for folder in root.glob(f"{SCRATCH_PREFIX}*-*") if root.is_dir() else ():
            pid = folder.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
            if pid.isdigit() and not process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                gone.append(folder)
    return gone


def scratch_dir() -> str | None:
    """Where record pages are written: a memory-backed folder when there is one with room,
    unless ``TMPDIR`` names a folder; ``None`` means the system's temporary folder.

    They are deleted as soon as Pagefind has read them, and on a disk file system
    (measured: ext4 without a journal) every file created in the next minutes, the
    site's own pages included, then costs more system time (10k articles: ~1.3 s less
    with record pages in memory).
    """
    if os.environ.get("TMPDIR"):
        return None
    try:
        if not os.access(MEMORY_FOLDER, os.W_OK | os.X_OK):
            return None
        stats = os.statvfs(MEMORY_FOLDER)
    except OSError:
        return None
    return str(MEMORY_FOLDER) if stats.f_bavail * stats.f_frsize >= MEMORY_FOLDER_MIN_FREE \
        else None


@cache
def _executable() -> Path:
    from pagefind.service import get_executable

    path = get_executable()
    if path is None:
        raise RuntimeError("the pagefind binary is missing (pip install 'pagefind[extended]')")
    return path


# Pagefind's allocator (jemalloc, linked in with the ``_rjem_`` prefix): huge pages and no
# handing memory back before exit. Indexing a shard touches ~0.4 MB a page, and faulting
# that in 4 KB pages cost as much system time again as a third of its user time (10k
# articles: 5.9-7.9 s of system time, 3.1 s with these; ~13 % more resident memory).
# One arena instead of four per core: its threads then share the huge pages they fault in
# (a 1,150-page shard: 17 % less resident memory, 4-5 % less CPU).
# Ignored where the kernel offers no transparent huge pages.
PAGEFIND_MALLOC_CONF = ("thp:always,metadata_thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1,"
                        "narenas:1")


# Smaller index chunks than Pagefind's default (~20,000): it compresses every chunk at
# gzip's highest level, and on our single-character words most of that work went into the
# chunks' length. 10k articles: ~4-9 CPU-s less, 1,000 -> 3,735 index files, 2 % more
# index bytes; a query still fetches one chunk a character, now a smaller one.
INDEX_CHUNK_SIZE = 4000
CHUNK_SIZE_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"


def _clean_environment() -> dict[str, str]:
    # PAGEFIND_* variables would override the options given on the command line.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    env.setdefault("_RJEM_MALLOC_CONF", PAGEFIND_MALLOC_CONF)  # unless set on purpose
    env[CHUNK_SIZE_VARIABLE] = str(INDEX_CHUNK_SIZE)
    return env


async def _build_shards(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                        workers: int) -> None:
    gate = asyncio.Semaphore(max(1, workers))

    async def one(name: str, records: Sequence[SearchRecord]) -> None:
        out_dir = site_dir / bundle_path(name)
        async with gate:
            if out_dir.exists():
                shutil.rmtree(out_dir)
            await _build_shard(records, out_dir, shard=name)

    await asyncio.gather(*(one(name, shards[name]) for name in _largest_first(shards)))


def _largest_first(shards: Mapping[str, Sequence[SearchRecord]]) -> list[str]:
    """The order Pagefind runs start in: the last runs are then small ones that end close
    together, rather than one large shard indexing alone while the other cores idle
    (10k articles: ~1.5 s of one idle core at the end)."""
    return sorted(shards, key=lambda name: len(shards[name]), reverse=True)


def build_bundles(shards: Mapping[str, Sequence[SearchRecord]], site_dir: Path,
                  only: Iterable[str] | None = None, workers: int = 1) -> list[str]:
    """Write ``pagefind/<shard>/`` for every shard (or only those named in ``only``).

    Each shard gets its own Pagefind process, at most ``workers`` at a time, so peak
    memory follows the shard size, not the archive size. Bundles of shards that no
    longer exist are removed. Returns the shard names written.
    """
    wanted = set(shards) if only is None else set(only) & set(shards)
    selected = {name: shards[name] for name in shards if name in wanted}
    remove_stale_bundles(site_dir, keep=set(shards))
    remove_orphaned_scratch()
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
    remove_orphaned_scratch()
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
            fresh = new_site_folder(f".{name}-", root)
            try:
                await _build_shard(records, fresh, shard=name)
                _move_bundle(fresh, root / name)
            finally:
                shutil.rmtree(fresh, ignore_errors=True)

    await asyncio.gather(*(one(name, shards[name]) for name in _largest_first(shards)))


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
    remove_orphaned_scratch()
    fresh = new_site_folder(f".{name}-", root)
    try:
        _run(_build_shard(records, fresh, pending=True, shard=name))
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



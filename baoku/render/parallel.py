"""Rendering spread over forked worker processes, results in plan order."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

from ..background import stage_threads_running

# Fewer pages than this render quicker in-process than a pool's start-up and transfer.
MIN_PARALLEL_PAGES = 400
MIN_CHUNK, MAX_CHUNK = 16, 256
CHUNKS_AHEAD = 3  # per worker: enough to keep them busy, few enough to bound memory
# Plans forked to workers at once: bounds the view models held (a pool per batch).
# Each fork costs its workers and the main process a copy-on-write fault per page of
# heap they then write to: 10k articles (22,500 pages) in one batch rather than three
# took 115,000 fewer page faults and ~0.5 s less CPU. But a plan holds ~6 KB of view
# beyond the archive (its citation included), so the batch, not the archive, sets the
# render stage's memory: 10,000 plans are ~60 MB (50,000 were ~300 MB).
BATCH_PAGES = 10_000

# (start, stop) -> (site file path, bytes) for the pages in that range, or the index of
# the first page whose rendering raised (the caller renders it again to raise it).
RenderRange = Callable[[int, int], list[tuple[str, bytes]] | int]

T = TypeVar("T")

_worker_render: RenderRange | None = None  # set once in each worker by _init_worker


def pool_workers(requested: int, pages: int) -> int:
    """How many worker processes to render ``pages`` with; below 2 means in-process.

    Workers are forked, so not while a build stage runs in a thread (a Session's search:
    a lock or Pagefind's pipes would be copied into the workers)."""
    if pages < MIN_PARALLEL_PAGES or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if stage_threads_running():
        return 1
    return max(1, min(requested, pages // MIN_PARALLEL_PAGES))


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in consecutive lists of ``size`` (the last may be shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def chunk_spans(total: int, workers: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) ranges covering ``range(total)``, about eight per worker."""
    size = max(MIN_CHUNK, min(MAX_CHUNK, total // (8 * max(1, workers)) or 1))
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def render_in_pool(render_range: RenderRange, total: int, workers: int
                   ) -> Iterator[list[tuple[str, bytes]] | int]:
    """Each chunk's result of ``render_range`` in order, computed by ``workers`` forked
    processes that inherit ``render_range`` (and everything it refers to) unpickled."""
    context = multiprocessing.get_context("fork")
    spans = chunk_spans(total, workers)
    with ProcessPoolExecutor(workers, context, initializer=_init_worker,
                             initargs=(render_range,)) as pool:
        pending: deque[Future[list[tuple[str, bytes]] | int]] = deque()
        queued = iter(spans)
        try:
            for span in queued:
                pending.append(pool.submit(_render_span, span))
                if len(pending) >= CHUNKS_AHEAD * workers:
                    break
            while pending:
                done = pending.popleft().result()
                next_span = next(queued, None)
                if next_span is not None:
                    pending.append(pool.submit(_render_span, next_span))
                yield done
        finally:
            for future in pending:
                future.cancel()


def _init_worker(render_range: RenderRange) -> None:
    global _worker_render
    _worker_render = render_range


def _render_span(span: tuple[int, int]) -> list[tuple[str, bytes]] | int:
    assert _worker_render is not None
    return _worker_render(*span)


def render_range_of(render_one: Callable[[int], tuple[str, bytes]]
                    ) -> RenderRange:
    """A ``RenderRange`` from a one-page renderer; a failing page is reported by index."""

    def render_range(start: int, stop: int) -> list[tuple[str, bytes]] | int:
        pages = []
        for index in range(start, stop):
            try:
                pages.append(render_one(index))
            except Exception:
                return index
        return pages

    return render_range


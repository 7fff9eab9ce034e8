"""Build throughput: pages rendered by forked workers, search beside render and export."""

from __future__ import annotations

import heapq
import multiprocessing
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baoku import pipeline, render
from baoku.background import Background, StageDied
from baoku.cache.session import Session
from baoku.clean import widen_punctuation
from baoku.config import Config
from baoku.enrich import related
from baoku.enrich.places import (
    Mention,
    PlaceBook,
    PlaceEntry,
    _clean_boundary,
    _non_overlapping,
    _overlaps,
    build_book,
    known_mentions,
    negative_spans,
    parse_local_places,
)
from baoku.model import Archive, OutputFile
from baoku.render import parallel
from baoku.tokenizer import Tokenizer
from tests.conftest import make_config, shared_tokenizer
from tests.test_incremental import fragments, without_bundles

DISTRICTS = ("东岭镇", "西河乡", "南山街道", "北湖镇", "石桥乡", "青松镇")


def _issue(n: int) -> str:
    place = DISTRICTS[n % len(DISTRICTS)]
    return (f"## {place}新建{n + 1}座桥梁\n\n"
            f"本报讯（记者 李{n % 4}华）{place}日前新建的桥梁通车，方便{n + 2}个村的群众。\n\n"
            f"## {place}秋粮喜获丰收\n\n"
            f"本报讯（通讯员 赵{n % 3}平）今年{place}秋粮总产比上年增长{n % 9 + 1}%。\n")


def _project(root: Path, issues: int = 10) -> Path:
    content = root / "content"
    content.mkdir(parents=True)
    for n in range(issues):
        name = f"2022-05-{n + 1:02d}_测试晚报_0{n % 2 + 1}.txt"
        (content / name).write_text(_issue(n), encoding="utf-8")
    return root


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _plans(root: Path) -> tuple[list[render.PagePlan], pipeline.BuildResult]:
    config = make_config(root, root / "output")
    # a session keeps the issues whole after the build (a plain build's text store is gone)
    result = Session(replace(config, workers=1), use_disk_cache=False).build(log=lambda m: None)
    return list(render.plan_pages(result.archive, config)), result


def test_chunk_spans_cover_every_page_once_in_order() -> None:
    for total, workers in ((0, 2), (1, 2), (17, 2), (1000, 3), (40_000, 8)):
        spans = parallel.chunk_spans(total, workers)
        covered = [i for start, stop in spans for i in range(start, stop)]
        assert covered == list(range(total))
        assert all(stop - start <= parallel.MAX_CHUNK for start, stop in spans)


def test_batches_keep_order_and_bound_size() -> None:
    assert list(parallel.batches(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(parallel.batches([], 3)) == []


def test_few_pages_or_one_worker_render_in_process() -> None:
    # Other threads (servers, watchers of earlier tests) do not veto forking; stage threads do.
    assert parallel.pool_workers(4, parallel.MIN_PARALLEL_PAGES - 1) == 1
    assert parallel.pool_workers(1, 100 * parallel.MIN_PARALLEL_PAGES) == 1
    assert parallel.pool_workers(2, 100 * parallel.MIN_PARALLEL_PAGES) == 2


def test_no_fork_pool_while_a_stage_runs_in_a_thread() -> None:
    release = threading.Event()
    task = Background(release.wait, in_process=False, name="baoku-test")
    try:
        assert parallel.pool_workers(2, 100 * parallel.MIN_PARALLEL_PAGES) == 1
    finally:
        release.set()
    assert task.result() is True
    assert parallel.pool_workers(2, 100 * parallel.MIN_PARALLEL_PAGES) == 2


@pytest.mark.slow
def test_pooled_render_gives_the_same_files_in_the_same_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plans, _ = _plans(_project(tmp_path))
    config = replace(make_config(tmp_path, tmp_path / "output"), workers=2)
    env = render.make_environment(config)
    one_by_one = [render.render_page(env, plan) for plan in plans]
    monkeypatch.setattr(parallel, "MIN_PARALLEL_PAGES", 1)
    monkeypatch.setattr(parallel, "MAX_CHUNK", 3)  # many chunks, so order matters
    monkeypatch.setattr(parallel, "BATCH_PAGES", 17)  # several pools, the last one short
    assert parallel.pool_workers(config.workers, len(plans)) == 2
    pooled = list(render.render_pages(config, plans))
    assert [f.path for f in pooled] == [f.path for f in one_by_one]
    assert pooled == one_by_one
    assert len(pooled) > 20


@pytest.mark.slow
def test_a_page_failing_in_a_worker_raises_its_own_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plans, _ = _plans(_project(tmp_path, issues=3))
    broken = replace(plans[len(plans) // 2], template="没有这个模板.html")
    plans[len(plans) // 2] = broken
    config = replace(make_config(tmp_path, tmp_path / "output"), workers=2)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_PAGES", 1)
    with pytest.raises(jinja2.TemplateNotFound, match="没有这个模板"):
        list(render.render_pages(config, plans))


@pytest.mark.slow
def test_build_with_pool_and_background_search_matches_in_process_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_PAGES", 1)
    results = {}
    for workers in (1, 2):
        root = _project(tmp_path / str(workers))
        config = replace(make_config(root, root / "output", search=True), workers=workers)
        results[workers] = pipeline.build(config, log=lambda m: None)
    assert results[2].search_warnings == results[1].search_warnings == []
    assert {"render+write", "search", "search wait"} <= set(results[2].timings)
    serial, pooled = _files(tmp_path / "1" / "output"), _files(tmp_path / "2" / "output")
    # Pagefind's filter/meta files differ between any two runs; everything else, its page
    # fragments included, must be the same bytes.
    assert without_bundles(pooled) == without_bundles(serial)
    assert fragments(pooled) == fragments(serial)
    assert not any(path.startswith("search-offline/") for path in pooled)
    assert any("/fragment/" in path for path in pooled)


def test_background_process_returns_the_value_and_its_errors() -> None:
    assert Background(lambda: [os.getpid()], in_process=True, name="t").result() != [os.getpid()]
    failing = Background(lambda: int("不是数字"), in_process=True, name="t")
    with pytest.raises(ValueError, match="不是数字"):
        failing.result()


def test_background_process_that_dies_is_reported() -> None:
    dying = Background(lambda: os._exit(3), in_process=True, name="baoku-test")
    with pytest.raises(StageDied, match="退出码 3"):
        dying.result()


def test_background_thread_keeps_side_effects() -> None:
    seen: list[int] = []
    task = Background(lambda: seen.append(1) or "好", in_process=False, name="t")
    assert task.result() == "好" and seen == [1]
    assert task.seconds >= 0


# --- CPU hot spots: faster code, same answers -----------------------------------------

BOOK_FILE = """
[[place]]
name = "桃源镇"
level = "town"
parent = "青山县"

[[place]]
name = "青山县"
level = "district"
parent = "洛阳市"
aliases = ["青山", "青"]

[[place]]
name = "山县"
level = "district"
parent = "洛阳市"

[ignore]
words = ["青山绿水"]
"""
PIECES = ("桃源镇", "青山县", "青山", "青", "山县", "县", "山", "洛阳市", "新华区", "西城区",
          "，", "。", "的", "在", "a", "1", "绿水", "镇")


def _mentions_by_last_char(text: str, book: PlaceBook, tokenizer: Tokenizer
                           ) -> list[Mention]:
    """``known_mentions`` as first written: every surface length ending in each char."""
    found = []
    banned = negative_spans(text, book.negatives)
    for end in range(1, len(text) + 1):
        for size in book.endings.get(text[end - 1], ()):  # longest first
            if size > end:
                continue
            surface = text[end - size:end]
            entries = book.surfaces.get(surface)
            if not entries:
                continue
            start = end - size
            if _overlaps(start, end, banned):
                continue
            if surface in book.guarded and not _clean_boundary(text, start, end, book,
                                                               tokenizer):
                continue
            found.append(Mention(start, end, entries[0].name, entries[0].level, entries[0]))
            break
    return _non_overlapping(found)


@pytest.fixture(scope="module")
def small_book() -> PlaceBook:
    gazetteer = [PlaceEntry("洛阳市", "city"), PlaceEntry("新华区", "district", "洛阳市"),
                 PlaceEntry("西城区", "district", "洛阳市")]
    return build_book(gazetteer, parse_local_places(BOOK_FILE))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_known_mentions_match_the_char_by_char_scan(small_book: PlaceBook,
                                                     pieces: list[str]) -> None:
    text = "".join(pieces)
    tokenizer = shared_tokenizer()
    assert known_mentions(text, small_book, tokenizer) == _mentions_by_last_char(
        text, small_book, tokenizer)


def test_small_book_has_one_and_many_character_surfaces(small_book: PlaceBook) -> None:
    assert "青" in small_book.surfaces and "青山县" in small_book.surfaces
    names = [m.name for m in known_mentions("桃源镇在青山县。", small_book, shared_tokenizer())]
    assert names == ["桃源镇", "青山县"]


@pytest.mark.parametrize("line", ["你好,世界", "3,000人", "a:b", "纯中文没有标记", "（已是全角）",
                                  "价格(元)：12", "", "Hello, world!"])
def test_widen_punctuation_without_narrow_marks_is_unchanged(line: str) -> None:
    widened = widen_punctuation(line)
    assert len(widened) == len(line)
    if not any(mark in line for mark in ",;:()!?"):
        assert widened is line


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(0, 60), st.sampled_from([0.5, 1.0, 1.25, 2.0, 3.5]),
                       max_size=60), st.integers(1, 12))
def test_best_candidates_are_nlargest_by_score_then_lowest_document(
        scores: dict[int, float], count: int) -> None:
    if len(scores) <= count:
        return
    expected = heapq.nlargest(count, scores.items(), key=lambda kv: (kv[1], -kv[0]))
    assert sorted(related._best(scores, count)) == sorted(expected)


def test_cancel_stops_a_running_background_process() -> None:
    # The CLI ignores SIGTERM while it shuts down; a child forked then inherits that.
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        task = Background(lambda: time.sleep(60), in_process=True, name="baoku-test")
    finally:
        signal.signal(signal.SIGTERM, previous)
    task.cancel()
    assert multiprocessing.active_children() == []
    with pytest.raises(StageDied):
        task.result()


def _start_sleeper(pid_file: Path) -> None:
    """A background stage's work that starts a program of its own, as Pagefind is."""
    sleeper = subprocess.Popen(["sleep", "60"])
    pid_file.write_text(str(sleeper.pid), encoding="utf-8")
    sleeper.wait()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1]
    except OSError:
        return False
    return state.split()[0] != "Z"  # a zombie has stopped; only its parent is gone


def test_cancel_also_stops_what_the_background_process_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    task = Background(lambda: _start_sleeper(pid_file), in_process=True, name="baoku-test")
    deadline = time.monotonic() + 10
    while not pid_file.exists() or not pid_file.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    sleeper = int(pid_file.read_text(encoding="utf-8"))
    assert _running(sleeper)
    task.cancel()
    while _running(sleeper):
        assert time.monotonic() < deadline, "the program the stage started still runs"
        time.sleep(0.02)


@pytest.mark.slow
def test_failed_render_stops_the_search_and_leaves_no_staging(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_render(archive: Archive, config: Config, *args: object) -> Iterator[OutputFile]:
        yield OutputFile("index.html", b"<html></html>")
        raise RuntimeError("模板坏了")

    root = _project(tmp_path)
    config = replace(make_config(root, root / "output", search=True), workers=2)
    monkeypatch.setattr(pipeline, "render_site", failing_render)
    with pytest.raises(RuntimeError, match="模板坏了"):
        pipeline.build(config, log=lambda m: None)
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in root.iterdir()) == ["content"]


@pytest.mark.slow
def test_a_build_failing_while_pagefind_runs_leaves_no_process_or_record_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from baoku.search import pagefind

    scratch = tmp_path / "shm"
    scratch.mkdir()
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER", scratch)  # the forked stage sees it too
    # Pagefind indexes a tiny archive faster than the render below can look for it: it
    # waits first, so the build surely fails while it runs (its command line names scratch).
    slow = tmp_path / "slow-pagefind"
    slow.write_text(f'#!/bin/sh\nsleep 60\nexec "{pagefind._executable()}" "$@"\n',
                    encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setattr(pagefind, "_executable", lambda: slow)

    def render_until_pagefind_runs(archive: Archive, config: Config, *args: object
                                   ) -> Iterator[OutputFile]:
        deadline = time.monotonic() + 30
        while not _pagefind_processes(scratch):
            assert time.monotonic() < deadline, "Pagefind never started"
            time.sleep(0.02)
        raise RuntimeError("模板坏了")
        yield OutputFile("index.html", b"")  # a generator, like the real stage

    root = _project(tmp_path)
    config = replace(make_config(root, root / "output", search=True), workers=2)
    monkeypatch.setattr(pipeline, "render_site", render_until_pagefind_runs)
    with pytest.raises(RuntimeError, match="模板坏了"):
        pipeline.build(config, log=lambda m: None)
    deadline = time.monotonic() + 10
    while _pagefind_processes(scratch):
        assert time.monotonic() < deadline, "Pagefind still runs after the build failed"
        time.sleep(0.02)
    assert list(scratch.iterdir()) == [], "its record pages were removed"


def _pagefind_processes(scratch: Path) -> list[int]:
    """Running (not zombie) processes whose command line names a folder in ``scratch``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(scratch).encode() in cmdline.read_bytes() and _running(int(cmdline.parent.name)):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_an_empty_place_book_finds_nothing() -> None:
    assert known_mentions("桃源镇在青山县。", PlaceBook(), shared_tokenizer()) == []

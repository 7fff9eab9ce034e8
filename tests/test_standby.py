"""The search stage's process: forked at the start of a build and fed its records, so it
never holds (or copies) the assembled archive."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from baoku import pipeline
from baoku.background import StageDied, Standby
from baoku.model import Issue
from baoku.search import SearchRecord
from tests.conftest import make_config
from tests.test_throughput import _project

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="Standby needs 'fork'")


def _total_and_pid(items: Iterator[object]) -> tuple[int, int]:
    return sum(int(str(item)) for item in items), os.getpid()


def _first_only(items: Iterator[object]) -> int:
    return len(str(next(items)))


def _fails(items: Iterator[object], message: str) -> int:
    raise ValueError(message)


def _dies(items: Iterator[object]) -> int:
    os._exit(3)


def _children() -> set[int | None]:
    return {child.pid for child in multiprocessing.active_children()}


def test_standby_runs_the_work_on_the_items_sent_in_another_process() -> None:
    others = _children()  # what earlier tests left running is not this test's
    standby = Standby("baoku-test")
    total, pid = standby.run(_total_and_pid, (str(n) for n in range(1000))).result()
    assert total == sum(range(1000)) and pid != os.getpid()
    standby.stop()
    assert _children() <= others


def test_work_that_stops_reading_early_does_not_block_the_sender() -> None:
    standby = Standby("baoku-test")
    many = ("字" * 10_000 for _ in range(200))  # far more than a pipe's buffer
    assert standby.run(_first_only, many).result() == 10_000


def test_the_works_error_and_the_childs_death_reach_the_caller() -> None:
    failing = Standby("baoku-test").run(partial(_fails, message="索引出错"), iter(["1"]))
    with pytest.raises(ValueError, match="索引出错"):
        failing.result()
    dying = Standby("baoku-test").run(_dies, ("1" for _ in range(10_000)))
    with pytest.raises(StageDied, match="退出码 3"):
        dying.result()


def test_a_standby_never_given_work_is_stopped() -> None:
    others = _children()
    standby = Standby("baoku-test")
    assert _children() > others
    standby.stop()
    assert _children() <= others


def _issues_alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Issue))


def _issues_held(records: list[SearchRecord], config: object, site_dir: Path,
                 only_shards: object = None) -> list[str]:
    """In place of the index step: report what the search process holds."""
    return [f"pid {os.getpid()} issues {_issues_alive()} records {len(records)}"]


@pytest.mark.slow
def test_the_search_stage_holds_records_not_the_archive(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "index_records", _issues_held)
    root = _project(tmp_path, issues=12)
    config = replace(make_config(root, root / "output", search=True), workers=2)
    others, issues_before = _children(), _issues_alive()  # what earlier tests left
    result = pipeline.build(config, log=lambda m: None)
    assert result.article_count == 24 and len(result.archive.issues) == 12
    (warning,) = result.search_warnings
    _, pid, _, held, _, records = warning.split()
    assert int(pid) != os.getpid() and records == "24"
    assert int(held) <= issues_before  # none of this build's 12 issues
    assert _children() <= others


@pytest.mark.slow
def test_equal_tags_of_issues_from_the_pool_are_one_object_each(tmp_path: Path) -> None:
    root = _project(tmp_path, issues=12)
    config = replace(make_config(root, root / "output"), workers=2)  # assembled in a pool
    archive = pipeline.build(config, log=lambda m: None).archive
    places = [p for issue in archive.issues for a in issue.articles for p in a.places]
    assert len(places) > len({id(p) for p in places})  # shared, not one object a mention
    assert len({id(p) for p in places}) == len(set(places))
    keywords = [k for issue in archive.issues for a in issue.articles for k in a.keywords]
    assert len({id(k) for k in keywords}) == len(set(keywords))

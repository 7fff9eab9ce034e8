"""The collector's thresholds during a build, and afterwards."""

from __future__ import annotations

import gc

import pytest

from baoku import pipeline
from baoku.gc_tuning import BUILD_THRESHOLDS, build_thresholds, with_build_thresholds


@pytest.fixture(autouse=True)
def _restore_thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_thresholds_inside_and_restored_after():
    gc.set_threshold(123, 4, 5)
    with build_thresholds():
        assert gc.get_threshold() == BUILD_THRESHOLDS
    assert gc.get_threshold() == (123, 4, 5)


def test_restored_when_the_build_raises():
    gc.set_threshold(321, 6, 7)

    @with_build_thresholds
    def failing_build() -> None:
        assert gc.get_threshold() == BUILD_THRESHOLDS
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_build()
    assert gc.get_threshold() == (321, 6, 7)


def test_pipeline_build_runs_with_build_thresholds(tmp_path, monkeypatch):
    seen: list[tuple[int, int, int]] = []

    def spy_timer(*args, **kwargs):
        seen.append(gc.get_threshold())
        raise pipeline.BuildError("stop here")

    monkeypatch.setattr(pipeline, "Timer", spy_timer)
    gc.set_threshold(700, 10, 10)
    with pytest.raises(pipeline.BuildError):
        pipeline.build(object())  # type: ignore[arg-type]
    assert seen == [BUILD_THRESHOLDS]
    assert gc.get_threshold() == (700, 10, 10)

"""The process pool of the read and segment+enrich steps: same site as in-process."""

from __future__ import annotations

import pickle
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from baoku import pipeline
from baoku.background import Background
from baoku.config import Config, default_workers
from baoku.enrich import Enricher
from baoku.model import Issue, Source, SourceMeta
from baoku.segment import segment
from tests.conftest import make_config

TOWNS = ("东岭镇", "西河乡", "南山街道", "北湖镇", "石桥乡", "青松镇", "柳湾乡", "白沙镇",
         "红旗街道", "金山乡")


def _page(n: int) -> str:
    town = TOWNS[n % len(TOWNS)]
    return (f"## {town}修通{n + 2}公里乡村公路\n\n"
            f"本报讯（记者 王{n}明）近日，{town}新修的乡村公路正式通车，"
            f"沿线{n + 3}个村的群众出行更加方便。\n\n"
            f"## {town}举办农民丰收节\n\n"
            f"本报讯 {town}日前举办第{n + 1}届农民丰收节，展示当地特色农产品。\n")


def _project(root: Path, pages: int = 12) -> Path:
    content = root / "content"
    content.mkdir(parents=True)
    for n in range(pages):
        (content / f"2021-03-{n + 1:02d}_测试日报_01.txt").write_text(_page(n), encoding="utf-8")
    (content / "2021-04-01_测试日报_01.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    return root


def _build(root: Path, workers: int) -> pipeline.BuildResult:
    config = replace(make_config(root, root / "output"), workers=workers)
    return pipeline.build(config, log=lambda m: None)


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_pool_builds_the_same_site_as_in_process(tmp_path: Path) -> None:
    serial = _build(_project(tmp_path / "a"), workers=1)
    pooled = _build(_project(tmp_path / "b"), workers=3)
    assert [i.id for i in pooled.archive.issues] == [i.id for i in serial.archive.issues]
    assert pooled.archive.issues == serial.archive.issues
    assert pooled.archive.failures == serial.archive.failures
    assert len(pooled.archive.failures) == 1 and pooled.archive.failures[0].stage == "read"
    assert _files(tmp_path / "b" / "output") == _files(tmp_path / "a" / "output")


@pytest.mark.slow
def test_one_failing_source_is_isolated_in_the_pool(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def fragile(text):  # type: ignore[no-untyped-def]
        if "2021-03-05" in text.rel_path:
            raise ValueError("坏数据")
        return segment(text)

    monkeypatch.setattr(pipeline, "segment", fragile)  # inherited by forked workers
    result = _build(_project(tmp_path), workers=2)
    assert len(result.archive.issues) == 11
    failed = [f for f in result.archive.failures if f.stage == "segment"]
    assert len(failed) == 1
    assert failed[0].message == ("content/2021-03-05_测试日报_01.txt："
                                 "处理时出错（segment）：ValueError: 坏数据")


def test_default_workers_follow_the_cores() -> None:
    assert 1 <= default_workers() <= 8


@pytest.mark.slow
def test_sources_keep_their_order_and_ids_in_the_pool(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "content" / "2021-03-01_测试日报_01.md").write_text("# 空", encoding="utf-8")
    result = _build(root, workers=2)
    sources = [i.source for i in result.archive.issues]
    assert all(isinstance(s, Source) for s in sources)
    assert len({i.id for i in result.archive.issues}) == len(result.archive.issues)


@pytest.mark.slow
def test_incremental_session_assembles_its_misses_in_the_pool(tmp_path: Path) -> None:
    from baoku.cache.session import Session

    serial_root = _project(tmp_path / "a")  # a session's archive keeps its text: compare two
    serial = Session(replace(make_config(serial_root, serial_root / "output"), workers=1),
                     use_disk_cache=False).build(log=lambda m: None)
    root = _project(tmp_path / "b")
    config = replace(make_config(root, root / "output"), workers=2)
    session = Session(config, use_disk_cache=False)
    first = session.build(log=lambda m: None)
    assert session.counts.assembled == 12 and session.counts.cached == 0
    assert first.archive.issues == serial.archive.issues
    again = session.build(log=lambda m: None)
    assert session.counts.assembled == 0 and session.counts.cached == 12
    assert again.archive.issues == serial.archive.issues


def test_no_pool_is_forked_while_a_stage_runs_in_a_thread(tmp_path: Path) -> None:
    config = replace(make_config(tmp_path, tmp_path / "out"), workers=2)
    enricher = pipeline.load_enricher(config)
    release = threading.Event()
    stage = Background(release.wait, in_process=False, name="test-stage")
    try:
        assert pipeline._make_pool(config, enricher, 20) is None
    finally:
        release.set()
        stage.result()
    pool = pipeline._make_pool(config, enricher, 20)
    assert pool is not None
    pool.shutdown()


@pytest.mark.slow
def test_sources_are_read_while_the_enricher_loads(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The read pool starts before the enricher is loaded: the loader sees files read."""
    from baoku import read

    markers = tmp_path / "read"
    markers.mkdir()
    decode = read.decode_bytes

    def marking_decode(data: bytes, rel: str) -> read.Decoded:
        (markers / str(abs(hash(rel)))).touch()  # in the worker process that read it
        return decode(data, rel)

    monkeypatch.setattr(read, "decode_bytes", marking_decode)  # forked workers inherit it
    seen: list[int] = []

    class WaitingLoader(pipeline.NoCache):
        def enricher(self, config: Config) -> Enricher:
            deadline = time.monotonic() + 10
            while not any(markers.iterdir()) and time.monotonic() < deadline:
                time.sleep(0.01)
            seen.append(len(list(markers.iterdir())))
            return super().enricher(config)

    root = _project(tmp_path / "p")
    config = replace(make_config(root, root / "output"), workers=2)
    result = pipeline.build(config, WaitingLoader(), log=lambda m: None)
    assert seen and seen[0] > 0
    assert len(result.archive.issues) == 12 and len(result.archive.failures) == 1


def test_workers_send_issues_back_without_the_source_text() -> None:
    source = Source(rel_path="content/a.txt", sha256="0" * 64, encoding="utf-8", format="txt",
                    text="本报讯 花椒丰收。" * 500, meta=SourceMeta())
    issue = Issue(id="a", source=source, articles=(), junk=(), warnings=())
    sent = pipeline.without_text(issue)
    assert sent.source.text == "" and len(pickle.dumps(sent)) < 1000
    assert sent == replace(issue, source=replace(source, text=""))
    assert pipeline.without_text(sent) is sent



"""The build's text store: issues round-trip through it exactly, a build holds no
article text once its issues are assembled, and the store's file never outlives a build."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import make_config
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku import export, pipeline, textstore
from baoku.cache.session import Session
from baoku.model import Archive, Article, Issue, Source, SourceMeta
from baoku.textstore import TextStore, TextStoreError, text_store

QUIET = lambda message: None  # noqa: E731
texts = st.lists(st.text(max_size=40), max_size=4).map(tuple)
SOURCE = Source(rel_path="content/a.txt", sha256="0" * 64, encoding="utf-8", format="txt",
                text="", meta=SourceMeta())


@st.composite
def issues(draw: st.DrawFn) -> Issue:
    numbers = draw(st.lists(st.integers(min_value=1, max_value=5), max_size=4))  # repeats too
    articles = tuple(
        Article(number=n, headline=draw(st.text(max_size=12)), paragraphs=draw(texts),
                section_heads=draw(texts), captions=draw(texts), paragraphs_html=draw(texts),
                keywords=draw(texts), byline=draw(st.none() | st.text(max_size=8)))
        for n in numbers)
    return Issue(id=draw(st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True)), source=SOURCE,
                 articles=articles, junk=draw(texts), doubts=draw(texts))


@settings(max_examples=60, deadline=None)
@given(st.lists(issues(), max_size=4, unique_by=lambda i: i.id))
def test_issues_come_back_from_the_store_exactly(kept: list[Issue]) -> None:
    with text_store() as store:
        stripped = [store.keep(issue) for issue in kept]
        for issue, lean in zip(kept, stripped, strict=True):
            assert not any(a.paragraphs or a.section_heads or a.captions or a.paragraphs_html
                           for a in lean.articles)
            # what the archive-wide stages need stays in the issue
            assert [a.headline for a in lean.articles] == [a.headline for a in issue.articles]
            assert lean.junk == issue.junk and lean.doubts == issue.doubts
        for issue, lean in reversed(list(zip(kept, stripped, strict=True))):  # any order
            assert store.whole(lean) == issue


def test_an_issue_cut_down_after_it_was_kept_takes_back_the_text_of_its_articles() -> None:
    articles = tuple(Article(n, f"标题{n}", paragraphs=(f"第{n}篇正文",)) for n in (1, 2, 3))
    issue = Issue(id="x", source=SOURCE, articles=articles)
    with text_store() as store:
        lean = store.keep(issue)
        year_part = replace(lean, articles=lean.articles[::2])  # e.g. a year's archive
        assert store.whole(year_part).articles == (articles[0], articles[2])


def test_an_issue_the_store_never_kept_comes_back_as_it_is() -> None:
    issue = Issue(id="x", source=SOURCE, articles=(Article(1, "标题", paragraphs=("正文",)),))
    with text_store() as store:
        assert store.whole(issue) is issue
        assert Archive(issues=(issue,), texts=store).whole(issue) is issue


def test_the_store_cannot_be_read_once_its_build_has_ended() -> None:
    issue = Issue(id="x", source=SOURCE, articles=(Article(1, "标题", paragraphs=("正文",)),))
    with text_store() as store:
        lean = store.keep(issue)
    assert not os.path.exists(store.path)
    with pytest.raises(TextStoreError, match="已随生成结束删除"):
        store.whole(lean)


def _objects_holding(marker: str) -> int:
    """Articles and sources alive in this process whose text contains ``marker``."""
    gc.collect()
    return sum(1 for o in gc.get_objects()
               if (isinstance(o, Article) and any(marker in p for p in o.paragraphs))
               or (isinstance(o, Source) and marker in o.text))


def _marked_project(project: Path) -> str:
    """Add to every source of ``project`` a paragraph made at run time; returns it."""
    marker = "".join(chr(0x4E00 + (os.getpid() * 7 + n) % 20000) for n in range(12))
    for path in sorted((project / "content").glob("*.txt")):
        text = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{text}\n　　{marker}，此句仅供测试。\n", encoding="utf-8")
    return marker


def test_after_assembly_the_build_holds_no_article_text(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = _marked_project(project)
    seen: list[int] = []
    related_stage = pipeline.related_stage

    def counting(archive: Archive, cache: pipeline.Cache) -> Archive:
        seen.append(_objects_holding(marker))
        assert all(not a.paragraphs for issue in archive.issues for a in issue.articles)
        return related_stage(archive, cache)

    monkeypatch.setattr(pipeline, "related_stage", counting)
    out = project / "output"
    result = pipeline.build(make_config(project, out), log=QUIET)
    assert seen == [0]  # not one article or source kept its text in this process
    # yet every page and data file shows it
    records = export.read_issue_records(out)
    assert all(any(marker in p for a in r["articles"] for p in a["paragraphs"])
               for r in records.values())
    assert len(records) == len(result.archive.issues) == 3
    pages = [p.read_text(encoding="utf-8") for p in (out / "issues").rglob("index.html")]
    assert sum(marker in page for page in pages) >= 3


@contextmanager
def _watched(stores: list[TextStore]) -> Iterator[TextStore]:
    with text_store() as store:
        stores.append(store)
        yield store


def _store_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(f"{textstore.PREFIX}*"))


@pytest.mark.parametrize("failure", [None, "template", "interrupt"])
def test_no_store_file_outlives_a_build(project: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        failure: str | None) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    stores: list[TextStore] = []
    monkeypatch.setattr(pipeline, "text_store", lambda: _watched(stores))
    if failure == "template":
        templates = project / "theme" / "templates"
        templates.mkdir(parents=True)
        (templates / "article.html").write_text("{% if %}", encoding="utf-8")
    if failure == "interrupt":
        def interrupted(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt
        monkeypatch.setattr(pipeline, "export_data", interrupted)
    config = make_config(project, project / "output")
    if failure is None:
        pipeline.build(config, log=QUIET)
    else:
        with pytest.raises((pipeline.BuildError, KeyboardInterrupt)):
            pipeline.build(config, log=QUIET)
    (store,) = stores
    assert store.path.startswith(str(scratch))  # never in the content or output folder
    assert store.spans  # the build did keep its text there
    assert store.file.fd is None and not os.path.exists(store.path)
    assert _store_files(scratch) == []
    assert not list(project.rglob(f"{textstore.PREFIX}*"))


def test_a_store_that_cannot_be_made_stops_the_build_with_a_named_stage(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "missing"))
    with pytest.raises(pipeline.StageError, match=r"text store: .*TMPDIR") as raised:
        pipeline.build(make_config(project, project / "output"), log=QUIET)
    assert raised.value.stage == "text store"
    assert not (project / "output").exists()


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_one_build_session_keeps_its_text_aside_and_makes_the_same_bytes(
        project: Path) -> None:
    Session(make_config(project, project / "whole"), use_disk_cache=False).build(log=QUIET)
    config = make_config(project, project / "output")
    first = Session(config, one_build=True).build(log=QUIET)  # as build.py without --watch
    assert not any(a.paragraphs for issue in first.archive.issues for a in issue.articles)
    assert _files(project / "output") == _files(project / "whole")
    again = Session(config, one_build=True)  # the next run: issues from the disk cache
    again.build(log=QUIET)
    assert again.counts.cached == len(first.archive.issues) and again.counts.assembled == 0
    assert again.issues.memory == {}  # on disk only: nothing held beyond the build
    assert _files(project / "output") == _files(project / "whole")


def test_the_read_pool_hands_sources_back_without_text_and_assembly_reads_them_again(
        project: Path) -> None:
    config = make_config(project, project / "output")
    path = sorted((project / "content").glob("*.txt"))[0]
    rel = f"content/{path.name}"
    lean, error = pipeline._read_in_worker((path, config.source_root, rel))
    assert error is None and isinstance(lean, Source) and lean.text == ""
    whole = pipeline.read_source(path, config.source_root)
    enricher = pipeline.load_enricher(config)
    from_lean = pipeline.assemble_job((lean, "x", rel), config, enricher)
    assert from_lean == pipeline.assemble_job((whole, "x", rel), config, enricher)
    assert isinstance(from_lean[0], Issue) and from_lean[0].articles
    packed, _ = pipeline.assemble_job((lean, "x", rel), config, enricher, packed=True)
    assert isinstance(packed, textstore.Packed)
    with text_store() as store:
        assert store.whole(store.add(packed)) == from_lean[0]
    path.write_text("改过了\n" * 3, encoding="utf-8")  # changed since it was read: named
    assert pipeline.assemble_job((lean, "x", rel), config, enricher) == (
        None, f"{rel}：读取后文件又被修改，已跳过，下次生成时会重新读取")

"""What a build holds in memory: issues without their sources' text (the pages, data and
search records come from the articles, whose text a plain build keeps in its text store),
and a session that keeps no archive of source text."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from conftest import make_config

from baoku import pipeline, urls
from baoku.cache.session import Session
from baoku.export import export_data
from baoku.model import Archive, Article, Issue, Source, SourceMeta
from baoku.search import shard_fingerprints
from baoku.search.records import SearchRecord

QUIET = lambda message: None  # noqa: E731


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_build_keeps_its_issues_without_the_source_text(project: Path) -> None:
    result = pipeline.build(make_config(project, project / "output"), log=QUIET)
    assert result.archive.issues
    assert all(issue.source.text == "" for issue in result.archive.issues)
    # nor the articles' text, which was in the build's text store (see test_textstore)
    assert not any(a.paragraphs for issue in result.archive.issues for a in issue.articles)
    assert any(a.headline for issue in result.archive.issues for a in issue.articles)


def test_a_session_keeps_its_issues_whole_for_the_builds_after(project: Path) -> None:
    session = Session(make_config(project, project / "output"), use_disk_cache=False)
    result = session.build(log=QUIET)
    assert result.archive.texts is None
    assert all(a.paragraphs for issue in result.archive.issues for a in issue.articles)


def test_a_session_reads_a_kept_source_again_when_its_issue_must_be_remade(
        project: Path, tmp_path: Path) -> None:
    session = Session(make_config(project, project / "output"), use_disk_cache=False)
    first = session.build(log=QUIET)
    before = _files(project / "output")
    assert session._sources and all(not s.text for _, s in session._sources.values())
    session.issues.memory.clear()  # as after an issue id changed: the sources are known
    again = session.build(log=QUIET)
    assert session.counts.read_cached == len(session._sources)  # not decoded afresh
    assert session.counts.assembled == len(first.archive.issues)  # but made again
    assert again.archive.issues == first.archive.issues
    assert _files(project / "output") == before


def test_a_source_changed_or_gone_since_it_was_kept_is_a_named_failure(project: Path) -> None:
    config = make_config(project, project / "output")
    path = sorted((project / "content").glob("*.txt"))[0]
    kept = replace(pipeline.read_source(path, config.source_root), text="")
    rel = kept.rel_path
    restored = pipeline.with_text((kept, "x", rel), config)
    assert isinstance(restored, tuple) and restored[0].text and restored[0].sha256 == kept.sha256
    path.write_text(path.read_text(encoding="utf-8") + "\n补记一段。\n", encoding="utf-8")
    changed = pipeline.with_text((kept, "x", rel), config)
    assert isinstance(changed, str) and rel in changed
    path.unlink()
    gone = pipeline.with_text((kept, "x", rel), config)
    assert isinstance(gone, str) and path.name in gone


def test_exporting_an_issue_adds_nothing_to_the_texts_the_archive_holds() -> None:
    paragraph = "".join(["本报讯 花椒丰收，", "农户笑开颜。"]) * 50  # made at run time
    article = Article(number=1, headline="花椒丰收", paragraphs=(paragraph,),
                      captions=("".join(["图为", "采摘现场。"]),))
    source = Source(rel_path="content/a.txt", sha256="0" * 64, encoding="utf-8",
                    format="txt", text="", meta=SourceMeta())
    issue = Issue(id="a", source=source, articles=(article,), junk=("".join(["第", "二版"]),))
    sizes = [sys.getsizeof(t) for t in (paragraph, *article.captions, *issue.junk)]
    files = {f.path: f.content for f in export_data(Archive(issues=(issue,)), per_issue=True)}
    assert paragraph in files[urls.issue_data("a")].decode("utf-8")
    # orjson would have kept each text's UTF-8 inside it, more than doubling its size
    assert [sys.getsizeof(t) for t in (paragraph, *article.captions, *issue.junk)] == sizes


def test_fingerprinting_search_records_adds_nothing_to_their_text() -> None:
    body = "".join(["记者 花椒丰收，", "农户笑开颜。"]) * 50  # made at run time
    record = SearchRecord(id="a-01", issue_id="a", path="issues/a/01/", headline="花椒丰收",
                          heading="花椒丰收", body=body, date="2024-03-01", year="2024",
                          paper=None, issue_label="2024年3月1日")
    size = sys.getsizeof(body)
    first = shard_fingerprints({"2024": [record]})
    assert sys.getsizeof(body) == size
    changed = replace(record, body=body + "。")
    assert shard_fingerprints({"2024": [changed]}) != first

"""The archive as published data: ``data/archive.json``, one gzipped JSON Lines file a year
(``data/issues-<year>.jsonl.gz``, a line per issue) and ``data/report.json`` (contract:
docs/data-export.md and docs/schema/; add fields, never rename). With
``Config.issue_data_files`` each issue also gets ``data/issues/<id>.json``, the layout of
schema 1."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from . import urls
from .model import Archive, Article, Issue, OutputFile
from .search.records import UNDATED_SHARD, year_of
from .segment.confidence import needs_review

# 1: the contract's layout, one file an issue (the year files come as well). 2: only the
# gzipped year files hold the issues' full records (``issue_data_files = false``).
SCHEMA_PER_ISSUE, SCHEMA_YEAR_FILES = 1, 2


def schema(per_issue: bool) -> int:
    return SCHEMA_PER_ISSUE if per_issue else SCHEMA_YEAR_FILES
# zlib's default: 9 makes the year files 0.6 % smaller in 10 % more time.
GZIP_LEVEL = 6


def _dump(value: Any) -> bytes:
    """Compact JSON (the contract allows it): indenting made the export a sixth larger.
    orjson: the same JSON as the standard library's, ~10x faster (about 5 s of a 10k build)."""
    return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)


def _passing(texts: tuple[str, ...]) -> list[str]:
    """Copies of an article's long texts for one dump: orjson keeps the UTF-8 it encodes
    a str to inside that str, which would add ~1.5 bytes a character to every text the
    archive holds until the build ends (~40 MB at 10,000 articles)."""
    return [text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
            for text in texts]


def issue_year(issue: Issue) -> str:
    """The year an issue is filed under: its data file's, its search shard's and its
    split zip's (``undated`` without a known year)."""
    return year_of(issue.date.value) or UNDATED_SHARD


def data_file(issue: Issue, per_issue: bool) -> str:
    """Where the issue's full record is published."""
    return urls.issue_data(issue.id) if per_issue else urls.year_data(issue_year(issue))


def issue_summary(issue: Issue, per_issue: bool = False) -> dict[str, Any]:
    date = issue.date
    return {
        "id": issue.id,
        "source": issue.source.rel_path,
        "sha256": issue.source.sha256,
        "encoding": issue.source.encoding,
        "origin": issue.origin,
        "newspaper": issue.newspaper,
        "date": date.value,
        "date_precision": date.precision,
        "date_source": date.source,
        "edition": issue.source.meta.edition,
        "title": issue.source.meta.title,
        "url": urls.issue_page(issue.id),
        "data": data_file(issue, per_issue),
        "year_data": urls.year_data(issue_year(issue)),
        "article_count": len(issue.articles),
        "warnings": list(issue.warnings),
        "segmentation_confidence": issue.confidence,
    }


def article_record(issue: Issue, article: Article) -> dict[str, Any]:
    return {
        "id": issue.article_id(article),
        "url": urls.article_page(issue.id, article.number),
        "kicker": article.kicker,
        "headline": article.headline,
        "subtitle": article.subtitle,
        "column": article.column,
        "byline": article.byline,
        "reporters": list(article.reporters),
        "correspondents": list(article.correspondents),
        "photographers": list(article.photographers),
        "kind": article.kind,
        "paragraphs": _passing(article.paragraphs),
        "section_heads": _passing(article.section_heads),
        "captions": _passing(article.captions),
        "districts": list(article.districts),
        "places": list(article.place_names),
        "place_tree": [
            {"name": p.name, "level": p.level, "parent": p.parent, "code": p.code}
            for p in article.places
        ],
        "topics": list(article.topics),
        "keywords": list(article.keywords),
        "related": list(article.related),
    }


def issue_record(issue: Issue, per_issue: bool = False) -> dict[str, Any]:
    record = {"schema": schema(per_issue), **issue_summary(issue, per_issue)}
    record["articles"] = [article_record(issue, a) for a in issue.articles]
    record["junk"] = _passing(issue.junk)
    if issue.raw_text_path:
        record["raw_text"] = issue.raw_text_path
    return record


def report_record(archive: Archive) -> dict[str, Any]:
    return {
        "schema": 1,  # report.json kept its first layout
        "generated_at": archive.generated_at,
        "issues": [
            {
                "id": i.id,
                "source": i.source.rel_path,
                "encoding": i.source.encoding,
                "origin": i.origin,
                "article_count": len(i.articles),
                "warnings": list(i.warnings),
                "junk": _passing(i.junk),
                "segmentation_confidence": i.confidence,
                "needs_review": needs_review(i.confidence),
                "doubts": list(i.doubts),
            }
            for i in archive.issues
        ],
        "failures": [
            {"source": f.rel_path, "stage": f.stage, "message": f.message}
            for f in archive.failures
        ],
    }


def export_data(archive: Archive, per_issue: bool = False, previous: Path | None = None
                ) -> Iterator[OutputFile]:
    """The data files. ``previous``: the output folder of the last build, whose year files
    are kept byte for byte when their lines did not change (compressing is most of the
    stage's time). A year's lines are made and compressed one at a time: the uncompressed
    records of the archive are never held at once."""
    yield OutputFile(
        "data/archive.json",
        _dump({
            "schema": schema(per_issue),
            "generated_at": archive.generated_at,
            "issues": [issue_summary(i, per_issue) for i in archive.issues],
        }),
    )
    years: dict[str, list[Issue]] = {}
    for issue in archive.issues:
        years.setdefault(issue_year(issue), []).append(issue)
        if per_issue:
            yield OutputFile(urls.issue_data(issue.id),
                             _dump(issue_record(archive.whole(issue), per_issue)))
    for year, issues in years.items():
        path = urls.year_data(year)

        def lines(issues: list[Issue] = issues) -> Iterator[bytes]:
            return (_dump(issue_record(archive.whole(issue), per_issue)) for issue in issues)

        yield OutputFile(path, year_file(lines, previous / path if previous else None))
    yield OutputFile("data/report.json", _dump(report_record(archive)))


def year_file(lines: Callable[[], Iterator[bytes]], published: Path | None) -> bytes:
    """The lines ``lines()`` gives, gzipped (no time stamp, so the same lines give the same
    bytes), or the bytes of ``published`` when that file already holds exactly them."""
    if published is not None and _holds(published, lines()):
        return published.read_bytes()
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as out:
        for line in lines():
            out.write(line)
    return buffer.getvalue()


def _holds(published: Path, lines: Iterator[bytes]) -> bool:
    """Whether the gzip file ``published`` holds ``lines`` and nothing more."""
    try:
        with gzip.open(published, "rb") as old:
            if any(old.read(len(line)) != line for line in lines):
                return False
            return old.read(1) == b""
    except (OSError, EOFError, zlib.error):  # gone or damaged (BadGzipFile is an OSError)
        return False


def read_year_data(path: Path) -> list[dict[str, Any]]:
    """The issue records of one ``data/issues-<year>.jsonl.gz``, in order."""
    return [orjson.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()
            if line.strip()]


def read_issue_records(site: Path) -> dict[str, dict[str, Any]]:
    """Every issue record a built site publishes, by issue id (for tests and tools)."""
    archive = orjson.loads((site / urls.archive_data()).read_bytes())
    records: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(entry["data"] for entry in archive["issues"]):
        path = site / name
        found = [orjson.loads(path.read_bytes())] if name.endswith(".json") \
            else read_year_data(path)
        records.update((record["id"], record) for record in found)
    return records

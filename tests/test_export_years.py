"""The issues' full records: one gzipped JSON Lines file a year, and the per-issue files
of schema 1's layout when ``issue_data_files`` asks for them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from test_feeds import make_archive

from baoku import urls
from baoku.config import Config
from baoku.export import SCHEMA_YEAR_FILES, export_data, read_issue_records, year_file


def published(per_issue: bool = False, previous: Path | None = None) -> dict[str, bytes]:
    return {f.path: f.content for f in export_data(make_archive(), per_issue, previous)}


def write_site(root: Path, files: dict[str, bytes]) -> Path:
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    return root


def test_one_gzipped_line_per_issue_in_its_year_file() -> None:
    files = published()
    assert sorted(p for p in files if p.startswith("data/issues")) == [
        "data/issues-2023.jsonl.gz", "data/issues-2024.jsonl.gz", "data/issues-undated.jsonl.gz"]
    lines = gzip.decompress(files["data/issues-2024.jsonl.gz"]).decode("utf-8").splitlines()
    (record,) = [json.loads(line) for line in lines]
    assert record["id"] == "b" and record["schema"] == SCHEMA_YEAR_FILES
    headlines = [a["headline"] for a in record["articles"]]
    assert headlines == ["春耕备耕忙 & 田间<地头>", "社区义诊进万家"]
    archive = json.loads(files["data/archive.json"])
    assert [i["data"] for i in archive["issues"]] == [
        "data/issues-2024.jsonl.gz", "data/issues-2023.jsonl.gz", "data/issues-undated.jsonl.gz"]


def test_the_same_records_give_the_same_bytes() -> None:
    assert published() == published()  # no time stamp in the gzip header


def test_per_issue_files_hold_the_year_files_lines(tmp_path: Path) -> None:
    files = published(per_issue=True)
    site = write_site(tmp_path, files)
    for issue in make_archive().issues:
        own = json.loads(files[urls.issue_data(issue.id)])
        assert own["data"] == urls.issue_data(issue.id)
        assert read_issue_records(site)[issue.id] == own
    line = gzip.decompress(files["data/issues-2024.jsonl.gz"])
    assert line == files[urls.issue_data("b")]


def test_read_issue_records_finds_every_issue(tmp_path: Path) -> None:
    site = write_site(tmp_path, published())
    assert sorted(read_issue_records(site)) == ["a", "b", "c"]


def test_an_unchanged_year_keeps_its_published_bytes(tmp_path: Path) -> None:
    content = [b'{"id":"x"}\n', b'{"id":"z"}\n']
    old = tmp_path / "old.jsonl.gz"
    old.write_bytes(gzip.compress(b"".join(content), compresslevel=1, mtime=123))
    assert year_file(lambda: iter(content), old) == old.read_bytes()  # reused as it is
    for changed in ([b'{"id":"y"}\n', content[1]], content[:1], [*content, b"{}\n"]):
        made = year_file(lambda changed=changed: iter(changed), old)
        assert gzip.decompress(made) == b"".join(changed)
    old.write_bytes(b"not gzip")
    assert gzip.decompress(year_file(lambda: iter(content), old)) == b"".join(content)
    missing = year_file(lambda: iter(content), tmp_path / "missing.gz")
    assert gzip.decompress(missing) == b"".join(content)
    assert missing == year_file(lambda: iter(content), None)  # no time stamp: same bytes


def test_the_contracts_per_issue_files_are_published_by_default(tmp_path: Path) -> None:
    assert Config(project_root=tmp_path, content_dir=tmp_path / "content",
                  output_dir=tmp_path / "output", theme_dir=tmp_path / "theme",
                  cache_dir=tmp_path / "cache").issue_data_files
    files = published(per_issue=True)
    archive = json.loads(files["data/archive.json"])
    assert archive["schema"] == 1
    for entry in archive["issues"]:
        assert entry["data"] == urls.issue_data(entry["id"])
        assert entry["year_data"].startswith("data/issues-")
        assert entry["year_data"] in files

"""Search records, shard assignment, Pagefind record fields and incremental shard rebuilds."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest

from baoku.config import load_config
from baoku.model import Archive, Article, Issue, IssueDate, Place, Source, SourceMeta
from baoku.search import build_search, changed_shards, page_context, pagefind, shard_fingerprints
from baoku.search.pagefind import (
    LANGUAGE,
    index_text,
    index_texts,
    record_filters,
    record_page,
    record_sort,
)
from baoku.search.records import (
    SearchRecord,
    archive_records,
    article_record,
    assign_shards,
    year_of,
)


def make_issue(issue_id: str, date: str | None, articles: list[Article],
               paper: str | None = "测试日报", edition: str | None = None) -> Issue:
    meta = SourceMeta(newspaper=paper, edition=edition,
                      date=IssueDate(date, "day" if date else None, "filename" if date else None))
    source = Source(rel_path=f"content/{issue_id}.txt", sha256="0" * 64, encoding="utf-8",
                    format="txt", text="", meta=meta)
    return Issue(id=issue_id, source=source, articles=tuple(articles))


def story(number: int, headline: str, body: str = "正文。", **extra: object) -> Article:
    return Article(number=number, headline=headline, paragraphs=(body,), **extra)


def archive_of(*issues: Issue) -> Archive:
    return Archive(issues=issues)


def page_meta(record: SearchRecord) -> dict[str, str]:
    """The ``data-pagefind-meta`` fields of the record's page, as Pagefind reads them."""
    found = re.findall(r'<span data-pagefind-meta="(\w+)">([^<]*)</span>', record_page(record))
    return dict(found)


def test_record_carries_heading_body_and_tags() -> None:
    article = story(3, "主标题", "第一段。", kicker="引题", subtitle="副题",
                    captions=("图片说明 张三 摄",), reporters=("李四",), photographers=("张三",),
                    places=(Place("卫东区", "district"), Place("光华路街道", "town")),
                    topics=("民生",))
    issue = make_issue("2024-04-23-wd", "2024-04-23", [article], edition="第3版")
    record = article_record(issue, article)
    assert record.id == "2024-04-23-wd-03"
    assert record.path == "issues/2024-04-23-wd/03/"
    assert record.file == "issues/2024-04-23-wd/03/index.html"
    assert record.heading.split("\n") == ["引题", "主标题", "副题"]
    assert "图片说明 张三 摄" in record.body and "第一段。" in record.body
    assert record.districts == ("卫东区",)
    assert record.reporters == ("李四", "张三")
    assert (record.year, record.paper, record.sort_date) == ("2024", "测试日报", "2024-04-23")
    assert record.issue_label == "测试日报 2024年4月23日 第3版"


@pytest.mark.parametrize(("date", "year"), [
    ("2023-08-25", "2023"), ("2023-08", "2023"), ("1998", "1998"), (None, None), ("", None),
])
def test_year_of_partial_dates(date: str | None, year: str | None) -> None:
    assert year_of(date) == year


def test_pagefind_fields_for_an_undated_paperless_article() -> None:
    issue = make_issue("scan-7", None, [story(1, "无日期")], paper=None)
    record = archive_records(archive_of(issue))[0]
    assert page_meta(record) == {"title": "无日期", "issue": "scan-7"}
    assert record_filters(record) == {"年份": ["日期不详"]}
    assert record_sort(record) == {"date": "0000-00-00"}


def test_pagefind_filters_name_every_tag() -> None:
    article = story(1, "标题", reporters=("朱江森",), topics=("交通", "民生"),
                    places=(Place("卫东区", "district"),))
    record = article_record(make_issue("a", "2024-04", [article]), article)
    assert record_sort(record) == {"date": "2024-04-01"}
    assert record_filters(record) == {"地区": ["卫东区"], "主题": ["交通", "民生"],
                                      "年份": ["2024"], "报纸": ["测试日报"], "记者": ["朱江森"]}
    assert page_meta(record)["date"] == "2024-04"


def test_shards_by_year_newest_first_undated_last() -> None:
    archive = archive_of(
        make_issue("b", "2024-01-02", [story(1, "乙")]),
        make_issue("a", "2023-05-06", [story(1, "甲"), story(2, "丙")]),
        make_issue("u", None, [story(1, "丁")]),
    )
    shards = assign_shards(archive_records(archive))
    assert list(shards) == ["2024", "2023", "undated"]
    assert [r.id for r in shards["2023"]] == ["a-01", "a-02"]


def test_large_year_splits_into_chunks_keeping_issues_whole() -> None:
    issues = [make_issue(f"i{n}", f"2022-01-{n + 1:02d}", [story(k, "题") for k in (1, 2, 3)])
              for n in range(5)]
    shards = assign_shards(archive_records(archive_of(*issues)), limit=7, recent_limit=7)
    assert list(shards) == ["2022-3", "2022-2", "2022-1"], "newest first"
    assert [len(s) for s in shards.values()] == [3, 6, 6]
    for records in shards.values():
        assert len({r.issue_id for r in records}) * 3 == len(records)


def test_oversized_issue_gets_its_own_chunk() -> None:
    big = make_issue("big", "2021-02-01", [story(k, "题") for k in range(1, 6)])
    small = make_issue("small", "2021-03-01", [story(1, "题")])
    shards = assign_shards(archive_records(archive_of(small, big)), limit=3)
    assert [len(s) for s in shards.values()] == [1, 5]


def test_fingerprint_changes_only_for_the_touched_shard() -> None:
    old = archive_of(make_issue("b", "2024-01-02", [story(1, "乙")]),
                     make_issue("a", "2023-05-06", [story(1, "甲")]))
    new = archive_of(make_issue("b", "2024-01-02", [story(1, "乙改")]),
                     make_issue("a", "2023-05-06", [story(1, "甲")]))
    before = shard_fingerprints(assign_shards(archive_records(old)))
    after = shard_fingerprints(assign_shards(archive_records(new)))
    assert before["2023"] == after["2023"]
    assert before["2024"] != after["2024"]


def test_fingerprint_follows_every_field_of_every_record() -> None:
    record = archive_records(archive_of(make_issue("a", "2023-05-06", [story(1, "甲")])))[0]
    base = shard_fingerprints({"2023": [record]})["2023"]
    twin = dataclasses.replace(record, headline="".join(list(record.headline)))  # new objects
    assert shard_fingerprints({"2023": [twin]})["2023"] == base
    changes = {"id": "x", "issue_id": "x", "path": "x/", "headline": "乙", "heading": "乙",
               "body": record.body + "。", "date": None, "year": None, "paper": "报",
               "issue_label": "x", "sort_date": "2023-05-07", "districts": ("梁园区",),
               "topics": ("民生",), "reporters": ("张三",)}
    assert set(changes) == {f.name for f in dataclasses.fields(record)}
    for name, value in changes.items():
        changed = dataclasses.replace(record, **{name: value})
        assert shard_fingerprints({"2023": [changed]})["2023"] != base, name


def test_page_context_points_at_the_bundle_list_not_the_shards(tmp_path: Path) -> None:
    archive = archive_of(make_issue("b", "2024-01-02", [story(1, "乙")]),
                         make_issue("u", None, [story(1, "丁")]))
    config = load_config(tmp_path, {"search": True})
    context = page_context(archive, config)
    assert context["enabled"] is True
    assert context["bundle_list"] == "pagefind/bundles.json"
    assert context["offline_index"] == "search-offline/index.js"
    assert ("district", "地区") in context["filters"]
    grown = archive_of(make_issue("b", "2024-01-02", [story(1, "乙")]),
                       make_issue("c", "2031-01-02", [story(1, "丙")]))
    assert page_context(grown, config) == context, "a new shard leaves the page unchanged"
    off = page_context(archive, load_config(tmp_path, {"search": False}))
    assert off["enabled"] is False
    assert page_context(archive_of(), config)["enabled"] is False


def test_build_search_writes_shards_and_rebuilds_only_changed(tmp_path: Path) -> None:
    config = load_config(tmp_path, {"search": True})
    site = tmp_path / "site"
    old = archive_of(make_issue("b", "2024-01-02", [story(1, "湛阳镇花椒丰收")]),
                     make_issue("a", "2023-05-06", [story(1, "蓝湾社区活动")]))
    assert build_search(old, config, site) == []
    for shard in ("2024", "2023"):
        assert (site / "pagefind" / shard / "pagefind.js").is_file()
    assert not (site / "search-offline").exists(), "offline packs are made for a zip only"
    manifest = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert manifest["pages"] == {"2024": 1, "2023": 1}
    assert changed_shards(old, site) == []

    new = archive_of(make_issue("b", "2024-01-02", [story(1, "湛阳镇花椒丰收")]),
                     make_issue("a", "2023-05-06", [story(1, "蓝湾社区活动改")]))
    stale = changed_shards(new, site)
    assert stale == ["2023"]
    untouched = site / "pagefind" / "2024" / "pagefind-entry.json"
    untouched.write_text("marker", encoding="utf-8")
    build_search(new, config, site, only_shards=stale)
    assert untouched.read_text(encoding="utf-8") == "marker"
    assert changed_shards(new, site) == []


def test_an_upgrade_that_changes_how_bundles_are_made_rebuilds_every_shard(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bundles of two formats (e.g. two Pagefind releases) must never be merged: an output
    kept across an upgrade had its old shards next to rebuilt ones."""
    import baoku.search

    site = tmp_path / "site"
    archive = archive_of(make_issue("b", "2024-01-02", [story(1, "湛阳镇花椒丰收")]),
                         make_issue("a", "2023-05-06", [story(1, "蓝湾社区活动")]))
    build_search(archive, load_config(tmp_path, {"search": True}), site)
    assert changed_shards(archive, site) == []
    monkeypatch.setattr(baoku.search, "bundle_format", lambda: "another release")
    assert changed_shards(archive, site) == ["2024", "2023"]


def test_build_search_drops_bundles_of_vanished_shards(tmp_path: Path) -> None:
    config = load_config(tmp_path, {"search": True})
    site = tmp_path / "site"
    build_search(archive_of(make_issue("a", "2023-05-06", [story(1, "甲")]),
                            make_issue("u", None, [story(1, "乙")])), config, site)
    assert (site / "pagefind" / "undated").is_dir()
    build_search(archive_of(make_issue("a", "2023-05-06", [story(1, "甲")])), config, site)
    assert not (site / "pagefind" / "undated").exists()


def fragments(bundle: Path) -> list[dict[str, object]]:
    import gzip

    out = []
    for path in sorted((bundle / "fragment").iterdir()):
        data = gzip.decompress(path.read_bytes())
        out.append(json.loads(data[data.index(b"{"):]))
    return out


def test_every_record_is_indexed_with_chinese_in_overlapping_pairs(tmp_path: Path) -> None:
    config = load_config(tmp_path, {"search": True})
    site = tmp_path / "site"
    archive = archive_of(make_issue("a", "2023-05-06", [story(1, "湛阳镇花椒丰收"),
                                                        story(2, "蓝湾社区开展活动", "蓝湾社区")]))
    assert build_search(archive, config, site) == []
    entry = json.loads((site / "pagefind" / "2023" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"][LANGUAGE]["page_count"] == 2
    by_url = {f["url"]: f for f in fragments(site / "pagefind" / "2023")}
    assert set(by_url) == {"/issues/a/01/index.html", "/issues/a/02/index.html"}
    first = by_url["/issues/a/01/index.html"]
    content = first["content"].replace("\u200b", "")  # Pagefind marks its word breaks
    assert "湛阳 阳镇 镇花 花椒" in content  # the unit the search page queries by
    assert first["meta"]["title"] == "湛阳镇花椒丰收"  # shown as printed
    assert by_url["/issues/a/02/index.html"]["filters"] == {"年份": ["2023"],
                                                            "报纸": ["测试日报"],
                                                            "分片": ["2023"]}
    assert not list(site.glob("**/baoku-shard-*"))


def test_record_pages_go_to_a_memory_folder_with_room_and_are_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER", memory)
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER_MIN_FREE", 0)
    assert pagefind.scratch_dir() == str(memory)
    seen: list[str] = []
    real = pagefind._write_record_pages

    def spy(records: object, into: Path, pending: bool, shard: str = "") -> None:
        seen.append(str(into.parent))
        real(records, into, pending, shard)  # type: ignore[arg-type]

    monkeypatch.setattr(pagefind, "_write_record_pages", spy)
    config = load_config(tmp_path, {"search": True})
    build_search(archive_of(make_issue("a", "2023-05-06", [story(1, "甲乙")])), config,
                 tmp_path / "site")
    assert seen == [str(memory)]
    assert list(memory.iterdir()) == []  # removed once Pagefind read them


def test_record_pages_stay_on_disk_without_a_roomy_memory_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER", tmp_path / "missing")
    assert pagefind.scratch_dir() is None
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER", tmp_path)
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER_MIN_FREE", 2**62)
    assert pagefind.scratch_dir() is None
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER_MIN_FREE", 0)
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the librarian's choice wins
    assert pagefind.scratch_dir() is None


def test_pagefind_runs_with_huge_pages_unless_told_otherwise(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("_RJEM_MALLOC_CONF", raising=False)
    monkeypatch.setenv("PAGEFIND_SITE", "/elsewhere")
    env = pagefind._clean_environment()
    assert env["_RJEM_MALLOC_CONF"] == pagefind.PAGEFIND_MALLOC_CONF
    assert "thp:always" in env["_RJEM_MALLOC_CONF"]
    assert "narenas:1" in env["_RJEM_MALLOC_CONF"]
    assert "PAGEFIND_SITE" not in env
    monkeypatch.setenv("_RJEM_MALLOC_CONF", "narenas:1")
    assert pagefind._clean_environment()["_RJEM_MALLOC_CONF"] == "narenas:1"


def test_pagefind_is_given_our_index_chunk_size_over_the_callers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pagefind.CHUNK_SIZE_VARIABLE, "99")
    env = pagefind._clean_environment()
    assert env[pagefind.CHUNK_SIZE_VARIABLE] == str(pagefind.INDEX_CHUNK_SIZE)


def test_pagefind_honours_the_index_chunk_size(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunk size is an unstable Pagefind setting: a release that drops it must fail
    here, not quietly make every build slower."""
    text = "".join(chr(0x4E00 + n) for n in range(600))  # 600 distinct one-character words
    archive = archive_of(make_issue("a", "2023-05-06", [story(1, "字表", text)]))
    config = load_config(tmp_path, {"search": True})

    def index_files(chunk_size: int) -> int:
        monkeypatch.setattr(pagefind, "INDEX_CHUNK_SIZE", chunk_size)
        site = tmp_path / f"site-{chunk_size}"
        assert build_search(archive, config, site) == []
        return len(list((site / "pagefind" / "2023" / "index").glob("*.pf_index")))

    assert index_files(1_000_000) == 1
    assert index_files(50) >= 5


def test_index_texts_of_many_texts_equal_each_alone() -> None:
    texts = ["推进“五星”支部", "", "（梁园区）say \"hi\"", "甲\n乙  丙\t\t丁", "\0梁\0"]
    assert index_texts(texts) == [index_text(t) for t in texts]
    assert index_texts([]) == []


def test_index_text_spaces_chinese_and_keeps_latin_tokens() -> None:
    assert index_text("示范区PM2.5浓度 5G基站") == "示范 范区 区 PM2.5 浓度 度 5G 基站 站"


SOURCE = ("测试日报 2024年5月6日\n\n湛阳镇花椒丰收\n\n"
          "本报讯（记者王五）叶营村花椒迎来丰收，村民增收。\n")


@pytest.mark.slow
def test_site_without_search_says_so(build_from: object) -> None:
    out, _ = build_from({"content/2024-05-06-a.txt": SOURCE}, search=False)  # type: ignore[operator]
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-enabled="false"' in html and "没有生成检索索引" in html
    assert not (out / "pagefind").exists() and not (out / "search-offline").exists()


@pytest.mark.slow
def test_site_with_search_links_its_bundles(build_from: object) -> None:
    out, result = build_from({"content/2024-05-06-a.txt": SOURCE}, search=True)  # type: ignore[operator]
    assert result.search_warnings == []
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundles="../pagefind/bundles.json"' in html
    assert 'data-offline="../search-offline/index.js"' in html
    assert (out / "pagefind" / "2024" / "pagefind.js").is_file()
    assert 'fetch("../pagefind/bundles.json"' in html  # asked for as the page starts
    listing = json.loads((out / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    assert listing["bundles"] == ["2024"] and listing["pages"] == {"2024": 1}
    # what the page asks for together with the entry, before Pagefind would
    assert set(listing["meta"]) == {"2024"}
    assert (out / "pagefind" / "2024" / listing["meta"]["2024"]).is_file()
    assert (out / "pagefind" / "2024" / listing["wasm"]).is_file()
    assert "pagefind-ui.js" not in {p.name for p in (out / "pagefind" / "2024").iterdir()}


def test_the_newest_year_packs_into_smaller_shards_than_older_years() -> None:
    issues = [make_issue(f"{year}-{n}", f"{year}-01-{n + 1:02d}", [story(k, "题") for k in (1, 2)])
              for year in (2021, 2022) for n in range(6)]
    shards = assign_shards(archive_records(archive_of(*issues)), limit=12, recent_limit=4)
    assert list(shards) == ["2022-3", "2022-2", "2022-1", "2021"]
    assert [len(s) for s in shards.values()] == [4, 4, 4, 12]
    assert list(dict.fromkeys(r.issue_id for r in shards["2022-3"])) == ["2022-4", "2022-5"]


def test_undated_articles_alone_use_the_big_shard_size() -> None:
    issues = [make_issue(f"u{n}", None, [story(k, "题") for k in (1, 2)]) for n in range(3)]
    shards = assign_shards(archive_records(archive_of(*issues)), limit=6, recent_limit=2)
    assert list(shards) == ["undated"]


def test_record_page_folders_of_killed_builds_are_removed(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A build killed while Pagefind ran leaves its record pages behind; in /dev/shm they
    would hold memory until the machine restarts. The next build removes them."""
    monkeypatch.setattr(pagefind, "MEMORY_FOLDER", tmp_path / "shm")
    monkeypatch.setattr(pagefind.tempfile, "tempdir", str(tmp_path / "tmp"))
    for root in ("shm", "tmp"):
        (tmp_path / root).mkdir()
    dead = [tmp_path / "shm" / "baoku-shard-999999999-abc",
            tmp_path / "tmp" / f"baoku-shard-{2**40}-x", tmp_path / "tmp" / "baoku-shard-0-y"]
    mine = tmp_path / "shm" / f"baoku-shard-{os.getpid()}-def"
    other = tmp_path / "tmp" / "someone-else-12"
    for folder in [*dead, mine, other]:
        (folder / "a").mkdir(parents=True)
    assert sorted(pagefind.remove_orphaned_scratch()) == sorted(dead)
    assert mine.is_dir() and other.is_dir()
    assert not any(folder.exists() for folder in dead)


def test_shards_are_indexed_largest_first_so_the_last_runs_are_short(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []

    async def fake_build_shard(records: object, out_dir: Path, pending: bool = False,
                               shard: str = "") -> None:
        started.append(out_dir.name)

    monkeypatch.setattr(pagefind, "_build_shard", fake_build_shard)
    shards = {"2024-1": ["r"] * 3, "2024-2": ["r"] * 2, "2023": ["r"] * 9,
              "2022": ["r"] * 9, "2021": ["r"] * 12}
    written = pagefind.build_bundles(shards, tmp_path, workers=2)  # type: ignore[arg-type]
    assert started == ["2021", "2023", "2022", "2024-1", "2024-2"]  # ties keep their order
    assert written == list(shards)  # the shards themselves keep the archive's order

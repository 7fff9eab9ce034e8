"""The offline index written file by file is the index built in one piece."""

from __future__ import annotations

import json
from pathlib import Path

from baoku.search.offline import (
    SearchCache,
    build_offline_index,
    load_term_cache,
    offline_files,
    save_term_cache,
)
from tests.test_offline_index import fake_cut, record


def test_streamed_files_equal_the_whole_index() -> None:
    records = [record(n, f"湛阳镇花椒丰收第{n}年", "叶营村的花椒。" * n) for n in range(1, 30)]
    streamed = list(offline_files(records, fake_cut))
    whole = build_offline_index(records, fake_cut)
    assert dict(streamed) == whole.files
    assert len({name for name, _ in streamed}) == len(streamed)
    assert whole.posting_count >= whole.term_count > 0


def test_postings_count_every_term_of_every_document() -> None:
    records = [record(1, "花椒丰收", "湛阳镇"), record(2, "湛阳镇", "花椒")]
    files = dict(offline_files(records, fake_cut))
    tables: dict[str, list[int]] = {}
    for name, text in files.items():
        if name.startswith("search-offline/t"):
            tables.update(json.loads("[" + text[text.index("(") + 1:text.rindex(")")] + "]")[1])
    assert tables["花椒"] == [0, 4, 1, 1]  # doc delta, weighted tf (heading ×4)
    assert tables["湛阳镇"] == [0, 1, 1, 4]


def test_a_saved_term_cache_gives_the_same_index_and_counts_only_new_articles(
        tmp_path: Path) -> None:
    records = [record(n, f"湛阳镇花椒丰收第{n}年", "叶营村的花椒。" * n) for n in range(1, 20)]
    first = SearchCache()
    list(offline_files(records, fake_cut, first))
    saved = tmp_path / "terms.pickle"
    save_term_cache(first, saved, "code-1")

    edited = [*records[:5], record(99, "梁园区新闻", "新的文章。"), *records[6:]]
    loaded = load_term_cache(saved, "code-1")
    assert len(loaded) == len(records)
    files = dict(offline_files(edited, fake_cut, loaded))
    assert loaded.counted == 1, "only the new article is counted again"
    assert files == dict(offline_files(edited, fake_cut))


def test_compacting_drops_unused_terms_and_keeps_the_index(tmp_path: Path) -> None:
    cache = SearchCache()
    list(offline_files([record(1, "花椒丰收", "湛阳镇"), record(2, "梁园区", "叶营村")],
                       fake_cut, cache))
    kept = [record(1, "花椒丰收", "湛阳镇")]
    list(offline_files(kept, fake_cut, cache))  # article 2 forgotten, its terms linger
    compact = cache.compacted()
    assert len(compact.terms) < len(cache.terms)
    assert "梁园" not in compact.terms and "花椒" in compact.terms
    assert dict(offline_files(kept, fake_cut, compact)) == dict(offline_files(kept, fake_cut))
    more = [*kept, record(3, "梁园区", "新闻")]  # new terms get fresh ids after compaction
    assert dict(offline_files(more, fake_cut, compact)) == dict(offline_files(more, fake_cut))


def test_a_term_cache_of_other_code_or_damaged_is_not_used(tmp_path: Path) -> None:
    cache = SearchCache()
    list(offline_files([record(1, "花椒丰收", "湛阳镇")], fake_cut, cache))
    saved = tmp_path / "terms.pickle"
    save_term_cache(cache, saved, "code-1")
    assert len(load_term_cache(saved, "code-2")) == 0
    saved.write_bytes(b"\x80garbage")
    assert len(load_term_cache(saved, "code-1")) == 0
    assert len(load_term_cache(tmp_path / "missing.pickle", "code-1")) == 0

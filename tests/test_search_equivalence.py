"""The fast search text and offline-index helpers produce exactly what the plain versions did."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.config import PACKAGE_THEME
from baoku.search import offline
from baoku.search.codepoints import QUOTE_CHARS
from baoku.search.offline import term_counts
from baoku.search.pagefind import index_text
from baoku.search.records import SearchRecord
from tests.test_offline_index import fake_cut, record

# The per-character implementation ``index_text`` replaced, kept as the reference: each
# character with the quotes and brackets touching it becomes a word.
_QUOTE = "[" + re.escape(QUOTE_CHARS) + "]"
_CJK_CHAR = re.compile(f"({_QUOTE}*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{_QUOTE}*)")
_SPACES = re.compile(r"[ \t]{2,}")


def reference_index_text(text: str) -> str:
    return _SPACES.sub(" ", _CJK_CHAR.sub(r" \1 ", text)).strip()


# Chinese from every indexed block and its edges, with the whitespace and ASCII around it.
MIXED_TEXT = st.text(alphabet=st.one_of(
    st.sampled_from("\u3400\u4dbf\u4dc0\u4e00\u9fff\ua000\uf8ff\uf900\ufaff\ufb00"),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20),
    st.sampled_from(" \t\n\r\u3000\u00a0，。“”「」（）()\"'"),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(),
), max_size=60)


@given(MIXED_TEXT)
@settings(max_examples=600)
def test_index_text_matches_the_per_character_reference(text: str) -> None:
    assert index_text(text) == reference_index_text(text)


def test_index_text_examples() -> None:
    assert index_text("  梁园区\t\t人民 路 ") == "梁 园 区 人 民 路"
    assert index_text("甲\n乙 丙") == "甲 \n 乙 丙"
    # Quotes stick to a character: Pagefind drops them with it, so 五星支部 is a phrase.
    assert index_text("推进“五星”支部") == "推 进“ 五 星” 支 部"
    assert index_text("（梁园区）say \"hi\"") == "（梁 园 区） say \"hi\""


def reference_postings(records: list[SearchRecord], cut: object) -> dict[str, list[int]]:
    """Postings as the offline index defines them, the plain way: per term, in document
    order, ``[doc delta, weighted tf, …]`` with the first document absolute."""
    postings: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for doc, rec in enumerate(records):
        for term, tf in term_counts(rec, cut).items():  # type: ignore[arg-type]
            postings.setdefault(term, []).extend((doc - last.get(term, 0), tf))
            last[term] = doc
    return postings


def parsed_terms(files: dict[str, str]) -> tuple[dict[str, list[int]], dict[str, int]]:
    table: dict[str, list[int]] = {}
    chunk: dict[str, int] = {}
    for rel, text in files.items():
        if rel.startswith("search-offline/t"):
            n, terms = json.loads("[" + text[len("baokuOfflineTerms("):-3] + "]")
            assert list(terms) == sorted(terms)
            table.update(terms)
            chunk.update(dict.fromkeys(terms, n))
    return table, chunk


@pytest.mark.parametrize(("block_pairs", "radix_keys"), [(2_000_000, 1 << 16), (7, 3), (1, 1)])
def test_offline_postings_match_the_plain_definition(
        monkeypatch: pytest.MonkeyPatch, block_pairs: int, radix_keys: int) -> None:
    monkeypatch.setattr(offline, "MAX_BLOCK_PAIRS", block_pairs)
    monkeypatch.setattr(offline, "RADIX_KEYS", radix_keys)
    monkeypatch.setattr(offline, "TARGET_POSTINGS_PER_CHUNK", 9)  # several term chunks
    records = [record(n, f"湛阳镇花椒{'丰收' * (n % 3)}", "叶营村的花椒。PM2.5 " * n)
               for n in range(1, 12)]
    files = dict(offline.offline_files(records, fake_cut))
    table, chunk = parsed_terms(files)
    assert table == reference_postings(records, fake_cut)
    chunks = json.loads(files["search-offline/index.js"][len("baokuOfflineIndex("):-3])["chunks"]
    assert chunks > 1
    assert all(chunk[t] == offline.chunk_of(t, chunks) for t in table)


def test_cache_gives_the_same_files_and_counts_only_new_articles() -> None:
    records = [record(n, f"标题{n}", "叶营村的花椒。" * n) for n in range(1, 6)]
    cache = offline.SearchCache()
    first = dict(offline.offline_files(records, fake_cut, cache))
    assert cache.counted == 5
    grown = [record(9, "湛阳镇新闻", "丰收"), *records]
    again = dict(offline.offline_files(grown, fake_cut, cache))
    assert cache.counted == 1
    assert again == dict(offline.offline_files(grown, fake_cut))
    assert first != again


def test_search_page_ignores_the_same_quotes_as_the_indexes() -> None:
    """search.js drops these characters before checking pairs; the indexes glue or drop
    the same ones, or a phrase across a quote would be found by one side only."""
    script = (PACKAGE_THEME / "static" / "search.js").read_text(encoding="utf-8")
    match = re.search(r"var QUOTES = /\[(.*?)\]/g;", script)
    assert match is not None
    page_quotes = set(match.group(1).replace("\\", ""))
    assert page_quotes == set(QUOTE_CHARS)

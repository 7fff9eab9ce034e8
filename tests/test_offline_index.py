"""The offline (file://) index: query-compatible terms, weights, postings and script files."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.search.offline import (
    HEADING_WEIGHT,
    SearchCache,
    build_offline_index,
    chunk_of,
    gram_terms,
    normalize,
    term_counts,
    word_terms,
)
from baoku.search.records import SearchRecord


def fake_cut(text: str) -> list[str]:
    """A stand-in for jieba: splits on the words listed here, keeps the rest whole."""
    words = ["湛阳镇", "叶营村", "花椒", "丰收"]
    pattern = "(" + "|".join(words) + ")"
    return [t for t in re.split(pattern, text) if t]


def record(n: int, headline: str, body: str, **extra: object) -> SearchRecord:
    fields: dict[str, object] = {
        "id": f"i-{n:02d}", "issue_id": "i", "path": f"issues/i/{n:02d}/",
        "headline": headline, "heading": headline, "body": body, "date": "2023-08-25",
        "year": "2023", "paper": "测试日报", "issue_label": "第1版",
    }
    fields.update(extra)
    return SearchRecord(**fields)  # type: ignore[arg-type]


def parse_script(text: str, function: str) -> list[object]:
    assert text.startswith(function + "(") and text.rstrip().endswith(");")
    return json.loads("[" + text.strip()[len(function) + 1:-2] + "]")


@pytest.mark.parametrize(("text", "expected"), [
    ("ＰＭ２．５", "pm2.5"),
    ("5Ｇ基站", "5g基站"),
    ("ABC", "abc"),
])
def test_normalize_folds_width_and_case(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_quoted_slogan_yields_the_unquoted_bigrams() -> None:
    terms = gram_terms("自“五星”支部创建")
    assert "星支" in terms and "五星" in terms and "支部" in terms
    assert "五" in terms  # unigrams too, for one-character queries


def test_ascii_tokens_keep_decimals_and_mixed_digits() -> None:
    terms = gram_terms("PM2.5浓度下降，建成5G基站，共800平方米")
    assert {"pm2.5", "5g", "800"} <= set(terms)
    assert "pm2" not in terms


def test_word_terms_keep_only_long_cjk_words() -> None:
    assert word_terms("湛阳镇叶营村花椒丰收", fake_cut) == ["湛阳镇", "叶营村"]


def test_heading_terms_outweigh_body_terms() -> None:
    counts = term_counts(record(1, "花椒丰收", "湛阳镇的花椒"), fake_cut)
    assert counts["花椒"] == HEADING_WEIGHT + 1
    assert counts["湛阳镇"] == 1
    assert counts["丰收"] == HEADING_WEIGHT


def decode_postings(flat: list[int]) -> dict[int, int]:
    doc, out = 0, {}
    for i in range(0, len(flat), 2):
        doc += flat[i]
        out[doc] = flat[i + 1]
    return out


def test_index_files_register_docs_terms_and_texts() -> None:
    records = [
        record(1, "叶营村百亩花椒", "湛阳镇叶营村花椒丰收。", districts=("示范区",),
               reporters=("张亚丹",)),
        record(2, "蓝湾社区活动", "居民参与。", date=None, year=None, paper=None),
        record(3, "花椒价格", "<b>花椒</b>上市 & 热销", topics=("农业",)),
    ]
    index = build_offline_index(records, fake_cut)
    main = parse_script(index.files["search-offline/index.js"], "baokuOfflineIndex")[0]
    assert isinstance(main, dict)
    assert [d[0] for d in main["docs"]] == [r.file for r in records]
    assert main["docs"][1][2] == "" and main["docs"][1][3] == ""
    assert main["facets"]["年份"] == ["2023", "日期不详"]
    district_slot = main["filters"].index("地区")
    assert main["docs"][0][6][district_slot] == [main["facets"]["地区"].index("示范区")]

    chunks = main["chunks"]
    term = "花椒"
    name = f"search-offline/t{chunk_of(term, chunks)}.js"
    number, table = parse_script(index.files[name], "baokuOfflineTerms")
    assert number == chunk_of(term, chunks)
    assert decode_postings(table[term]) == {0: HEADING_WEIGHT + 1, 2: HEADING_WEIGHT + 1}

    number, texts = parse_script(index.files["search-offline/x0.js"], "baokuOfflineText")
    assert number == 0 and len(texts) == 3
    assert texts[2].endswith("<b>花椒</b>上市 & 热销")  # kept as data, escaped on display


def test_every_term_lives_in_exactly_the_chunk_the_browser_computes() -> None:
    records = [record(n, f"标题{n}", "正文" * n + f"编号{n}") for n in range(1, 30)]
    index = build_offline_index(records, fake_cut)
    chunks = parse_script(index.files["search-offline/index.js"], "baokuOfflineIndex")[0]["chunks"]
    seen = 0
    for name, text in index.files.items():
        if re.fullmatch(r"search-offline/t\d+\.js", name):
            number, table = parse_script(text, "baokuOfflineTerms")
            assert all(chunk_of(t, chunks) == number for t in table)
            seen += len(table)
    assert seen == index.term_count


def test_text_chunks_split_by_document_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from baoku.search import offline

    monkeypatch.setattr(offline, "TEXT_CHUNK_DOCS", 2)
    index = build_offline_index([record(n, f"题{n}", "文") for n in range(1, 6)], fake_cut)
    assert sorted(n for n in index.files if "/x" in n) == [
        "search-offline/x0.js", "search-offline/x1.js", "search-offline/x2.js"]
    main = parse_script(index.files["search-offline/index.js"], "baokuOfflineIndex")[0]
    assert main["textChunk"] == 2


_TEXT = st.text(alphabet=st.one_of(
    st.sampled_from("花椒丰收湛阳镇叶营村“”《》（）()，。ＡＢ１２…①ﬁ\u0301\u3000 \n"),
    st.characters(codec="utf-8"),
), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalize_is_nfkc_and_lower_case(text: str) -> None:
    assert normalize(text) == unicodedata.normalize("NFKC", text).lower()


@settings(max_examples=300, deadline=None)
@given(heading=_TEXT, body=_TEXT)
def test_the_index_counts_what_term_counts_says(heading: str, body: str) -> None:
    """The cache counts CJK grams as integer codes; decoded, they are ``term_counts``."""
    rec = record(1, heading, body)
    cache = SearchCache()
    [doc] = cache.doc_terms([rec], fake_cut)
    counted = dict(zip((cache.terms[i] for i in doc.ids), doc.tfs, strict=True))
    expected = term_counts(rec, fake_cut)
    assert counted == dict(expected)
    assert doc.length == sum(expected.values())

"""Keywords: jieba TF-IDF, headline first, the librarian's stop list."""

from __future__ import annotations

from functools import cache

from conftest import shared_tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.enrich.keywords import (
    KEYWORD_COUNT,
    builtin_stopwords,
    is_keyword,
    parse_stopwords,
    pick_keywords,
    rank_terms,
)
from baoku.model import Article
from baoku.tokenizer import _TFIDF_STOP, _jieba_idf_path, load_idf

BODY = (
    "本报讯（记者王小明 通讯员李强）近日，镇里开展花椒种植技术培训，今年以来进一步推进"
    "花椒产业发展。农技专家在花椒园讲解修剪、施肥和病虫害防治，花椒种植户认真学习。"
    "合作社负责人说，花椒亩产提高，种植户收入增加。"
)


def keywords(headline: str, body: str, stop: frozenset[str] | None = None) -> tuple[str, ...]:
    article = Article(number=1, headline=headline, paragraphs=(body,))
    tokenizer = shared_tokenizer()  # ranked and picked as enrich.tag_article does
    return pick_keywords(rank_terms(article, tokenizer), tokenizer,
                         stop or builtin_stopwords(), KEYWORD_COUNT)


def test_stop_list_is_a_data_file_with_the_usual_words() -> None:
    stop = builtin_stopwords()
    for word in ("本报讯", "记者", "通讯员", "今年以来", "近日", "进一步", "工作", "开展"):
        assert word in stop


def test_parse_stopwords_skips_comments_and_blanks() -> None:
    assert parse_stopwords("# 注释\n\n本报讯\n 记者 \n") == frozenset({"本报讯", "记者"})


def test_keywords_are_ranked_and_free_of_stop_words() -> None:
    words = keywords("花椒种植培训助农增收", BODY)
    assert words[0] == "花椒"
    assert 3 <= len(words) <= KEYWORD_COUNT
    assert not set(words) & builtin_stopwords()
    assert all(len(w) >= 2 for w in words)
    assert len(set(words)) == len(words)


def test_headline_words_rank_before_body_only_words() -> None:
    body = "会议研究了防汛工作，也听取了招商引资项目汇报，部署防汛物资储备。"
    first = keywords("招商引资项目集中签约", body)
    assert first.index("招商引资") < first.index("防汛")


def test_numbers_and_dates_are_not_keywords() -> None:
    for word in ("2023", "8月", "十二", "３０", "第三"):
        assert not is_keyword(word, frozenset())
    assert is_keyword("花椒", frozenset())


def test_a_custom_stop_list_is_honoured() -> None:
    assert "花椒" not in keywords("花椒种植培训", BODY, frozenset({"花椒"}))


def test_empty_article_has_no_keywords() -> None:
    assert keywords("", "") == ()


# Words jieba keeps whole, stop words, single characters, Latin and digits: every branch
# of the TF-IDF filter, and words absent from the IDF table (they get its median).
_PIECES = ("花椒", "种植户", "合作社", "的", "了", "和", "是", "我们", "一个", "镇", "村",
           "Hello", "WORLD", "2024", " ", "，", "。", "\n", "湛河区", "乡村振兴", "阝冂")


@cache
def _idf_table() -> tuple[dict[str, float], float]:
    return load_idf(_jieba_idf_path())


def _reference_tfidf(text: str, top_k: int) -> list[tuple[str, float]]:
    """jieba's ``extract_tags`` formula, written out plainly, on the tokenizer's own cut."""
    tokenizer = shared_tokenizer()
    idf, median = _idf_table()
    freq: dict[str, int] = {}
    for word in tokenizer.cut(text):
        if len(word.strip()) >= 2 and word.lower() not in _TFIDF_STOP:
            freq[word] = freq.get(word, 0) + 1
    total = float(sum(freq.values()))
    weighted = {w: n * idf.get(w, median) / total for w, n in freq.items()}
    return sorted(weighted.items(), key=lambda item: item[1], reverse=True)[:top_k]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.integers(1, 12))
def test_keyword_weights_follow_jiebas_formula(pieces: list[str], top_k: int) -> None:
    text = "".join(pieces)
    # Twice: the second call meets every word's remembered weight.
    for _ in range(2):
        assert shared_tokenizer().keywords(text, top_k) == _reference_tfidf(text, top_k)

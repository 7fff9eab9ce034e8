"""Topics: the editable taxonomy, TF-IDF scoring, thresholds."""

from __future__ import annotations

import pytest
from conftest import shared_tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.enrich.keywords import rank_terms
from baoku.enrich.topics import (
    MAX_TOPICS,
    Taxonomy,
    Topic,
    choose_topics,
    load_taxonomy,
    parse_taxonomy,
    topic_scores,
)
from baoku.model import Article
from baoku.tokenizer import Tokenizer


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    tax = load_taxonomy(None)
    shared_tokenizer().add_words(tax.words())
    return tax


def assign_topics(article: Article, taxonomy: Taxonomy, tokenizer: Tokenizer
                  ) -> tuple[str, ...]:
    """An article's topics, scored as ``enrich.tag_article`` scores them."""
    return choose_topics(topic_scores(dict(rank_terms(article, tokenizer)), taxonomy))


def article(headline: str, *paragraphs: str) -> Article:
    return Article(number=1, headline=headline, paragraphs=paragraphs)


def test_builtin_taxonomy_is_a_librarians_list(taxonomy: Taxonomy) -> None:
    names = [t.name for t in taxonomy.topics]
    assert 15 <= len(names) <= 30
    assert len(set(names)) == len(names)
    for label in ("党建", "基层治理", "教育", "生态环境", "乡村振兴", "廉政", "就业", "法治"):
        assert label in names
    assert taxonomy.warnings == ()


def test_taxonomy_format_with_weights() -> None:
    tax = parse_taxonomy('[[topic]]\nname = "养蜂"\nwords = { "蜂蜜" = 3, "蜂农" = 1.5 }\n')
    assert tax.topics[0].name == "养蜂"
    assert tax.topics[0].words == (("蜂蜜", 3.0), ("蜂农", 1.5))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[topic]\n", "无法解析"),
        ('[[topic]]\nwords = { "甲" = 1 }', "缺少主题名称"),
        ('[[topic]]\nname = "甲"\nwords = ["蜂蜜"]', "words 应写成"),
        ('[[topic]]\nname = "甲"\nwords = { "蜂蜜" = -1, "蜂农" = 1 }', "不是正数"),
    ],
)
def test_malformed_taxonomy_warns_in_chinese(text: str, fragment: str) -> None:
    assert any(fragment in w for w in parse_taxonomy(text).warnings)


def test_unreadable_taxonomy_falls_back_to_builtin(tmp_path) -> None:
    bad = tmp_path / "topics.toml"
    bad.write_bytes(b"\xff\xfe\x00bad")
    tax = load_taxonomy(bad)
    assert tax.topics and "改用内置主题表" in tax.warnings[0]


def test_custom_taxonomy_file_replaces_builtin(tmp_path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text('[[topic]]\nname = "养蜂"\nwords = { "蜂蜜" = 3 }\n', encoding="utf-8")
    assert [t.name for t in load_taxonomy(path).topics] == ["养蜂"]


def test_choose_topics_threshold_and_cap() -> None:
    assert choose_topics({}) == ()
    assert choose_topics({"甲": 0.01}) == ()
    assert choose_topics({"甲": 1.0, "乙": 0.9, "丙": 0.1}) == ("甲", "乙")
    many = {str(i): 1.0 - i / 100 for i in range(10)}
    assert len(choose_topics(many)) == MAX_TOPICS
    assert choose_topics({"乙": 1.0, "甲": 1.0}) == ("乙", "甲")  # ties: by name


@pytest.mark.parametrize(
    ("headline", "body", "expected"),
    [
        ("新建幼儿园秋季开学",
         "两所幼儿园和一所小学完成建设，新增学位八百个，教师已到岗，学生将于九月入学。",
         "教育"),
        ("扎实推进党风廉政建设",
         "区纪委监委召开警示教育大会，通报典型案例，推动以案促改，营造廉洁文化氛围。",
         "廉政"),
        ("今年空气质量优良天数增加",
         "生态环境部门加强扬尘治理和大气污染防治，空气质量持续改善，优良天数同比增加。",
         "生态环境"),
        ("社区开展普法宣传",
         "司法所工作人员走进社区开展普法宣传，律师现场解答法律问题，讲解社区矫正知识。",
         "法治"),
    ],
)
def test_articles_get_the_topic_a_reader_expects(taxonomy: Taxonomy, headline: str,
                                                 body: str, expected: str) -> None:
    topics = assign_topics(article(headline, body), taxonomy, shared_tokenizer())
    assert topics[0] == expected
    assert 1 <= len(topics) <= MAX_TOPICS


def test_text_without_taxonomy_words_gets_no_topic(taxonomy: Taxonomy) -> None:
    spring = article("春天", "天气晴朗，微风和煦。")
    assert assign_topics(spring, taxonomy, shared_tokenizer()) == ()


def test_headline_words_weigh_more(taxonomy: Taxonomy) -> None:
    body = "学校组织师生参加消防演练，排查安全隐患。"
    school = assign_topics(article("学校新学期开学", body), taxonomy, shared_tokenizer())
    safety = assign_topics(article("消防演练排查隐患", body), taxonomy, shared_tokenizer())
    assert school[0] == "教育"
    assert safety[0] == "安全生产"


def plain_topic_scores(weights: dict[str, float], taxonomy: Taxonomy) -> dict[str, float]:
    """The definition: every topic, the sum over all its words."""
    scores = {}
    for topic in taxonomy.topics:
        score = sum(weights.get(word, 0.0) * weight for word, weight in topic.words)
        if score > 0:
            scores[topic.name] = score
    return scores


WORDS = st.sampled_from(["花椒", "丰收", "社区", "党建", "教育", "学校", "环保", "空气", "交通",
                         "道路"])
WEIGHTS = st.floats(min_value=1e-6, max_value=50, allow_nan=False)


@given(st.lists(st.tuples(st.sampled_from("甲乙丙丁"), st.dictionaries(WORDS, WEIGHTS, min_size=1)),
                max_size=6),
       st.dictionaries(WORDS, WEIGHTS))
@settings(max_examples=300)
def test_topic_scores_equal_the_sum_over_every_word(topics: list[tuple[str, dict[str, float]]],
                                                    weights: dict[str, float]) -> None:
    taxonomy = Taxonomy(tuple(Topic(name, tuple(words.items())) for name, words in topics))
    got = topic_scores(weights, taxonomy)
    assert got == plain_topic_scores(weights, taxonomy)
    assert list(got) == list(plain_topic_scores(weights, taxonomy))

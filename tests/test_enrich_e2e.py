"""Enrichment end to end: the seeds' published JSON, and inline builds with place files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import gold_paths, shared_tokenizer

from baoku.enrich import enrich_issue, make_enricher
from baoku.enrich.keywords import builtin_stopwords
from baoku.enrich.people import normalise_name, normalise_names
from baoku.enrich.places import build_book, load_gazetteer, parse_local_places
from baoku.enrich.topics import load_taxonomy, parse_taxonomy
from baoku.export import read_issue_records
from baoku.model import Article, Issue, Source, SourceMeta

TAXONOMY = {t.name for t in load_taxonomy(None).topics}


def seed_articles(out: Path) -> list[dict]:
    articles = []
    records = read_issue_records(out)
    for record in (records[key] for key in sorted(records)):
        articles.extend({**a, "_source": record["source"]} for a in record["articles"])
    return articles


def full_text(article: dict) -> str:
    parts = [article.get("kicker"), article["headline"], article.get("subtitle")]
    return "\n".join([*(p for p in parts if p), *article["paragraphs"], *article["captions"]])


@pytest.fixture(scope="module")
def articles(seed_site) -> list[dict]:
    out, _ = seed_site
    found = seed_articles(out)
    assert found, "the seed build published no articles"
    return found


@pytest.mark.slow
def test_every_article_carries_enrichment_fields(articles: list[dict]) -> None:
    for a in articles:
        for key in ("districts", "places", "topics", "keywords", "related", "place_tree"):
            assert isinstance(a[key], list), (a["headline"], key)
        assert set(a["districts"]) <= set(a["places"])
        assert len(a["keywords"]) <= 8
        assert not set(a["keywords"]) & builtin_stopwords()


@pytest.mark.slow
@pytest.mark.parametrize("district", ["梁园区", "卫东区", "示范区"])
def test_named_district_is_tagged(articles: list[dict], district: str) -> None:
    naming = [a for a in articles if district in full_text(a).replace("小麦高产示范区", "")]
    assert naming, f"no seed article names {district}"
    for a in naming:
        assert district in a["districts"], (a["_source"], a["headline"], a["districts"])


@pytest.mark.slow
def test_demonstration_field_is_not_the_district(articles: list[dict]) -> None:
    fields = [a for a in articles if "小麦高产示范区" in full_text(a)]
    assert fields, "the seeds name a 小麦高产示范区"
    for a in fields:
        if "示范区" not in full_text(a).replace("小麦高产示范区", ""):
            assert "示范区" not in a["districts"], a["headline"]


@pytest.mark.slow
def test_no_common_word_is_tagged_as_a_district(articles: list[dict]) -> None:
    banned = {"小麦高产示范区", "社区", "该区", "全区", "辖区", "城区", "园区", "景区", "小区"}
    for a in articles:
        assert not banned & set(a["places"]), (a["headline"], a["places"])


@pytest.mark.slow
def test_place_tree_links_villages_to_towns_to_districts(articles: list[dict]) -> None:
    levels = {"district": 0, "town": 1, "village": 2}
    linked = 0
    for a in articles:
        tree = {p["name"]: p for p in a["place_tree"]}
        for place in a["place_tree"]:
            assert place["level"] in levels
            parent = tree.get(place["parent"] or "")
            if parent:
                assert levels[parent["level"]] < levels[place["level"]], place
                linked += 1
    assert linked >= 10


@pytest.mark.slow
def test_most_bodied_articles_get_one_to_four_taxonomy_topics(articles: list[dict]) -> None:
    bodied = [a for a in articles if sum(len(p) for p in a["paragraphs"]) >= 200]
    with_topics = [a for a in bodied if a["topics"]]
    assert len(with_topics) >= 0.9 * len(bodied)
    for a in articles:
        assert len(a["topics"]) <= 4
        assert set(a["topics"]) <= TAXONOMY


@pytest.mark.slow
def test_topics_agree_with_the_gold_annotations_mostly(articles: list[dict]) -> None:
    by_headline = {a["headline"]: a for a in articles}
    agree = total = 0
    for path in gold_paths():
        for gold in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            built = by_headline.get(gold["headline"])
            if built is None:
                continue
            total += 1
            agree += bool(set(gold["topics"]) & set(built["topics"]))
    assert total >= 15
    assert agree >= 0.75 * total


@pytest.mark.slow
def test_related_ids_point_at_other_published_articles(articles: list[dict]) -> None:
    ids = {a["id"] for a in articles}
    assert sum(bool(a["related"]) for a in articles) >= len(articles) // 2
    for a in articles:
        assert len(a["related"]) <= 5
        assert a["id"] not in a["related"]
        assert set(a["related"]) <= ids


PAGE = """本报讯（记者 王小明）近日，东湖区柳溪街道石桥社区举办邻里节，居民欢聚一堂。

柳溪街道开展消防演练

本报讯（记者 王小明）柳溪街道组织辖区商户开展消防演练，排查安全隐患。
"""


@pytest.mark.slow
def test_inline_build_uses_the_archives_place_file(build_from) -> None:
    places = '[[place]]\nname = "东湖区"\nparent = "江城市"\n'
    out, result = build_from({"content/2024-05-01.txt": PAGE, "content/places.toml": places})
    assert not result.archive.failures
    built = seed_articles(out)
    tagged = [a for a in built if "柳溪街道" in a["places"]]
    assert tagged, [a["places"] for a in built]
    for a in tagged:
        assert "东湖区" in a["districts"]


@pytest.mark.slow
def test_malformed_place_file_is_reported_not_fatal(build_from) -> None:
    out, _ = build_from({"content/2024-05-01.txt": PAGE, "content/places.toml": "[[place]\n"})
    report = json.loads((out / "data" / "report.json").read_text(encoding="utf-8"))
    warnings = [w for issue in report["issues"] for w in issue["warnings"]]
    assert any("places.toml" in w and "无法解析" in w for w in warnings)
    assert seed_articles(out)


def test_enrich_issue_normalises_credits_and_is_pure() -> None:
    book = build_book(load_gazetteer(), parse_local_places(""))
    enricher = make_enricher(book, parse_taxonomy(""), shared_tokenizer())
    article = Article(number=1, headline="卫东区召开会议", paragraphs=("会议强调要抓好落实。",),
                      reporters=("记者 张 亚丹", "张亚丹"), photographers=("李强 摄",),
                      correspondents=("通讯员王鹏",))
    source = Source("content/x.txt", "0", "utf-8", "txt", "", SourceMeta())
    issue = Issue(id="x", source=source, articles=(article,))
    enriched = enrich_issue(issue, enricher)
    assert issue.articles[0] is article  # input untouched
    out = enriched.articles[0]
    assert out.reporters == ("张亚丹",)
    assert out.photographers == ("李强",)
    assert out.correspondents == ("王鹏",)
    assert out.districts == ("卫东区",)
    assert enrich_issue(issue, enricher) == enriched


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张亚丹", "张亚丹"),
        (" 张 亚丹 ", "张亚丹"),
        ("本报融媒体记者 李岩", "李岩"),
        ("见习记者王小明", "王小明"),
        ("通讯员：王鹏", "王鹏"),
        ("李文 摄", "李文"),
        ("文静", "文静"),  # a given name that starts like a title character stays whole
        ("（记者张亚丹）", "张亚丹"),
        ("记者", None),
        ("本报讯", None),
    ],
)
def test_credit_names_are_normalised(raw: str, expected: str | None) -> None:
    assert normalise_name(raw) == expected


def test_duplicate_credits_collapse_in_order() -> None:
    assert normalise_names(("记者 张亚丹", "王鹏", "张亚丹")) == ("张亚丹", "王鹏")


def test_transliterated_names_keep_their_dot() -> None:
    assert normalise_name("记者 买买提·艾力") == "买买提·艾力"


def test_load_enricher_reads_the_configured_files(tmp_path: Path) -> None:
    from baoku.config import load_config
    from baoku.enrich import load_enricher

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "places.toml").write_text(
        '[[place]]\nname = "东湖区"\nparent = "江城市"\n', encoding="utf-8")
    (tmp_path / "topics.toml").write_text(
        '[[topic]]\nname = "养蜂"\nwords = { "蜂蜜" = 3 }\n', encoding="utf-8")
    config = load_config(tmp_path, {"topics_file": tmp_path / "topics.toml"})
    enricher = load_enricher(config)
    assert "东湖区" in enricher.places.surfaces
    assert [t.name for t in enricher.taxonomy.topics] == ["养蜂"]
    assert enricher.warnings == ()

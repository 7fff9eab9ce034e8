"""Places: gazetteer, the librarian's place file, suffix patterns, hierarchy, negatives."""

from __future__ import annotations

import pytest
from conftest import shared_tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.enrich import Enricher, enrich_issue, make_enricher
from baoku.enrich.places import (
    build_book,
    load_gazetteer,
    load_local_places,
    parse_local_places,
)
from baoku.enrich.topics import parse_taxonomy
from baoku.model import Article, Issue, Source, SourceMeta

LOCAL = """
[[place]]
name = "高新区"
level = "district"
parent = "洛阳市"
aliases = ["洛阳高新技术产业开发区"]

[[place]]
name = "丰华路街道"
level = "town"
parent = "高新区"

[ignore]
words = ["玉米高产示范区"]
"""


def make_issue(*bodies: str, headline: str = "标题") -> Issue:
    articles = tuple(
        Article(number=n, headline=headline, paragraphs=(body,))
        for n, body in enumerate(bodies, start=1)
    )
    source = Source("content/t.txt", "0", "utf-8", "txt", "\n".join(bodies), SourceMeta())
    return Issue(id="t", source=source, articles=articles)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    book = build_book(load_gazetteer(), parse_local_places(LOCAL))
    return make_enricher(book, parse_taxonomy(""), shared_tokenizer())


def places_of(enricher: Enricher, *bodies: str) -> list[list[tuple[str, str, str | None]]]:
    issue = enrich_issue(make_issue(*bodies), enricher)
    return [[(p.name, p.level, p.parent) for p in a.places] for a in issue.articles]


# --- the gazetteer and the place file ------------------------------------------------


def test_gazetteer_has_counties_with_city_parents_and_adcodes() -> None:
    entries = {(e.name, e.parent): e for e in load_gazetteer() if e.level == "district"}
    assert entries[("卫东区", "平顶山市")].code == "410403"
    assert entries[("梁园区", "商丘市")].code == "411402"
    homonyms = {parent for name, parent in entries if name == "新华区"}
    assert {"平顶山市", "石家庄市"} <= homonyms
    assert len(entries) > 2500


def test_local_place_file_parses_entries_aliases_and_ignore_words() -> None:
    local = parse_local_places(LOCAL)
    assert [e.name for e in local.entries] == ["高新区", "丰华路街道"]
    assert local.entries[1].level == "town" and local.entries[1].parent == "高新区"
    assert local.aliases == {"洛阳高新技术产业开发区": "高新区"}
    assert local.negatives == ("玉米高产示范区",)
    assert local.warnings == ()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[place]\nname = 1", "无法解析"),
        ('[[place]]\nname = "甲乙街道"\nlevel = "street"', "level 应为"),
        ('[[place]]\nlevel = "town"', "缺少地名"),
        ('[[place]]\nname = "甲乙村"\naliases = "甲乙"', "aliases 应为字符串列表"),
        ('[ignore]\nwords = "示范区"', "words 应为字符串列表"),
    ],
)
def test_malformed_place_file_gives_a_chinese_warning(text: str, fragment: str) -> None:
    local = parse_local_places(text, "places.toml")
    assert any(fragment in w for w in local.warnings), local.warnings
    assert all(w.startswith("places.toml") for w in local.warnings)


def test_missing_place_file_is_no_problem(tmp_path) -> None:
    local = load_local_places(tmp_path / "places.toml")
    assert local.entries == () and local.warnings == ()


def test_place_file_warnings_reach_every_issue() -> None:
    book = build_book(load_gazetteer(), parse_local_places('[[place]]\nlevel = "village"'))
    enricher = make_enricher(book, parse_taxonomy(""), shared_tokenizer())
    issue = enrich_issue(make_issue("卫东区召开会议。", "梁园区召开会议。"), enricher)
    assert any("缺少地名" in w for w in issue.warnings)


# --- recognition and hierarchy ----------------------------------------------------------


def test_local_alias_town_and_pattern_village_form_a_hierarchy(enricher: Enricher) -> None:
    [places] = places_of(enricher, "近日，高新区丰华路街道青槐社区举办邻里节。")
    assert places == [
        ("高新区", "district", "洛阳市"),
        ("丰华路街道", "town", "高新区"),
        ("青槐社区", "village", "丰华路街道"),
    ]


def test_full_name_alias_maps_to_the_canonical_name(enricher: Enricher) -> None:
    [places] = places_of(enricher, "洛阳高新技术产业开发区举行项目签约仪式。")
    assert places == [("高新区", "district", "洛阳市")]


def test_gazetteer_district_found_in_plain_text(enricher: Enricher) -> None:
    [places] = places_of(enricher, "卫东区召开优化营商环境推进会。")
    assert places == [("卫东区", "district", "平顶山市")]


@pytest.mark.parametrize(
    "text",
    [
        "该区加大投入，全区上下齐心，辖区群众满意。",
        "城区道路、景区设施和园区企业都得到改善。",
        "小区居民来到社区活动室。",
        "推进社区治理，发挥社区作用，共建智慧社区。",
        "村民们返乡创业，推动乡村振兴和城乡融合。",
        "在玉米高产示范区，农技人员现场指导。",
        "走进农业科技示范区，参观现代高效农业。",
        # The suffix starts a verb (镇压), or the word before it takes the place as object.
        "要因苗适墒镇压保苗，确保苗全苗壮。",
        "居民热心社区公共事务，积极参与议事。",
    ],
)
def test_common_words_are_not_places(enricher: Enricher, text: str) -> None:
    assert places_of(enricher, text) == [[]]


def test_ignore_word_blocks_a_guarded_alias_inside_it() -> None:
    local = parse_local_places(
        '[[place]]\nname = "示范区"\nparent = "平顶山市"\n[ignore]\nwords = ["小麦高产示范区"]'
    )
    enricher = make_enricher(build_book(load_gazetteer(), local), parse_taxonomy(""),
                             shared_tokenizer())
    assert places_of(enricher, "小麦高产示范区喜获丰收。") == [[]]
    assert places_of(enricher, "走进农业科技示范区参观。") == [[]]  # no ignore word needed
    assert places_of(enricher, "走进示范区参观。") == [[("示范区", "district", "平顶山市")]]
    assert places_of(enricher, "示范区召开会议。") == [[("示范区", "district", "平顶山市")]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在双河镇石桥村，村民种下花椒。", [("双河镇", "town"), ("石桥村", "village")]),
        ("目前，柳溪街道已完成改造。", [("柳溪街道", "town")]),
        ("记者来到桃源乡，看到一片丰收景象。", [("桃源乡", "town")]),
        # A noun after the suffix (镇政府, 社区居委会) still follows a name.
        ("双河镇政府组织志愿者清扫街巷。", [("双河镇", "town")]),
        ("柳溪社区居委会开展入户走访。", [("柳溪社区", "village")]),
    ],
)
def test_unlisted_towns_and_villages_found_by_suffix(enricher: Enricher, text: str,
                                                     expected: list[tuple[str, str]]) -> None:
    [places] = places_of(enricher, text)
    assert [(name, level) for name, level, _ in places] == expected


def test_village_parent_is_the_town_written_before_it(enricher: Enricher) -> None:
    [places] = places_of(enricher, "在双河镇石桥村，村民种下花椒。")
    assert ("石桥村", "village", "双河镇") in places


def test_ambiguous_county_name_follows_the_city_in_context(enricher: Enricher) -> None:
    pds, sjz = places_of(enricher, "平顶山市新华区召开会议。", "石家庄市新华区召开会议。")
    assert pds[0][2] == "平顶山市"
    assert sjz[0][2] == "石家庄市"


def test_ambiguous_county_name_follows_the_issues_other_districts(enricher: Enricher) -> None:
    issue = enrich_issue(make_issue("卫东区举办培训。", "新华区开展巡查。"), enricher)
    assert issue.articles[1].places[0].parent == "平顶山市"
    assert issue.articles[1].places[0].code == "410402"


def test_district_anaphora_resolves_to_the_issues_dominant_district(enricher: Enricher) -> None:
    first, second = places_of(enricher, "卫东区召开全区大会，卫东区各单位参加。",
                              "该区强调，要把工作做细。")
    assert first == [("卫东区", "district", "平顶山市")]
    assert second == [("卫东区", "district", "平顶山市")]


def test_anaphora_without_any_district_in_the_issue_adds_nothing(enricher: Enricher) -> None:
    assert places_of(enricher, "该区强调，要把工作做细。") == [[]]


def test_town_with_known_parent_brings_its_district(enricher: Enricher) -> None:
    [places] = places_of(enricher, "丰华路街道开展志愿服务。")
    assert places[0] == ("高新区", "district", "洛阳市")
    assert places[1] == ("丰华路街道", "town", "高新区")


def test_parent_learned_elsewhere_in_the_issue(enricher: Enricher) -> None:
    first, second = places_of(enricher, "卫东区柳溪街道举办培训。", "柳溪街道开展巡查。")
    assert ("柳溪街道", "town", "卫东区") in first
    assert second[0] == ("卫东区", "district", "平顶山市")


def test_headline_places_count(enricher: Enricher) -> None:
    issue = enrich_issue(make_issue("会议强调要抓好落实。", headline="梁园区召开工作会"), enricher)
    assert issue.articles[0].districts == ("梁园区",)


def test_homonym_county_inside_an_organisation_name_is_not_a_district(
        enricher: Enricher) -> None:
    # 新城区 exists in several cities; here it is part of a hospital branch's name.
    assert places_of(enricher, "卫东区联合市二院新城区分院开展义诊。") == [
        [("卫东区", "district", "平顶山市")]
    ]


@pytest.mark.parametrize("text", ["紧扣城市社区治理要求。", "驻区单位社区签订共建协议。",
                                  "分包社区领导带队检查。"])
def test_generic_nouns_before_a_suffix_are_not_names(enricher: Enricher, text: str) -> None:
    assert places_of(enricher, text) == [[]]


def test_town_in_a_one_district_article_lends_its_district_to_other_articles(
        enricher: Enricher) -> None:
    first, second = places_of(enricher, "卫东区召开会议，柳溪街道、桃园街道参加。",
                              "家住柳溪街道石桥社区的居民说。")
    assert ("柳溪街道", "town", "卫东区") in first
    assert second[0] == ("卫东区", "district", "平顶山市")
    assert ("石桥社区", "village", "柳溪街道") in second


def test_a_city_is_context_not_a_place(enricher: Enricher) -> None:
    [places] = places_of(enricher, "平顶山市卫东区举办招聘会。")
    assert places == [("卫东区", "district", "平顶山市")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4月17日，五一路街道组织巡防。", ["五一路街道"]),
        ("服务队到程庄村村民家中走访。", ["程庄村"]),
        ("全镇三个村、两个社区参加。", []),
    ],
)
def test_numeral_names_and_village_before_villager(enricher: Enricher, text: str,
                                                   expected: list[str]) -> None:
    [places] = places_of(enricher, text)
    assert [name for name, _, _ in places] == expected


CJK_TEXT = st.text(
    alphabet=st.sampled_from(list("区县市镇乡村街道社该全示范卫东新华平原路湖滨，。、“”在是的 1")),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(bodies=st.lists(CJK_TEXT, min_size=1, max_size=3))
def test_any_text_gives_well_formed_places(enricher: Enricher, bodies: list[str]) -> None:
    issue = enrich_issue(make_issue(*bodies), enricher)
    for article, body in zip(issue.articles, bodies, strict=True):
        names = [p.name for p in article.places]
        assert len(names) == len(set(names))
        for place in article.places:
            assert place.level in ("district", "town", "village")
            assert place.parent != place.name
            if place.level != "district":
                assert place.name in body

"""Related articles: inverted index, best first, capped, never pairwise."""

from __future__ import annotations

import math
from dataclasses import replace
from unittest.mock import patch

from hypothesis import given
from hypothesis import strategies as st

from baoku.enrich import related
from baoku.enrich.related import MAX_POSTING, MAX_RELATED, article_terms, link_related
from baoku.model import Article, Issue, Place, Source, SourceMeta


def issue(issue_id: str, *articles: Article) -> Issue:
    source = Source(f"content/{issue_id}.txt", "0", "utf-8", "txt", "", SourceMeta())
    return Issue(id=issue_id, source=source, articles=articles)


def art(number: int, keywords: tuple[str, ...] = (), topics: tuple[str, ...] = (),
        places: tuple[Place, ...] = ()) -> Article:
    return Article(number=number, headline=f"第{number}篇", keywords=keywords, topics=topics,
                   places=places)


def related_of(issues: tuple[Issue, ...]) -> dict[str, tuple[str, ...]]:
    return {i.article_id(a): a.related for i in link_related(issues) for a in i.articles}


def test_articles_sharing_specific_terms_are_related_best_first() -> None:
    a = issue("a",
              art(1, ("花椒", "合作社", "修剪")),
              art(2, ("保密", "培训")))
    b = issue("b",
              art(1, ("花椒", "合作社", "修剪")),
              art(2, ("花椒", "电商")),
              art(3, ("停车场", "车位")))
    rel = related_of((a, b))
    assert rel["a-01"] == ("b-01", "b-02")
    assert rel["b-03"] == ()
    assert "a-01" not in rel["a-01"]


def test_places_and_topics_count_but_a_shared_district_alone_is_not_enough() -> None:
    town = Place("柳溪街道", "town", "卫东区")
    district = Place("卫东区", "district", "平顶山市")
    x = issue("x", art(1, ("花椒",), ("农业农村",), (district, town)))
    y = issue("y", art(1, ("苗木",), ("农业农村",), (district, town)),
              art(2, ("路灯",), (), (district,)))
    rel = related_of((x, y))
    assert rel["x-01"] == ("y-01",)


def test_at_most_five_related_and_deterministic() -> None:
    articles = tuple(art(n, ("花椒", "合作社")) for n in range(1, 12))
    issues = (issue("z", *articles),)
    first, second = related_of(issues), related_of(issues)
    assert first == second
    assert all(len(r) == MAX_RELATED for r in first.values())


def test_very_common_term_does_not_make_everything_related() -> None:
    crowd = tuple(art(n, (f"词{n}",), ("党建",)) for n in range(1, MAX_POSTING + 50))
    rel = related_of((issue("c", *crowd),))
    assert all(r == () for r in rel.values())


def test_common_term_still_adds_to_a_candidate_found_otherwise() -> None:
    crowd = [art(n, (f"词{n}",), ("党建",)) for n in range(1, MAX_POSTING + 50)]
    crowd[0] = replace(crowd[0], keywords=("花椒",))
    crowd[1] = replace(crowd[1], keywords=("花椒",))
    crowd[2] = replace(crowd[2], keywords=("花椒",), topics=())
    rel = related_of((issue("c", *crowd),))
    assert rel["c-01"][0] == "c-02"  # shares 花椒 and 党建; c-03 shares only 花椒


def test_terms_are_typed_so_a_keyword_never_matches_a_place() -> None:
    a = art(1, ("卫东区",), (), (Place("卫东区", "district"),))
    assert set(article_terms(a)) == {"k:卫东区", "p:卫东区"}


def test_large_archive_is_linked_through_the_index() -> None:
    # 10,000 articles in 100 issues: topic and district postings are huge, keyword ones small.
    issues = tuple(
        issue(f"i{i:03d}", *(
            art(n, (f"词{(i * 100 + n) % 7000}", f"项{(i + n) % 997}"), ("党建", "教育"),
                (Place("卫东区", "district"),))
            for n in range(1, 101)
        ))
        for i in range(100)
    )
    linked = link_related(issues)
    sample = linked[5].articles[7]
    assert 1 <= len(sample.related) <= MAX_RELATED
    assert sum(len(a.related) for i in linked for a in i.articles) > 0


def test_ranking_only_some_issues_matches_the_full_pass_for_them() -> None:
    words = ("花椒", "合作社", "修剪", "电商", "停车场", "保密", "培训", "苗木")
    issues = tuple(
        issue(f"i{n}", *(art(k, (words[(n + k) % 8], words[(n * k) % 8]), ("农业农村",) * (k % 2))
                         for k in range(1, 5)))
        for n in range(12))
    full = {i.id: i for i in link_related(issues)}
    partial = link_related(issues, only={"i3", "i7"})
    for got in partial:
        if got.id in ("i3", "i7"):
            assert got == full[got.id]
            assert any(a.related for a in got.articles)
        else:
            assert got is issues[int(got.id[1:])], "other issues are returned untouched"


def plain_ranking(doc: int, terms: list[dict[str, float]], index: dict[str, list[int]],
                  issue_of: list[int]) -> list[int]:
    """What ``rank_related`` is meant to compute, written the obvious way."""
    total = len(terms)
    rare: dict[int, float] = {}
    common: list[tuple[str, float]] = []
    for term, weight in terms[doc].items():
        posting = index[term]
        gain = weight * math.log(1 + total / len(posting))
        if len(posting) > related.MAX_POSTING:
            common.append((term, gain))
            continue
        for other in posting:
            rare[other] = rare.get(other, 0.0) + gain
    rare.pop(doc, None)
    shortlist = sorted(rare.items(), key=lambda kv: (-kv[1], kv[0]))[:related.MAX_CANDIDATES]
    final = []
    for other, score in shortlist:
        score += sum([gain for term, gain in common if term in terms[other]])
        if issue_of[other] == issue_of[doc]:
            score *= related.SAME_ISSUE_FACTOR
        if score >= related.MIN_SCORE:
            final.append((-score, other))
    return [other for _, other in sorted(final)[:MAX_RELATED]]


_doc_terms = st.dictionaries(st.sampled_from([f"k:{n}" for n in "甲乙丙丁戊己庚辛壬癸"]),
                             st.sampled_from(sorted(set(related.KIND_WEIGHT.values()))),
                             max_size=6)


@given(docs=st.lists(_doc_terms, min_size=1, max_size=40), data=st.data())
def test_ranking_matches_its_plain_definition(docs: list[dict[str, float]],
                                              data: st.DataObject) -> None:
    issue_of = [data.draw(st.integers(0, 5)) for _ in docs]
    index = related.build_index(docs)
    # Small limits, so common terms and the candidate shortlist both come into play.
    with patch.object(related, "MAX_POSTING", 4), patch.object(related, "MAX_CANDIDATES", 3):
        common = related.common_term_masks(docs, index)
        for doc in range(len(docs)):
            expected = plain_ranking(doc, docs, index, issue_of)
            assert related.rank_related(doc, docs, index, issue_of, common) == expected

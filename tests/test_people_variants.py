"""OCR misreadings of a credited name folded into the name, noted for the librarian."""

from __future__ import annotations

from baoku.enrich.people import merge_misread_names, misread_of
from baoku.model import Article


def credited(number: int, reporters: tuple[str, ...] = (),
             photographers: tuple[str, ...] = ()) -> Article:
    return Article(number=number, headline=f"标题{number}", paragraphs=("正文。",),
                   reporters=reporters, photographers=photographers)


def test_a_rare_first_character_beside_a_common_surname_is_a_misreading() -> None:
    assert misread_of("率岩", {"率岩", "李岩"}) == "李岩"
    assert misread_of("李岩", {"率岩", "李岩"}) is None
    assert misread_of("王岩", {"王岩", "李岩"}) is None  # two common surnames: two people
    assert misread_of("率岩", {"率岩"}) is None


def test_misread_names_merge_within_a_role_and_are_noted() -> None:
    articles = [credited(1, reporters=("李岩", "王鹏")), credited(2, reporters=("率岩",)),
                credited(3, photographers=("率岩",))]
    merged, notes = merge_misread_names(articles)
    assert [a.reporters for a in merged] == [("李岩", "王鹏"), ("李岩",), ()]
    assert merged[2].photographers == ("率岩",)  # no 李岩 among the photographers
    assert notes == ("记者“率岩”疑为“李岩”的识别错误（同一期同一身份），已按“李岩”归并",)


def test_nothing_to_merge_leaves_the_articles_alone() -> None:
    articles = [credited(1, reporters=("李岩",)), credited(2, reporters=("张亚丹",))]
    merged, notes = merge_misread_names(articles)
    assert merged == tuple(articles) and notes == ()

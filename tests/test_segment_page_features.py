"""Page-relative features of the line-role model, and photo boxes that a title opens."""

from __future__ import annotations

from dataclasses import replace

import pytest

from baoku.segment.bylines import parse_credit
from baoku.segment.classify import Item
from baoku.segment.features import PageLine, closes_item, item_mark, page_relative
from baoku.segment.walk import photo_groups

PARAGRAPH = "这是一段占位的正文，说的是一件小事，写得不长也不短，足够当作一段。"


@pytest.mark.parametrize(("line", "mark"), [
    ("●占位的简讯一则。", "bullet:●"),
    ("▲占位的简讯一则。", "bullet:▲"),
    ("图1：占位的图片说明。", "figure"),
    ("图12：占位的图片说明。", "figure"),
    ("②占位的条目。", "circled"),
    ("3、占位的条目。", "number"),
    ("2024年占位的正文。", ""),
    ("占位的正文。", ""),
])
def test_item_marks(line: str, mark: str) -> None:
    assert item_mark(line) == mark


@pytest.mark.parametrize(("line", "closes"), [
    ("占位的简讯一则。（张三 李四）", True),
    ("占位的简讯一则。（张三/摄）", True),
    ("占位的简讯一则。）", True),
    ("占位的图片新闻。记者王五摄", True),
    ("占位的标题（延伸阅读）", False),
    ("占位的正文。", False),
    ("占位的正文，", False),
])
def test_lines_that_close_an_item(line: str, closes: bool) -> None:
    assert closes_item(line) is closes


def _lines(*texts: str, headish: tuple[int, ...] = ()) -> list[PageLine]:
    return [PageLine(t, t.endswith(("。", "）")), t.endswith("摄"), i in headish)
            for i, t in enumerate(texts)]


def test_length_is_measured_against_the_pages_usual_paragraph() -> None:
    short_page = _lines("这是九个字的小标题", PARAGRAPH, PARAGRAPH)
    long_page = _lines("这是九个字的小标题", PARAGRAPH * 8, PARAGRAPH * 8)
    assert "rel_len=<0.3" in page_relative(short_page)[0]
    assert "rel_len=<0.15" in page_relative(long_page)[0]
    assert "rel_len=>=1.25" not in page_relative(short_page)[1]


def test_a_run_of_marked_items_after_a_closed_item_is_told_from_a_headed_briefs_column() -> None:
    loose = page_relative(_lines(PARAGRAPH + "（张三）", "●" + PARAGRAPH, "●" + PARAGRAPH))
    headed = page_relative(_lines("简讯", "●" + PARAGRAPH, "●" + PARAGRAPH, headish=(0,)))
    assert "item_mark+after_close=run|True" in loose[1]
    assert "item_mark=headed_run" in headed[1]
    assert "item_mark=headed_run" not in loose[1]
    assert not any(f.startswith("item_mark") for f in page_relative(_lines(PARAGRAPH))[0])


def test_a_page_of_credited_paragraphs_says_so() -> None:
    photo_news = _lines("标题一", PARAGRAPH + "记者王五摄", "标题二", PARAGRAPH + "记者赵六摄")
    feats = page_relative(photo_news)
    assert any(f.startswith("credited+page=2+|") for f in feats[1])
    single = page_relative(_lines("标题一", PARAGRAPH + "记者王五摄", PARAGRAPH))
    assert any(f.startswith("credited+page=1|") for f in single[1])


def _item(number: int, text: str, kind: str) -> Item:
    return Item(number=number, text=text, spaced=text, kind=kind,  # type: ignore[arg-type]
                gap_before=1, gap_after=1)


def test_a_photo_box_starts_at_the_title_under_the_article_above() -> None:
    """Photo news printed one after another with even gaps: each caption with its credit
    belongs to the title right above it, not to the article before."""
    items = [_item(1, "上一篇的标题", "head"), _item(2, PARAGRAPH, "body"),
             _item(3, "图片新闻的标题", "head"), _item(4, PARAGRAPH + "记者王五摄", "caption")]
    items[3] = replace(items[3], credit=parse_credit(items[3].spaced))
    assert items[3].credit is not None
    groups = photo_groups(items)
    assert list(groups) == [2]
    assert groups[2].members == (2,)


def test_a_picture_over_an_articles_body_is_not_a_photo_news_item() -> None:
    """Title, captioned picture with its credit, then the article's text: the picture
    opens that article; the title does not close a photo box of its own."""
    items = [_item(1, "上一篇的标题", "head"), _item(2, PARAGRAPH, "body"),
             _item(3, "这一篇的标题", "head"), _item(4, "占位的图片说明。记者王五摄", "caption"),
             _item(5, PARAGRAPH, "body")]
    items[3] = replace(items[3], credit=parse_credit(items[3].spaced))
    assert items[3].credit is not None
    assert 2 not in photo_groups(items)


def test_a_line_after_a_paragraph_cut_mid_sentence_is_marked() -> None:
    cut = page_relative(_lines("这一段在句子中间被分栏截断，后面还有没说完的话", "很好", PARAGRAPH))
    assert "after_cut+rel_len=True|<0.15" in cut[1]
    assert any(f.startswith("after_cut+rel_len=False") for f in cut[2])

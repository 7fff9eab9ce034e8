"""Clean stage: CJK spaces, punctuation width, stray hyphens, line numbers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.clean import (
    _WIDE,
    clean,
    clean_and_spaced,
    clean_line,
    spaced_text,
    widen_punctuation,
)
from baoku.model import Source, SourceMeta


def _source(text: str) -> Source:
    return Source(rel_path="content/t.txt", sha256="0", encoding="utf-8", format="txt",
                  text=text, meta=SourceMeta())


@pytest.mark.parametrize(("raw", "cleaned"), [
    # OCR spaces inside Chinese running text go away.
    ("坚持\"创 建为民\"理念,有效整合各方面资 源。", "坚持\"创建为民\"理念，有效整合各方面资源。"),
    ("基层社会治理存在点多、线长、面广的特 点。", "基层社会治理存在点多、线长、面广的特点。"),
    # Spaces between Latin words and numbers stay.
    ("使用 VOCs 走航车 and GPS devices 监测。", "使用 VOCs 走航车 and GPS devices 监测。"),
    ("截至 2023 年,共 3,000 户。", "截至 2023 年，共 3,000 户。"),
    # ASCII punctuation between Chinese characters becomes full-width.
    ("他说:好!真的吗?是的;对(试行)。", "他说：好！真的吗？是的；对（试行）。"),
    # ... but not between Latin letters or digits.
    ("比分 3:2,时间 10:30。", "比分 3:2，时间 10:30。"),
    # A stray hyphen at the end of a line is layout noise.
    ("实现社区服务与基层治理融合互促-", "实现社区服务与基层治理融合互促"),
    ("  前后空白  ", "前后空白"),
])
def test_clean_line(raw: str, cleaned: str) -> None:
    assert clean_line(raw) == cleaned


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("科学治理   精准施策", "科学治理 精准施策"),  # headline phrases keep one space
    ("党建引领“促融合” 共驻共建“聚合力”", "党建引领“促融合” 共驻共建“聚合力”"),
    ("打造居民 满 意的幸福家园", "打造居民满意的幸福家园"),  # a lone character is noise
    ("滨湖街道: 送戏进村传廉意", "滨湖街道：送戏进村传廉意"),
])
def test_headline_like_lines_keep_phrase_spaces(raw: str, cleaned: str) -> None:
    assert clean_line(raw) == cleaned


def test_widen_punctuation_needs_chinese_context() -> None:
    assert widen_punctuation("a, b; c: (d)") == "a, b; c: (d)"
    assert widen_punctuation("本报讯(记者 李岩)冬季") == "本报讯（记者 李岩）冬季"


def test_spaced_text_keeps_word_boundaries() -> None:
    spaced = spaced_text("本报讯(记者  李岩 通讯员 丰一帆)为")
    assert spaced == "本报讯（记者 李岩 通讯员 丰一帆）为"


def test_clean_numbers_lines_and_keeps_raw_and_blanks() -> None:
    text = clean(_source("标题\n\n正 文,内容。\n"))
    assert [line.number for line in text.lines] == [1, 2, 3, 4]
    assert [line.text for line in text.lines] == ["标题", "", "正文，内容。", ""]
    assert text.lines[2].raw == "正 文,内容。"
    assert text.lines[2].spaced == "正 文，内容。"
    assert text.rel_path == "content/t.txt"


def _widened_by_definition(text: str) -> str:
    """The rule read literally: each narrow mark looks past spaces for its nearest
    neighbours, and becomes full-width when either is wide (Chinese or its punctuation)."""
    blanks, wide = " \t\u3000\u00a0", re.compile(f"[{_WIDE}]")
    narrow_to_wide = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}

    def nearest(i: int, step: int) -> str:
        i += step
        while 0 <= i < len(text) and text[i] in blanks:
            i += step
        return text[i] if 0 <= i < len(text) else ""

    out = list(text)
    for i, ch in enumerate(text):
        if ch in narrow_to_wide and any(wide.match(n) for n in (nearest(i, -1), nearest(i, 1))
                                        if n):
            out[i] = narrow_to_wide[ch]
    return "".join(out)


_MIXED_CHARS = [*"中文，。a1Z ,;:()!?\t\u3000\u00a0“”\"-－《》…", "𠀀", "ａ"]
_MIXED = st.text(st.sampled_from(_MIXED_CHARS), max_size=30)


@settings(max_examples=2000, deadline=None)
@given(_MIXED)
def test_widen_punctuation_follows_its_definition(text: str) -> None:
    assert widen_punctuation(text) == _widened_by_definition(text)


_LINE_CHARS = [*_MIXED_CHARS, "\r", "\u2003", "\x0b", "\u3000", "—"]


@settings(max_examples=3000, deadline=None)
@given(st.text(st.sampled_from(_LINE_CHARS), max_size=30))
def test_clean_and_spaced_is_clean_line_and_spaced_text(raw: str) -> None:
    # One widening for both forms must give exactly what the two functions give apart,
    # stray hyphens and edge whitespace included.
    assert clean_and_spaced(raw) == (clean_line(raw), spaced_text(raw))
    line = clean(_source(raw)).lines[0]
    assert (line.text, line.spaced) == (clean_line(raw), spaced_text(raw))

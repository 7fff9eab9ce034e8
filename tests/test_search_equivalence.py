"""The fast search text produces exactly what the plain version did."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.config import PACKAGE_THEME
from baoku.search.codepoints import BLANK_CHARS, QUOTE_CHARS
from baoku.search.fold import fold
from baoku.search.pagefind import index_text

# A plain per-character version kept as the reference: each character with the quotes
# and brackets touching it becomes a word, then gets the next character as its partner
# when only quotes and whitespace come between them.
_QUOTE = "[" + re.escape(QUOTE_CHARS) + "]"
_HAN = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_CJK_CHAR = re.compile(f"({_QUOTE}*{_HAN}{_QUOTE}*)")
_SPACES = re.compile(r"[ \t]{2,}")
_PARTNERED = re.compile(f"({_HAN})(?=[{re.escape(QUOTE_CHARS + BLANK_CHARS)}]*({_HAN}))")


def reference_index_text(text: str) -> str:
    spaced = _SPACES.sub(" ", _CJK_CHAR.sub(r" \1 ", fold(text))).strip()
    return _PARTNERED.sub(r"\1\2", spaced)


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
    # Pairs go on across whitespace (the search page ignores it) but not punctuation.
    assert index_text("  梁园区\t\t人民 路 ") == "梁园 园区 区人 人民 民路 路"
    assert index_text("甲\n乙 丙，丁") == "甲乙 \n 乙丙 丙 ， 丁"
    # Traditional characters are indexed folded to simplified.
    assert index_text("梁園區") == "梁园 园区 区"
    # Quotes stick to the edge of a word: Pagefind drops them with it, so 五星支部 is a
    # phrase of pairs.
    assert index_text("推进“五星”支部") == "推进 进五“ 五星 星支” 支部 部"
    assert index_text("（梁园区）say \"hi\"") == "（梁园 园区 区） say \"hi\""


def test_the_first_character_of_every_word_is_the_text() -> None:
    """search.js shows the text from the indexed words by dropping each pair's second
    character: that gives back the text with only spacing changed."""
    text = "推进“五星”支部建设，梁园区 PM2.5 浓度\n下降"
    unpaired = re.sub(f"({_HAN}){_HAN}", r"\1", index_text(text))
    assert unpaired.replace(" ", "") == text.replace(" ", "")


def test_search_page_ignores_the_same_quotes_as_the_indexes() -> None:
    """search.js drops these characters before checking pairs; the index glues the same
    ones to their character, or a phrase across a quote would be found by one side only."""
    script = (PACKAGE_THEME / "static" / "search.js").read_text(encoding="utf-8")
    match = re.search(r"var QUOTES = /\[(.*?)\]/g;", script)
    assert match is not None
    page_quotes = set(match.group(1).replace("\\", ""))
    assert page_quotes == set(QUOTE_CHARS)

"""The fast search text and offline-index helpers produce exactly what the plain versions did."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.search.pagefind import index_text

# The per-character implementation ``index_text`` replaced, kept as the reference.
_CJK_CHAR = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")
_SPACES = re.compile(r"[ \t]{2,}")


def reference_index_text(text: str) -> str:
    return _SPACES.sub(" ", _CJK_CHAR.sub(r" \1 ", text)).strip()


# Chinese from every indexed block and its edges, with the whitespace and ASCII around it.
MIXED_TEXT = st.text(alphabet=st.one_of(
    st.sampled_from("\u3400\u4dbf\u4dc0\u4e00\u9fff\ua000\uf8ff\uf900\ufaff\ufb00"),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20),
    st.sampled_from(" \t\n\r\u3000\u00a0，。“”"),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(),
), max_size=60)


@given(MIXED_TEXT)
@settings(max_examples=600)
def test_index_text_matches_the_per_character_reference(text: str) -> None:
    assert index_text(text) == reference_index_text(text)


def test_index_text_examples() -> None:
    assert index_text("  梁园区\t\t人民 路 ") == "梁 园 区 人 民 路"
    assert index_text("甲\n乙 丙") == "甲 \n 乙 丙"

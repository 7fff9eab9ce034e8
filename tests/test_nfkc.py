"""The fast NFKC gives exactly what unicodedata gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from baoku.nfkc import nfkc

NEWSPAPER = st.sampled_from(list("，。；：“”（）２０２３年８月２５日ＰＭ①㈠Ａａ梁园区　 "
                                 "\u0301e\u0323\u00e9"))


@given(st.text())
def test_any_text(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@given(st.lists(NEWSPAPER).map("".join))
def test_newspaper_characters_and_combining_marks(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_full_width_forms_become_ascii() -> None:
    assert nfkc("２０２３年８月２５日，ＰＭ２．５") == "2023年8月25日,PM2.5"

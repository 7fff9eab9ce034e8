"""Clean stage: layout noise out of the text (CJK spaces, punctuation width, junk lines)."""

from __future__ import annotations

import re

from .model import CleanText, Line, Source

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])")


def clean_line(text: str) -> str:
    return _CJK_SPACE.sub("", text.strip())


def clean(source: Source) -> CleanText:
    lines = tuple(
        Line(number=i, text=clean_line(raw), raw=raw)
        for i, raw in enumerate(source.text.split("\n"), start=1)
    )
    return CleanText(rel_path=source.rel_path, lines=lines)

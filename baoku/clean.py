"""Clean stage: layout noise out of the text (CJK spaces, punctuation width, stray hyphens)."""

from __future__ import annotations

import re

from .cjk import HAN
from .model import CleanText, Line, Source

# Ideographs plus CJK and full-width punctuation: characters between which a space is noise.
_WIDE = HAN + r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’…—·《》"
_HAN_RE = re.compile(f"[{HAN}]")
_WIDE_RE = re.compile(f"[{_WIDE}]")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_NARROW_MARK = re.compile(r"[,;:()!?]")
_PHRASE_ENDING_MARKS = "，、。；：！？,;:"
_SENTENCE_MARKS = "。；！？;!?"
_TITLE_MAX = 40
_STRAY_HYPHEN = re.compile(rf"(?<=[{_WIDE}])\s*[-－]+$")
# The same characters as sets: a membership test per character is far cheaper than a
# regular expression match.
_WIDE_CHARS = frozenset(ch for ch in map(chr, range(0x10000)) if _WIDE_RE.match(ch))
_BLANKS = frozenset(" \t\u3000\u00a0")


def widen_punctuation(text: str) -> str:
    """ASCII ``, ; : ( ) ! ?`` written among Chinese text become their full-width forms.

    A mark is converted when its nearest non-space neighbour on either side is a Chinese
    character or Chinese punctuation, so it never sits between two Latin letters/digits
    (``3,000``, ``a:b`` stay as they are).
    """
    if not _NARROW_MARK.search(text):
        return text
    last = len(text) - 1

    def widened(match: re.Match[str]) -> str:
        i = match.start()
        before = text[i - 1] if i else ""
        if before in _BLANKS:
            before = _neighbour(text, i, -1)
        if before in _WIDE_CHARS:
            return _FULL_WIDTH[match.group()]
        after = text[i + 1] if i < last else ""
        if after in _BLANKS:
            after = _neighbour(text, i, 1)
        return _FULL_WIDTH[match.group()] if after in _WIDE_CHARS else match.group()

    return _NARROW_MARK.sub(widened, text)


def _neighbour(text: str, index: int, step: int) -> str:
    """The nearest non-space character from ``index`` in direction ``step`` ('' at the edge)."""
    i = index + step
    while 0 <= i < len(text) and text[i] in _BLANKS:
        i += step
    return text[i] if 0 <= i < len(text) else ""


def _joins_without_space(left: str, right: str) -> bool:
    """A space between these two characters is OCR/layout noise."""
    wide_left, wide_right = left in _WIDE_CHARS, right in _WIDE_CHARS
    if wide_left and wide_right:
        return True
    # An ASCII double quote used as a Chinese quotation mark: '创建 "熟人社区"'.
    return (left == '"' and wide_right) or (right == '"' and wide_left)


def remove_cjk_spaces(text: str, keep_phrase_spaces: bool = False) -> str:
    """Drop runs of spaces between Chinese characters; keep them between Latin words/numbers.

    With ``keep_phrase_spaces`` (headline-like lines) a space between two phrases of two or
    more characters is kept as one space ("科学治理 精准施策"), while a space next to a lone
    character ("创 建为民") is still noise.
    """
    out: list[str] = []
    pos = 0
    for match in _SPACES.finditer(text):
        start, end = match.span()
        out.append(text[pos:start])
        left = text[start - 1] if start else ""
        right = text[end] if end < len(text) else ""
        if left and right and (not _joins_without_space(left, right)
                               or (keep_phrase_spaces and _between_phrases(text, start, end))):
            out.append(" ")
        pos = end
    out.append(text[pos:])
    return "".join(out).strip()


def _between_phrases(text: str, start: int, end: int) -> bool:
    before = _SPACES.split(text[:start])[-1]
    after = _SPACES.split(text[end:])[0]
    return len(before) >= 2 and len(after) >= 2 and before[-1] not in _PHRASE_ENDING_MARKS


def _is_title_like(text: str) -> bool:
    return len(text) <= _TITLE_MAX and not any(mark in text for mark in _SENTENCE_MARKS)


def spaced_text(raw: str) -> str:
    """The raw line with widened punctuation and single spaces: keeps word boundaries
    (useful to split names in bylines and credits) while matching the cleaned text."""
    return _single_spaced(widen_punctuation(raw))


def _single_spaced(widened: str) -> str:
    return _SPACES.sub(" ", widened).strip()


def clean_line(text: str) -> str:
    text = text.strip()
    if "-" in text or "－" in text:
        text = _STRAY_HYPHEN.sub("", text)
    text = widen_punctuation(text)
    return remove_cjk_spaces(text, keep_phrase_spaces=_is_title_like(text))


def clean_and_spaced(raw: str) -> tuple[str, str]:
    """``clean_line(raw)`` and ``spaced_text(raw)``, widening the punctuation once.

    Widening and stripping commute (the ends stripped are never wide, so they count as
    no neighbour either way). Removing a stray hyphen first can change what widening
    sees, so such lines take ``clean_line`` itself."""
    widened = widen_punctuation(raw)
    spaced = _single_spaced(widened)
    if "-" in raw or "－" in raw:
        return clean_line(raw), spaced
    text = widened.strip()
    return remove_cjk_spaces(text, keep_phrase_spaces=_is_title_like(text)), spaced


def _line(number: int, raw: str) -> Line:
    text, spaced = clean_and_spaced(raw)
    return Line(number=number, text=text, raw=raw, spaced=spaced)


def clean(source: Source) -> CleanText:
    lines = tuple(_line(i, raw) for i, raw in enumerate(source.text.split("\n"), start=1))
    return CleanText(rel_path=source.rel_path, lines=lines)

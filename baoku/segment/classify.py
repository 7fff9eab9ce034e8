"""Line classification: each non-blank cleaned line gets a kind from features and scores."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Literal

from ..cjk import HAN
from ..clean import spaced_text
from ..model import CleanText
from .bylines import Credit, LeadByline, People, parse_credit, parse_lead_byline, parse_tail_byline

Kind = Literal["marked", "head", "body", "lead", "tail", "credit", "caption", "commentary",
               "junk", "placeholder", "furniture", "section", "opener"]
SKIPPED: tuple[Kind, ...] = ("junk", "placeholder", "furniture")  # kept out of every article

_HAN_RE = re.compile(f"[{HAN}]")
MARKED = re.compile(r"^#{1,6}\s*(?P<text>\S.*)$")
_BOX = re.compile(r"\\Box|[□〓�]")
_PLACEHOLDER = re.compile(
    r"^(?:(?:图|照片)[一二三四五六七八九十\d]{1,3}|[\[【（(](?:图|图片|照片)[\]】）)])$")
# Page furniture: edition and date lines, editors' credits.
_FURNITURE = re.compile(
    r"^(?:(?:责任|本版|值班)?编辑|校对|美编|版式|组版|审[读核]|制图)(?:\s?[：:]\s?|\s)\S{1,20}"
    r"(?:\s+(?:(?:责任)?编辑|校对|美编|版式|组版|审[读核])(?:\s?[：:]\s?|\s)\S{1,10})*$"
    r"|^第?\s?[A-Z]?\d{1,3}\s?版(?:\s|$|[：:])"
    r"|^\d{4}年\d{1,2}月\d{1,2}日\s*星期[一二三四五六日天]")
_CAPTION_MARK = re.compile(
    r"^(?:[▲▼△▽►◄◀▶↑↓←→]|图为|(?:图|照片)[一二三四五六七八九十\d]{1,3}[：:]"
    r"|(?:上|下|左|右|左上|右上|左下|右下|中)图[：:])")
# A book's particulars under a review's byline (the cover picture's caption):
# "《书名》：某某著；某某出版社出版。"
_BOOK_INFO = re.compile(r"^《[^》]{1,40}》[：:][^。！？]{1,60}(?:著|编|译|绘)"
                        r"[；;，,\s][^。！？]{1,60}出版。?$")
_COMMENTARY = re.compile(r"(?:点评|短评|编后|编后语|编者按|快评)$")
CLOSERS = "”’」』）)》】\"'"
TERMINAL = "。！？!?…"
_CLAUSE_END = TERMINAL + "，、；：,;:"
_FUNCTION_END = set("的着和与及或在对把被从将其而并但且")
_PRONOUN_START = set("该据其这此但而并且又也还都就则")
_DATE_START = re.compile(r"^\d{1,2}月\d{1,2}日")
QUOTES = re.compile("[“”\"「」『』]")
# A column tag printed after a headline: "（人民时评）", "(民生一线)".
COLUMN_TAG = re.compile(r"[（(][^（）()]{2,14}[）)]$")
MAX_HEAD_LEN = 36
MAX_LONE_CAPTION = 120
BOX_GAP = 2  # this many blank lines (in paragraph-gap units) before a line: a new layout box


@dataclass(frozen=True)
class Item:
    """One non-blank source line with its kind and what was parsed from it."""

    number: int
    text: str  # cleaned text ('## ' marker removed for marked headlines)
    spaced: str  # raw with widened punctuation and single spaces (keeps name boundaries)
    kind: Kind
    gap_before: int  # blank lines before it (a large gap starts a new layout box)
    gap_after: int
    lead: LeadByline | None = None
    tail: People | None = None
    credit: Credit | None = None
    role: str | None = None  # the line-role model's role, once it has tagged the page


def strip_closers(text: str) -> str:
    return text.rstrip(CLOSERS)


def is_finished(text: str) -> bool:
    """The paragraph ends a sentence (a column break did not cut it)."""
    core = strip_closers(text)
    return bool(core) and core[-1] in TERMINAL


def head_score(text: str) -> int:
    """How much a line looks like a headline: short, no sentence punctuation, no fragment
    ends. Negative means body text."""
    if not text or len(text) > MAX_HEAD_LEN or not _HAN_RE.search(text):
        return -9
    core = strip_closers(text)
    if not core or core[-1] in _CLAUSE_END or any(c in core for c in "。；！？;"):
        return -9
    score = 2
    if len(text) > 26:
        score -= 1
    if core[-1] in _FUNCTION_END:
        score -= 3
    if text[0] in _PRONOUN_START:
        score -= 2
    if "、" in text:
        score -= 1
    if _DATE_START.match(text):
        score -= 2
    commas = text.count("，") + text.count(",")
    if commas >= 2:
        score -= 3
    elif commas and len(text) > 18:
        score -= 2
    return score


def ends_in_column_tag(text: str) -> bool:
    """A title closed by its column's tag ("…这样变沃土（春耕里的新质生产力）"), not a
    sentence closed by a source note ("…。（新华社）")."""
    found = COLUMN_TAG.search(text)
    before = text[:found.start()].rstrip("”’") if found else ""
    return bool(before) and len(text) <= _TAGGED_TITLE_MAX and before[-1] not in TERMINAL


_TAGGED_TITLE_MAX = 50


def is_edition_line(text: str) -> bool:
    """A page header naming the date and the edition: "2025年05月13日 第19版：党建".

    Furniture like ``_FURNITURE``'s lines, but read only by the page facts: the shipped
    model was trained with these lines' kind as it was, and retraining it changes the
    sample archive."""
    return len(text) <= _EDITION_LINE_MAX and bool(_EDITION_LINE.match(text))


_EDITION_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日\s*第\s?[A-Z]?\d{1,3}\s?版")
_EDITION_LINE_MAX = 40


def is_intro_label(text: str) -> bool:
    """The label of a box that opens an article's text: "核心阅读", "编者按"."""
    return bool(_INTRO_LABEL.match(text))


_INTRO_LABEL = re.compile(r"^(?:核心阅读|编者按|阅读提示|导读)[：:]?$")


def is_square_label(text: str) -> bool:
    """A label alone in square brackets: "【曾经】", "[链接]"."""
    return text[:1] in "【[" and text[-1:] in "】]" and len(text) <= _SQUARE_LABEL_MAX


_SQUARE_LABEL_MAX = 12


def is_labelled_paragraph(text: str) -> bool:
    """A paragraph led by a short label in square brackets: "【事件】3月31日早上…"."""
    return bool(_LABELLED.match(text))


_LABELLED = re.compile(r"^[【\[][^】\]]{1,6}[】\]]\S")


def is_book_info(text: str) -> bool:
    return bool(_BOOK_INFO.match(text))


def is_headish(text: str) -> bool:
    return head_score(text) >= 1


def is_maybe_head(text: str) -> bool:
    """Too weak to be a headline alone, but one when it sits in a stack above a byline."""
    return -1 <= head_score(text) <= 0


def _is_noise(text: str, raw: str) -> bool:
    """OCR debris: vertical headlines read across ("刘 \\Box 五 镇"), lone characters."""
    tokens = raw.split()
    if _BOX.search(raw) and len(text) <= 12:
        return True
    if len(tokens) >= 3 and all(len(t) == 1 or _BOX.fullmatch(t) for t in tokens):
        return True
    if len(text) == 1:
        return True
    return not any(ch.isalnum() for ch in text)


def classify_line(text: str, raw: str, spaced: str | None = None) -> tuple[Kind, str, dict]:
    """Kind of one non-blank line, its text, and parsed parts (lead/tail/credit)."""
    spaced = spaced_text(raw) if spaced is None else spaced
    marked = MARKED.match(text)
    if marked:
        return "marked", marked.group("text").strip(), {}
    lead = parse_lead_byline(spaced)  # before the noise test: "□记者 X" is a byline, not debris
    if lead:
        return "lead", text, {"lead": lead}
    if _is_noise(text, raw):
        return "junk", text, {}
    if _PLACEHOLDER.match(text):
        return "placeholder", text, {}
    if len(text) <= 40 and _FURNITURE.match(spaced):
        return "furniture", text, {}
    tail = parse_tail_byline(spaced)
    if tail:
        return "tail", text, {"tail": tail}
    if _CAPTION_MARK.match(text) or is_book_info(text):
        return "caption", text, {}
    credit = parse_credit(spaced)
    if credit:
        return ("credit" if not credit.caption else "caption"), text, {"credit": credit}
    if is_headish(text):
        return ("commentary" if _COMMENTARY.search(text) else "head"), text, {}
    return "body", text, {}


def _question_head_score(text: str) -> int:
    """Headline score of a line that ends with a question or exclamation mark."""
    core = strip_closers(text)
    if len(core) > 30 or not core or core[-1] not in "？！?!":
        return -9
    return head_score(core.rstrip("？！?!"))


def classify(text: CleanText) -> list[Item]:
    """Every non-blank line as an Item, in order, with the blank-line gaps around it.

    Gaps are measured in units of the page's usual paragraph gap (the most common one),
    so a page printed with two blank lines between paragraphs reads like one with one.
    """
    lines = text.lines
    filled = [i for i, line in enumerate(lines) if line.text]
    raw_gaps = [i - prev - 1 for prev, i in zip([-1, *filled], filled, strict=False)]
    unit = Counter(raw_gaps[1:]).most_common(1)[0][0] if len(raw_gaps) > 1 else 1
    items: list[Item] = []
    for pos, i in enumerate(filled):
        line = lines[i]
        after = raw_gaps[pos + 1] if pos + 1 < len(filled) else 99
        kind, body, parsed = classify_line(line.text, line.raw, line.spaced)
        items.append(Item(number=line.number, text=body, spaced=line.spaced,
                          kind=kind, gap_before=_relative(raw_gaps[pos], unit),
                          gap_after=_relative(after, unit), **parsed))
    return _promote_stacked_heads(_isolated_captions(items))


def _isolated_captions(items: list[Item]) -> list[Item]:
    """A short sentence alone in its own layout box (wide gaps above and below) is a photo
    caption printed without a credit."""
    return [replace(it, kind="caption")
            if it.kind == "body" and it.gap_before >= BOX_GAP and it.gap_after >= BOX_GAP
            and len(it.text) <= MAX_LONE_CAPTION and is_finished(it.text) else it
            for it in items]


def _relative(gap: int, unit: int) -> int:
    return max(0, gap - unit + 1) if gap else 0


def _promote_stacked_heads(items: list[Item]) -> list[Item]:
    """A weak headline candidate directly above a headline stack and byline is a headline."""
    out = list(items)
    for i in range(len(out) - 2, -1, -1):
        nxt = out[i + 1]
        weak = is_maybe_head(out[i].text) or _question_head_score(out[i].text) >= 0
        if (out[i].kind == "body" and weak and out[i].gap_after <= 1
                and nxt.kind in ("lead", "head", "marked")
                and (nxt.kind == "lead" or _stack_reaches_lead(out, i + 1))):
            out[i] = replace(out[i], kind="head")
    return out


def _stack_reaches_lead(items: list[Item], start: int) -> bool:
    j = start
    while j < len(items) and items[j].kind in ("head", "marked"):
        j += 1
    return j < len(items) and items[j].kind == "lead"

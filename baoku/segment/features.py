"""Layout features of each line for the line-role model.

Features describe a line's shape, never its words: length, punctuation, blank lines
around it, and the layout markers newspapers print (本报讯, 记者, 摄, 电, 图①, 编者按 …),
as read by the rule parsers in ``classify``. Because only shape and markers count, the
model learns the same thing from the placeholder pages it is trained on as it would
from the real pages they were made from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cjk import HAN
from .classify import COLUMN_TAG, head_score, is_finished

_BULLETS = "□■◆◇●○▲▼△▽►◄◀▶★☆※"
_OPENERS = "“「『《（(【〔\"'"
_CLOSERS = "”」』》）)】〕\"'"
_NAME_TOKEN = re.compile(f"^[{HAN}]{{1,3}}$")
_DATELINE = re.compile(rf"^[{HAN}]{{0,12}}\d{{1,2}}月\d{{1,2}}日(?:电|讯)")
_ROLE_WORD = re.compile(r"记者|通讯员|实习生|特约|评论员")
_PHOTO_WORD = re.compile(r"摄|供图|图片|视觉|绘$|制图|资料图")
_CAPTION_START = re.compile(
    r"^(?:图[①-⑳\d一二三四五六七八九十]{0,3}\s?[：:]|图为|(?:上|下|左|右|中)图|"
    r"[①-⑳]|[▲△▼▽])")
_EDITORIAL = re.compile(r"编者按|编者|核心阅读|编后|开栏的话|延伸阅读|相关链接|短评|点评|快评")
_FROM_SOURCE = re.compile(r"^(?:据|来源|数据来源|资料来源|（?本报综合|新华社|中新社)")
_NEWS_MARK = re.compile(r"(?:报|刊|台|网)讯|[讯电]\s?[（(]")
_DASH_START = re.compile(r"^(?:——|—|－－|--)")
_DASH_END = re.compile(r"(?:——|—)$")


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


_LENGTHS = (2, 4, 6, 8, 10, 13, 16, 20, 26, 32, 40, 60, 100, 200)


@dataclass(frozen=True)
class LineShape:
    """What the model knows of one line before it looks at its neighbours."""

    own: tuple[str, ...]  # features of the line itself
    brief: tuple[str, ...]  # the few that neighbours see


def shape(text: str, spaced: str, kind: str, gap_before: int, gap_after: int,
          repeated: bool = False) -> LineShape:
    """Features of one non-blank line; ``kind`` is the rule classifier's guess."""
    core = text.rstrip(_CLOSERS)
    last = core[-1:] or "∅"
    length = _bucket(len(text), _LENGTHS)
    tokens = spaced.split()
    end = ("term" if last in "。！？!?…" else "comma" if last in "，、,；;"
           else "colon" if last in "：:" else "close" if text[-1:] in _CLOSERS else "open")
    own = [
        f"kind={kind}",
        f"len={length}",
        f"end={end}",
        f"kind+end={kind}|{end}",
        f"len+end={length}|{end}",
        f"head={max(-3, min(3, head_score(text)))}",
        f"finished={is_finished(text)}",
        f"stops={min(text.count('。') + text.count('！') + text.count('？'), 3)}",
        f"commas={min(text.count('，'), 4)}",
        f"tokens={min(len(tokens), 5)}",
        f"gapb={min(gap_before, 3)}",
        f"gapa={min(gap_after, 3)}",
        f"first={_first_class(text)}",
    ]
    markers = [name for name, present in _markers(text, spaced, tokens) if present]
    own += markers
    if repeated:
        own.append("printed_twice")
    brief = (f"kind={kind}", f"len={length}", f"end={end}", f"head={own[5][5:]}",
             *(m for m in markers if m in _SEEN_BY_NEIGHBOURS))
    return LineShape(tuple(own), brief)


# Markers that tell a line's neighbours what it is (a byline below, a caption above).
_SEEN_BY_NEIGHBOURS = frozenset({"bare_names", "padded_name", "dateline", "news_mark",
                                 "role_word_short", "photo_word_end", "caption_start",
                                 "column_tag", "dash_start"})


def has_news_mark(text: str) -> bool:
    """The line opens with an agency's or a paper's mark: "本报讯", "新华社北京1月7日电（"."""
    return bool(_NEWS_MARK.search(text[:24]))


def opens_article(text: str) -> bool:
    """A dateline or a news mark: the first words of an article's text."""
    return bool(_DATELINE.match(text)) or has_news_mark(text)


def _first_class(text: str) -> str:
    ch = text[:1]
    if ch.isdigit():
        return "digit"
    if ch in _BULLETS:
        return "bullet"
    if ch in _OPENERS:
        return "open"
    if ch.isascii() and ch.isalpha():
        return "latin"
    return "han" if re.match(f"[{HAN}]", ch) else "other"


def names_only(tokens: list[str]) -> bool:
    """The line's space-separated words are all name-sized runs of Han ("王浩", "贺  勇")."""
    return bool(tokens) and len(tokens) <= 6 and all(_NAME_TOKEN.match(t) for t in tokens)


def reads_as_names(text: str, spaced: str) -> bool:
    """A short line of bare or padded names, as a byline under a headline is printed."""
    return len(text) <= _NAMES_LINE_MAX and names_only(spaced.split())


_NAMES_LINE_MAX = 12


def _markers(text: str, spaced: str, tokens: list[str]) -> list[tuple[str, bool]]:
    all_names = names_only(tokens)
    return [
        ("bare_names", all_names and len(text) <= _NAMES_LINE_MAX),
        ("padded_name", all_names and any(len(t) == 1 for t in tokens)),
        ("column_tag", bool(COLUMN_TAG.search(text)) and len(text) <= 50),
        ("dateline", bool(_DATELINE.match(text))),
        ("news_mark", has_news_mark(text)),
        ("role_word", bool(_ROLE_WORD.search(text[:40]))),
        ("role_word_short", bool(_ROLE_WORD.search(text)) and len(text) <= 40),
        ("photo_word_end", bool(_PHOTO_WORD.search(text[-8:]))),
        ("caption_start", bool(_CAPTION_START.match(text))),
        ("editorial", bool(_EDITORIAL.search(text[:8]))),
        ("from_source", bool(_FROM_SOURCE.match(text))),
        ("dash_start", bool(_DASH_START.match(text))),
        ("dash_end", bool(_DASH_END.search(text))),
        ("colon_end", text.endswith(("：", ":"))),
        ("question", "？" in text[-3:] or "?" in text[-3:]),
        ("quoted", "“" in text and len(text) <= 40),
        ("bracketed", text[:1] in "（(" and text[-1:] in "）)"),
        ("bracketed_square", text[:1] in "【[" and "】" in text),
        ("square_label_only", text[:1] in "【[" and text[-1:] in "】]"),
        ("spaced_phrases", len(tokens) >= 2 and len(text) <= 40),
        ("marked", text.startswith("#")),
    ]


def context(shapes: list[LineShape]) -> list[list[str]]:
    """Each line's own features plus its neighbours' brief ones."""
    out: list[list[str]] = []
    n = len(shapes)
    for i, line in enumerate(shapes):
        feats = ["bias", *line.own]
        for offset in (-2, -1, 1, 2):
            j = i + offset
            brief = shapes[j].brief if 0 <= j < n else ("edge",)
            feats.extend(f"{offset}:{f}" for f in brief)
        if i + 1 < n:
            feats.append(f"kind>next={line.own[0][5:]}>{shapes[i + 1].own[0][5:]}")
        if i:
            feats.append(f"prev>kind={shapes[i - 1].own[0][5:]}>{line.own[0][5:]}")
        out.append(feats)
    return out


# -- page-relative features: a new paper's conventions are visible on its own page ------

_ITEM_MARK = re.compile(r"^(?:[□■◆◇●○▲▼△▽►★☆※]|图\s?[①-⑳\d一二三四五六七八九十]{1,3}\s?[：:]|[①-⑳]"
                        r"|\d{1,2}[、.．](?!\d))")
_CLOSING_CREDIT = re.compile(r"(?:[。！？…]\s?(?:[（(][^（）()]{2,24})?[）)]|摄)$")
_REL_EDGES = (0.15, 0.3, 0.5, 0.8, 1.25)
_CUT_MIN = 20


@dataclass(frozen=True)
class PageLine:
    """What the page-relative features need of a line."""

    text: str
    finished: bool  # ends a sentence
    credited: bool  # a photo credit was read at its end or on it
    headish: bool = False  # the rule classifier read it as a headline


def item_mark(text: str) -> str:
    """The marker class a line starts with ("bullet:●", "figure", "circled", "number")."""
    found = _ITEM_MARK.match(text)
    if not found:
        return ""
    mark = found.group(0)
    if mark.startswith("图"):
        return "figure"
    if mark[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return "circled"
    return "number" if mark[0].isdigit() else f"bullet:{mark[0]}"


def closes_item(text: str) -> bool:
    """The line ends an item: a bracketed source or names after it, or a photo credit."""
    return bool(_CLOSING_CREDIT.search(text.rstrip()))


def _relative_bucket(ratio: float) -> str:
    for edge in _REL_EDGES:
        if ratio < edge:
            return f"<{edge}"
    return f">={_REL_EDGES[-1]}"


def page_relative(lines: list[PageLine]) -> list[list[str]]:
    """Features of each line against its own page: its length against the page's usual
    paragraph, runs of lines opening with the same item marker, lines that follow the
    close of an item, and how often this page closes long lines with a photo credit."""
    paragraphs = sorted(len(line.text) for line in lines if line.finished and len(line.text) >= 20)
    usual = paragraphs[len(paragraphs) // 2] if paragraphs else 100
    marks = [item_mark(line.text) for line in lines]
    counts: dict[str, int] = {}
    headed: dict[str, bool] = {}  # the first line with this marker sits under a headline
    for i, mark in enumerate(marks):
        if mark:
            counts[mark] = counts.get(mark, 0) + 1
            headed.setdefault(mark, i > 0 and lines[i - 1].headish)
    credited_long = sum(1 for line in lines if line.credited and len(line.text) >= 30)
    page_credits = "0" if not credited_long else "1" if credited_long == 1 else "2+"
    out: list[list[str]] = []
    for i, line in enumerate(lines):
        rel = _relative_bucket(len(line.text) / usual)
        after_close = i > 0 and closes_item(lines[i - 1].text)
        # a long line that stops mid-sentence was cut by a column break: this one goes on
        after_cut = i > 0 and not lines[i - 1].finished and len(lines[i - 1].text) >= _CUT_MIN
        feats = [f"rel_len={rel}", f"rel_len+finished={rel}|{line.finished}",
                 f"after_close={after_close}", f"after_cut={after_cut}",
                 f"after_cut+rel_len={after_cut}|{rel}"]
        if marks[i]:
            run = ("headed_run" if headed[marks[i]] else "run") if counts[marks[i]] >= 2 \
                else "single"
            feats += [f"item_mark={run}", f"item_mark+after_close={run}|{after_close}"]
        if line.credited:
            feats.append(f"credited+page={page_credits}|{rel}")
        out.append(feats)
    return out

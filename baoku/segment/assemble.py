"""Article assembly: classified lines -> headline stacks, bodies, captions, photo stories."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..cjk import HAN
from ..model import Article, ArticleKind
from .bylines import People, parse_names
from .classify import COLUMN_TAG, QUOTES, Item, ends_in_column_tag, is_finished

_HAN_RUN = re.compile(f"[{HAN}]+")
_KICKER_PHRASE_MAX = 7
_SHORT_NAME_MAX = 8
_COMPARATIVE_STARTS = ("较", "比", "同比", "环比", "相比")
_SPLIT_MIN_SIM, _SPLIT_MARGIN = 0.5, 0.2
_RESUME_MARGIN = 0.25
_CONTEXT_CHARS = 4000  # how much of an article's text is compared when resuming it
_SPEAKER = re.compile(f"(?P<name>[{HAN}]{{2,3}})(?:说|表示|介绍)[。！]?$")
_SPEAKER_BONUS = 0.2
_NEWS_BYLINE = re.compile(r"(?:报|刊|台|网)讯|(?:讯|电)\s?[（(]")
_SUBTITLE_DASH = re.compile(r"^(?:——|—|－－|--)")


@dataclass
class Draft:
    """An article being assembled (mutable, private to the segment stage)."""

    start: int  # line number where it starts, for reading order
    headline: str = ""
    kicker: str | None = None
    subtitle: str | None = None
    column: str | None = None
    byline: str | None = None
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    kind: ArticleKind | None = None  # forced kind (photo, commentary); else derived
    paragraphs: list[str] = field(default_factory=list)
    heads: set[int] = field(default_factory=set)  # indexes of paragraphs that are section heads
    captions: list[str] = field(default_factory=list)
    lead_byline: bool = False
    closed: bool = False
    weak_head: bool = False  # headline is a lone slogan-like line (may be a kicker)
    expects_byline: bool = False  # opened by a headline stack printed right above a byline

    def text(self) -> str:
        return "".join([self.headline, self.subtitle or "", *self.paragraphs])

    def add_people(self, people: People) -> None:
        _extend(self.reporters, people.reporters)
        _extend(self.correspondents, people.correspondents)

    def add_body(self, text: str) -> None:
        self.expects_byline = False
        last = len(self.paragraphs) - 1
        if last >= 0 and last not in self.heads and not is_finished(self.paragraphs[last]):
            self.paragraphs[last] = join_break(self.paragraphs[last], text)
        else:
            self.paragraphs.append(text)

    def add_section_head(self, text: str) -> None:
        self.expects_byline = False
        self.heads.add(len(self.paragraphs))
        self.paragraphs.append(text)

    def last_paragraph_open(self) -> bool:
        last = len(self.paragraphs) - 1
        return last >= 0 and last not in self.heads and not is_finished(self.paragraphs[last])

    def is_open_feature(self) -> bool:
        return (not self.lead_byline and not self.closed and self.kind is None
                and bool(self.paragraphs))


def _extend(target: list[str], names: tuple[str, ...]) -> None:
    target.extend(n for n in names if n not in target)


def join_break(before: str, after: str) -> str:
    """Re-join a paragraph cut by a column break; a space only between two Latin words."""
    if before[-1:].isascii() and before[-1:].isalpha() and after[:1].isascii() \
            and after[:1].isalpha():
        return f"{before} {after}"
    return before + after


def bigrams(text: str) -> set[str]:
    return {run[i:i + 2] for run in _HAN_RUN.findall(text) for i in range(len(run) - 1)}


def similarity(text: str, other: str) -> float:
    """Share of the Chinese character pairs of ``text`` that also occur in ``other``."""
    pairs = bigrams(text)
    return len(pairs & bigrams(other)) / len(pairs) if pairs else 0.0


def kicker_like(spaced: str) -> bool:
    """A slogan line ("鼓足干劲 加压奋进 持续发力", "党建引领“促融合” 共驻共建“聚合力”")
    or a short name ("李庄镇"): printed above a headline, not as one."""
    phrases = spaced.split()
    quoted = bool(QUOTES.search(spaced))
    if len(phrases) >= 2:
        sizes = {len(QUOTES.sub("", p)) for p in phrases}
        parallel = len(sizes) == 1 and max(sizes) <= _KICKER_PHRASE_MAX + 1
        return parallel or (not quoted and max(sizes) <= _KICKER_PHRASE_MAX)
    return not quoted and len(spaced) <= _SHORT_NAME_MAX and not any(c.isdigit() for c in spaced)


def _subtitle_like(text: str) -> bool:
    """A line that completes the one above it: figures, a second clause, a comparison."""
    return "%" in text or "％" in text or "，" in text or text.startswith(_COMPARATIVE_STARTS)


def _headline_then_subtitle(first: Item, second: Item) -> bool:
    """Two unmarked lines: headline + subtitle (instead of the usual kicker + headline)?"""
    if kicker_like(first.spaced) or COLUMN_TAG.search(second.text):
        return False  # a column tag, "（人民时评）", follows the headline it belongs to
    return bool(QUOTES.search(first.text)) or _subtitle_like(second.text)


def assign_roles(draft: Draft, stack: list[Item]) -> None:
    """Column, kicker, headline and subtitle from a stack of headline lines, as the
    line-role model labelled them; lines above the headline are kicker (the one nearest
    it) and column, lines after it subtitle."""
    marked = [i for i, it in enumerate(stack) if it.kind == "marked"]
    heads = marked or [i for i, it in enumerate(stack) if it.role == "headline"]
    if not heads:  # a stack of kickers or subtitles alone: its last kicker is the headline
        first = next((i for i, it in enumerate(stack) if it.role == "subtitle"), len(stack)) - 1
        heads = [max(first, 0)]
    top = heads[0]
    if not marked and _tag_marks_next_line(stack, top):
        top += 1
    last = top
    while not marked and last + 1 < len(stack) and stack[last + 1].role == "headline":
        last += 1
    draft.headline = join_lines([it.text for it in stack[top:last + 1]])
    above = stack[:top]
    if above:
        draft.kicker = above[-1].text
        draft.column = " ".join(it.text for it in above[:-1]) or None
    draft.subtitle = " ".join(it.text for it in stack[last + 1:]) or None
    draft.weak_head = len(stack) == 1 and kicker_like(stack[0].spaced)


def _tag_marks_next_line(stack: list[Item], top: int) -> bool:
    """A one-line headline with nothing above it, over a line that ends in a column tag
    (“（延伸阅读）”): the tag belongs to the headline, so the line above is its kicker."""
    below = top + 1
    return top == 0 and below == len(stack) - 1 and stack[below].role == "subtitle" \
        and ends_in_column_tag(stack[below].text) and not ends_in_column_tag(stack[top].text)


def rule_stack_roles(stack: list[Item]) -> list[str]:
    """What the layout conventions alone say each line of a headline stack is (a feature
    for the line-role model): marked headlines, dashes before subtitles, slogan kickers."""
    marked = [i for i, it in enumerate(stack) if it.kind == "marked"]
    if marked:
        m = marked[0]
        return ["kicker"] * m + ["headline"] + ["subtitle"] * (len(stack) - m - 1)
    roles = ["kicker"] * len(stack)
    end = len(stack)
    if end >= 2 and _SUBTITLE_DASH.match(stack[-1].text):
        roles[-1] = "subtitle"
        end -= 1
    if end >= 2 and roles[end - 1] != "subtitle" and _headline_then_subtitle(
            stack[end - 2], stack[end - 1]) and end == len(stack):
        roles[end - 2], roles[end - 1] = "headline", "subtitle"
    elif end >= 1:
        roles[end - 1] = "headline"
    return roles




def join_lines(parts: list[str]) -> str:
    """A headline printed over several lines, as one line."""
    joined = parts[0]
    for part in parts[1:]:
        joined = join_break(joined, part)
    return joined


_CREDIT_IN_BODY = re.compile(rf"[（(](?P<names>[{HAN}]{{2,4}}(?:\s+[{HAN}]{{2,4}})*)[）)]$")


def _credited_in_body(paragraphs: list[str]) -> list[str]:
    """Contributors credited in brackets at the end of a paragraph ("…。（韦一 严二）"),
    as briefs columns and old papers print them."""
    names: list[str] = []
    for text in paragraphs:
        match = _CREDIT_IN_BODY.search(text)
        if match:
            names.extend(n for n in parse_names(match.group("names")).reporters
                         if n not in names)
    return names


def finish(draft: Draft, number: int) -> Article:
    kind: ArticleKind = draft.kind or (
        "news" if draft.byline and _NEWS_BYLINE.search(draft.byline)
        else "feature" if draft.heads or not draft.lead_byline else "news")
    return Article(
        number=number,
        headline=draft.headline,
        kicker=draft.kicker,
        subtitle=draft.subtitle,
        column=draft.column,
        byline=draft.byline,
        reporters=tuple(draft.reporters or _credited_in_body(draft.paragraphs)),
        correspondents=tuple(draft.correspondents),
        photographers=tuple(draft.photographers),
        kind=kind,
        paragraphs=tuple(draft.paragraphs),
        section_heads=tuple(draft.paragraphs[i] for i in sorted(draft.heads)),
        captions=tuple(draft.captions),
    )


def split_title_after_body(prev: Draft, stack: list[Item], next_text: str,
                           whole: bool = False) -> int:
    """How many leading lines of ``stack`` are the title of the previous article, printed
    after its body (its own head was a lone kicker-like line, or it had none). ``whole``:
    the stack heads nothing of its own (another stack follows), so all of it may go."""
    untitled = prev.weak_head or not prev.headline
    if not untitled or prev.kind is not None or prev.closed or len(stack) < 2 - whole \
            or (stack[-1].kind != "marked" and any(it.kind == "marked" for it in stack)):
        return 0
    own = "".join(prev.paragraphs)
    taken = 0
    for it in stack if whole else stack[:-1]:
        to_prev, to_next = similarity(it.text, own), similarity(it.text, next_text)
        if to_prev < _SPLIT_MIN_SIM or to_prev < to_next + _SPLIT_MARGIN:
            break
        taken += 1
    return taken


def retitle(prev: Draft, lines: list[Item]) -> None:
    """The previous article's lone head becomes its kicker; ``lines`` are its title."""
    kicker = prev.headline or None
    prev.headline, prev.kicker = lines[0].text, kicker
    prev.subtitle = " ".join(it.text for it in lines[1:]) or None
    prev.weak_head = False


def prefers_suspended(text: str, current: Draft, suspended: Draft) -> bool:
    """Does this body paragraph continue the interrupted article rather than the current one?

    Only a feature with subheadings is printed around the items set inside it."""
    if not suspended.heads:
        return False
    if suspended.last_paragraph_open() and not current.last_paragraph_open():
        return True
    if current.last_paragraph_open() or len(current.paragraphs) < 2 \
            or current.kind == "commentary":
        return False
    own_text, other_text = current.text()[-_CONTEXT_CHARS:], suspended.text()[-_CONTEXT_CHARS:]
    own, other = bigrams(own_text), bigrams(other_text)
    pairs = bigrams(text)
    if not pairs:
        return False
    only_other = len(pairs & (other - own)) / len(pairs)
    only_own = len(pairs & (own - other)) / len(pairs)
    return only_other - only_own + _speaker_bonus(text, own_text, other_text) > _RESUME_MARGIN


def _speaker_bonus(text: str, own: str, other: str) -> float:
    """A quote ends with its speaker ("…”段海涛说。"): someone the interrupted article
    already introduced, and the current one did not, is a strong hint."""
    match = _SPEAKER.search(text)
    if not match:
        return 0.0
    name = match.group("name")
    return _SPEAKER_BONUS if name in other and name not in own else 0.0

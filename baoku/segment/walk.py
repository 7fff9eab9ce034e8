"""The walk over a page's labelled lines that writes its articles (a small state machine:
the article being written, and one it interrupted that may go on later)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .assemble import (
    Draft,
    assign_roles,
    prefers_suspended,
    retitle,
    split_title_after_body,
)
from .bylines import People, visible_split
from .classify import BOX_GAP, SKIPPED, Item

__all__ = ["Assembler", "photo_groups"]

_MAX_PHOTO_LINES = 8
_BREAKERS = ("lead", "tail", "marked", "commentary")
_STACK = ("head", "marked")


def _is_bracketed_note(printed: str) -> bool:
    """A sign-off in brackets under the text that is not a byline: bare names
    (``（韦  明）``) or an author's note (``（作者为…）``). It stays the last line of the
    body, as printed; its names still count as authors. A bracketed byline with a role
    (``（本报记者 X 文/图）``) is a byline."""
    text = printed.strip()
    if text[:1] not in "（(" or text[-1:] not in "）)":
        return False
    return "作者" in text or not _ROLE_MARK.search(text)


# A role anywhere in the brackets, not only first as ``parse_tail_byline`` reads it: an
# agency's bracketed dateline, ``（新华社北京1月1日电  新华社记者）``, is a byline too.
_ROLE_MARK = re.compile(r"记者|通讯员|实习生|[文图]\s?/|/\s?[文图]|摄")


def _caption_text(item: Item) -> str:
    """A caption line as printed, with one space before its credit ("… 任召培 摄")."""
    if item.credit is None or not item.credit.caption:
        return item.text
    caption = visible_split(item.text, item.credit.caption)[0]
    return f"{caption} {item.credit.credit}"


@dataclass(frozen=True)
class PhotoGroup:
    """Lines closed by a photo credit: a caption, or a photo story when it has a title."""

    members: tuple[int, ...]  # item indexes before the credit
    credit: int  # item index of the credit line



def photo_groups(items: list[Item]) -> dict[int, PhotoGroup]:
    """Groups keyed by their first item index; a group without members is a bare credit.

    A credit line closes the lines above it back to the start of their layout box. A caption
    line ending with a credit closes a group only when the box opens with a title.
    """
    groups: dict[int, PhotoGroup] = {}
    for c, item in enumerate(items):
        if item.kind == "credit" or (item.kind == "caption" and item.credit):
            members = _box_above(items, c)
            if item.kind == "caption" and not _titled(items, members):
                continue
            if _captions_a_headline(items, members, c):
                continue
            groups[members[0] if members else c] = PhotoGroup(tuple(members), c)
    return groups


def _captions_a_headline(items: list[Item], members: list[int], c: int) -> bool:
    """A headline, the caption of its photo, then the article's byline: the caption belongs
    to the article under that headline, not to a photo story of its own."""
    if not _titled(items, members) \
            or any(items[m].kind not in (*_STACK, "caption") for m in members):
        return False
    following = _next_kept(items, c + 1)
    return following is not None and following.kind == "lead"


def _next_kept(items: list[Item], j: int) -> Item | None:
    """The first item from ``j`` on that is not page furniture or debris."""
    while j < len(items) and items[j].kind in SKIPPED:
        j += 1
    return items[j] if j < len(items) else None


def _titled(items: list[Item], members: list[int]) -> bool:
    return bool(members) and items[members[0]].kind in _STACK


def _box_above(items: list[Item], c: int) -> list[int]:
    """Item indexes above the credit at ``c`` that belong to its photo box."""
    if items[c].gap_before >= BOX_GAP:
        return []
    members: list[int] = []
    story_ends = _no_text_follows(items, c)
    j = c - 1
    while j >= 0 and len(members) <= _MAX_PHOTO_LINES:
        prev = items[j]
        if prev.kind in SKIPPED:
            j -= 1
            continue
        if prev.kind == "credit" or (prev.kind == "caption" and prev.credit):
            return members
        if prev.kind in _BREAKERS and prev.kind != "marked":
            break
        members.insert(0, j)
        if prev.gap_before >= BOX_GAP or prev.kind == "marked":  # a marked title opens a box
            return members
        if story_ends and prev.kind in _STACK and _text_above(items, j):
            return members  # a photo news item: title, paragraph, credit, next title
        j -= 1
    # No box: only a lone title-like line right above the credit goes with it.
    return members if len(members) == 1 and items[members[0]].kind == "head" else []


def _no_text_follows(items: list[Item], c: int) -> bool:
    """After the credit at ``c`` comes another title, a photo, or the end of the page:
    the lines above it are a whole item, not the opening picture of an article."""
    following = _next_kept(items, c + 1)
    return following is None or following.kind in (*_STACK, "commentary", "caption", "credit")


def _text_above(items: list[Item], j: int) -> bool:
    """The nearest line above ``j`` that is not debris is a paragraph or a caption: what
    stands at ``j`` starts a new box rather than continuing a stack of titles."""
    k = j - 1
    while k >= 0 and items[k].kind in SKIPPED:
        k -= 1
    return k >= 0 and items[k].kind not in _STACK


@dataclass
class Assembler:
    """Walks the classified lines once, keeping the article being written (``current``)
    and one interrupted article that may go on later (``suspended``)."""

    items: list[Item]
    groups: dict[int, PhotoGroup]
    drafts: list[Draft] = field(default_factory=list)
    current: Draft | None = None
    suspended: Draft | None = None
    pending_body: list[str] = field(default_factory=list)
    pending_captions: list[str] = field(default_factory=list)
    junk: list[str] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    def run(self) -> None:
        i = 0
        while i < len(self.items):
            if i in self.groups:
                i = self._photo(self.groups[i])
                continue
            item = self.items[i]
            handler = getattr(self, f"_on_{item.kind}")
            i = handler(i)
        if self.pending_body or self.pending_captions:
            self._open(self.items[-1].number if self.items else 1)

    # -- helpers -------------------------------------------------------------------------
    def _open(self, start: int, inset: bool = False) -> Draft:
        """Start a new article; ``inset`` for a photo box printed inside another article."""
        draft = Draft(start=start)
        if not inset and self.suspended is not None and self.suspended.lead_byline:
            # A news item held open around a photo box ends when the next article starts.
            self.suspended = None
        if self.current is not None and self.current.is_open_feature():
            self.suspended = self.current
        self.drafts.append(draft)
        self.current = draft
        if self.pending_body:
            for text in self.pending_body:
                draft.add_body(text)
            self.pending_body = []
        if self.pending_captions:
            draft.captions.extend(self.pending_captions)
            self.pending_captions = []
        return draft

    def _resume(self) -> Draft:
        assert self.suspended is not None
        draft, self.current, self.suspended = self.suspended, self.suspended, None
        return draft

    def _warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    def sorted_warnings(self) -> tuple[str, ...]:
        """Warnings in line order, with one for every article left without a headline."""
        found = list(self.warnings)
        for draft in self.drafts:
            if not draft.headline:
                what = "图片报道没有可辨认的标题" if draft.kind == "photo" \
                    else "文字没有可辨认的标题，已单独成篇"
                found.append((draft.start, f"第 {draft.start} 行起的{what}。"))
        return tuple(message for _, message in sorted(found, key=lambda w: w[0]))

    def _caption(self, text: str, photographers: tuple[str, ...] = ()) -> None:
        target = self.current
        if target is None:
            self.pending_captions.append(text)
            return
        target.captions.append(text)
        target.photographers.extend(p for p in photographers if p not in target.photographers)

    def _stack_end(self, i: int) -> tuple[list[Item], int]:
        """The headline lines from ``i`` on (OCR junk among them is recorded and skipped)."""
        stack: list[Item] = []
        j = i
        while j < len(self.items) and j not in self.groups:
            kind = self.items[j].kind
            if kind in SKIPPED:
                j = self._skip(j)
            elif kind in _STACK:
                if stack and _starts_new_stack(stack[-1], self.items[j]):
                    break
                stack.append(self.items[j])
                j += 1
            else:
                break
        return stack, j

    def _lookahead_text(self, j: int) -> str:
        parts = []
        while j < len(self.items) and self.items[j].kind in ("lead", "body"):
            item = self.items[j]
            parts.append(item.lead.rest if item.lead else item.text)
            j += 1
        return "".join(parts)

    # -- handlers: each takes an item index and returns the next index ---------------------
    def _on_junk(self, i: int) -> int:
        item = self.items[i]
        self.junk.append(item.text)
        self._warn(item.number, f"第 {item.number} 行疑似识别噪声，未归入任何文章：“{item.text}”")
        return i + 1

    def _skip(self, i: int) -> int:
        return getattr(self, f"_on_{self.items[i].kind}")(i)

    def _on_furniture(self, i: int) -> int:
        item = self.items[i]
        self.junk.append(item.text)
        self._warn(item.number, f"第 {item.number} 行是版面信息，未归入任何文章：“{item.text}”")
        return i + 1

    def _on_placeholder(self, i: int) -> int:
        item = self.items[i]
        self.junk.append(item.text)
        self._warn(item.number, f"第 {item.number} 行是图片占位符，未归入任何文章：“{item.text}”")
        return i + 1

    def _on_caption(self, i: int) -> int:
        lines = [self.items[i]]
        j = i + 1
        while (j < len(self.items) and self.items[j].kind == "caption" and j not in self.groups
               and self.items[j].gap_before == 0 and not lines[-1].credit):
            lines.append(self.items[j])
            j += 1
        photographers = tuple(p for it in lines if it.credit for p in it.credit.photographers)
        self._caption("\n".join(_caption_text(it) for it in lines), photographers)
        return j

    def _on_credit(self, i: int) -> int:
        item = self.items[i]
        assert item.credit is not None
        target = self.current
        if i and self.items[i - 1].kind == "caption" and target is not None \
                and target.captions and not self.items[i - 1].credit:
            # the credit line of the caption right above it: one caption
            target.captions[-1] = f"{target.captions[-1]} {item.spaced}"
            target.photographers.extend(p for p in item.credit.photographers
                                        if p not in target.photographers)
            return i + 1
        self._caption(item.spaced, item.credit.photographers)
        return i + 1

    def _photo(self, group: PhotoGroup) -> int:
        credit = self.items[group.credit]
        assert credit.credit is not None
        members = [self.items[m] for m in group.members]
        if not members:
            return self._on_credit(group.credit)
        if credit.kind == "caption":  # the caption text before the credit is the story
            caption = visible_split(credit.text, credit.credit.caption)[0]
            members.append(replace(credit, kind="body", text=caption))
        for skipped in range(group.members[0], group.credit):
            if skipped not in group.members:
                self._skip(skipped)
        titled = members[0].kind in ("head", "marked") and len(members) >= 2
        if not titled and (len(members) == 1 or members[0].gap_before < BOX_GAP
                           or all(m.kind == "caption" for m in members)):
            text = "\n".join(m.text for m in members)
            self._caption(f"{text} {credit.spaced}", credit.credit.photographers)
            return group.credit + 1
        resume = self.current
        draft = self._open(members[0].number, inset=True)
        draft.kind = "photo"
        heads = 0
        while titled and heads < len(members) and members[heads].kind in ("head", "marked"):
            heads += 1
        if heads:
            assign_roles(draft, members[:heads])
        for member in members[heads:]:
            if member.kind == "caption":
                draft.captions.append(member.text)
            else:
                draft.add_body(member.text)
        draft.byline = credit.credit.credit
        draft.photographers = list(credit.credit.photographers)
        draft.reporters = list(credit.credit.photographers)
        draft.closed = True
        # A photo story sits inside the page; the article around it may go on after it.
        if resume is not None and resume.kind != "photo" and not resume.closed \
                and self.suspended is None:
            self.suspended = resume
        return group.credit + 1

    def _on_marked(self, i: int) -> int:
        return self._on_head(i)

    def _on_head(self, i: int) -> int:
        stack, end = self._stack_end(i)
        nxt = self.items[end] if end < len(self.items) else None
        bodiless = nxt is not None and nxt.kind in _STACK  # another stack follows at once
        if self.current is not None and (bodiless or (nxt is not None and nxt.kind == "lead")):
            taken = split_title_after_body(self.current, stack, self._lookahead_text(end),
                                           whole=bodiless)
            if taken:
                retitle(self.current, stack[:taken])
                stack = stack[taken:]
                if not stack:
                    return end
        if nxt is not None and nxt.kind == "lead":
            stack = self._open_bodiless_marked(stack)
            draft = self._open(stack[0].number)
            assign_roles(draft, stack)
            draft.expects_byline = True
            return end
        draft = self._open(stack[0].number)
        assign_roles(draft, stack)
        # a caption printed between the headline and the byline: the byline is still this one's
        draft.expects_byline = self._lead_after_captions(end)
        return end

    def _lead_after_captions(self, j: int) -> bool:
        seen_caption = False
        while j < len(self.items) and not (j in self.groups and self.groups[j].members) \
                and self.items[j].kind in ("caption", "credit", *SKIPPED):
            seen_caption = seen_caption or self.items[j].kind in ("caption", "credit")
            j += 1
        return seen_caption and j < len(self.items) and self.items[j].kind == "lead"

    def _on_section(self, i: int) -> int:
        """A subheading inside the running article (or the one it interrupted)."""
        target = self.current
        if target is None:  # nothing to be a subheading of: it heads an article
            self.items[i] = replace(self.items[i], kind="head", role="headline")
            return self._on_head(i)
        if self.suspended is not None and (
                target.kind in ("photo", "commentary") or target.closed
                or (self.suspended.heads and not target.heads)):
            target = self._resume()
        target.add_section_head(self.items[i].text)
        return i + 1

    def _open_bodiless_marked(self, stack: list[Item]) -> list[Item]:
        """Marked headlines stacked above another marked headline have no body here: each
        stays an article of its own. Returns the stack of the last one."""
        marked = [n for n, it in enumerate(stack) if it.kind == "marked"]
        if len(marked) < 2:
            return stack
        cut = marked[-1]
        while cut > marked[-2] + 1 and stack[cut - 1].kind == "head":
            cut -= 1  # unmarked lines right above the last marked one are its kicker
        for start, stop in zip(marked[:-1], [*marked[1:-1], cut], strict=True):
            lines = stack[:stop] if start == marked[0] else stack[start:stop]
            assign_roles(self._open(lines[0].number), lines)
        return stack[cut:]

    def _on_commentary(self, i: int) -> int:
        """A commentary box: its label ("…点评", "短评") heads it, or names the column
        above the box's own headline."""
        draft = self._open(self.items[i].number)
        draft.kind = "commentary"
        stack, end = self._stack_end(i + 1)  # records OCR junk it steps over
        if stack:
            assign_roles(draft, stack)
            draft.column = " ".join(filter(None, [self.items[i].text, draft.column]))
        else:
            draft.headline = self.items[i].text
        return end

    def _on_lead(self, i: int) -> int:
        item = self.items[i]
        assert item.lead is not None
        draft = self.current
        if draft is not None and not draft.expects_byline and not item.lead.rest \
                and not self._body_follows(i):
            return self._end_byline(i, item.spaced, item.lead.people)
        if draft is not None and draft.byline and not draft.paragraphs and item.lead.rest:
            # "□记者 X" on its own line above a bare "本报讯 …": one byline, two lines
            draft.byline = f"{draft.byline} {item.lead.byline}"
            draft.add_people(item.lead.people)
            draft.add_body(visible_split(item.text, item.lead.byline)[1])
            return i + 1
        if draft is None or not draft.expects_byline:
            draft = self._open(item.number)
        draft.expects_byline = False
        draft.byline = item.lead.byline
        draft.lead_byline = True
        draft.add_people(item.lead.people)
        if item.lead.rest:
            draft.add_body(visible_split(item.text, item.lead.byline)[1])
        return i + 1

    def _body_follows(self, i: int) -> bool:
        return i + 1 < len(self.items) and self.items[i + 1].kind == "body" \
            and self.items[i + 1].gap_before <= 1

    def _on_tail(self, i: int) -> int:
        item = self.items[i]
        assert item.tail is not None
        return self._end_byline(i, item.spaced, item.tail)

    def _end_byline(self, i: int, printed: str, people: People) -> int:
        """A byline printed after the body closes the article it belongs to."""
        item = self.items[i]
        target = self.current
        if target is not None and target.byline and self.suspended is not None \
                and not self.suspended.byline:
            target = self._resume()
        if target is None:
            target = self._open(item.number)
        if _is_bracketed_note(printed):  # (names) or (作者为…) close the text as printed
            target.add_body(item.text)
        else:
            target.byline = f"{target.byline} {printed}" if target.byline else printed
        target.add_people(people)
        target.closed = True
        if self.suspended is target:
            self.suspended = None
        return i + 1

    def _on_opener(self, i: int) -> int:
        """The first paragraph of an article without a headline."""
        item = self.items[i]
        draft = self._open(item.number)
        if item.lead:
            draft.byline = item.lead.byline
            draft.lead_byline = True
            draft.add_people(item.lead.people)
            rest = visible_split(item.text, item.lead.byline)[1]
            if rest:
                draft.add_body(rest)
        else:
            draft.add_body(item.text)
        return i + 1

    def _on_body(self, i: int) -> int:
        item = self.items[i]
        text = item.text
        target = self.current
        if target is None:
            self.pending_body.append(text)
            return i + 1
        if self.suspended is not None and target is not self.suspended and target.paragraphs \
                and (target.closed or target.kind == "photo"
                     or prefers_suspended(text, target, self.suspended)):
            target = self._resume()
        elif target.closed and target.kind != "photo" and self.suspended is None:
            target = self._open(item.number)  # text after a signed-off piece: the next piece
        target.add_body(text)
        if item.credit:  # a photo news item ends with its photographer's credit
            target.photographers.extend(p for p in item.credit.photographers
                                        if p not in target.photographers)
            if not target.byline:  # and the photographer is its author
                target.add_people(People(item.credit.photographers))
        return i + 1


def _starts_new_stack(above: Item, line: Item) -> bool:
    """Within a run of headline lines, a kicker after a headline, or a headline after a
    subtitle, opens the next article's stack."""
    return (line.role == "kicker" and above.role in ("headline", "subtitle")) or (
        line.role == "headline" and above.role == "subtitle")

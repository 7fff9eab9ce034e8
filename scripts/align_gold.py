"""Line roles from a gold annotation (development tool; needs ../shared).

Gold files give each article's headline, byline, body start/end, captions and section
heads as strings. This walks the page's non-blank lines in order and labels each one with
the role it plays, so a line-role model can learn from the annotated pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from baoku.clean import clean
from baoku.model import Source, SourceMeta
from baoku.segment.evaluate import EDGE, fold
from baoku.segment.roles import Role

norm = fold  # the same comparison form the evaluation uses


@dataclass
class Page:
    texts: list[str]  # cleaned non-blank lines
    spaced: list[str]
    gaps: list[int]  # blank lines before each
    roles: list[Role]


def page_lines(text: str) -> Page:
    source = Source(rel_path="x.txt", sha256="", encoding="utf-8", format="text",
                    text=text, meta=SourceMeta())
    texts, spaced, gaps = [], [], []
    blank = 0
    for line in clean(source).lines:
        if not line.text:
            blank += 1
            continue
        texts.append(line.text)
        spaced.append(line.spaced)
        gaps.append(blank)
        blank = 0
    return Page(texts, spaced, gaps, ["junk"] * len(texts))


def _find_run(normed: list[str], target: str, start: int, stop: int) -> tuple[int, int] | None:
    """First run of 1-3 consecutive lines in [start, stop) whose joined text is target."""
    if not target:
        return None
    for i in range(start, stop):
        joined = ""
        for j in range(i, min(i + 3, len(normed))):
            joined += normed[j]
            if joined == target:
                return i, j + 1
            if not target.startswith(joined):
                break
    return None


def align(page: Page, gold: dict) -> list[str]:
    """Label page.roles in place; returns the problems met (articles not found)."""
    normed = [norm(t) for t in page.texts]
    n = len(normed)
    problems: list[str] = []
    ptr = 0  # where the next article's headline is looked for
    for art in gold["articles"]:
        head = None
        for h in [art.get("headline"), *(art.get("headline_alternatives") or [])]:
            head = _find_run(normed, norm(h), ptr, n) if h else None
            if head:
                break
        if art.get("headline") and not head:
            problems.append(f"headline not found: {art['headline']}")
            continue
        cursor = ptr
        if head:
            for k in range(*head):
                page.roles[k] = "headline"
            kicker = norm(art.get("kicker"))
            if kicker:
                found = _find_run(normed, kicker, max(ptr, head[0] - 4), head[0])
                if found:
                    for k in range(*found):
                        page.roles[k] = "kicker"
            cursor = head[1]
            sub = norm(art.get("subtitle"))
            if sub:
                found = _find_run(normed, sub, cursor, min(n, cursor + 4))
                if found:
                    for k in range(*found):
                        page.roles[k] = "subtitle"
                    cursor = found[1]
        byline = norm(art.get("byline"))
        starts = [norm(b)[:EDGE] for b in [art["body_start"],
                                             *(art.get("body_start_alternatives") or [])]]
        ends = [norm(e)[-EDGE:] for e in [art["body_end"],
                                            *(art.get("body_end_alternatives") or [])]]
        body_from = _body_start(normed, page, art, byline, starts, cursor)
        if body_from is None:  # a title printed after its own body
            body_from = _body_start(normed, page, art, byline, starts, ptr)
        if body_from is None:
            problems.append(f"body start not found: {art.get('headline') or art['body_start']}")
            continue
        body_to = None
        for k in range(body_from, n):
            if any(normed[k].endswith(e) or e in normed[k] for e in ends if e):
                body_to = k
                break
        if body_to is None:
            problems.append(f"body end not found: {art.get('headline')}")
            continue
        heads = {norm(h) for h in art.get("section_heads") or []}
        stack = set(range(*head)) if head else set()
        for k in range(body_from, body_to + 1):
            if k in stack or (page.roles[k] in ("kicker", "subtitle") and k < body_from + 1):
                continue
            if k == body_from and (not head or body_from < head[0]):
                page.roles[k] = "opener"
            elif _is_gold_caption(normed[k], art):
                page.roles[k] = "caption"
            elif normed[k] in heads:
                page.roles[k] = "section"
            else:
                page.roles[k] = "body"
        # An article printed inside this one (a photo story, a brief) starts after this
        # one's own start: the next headline is looked for from here, and labels it
        # gives overwrite this body's.
        ptr = (head[1] if head else body_from + 1)
        after = body_to + 1
        if byline and after < n and (normed[after] == byline or (
                byline.startswith(normed[after]) and page.roles[after] == "junk")):
            page.roles[after] = "tail"
    _label_loose_captions(page, normed, gold)
    return problems


def _body_start(normed: list[str], page: Page, art: dict, byline: str, starts: list[str],
                cursor: int) -> int | None:
    for k in range(cursor, len(normed)):
        text = normed[k]
        rest = text[len(byline):] if byline and text.startswith(byline) else text
        if byline and text == byline:
            page.roles[k] = "byline"
            continue
        if any(rest.startswith(s) or text.startswith(s) for s in starts if s):
            return k
        if page.roles[k] == "junk" and k - cursor < 6 and _is_gold_caption(text, art):
            page.roles[k] = "caption"
    return None


def _is_gold_caption(text: str, art: dict) -> bool:
    return any(c and text.startswith(norm(c)[:EDGE]) for c in _caption_lines(art))


def _caption_lines(art: dict) -> list[str]:
    return [part for c in art.get("captions") or [] for part in c.split("\n") if part.strip()]


def _label_loose_captions(page: Page, normed: list[str], gold: dict) -> None:
    for art in gold["articles"]:
        for cap in _caption_lines(art):
            key = norm(cap)[:EDGE]
            for k, text in enumerate(normed):
                if page.roles[k] == "junk" and key and text.startswith(key):
                    page.roles[k] = "caption"


def load(seed: Path, gold_path: Path) -> tuple[Page, dict, list[str]]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    page = page_lines(seed.read_text(encoding="utf-8"))
    problems = align(page, gold)
    return page, gold, problems

"""The line-role model applied to a classified page: each line's kind follows its role.

The rule classifier (``classify``) reads what a line says (a byline's names, a credit's
photographer); the model decides what the line *is* on this page, from its shape and
its neighbours'. Parsed parts are kept; only the kind changes.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

from .assemble import rule_stack_roles
from .bylines import (
    LeadByline,
    is_group_credit,
    is_picture_credit,
    is_role_byline,
    is_signature,
    parse_names,
)
from .classify import (
    MARKED,
    Item,
    Kind,
    ends_in_column_tag,
    is_book_info,
    is_edition_line,
    is_finished,
    is_intro_label,
    is_labelled_paragraph,
    is_square_label,
)
from .features import PageLine, context, opens_article, page_relative, reads_as_names, shape
from .roles import Role
from .tagger import Model, Tagging

MODEL_PATH = Path(__file__).with_name("model.json")


@cache
def shipped_model() -> Model:
    """The model trained on the project's layout fixtures (``python -m baoku.segment.train``)."""
    return Model.load(MODEL_PATH)


def page_features(items: list[Item]) -> list[list[str]]:
    page = "\n".join(it.text for it in items)
    feats = context([shape(it.text, it.spaced, it.kind, it.gap_before, it.gap_after,
                           _printed_twice(it.text, page)) for it in items])
    for i, role in _stack_conventions(items):
        feats[i].append(f"stack_rule={role}")
    lines = [PageLine(it.text, is_finished(it.text), it.credit is not None,
                      it.kind in ("head", "marked", "commentary")) for it in items]
    for own, relative in zip(feats, page_relative(lines), strict=True):
        own.extend(relative)
    return feats


def _stack_conventions(items: list[Item]) -> list[tuple[int, str]]:
    """(line index, role the conventions give it) for every run of headline-like lines."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j].kind in ("head", "marked", "commentary"):
            j += 1
        if j > i:
            out.extend(zip(range(i, j), rule_stack_roles(items[i:j]), strict=True))
            i = j
        else:
            i += 1
    return out


def _printed_twice(text: str, page: str) -> bool:
    """The line's words stand elsewhere on the page too: a pull quote repeats a sentence
    of the body in large type."""
    return _PULL_QUOTE_MIN <= len(text) <= _PULL_QUOTE_MAX and page.count(text[2:-2]) >= 2


_PULL_QUOTE_MIN, _PULL_QUOTE_MAX = 10, 80


def tag_items(items: list[Item], model: Model | None = None) -> tuple[list[Item], Tagging]:
    """Each line's role: the model's reading of the page, read again around the lines
    whose role a fact of page layout settles (``page_facts``)."""
    model = model or shipped_model()
    features = page_features(items)
    tagging = model.tag(features)
    settled: dict[int, Role] = {}
    for _ in range(_FACT_ROUNDS):
        found = page_facts(items, tagging.roles)
        if not found:
            break
        settled.update(found)
        tagging = model.tag(features, settled)
    labelled = [apply_role(it, role) for it, role in zip(items, tagging.roles, strict=True)]
    return _photo_credits(labelled), tagging


_FACT_ROUNDS = 3


def page_facts(items: list[Item], roles: tuple[Role, ...]) -> dict[int, Role]:
    """Lines the model read against a fact of page layout, with the role the fact gives.
    Each fact was counted on the annotated fixture pages before it went in (figures in
    docs/segmentation.md).

    What a line says:
    - page furniture (an edition line "第14版：综合", an editors' credit) is debris;
    - a book's particulars ("《书名》：某某著；某某出版社出版。") are a cover's whole caption;
    - a role-word byline ("本报记者  贺  勇") or a picture credit ("某某局供图") is no title;
    - a label in square brackets heads a section ("【曾经】"), or leads a paragraph of
      text ("【事件】…"); "核心阅读" and "编者按" open the article's text.

    What stands around it:
    - a credit for a group of pictures ("以上图片均为某某摄") closes the captions above it;
    - a dateline or a news mark ("新华社北京1月7日电", "本报讯") opens an article: a line
      read as a subheading right above one is that article's headline;
    - a line closed by a column tag right over a byline is the headline, a title line
      right above it its kicker, and a short line of names right under it its byline;
    - subheadings in running text open no article: a sentence right under one is text, a
      title right over one or between two of them is one more;
    - a page's short first line over text is its first headline, and text right under a
      headline or a byline never opens an article of its own;
    - a place or workplace and a name under a paragraph ("某某县某某中学  王小川") is a
      signature, never a title.
    """
    found = {i: _fact(items, roles, i) for i in range(len(items))}
    found.update(_group_captions(items, roles))
    return {i: role for i, role in found.items() if role is not None and role != roles[i]}


def _fact(items: list[Item], roles: tuple[Role, ...], i: int) -> Role | None:
    return _fact_of_its_words(items, roles, i) or _fact_of_its_neighbours(items, roles, i)


def _fact_of_its_words(items: list[Item], roles: tuple[Role, ...], i: int) -> Role | None:
    """What the line says settles what it is (or at least what it is not)."""
    item, role = items[i], roles[i]
    after_text = i > 0 and roles[i - 1] in ("body", "opener")
    if is_book_info(item.text):
        return "caption"
    if item.kind == "furniture" or is_edition_line(item.text):
        return "junk"
    if role == "junk" and is_labelled_paragraph(item.text):
        return "body"
    if role in _TITLES and is_role_byline(item.spaced):
        return "tail" if after_text else "byline"
    if role in _TITLES and i and not after_text and is_picture_credit(item.spaced):
        return "junk"
    if role == "byline" and is_square_label(item.text):
        return "section"
    if role in _STACK and is_intro_label(item.text):
        return "body"
    return None


def _fact_of_its_neighbours(items: list[Item], roles: tuple[Role, ...], i: int) -> Role | None:
    """What stands right above or below the line settles what it is."""
    item, role = items[i], roles[i]
    before = roles[i - 1] if i else None
    after = items[i + 1] if i + 1 < len(items) else None
    after_role = roles[i + 1] if after is not None else None
    if role in _STACK and after_role == "section" \
            and before in ("body", "opener", "caption", "section", "junk", "kicker"):
        return "section"
    if i == 0 and role == "junk" and after_role in ("body", "opener") \
            and item.kind not in ("furniture", "placeholder") \
            and len(item.text) <= _TOP_TITLE_MAX and not is_finished(item.text):
        return "headline"
    if role == "opener" and before in ("headline", "subtitle", "byline"):
        return "body"
    if role in _STACK and _between_subheadings(items, roles, i):
        return "section"
    if role == "caption" and i and is_book_info(items[i - 1].text):
        return "body"
    if role != "byline" and i and ends_in_column_tag(items[i - 1].text) \
            and reads_as_names(item.text, item.spaced):
        return "byline"
    if after is not None and role == "section" and after.gap_before <= 1 \
            and opens_article(after.text):
        return "headline"
    if after is not None and after_role == "byline" and ends_in_column_tag(item.text):
        return "headline"
    if after is not None and role == after_role == "headline" \
            and ends_in_column_tag(after.text) and not ends_in_column_tag(item.text):
        return "kicker"
    if role in _STACK and before == "section" and i > 1 \
            and roles[i - 2] in ("body", "opener") and is_finished(item.text):
        return "body"
    if role in _TITLES and before in ("body", "opener") \
            and is_finished(items[i - 1].text) and is_signature(item.spaced):
        return "tail"
    return None


def _between_subheadings(items: list[Item], roles: tuple[Role, ...], i: int) -> bool:
    """A lone title line inside running text, with a subheading above it and another below
    it across the text: one more subheading of the same article."""
    if not 0 < i < len(items) - 1 or roles[i - 1] != "body" or roles[i + 1] != "body" \
            or items[i].kind == "commentary" or opens_article(items[i + 1].text):
        return False
    above = next((r for r in reversed(roles[:i]) if r != "body"), None)
    below = next((r for r in roles[i + 1:] if r != "body"), None)
    return above == below == "section"


_TOP_TITLE_MAX = 30
_STACK = ("kicker", "headline", "subtitle")
_TITLES = (*_STACK, "section")


def _group_captions(items: list[Item], roles: tuple[Role, ...]) -> dict[int, Role]:
    found: dict[int, Role] = {}
    for credit, item in enumerate(items):
        if not is_group_credit(item.spaced):
            continue
        above = range(credit - 1, max(credit - 1 - _GROUP_CAPTIONS_MAX, -1), -1)
        start = next((j + 1 for j in above if roles[j] in _ABOVE_PICTURES), None)
        if start is not None and start < credit:
            found.update({j: "caption" for j in range(start, credit)})
            found[credit] = "junk"
    return found


_GROUP_CAPTIONS_MAX = 4
_ABOVE_PICTURES = ("byline", "headline", "kicker", "subtitle")


def _photo_credits(items: list[Item]) -> list[Item]:
    """A bare photo credit read as a closing byline, right under a caption or a title, is
    what closes a photo box: the walk groups the box above it into a photo story."""
    out = list(items)
    for i in range(1, len(out)):
        it = out[i]
        if it.role == "tail" and it.credit and not it.credit.caption \
                and out[i - 1].role in ("caption", "headline", "kicker", "body") \
                and out[i - 1].kind != "lead" and _boxed(out, i):
            out[i] = replace(it, kind="credit")
    return out


def _boxed(items: list[Item], credit: int) -> bool:
    """The lines above the credit up to the last headline are few and short: a box."""
    j = credit - 1
    while j >= 0 and items[j].role not in ("headline", "kicker"):
        if credit - j > _PHOTO_BOX_LINES or items[j].role in ("byline", "opener", "tail"):
            return False
        j -= 1
    return j >= 0


_PHOTO_BOX_LINES = 4


def apply_role(item: Item, role: str) -> Item:
    marked = item.kind == "marked"
    if role in ("kicker", "headline", "subtitle"):
        # a commentary label ("…点评", "短评") keeps its kind: it heads its own box
        kind: Kind = ("marked" if marked else "commentary" if item.kind == "commentary"
                      else "head")
        return replace(item, kind=kind, role=role)
    if marked:  # a '## ' line the model reads as something else: the marker is not text
        spaced = MARKED.match(item.spaced)
        item = replace(item, spaced=spaced.group("text").strip() if spaced else item.text)
    if role == "section":
        return replace(item, kind="section", role=role)
    if role == "byline":
        lead = item.lead or LeadByline(item.spaced, "", parse_names(item.spaced))
        return replace(item, kind="lead", lead=lead, role=role)
    if role == "tail":
        tail = item.tail or (item.lead.people if item.lead else parse_names(item.spaced))
        return replace(item, kind="tail", tail=tail, role=role)
    if role == "caption":
        kind = "credit" if item.credit and not item.credit.caption else "caption"
        return replace(item, kind=kind, role=role)
    if role == "junk":
        keep = item.kind if item.kind in ("furniture", "placeholder") else "junk"
        return replace(item, kind=keep, role=role)
    if role == "opener":
        return replace(item, kind="opener", role=role)
    # body
    if item.lead and item.lead.rest:
        return replace(item, kind="lead", role=role)
    return replace(item, kind="body", role=role, lead=None)


__all__ = ["MODEL_PATH", "page_features", "shipped_model", "tag_items"]

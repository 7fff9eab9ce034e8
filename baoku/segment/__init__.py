"""Segment stage: cleaned lines -> articles, captions, junk and warnings.

Three steps: ``classify`` reads what each line says (bylines, credits, markers), the
line-role model (``tagging``) decides what each line is on this page, and ``walk``
writes the articles from the labelled lines, keeping every line somewhere (an article
field, a caption, or the junk list) and none twice.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import CleanText, Segmentation
from .assemble import finish
from .classify import Item, classify
from .confidence import judge
from .tagger import Model
from .tagging import tag_items
from .walk import Assembler, photo_groups

__all__ = ["assemble_items", "segment"]


def segment(text: CleanText, model: Model | None = None) -> Segmentation:
    items, tagging = tag_items(classify(text), model)
    confidence, doubts = judge(items, tagging)
    return replace(assemble_items(items), confidence=confidence, doubts=doubts)


def assemble_items(items: list[Item]) -> Segmentation:
    """Articles from lines whose kinds the line-role model has set."""
    groups = photo_groups(items)
    assembler = Assembler(items, groups)
    assembler.run()
    ordered = sorted(assembler.drafts, key=lambda d: d.start)
    articles = tuple(finish(d, n) for n, d in enumerate(ordered, start=1))
    return Segmentation(articles=articles, junk=tuple(assembler.junk),
                        warnings=assembler.sorted_warnings())

"""How sure the segmenter is of a page, and which lines a librarian should look at.

The line-role model scores every role for every line; a line's margin is how far its
chosen role leads the best other role over the whole page (max-marginals, see
``tagger``). A small margin on a line that decides where articles start or what they
are called (a headline, a byline, the first line of an item without a headline) is a
place where the page may be cut wrongly.
"""

from __future__ import annotations

from .classify import Item
from .tagger import Tagging

SURE_MARGIN = 30.0  # perceptron score units; below it a line's role is in doubt (see evaluate)
REVIEW_BELOW = 0.95  # pages under this confidence are listed as 待校对 in the report (see docs)
_STRUCTURAL = ("kicker", "headline", "subtitle", "byline", "opener", "section", "tail")
_ROLE_NAMES = {"kicker": "引题", "headline": "标题", "subtitle": "副题", "byline": "署名",
               "body": "正文", "section": "小标题", "caption": "图片说明", "tail": "文末署名",
               "opener": "无标题短文开头", "junk": "杂项"}
_MAX_DOUBTS = 12


def judge(items: list[Item], tagging: Tagging) -> tuple[float, tuple[str, ...]]:
    """(confidence, doubts) for a page's Segmentation.

    Each line's doubt grows from 0 (margin of ``SURE_MARGIN`` or more) to 1 (a tie); lines
    that start or name articles weigh twice. Confidence is one minus the weighted mean."""
    if not items:
        return 1.0, ()
    weights = [2 if role in _STRUCTURAL else 1 for role in tagging.roles]
    doubt = sum(w * max(0.0, 1.0 - margin / SURE_MARGIN)
                for w, margin in zip(weights, tagging.margins, strict=True))
    confidence = max(0.0, 1.0 - doubt / sum(weights))
    doubts = tuple(_describe(it, role) for it, role, margin
                   in zip(items, tagging.roles, tagging.margins, strict=True)
                   if margin < SURE_MARGIN and (role in _STRUCTURAL or role == "junk"))
    return round(confidence, 3), doubts[:_MAX_DOUBTS]


def needs_review(confidence: float) -> bool:
    return confidence < REVIEW_BELOW


def _describe(item: Item, role: str) -> str:
    text = item.text if len(item.text) <= 24 else item.text[:24] + "…"
    return f"第 {item.number} 行“{text}”读作{_ROLE_NAMES.get(role, role)}，把握不大"

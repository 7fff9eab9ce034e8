"""Line roles: what each non-blank line of a page is, as the line-role model sees it."""

from __future__ import annotations

from typing import Literal

Role = Literal["kicker", "headline", "subtitle", "byline", "body", "section", "caption",
               "tail", "opener", "junk"]
ROLES: tuple[Role, ...] = ("kicker", "headline", "subtitle", "byline", "body", "section",
                           "caption", "tail", "opener", "junk")
# opener: the first paragraph of an article printed without a headline (a brief, a letter,
# a photo item), which starts a new article all the same.

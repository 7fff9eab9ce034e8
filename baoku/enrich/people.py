"""Credited people: names without spaces, titles or duplicates."""

from __future__ import annotations

import re
from typing import TypedDict

from ..cjk import HAN
from ..model import Article

# Titles printed before or after a name in credits; longest first so 见习记者 beats 记者.
TITLES = tuple(sorted(
    [
        "本报融媒体记者", "融媒体记者", "本报记者", "见习记者", "特约记者", "首席记者",
        "实习记者", "记者", "通讯员", "实习生", "摄影记者", "摄影", "文/图",
        "图/文", "编辑", "责任编辑", "本报", "特约通讯员"
    ],
    key=len, reverse=True,
))
NOT_NAMES = frozenset({"本报讯", "新华社", "本报综合", "综合报道", "佚名"})
SPACE_RE = re.compile(r"[\s\u3000]+")
EDGE_PUNCT = "()（）[]【】<>《》“”\"'‘’:：,，、;；.。/"
# Han names of 2–4 characters, longer transliterated names joined by ·, Latin names.
NAME_RE = re.compile(
    f"^[{HAN}]{{2,4}}$"
    f"|^[{HAN}]+(?:[·•][{HAN}]+)+$"
    r"|^[A-Za-z][A-Za-z .'-]{1,40}$"
)


def normalise_name(raw: str) -> str | None:
    """One credited name, or None when nothing name-like is left."""
    name = raw.strip().strip(EDGE_PUNCT)
    changed = True
    while changed:
        changed = False
        for title in TITLES:
            if name.startswith(title) and len(name) >= len(title) + 2:
                name, changed = name[len(title):].strip(EDGE_PUNCT + " "), True
            if name.endswith(title) and len(name) >= len(title) + 2:
                name, changed = name[:-len(title)].strip(EDGE_PUNCT + " "), True
        if name.endswith("摄") and len(name.rstrip(" 摄")) >= 2:
            name, changed = name[:-1].rstrip(), True
    if re.search(f"[{HAN}]", name):
        name = SPACE_RE.sub("", name)
    if name in TITLES or name in NOT_NAMES:
        return None
    return name if NAME_RE.match(name) else None


def normalise_names(names: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (normalise_name(n) for n in names)
    return tuple(dict.fromkeys(n for n in cleaned if n))


class Credits(TypedDict):
    reporters: tuple[str, ...]
    correspondents: tuple[str, ...]
    photographers: tuple[str, ...]


def normalised_people(article: Article) -> Credits:
    """The article's credit fields with their names cleaned, for ``replace``."""
    return {
        "reporters": normalise_names(article.reporters),
        "correspondents": normalise_names(article.correspondents),
        "photographers": normalise_names(article.photographers),
    }

"""Topics from an editable taxonomy (``topics.toml``), scored with jieba TF-IDF."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from ..read import ReadError, read_small_file

MAX_TOPICS = 4
MIN_SCORE = 0.12  # absolute floor: below it an article gets no topic at all
RELATIVE_FLOOR = 0.45  # a further topic needs this share of the best topic's score


@dataclass(frozen=True)
class Topic:
    name: str
    words: tuple[tuple[str, float], ...]  # (keyword, weight)


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...] = ()
    warnings: tuple[str, ...] = ()

    def words(self) -> list[str]:
        return sorted({w for t in self.topics for w, _ in t.words})

    @cached_property
    def word_index(self) -> dict[str, list[tuple[int, int, float]]]:
        """Word -> (topic's place, word's place in that topic, weight), for every topic
        that lists it."""
        index: dict[str, list[tuple[int, int, float]]] = {}
        for topic_at, topic in enumerate(self.topics):
            for word_at, (word, weight) in enumerate(topic.words):
                index.setdefault(word, []).append((topic_at, word_at, weight))
        return index


def _topic(item: object, where: str) -> tuple[Topic | None, str | None]:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None, f"{where}：缺少主题名称 name"
    name = item["name"].strip()
    words = item.get("words")
    if not isinstance(words, dict) or not words:
        return None, f"{where}（{name}）：words 应写成 {{ \"关键词\" = 权重 }}"
    good = [(w.strip(), float(v)) for w, v in words.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and v > 0 and w.strip()]
    warning = None
    if len(good) < len(words):
        warning = f"{where}（{name}）：有 {len(words) - len(good)} 个关键词的权重不是正数，已忽略"
    return (Topic(name, tuple(good)) if good else None), warning


def parse_taxonomy(text: str, label: str = "topics.toml") -> Taxonomy:
    """Parse a taxonomy; problems become Chinese warnings, never exceptions."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Taxonomy(warnings=(f"{label}：无法解析主题表（{exc}）",))
    items = table.get("topic", [])
    if not isinstance(items, list):
        return Taxonomy(warnings=(f"{label}：topic 应写成 [[topic]] 表的列表",))
    topics, warnings = [], []
    for index, item in enumerate(items, start=1):
        topic, warning = _topic(item, f"{label} 第 {index} 个 [[topic]]")
        if warning:
            warnings.append(warning)
        if topic:
            topics.append(topic)
    return Taxonomy(tuple(topics), tuple(warnings))


def builtin_taxonomy_text() -> str:
    return (resources.files("baoku") / "data" / "topics.toml").read_text(encoding="utf-8")


def load_taxonomy(path: Path | None) -> Taxonomy:
    """The librarian's taxonomy if configured, else the built-in one."""
    if path is None:
        return parse_taxonomy(builtin_taxonomy_text())
    try:
        return parse_taxonomy(read_small_file(path, path.name).decode("utf-8-sig"), path.name)
    except (ReadError, UnicodeDecodeError) as exc:  # too large, a pipe, not UTF-8 …
        fallback = parse_taxonomy(builtin_taxonomy_text())
        reason = str(exc).removeprefix(f"{path.name}：").removesuffix("，已跳过")
        warning = f"{path.name}：无法读取主题表（{reason}），改用内置主题表"
        return Taxonomy(fallback.topics, (warning, *fallback.warnings))


def topic_scores(weights: dict[str, float], taxonomy: Taxonomy) -> dict[str, float]:
    """Each topic's score: the article's TF-IDF weights of its words times their weights.

    Only the topics listing one of the article's words are visited; each score is summed
    in its topic's own word order, so it is the same float as a sum over all its words."""
    terms: dict[int, list[tuple[int, float]]] = {}
    index = taxonomy.word_index
    for word in weights.keys() & index.keys():  # any order: each sum is sorted below
        article_weight = weights[word]
        for topic_at, word_at, weight in index[word]:
            terms.setdefault(topic_at, []).append((word_at, article_weight * weight))
    scores = {}
    for topic_at in sorted(terms):
        score = sum(value for _, value in sorted(terms[topic_at]))
        if score > 0:
            scores[taxonomy.topics[topic_at].name] = score
    return scores


def choose_topics(scores: dict[str, float], max_topics: int = MAX_TOPICS
                  ) -> tuple[str, ...]:
    """Best first: above the floor and close enough to the best topic."""
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked or ranked[0][1] < MIN_SCORE:
        return ()
    floor = max(MIN_SCORE, ranked[0][1] * RELATIVE_FLOOR)
    return tuple(name for name, score in ranked[:max_topics] if score >= floor)


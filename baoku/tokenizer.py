"""The one module that imports jieba: Chinese word segmentation and keyword extraction.

jieba's dictionary is loaded once per process, on first use. Other stages depend on
the small ``Tokenizer`` protocol, so tests of unrelated stages never pay for jieba.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import Protocol


class Tokenizer(Protocol):
    def cut(self, text: str) -> list[str]: ...

    def cut_for_search(self, text: str) -> list[str]: ...

    def keywords(self, text: str, top_k: int, allow_pos: Iterable[str] | None = None
                 ) -> list[tuple[str, float]]: ...

    def add_words(self, words: Iterable[str]) -> None: ...

    def tag(self, text: str) -> list[tuple[str, str]]: ...


class JiebaTokenizer:
    """jieba behind the ``Tokenizer`` protocol; one shared instance per process."""

    def __init__(self) -> None:
        import jieba
        import jieba.analyse
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        self._jieba = jieba
        # jieba.analyse builds its default extractor (and loads the IDF table) on import;
        # a second TFIDF() would load the table again.
        self._tfidf = jieba.analyse.default_tfidf
        self._posseg = jieba.posseg
        self._added: set[str] = set()

    def cut(self, text: str) -> list[str]:
        return [w for w in self._jieba.lcut(text) if w.strip()]

    def cut_for_search(self, text: str) -> list[str]:
        return [w for w in self._jieba.lcut_for_search(text) if w.strip()]

    def keywords(self, text: str, top_k: int, allow_pos: Iterable[str] | None = None
                 ) -> list[tuple[str, float]]:
        pos = tuple(allow_pos) if allow_pos else ()
        return list(self._tfidf.extract_tags(text, topK=top_k, withWeight=True, allowPOS=pos))

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Words with their part-of-speech flags (``ns`` place, ``v`` verb …)."""
        return [(p.word, p.flag) for p in self._posseg.lcut(text) if p.word.strip()]

    def add_words(self, words: Iterable[str]) -> None:
        """Teach jieba words it should never split (place names, people, slogans)."""
        for word in words:
            if word and word not in self._added:
                self._jieba.add_word(word, freq=None)
                self._added.add(word)


@cache
def default_tokenizer() -> JiebaTokenizer:
    return JiebaTokenizer()

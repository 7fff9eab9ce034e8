"""The one module that does Chinese word segmentation and keyword extraction.

Cutting and tagging use ``rjieba`` (jieba-rs: jieba's own dictionary and algorithm in Rust,
about 15× faster than pure-Python jieba); TF-IDF keywords use jieba's IDF table. Every
``JiebaTokenizer`` owns a dictionary of its own, so the words one enricher teaches it (place
names, topic phrases) never reach another; only the read-only IDF table is loaded once per
process. Other stages depend on the small ``Tokenizer`` protocol, so tests of unrelated
stages never pay for the dictionaries.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

# jieba's TF-IDF ignores these (its own default stop list); ours live in enrich's data.
_TFIDF_STOP = frozenset(
    [
        "the",
        "of",
        "is",
        "and",
        "to",
        "in",
        "that",
        "we",
        "for",
        "an",
        "are",
        "by",
        "be",
        "as",
        "on",
        "with",
        "can",
        "if",
        "from",
        "which",
        "you",
        "it",
        "this",
        "then",
        "at",
        "have",
        "all",
        "not",
        "one",
        "has",
        "or",
        "that",
    ]
)


class Tokenizer(Protocol):
    def cut(self, text: str) -> list[str]: ...

    def cut_for_search(self, text: str) -> list[str]: ...

    def keywords(
        self, text: str, top_k: int, allow_pos: Iterable[str] | None = None
    ) -> list[tuple[str, float]]: ...

    def add_words(self, words: Iterable[str]) -> None: ...

    def tag(self, text: str) -> Sequence[tuple[str, str]]: ...


def _jieba_idf_path() -> Path:
    """jieba's IDF table, located without importing jieba (its import is slow)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed; it provides the IDF table for keywords")
    return Path(next(iter(spec.submodule_search_locations))) / "analyse" / "idf.txt"


@cache
def _jieba_class() -> Any:
    """rjieba's ``Jieba`` class. Importing the ``rjieba`` package builds a dictionary for
    its module-level functions, which baoku never calls (~25 MB and ~0.1 s a process on
    top of every tokenizer's own), so the class is taken from its extension module,
    loaded as the package loads it (a later ``import rjieba`` reuses the module)."""
    if "rjieba" in sys.modules:
        return sys.modules["rjieba"].Jieba
    try:
        spec = importlib.util.find_spec("rjieba")
        assert spec is not None and spec.submodule_search_locations
        folder = Path(next(iter(spec.submodule_search_locations)))
        binary = next(p for p in folder.iterdir()
                      if p.name.startswith("rjieba.") and p.suffix in (".so", ".pyd"))
        extension = importlib.util.spec_from_file_location("rjieba.rjieba", binary)
        assert extension is not None and extension.loader is not None
        module = importlib.util.module_from_spec(extension)
        sys.modules["rjieba.rjieba"] = module
        extension.loader.exec_module(module)
        return module.Jieba
    except Exception:  # an rjieba laid out otherwise: the plain import, one dictionary more
        sys.modules.pop("rjieba.rjieba", None)
        import rjieba

        return rjieba.Jieba


@cache
def jieba_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table and median, read once per process (never changed after)."""
    return load_idf(_jieba_idf_path())


def load_idf(path: Path) -> tuple[dict[str, float], float]:
    """The IDF table (word → idf) and its median, used for unknown words as jieba does."""
    idf: dict[str, float] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, _, value = line.rstrip("\n").rpartition(" ")
            if word:
                idf[word] = float(value)
    ordered = sorted(idf.values())
    return idf, ordered[len(ordered) // 2] if ordered else 0.0


# ``JiebaTokenizer.tag`` remembers texts up to this long, and at most this many of them.
TAG_CACHE_MAX_CHARS = 16
TAG_CACHE_MAX_ENTRIES = 100_000


class KeywordIdf(dict[str, "float | None"]):
    """Word -> its IDF for TF-IDF keywords (the median for a word the table lacks), or
    None for a word jieba's ``extract_tags`` skips: under two characters, a stop word.
    Filled as words are met."""

    def __init__(self, idf: dict[str, float], median: float) -> None:
        super().__init__()
        self._idf, self._median = idf, median

    def __missing__(self, word: str) -> float | None:
        weight = (self._idf.get(word, self._median)
                  if len(word.strip()) >= 2 and word.lower() not in _TFIDF_STOP else None)
        self[word] = weight
        return weight


class JiebaTokenizer:
    """jieba's dictionary behind the ``Tokenizer`` protocol. Each instance loads its own
    dictionary (about 0.1 s and 25 MB), so ``add_words`` changes this instance only."""

    def __init__(self) -> None:
        self._jieba = _jieba_class()()
        self._idf, self._median_idf = jieba_idf()
        self._keyword_idf = KeywordIdf(self._idf, self._median_idf)
        self._added: set[str] = set()
        self._tags: dict[str, tuple[tuple[str, str], ...]] = {}

    def cut(self, text: str) -> list[str]:
        return list(filter(str.strip, self._jieba.cut(text)))  # drop whitespace "words"

    def cut_for_search(self, text: str) -> list[str]:
        return list(filter(str.strip, self._jieba.cut_for_search(text)))

    def tag(self, text: str) -> Sequence[tuple[str, str]]:
        """Words with their part-of-speech flags (``ns`` place, ``v`` verb …).

        Short texts are remembered: enrichment tags single words and the few characters
        before a place name, and the same ones recur across an archive's articles."""
        tagged = self._tags.get(text)
        if tagged is None:
            tagged = tuple((w, flag) for w, flag in self._jieba.tag(text) if w.strip())
            if len(text) <= TAG_CACHE_MAX_CHARS:
                if len(self._tags) >= TAG_CACHE_MAX_ENTRIES:
                    self._tags.clear()
                self._tags[text] = tagged
        return tagged

    def keywords(
        self, text: str, top_k: int, allow_pos: Iterable[str] | None = None
    ) -> list[tuple[str, float]]:
        """TF-IDF keywords, best first, computed as jieba's ``extract_tags`` does."""
        allowed = frozenset(allow_pos or ())
        words = (
            [w for w, flag in self._jieba.tag(text) if flag in allowed]
            if allowed
            else self._jieba.cut(text)
        )
        # Counted first, then weighed: an article repeats its words, so each distinct word
        # is looked up once, and its weight (or its exclusion) is remembered across
        # articles. Counter keeps first-seen order, which is the order jieba breaks ties in.
        weights = self._keyword_idf
        kept = [(w, n, idf) for w, n in Counter(words).items()
                if (idf := weights[w]) is not None]
        total = float(sum([n for _, n, _ in kept]))
        weighted = [(w, n * idf / total) for w, n, idf in kept]
        return sorted(weighted, key=itemgetter(1), reverse=True)[:top_k]

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the dictionary words it should never split (place names, topics)."""
        for word in words:
            if word and word not in self._added:
                self._jieba.add_word(word, None, "x")  # jieba tags added words "x"
                self._added.add(word)
                self._tags.clear()  # a new word can change how a remembered text is cut


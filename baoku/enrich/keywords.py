"""Article keywords: jieba TF-IDF over headline and body, minus a librarian's stop list."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from ..model import Article
from ..tokenizer import Tokenizer

KEYWORD_COUNT = 8
TERMS_RANKED = 300  # TF-IDF terms kept per article, for keywords and topic scores
# Nouns, places, organisations, other proper nouns, verbal nouns, set phrases, Latin words.
KEYWORD_POS = frozenset({"n", "nr", "ns", "nt", "nz", "vn", "l", "j", "eng", "x"})
HEADLINE_REPEAT = 3  # the headline counts as if printed this many times
NUMBERISH_RE = re.compile(r"^[\d０-９.%％,，一二三四五六七八九十百千万亿两几第余多个年月日号时]+$")


def parse_stopwords(text: str) -> frozenset[str]:
    lines = (line.strip() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@cache
def builtin_stopwords() -> frozenset[str]:
    data = resources.files("baoku") / "data" / "keyword_stopwords.txt"
    return parse_stopwords(data.read_text(encoding="utf-8"))


def weighted_text(article: Article) -> str:
    """Headline (and kicker) repeated ahead of the body so their words weigh more."""
    heads = [t for t in (article.kicker, article.headline, article.subtitle) if t]
    return "\n".join([*(heads * HEADLINE_REPEAT), article.text])


def is_keyword(word: str, stopwords: frozenset[str]) -> bool:
    word = word.strip()
    return len(word) >= 2 and word not in stopwords and not NUMBERISH_RE.match(word)


def rank_terms(article: Article, tokenizer: Tokenizer) -> list[tuple[str, float]]:
    """TF-IDF weights of the article's words, heaviest first (shared with topic scoring)."""
    text = weighted_text(article)
    return tokenizer.keywords(text, TERMS_RANKED) if text.strip() else []


def pick_keywords(ranked: list[tuple[str, float]], tokenizer: Tokenizer,
                  stopwords: frozenset[str], count: int = KEYWORD_COUNT) -> tuple[str, ...]:
    """The heaviest nouns and names, skipping stop words, numbers and verbs.

    Words are tagged one by one (their dictionary part of speech): tagging whole
    articles with jieba's HMM costs far more than the rest of enrichment together.
    """
    chosen: list[str] = []
    for word, _ in ranked:
        if len(chosen) == count:
            break
        if word in chosen or not is_keyword(word, stopwords):
            continue
        tagged = tokenizer.tag(word)
        if len(tagged) == 1 and tagged[0][1] in KEYWORD_POS:
            chosen.append(word)
    return tuple(chosen)


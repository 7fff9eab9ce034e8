"""Article keywords: jieba TF-IDF over headline and body, minus a librarian's stop list."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from ..model import Article
from ..tokenizer import Tokenizer

KEYWORD_COUNT = 8
CANDIDATES = 40
# Nouns, places, organisations, other proper nouns, verbal nouns and set phrases.
KEYWORD_POS = ("n", "nr", "ns", "nt", "nz", "vn", "l", "j", "eng")
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


def extract_keywords(article: Article, tokenizer: Tokenizer, stopwords: frozenset[str],
                     count: int = KEYWORD_COUNT) -> tuple[str, ...]:
    """The most important words first; stop words, numbers and single characters dropped."""
    text = weighted_text(article)
    if not text.strip():
        return ()
    ranked = tokenizer.keywords(text, CANDIDATES, KEYWORD_POS)
    words = [w for w, _ in ranked if is_keyword(w, stopwords)]
    return tuple(dict.fromkeys(words))[:count]

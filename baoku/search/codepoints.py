"""Texts as arrays of code points, and which code points are Chinese characters or quotes.

The Pagefind record pages space out every Chinese character of a whole batch of texts at
once with numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from ..cjk import CJK_RANGES

# Quotes and brackets do not separate words for search (“五星”支部 holds 五星支部): the
# Pagefind record pages glue them to a character, the search page drops them.
QUOTE_CHARS = "\"'“”‘’「」『』《》〈〉【】〔〕（）()[]"
# Whitespace (what the search page's ``\s`` matches, and the zero-width space): the page
# checks a query against the text with it removed, so an index term may span it.
BLANK_CHARS = (" \t\n\r\v\f\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff\u200b"
               + "".join(map(chr, range(0x2000, 0x200B))))
CJK_CLASS, QUOTE_CLASS, BLANK_CLASS = 1, 2, 3


@cache
def character_classes() -> np.ndarray:
    """Code point -> ``CJK_CLASS`` for a Chinese character, ``QUOTE_CLASS`` for a quote or
    bracket, ``BLANK_CLASS`` for whitespace, 0 for anything else."""
    classes = np.zeros(0x110000, dtype=np.uint8)
    for low, high in CJK_RANGES:
        classes[low:high + 1] = CJK_CLASS
    classes[[ord(q) for q in QUOTE_CHARS]] = QUOTE_CLASS
    classes[[ord(b) for b in BLANK_CHARS]] = BLANK_CLASS
    return classes


def joined_code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The texts' code points joined by NULs (neither Chinese nor a quote, so no word
    spans two texts), and each text's length counting the NUL after it."""
    points = np.frombuffer("\0".join(texts).encode("utf-32-le", "surrogatepass"),
                           dtype=np.uint32)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    return points, lengths

"""NFKC normalisation, fast on newspaper text.

``unicodedata.normalize("NFKC", text)`` decomposes and recomposes every character once a
text holds a single full-width comma, which newspaper text always does (~8x slower here).
Replacing each character that has a compatibility form by that form first leaves the NFKC
form of the text unchanged, and usually leaves a text that is normalised already, which
``unicodedata.is_normalized`` confirms far faster than normalising.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``."""
    pattern, forms = _compatibility_forms()
    mapped = pattern.sub(lambda match: forms[match.group()], text)
    if not unicodedata.is_normalized("NFKC", mapped):
        mapped = unicodedata.normalize("NFKC", mapped)
    return mapped


@cache
def _compatibility_forms() -> tuple[re.Pattern[str], dict[str, str]]:
    """Basic Multilingual Plane characters whose NFKC form differs (full-width …, ①),
    as a pattern that finds them and a map to their forms."""
    forms = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        form = unicodedata.normalize("NFKC", chr(code))
        if form != chr(code):
            forms[chr(code)] = form
    return re.compile("[" + "".join(map(re.escape, forms)) + "]"), forms

"""What counts as a Chinese character, defined once: ``CJK_RANGES``, the same ranges as a
regular expression class (``HAN``) and per character (``is_cjk``); and characters counted
or picked out over a text's code points at once (numpy), rather than with a regular
expression and a Python step per run of text."""

from __future__ import annotations

import numpy as np

# CJK Extension A, the Unified Ideographs, the Compatibility Ideographs (inclusive).
CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# The ranges as the inside of a regular expression class: f"[{HAN}]" is one character.
HAN = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in CJK_RANGES)


def is_cjk(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in CJK_RANGES)


def code_points(text: str) -> np.ndarray:
    """The text's code points (lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def cjk_mask(points: np.ndarray) -> np.ndarray:
    """Which of ``points`` are Chinese characters."""
    mask = np.zeros(len(points), dtype=bool)
    for low, high in CJK_RANGES:
        mask |= (points >= low) & (points <= high)
    return mask

"""Fingerprints of rendered pages, kept beside the issue cache so that a new ``build.py``
process renders only the pages whose view changed since the last build.

A page's print is a digest of everything its bytes depend on (code, settings, theme, its
view); with it is stored a digest of the bytes that print rendered to. A page is reused
only when its print is the same *and* the file now in ``output/`` still holds those very
bytes, so a page edited, deleted or replaced by hand is always rendered again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from ..atomic import load_pickle, save_pickle

FORMAT = 1
FILE_NAME = "pages.pickle"


class PagePrint(NamedTuple):
    print: str  # digest of what the page's bytes depend on
    file: str  # site path of the page's file
    digest: bytes  # ``content_digest`` of the bytes it rendered to


def content_digest(content: bytes) -> bytes:
    return hashlib.blake2b(content, digest_size=16).digest()


def read_if_unchanged(output_dir: Path, known: PagePrint) -> bytes | None:
    """The bytes of ``known.file`` in ``output_dir``, if they are still the rendered ones."""
    try:
        content = (output_dir / known.file).read_bytes()
    except OSError:
        return None
    return content if content_digest(content) == known.digest else None


def load_prints(cache_dir: Path | None) -> dict[str, PagePrint]:
    """The prints the last build left in ``cache_dir``; empty when there are none or they
    cannot be read (they are only an optimisation)."""
    if cache_dir is None:
        return {}
    stored = load_pickle(cache_dir / FILE_NAME)
    if not (isinstance(stored, dict) and stored.get("format") == FORMAT):
        return {}
    try:
        return {path: PagePrint(*entry) for path, entry in stored["prints"].items()}
    except (AttributeError, KeyError, TypeError):
        return {}


def save_prints(cache_dir: Path | None, prints: dict[str, PagePrint]) -> None:
    """Store ``prints`` for the next process; a read-only disk only costs it its head start."""
    if cache_dir is None:
        return
    save_pickle(cache_dir / FILE_NAME,
                {"format": FORMAT, "prints": {path: tuple(p) for path, p in prints.items()}})

"""Related-article lists kept beside the issue cache, so that a new ``build.py`` process
ranks them again only when what they are ranked from changed.

Ranking every article against the archive is a few seconds at 10,000 articles, and a
rebuild with no new issue, or with edits that change no keyword, place or topic, would
reach the same lists. They are stored under one key: the caller's digest of the code and
settings plus ``related_inputs_digest`` of the archive; any other key is a miss.
"""

from __future__ import annotations

from pathlib import Path

from ..atomic import load_pickle, save_pickle

FORMAT = 1
FILE_NAME = "related.pickle"

RelatedLists = tuple[tuple[str, ...], ...]


def load_related(cache_dir: Path | None, key: str) -> RelatedLists | None:
    """The lists saved under ``key``; None when missing, damaged or saved under another key."""
    if cache_dir is None:
        return None
    stored = load_pickle(cache_dir / FILE_NAME)
    if not (isinstance(stored, dict) and stored.get("format") == FORMAT
            and stored.get("key") == key):
        return None
    lists = stored.get("lists")
    if not (isinstance(lists, tuple)
            and all(isinstance(ids, tuple) and all(isinstance(i, str) for i in ids)
                    for ids in lists)):
        return None
    return lists


def save_related(cache_dir: Path | None, key: str, lists: RelatedLists) -> None:
    """Keep ``lists`` under ``key`` (replacing what was kept); skipped if the disk refuses."""
    if cache_dir is None:
        return
    save_pickle(cache_dir / FILE_NAME, {"format": FORMAT, "key": key, "lists": lists})

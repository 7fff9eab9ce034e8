"""Every URL the site uses, computed in one place.

Site paths are POSIX paths relative to the output root. A page path ends in ``/``
(served as ``index.html``) or names a file. Links inside pages are always relative
(see ``relative``), so one build works at a domain root, under ``/<repo>/`` and from
``file://``.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
import unicodedata
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import quote

from .cjk import HAN

# First path segments the build writes itself: a site page's slug never takes one over.
RESERVED_SEGMENTS = frozenset({
    "issues", "places", "districts", "topics", "reporters", "search", "report", "data",
    "static", "pagefind", "search-offline", "index", "404", "feed", "sitemap", "pages",
    "dates", "years", "charts", "downloads"})
_UNSAFE = re.compile(rf"[^0-9A-Za-z_\-{HAN}]+")
_ASCII_UNSAFE = re.compile(r"[^0-9A-Za-z_\-]+")


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def issue_id_for(rel_path: str) -> str:
    """A stable, URL-safe issue id from the source file name (its stem).

    ASCII-safe stems are kept as they are; anything else is reduced to its safe
    characters plus a short hash of the full stem, so odd names (spaces, ``#``,
    ``%``, Chinese, very long) still give distinct, short ids.
    """
    stem = PurePosixPath(rel_path).stem
    stem = unicodedata.normalize("NFC", stem)
    if stem and not _ASCII_UNSAFE.search(stem) and len(stem) <= 60:
        return stem
    safe = _ASCII_UNSAFE.sub("-", stem).strip("-")[:40].strip("-")
    return f"{safe}-{_short_hash(stem)}" if safe else f"issue-{_short_hash(stem)}"


@functools.lru_cache(maxsize=1 << 14)
def tag_slug(name: str) -> str:
    """A path segment for a tag name: readable Chinese when safe, hashed otherwise
    (cached: every article page links its places, topics and reporters)."""
    name = unicodedata.normalize("NFC", name).strip()
    if name and not _UNSAFE.search(name) and len(name) <= 40:
        return name
    safe = _UNSAFE.sub("-", name).strip("-")[:30].strip("-")
    return f"{safe}-{_short_hash(name)}" if safe else f"t-{_short_hash(name)}"


def home() -> str:
    return ""


def issue_page(issue_id: str) -> str:
    return f"issues/{issue_id}/"


UNDATED_YEAR = "undated"


def year_page(year: str) -> str:
    """A year's calendar and issues; ``UNDATED_YEAR`` for the issues without a date."""
    return f"years/{year}/"


def article_page(issue_id: str, number: int) -> str:
    return f"issues/{issue_id}/{number:02d}/"


def issue_data(issue_id: str) -> str:
    """One issue's record as its own file (only with ``Config.issue_data_files``)."""
    return f"data/issues/{issue_id}.json"


def year_data(year: str) -> str:
    """The records of a year's issues, one JSON line each, gzipped (``year``: as the
    search shards name it, ``undated`` for issues without a known year)."""
    return f"data/issues-{year}.jsonl.gz"


def district_index() -> str:
    return "districts/"


def place_page(name: str) -> str:
    return f"places/{tag_slug(name)}/"


def topic_index() -> str:
    return "topics/"


def topic_page(name: str) -> str:
    return f"topics/{tag_slug(name)}/"


def reporter_index() -> str:
    return "reporters/"


def reporter_page(name: str) -> str:
    return f"reporters/{tag_slug(name)}/"


def search_page() -> str:
    return "search/"


def query_value(text: str) -> str:
    """``text`` as a query-string value in an href: ASCII outside the unreserved set,
    spaces and invisible characters percent-encoded, Chinese as it is (a browser sends it
    as UTF-8 when it follows the link; the link is a third as long as fully encoded)."""
    return "".join(ch if _readable_in_query(ch) else quote(ch, safe="") for ch in text)


def _readable_in_query(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in "-._~"
    return not ch.isspace() and unicodedata.category(ch)[0] not in "CZ"


def raw_text(issue_id: str) -> str:
    """The raw source text published beside an issue (原始文本)."""
    return f"{issue_page(issue_id)}source.txt"


def paged(page: str, number: int) -> str:
    """Page ``number`` of a long list living at ``page``: ``topics/x/``, ``topics/x/2/`` …"""
    return page if number <= 1 else f"{page}{number}/"


def site_page(slug: str) -> str:
    return f"{slug}/"


def static_file(name: str) -> str:
    return f"static/{name}"


def report_page() -> str:
    return "report/"


def data_page() -> str:
    """What the archive holds, with charts and links to the data downloads."""
    return "data/"


def archive_data() -> str:
    return "data/archive.json"


def report_data() -> str:
    return "data/report.json"


def feed() -> str:
    return "feed.xml"


def sitemap() -> str:
    return "sitemap.xml"


def not_found_page() -> str:
    """GitHub Pages serves this file for every missing path, at any depth."""
    return "404.html"


def file_of(page: str) -> str:
    """The file a site path is written to: ``a/b/`` -> ``a/b/index.html``."""
    return f"{page}index.html" if page == "" or page.endswith("/") else page


def relative(from_page: str, to: str) -> str:
    """Relative link from the page at ``from_page`` to site path ``to``.

    Links to folders point at their ``index.html`` explicitly, because ``file://``
    does not serve a folder's index.
    """
    return linker(from_page)(to)


def linker(from_page: str) -> Callable[[str], str]:
    """``relative`` with the page fixed: the renderer calls it dozens of times a page."""
    base = posixpath.dirname(file_of(from_page))
    base_parts = base.split("/") if base else []
    if not _plain(base_parts):
        return lambda to: posixpath.relpath(file_of(to), base or ".")
    depth = len(base_parts)
    up = "../" * depth
    top = base_parts[0] if base_parts else None

    def link(to: str) -> str:
        target = _plain_target(to)
        if target is None:
            return posixpath.relpath(file_of(to), base or ".")
        target_parts, target_file = target
        if target_parts[0] != top:  # most links: into another top-level folder
            return up + target_file
        # Plain segments only: a string walk gives relpath's answer without its
        # os.getcwd()/abspath calls, which dominate large builds.
        common = 0
        for a, b in zip(target_parts, base_parts, strict=False):
            if a != b:
                break
            common += 1
        return "/".join([".."] * (depth - common) + list(target_parts[common:])) or "."

    return link


@functools.lru_cache(maxsize=1 << 16)
def _plain_target(to: str) -> tuple[tuple[str, ...], str] | None:
    """The segments of the file ``to`` is written to and that file, None unless all
    segments are plain names (cached: every article is linked from many pages)."""
    file = file_of(to)
    parts = file.split("/")
    return (tuple(parts), file) if _plain(parts) else None


def _plain(parts: list[str]) -> bool:
    return all(part not in ("", ".", "..") for part in parts)

"""Offline (file://) search: the Pagefind bundles themselves, packed into script files.

A browser refuses ``fetch`` and ES-module imports on pages opened from disk, but still
runs plain ``<script>`` files. So every file of every Pagefind bundle is also written,
base64-encoded, into script packs that register themselves with ``search.js``, which
serves Pagefind's own requests from them. Search over ``file://`` is then the very same
engine, index and ranking as over http, and costs only this copy to build.

Layout, under ``search-offline/``:

- ``index.js``: the bundle list (what ``pagefind/bundles.json`` says) and each bundle's
  pack count; written last, as it names the packs.
- ``<bundle>/core.js``: the files Pagefind loads to open a bundle (its top-level files).
- ``<bundle>/p<N>.js``: every other file (index chunks, fragments, filters), in the pack
  ``fnv1a(path) % count``; ``search.js`` computes the same hash to find a file's pack.

The packs are made only when a zip is written (``offline_files``): the site published
online does not carry them, as they are a second, base64 copy of ``pagefind/``.
"""

from __future__ import annotations

import base64
import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .pagefind import BUNDLE_DIR, bundle_path

OFFLINE_DIR = "search-offline"
INDEX_FILE = f"{OFFLINE_DIR}/index.js"
# Raw bytes per pack, before base64: a search loads the packs of the few index chunks
# and fragments it reads, so small packs waste little; bigger ones mean fewer files.
PACK_BYTES = 128 * 1024
CORE_PACK = "core"
BUNDLE_LIST = f"{BUNDLE_DIR}/bundles.json"
ENTRY_FILE = "pagefind-entry.json"
# Pagefind's worker script never runs from disk (no origin), so it is not packed.
SKIPPED_FILES = frozenset({"pagefind-worker.js"})
REGISTER = "baokuOfflinePack"
REGISTER_INDEX = "baokuOfflineIndex"


def pack_path(bundle: str) -> str:
    """Site path of a bundle's pack folder."""
    return f"{OFFLINE_DIR}/{bundle}"


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes (search.js has the same function)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def is_core(rel: str) -> bool:
    """A bundle's top-level files: the entry, metadata, wasm and ``pagefind.js``."""
    return "/" not in rel


def pack_count(files: Mapping[str, bytes]) -> int:
    size = sum(len(data) for rel, data in files.items() if not is_core(rel))
    return max(1, math.ceil(size / PACK_BYTES))


def pack_of(rel: str, count: int) -> str:
    return CORE_PACK if is_core(rel) else f"p{fnv1a(rel) % count}"


def bundle_files(bundle_dir: Path) -> dict[str, bytes]:
    """Every file of a Pagefind bundle by its path inside the bundle (``/``-separated),
    in the order of their path parts. Plain strings and ``os.walk``: a 10k-article
    archive's bundles hold ~11,000 files, and Path objects cost half of packing them."""
    root = str(bundle_dir)
    found: list[str] = []
    for folder, _, names in os.walk(root):
        inside = os.path.relpath(folder, root).replace(os.sep, "/")
        found += [name if inside == "." else f"{inside}/{name}"
                  for name in names if name not in SKIPPED_FILES]
    found.sort(key=lambda rel: rel.split("/"))
    return {rel: _read_bytes(os.path.join(root, rel)) for rel in found}


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def pack_scripts(bundle: str, files: Mapping[str, bytes]) -> dict[str, str]:
    """Script text of every pack of one bundle, by file name (``core.js``, ``p0.js``…)."""
    count = pack_count(files)
    packs: dict[str, dict[str, str]] = {CORE_PACK: {}}
    packs.update({f"p{n}": {} for n in range(count)})
    for rel, data in files.items():
        packs[pack_of(rel, count)][rel] = base64.b64encode(data).decode("ascii")
    return {f"{name}.js": _call(REGISTER, bundle, name, content)
            for name, content in packs.items()}


def _call(function: str, *args: object) -> str:
    return f"{function}({','.join(json.dumps(a, ensure_ascii=True) for a in args)});\n"


def offline_files(site_dir: Path, bundles: Iterable[str] | None = None
                  ) -> Iterator[tuple[str, bytes]]:
    """The offline packs of a built site, as (site path, bytes), ``index.js`` last: for a
    zip only, never written into the published site. ``bundles``: the bundles to pack
    (default: every one ``pagefind/bundles.json`` names, in its order); one without an
    entry file is left out. Nothing when the site has no bundle list (search off)."""
    listing = _bundle_list(site_dir)
    if listing is None:
        return
    names = [str(n) for n in listing.get("bundles", [])]
    if bundles is not None:
        wanted = set(bundles)
        names = [n for n in names if n in wanted]
        # A pending bundle's notes belong to the whole list; the page counts stay.
        listing = {"bundles": names, "pages": listing.get("pages")}
    counts: dict[str, int] = {}
    for bundle in names:
        folder = site_dir / bundle_path(bundle)
        if not (folder / ENTRY_FILE).is_file():
            continue
        scripts = pack_scripts(bundle, bundle_files(folder))
        counts[bundle] = len(scripts) - 1
        for name, text in scripts.items():
            yield f"{pack_path(bundle)}/{name}", text.encode("ascii")
    yield INDEX_FILE, index_script(listing, counts).encode("ascii")


def _pages_of(listing: Mapping[str, object], names: Iterable[str]) -> dict[str, object]:
    pages = listing.get("pages")
    return {n: pages[n] for n in names if n in pages} if isinstance(pages, dict) else {}


def _bundle_list(site_dir: Path) -> dict[str, object] | None:
    try:
        listing = json.loads((site_dir / BUNDLE_LIST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return listing if isinstance(listing, dict) else None


def index_script(listing: Mapping[str, object], counts: Mapping[str, int]) -> str:
    """``index.js``: the bundle list the search page merges, with each bundle's page and
    pack counts (bundles without packs are left out of the list)."""
    names = [n for n in listing.get("bundles", []) if n in counts]  # type: ignore[union-attr]
    return _call(REGISTER_INDEX, {**listing, "bundles": names, "pages": _pages_of(listing, names),
                                  "packs": {n: counts[n] for n in names}})

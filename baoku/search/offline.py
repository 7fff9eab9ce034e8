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
- ``<bundle>/bundle.txt``: a digest of the bundle's entry file and the pack count; a
  bundle whose digest still matches is not packed again.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .pagefind import bundle_path

OFFLINE_DIR = "search-offline"
INDEX_FILE = f"{OFFLINE_DIR}/index.js"
# Raw bytes per pack, before base64: a search loads the packs of the few index chunks
# and fragments it reads, so small packs waste little; bigger ones mean fewer files.
PACK_BYTES = 128 * 1024
CORE_PACK = "core"
SOURCE_FILE = "bundle.txt"
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


def bundle_digest(site_dir: Path, bundle: str) -> str | None:
    """What a bundle's packs are made from: its entry file, which names the
    content-hashed metadata, which names every other file; and this module's code. None
    when the bundle has no entry file."""
    try:
        entry = (site_dir / bundle_path(bundle) / ENTRY_FILE).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(_code() + entry).hexdigest()[:32]


@functools.cache
def _code() -> bytes:
    return Path(__file__).read_bytes()


def sync_packs(site_dir: Path, bundles: Iterable[str]) -> dict[str, int]:
    """Bring the packs of ``bundles`` up to date with their Pagefind folders in
    ``site_dir`` and remove those of any other bundle; returns each packed bundle's pack
    count (a bundle without an entry file is left out)."""
    root = site_dir / OFFLINE_DIR
    counts: dict[str, int] = {}
    for bundle in bundles:
        count = pack_bundle(site_dir, bundle)
        if count is not None:
            counts[bundle] = count
    if root.is_dir():  # other bundles' packs, and any file an older baoku left here
        for entry in root.iterdir():
            if entry.is_dir() and entry.name not in counts:
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.is_file() and entry.name != Path(INDEX_FILE).name:
                entry.unlink(missing_ok=True)
    return counts


def pack_bundle(site_dir: Path, bundle: str) -> int | None:
    """Pack one bundle unless its packs are up to date; its pack count (None: the bundle
    has no entry file)."""
    digest = bundle_digest(site_dir, bundle)
    if digest is None:
        return None
    packed = _packed(site_dir / pack_path(bundle), digest)
    return packed if packed is not None else _pack(site_dir, bundle, digest)


def _packed(folder: Path, digest: str) -> int | None:
    """The pack count of ``folder`` when it was packed from the bundle ``digest`` names."""
    try:
        source, count = (folder / SOURCE_FILE).read_text(encoding="utf-8").split()
    except (OSError, ValueError):
        return None
    return int(count) if source == digest and count.isdigit() else None


def _pack(site_dir: Path, bundle: str, digest: str) -> int:
    """Write a bundle's packs into a new folder and swap it in (two renames)."""
    files = bundle_files(site_dir / bundle_path(bundle))
    scripts = pack_scripts(bundle, files)
    root = site_dir / OFFLINE_DIR
    root.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{bundle}-", dir=root))
    try:
        for name, text in scripts.items():
            (fresh / name).write_text(text, encoding="ascii")
        count = len(scripts) - 1
        (fresh / SOURCE_FILE).write_text(f"{digest} {count}\n", encoding="utf-8")
        os.chmod(fresh, 0o755)
        _swap_folder(fresh, site_dir / pack_path(bundle))
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return count


def _swap_folder(fresh: Path, live: Path) -> None:
    if not live.exists():
        fresh.rename(live)
        return
    old = live.with_name(f".{live.name}-old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    live.rename(old)
    fresh.rename(live)
    shutil.rmtree(old, ignore_errors=True)


def index_script(listing: Mapping[str, object], counts: Mapping[str, int]) -> str:
    """``index.js``: the bundle list the search page merges and each bundle's pack count
    (bundles without packs are left out of the list)."""
    names = [n for n in listing.get("bundles", []) if n in counts]  # type: ignore[union-attr]
    return _call(REGISTER_INDEX, {**listing, "bundles": names,
                                  "packs": {n: counts[n] for n in names}})

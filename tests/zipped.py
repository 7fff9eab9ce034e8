"""Zips as a reader gets them: written by ``--zip`` and unpacked into a folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

from baoku.zips import write_site_zip


def unpack(zip_path: Path, folder: Path) -> Path:
    """Unpack ``zip_path`` into the empty ``folder``; returns the site root: the zip's one
    top-level folder, named after the zip (checked: nothing lands beside it)."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    (root,) = folder.iterdir()
    assert root.name == zip_path.stem and (root / "index.html").is_file()
    return root


def zipped_and_unpacked(site: Path, folder: Path) -> Path:
    """``site`` zipped as ``build.py --zip`` does (offline packs included), unpacked."""
    target = folder / "baoku.zip"
    write_site_zip(site, target)
    return unpack(target, folder / "unzipped")

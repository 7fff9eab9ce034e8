"""Zips as a reader gets them: written by ``--zip`` and unpacked into a folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

from baoku.zips import write_site_zip


def unpack(zip_path: Path, folder: Path) -> Path:
    """Unpack ``zip_path`` into ``folder``; returns the site root in it (the folder
    holding ``index.html``: the zip's root, or its one top-level folder)."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    if (folder / "index.html").is_file():
        return folder
    (root,) = [p for p in folder.iterdir() if p.is_dir()]
    return root


def zipped_and_unpacked(site: Path, folder: Path) -> Path:
    """``site`` zipped as ``build.py --zip`` does (offline packs included), unpacked."""
    target = folder / "baoku.zip"
    write_site_zip(site, target)
    return unpack(target, folder / "unzipped")

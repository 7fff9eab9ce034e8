"""Index stage: the Pagefind bundle (online) and the offline file:// index."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..model import Archive


def build_search(archive: Archive, config: Config, site_dir: Path) -> list[str]:
    """Write search indexes into ``site_dir``; returns warnings (placeholder: none)."""
    return []


def page_context(archive: Archive, config: Config) -> dict[str, object]:
    """Extra template context for ``search.html`` (placeholder: none yet)."""
    return {}

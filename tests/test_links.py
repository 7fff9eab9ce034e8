"""Crawl the whole seed build: every internal link and asset is relative and resolves."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from htmlpage import Page, read_page

EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")


@pytest.fixture(scope="module")
def pages(seed_site) -> dict[Path, Page]:
    out: Path = seed_site[0]
    return {path: read_page(path) for path in sorted(out.rglob("*.html"))}


def internal_links(page: Page) -> list[str]:
    return [value for _tag, _attr, value in page.links
            if value and not EXTERNAL.match(value)]


def resolve(out: Path, page_path: Path, link: str) -> tuple[Path, str]:
    """The file a relative link points at (query and fragment removed), and the fragment."""
    parts = urlsplit(link)
    base = page_path.parent.relative_to(out).as_posix()
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path \
        else page_path.relative_to(out).as_posix()
    return out / target, parts.fragment


@pytest.mark.slow
def test_the_crawl_covers_every_page_kind(seed_site, pages) -> None:
    out: Path = seed_site[0]
    names = {p.relative_to(out).as_posix() for p in pages}
    for expected in ("index.html", "districts/index.html", "topics/index.html",
                     "reporters/index.html", "search/index.html", "report/index.html"):
        assert expected in names
    assert sum(1 for n in names if re.fullmatch(r"issues/[^/]+/index\.html", n)) == 5
    assert any(re.fullmatch(r"issues/[^/]+/\d\d/index\.html", n) for n in names)


@pytest.mark.slow
def test_no_root_absolute_links(seed_site, pages) -> None:
    out: Path = seed_site[0]
    offenders = [(p.relative_to(out).as_posix(), value) for p, page in pages.items()
                 for _tag, _attr, value in page.links
                 if value.startswith("/") and not value.startswith("//")]
    assert offenders == []
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert 'href="/' not in text and 'src="/' not in text, path


@pytest.mark.slow
def test_no_external_assets(pages) -> None:
    """Nothing is loaded from a CDN: the site works offline."""
    external = [e.attrs.get("src") or e.attrs.get("href")
                for page in pages.values() for e in page.elements
                if (e.tag in ("script", "img") and EXTERNAL.match(e.attrs.get("src", "")))
                or (e.tag == "link" and e.attrs.get("rel") in ("stylesheet", "preload", "icon")
                    and EXTERNAL.match(e.attrs.get("href", "")))]
    assert external == []


@pytest.mark.slow
def test_every_internal_link_resolves(seed_site, pages) -> None:
    out: Path = seed_site[0]
    broken: list[tuple[str, str]] = []
    missing_anchor: list[tuple[str, str]] = []
    checked = 0
    for path, page in pages.items():
        for link in internal_links(page):
            target, fragment = resolve(out, path, link)
            checked += 1
            if not target.is_file():
                broken.append((path.relative_to(out).as_posix(), link))
            elif fragment and target.suffix == ".html":
                target_page = pages.get(target) or read_page(target)
                if fragment not in target_page.ids:
                    missing_anchor.append((path.relative_to(out).as_posix(), link))
    assert broken == []
    assert missing_anchor == []
    assert checked > 100


@pytest.mark.slow
def test_folder_links_name_index_html_for_file_urls(seed_site, pages) -> None:
    """``file://`` does not serve a folder's index.html, so links must name it."""
    out: Path = seed_site[0]
    folder_links = [(p.relative_to(out).as_posix(), link) for p, page in pages.items()
                    for link in internal_links(page)
                    if urlsplit(link).path.endswith("/") or urlsplit(link).path == "."]
    assert folder_links == []

"""Accessibility: axe-core (from npm, installed by .ci/run) finds no serious or critical
violation on the reading-room pages, in light and dark colour schemes."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from reading_room import ScreenPage, extra_pages, reading_room_pages

from baoku import urls
from baoku.export import read_issue_records

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.is_file():
        message = f"axe-core is missing ({AXE}); run `npm ci` in the project root"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@pytest.fixture(scope="module")
def site_url(seed_site: tuple[Path, object], serve) -> str:  # type: ignore[no-untyped-def]
    return serve(seed_site[0])


def blocking_violations(page, axe: Path) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in result["violations"] if v["impact"] in BLOCKING]


def audit(page, url: str, target: ScreenPage, axe: Path) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(url + urls.file_of(target.path), wait_until="networkidle")
    return [f"{target.name}: {v}" for v in blocking_violations(page, axe)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violations(browser, seed_site, site_url: str, axe_script: Path,  # type: ignore[no-untyped-def]
                               scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        found = [v for target in reading_room_pages(seed_site[0]) + extra_pages()
                 for v in audit(page, site_url, target, axe_script)]
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_no_serious_violations_on_a_phone(browser, seed_site, site_url: str,  # type: ignore[no-untyped-def]
                                          axe_script: Path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        found = [v for target in reading_room_pages(seed_site[0])
                 for v in audit(page, site_url, target, axe_script)]
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_axe_reports_a_planted_violation(page, axe_script: Path) -> None:  # type: ignore[no-untyped-def]
    page.set_content('<html lang="zh-CN"><body><main><img src="x.png">'
                     '<a href="#"></a></main></body></html>')
    found = blocking_violations(page, axe_script)
    assert any(v.startswith("image-alt") for v in found), found


def busiest_district(out: Path) -> str:
    """The district most articles name: a query that must find results."""
    counts: Counter[str] = Counter()
    for record in read_issue_records(out).values():
        for article in record["articles"]:
            counts.update(article["districts"])
    assert counts, "the seed build names no district"
    return counts.most_common(1)[0][0]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_results_have_no_serious_violations(browser, seed_site, site_url: str,  # type: ignore[no-untyped-def]
                                                   axe_script: Path, scheme: str) -> None:
    query = quote(busiest_district(seed_site[0]))
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site_url}{urls.file_of(urls.search_page())}?q={query}")
        page.wait_for_selector(".search-hit", timeout=20000)
        found = blocking_violations(page, axe_script)
    finally:
        context.close()
    assert not found, "\n".join(found)

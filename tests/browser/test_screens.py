"""Screenshots of the reading room at phone and desktop widths, with assertions on what
a reader sees: the headline is visible and nothing overflows sideways at 360 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from reading_room import WIDTHS, ScreenPage, extra_pages, reading_room_pages

from baoku import urls

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(seed_site: tuple[Path, object], serve) -> str:  # type: ignore[no-untyped-def]
    return serve(seed_site[0])


@pytest.fixture(scope="module")
def screens_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screens")


def pages(seed_site: tuple[Path, object]) -> list[ScreenPage]:
    return reading_room_pages(seed_site[0]) + extra_pages()


def check_page(page, url: str, target: ScreenPage, width: int, shot: Path) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url + urls.file_of(target.path), wait_until="load")
    assert response is not None and response.ok, target.path
    heading = page.locator("h1").first
    assert heading.is_visible(), f"{target.name}: no visible <h1>"
    assert target.heading in heading.inner_text(), target.name
    if target.visible_text:
        assert page.locator("main").get_by_text(target.visible_text, exact=False).first \
            .is_visible(), f"{target.name}: {target.visible_text!r} not visible"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{target.name} overflows at {width}px: {scroll_width}px"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000


# Browsers ask for /favicon.ico on their own; the site does not have to provide one.
IGNORED_MISSING = ("/favicon.ico",)


@pytest.mark.parametrize("width", WIDTHS)
def test_reading_room_pages_render_at_width(page, seed_site, site_url: str, screens_dir: Path,  # type: ignore[no-untyped-def]
                                            width: int) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 and not
            r.url.endswith(IGNORED_MISSING) else None)
    for target in pages(seed_site):
        check_page(page, site_url, target, width, screens_dir / f"{target.name}-{width}.png")
    assert not missing, missing
    errors = [e for e in page.console_errors if not e.startswith("Failed to load resource")]
    assert not errors, errors


def test_article_headline_is_above_the_fold_on_a_phone(page, seed_site, site_url: str) -> None:  # type: ignore[no-untyped-def]
    article = next(p for p in reading_room_pages(seed_site[0]) if p.name == "article")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site_url + urls.file_of(article.path))
    box = page.locator("h1").first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740
    assert box["width"] <= 360


def test_data_page_charts_fit_a_phone(page, site_url: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(site_url + urls.file_of(urls.data_page()))
    charts = page.locator("svg.chart-svg")
    assert charts.count() == 3
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box is not None and 0 < box["width"] <= 360 and box["height"] > 0

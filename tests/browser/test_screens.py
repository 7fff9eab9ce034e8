"""Screenshots of the reading room at phone and desktop widths, with assertions on what
a reader sees: the headline is visible and nothing overflows sideways at 360 px."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
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
    response = page.goto(url + urls.file_of(target.path), wait_until="networkidle")
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


SUB_PATH = "/repo/"


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Like GitHub Pages for a project site: the site lives under SUB_PATH and every
    missing path gets the site's 404.html with status 404."""

    def translate_path(self, path: str) -> str:
        inside = path.startswith(SUB_PATH)
        return super().translate_path("/" + path[len(SUB_PATH):] if inside else "/outside/")

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / urls.not_found_page()
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def pages_host(seed_site: tuple[Path, object]) -> Iterator[str]:
    handler = functools.partial(_PagesHandler, directory=str(seed_site[0]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_404_page_finds_the_site_root_under_a_sub_path(page, pages_host: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(f"{pages_host}{SUB_PATH}issues/no-such-issue/07/")
    assert response is not None and response.status == 404
    assert "找不到这个页面" in page.locator("h1").inner_text()
    page.wait_for_function("document.querySelector('base') !== null")
    home = page.locator("a[data-root-link]").first.evaluate("a => a.href")
    assert home == f"{pages_host}{SUB_PATH}index.html"
    page.wait_for_function("""[...document.styleSheets].some(s => s.href
        && s.href.endsWith('/repo/static/site.css') && s.cssRules.length > 0)""")
    page.locator("a[data-root-link]").first.click()
    page.wait_for_load_state()
    assert page.url == f"{pages_host}{SUB_PATH}index.html"
    assert page.locator("h1").first.is_visible()


def test_404_page_at_the_site_root_needs_no_rewrite(page, pages_host: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{pages_host}{SUB_PATH}missing.html")
    page.wait_for_timeout(300)  # let the root probe finish
    assert page.evaluate("document.querySelector('base')") is None
    home = page.locator("a[data-root-link]").first.evaluate("a => a.href")
    assert home == f"{pages_host}{SUB_PATH}index.html"

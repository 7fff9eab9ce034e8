"""Layout checks that can fail, at a phone's 390 px and a desktop's 1366 px, over http and
file://: what is above the fold, where elements sit, no sideways scrolling; the print
view; tap targets; the filter sheet; the 404 page before its script; the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_a11y import AXE, blocking_violations
from test_screens import SUB_PATH, pages_host  # noqa: F401 (a fixture)

from baoku import urls
from tests.browser.test_search import search_url, wait_for_results
from tests.browser.test_search_reading import base as reading_base  # noqa: F401 (a fixture)
from tests.browser.test_search_reading import (  # noqa: F401 (fixtures)
    load_everything,
    reading_disk_site,
    reading_site,
)

pytestmark = pytest.mark.browser

PHONE, DESKTOP = 390, 1366
HEIGHT = {PHONE: 844, DESKTOP: 900}
TAP_TARGETS = (".site-nav a, .breadcrumb a, .pager a, ul.inline a, .site-footer a, "
               "button, select, input[type=search], .period-bar a, .year-card .months a")


@pytest.fixture(scope="module", params=["http", "file"])
def seed_base(request: pytest.FixtureRequest, seed_site: tuple[Path, object],
              serve: object) -> str:
    if request.param == "http":
        return serve(seed_site[0])  # type: ignore[operator]
    return seed_site[0].as_uri() + "/"


@pytest.fixture(scope="module")
def archive(seed_site: tuple[Path, object]) -> dict[str, object]:
    return json.loads((seed_site[0] / urls.archive_data()).read_text(encoding="utf-8"))


def open_at(page: object, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": HEIGHT[width]})  # type: ignore[attr-defined]
    page.goto(url)  # type: ignore[attr-defined]


def box(page: object, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()  # type: ignore[attr-defined]
    assert found is not None, f"{selector} is not displayed"
    return found


def no_sideways_scroll(page: object, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert scroll <= width, f"{page.url} is {scroll}px wide at {width}px"  # type: ignore[attr-defined]


def above_the_fold(page: object, selector: str, width: int) -> None:
    found = box(page, selector)
    assert found["y"] >= 0 and found["y"] + found["height"] <= HEIGHT[width], (selector, found)


def on_one_line(page: object, first: str, second: str) -> None:
    a, b = box(page, first), box(page, second)
    assert abs(a["y"] - b["y"]) < 8 and b["x"] >= a["x"] + a["width"] - 1, (a, b)


def page_file(base: str, path: str) -> str:
    return base + urls.file_of(path)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_home_is_an_overview_with_the_search_box_above_the_fold(
        page: object, seed_base: str, archive: dict[str, object], width: int) -> None:
    open_at(page, page_file(seed_base, urls.home()), width)
    above_the_fold(page, ".search-box input", width)
    on_one_line(page, ".search-box input", ".search-box button")
    no_sideways_scroll(page, width)
    if width == DESKTOP:
        above_the_fold(page, ".year-card", width)
    issues = archive["issues"]  # type: ignore[index]
    for issue in issues:  # each issue listed once at most, not twice
        links = page.locator(f'main a[href$="issues/{issue["id"]}/index.html"]').count()  # type: ignore[attr-defined]
        assert links <= 1, issue["id"]
    years = page.locator(".year-card .year-link").count()  # type: ignore[attr-defined]
    assert years == len({i["date"][:4] for i in issues if i["date"]}) + any(  # type: ignore[index]
        not i["date"] for i in issues)  # type: ignore[index]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_year_page_keeps_its_year_and_month_bar_in_view(
        page: object, seed_base: str, archive: dict[str, object], width: int) -> None:
    year = next(i["date"][:4] for i in archive["issues"] if i["date"])  # type: ignore[index]
    page.set_viewport_size({"width": width, "height": 400})  # type: ignore[attr-defined]
    page.goto(page_file(seed_base, urls.year_page(year)))  # type: ignore[attr-defined]
    assert page.locator(".year-switch [aria-current=page]").inner_text() == f"{year}年"  # type: ignore[attr-defined]
    assert page.locator(".month-jump a").count() >= 1  # type: ignore[attr-defined]
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # type: ignore[attr-defined]
    bar = box(page, ".period-bar")
    assert abs(bar["y"]) < 2, bar  # still at the top of the screen: no scrolling back up
    months = page.eval_on_selector_all(".month-jump a", "as => as.map(a => a.hash)")  # type: ignore[attr-defined]
    page.click(f'.month-jump a[href="{months[-1]}"]')  # type: ignore[attr-defined]
    heading = box(page, f"{months[-1]} h2")
    assert heading["y"] >= bar["height"] - 1, "the month heading hides under the bar"
    no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_issue_page_numbers_articles_and_hides_internals(
        page: object, seed_base: str, archive: dict[str, object], width: int) -> None:
    issue = archive["issues"][0]  # type: ignore[index]
    open_at(page, page_file(seed_base, issue["url"]), width)
    above_the_fold(page, "h1", width)
    numbers = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".issue-articles .article-number", "ps => ps.map(p => p.textContent.trim())")
    assert [n.split("·")[0].strip().strip("第篇") for n in numbers] == [
        str(n) for n in range(1, len(numbers) + 1)]
    main = page.inner_text("main")  # type: ignore[attr-defined]
    assert "自动切分" not in main and "content/" not in main and "来源文件" not in main
    no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_article_page_puts_its_metadata_beside_the_text_on_wide_screens(
        page: object, seed_base: str, archive: dict[str, object], width: int) -> None:
    open_at(page, page_file(seed_base, urls.article_page(archive["issues"][0]["id"], 2)), width)  # type: ignore[index]
    above_the_fold(page, "h1", width)
    above_the_fold(page, ".pager-top", width)
    text, aside = box(page, "article.article"), box(page, ".article-aside")
    if width == DESKTOP:
        assert aside["x"] >= text["x"] + text["width"] - 1  # a side column
        assert aside["y"] < text["y"] + 50  # beside the text, not under it
    else:
        assert aside["y"] >= text["y"] + text["height"] - 1  # under the text on a phone
    assert not page.locator("#cite-bibtex").is_visible()  # type: ignore[attr-defined]  # folded
    page.click("details.bibtex summary")  # type: ignore[attr-defined]
    assert page.locator("#cite-bibtex").is_visible()  # type: ignore[attr-defined]
    assert "urldate = {" in page.inner_text("#cite-bibtex")  # type: ignore[attr-defined]
    citation = page.inner_text("#cite-gbt")  # type: ignore[attr-defined]
    assert "[N/OL]" in citation and citation.count("[20") >= 1
    chips = page.eval_on_selector_all(".keywords a", "as => as.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    assert chips and all("search/index.html?q=" in c for c in chips)
    no_sideways_scroll(page, width)


def test_print_view_has_a_header_and_no_chips_or_bibtex(
        page: object, seed_base: str, archive: dict[str, object]) -> None:
    first = archive["issues"][0]  # type: ignore[index]
    open_at(page, page_file(seed_base, urls.article_page(first["id"], 1)), DESKTOP)
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    header = page.locator(".print-header")  # type: ignore[attr-defined]
    assert header.is_visible()
    text = header.inner_text()
    assert "报库" in text and (first["newspaper"] or "") in text
    if seed_base.startswith("http"):
        assert "/issues/" in text  # the address
    for hidden in (".keywords", "details.bibtex", ".site-header", ".pager", ".copy"):
        assert not page.locator(hidden).first.is_visible(), hidden  # type: ignore[attr-defined]
    assert page.locator("h1").first.is_visible()  # type: ignore[attr-defined]
    page.emulate_media(media="screen")  # type: ignore[attr-defined]
    assert not header.is_visible()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_search_with_more_than_a_page_of_results(page: object, reading_base: str,  # noqa: F811
                                                 width: int) -> None:
    page.set_viewport_size({"width": width, "height": HEIGHT[width]})  # type: ignore[attr-defined]
    page.goto(search_url(reading_base, q="梁园区"))  # type: ignore[attr-defined]
    wait_for_results(page, "梁园区")
    on_one_line(page, "#search-input", "#search-form button[type=submit]")
    above_the_fold(page, "#search-status", width)
    above_the_fold(page, ".search-hit h2 a", width)
    more = box(page, "#search-more")
    assert more["height"] >= 44 and more["width"] >= 44
    load_everything(page)
    assert page.locator(".search-hit").count() == 27  # type: ignore[attr-defined]
    no_sideways_scroll(page, width)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_search_with_filters_and_no_result(page: object, reading_base: str,  # noqa: F811
                                           width: int) -> None:
    page.set_viewport_size({"width": width, "height": HEIGHT[width]})  # type: ignore[attr-defined]
    page.goto(search_url(reading_base, q="果园", year="2024", sort="date"))  # type: ignore[attr-defined]
    page.goto(search_url(reading_base, q="火星", year="2023"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "火星")
    assert result["state"] == "none"
    above_the_fold(page, "#search-status", width)
    above_the_fold(page, ".search-clear", width)
    toggle, filters = page.locator(".filters-toggle"), page.locator("#search-filters")  # type: ignore[attr-defined]
    if width == PHONE:
        assert toggle.is_visible() and not filters.is_visible()
        assert toggle.inner_text() == "筛选（1）"
        toggle.click()
        sheet = box(page, "#search-filters")
        assert abs(sheet["y"] + sheet["height"] - HEIGHT[PHONE]) < 2  # from the bottom edge
        assert sheet["width"] >= PHONE - 1
        assert box(page, "select[name=year]")["height"] >= 44
        page.keyboard.press("Escape")  # type: ignore[attr-defined]
        assert not filters.is_visible()
    else:
        assert not toggle.is_visible() and filters.is_visible()
    no_sideways_scroll(page, width)


@pytest.mark.parametrize("path", ["home", "article", "search", "year"])
def test_tap_targets_are_44_px_on_a_phone(page: object, seed_base: str,
                                          archive: dict[str, object], path: str) -> None:
    first = archive["issues"][0]  # type: ignore[index]
    target = {"home": urls.home(), "article": urls.article_page(first["id"], 2),
              "search": urls.search_page(), "year": urls.year_page(first["date"][:4])}[path]
    open_at(page, page_file(seed_base, target), PHONE)
    small = page.eval_on_selector_all(TAP_TARGETS, """els => els.filter(e => {
        const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'
          && (r.height < 43.5 || r.width < 43.5); }).map(e => e.outerHTML.slice(0, 80)
          + ' ' + Math.round(e.getBoundingClientRect().width) + 'x'
          + Math.round(e.getBoundingClientRect().height))""")  # type: ignore[attr-defined]
    assert not small, small


def test_the_404_page_is_styled_before_its_script_runs(browser: object, pages_host: str  # noqa: F811
                                                       ) -> None:
    context = browser.new_context(java_script_enabled=False,  # type: ignore[attr-defined]
                                  viewport={"width": PHONE, "height": HEIGHT[PHONE]})
    try:
        page = context.new_page()
        response = page.goto(f"{pages_host}{SUB_PATH}issues/gone/07/")
        assert response is not None and response.status == 404
        header = page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        assert header == "rgb(243, 240, 230)"
        assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
        above_the_fold(page, ".search-box input", PHONE)
        on_one_line(page, ".search-box input", ".search-box button")
        assert box(page, ".search-box input")["height"] >= 44
        no_sideways_scroll(page, PHONE)
    finally:
        context.close()


def test_the_report_reads_on_a_phone(page: object, seed_base: str) -> None:
    open_at(page, page_file(seed_base, urls.report_page()), PHONE)
    no_sideways_scroll(page, PHONE)
    widths = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".report-facts dd", "ds => ds.map(d => d.getBoundingClientRect().height)")
    assert widths and max(widths) < 40  # one line each, not a character a line
    sections = page.eval_on_selector_all(".report-section", "ss => ss.map(s => s.id)")  # type: ignore[attr-defined]
    assert sections and sections[0] == "review"
    assert "年" in page.inner_text(".stats time")  # type: ignore[attr-defined]


def test_new_states_have_no_serious_accessibility_violations(
        page: object, seed_base: str, reading_base: str, archive: dict[str, object]) -> None:  # noqa: F811
    if not AXE.is_file():
        pytest.skip("axe-core is missing; run `npm ci`")
    open_at(page, search_url(reading_base, q="火星", year="2023"), PHONE)
    wait_for_results(page, "火星")
    page.click(".filters-toggle")  # type: ignore[attr-defined]
    found = blocking_violations(page, AXE)
    first = archive["issues"][0]  # type: ignore[index]
    open_at(page, page_file(seed_base, urls.article_page(first["id"], 1)) + "#hl=社区", DESKTOP)
    page.wait_for_selector(".highlight-bar")  # type: ignore[attr-defined]
    text, aside = box(page, "article.article"), box(page, ".article-aside")
    assert aside["x"] >= text["x"] + text["width"] - 1  # the bar leaves the columns be
    found += blocking_violations(page, AXE)
    assert not found, "\n".join(found)

"""The zips from ``build.py --zip`` (and ``--split-years``), unzipped and opened from disk
(file://) in Chromium: the start page, an issue, an article and the offline search all
work, in the whole archive's zip and in one year's."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from baoku import urls
from baoku.cache.session import Session
from baoku.zips import write_year_zips
from tests.conftest import make_config
from tests.zipped import zipped_and_unpacked

pytestmark = pytest.mark.browser

ARTICLE_HREF = re.compile(r"/issues/[^/]+/\d{2}/index\.html$")
ISSUE_HREF = re.compile(r"/issues/[^/]+/index\.html$")


@pytest.fixture(scope="module")
def unzipped(seed_site: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, _ = seed_site
    site = zipped_and_unpacked(out, tmp_path_factory.mktemp("zip"))
    assert site.name == "baoku"
    return site


def hrefs(page: object) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        "a[href]", "links => links.map(a => a.href)")


def click_first(page: object, pattern: re.Pattern[str]) -> str:
    """Click the first link whose resolved URL matches; returns that URL."""
    target = next((h for h in hrefs(page) if pattern.search(h)), None)
    assert target is not None, f"no link matching {pattern.pattern} on {page.url}"  # type: ignore[attr-defined]
    page.locator(f'a[href="{_raw_href(page, target)}"]').first.click()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    return target


def _raw_href(page: object, resolved: str) -> str:
    return page.evaluate(  # type: ignore[attr-defined]
        "url => [...document.querySelectorAll('a[href]')].find(a => a.href === url)"
        ".getAttribute('href')", resolved)


def test_start_page_is_at_the_zip_root(unzipped: Path) -> None:
    assert (unzipped / "index.html").is_file()
    assert (unzipped / urls.file_of(urls.search_page())).is_file()


def test_click_from_start_page_to_an_article(unzipped: Path, page: object) -> None:
    page.goto((unzipped / "index.html").as_uri())  # type: ignore[attr-defined]
    issue = click_first(page, ISSUE_HREF)
    assert page.url == issue  # type: ignore[attr-defined]
    article = click_first(page, ARTICLE_HREF)
    assert page.url == article  # type: ignore[attr-defined]
    assert page.url.startswith("file://")  # type: ignore[attr-defined]
    body = page.locator("[data-pagefind-body]")  # type: ignore[attr-defined]
    assert body.count() == 1
    assert page.locator("h1").first.inner_text().strip()  # type: ignore[attr-defined]
    assert page.console_errors == []  # type: ignore[attr-defined]


def offline_search(page: object, site: Path, query: str) -> str:
    """Search ``site`` opened from disk; the results' text."""
    search = (site / urls.file_of(urls.search_page())).as_uri() + f"?q={query}"
    page.goto(search)  # type: ignore[attr-defined]
    page.wait_for_selector(  # type: ignore[attr-defined]
        "#search-results:is([data-state=done], [data-state=none], [data-state=error])",
        state="attached", timeout=15_000)
    results = page.locator("#search-results")  # type: ignore[attr-defined]
    assert results.get_attribute("data-state") != "error", page.inner_text("#search-status")  # type: ignore[attr-defined]
    assert results.get_attribute("data-mode") == "offline"
    return " ".join(page.locator("#search-results a[href]").all_inner_texts())  # type: ignore[attr-defined]


def test_offline_search_from_disk(unzipped: Path, seed_site: tuple[Path, object],
                                  page: object) -> None:
    _, result = seed_site
    headline = next(a.headline for issue in result.archive.issues  # type: ignore[attr-defined]
                    for a in issue.articles if len(a.headline) >= 4)
    query = headline[:4]
    texts = offline_search(page, unzipped, query)
    assert query in texts, f"results for {query!r} should include {headline!r}"
    links = page.locator("#search-results a[href]")  # type: ignore[attr-defined]
    links.first.click()
    page.wait_for_load_state()  # type: ignore[attr-defined]
    # The article is opened with the search words to mark (#hl=…).
    assert ARTICLE_HREF.search(page.url.split("#")[0])  # type: ignore[attr-defined]
    assert page.url.endswith("#hl=" + quote(query))  # type: ignore[attr-defined]
    page.locator("mark.search-term").first.wait_for()  # type: ignore[attr-defined]
    assert page.locator("[data-pagefind-body]").count() == 1  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def year_zips(seed_site: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, dict[str, Path]]:
    """The seed site split by year: (unpacked index zip, unpacked site root by year), each
    zip unpacked into the same folder as a reader would."""
    out, _ = seed_site
    folder = tmp_path_factory.mktemp("years")
    # The CLI splits a session's archive, whose issues keep their text after the build.
    config = make_config(out.parent, folder / "site", search=True)
    archive = Session(config, use_disk_cache=False).build(log=lambda m: None).archive
    years, index = write_year_zips(archive, config, config.output_dir,
                                   folder / "zips" / "baoku.zip")
    shelf = folder / "shelf"
    roots = {z.year: _unpack_beside(z.path, shelf) for z in years}
    return _unpack_beside(index, shelf), roots


def _unpack_beside(zip_path: Path, shelf: Path) -> Path:
    """Unpack into ``shelf`` beside the others; the zip's one top-level folder."""
    with zipfile.ZipFile(zip_path) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {zip_path.stem}
        archive.extractall(shelf)
    return shelf / zip_path.stem


def test_each_year_zip_searches_its_own_year_from_disk(
        year_zips: tuple[Path, dict[str, Path]], seed_site: tuple[Path, object],
        page: object) -> None:
    _, roots = year_zips
    _, result = seed_site
    assert len(roots) >= 2, "the seeds span more than one year"
    by_year = {year: [a.headline for issue in result.archive.issues  # type: ignore[attr-defined]
                      if (issue.date.value or "").startswith(year) for a in issue.articles
                      if len(a.headline) >= 4]
               for year in roots}
    year, other = sorted(y for y in roots if by_year.get(y))[:2]
    headline = by_year[year][0]
    assert headline in offline_search(page, roots[year], headline)
    elsewhere = offline_search(page, roots[other], headline)
    assert headline not in elsewhere, "another year's zip searches only its own year"
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_year_zip_browses_on_its_own(year_zips: tuple[Path, dict[str, Path]],
                                       page: object) -> None:
    _, roots = year_zips
    root = next(iter(roots.values()))
    page.goto((root / "index.html").as_uri())  # type: ignore[attr-defined]
    click_first(page, ISSUE_HREF)
    article = click_first(page, ARTICLE_HREF)
    assert page.url == article  # type: ignore[attr-defined]
    missing = [h for h in hrefs(page) if h.startswith("file://")
               and not Path(unquote(urlsplit(h).path)).exists()]
    assert missing == [], "every link of a year's article stays inside its zip"


def test_the_index_zip_links_every_year(year_zips: tuple[Path, dict[str, Path]]) -> None:
    index, roots = year_zips
    html = (index / "index.html").read_text(encoding="utf-8")
    for year, root in roots.items():
        assert f'href="../{root.name}/index.html"' in html
        assert (index.parent / root.name / "index.html").is_file(), year

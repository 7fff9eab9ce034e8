"""The zip from ``build.py --zip``, unzipped and opened from disk (file://) in Chromium:
the start page, an issue, an article and the offline search all work."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from baoku import urls
from baoku.publish import write_zip

pytestmark = pytest.mark.browser

ARTICLE_HREF = re.compile(r"/issues/[^/]+/\d{2}/index\.html$")
ISSUE_HREF = re.compile(r"/issues/[^/]+/index\.html$")


@pytest.fixture(scope="module")
def unzipped(seed_site: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, _ = seed_site
    folder = tmp_path_factory.mktemp("zip")
    target = folder / "baoku.zip"
    write_zip(out, target)
    with zipfile.ZipFile(target) as archive:
        archive.extractall(folder / "unpacked")
    (site,) = (folder / "unpacked").iterdir()  # one top-level folder, nothing beside it
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


def test_offline_search_from_disk(unzipped: Path, seed_site: tuple[Path, object],
                                  page: object) -> None:
    _, result = seed_site
    headline = next(a.headline for issue in result.archive.issues  # type: ignore[attr-defined]
                    for a in issue.articles if len(a.headline) >= 4)
    query = headline[:4]
    search = (unzipped / urls.file_of(urls.search_page())).as_uri() + f"?q={query}"
    page.goto(search)  # type: ignore[attr-defined]
    links = page.locator("#search-results a[href]")  # type: ignore[attr-defined]
    links.first.wait_for(timeout=15_000)
    assert page.locator("#search-results").get_attribute("data-mode") == "offline"  # type: ignore[attr-defined]
    assert links.count() >= 1
    texts = " ".join(links.all_inner_texts())
    assert query in texts, f"results for {query!r} should include {headline!r}"
    links.first.click()
    page.wait_for_load_state()  # type: ignore[attr-defined]
    # The article is opened with the search words to mark (#hl=…).
    assert ARTICLE_HREF.search(page.url.split("#")[0])  # type: ignore[attr-defined]
    assert page.url.endswith("#hl=" + quote(query))  # type: ignore[attr-defined]
    page.locator("mark.search-term").first.wait_for()  # type: ignore[attr-defined]
    assert page.locator("[data-pagefind-body]").count() == 1  # type: ignore[attr-defined]

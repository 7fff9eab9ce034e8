"""On a large archive the search page merges the newest bundles first and older ones only
as it needs them: a first search reads the newest bundle alone when it fills a page of
results, 显示更多结果 goes on into the older years until every match is shown, newest-first
sorting stays in date order across them, and a year filter reads just that year. The
archive is small; its bundle list claims 2,500 pages a bundle, as a large one would.
Over http and file://, in real Chromium."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.test_search import search_url, wait_for_results
from tests.browser.test_search_reading import built_site, load_everything
from tests.zipped import zipped_and_unpacked

pytestmark = [pytest.mark.browser, pytest.mark.slow]

YEARS = ("2024", "2023", "2022")  # newest first, as the bundle list names them
PER_YEAR = 24  # more than a page of results (20) in every year
CLAIMED_PAGES = 2500  # a bundle's pages as the bundle list says: one fills the first tier


def _issue(year: str) -> str:
    articles = [f"## 梁园区第{n}号服务点{year}年开放\n\n本报讯 梁园区在第{n}号服务点开展活动，"
                f"居民在家门口办事。\n" for n in range(1, PER_YEAR + 1)]
    return (f"---\nnewspaper: 测试晚报\ndate: {year}-04-15\nedition: 第2版\n---\n\n"
            + "\n".join(articles))


@pytest.fixture(scope="module")
def tiered_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = built_site(tmp_path_factory, "tiered-search",
                     {f"{year}-issue.md": _issue(year) for year in YEARS})
    listing_file = out / "pagefind" / "bundles.json"
    listing = json.loads(listing_file.read_text(encoding="utf-8"))
    assert listing["bundles"] == list(YEARS)
    assert listing["pages"] == {year: PER_YEAR for year in YEARS}
    listing["pages"] = {year: CLAIMED_PAGES for year in YEARS}
    listing_file.write_text(json.dumps(listing), encoding="utf-8")
    return out


@pytest.fixture(scope="module", params=["http", "file"])
def base(request: pytest.FixtureRequest, tiered_site: Path, serve: object,
         tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "http":
        return serve(tiered_site) + "search/index.html"  # type: ignore[operator]
    copy = tmp_path_factory.mktemp("tiered-copy") / "output"
    shutil.copytree(tiered_site, copy)
    disk = zipped_and_unpacked(copy, tmp_path_factory.mktemp("tiered-unzipped"))
    return (disk / "search" / "index.html").as_uri()


def bundles_read(requests: list[str]) -> set[str]:
    """The bundles whose files were fetched (Pagefind over http, packs from disk)."""
    read = set()
    for url in requests:
        for year in YEARS:
            if f"pagefind/{year}/" in url or f"search-offline/{year}/" in url:
                read.add(year)
    return read


def recorded(page: object) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))  # type: ignore[attr-defined]
    return urls


def test_a_first_search_reads_the_newest_bundle_alone(page: object, base: str) -> None:
    requests = recorded(page)
    page.goto(search_url(base, q="梁园区"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "梁园区")
    assert len(result["hits"]) == 20  # type: ignore[arg-type]
    assert all(h["meta"].startswith("2024") for h in result["hits"])  # type: ignore[index]
    assert f"在较新的 {CLAIMED_PAGES} 篇文章中找到 {PER_YEAR} 篇" in str(result["status"])
    assert bundles_read(requests) == {"2024"}


# Each change of #search-results' state, with the results shown then and the files the
# page had fetched by then (Pagefind runs on the page: its requests are the page's); the
# list shown first is marked.
STATES = """window.baokuStates = [];
document.addEventListener('DOMContentLoaded', () => {
  const r = document.getElementById('search-results');
  new MutationObserver(() => {
    window.baokuStates.push({
      state: r.dataset.state, hits: r.querySelectorAll('.search-hit').length,
      files: performance.getEntriesByType('resource').map(e => e.name)});
    if (r.dataset.state === 'partial') r.querySelector('.search-hits').dataset.first = 'yes';
  }).observe(r, {attributes: true, attributeFilter: ['data-state']});
});"""


def test_a_first_visit_shows_the_first_results_before_the_whole_page(
        page: object, base: str) -> None:
    page.add_init_script(STATES)  # type: ignore[attr-defined]
    page.goto(search_url(base, q="梁园区"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "梁园区")
    states = page.evaluate("window.baokuStates")  # type: ignore[attr-defined]
    assert [(s["state"], s["hits"]) for s in states] == [("partial", 5), ("done", 20)]
    # the rest of the page extends the list shown first (a reader may be on a link)
    assert page.eval_on_selector(".search-hits", "l => l.dataset.first") == "yes"  # type: ignore[attr-defined]
    assert len(result["hits"]) == 20 and "找到" in str(result["status"])


def test_a_first_visit_asks_for_each_file_that_opens_pagefind_once(
        page: object, tiered_site: Path, serve: object) -> None:
    """The page asks for the bundle list, the first bundle's entry, metadata and
    WebAssembly itself, together, and hands them to Pagefind: none is asked twice, and
    no worker script is loaded before the results."""
    page.add_init_script(STATES)  # type: ignore[attr-defined]
    entries: list[dict[str, str]] = []
    page.on("request", lambda r: entries.append(r.all_headers())  # type: ignore[attr-defined]
            if "pagefind-entry.json" in r.url else None)
    base = serve(tiered_site) + "search/index.html"  # type: ignore[operator]
    page.goto(search_url(base, q="梁园区"))  # type: ignore[attr-defined]
    wait_for_results(page, "梁园区")
    fetched = page.evaluate("window.baokuStates.at(-1).files")  # type: ignore[attr-defined]
    # as Pagefind's own (?ts=): an entry names the metadata file a rebuild renames
    assert entries and entries[0].get("cache-control") == "no-cache", entries
    listing = json.loads((tiered_site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    opening = ["pagefind/bundles.json", "pagefind/2024/pagefind-entry.json",
               f"pagefind/2024/{listing['meta']['2024']}", f"pagefind/2024/{listing['wasm']}",
               "pagefind/2024/pagefind.js"]
    for file in opening:  # a file Pagefind asked for again would be listed twice
        assert sum(1 for url in fetched if url.split("?")[0].endswith(file)) == 1, file
    assert not [url for url in fetched if "pagefind-worker" in url]


def test_the_filter_lists_name_every_year_and_leave_searches_on_the_newest(
        page: object, base: str) -> None:
    page.goto(search_url(base, q="梁园区"))  # type: ignore[attr-defined]
    wait_for_results(page, "梁园区")
    page.focus("select[name=year]")  # type: ignore[attr-defined]
    page.wait_for_function("document.getElementById('search-form').dataset.filters === 'ready'")  # type: ignore[attr-defined]
    years = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "select[name=year] option", "os => os.map(o => o.value).filter(Boolean)")
    assert sorted(years) == sorted(YEARS)
    page.fill("#search-input", "服务点")  # type: ignore[attr-defined]
    page.press("#search-input", "Enter")  # type: ignore[attr-defined]
    result = wait_for_results(page, "服务点")
    assert f"在较新的 {CLAIMED_PAGES} 篇文章中" in str(result["status"]), result["status"]


def test_load_more_goes_on_into_older_years_until_every_match(page: object, base: str
                                                              ) -> None:
    page.goto(search_url(base, q="梁园区"))  # type: ignore[attr-defined]
    wait_for_results(page, "梁园区")
    load_everything(page)
    titles = page.eval_on_selector_all(".search-hit h2 a", "as => as.map(a => a.textContent)")  # type: ignore[attr-defined]
    total = len(YEARS) * PER_YEAR
    assert len(titles) == total and len(set(titles)) == total, "each once"
    status = page.text_content("#search-status")  # type: ignore[attr-defined]
    assert f"找到 {total} 篇文章" in status and "较新" not in status


def test_newest_first_stays_in_date_order_across_tiers(page: object, base: str) -> None:
    page.goto(search_url(base, q="梁园区", sort="date"))  # type: ignore[attr-defined]
    wait_for_results(page, "梁园区")
    load_everything(page)
    dates = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".search-hit-meta", "ms => ms.map(m => m.textContent.split(' · ')[0])")
    assert len(dates) == len(YEARS) * PER_YEAR
    assert dates == sorted(dates, reverse=True)


def test_a_year_filter_reads_that_years_bundle(page: object, base: str) -> None:
    requests = recorded(page)
    page.goto(search_url(base, q="梁园区", year="2022"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "梁园区")
    assert f"找到 {PER_YEAR} 篇文章" in str(result["status"]), result["status"]
    assert all(h["meta"].startswith("2022") for h in result["hits"])  # type: ignore[index]
    assert bundles_read(requests) == {"2024", "2022"}, "the newest opens Pagefind"


# Second characters spread over the Unified Ideographs, as a real text's are.
SECONDS = "".join(chr(0x4E00 + 600 * k) for k in range(34))


@pytest.fixture(scope="module")
def small_chunk_site(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch_module: pytest.MonkeyPatch) -> Path:
    """One article per pair of 镇 and another character, indexed in small index chunks:
    the pairs of 镇 fill several chunks, as a common character's do on a large archive
    (without the probes, 32 of the 34 were found)."""
    from baoku.search import pagefind

    monkeypatch_module.setattr(pagefind, "INDEX_CHUNK_SIZE", 100)
    articles = [f"## 第{n}号通知\n\n本报讯 居民说镇{second}的事情办好了。\n"
                for n, second in enumerate(SECONDS, start=1)]
    issue = "---\nnewspaper: 测试晚报\ndate: 2024-04-15\nedition: 第2版\n---\n\n"
    out = built_site(tmp_path_factory, "small-chunks",
                     {"2024-issue.md": issue + "\n".join(articles)})
    chunks = list((out / "pagefind" / "2024" / "index").glob("*.pf_index"))
    assert len(chunks) > 8, "the pairs of 镇 span several chunks"
    return out


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_one_character_finds_every_page_its_pairs_start(page: object, small_chunk_site: Path,
                                                        serve: object) -> None:
    base = serve(small_chunk_site) + "search/index.html"  # type: ignore[operator]
    page.goto(search_url(base, q="镇"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "镇")
    assert f"找到 {len(SECONDS)} 篇文章" in str(result["status"]), result["status"]

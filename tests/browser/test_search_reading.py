"""The search page as a reader meets it on a larger archive: the true count and paging
through every result, newest first over every match, input methods, traditional
characters, excerpts as printed, the no-result state, history and title, and the words
carried to the article. Over http and file://, in real Chromium."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.test_search import search_url, wait_for_results
from tests.conftest import make_config
from tests.zipped import zipped_and_unpacked

pytestmark = [pytest.mark.browser, pytest.mark.slow]

YEARS = ("2022", "2023", "2024")
PER_ISSUE = 9  # 27 articles name the district: more than one page of results


def _issue(year: str, month: int) -> str:
    articles = []
    for n in range(1, PER_ISSUE + 1):
        articles.append(
            f"## 梁园区第{n}号便民服务点{year}年开放\n\n"
            f"本报讯 {month}月{n}日，梁园区在便民服务点开展活动，投入25万元，"
            f"居民说\"两委\"工作做到了家门口。第{n}号服务点位于{year}年新建的社区。\n")
    articles.append("## 山区果园迎来丰收\n\n本报讯 果农们忙着采摘苹果，收入8万元。\n")
    return (f"---\nnewspaper: 测试晚报\ndate: {year}-{month:02d}-15\nedition: 第2版\n---\n\n"
            + "\n".join(articles))


def built_site(tmp_path_factory: pytest.TempPathFactory, name: str,
               sources: Mapping[str, str]) -> Path:
    """A site built with search from ``sources`` (file name -> text in ``content/``)."""
    from baoku.pipeline import build

    project = tmp_path_factory.mktemp(name)
    content = project / "content"
    content.mkdir()
    for file_name, text in sources.items():
        (content / file_name).write_text(text, encoding="utf-8")
    out = project / "output"
    build(make_config(project, out, search=True), log=lambda m: None)
    return out


@pytest.fixture(scope="module")
def reading_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site(tmp_path_factory, "reading-search",
                      {f"{year}-issue.md": _issue(year, 3 + n) for n, year in enumerate(YEARS)})


@pytest.fixture(scope="module")
def reading_disk_site(reading_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reading site as its zip unpacks: only the zip carries the offline packs."""
    return zipped_and_unpacked(reading_site, tmp_path_factory.mktemp("reading-unzipped"))


@pytest.fixture(scope="module", params=["http", "file"])
def base(request: pytest.FixtureRequest, reading_site: Path, serve: object) -> str:
    if request.param == "http":
        return serve(reading_site) + "search/index.html"  # type: ignore[operator]
    disk = request.getfixturevalue("reading_disk_site")
    return (disk / "search" / "index.html").as_uri()


def hit_count(page: object) -> int:
    return page.locator(".search-hit").count()  # type: ignore[attr-defined]


def load_everything(page: object) -> None:
    """Press 显示更多结果 until every result is on the page."""
    for _ in range(10):
        more = page.locator("#search-more")  # type: ignore[attr-defined]
        if not more.count():
            return
        before = hit_count(page)
        more.click()
        page.wait_for_function(  # type: ignore[attr-defined]
            "n => document.querySelectorAll('.search-hit').length > n "
            "|| !document.getElementById('search-more')", arg=before)
    raise AssertionError("load more never ended")


def test_the_true_count_and_every_result_through_load_more(page: object, base: str) -> None:
    page.goto(search_url(base, q="梁园区"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "梁园区")
    total = len(YEARS) * PER_ISSUE
    assert f"找到 {total} 篇文章" in str(result["status"]), result["status"]
    assert "至少" not in str(result["status"])
    assert len(result["hits"]) == 20  # type: ignore[arg-type]
    load_everything(page)
    titles = page.eval_on_selector_all(".search-hit h2 a", "as => as.map(a => a.textContent)")  # type: ignore[attr-defined]
    assert len(titles) == total and len(set(titles)) == total
    assert all("梁园区" in t for t in titles)
    assert f"找到 {total} 篇文章" in page.text_content("#search-status")  # type: ignore[attr-defined]


def test_newest_first_sorts_every_match(page: object, base: str) -> None:
    page.goto(search_url(base, q="梁园区", sort="date"))  # type: ignore[attr-defined]
    first = wait_for_results(page, "梁园区")
    # The first page is the newest issue's nine and the next year's: not the best scored.
    first_years = [h["meta"][:4] for h in first["hits"]]  # type: ignore[index]
    assert first_years[:PER_ISSUE] == ["2024"] * PER_ISSUE
    load_everything(page)
    dates = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".search-hit-meta", "ms => ms.map(m => m.textContent.split(' · ')[0])")
    assert len(dates) == len(YEARS) * PER_ISSUE
    assert dates == sorted(dates, reverse=True)
    assert {d[:4] for d in dates} == set(YEARS)


def test_a_filter_only_search_pages_through_the_year(page: object, base: str) -> None:
    page.goto(search_url(base, year="2023"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "")
    assert f"找到 {PER_ISSUE + 1} 篇文章" in str(result["status"])
    assert all(h["meta"].startswith("2023") for h in result["hits"])  # type: ignore[index]


def test_traditional_characters_find_simplified_text(page: object, base: str) -> None:
    result = wait_for_query(page, base, "梁園區")
    assert result["state"] == "done"
    assert f"找到 {len(YEARS) * PER_ISSUE} 篇文章" in str(result["status"])
    assert any("梁园区" in "".join(h["marks"]) for h in result["hits"])  # type: ignore[index]


def wait_for_query(page: object, base: str, query: str, **params: str) -> dict[str, object]:
    page.goto(search_url(base, q=query, **params))  # type: ignore[attr-defined]
    return wait_for_results(page, query)


def test_excerpts_read_as_printed(page: object, base: str) -> None:
    result = wait_for_query(page, base, "便民服务点")
    for hit in result["hits"]:  # type: ignore[union-attr]
        text = hit["excerpt"]
        assert not re.search(r"\d [\u4e00-\u9fff]|[\u4e00-\u9fff] \d", text), text
        assert "25万元" in text and '"两委"' in text, text
        assert not text.startswith(hit["title"]) and ". " not in text, text


def test_no_result_names_the_filters_offers_to_clear_them_and_suggests(
        page: object, base: str) -> None:
    result = wait_for_query(page, base, "梁园区 火星", year="2022")
    assert result["state"] == "none"
    status = str(result["status"])
    assert "梁园区 火星" in status and "年份“2022”" in status
    page.wait_for_selector(".search-suggest a")  # type: ignore[attr-defined]
    suggestions = page.text_content(".search-suggest")  # type: ignore[attr-defined]
    assert "梁园区" in suggestions and "火星" not in suggestions.replace("“梁园区 火星”", "")
    page.click(".search-clear")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !new URLSearchParams(location.search).get('year')")
    assert page.input_value("select[name=year]") == ""  # type: ignore[attr-defined]


def test_each_query_is_a_history_entry_and_names_the_page(page: object, base: str) -> None:
    page.goto(base)  # type: ignore[attr-defined]
    wait_for_results(page, "")
    page.fill("#search-input", "果园")  # type: ignore[attr-defined]
    wait_for_results(page, "果园")
    assert page.title().startswith("“果园”")  # type: ignore[attr-defined]
    page.fill("#search-input", "梁园区")  # type: ignore[attr-defined]
    wait_for_results(page, "梁园区")
    assert page.title().startswith("“梁园区”")  # type: ignore[attr-defined]
    page.go_back()  # type: ignore[attr-defined]
    wait_for_results(page, "果园")
    assert page.input_value("#search-input") == "果园"  # type: ignore[attr-defined]
    assert page.title().startswith("“果园”")  # type: ignore[attr-defined]


def test_a_paper_filter_with_one_paper_is_not_offered(page: object, base: str) -> None:
    page.goto(base)  # type: ignore[attr-defined]
    wait_for_results(page, "")
    assert page.locator("select[name=paper]").count() == 0  # type: ignore[attr-defined]
    assert page.locator("select[name=year]").is_visible()  # type: ignore[attr-defined]


def test_nothing_is_searched_while_an_input_method_composes(page: object, base: str) -> None:
    page.goto(base)  # type: ignore[attr-defined]
    wait_for_results(page, "")
    page.click("#search-input")  # type: ignore[attr-defined]
    cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    for n in range(1, len("liangyuan") + 1):
        cdp.send("Input.imeSetComposition",
                 {"text": "liangyuan"[:n], "selectionStart": n, "selectionEnd": n})
    page.wait_for_timeout(600)  # type: ignore[attr-defined]  # longer than the typing delay
    assert page.evaluate("document.getElementById('search-results').dataset.query") == ""  # type: ignore[attr-defined]
    assert "q=" not in page.url  # type: ignore[attr-defined]
    cdp.send("Input.insertText", {"text": "梁园区"})
    result = wait_for_results(page, "梁园区")
    assert result["state"] == "done"
    assert "q=" + quote("梁园区") in page.url  # type: ignore[attr-defined]


def test_the_article_marks_the_words_and_can_clear_them(page: object, base: str) -> None:
    result = wait_for_query(page, base, "便民服务点")
    assert result["hits"]
    page.click(".search-hit h2 a >> nth=0")  # type: ignore[attr-defined]
    page.wait_for_selector(".highlight-bar")  # type: ignore[attr-defined]
    marks = page.eval_on_selector_all("mark.search-term", "ms => ms.map(m => m.textContent)")  # type: ignore[attr-defined]
    assert marks and set(marks) == {"便民服务点"}
    first_top = page.eval_on_selector("mark.search-term", "m => m.getBoundingClientRect().top")  # type: ignore[attr-defined]
    assert 0 <= first_top <= page.viewport_size["height"]  # type: ignore[attr-defined]
    page.click(".highlight-clear")  # type: ignore[attr-defined]
    assert page.locator("mark.search-term").count() == 0  # type: ignore[attr-defined]
    assert page.locator(".highlight-bar").count() == 0  # type: ignore[attr-defined]
    assert "#hl=" not in page.url  # type: ignore[attr-defined]
    assert "便民服务点" in page.text_content("article")  # type: ignore[attr-defined]

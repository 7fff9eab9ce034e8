"""The search page in Chromium: a query table over http (Pagefind) and file:// (offline),
filters, sort, bookmarkable URLs, relative result links and escaping."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest

from tests.zipped import zipped_and_unpacked

pytestmark = pytest.mark.browser

# (query, headline substring of the article that must be among the first five results).
# Written from the seeds' text; headlines as in the gold annotations, "A|B" where the
# gold accepts an alternative headline.
QUERY_TABLE: list[tuple[str, str]] = [
    ("花椒", "叶营村百亩花椒"),
    ("叶志刚", "叶营村百亩花椒"),
    ("张亚丹 幼儿园", "2所幼儿园和1所小学"),
    ("兰馨幼儿园", "2所幼儿园和1所小学"),
    ("湛阳镇 幸福村", "五星工坊"),
    ("五星支部 社区铃铛", "智慧赋能基层治理"),
    ("“五星”支部 蓝湾尚街", "美好生活节"),
    ("PM2.5", "空气质量连续两个月"),
    ("VOCs", "空气质量连续两个月"),
    ("5G 散热", "强磁场"),
    ("800平方米", "四抓四联"),
    ("保密", "上紧保密"),
    ("平新先进制造业开发区", "平新开发区企业达成"),
    ("创文", "打好创文决胜攻坚战"),
    ("送戏进村", "送戏进村传廉意"),
    ("闫庄村", "送戏进村传廉意"),
    ("廉洁文化", "打造廉政教育阵地"),
    ("征迁", "助推项目征迁"),
    ("滎阳镇 绿化", "扎实推进春季绿化"),
    ("读书班", "党纪学习教育读书班"),
    ("巾帼工坊", "巾帼工坊助力女性|劳动力成“富裕”劳动力"),
    ("鸿翔社区", "巾帼工坊助力女性|劳动力成“富裕”劳动力"),
    ("建筑垃圾", "光华路街道持续增强"),
    ("456", "探索实施"),
    ("樱花园 停车场", "樱花园免费停车场"),
    ("智慧矫正", "智慧矫正中心"),
    ("新质生产力", "新质生产力新路径"),
    ("半导体", "新质生产力新路径"),
    ("朱江森 通讯员", "巾帼工坊助力女性|劳动力成“富裕”劳动力"),
]
NO_RESULT_QUERY = "火星探测器"


def search_url(base: str, **params: str) -> str:
    return f"{base}?{urlencode(params)}" if params else base


def wait_for_results(page: object, query: str) -> dict[str, object]:
    """Wait until the page settled on ``query``; returns state, mode, status and hits."""
    page.wait_for_function(  # type: ignore[attr-defined]
        """q => { const r = document.getElementById('search-results');
                  return r && r.dataset.state && r.dataset.state !== 'loading'
                         && r.dataset.state !== 'partial'
                         && (r.dataset.query === q || r.dataset.state === 'error'); }""",
        arg=query, timeout=20_000)
    return page.evaluate(  # type: ignore[attr-defined]
        """() => { const r = document.getElementById('search-results');
          return { state: r.dataset.state, mode: r.dataset.mode,
            status: document.getElementById('search-status').textContent,
            hits: [...r.querySelectorAll('.search-hit')].map(h => ({
              title: h.querySelector('h2 a').textContent,
              href: h.querySelector('h2 a').getAttribute('href'),
              meta: h.querySelector('.search-hit-meta').textContent,
              marks: [...h.querySelectorAll('.search-hit-excerpt mark')].map(m => m.textContent),
              excerpt: h.querySelector('.search-hit-excerpt').textContent,
              excerptElements: [...h.querySelectorAll('.search-hit-excerpt *')]
                .map(e => e.tagName) })) }; }""")


def run_query(page: object, base: str, query: str, **params: str) -> dict[str, object]:
    page.goto(search_url(base, q=query, **params))  # type: ignore[attr-defined]
    return wait_for_results(page, query)


@pytest.fixture(scope="module")
def site(seed_site: tuple[Path, object]) -> Path:
    return seed_site[0]


@pytest.fixture(scope="module")
def disk_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed site as its zip unpacks: the published site plus the offline packs."""
    return zipped_and_unpacked(site, tmp_path_factory.mktemp("unzipped"))


@pytest.fixture(scope="module", params=["http", "file"])
def search_base(request: pytest.FixtureRequest, site: Path, disk_site: Path,
                serve: object) -> str:
    if request.param == "http":
        return serve(site) + "search/index.html"  # type: ignore[operator]
    return (disk_site / "search" / "index.html").as_uri()


def expected_mode(base: str) -> str:
    return "offline" if base.startswith("file:") else "pagefind"


@pytest.mark.parametrize(("query", "headline"), QUERY_TABLE)
def test_query_finds_article_in_top_five(page: object, search_base: str, query: str,
                                         headline: str) -> None:
    result = run_query(page, search_base, query)
    titles = [h["title"] for h in result["hits"]]  # type: ignore[index]
    assert result["mode"] == expected_mode(search_base)
    assert result["state"] == "done", result["status"]
    accepted = headline.split("|")
    assert any(a in t for t in titles[:5] for a in accepted), (query, titles[:5])


def test_query_table_is_large_enough() -> None:
    assert len(QUERY_TABLE) >= 25


def test_no_result_says_so_in_chinese(page: object, search_base: str) -> None:
    result = run_query(page, search_base, NO_RESULT_QUERY)
    assert result["state"] == "none"
    assert result["hits"] == []
    assert "没有找到" in str(result["status"]) and NO_RESULT_QUERY in str(result["status"])


def test_empty_query_asks_for_input(page: object, search_base: str) -> None:
    page.goto(search_base)  # type: ignore[attr-defined]
    result = wait_for_results(page, "")
    assert result["state"] == "empty"
    assert "请输入" in str(result["status"])


def test_results_mark_matches_and_link_relatively(page: object, search_base: str) -> None:
    result = run_query(page, search_base, "湛阳镇")
    hits = result["hits"]  # type: ignore[index]
    assert hits, result["status"]
    for hit in hits:
        assert not hit["href"].startswith(("/", "http")), hit["href"]
        assert hit["href"].split("#")[0].endswith("index.html")
        assert hit["href"].endswith("#hl=" + quote("湛阳镇"))  # the article marks the words
        assert set(hit["excerptElements"]) <= {"MARK"}
    assert any("湛阳镇" in "".join(h["marks"]) for h in hits)
    # Excerpts read as printed: no gaps between Chinese characters (the online index
    # stores them as separate words).
    for hit in hits:
        assert not re.search(r"(?:[\u4e00-\u9fff][\s\u200b]+){3}", hit["excerpt"]), hit
    first = hits[0]
    page.click("#search-results .search-hit h2 a >> nth=0")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert first["title"] in page.content()  # type: ignore[attr-defined]


def test_year_filter_and_date_sort(page: object, search_base: str) -> None:
    everything = run_query(page, search_base, "社区")
    # The filter lists are filled after the first results.
    page.wait_for_selector("#search-form[data-filters=ready]", state="attached")  # type: ignore[attr-defined]
    years = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "select[name=year] option", "os => os.map(o => o.value).filter(Boolean)")
    assert {"2023", "2024"} <= set(years)
    filtered = run_query(page, search_base, "社区", year="2024")
    assert filtered["hits"], filtered["status"]
    assert all(h["meta"].startswith("2024") for h in filtered["hits"])  # type: ignore[index]
    assert len(filtered["hits"]) < len(everything["hits"])  # type: ignore[arg-type]
    assert page.input_value("select[name=year]") == "2024"  # type: ignore[attr-defined]

    by_date = run_query(page, search_base, "社区", sort="date")
    dates = [h["meta"].split(" · ")[0] for h in by_date["hits"]]  # type: ignore[index]
    assert len(dates) >= 3
    assert dates == sorted(dates, reverse=True)


def test_reporter_filter_without_query(page: object, search_base: str) -> None:
    page.goto(search_url(search_base, reporter="朱江森"))  # type: ignore[attr-defined]
    result = wait_for_results(page, "")
    assert result["state"] == "done", result["status"]
    titles = [h["title"] for h in result["hits"]]  # type: ignore[index]
    assert any("智慧矫正中心" in t for t in titles)
    assert not any("叶营村" in t for t in titles)


def test_typing_and_filters_keep_the_url_in_step(page: object, search_base: str) -> None:
    page.goto(search_base)  # type: ignore[attr-defined]
    wait_for_results(page, "")
    page.fill("#search-input", "花椒")  # type: ignore[attr-defined]
    result = wait_for_results(page, "花椒")
    assert any("叶营村" in h["title"] for h in result["hits"])  # type: ignore[index]
    page.select_option("select[name=year]", "2023")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => new URLSearchParams(location.search).get('year') === '2023'")
    params = parse_qs(urlsplit(page.url).query)  # type: ignore[attr-defined]
    assert params["q"] == ["花椒"] and params["year"] == ["2023"]


def test_pagefind_bundles_are_sharded_by_year(site: Path) -> None:
    shards = sorted(p.name for p in (site / "pagefind").iterdir() if p.is_dir())
    assert {"2023", "2024"} <= set(shards)
    for shard in shards:
        assert (site / "pagefind" / shard / "pagefind.js").is_file()
    listing = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    assert listing["bundles"] == sorted(shards, reverse=True), "newest year first"
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundles="../pagefind/bundles.json"' in html
    assert not re.search(r'(href|src)="/', html)


def test_source_html_is_never_injected(page: object, build_from: object, serve: object) -> None:
    text = ("测试日报 2024年5月6日\n\n"
            "标签<b>粗体</b>新闻报道\n\n"
            "本报讯（记者王五）示范区举行<img src=x onerror=\"window.pwned=1\">粗体活动，"
            "<script>window.pwned=2</script>居民踊跃参加粗体比赛。\n")
    out, _ = build_from({"content/2024-05-06-test.txt": text}, search=True)  # type: ignore[operator]
    unpacked = zipped_and_unpacked(out, out.parent / "unzipped")
    for base in (serve(out) + "search/index.html",  # type: ignore[operator]
                 (unpacked / "search" / "index.html").as_uri()):
        result = run_query(page, base, "粗体")
        assert result["state"] == "done", result["status"]
        for hit in result["hits"]:  # type: ignore[union-attr]
            assert set(hit["excerptElements"]) <= {"MARK"}
        assert page.evaluate("() => document.querySelector('#search-results img, "  # type: ignore[attr-defined]
                             "#search-results script, #search-results b')") is None
        assert page.evaluate("() => window.pwned") is None  # type: ignore[attr-defined]


def test_result_links_work_under_a_sub_path(page: object, site: Path, serve: object) -> None:
    base = serve(site.parent) + f"{site.name}/search/index.html"  # type: ignore[operator]
    result = run_query(page, base, "花椒")
    assert result["mode"] == "pagefind" and result["hits"], result["status"]
    response = page.goto(  # type: ignore[attr-defined]
        page.eval_on_selector("#search-results .search-hit h2 a", "a => a.href"))  # type: ignore[attr-defined]
    assert response.ok and f"/{site.name}/issues/" in page.url  # type: ignore[attr-defined]
    assert "叶营村百亩花椒" in page.content()  # type: ignore[attr-defined]


def test_a_chinese_query_is_one_phrase_so_scattered_characters_cost_no_fetches(
        page: object, build_from: object, serve: object) -> None:
    """Pages holding 新, 华 and 区 apart are not candidates for 新华区: Pagefind is asked
    for the phrase, so the page reads the one matching page's fragment, not twenty."""
    decoy = "华灯初上，新春到来，区里各处张灯结彩。" * 3
    files = {f"content/2024-05-{day:02d}-test.txt":
             f"测试日报 2024年5月{day}日\n\n节日街景第{day}期\n\n本报讯（记者王五）{decoy}\n"
             for day in range(1, 26)}
    files["content/2024-05-26-test.txt"] = ("测试日报 2024年5月26日\n\n新华区举行运动会\n\n"
                                            "本报讯（记者王五）新华区昨日举行全民运动会。\n")
    out, _ = build_from(files, search=True)  # type: ignore[operator]
    fragments: list[str] = []
    page.on("request", lambda r: fragments.append(r.url) if "/fragment/" in r.url else None)  # type: ignore[attr-defined]
    result = run_query(page, serve(out) + "search/index.html", "新华区")  # type: ignore[operator]
    assert result["mode"] == "pagefind" and result["state"] == "done", result["status"]
    assert [h["title"] for h in result["hits"]] == ["新华区举行运动会"]  # type: ignore[index]
    assert len(fragments) == 1, fragments


def test_filter_lists_wait_while_the_reader_keeps_searching(
        page: object, site: Path, serve: object) -> None:
    """Every bundle's filter files are fetched only once the page is idle after results
    or when a filter is touched, so they never hold up the reader's next search."""
    filter_files: list[str] = []
    page.on("request", lambda r: filter_files.append(r.url) if "/filter/" in r.url else None)  # type: ignore[attr-defined]
    base = serve(site) + "search/index.html"  # type: ignore[operator]
    assert run_query(page, base, "社区")["hits"]
    page.fill("#search-input", "花椒")  # type: ignore[attr-defined]
    page.press("#search-input", "Enter")  # type: ignore[attr-defined]
    assert wait_for_results(page, "花椒")["hits"]
    assert filter_files == []
    page.focus("select[name=year]")  # type: ignore[attr-defined]
    page.wait_for_selector("#search-form[data-filters=ready]", state="attached",  # type: ignore[attr-defined]
                           timeout=1000)  # sooner than the idle delay: the focus asked
    assert filter_files
    years = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "select[name=year] option", "os => os.map(o => o.value).filter(Boolean)")
    assert {"2023", "2024"} <= set(years)


def test_filter_lists_fill_by_themselves_once_the_page_is_idle(
        page: object, site: Path, serve: object) -> None:
    run_query(page, serve(site) + "search/index.html", "社区")  # type: ignore[operator]
    page.wait_for_selector("#search-form[data-filters=ready]", state="attached",  # type: ignore[attr-defined]
                           timeout=10_000)


@pytest.fixture(scope="module")
def small_pack_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed site as its zip unpacks, with its bundles packed into 2 KB packs: dozens
    per bundle, so the page must find each file in the pack the zip's hash put it in."""
    from baoku.search import offline

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(offline, "PACK_BYTES", 2048)
        return zipped_and_unpacked(site, tmp_path_factory.mktemp("small-packs"))


def test_search_from_disk_finds_what_http_finds(page: object, site: Path, serve: object,
                                                disk_site: Path, small_pack_site: Path) -> None:
    packs = list((small_pack_site / "search-offline").glob("*/p*.js"))
    assert len(packs) > 3 * len(list((disk_site / "search-offline").glob("*/p*.js")))
    assert not (site / "search-offline").exists(), "the published site carries no packs"
    http_base = serve(site) + "search/index.html"  # type: ignore[operator]
    disk_base = (small_pack_site / "search" / "index.html").as_uri()
    for query, _ in [*QUERY_TABLE, (NO_RESULT_QUERY, "")]:
        over_http = run_query(page, http_base, query)
        from_disk = run_query(page, disk_base, query)
        assert (over_http["mode"], from_disk["mode"]) == ("pagefind", "offline")
        assert [h["title"] for h in from_disk["hits"]] == [  # type: ignore[index]
            h["title"] for h in over_http["hits"]], query  # type: ignore[index]
        assert from_disk["state"] == over_http["state"], query
    # The http server has no favicon; from disk, nothing may fail to load.
    errors = [e for e in page.console_errors  # type: ignore[attr-defined]
              if "server responded with a status of 404" not in e]
    assert errors == []


def test_http_falls_back_to_the_packs_when_pagefind_cannot_load(
        page: object, disk_site: Path, serve: object, tmp_path: Path) -> None:
    """An unpacked zip served by a host that does not serve Pagefind's files (here:
    every pagefind.js missing) still searches, from the script packs of the same bundles."""
    copy = tmp_path / "site"
    shutil.copytree(disk_site, copy)
    for script in (copy / "pagefind").glob("*/pagefind.js"):
        script.unlink()
    base = serve(copy) + "search/index.html"  # type: ignore[operator]
    result = run_query(page, base, "花椒")
    assert result["state"] == "done", result["status"]
    assert result["mode"] == "offline"
    assert any("叶营村百亩花椒" in h["title"] for h in result["hits"])  # type: ignore[union-attr]

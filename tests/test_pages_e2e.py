"""End to end: the HTML of the seed build agrees with its published data."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, make_config
from htmlpage import Page, read_page, squash

from baoku import urls
from baoku.cache.session import Session
from baoku.citation import UNTITLED
from baoku.export import read_issue_records
from baoku.render import render_site


@pytest.fixture(scope="module")
def out(seed_site) -> Path:
    return seed_site[0]


@pytest.fixture(scope="module")
def issues(out: Path) -> list[dict[str, Any]]:
    archive = json.loads((out / "data/archive.json").read_text(encoding="utf-8"))
    records = read_issue_records(out)
    return [records[i["id"]] for i in archive["issues"]]


def page_at(out: Path, site_path: str) -> Page:
    return read_page(out / urls.file_of(site_path))


def texts(page: Page, tag: str, **attrs: str) -> list[str]:
    return [squash(e.text) for e in page.find(tag, **attrs)]


@pytest.mark.slow
def test_home_lists_every_issue_newest_first(out: Path, issues: list[dict[str, Any]]) -> None:
    home = page_at(out, urls.home())
    assert len(issues) == 5
    issue_links = [href for tag, attr, href in home.links
                   if tag == "a" and re.fullmatch(r"issues/[^/]+/index\.html", href)]
    expected = [urls.relative("", i["url"]) for i in issues]
    assert [h for h in dict.fromkeys(issue_links)] == expected
    body = squash(" ".join(e.text for e in home.find("main")))
    if any(i["date"] is None for i in issues):
        assert "日期不详" in body and "undated" in home.ids
    for issue in issues:
        assert f"{issue['article_count']} 篇" in body


@pytest.mark.slow
def test_issue_pages_list_articles_in_reading_order(out: Path,
                                                    issues: list[dict[str, Any]]) -> None:
    for issue in issues:
        page = page_at(out, issue["url"])
        headlines = texts(page, "h2", class_="article-item-title")
        assert headlines == [squash(a["headline"]) or UNTITLED for a in issue["articles"]]
        assert page.find("nav", class_="breadcrumb")
        assert not page.with_attr("data-pagefind-body")


@pytest.mark.slow
def test_article_pages_show_the_article(out: Path, issues: list[dict[str, Any]]) -> None:
    checked = 0
    for issue in issues:
        articles = issue["articles"]
        for position, art in enumerate(articles):
            page = page_at(out, art["url"])
            here = art["url"]
            headline = squash(art["headline"]) or UNTITLED
            assert texts(page, "h1") == [headline]
            if art["kicker"]:
                assert texts(page, "p", class_="kicker")[0] == squash(art["kicker"])
            if art["byline"]:
                assert squash(art["byline"]) in texts(page, "p", class_="byline")
            body = squash(page.find("div", class_="article-body")[0].text)
            assert all(squash(p) in body for p in art["paragraphs"])
            assert set(map(squash, art["section_heads"])) <= set(texts(page, "h2"))
            assert texts(page, "figcaption") == [squash(c) for c in art["captions"]]
            assert len(page.with_attr("data-pagefind-body")) == 1
            crumbs = page.find("nav", class_="breadcrumb")[0]
            assert squash(crumbs.text).endswith(headline)
            rels = {e.attrs["rel"]: e.attrs["href"] for e in page.find("a")
                    if e.attrs.get("rel") in ("prev", "next")}
            if position > 0:
                assert rels["prev"] == urls.relative(here, articles[position - 1]["url"])
            else:
                assert "prev" not in rels
            if position + 1 < len(articles):
                assert rels["next"] == urls.relative(here, articles[position + 1]["url"])
            else:
                assert "next" not in rels
            assert urls.relative(here, issue["url"]) in [h for _t, _a, h in page.links]
            assert re.search(r"约 \d+ 分钟", squash(" ".join(e.text for e in page.find("p"))))
            assert page.find("button", class_="text-download"), "the plain-text download"
            ld = json.loads(page.find("script", type="application/ld+json")[0].text)
            assert ld["@type"] == "NewsArticle" and squash(ld["headline"]) == headline
            assert texts(page, "p", class_="citation")  # GB/T 7714 block
            checked += 1
    assert checked == sum(len(i["articles"]) for i in issues) > 0


@pytest.mark.slow
def test_only_article_pages_are_search_bodies(out: Path) -> None:
    for path in out.rglob("*.html"):
        page = read_page(path)
        is_article = re.search(r"issues/[^/]+/\d\d/index\.html$", path.as_posix()) is not None
        assert bool(page.with_attr("data-pagefind-body")) == is_article, path


def tag_counts(page: Page) -> dict[str, int]:
    counts = {}
    for item in page.find("li"):
        match = re.search(r"(\d+) 篇$", squash(item.text))
        if match:
            counts[squash(item.text).split(" ")[0]] = int(match.group(1))
    return counts


@pytest.mark.slow
def test_tag_index_counts_match_the_data(out: Path, issues: list[dict[str, Any]]) -> None:
    articles = [a for i in issues for a in i["articles"]]
    topics = Counter(t for a in articles for t in dict.fromkeys(a["topics"]))
    people = Counter(p for a in articles
                     for p in dict.fromkeys(a["reporters"] + a.get("photographers", [])))
    assert tag_counts(page_at(out, urls.topic_index())) == dict(topics)
    assert tag_counts(page_at(out, urls.reporter_index())) == dict(people)
    for name, count in topics.items():
        page = page_at(out, urls.topic_page(name))
        rows = [h for tag, attr, h in page.links
                if tag == "a" and attr == "href" and re.search(r"issues/[^/]+/\d+/", h)]
        assert len(rows) == count
    districts = Counter(d for a in articles for d in dict.fromkeys(a["districts"]))
    shown = tag_counts(page_at(out, urls.district_index()))
    for name, count in districts.items():
        assert shown[name] >= count  # a district also counts articles naming its towns


@pytest.mark.slow
def test_report_page_lists_every_source(out: Path) -> None:
    report = json.loads((out / "data/report.json").read_text(encoding="utf-8"))
    page = page_at(out, urls.report_page())
    text = squash(" ".join(e.text for e in page.find("main")))
    for row in report["issues"]:
        assert row["source"] in text and row["encoding"] in text
        for warning in row["warnings"]:
            assert squash(warning) in text
    for failure in report["failures"]:
        assert failure["source"] in text


@pytest.mark.slow
def test_every_page_has_title_description_and_language(out: Path) -> None:
    for path in out.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        page = read_page(path)
        assert '<html lang="zh-CN">' in source, path
        titles = texts(page, "title")
        assert titles and titles[0], path
        descriptions = page.find("meta", name="description")
        assert descriptions and descriptions[0].attrs["content"].strip(), path


@pytest.mark.slow
def test_render_is_deterministic(seed_site, tmp_path: Path) -> None:
    out, _ = seed_site  # rendered again from a session's archive, which keeps its text
    config = make_config(ROOT, tmp_path / "out")
    archive = Session(make_config(out.parent, tmp_path / "site"),
                      use_disk_cache=False).build(log=lambda m: None).archive
    first = {f.path: f.content for f in render_site(archive, config)}
    second = {f.path: f.content for f in render_site(archive, config)}
    assert first == second
    html = first[urls.file_of(urls.home())].decode("utf-8")
    assert 'href="static/site.css"' in html and 'src="static/site.js"' in html


def middle_article(issues: list[dict[str, Any]]) -> tuple[dict[str, Any], int]:
    """An issue with at least three articles and the position of its second one."""
    issue = next(i for i in issues if len(i["articles"]) >= 3)
    return issue, 1


@pytest.mark.slow
@pytest.mark.browser
def test_arrow_keys_walk_the_issue_offline(out: Path, issues: list[dict[str, Any]],
                                           page) -> None:
    issue, position = middle_article(issues)
    articles = issue["articles"]
    page.goto((out / urls.file_of(articles[position]["url"])).as_uri())
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/" + urls.file_of(articles[position + 1]["url"]))
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/" + urls.file_of(articles[position]["url"]))
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/" + urls.file_of(articles[position - 1]["url"]))
    assert page.console_errors == []


@pytest.mark.slow
@pytest.mark.browser
def test_copy_button_copies_the_citation_offline(out: Path, issues: list[dict[str, Any]],
                                                 browser) -> None:
    issue, position = middle_article(issues)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((out / urls.file_of(issue["articles"][position]["url"])).as_uri())
        # Record what reaches the clipboard: file:// has no async clipboard, so the
        # script falls back to execCommand("copy") on a hidden textarea.
        page.evaluate("""() => { window.__copied = null;
            document.addEventListener('copy', () => {
              window.__copied = String(document.getSelection() || document.activeElement.value
                                       .substring(document.activeElement.selectionStart,
                                                  document.activeElement.selectionEnd));
            }); }""")
        button = page.locator("button[data-copy='cite-gbt']")
        button.click()
        expected = page.locator("#cite-gbt").inner_text().strip()
        page.wait_for_function("() => window.__copied !== null")
        assert page.evaluate("window.__copied").strip() == expected
        assert button.inner_text() == "已复制"
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_skip_link_and_narrow_screen(out: Path, issues: list[dict[str, Any]], browser) -> None:
    issue, position = middle_article(issues)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto((out / urls.file_of(issue["articles"][position]["url"])).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.locator(".skip-link").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()


@pytest.mark.slow
def test_markdown_issue_links_its_raw_text(build_from) -> None:
    site, result = build_from({
        "content/a.md": "## 标题甲\n\n正文第一段。\n\n### 小节标题\n\n正文第二段。\n",
        "content/a.txt": "标 题 甲\n正文第一段。\n小节标题\n正文第二段。\n",
    })
    issue = result.archive.issues[0]
    assert issue.origin == "markdown" and issue.raw_text_path
    page = page_at(site, urls.issue_page(issue.id))
    links = {squash(e.text): e.attrs["href"] for e in page.find("a")}
    assert links["原始文本"] == "source.txt"
    raw = (site / urls.raw_text(issue.id)).read_text(encoding="utf-8")
    assert raw.startswith("标 题 甲")
    article = page_at(site, urls.article_page(issue.id, 1))
    body = squash(article.find("div", class_="article-body")[0].text)
    assert "正文第一段。" in body and "小节标题" in body
    report = squash(" ".join(e.text for e in page_at(site, urls.report_page()).find("main")))
    assert "人工校订" in report


@pytest.mark.slow
def test_undated_issue_and_unreadable_file(build_from) -> None:
    site, result = build_from({
        "content/note.txt": "社区开展义诊活动\n本报讯 近日，某社区组织医生为居民义诊。\n",
        "content/broken.txt": b"\x00\x01\x02\x03" * 400,
    })
    assert result.archive.failures
    issue = result.archive.issues[0]
    assert issue.date.value is None  # nothing in the name or text dates it
    home = squash(" ".join(e.text for e in page_at(site, urls.home()).find("main")))
    assert "日期不详" in home  # its own page, linked from the home page's years
    undated = (site / urls.year_page(urls.UNDATED_YEAR) / "index.html").read_text("utf-8")
    assert f'href="../../issues/{issue.id}/index.html"' in undated
    crumbs = squash(page_at(site, urls.issue_page(issue.id)).find(
        "nav", class_="breadcrumb")[0].text)
    assert "日期不详" in crumbs
    report = squash(" ".join(e.text for e in page_at(site, urls.report_page()).find("main")))
    assert "content/broken.txt" in report and "未能读取的文件" in report

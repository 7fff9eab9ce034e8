"""Parts of an article page that site.js makes from what the page already holds (so every
article page carries less): the keyword links, the pager under the text, the BibTeX entry,
and the address of a citation, a print and a plain-text download taken from the canonical
link. Over http and from disk."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest

from baoku import urls
from baoku.citation import bibtex
from baoku.config import load_config
from baoku.model import Archive, Article, Issue, IssueDate, Source, SourceMeta
from baoku.pipeline import build
from baoku.render import render_site
from tests.browser.test_text_download import article_url  # noqa: F401 (a fixture)
from tests.conftest import make_config

pytestmark = pytest.mark.browser

BASE_URL = "https://example.org/baoku/"


def test_keywords_become_links_to_the_search_page(
        page: object, article_url: tuple[str, object]) -> None:  # noqa: F811
    url, (_, article, _) = article_url  # type: ignore[misc]
    page.goto(url)  # type: ignore[attr-defined]
    links = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".keywords li", "items => items.map(li => [li.textContent, "
        "li.firstElementChild && li.firstElementChild.getAttribute('href')])")
    assert links and [word for word, _ in links] == list(article.keywords)  # type: ignore[attr-defined]
    for word, href in links:
        assert href is not None and unquote(href).endswith(f"search/index.html?q={word}")
    errors = [e for e in page.console_errors  # type: ignore[attr-defined]
              if "status of 404" not in e]  # the test server has no favicon
    assert errors == []


def test_the_pager_is_copied_under_the_text_and_the_keys_follow_it(
        page: object, article_url: tuple[str, object]) -> None:  # noqa: F811
    url, _ = article_url
    page.goto(url)  # type: ignore[attr-defined]
    hrefs = "nav => Array.from(nav.querySelectorAll('a')).map(a => a.getAttribute('href'))"
    top = page.eval_on_selector(".pager-top", hrefs)  # type: ignore[attr-defined]
    bottom = page.eval_on_selector(".pager-bottom", hrefs)  # type: ignore[attr-defined]
    assert bottom == top and len(top) == 2  # the first article: its issue, the next
    assert page.get_attribute(".pager-bottom", "aria-label") == "本期前后文章"  # type: ignore[attr-defined]
    below = page.evaluate(  # type: ignore[attr-defined]
        "document.querySelector('.article-layout').compareDocumentPosition("
        "document.querySelector('.pager-bottom')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert below
    following = page.get_attribute(".pager-top a[rel=next]", "href")  # type: ignore[attr-defined]
    page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    page.wait_for_url(f"**/{following.removeprefix('../')}")  # type: ignore[attr-defined,union-attr]


@pytest.fixture(scope="module")
def addressed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seeds built for a known address (base_url set): the pages have canonical links."""
    project = tmp_path_factory.mktemp("addressed")
    seeds = Path(__file__).resolve().parents[2] / "content"
    (project / "content").mkdir()
    for seed in sorted(seeds.glob("*.txt"))[:3]:
        (project / "content" / seed.name).write_bytes(seed.read_bytes())
    out = project / "output"
    config = replace(make_config(project, out), base_url=BASE_URL)
    build(config, log=lambda m: None)
    return out


def test_print_and_download_cite_the_canonical_address(
        page: object, addressed_site: Path, serve: object) -> None:
    first = next(p for p in sorted(addressed_site.glob("issues/*/01/index.html")))
    rel = first.relative_to(addressed_site).as_posix()
    canonical = BASE_URL + rel.removesuffix("index.html")
    page.goto(serve(addressed_site) + rel)  # type: ignore[attr-defined,operator]
    assert page.inner_text(".print-header .print-url") == canonical  # type: ignore[attr-defined]
    assert page.inner_text("#cite-gbt .cite-url").strip() == canonical + "."  # type: ignore[attr-defined]
    with page.expect_download() as info:  # type: ignore[attr-defined]
        page.click("button.text-download")  # type: ignore[attr-defined]
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[-1] == canonical


def _issue(issue_id: str, articles: tuple[Article, ...], *, newspaper: str | None,
           date: IssueDate, edition: str | None, title: str | None) -> Issue:
    meta = SourceMeta(newspaper=newspaper, date=date, edition=edition, title=title)
    source = Source(f"content/{issue_id}.txt", "0" * 64, "utf-8", "txt", "", meta)
    return Issue(id=issue_id, source=source, articles=articles)


BIBTEX_CASES = Archive(issues=(
    _issue("a1", (Article(number=1, headline=" 百分之百 & a_b {括号} ~^%$#\\ ",
                          subtitle="——副题：50% 完成", reporters=("王小梅", "李_四"),
                          correspondents=("赵刚", "王小梅"), paragraphs=("第一段。",)),),
           newspaper="河洛晚报 & 周刊", date=IssueDate("2021-04-09", "day", "front-matter"),
           edition="第5版", title="城区新闻"),
    _issue("b2", (Article(number=1, headline="  ", paragraphs=("一段。",)),
                  Article(number=2, headline="有题", subtitle="— ", paragraphs=("二段。",))),
           newspaper=None, date=IssueDate("2021-04", "month", "inferred"),
           edition=None, title=None),
    _issue("c3", (Article(number=1, headline="无日期", reporters=("张三",),
                          paragraphs=("三段。",)),),
           newspaper="晨报", date=IssueDate(None, None, None), edition="A3", title=None),
), generated_at="2026-01-01T08:00:00+08:00")


def test_the_bibtex_made_in_the_browser_is_the_one_python_makes(
        page: object, tmp_path: Path) -> None:
    """site.js follows baoku.citation.bibtex's rules: escaping, authors once each, the
    subtitle after a colon, the placeholder title and paper, partial dates, pages and note."""
    config = load_config(tmp_path, {"output_dir": tmp_path / "out", "search": False,
                                    "fixed_time": "2026-01-01T08:00:00+08:00"})
    for output in render_site(BIBTEX_CASES, config):
        target = tmp_path / "out" / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)
    for issue in BIBTEX_CASES.issues:
        for article in issue.articles:
            rel = urls.file_of(urls.article_page(issue.id, article.number))
            page.goto((tmp_path / "out" / rel).as_uri())  # type: ignore[attr-defined]
            assert page.locator("details.bibtex").is_visible()  # type: ignore[attr-defined]
            shown = page.eval_on_selector("#cite-bibtex", "pre => pre.textContent")  # type: ignore[attr-defined]
            # From disk the page adds only the reader's date of access.
            made = re.sub(r",\n  urldate = \{\d{4}-\d\d-\d\d\}\n\}\n$", "\n}\n", shown)
            assert made == bibtex(issue, article), rel
    assert page.console_errors == []  # type: ignore[attr-defined]

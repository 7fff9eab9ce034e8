"""Parts of an article page that site.js makes from what the page already holds (so every
article page carries less): the keyword links, the pager under the text, and the address
of a citation, a print and a plain-text download taken from the canonical link. Over http
and from disk."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest

from baoku import urls
from baoku.pipeline import build
from tests.conftest import make_config

pytestmark = pytest.mark.browser

BASE_URL = "https://example.org/baoku/"


@pytest.fixture(params=["http", "file"])
def first_article(request: pytest.FixtureRequest, seed_site: tuple[Path, object],
                  serve: object) -> tuple[str, object]:
    """(the first issue's second article's address, that article)."""
    out, result = seed_site
    issue = result.archive.issues[0]  # type: ignore[attr-defined]
    article = issue.articles[1]
    rel = urls.file_of(urls.article_page(issue.id, article.number))
    base = serve(out) if request.param == "http" else out.as_uri() + "/"  # type: ignore[operator]
    return base + rel, article


def test_keywords_become_links_to_the_search_page(
        page: object, first_article: tuple[str, object]) -> None:
    url, article = first_article
    page.goto(url)  # type: ignore[attr-defined]
    links = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".keywords li", "items => items.map(li => [li.textContent, "
        "li.firstElementChild && li.firstElementChild.getAttribute('href')])")
    assert [word for word, _ in links] == list(article.keywords)  # type: ignore[attr-defined]
    for word, href in links:
        assert href is not None and unquote(href).endswith(f"search/index.html?q={word}")
    assert page.console_errors == [] or all(  # type: ignore[attr-defined]
        "status of 404" in e for e in page.console_errors)  # type: ignore[attr-defined]


def test_the_pager_is_copied_under_the_text_and_the_keys_follow_it(
        page: object, first_article: tuple[str, object]) -> None:
    url, _ = first_article
    page.goto(url)  # type: ignore[attr-defined]
    hrefs = "nav => Array.from(nav.querySelectorAll('a')).map(a => a.getAttribute('href'))"
    top = page.eval_on_selector(".pager-top", hrefs)  # type: ignore[attr-defined]
    bottom = page.eval_on_selector(".pager-bottom", hrefs)  # type: ignore[attr-defined]
    assert bottom == top and len(top) == 3  # previous, the issue, next
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

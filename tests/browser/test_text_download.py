"""The plain-text download of an article, built in the browser from the page (the site
carries no second copy of every article as a file), over http and from disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from baoku import urls
from baoku.export import read_issue_records

pytestmark = pytest.mark.browser


@pytest.fixture(params=["http", "file"])
def article_url(request: pytest.FixtureRequest, seed_site: tuple[Path, object],
                serve: object) -> tuple[str, object]:
    """(the first article's address, its issue and article, the article's first paragraph
    as the site's data publishes it: the build's archive keeps no text) over http or from
    disk."""
    out, result = seed_site
    issue = result.archive.issues[0]  # type: ignore[attr-defined]
    article = issue.articles[0]
    first = read_issue_records(out)[issue.id]["articles"][0]["paragraphs"][0]
    rel = urls.file_of(urls.article_page(issue.id, article.number))
    base = serve(out) if request.param == "http" else out.as_uri() + "/"  # type: ignore[operator]
    return base + rel, (issue, article, first)


def test_download_holds_the_article_and_a_footer_naming_the_archive(
        page: object, article_url: tuple[str, object]) -> None:
    url, (issue, article, first_paragraph) = article_url  # type: ignore[misc]
    page.goto(url)  # type: ignore[attr-defined]
    button = page.locator("button.text-download")  # type: ignore[attr-defined]
    assert button.is_visible()
    with page.expect_download() as info:  # type: ignore[attr-defined]
        button.click()
    download = info.value
    assert download.suggested_filename == f"{issue.article_id(article)}.txt"
    data = Path(download.path()).read_bytes()
    assert data.startswith("\ufeff".encode())  # read as UTF-8 wherever it is opened
    lines = data.decode("utf-8-sig").splitlines()
    assert article.headline in lines[:3]
    assert first_paragraph in lines
    footer = lines[lines.index("——"):]
    assert footer[1].endswith(f"第 {article.number} 篇")
    assert footer[2] == "报库 · 数字报纸档案"
    assert footer[3] == url
    errors = [e for e in page.console_errors  # type: ignore[attr-defined]
              if "status of 404" not in e]  # the test server has no favicon
    assert errors == []

"""An issue's own data on its page: cut in the browser from its year's gzipped JSON Lines
file over http; from disk (no fetch) the page links the year's file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from baoku import urls
from baoku.export import read_issue_records

pytestmark = pytest.mark.browser


def test_issue_data_download_is_the_issues_record(page: object, seed_site: tuple[Path, object],
                                                  serve: object) -> None:
    out, result = seed_site
    issue = result.archive.issues[0]  # type: ignore[attr-defined]
    base = serve(out)  # type: ignore[operator]
    page.goto(base + urls.file_of(urls.issue_page(issue.id)))  # type: ignore[attr-defined]
    button = page.locator("button.issue-data")  # type: ignore[attr-defined]
    assert button.is_visible()
    with page.expect_download() as info:  # type: ignore[attr-defined]
        button.click()
    download = info.value
    assert download.suggested_filename == f"{issue.id}.json"
    record = json.loads(Path(download.path()).read_bytes())
    assert record == read_issue_records(out)[issue.id]
    assert [a["headline"] for a in record["articles"]] == [a.headline for a in issue.articles]
    errors = [e for e in page.console_errors  # type: ignore[attr-defined]
              if "status of 404" not in e]  # the test server has no favicon
    assert errors == []


def test_from_disk_the_page_links_the_years_file(page: object,
                                                 seed_site: tuple[Path, object]) -> None:
    out, result = seed_site
    issue = result.archive.issues[0]  # type: ignore[attr-defined]
    page.goto((out / urls.file_of(urls.issue_page(issue.id))).as_uri())  # type: ignore[attr-defined]
    assert not page.locator("button.issue-data").is_visible()  # type: ignore[attr-defined]
    link = page.locator("p.downloads a[download]").first  # type: ignore[attr-defined]
    target = (out / urls.file_of(urls.issue_page(issue.id))).parent / link.get_attribute("href")
    assert target.resolve().name.startswith("issues-") and target.resolve().is_file()
    assert issue.id in read_issue_records(out)
    assert page.console_errors == []  # type: ignore[attr-defined]

"""An issue's own data on its page: by default a link to its own JSON file (the data
contract); with ``issue_data_files = false``, cut in the browser from its year's gzipped JSON
Lines file over http, and from disk (no fetch) a link to the year's file."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS, make_config

from baoku import urls
from baoku.export import read_issue_records
from baoku.pipeline import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def year_files_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The seeds built with the year files only (``issue_data_files = false``)."""
    project = tmp_path_factory.mktemp("year-files")
    shutil.copytree(SEEDS, project / "content")
    out = project / "output"
    config = replace(make_config(project, out), issue_data_files=False)
    return out, build(config, log=lambda m: None)


def test_by_default_the_page_links_the_issues_own_file(page: object,
                                                       seed_site: tuple[Path, object]) -> None:
    out, result = seed_site
    issue = result.archive.issues[0]  # type: ignore[attr-defined]
    page.goto((out / urls.file_of(urls.issue_page(issue.id))).as_uri())  # type: ignore[attr-defined]
    link = page.locator("p.downloads a", has_text="本期数据").first  # type: ignore[attr-defined]
    target = (out / urls.file_of(urls.issue_page(issue.id))).parent / link.get_attribute("href")
    assert target.resolve() == (out / urls.issue_data(issue.id)).resolve()
    assert json.loads(target.read_bytes())["id"] == issue.id


def test_issue_data_download_is_the_issues_record(page: object,
                                                  year_files_site: tuple[Path, object],
                                                  serve: object) -> None:
    out, result = year_files_site
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
                                                 year_files_site: tuple[Path, object]) -> None:
    out, result = year_files_site
    issue = result.archive.issues[0]  # type: ignore[attr-defined]
    page.goto((out / urls.file_of(urls.issue_page(issue.id))).as_uri())  # type: ignore[attr-defined]
    assert not page.locator("button.issue-data").is_visible()  # type: ignore[attr-defined]
    link = page.locator("p.downloads a[download]").first  # type: ignore[attr-defined]
    target = (out / urls.file_of(urls.issue_page(issue.id))).parent / link.get_attribute("href")
    assert target.resolve().name.startswith("issues-") and target.resolve().is_file()
    assert issue.id in read_issue_records(out)
    assert page.console_errors == []  # type: ignore[attr-defined]

"""Headless Chromium opens a built page over http and over file://."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_home_opens_over_http_and_file(seed_site, serve, page) -> None:
    out: Path = seed_site[0]
    page.goto(serve(out) + "index.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.goto((out / "index.html").as_uri())
    assert page.locator("a").count() >= 5

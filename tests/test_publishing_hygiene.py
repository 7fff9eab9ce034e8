"""What validators ask of published pages: the report is not indexed, every page has a
favicon, a default og:image and a twitter:card, and a month-only date stays a month."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FIXED_TIME

from baoku import urls
from baoku.config import load_config
from baoku.pipeline import build

BASE = "https://example.org/archive/"
MONTH_ONLY = ("---\nnewspaper: 样例日报\ndate: 2023-08\n---\n\n"
              "占位标题\n\n本报讯（记者王小明）占位正文。\n")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("hygiene")
    (project / "content").mkdir()
    (project / "content" / "a.txt").write_text(MONTH_ONLY, encoding="utf-8")
    out = project / "output"
    build(load_config(project, {"output_dir": out, "search": False, "fixed_time": FIXED_TIME,
                                "base_url": BASE}), log=lambda m: None)
    return out


def meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)


def article_html(site: Path) -> str:
    (page,) = site.glob("issues/*/01/index.html")
    return page.read_text(encoding="utf-8")


def test_the_report_asks_not_to_be_indexed(site: Path) -> None:
    report = (site / urls.file_of(urls.report_page())).read_text(encoding="utf-8")
    assert meta(report, "robots") == ["noindex"]
    assert meta(article_html(site), "robots") == []


@pytest.mark.parametrize("page", ["index.html", "report/index.html", "404.html"])
def test_every_page_has_favicon_og_image_and_twitter_card(site: Path, page: str) -> None:
    html = (site / page).read_text(encoding="utf-8")
    assert meta(html, "og:image") == [BASE + "static/og-image.png"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert re.search(r'<link rel="icon" href="[^"]*static/favicon\.svg"', html)
    assert (site / "static" / "og-image.png").read_bytes().startswith(b"\x89PNG")
    assert (site / "static" / "favicon.svg").is_file()


def test_a_month_only_date_is_never_given_a_day(site: Path) -> None:
    html = article_html(site)
    assert meta(html, "article:published_time") == ["2023-08"]
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                              re.S).group(1))  # type: ignore[union-attr]
    assert ld["datePublished"] == ld["isPartOf"]["datePublished"] == "2023-08"
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<dc:date>2023-08</dc:date>" in feed
    everything = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file()
                          and p.suffix in (".html", ".xml", ".json"))
    # Pagefind's sort key is the one full date (an ordering, never shown or claimed).
    claimed = re.sub(rb'data-pagefind-sort="date:[0-9-]+"', b"", everything)
    assert b"2023-08-01" not in claimed

"""The pages the screenshot and accessibility tests visit, found from the published data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from baoku import urls
from baoku.export import read_issue_records

WIDTHS = (360, 1280)


@dataclass(frozen=True)
class ScreenPage:
    name: str
    path: str  # site path
    heading: str  # text the page's <h1> must contain ("" = any visible <h1>)
    visible_text: str = ""  # text that must be visible somewhere in <main>


def _load(out: Path, rel: str) -> dict:
    return json.loads((out / rel).read_text(encoding="utf-8"))


def reading_room_pages(out: Path) -> list[ScreenPage]:
    """Home, the newest year, the newest issue, its first article, a district page, a
    topic page, search."""
    issues = _load(out, urls.archive_data())["issues"]
    records = read_issue_records(out)
    details = [records[issue["id"]] for issue in issues]
    articles = [a for d in details for a in d["articles"]]
    first_issue, first_article = details[0], details[0]["articles"][0]
    district = next((d for a in articles for d in a["districts"]), None)
    topic = next((t for a in articles for t in a["topics"]), None)
    assert district, "the seed build names no district: the district page cannot be checked"
    assert topic, "the seed build has no topic: the topic page cannot be checked"
    year = next(i["date"][:4] for i in issues if i.get("date"))
    return [
        ScreenPage("home", urls.home(), ""),
        ScreenPage("year", urls.year_page(year), f"{year}年"),
        ScreenPage("issue", first_issue["url"], "", first_article["headline"]),
        ScreenPage("article", first_article["url"], first_article["headline"]),
        ScreenPage("district", urls.place_page(district), district),
        ScreenPage("topic", urls.topic_page(topic), topic),
        ScreenPage("search", urls.search_page(), ""),
    ]


def extra_pages() -> list[ScreenPage]:
    """This engineer's own pages: the data page and the 404 page."""
    return [ScreenPage("data", urls.data_page(), "馆藏数据"),
            ScreenPage("404", urls.not_found_page(), "找不到这个页面"),
            ScreenPage("report", urls.report_page(), "生成报告")]

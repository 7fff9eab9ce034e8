"""Atom feed, sitemap, 404 page and data page: unit tests on a hand-written archive,
then end-to-end checks on the seed build."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import jinja2
import pytest
from conftest import FIXED_TIME, SEEDS

from baoku import feeds, urls
from baoku.config import PACKAGE_THEME, Config, default_config, load_config
from baoku.export import read_issue_records
from baoku.model import Archive, Article, Issue, IssueDate, Place, Source, SourceMeta
from baoku.pipeline import build
from baoku.render import relative_via

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/archive/"
GENERATED = "2026-01-01T08:00:00+08:00"

# A stand-in for render.py's base.html so these tests need only this module's templates.
MINIMAL_BASE = """<!doctype html><html lang="zh-CN"><head><title>{{ title }}</title>
<link rel="stylesheet" href="{{ asset('site.css') }}">{% block head_extra %}{% endblock %}</head>
<body><main>{% block content %}{% endblock %}</main>
{% block scripts %}{% endblock %}</body></html>"""


def make_env() -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({"base.html": MINIMAL_BASE}),
                                  jinja2.FileSystemLoader(str(PACKAGE_THEME / "templates"))])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["relative"] = relative_via  # as make_environment registers it
    return env


def make_issue(issue_id: str, date: IssueDate, articles: tuple[Article, ...],
               newspaper: str | None = "河洛晚报") -> Issue:
    meta = SourceMeta(newspaper=newspaper, date=date, edition="第2版")
    source = Source(f"content/{issue_id}.txt", "0" * 64, "utf-8", "txt", "", meta)
    return Issue(id=issue_id, source=source, articles=articles)


def article(number: int, headline: str, *, districts: tuple[str, ...] = (),
            topics: tuple[str, ...] = (), reporters: tuple[str, ...] = ("王小梅",)) -> Article:
    return Article(number=number, headline=headline, reporters=reporters, topics=topics,
                   paragraphs=("第一段正文。" * 40, "第二段。"),
                   places=tuple(Place(d, "district") for d in districts))


def make_archive() -> Archive:
    newer = make_issue("b", IssueDate("2024-03-05", "day", "front-matter"), (
        article(1, "春耕备耕忙 & 田间<地头>", districts=("东城区",), topics=("农业",)),
        article(2, "社区义诊进万家", districts=("东城区", "西城区"), topics=("医疗", "农业")),
    ))
    older = make_issue("a", IssueDate("2023-11", "month", "inferred"), (
        article(1, "老街换新颜", districts=("西城区",), topics=("城市建设",)),
    ))
    undated = make_issue("c", IssueDate(), (article(1, "无日期的报道\x0b", reporters=()),),
                         newspaper=None)
    return Archive(issues=(newer, older, undated), generated_at=GENERATED)


def config(base_url: str = "") -> Config:
    return replace(default_config(Path("/tmp/feeds-test")), base_url=base_url)


def files(cfg: Config, archive: Archive | None = None) -> dict[str, bytes]:
    return {f.path: f.content
            for f in feeds.extra_files(archive or make_archive(), cfg, make_env())}


def test_feed_is_valid_atom_with_absolute_links() -> None:
    root = ET.fromstring(files(config(BASE))["feed.xml"])
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.findtext(f"{ATOM}updated") == "2024-03-05T00:00:00+08:00"  # newest entry
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feed.xml"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 7  # 3 issues + 4 articles
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith(BASE)
        assert entry.find(f"{ATOM}link").get("href", "").startswith(BASE)  # type: ignore[union-attr]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)",
                            entry.findtext(f"{ATOM}updated", ""))
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[1] == "春耕备耕忙 & 田间<地头>"  # escaped in XML, intact once parsed
    assert "无日期的报道" in titles  # control character stripped, still well-formed
    first_article = entries[1]
    assert first_article.find(f"{ATOM}author/{ATOM}name").text == "王小梅"  # type: ignore[union-attr]
    assert {c.get("term") for c in first_article.findall(f"{ATOM}category")} == {"东城区", "农业"}


def test_feed_dates_follow_issue_dates_and_never_invent_a_day() -> None:
    text = files(config(BASE))["feed.xml"].decode("utf-8")
    root = ET.fromstring(text)
    entries = root.findall(f"{ATOM}entry")
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    dc_dates = [e.findtext("{http://purl.org/dc/elements/1.1/}date") for e in entries]
    assert updated[0] == "2024-03-05T00:00:00+08:00"
    assert updated[3] == feeds.EPOCH and dc_dates[3] == "2023-11"  # month known, day not
    assert updated[-1] == feeds.EPOCH and dc_dates[-1] is None  # undated
    assert "2023-11-01" not in text


def test_feed_updated_is_the_newest_entry_not_the_build_time() -> None:
    archive = make_archive()
    later = replace(archive, generated_at="2030-12-31T23:59:59+08:00")
    assert files(config(BASE), archive)["feed.xml"] == files(config(BASE), later)["feed.xml"]


def test_a_feed_without_dated_issues_is_stable() -> None:
    undated = make_issue("c", IssueDate(), (article(1, "无日期"),))
    root = ET.fromstring(files(config(BASE), Archive(issues=(undated,)))["feed.xml"])
    assert root.findtext(f"{ATOM}updated") == feeds.EPOCH
    assert root.find(f"{ATOM}entry/{ATOM}updated").text == feeds.EPOCH  # type: ignore[union-attr]


def test_feed_without_base_url_uses_relative_links_and_urn_ids() -> None:
    out = files(config())
    root = ET.fromstring(out["feed.xml"])
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id", "").startswith("urn:uuid:")
        href = entry.find(f"{ATOM}link").get("href", "")  # type: ignore[union-attr]
        assert href.startswith("issues/") and href.endswith("index.html")
    assert "sitemap.xml" not in out
    assert feeds.feed_warnings(config()) and not feeds.feed_warnings(config(BASE))


def test_feed_ids_are_stable_across_builds() -> None:
    assert files(config())["feed.xml"] == files(config())["feed.xml"]


def test_feed_is_capped_at_fifty_entries() -> None:
    many = tuple(article(n, f"报道{n}") for n in range(1, 40))
    issues = tuple(make_issue(f"i{k}", IssueDate(f"2024-01-{k + 1:02d}", "day", "filename"),
                              many) for k in range(3))
    root = ET.fromstring(files(config(BASE), Archive(issues=issues))["feed.xml"])
    assert len(root.findall(f"{ATOM}entry")) == feeds.MAX_FEED_ENTRIES


def test_sitemap_lists_every_page_once_with_absolute_locs() -> None:
    out = files(config(BASE))
    index = ET.fromstring(out["sitemap.xml"])
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert [s.findtext(f"{SITEMAP}loc") for s in index] == [BASE + "sitemap-1.xml"]
    root = ET.fromstring(out["sitemap-1.xml"])
    locs = [u.findtext(f"{SITEMAP}loc") for u in root.findall(f"{SITEMAP}url")]
    assert len(locs) == len(set(locs))
    assert BASE + "report/" not in locs  # the librarians' report is not for search engines
    assert BASE in locs and BASE + "issues/b/02/" in locs
    assert BASE + "places/%E4%B8%9C%E5%9F%8E%E5%8C%BA/" in locs  # 东城区, percent-encoded
    assert BASE + "topics/%E5%86%9C%E4%B8%9A/" in locs
    assert all(loc and loc.startswith(BASE) for loc in locs)
    lastmods = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
                for u in root.findall(f"{SITEMAP}url")}
    assert lastmods[BASE + "issues/b/"] == "2024-03-05"
    assert lastmods[BASE + "issues/a/"] is None  # month precision: no lastmod


def test_a_large_sitemap_is_split_into_files_named_by_an_index(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_SITEMAP_URLS", 4)
    out = files(config(BASE))
    index = ET.fromstring(out["sitemap.xml"])
    named = [s.findtext(f"{SITEMAP}loc", "")[len(BASE):] for s in index]
    assert len(named) > 2 and named == [f"sitemap-{n}.xml" for n in range(1, len(named) + 1)]
    counts = [len(ET.fromstring(out[name]).findall(f"{SITEMAP}url")) for name in named]
    assert max(counts) == 4 and sum(counts) == len(feeds.sitemap_entries(make_archive(),
                                                                        config(BASE)))
    lastmods = [s.findtext(f"{SITEMAP}lastmod") for s in index]
    assert "2024-03-05" in lastmods  # a part's newest known day


def test_robots_txt_names_the_sitemap_only_when_the_address_is_known() -> None:
    assert files(config(BASE))["robots.txt"].decode() == (
        f"User-agent: *\nDisallow:\nSitemap: {BASE}sitemap.xml\n")
    assert "Sitemap" not in files(config())["robots.txt"].decode()


def test_404_with_base_url_links_absolutely_and_has_no_script() -> None:
    html = files(config(BASE))["404.html"].decode()
    assert f'href="{BASE}index.html"' in html and f'href="{BASE}static/site.css"' in html
    assert "<script" not in html


def test_404_without_base_url_links_from_root_and_finds_the_root() -> None:
    html = files(config())["404.html"].decode()
    assert 'href="index.html"' in html and 'href="search/index.html"' in html
    assert 'href="/' not in html
    assert '"data/archive.json"' in html and "<script" in html


def test_data_page_counts_and_charts() -> None:
    view = feeds.data_page_view(make_archive())
    assert (view.issue_count, view.article_count, view.undated_issues) == (3, 4, 1)
    assert [(r.label, r.issues, r.articles) for r in view.by_year] == [
        ("2024", 1, 2), ("2023", 1, 1), ("日期不详", 1, 1)]
    assert [(r.label, r.issues, r.articles) for r in view.by_district] == [
        ("东城区", 1, 2), ("西城区", 2, 2)]  # ties by article count: by name
    assert view.by_topic[0].label == "农业" and view.by_topic[0].articles == 2
    assert view.first_date == "2023年11月" and view.last_date == "2024年3月5日"
    assert [(d.label, d.note) for d in view.issue_downloads] == [
        ("issues-2024.jsonl.gz", "2024 年：1 期、2 篇"),
        ("issues-2023.jsonl.gz", "2023 年：1 期、1 篇"),
        ("issues-undated.jsonl.gz", "日期不详：1 期、1 篇")]


def test_data_page_html_has_svg_charts_and_download_links() -> None:
    html = files(config())["data/index.html"].decode()
    assert html.count("<svg") == 3
    assert 'href="archive.json"' in html and 'href="report.json"' in html
    assert 'href="issues-2024.jsonl.gz"' in html and 'href="../feed.xml"' in html
    assert 'href="../places/东城区/index.html"' in html
    assert "<script" not in html  # charts are drawn at build time


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-08-25", "2023年8月25日"), ("2023-08", "2023年8月"), ("2023", "2023年"),
    (None, "日期不详"),
])
def test_chinese_date(value: str | None, expected: str) -> None:
    assert feeds.chinese_date(value) == expected


# --- end to end on the seed build --------------------------------------------------------


@pytest.fixture(scope="module")
def seed_site_with_base_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("seed-base-url")
    shutil.copytree(SEEDS, project / "content")
    out = project / "output"
    build(load_config(project, {"output_dir": out, "search": False, "fixed_time": FIXED_TIME,
                                "base_url": BASE}), log=lambda m: None)
    return out


@pytest.mark.slow
def test_seed_feed_and_sitemap(seed_site_with_base_url: Path) -> None:
    out = seed_site_with_base_url
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert 5 < len(entries) <= feeds.MAX_FEED_ENTRIES
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href", "")  # type: ignore[union-attr]
        assert link.startswith(BASE)
        assert (out / urls.file_of(link[len(BASE):])).is_file(), link
    index = ET.parse(out / "sitemap.xml").getroot()
    parts = [s.findtext(f"{SITEMAP}loc", "") for s in index.findall(f"{SITEMAP}sitemap")]
    assert parts == [BASE + "sitemap-1.xml"]
    sitemap = ET.parse(out / "sitemap-1.xml").getroot()
    locs = [u.findtext(f"{SITEMAP}loc", "") for u in sitemap.findall(f"{SITEMAP}url")]
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()
    articles = list(out.glob("issues/*/*/index.html"))
    assert len(locs) >= len(articles) + 5
    for loc in locs:
        assert (out / urls.file_of(unquote(loc[len(BASE):]))).is_file(), loc


@pytest.mark.slow
def test_seed_site_without_base_url(seed_site: tuple[Path, object]) -> None:
    out, _ = seed_site
    assert not (out / "sitemap.xml").exists()
    ET.parse(out / "feed.xml")
    html = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/' not in html and 'src="/' not in html
    data = (out / "data" / "index.html").read_text(encoding="utf-8")
    articles = [a for record in read_issue_records(out).values() for a in record["articles"]]
    charts = 1 + any(a["districts"] for a in articles) + any(a["topics"] for a in articles)
    assert data.count("<svg") == charts  # years always; districts and topics when known
    assert 'href="archive.json"' in data and 'href="report.json"' in data

"""Files beside the pages: Atom feed, sitemap, the 404 page and the data page."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

import jinja2

from . import urls
from .charts import BarChart, bar_chart
from .citation import UNTITLED, absolute_url, authors
from .config import Config
from .export import issue_year
from .model import Archive, Article, Issue, OutputFile
from .present import UNKNOWN_DATE

MAX_FEED_ENTRIES = 50
MAX_SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
SUMMARY_CHARS = 120
CHINA_OFFSET = "+08:00"
EPOCH = "1970-01-01T00:00:00Z"
UNKNOWN_PAPER = "报纸名不详"

# (here, title, description) -> the base template context of the template contract.
BaseContext = Callable[[str, str, str], dict[str, Any]]

# XML 1.0 forbids most C0 control characters even when escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    updated: str  # RFC 3339: the issue's day, or EPOCH when only a month or year is known
    date: str | None  # the issue's date as known (dc:date: YYYY-MM-DD, YYYY-MM or YYYY)
    summary: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: str | None  # YYYY-MM-DD, only when the day is known


@dataclass(frozen=True)
class CountRow:
    label: str
    issues: int
    articles: int
    path: str | None = None


@dataclass(frozen=True)
class DataDownload:
    label: str
    path: str
    note: str


@dataclass(frozen=True)
class DataPage:
    """The data page's view: totals, charts with their tables, download links."""

    issue_count: int
    article_count: int
    newspapers: tuple[str, ...]
    first_date: str
    last_date: str
    undated_issues: int
    by_year: tuple[CountRow, ...]
    by_district: tuple[CountRow, ...]
    by_topic: tuple[CountRow, ...]
    year_chart: BarChart
    district_chart: BarChart
    topic_chart: BarChart
    downloads: tuple[DataDownload, ...]
    issue_downloads: tuple[DataDownload, ...]


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def feed_warnings(config: Config) -> list[str]:
    """What the librarian should know about the feed and sitemap of this build (Chinese)."""
    if config.base_url:
        return []
    return ["未设置站点网址（[site] base_url）：未生成 sitemap.xml；"
            "feed.xml 中的链接是相对于 feed.xml 自身位置的相对链接，条目 id 为 urn:uuid。"]


def rfc3339(date_value: str | None) -> str:
    """An issue date as an Atom timestamp: midnight (China time) of its day. Atom needs a
    full timestamp and no day is ever invented, so a month, a year or no date gives the
    fixed EPOCH ("not known"); the entry's dc:date keeps the date as precise as it is."""
    if not date_value or len(date_value.split("-")) != 3:
        return EPOCH
    return f"{date_value}T00:00:00{CHINA_OFFSET}"


def chinese_date(value: str | None) -> str:
    if not value:
        return UNKNOWN_DATE
    parts = [int(p) for p in value.split("-")]
    return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日", strict=False))


def standalone_issue_title(issue: Issue) -> str:
    """``平顶山日报 2023年8月25日 第3版 示范区新闻``, with placeholders for what is unknown:
    the title where an issue stands alone (feed entries, downloads, the 404 page's list);
    on the site's own pages ``present.issue_label`` names it, leaving unknowns out."""
    meta = issue.source.meta
    date = chinese_date(issue.date.value)
    if issue.date.value and issue.date.source == "inferred":
        date += "（推断）"
    parts = [issue.newspaper or UNKNOWN_PAPER, date, meta.edition or "", meta.title or ""]
    return " ".join(p for p in parts if p)


def _link(config: Config, site_path: str) -> str:
    """Absolute when the base URL is known; else relative to the site root, where
    ``feed.xml`` itself lives, so feed readers resolve it against the feed's URL."""
    return absolute_url(config.base_url, site_path) or urls.file_of(site_path)


def _entry_id(config: Config, site_path: str) -> str:
    url = absolute_url(config.base_url, site_path)
    if url:
        return url
    return uuid.uuid5(uuid.NAMESPACE_URL, f"baoku:{config.site_title}:{site_path}").urn


def _summary(article: Article) -> str:
    text = "".join(p for p in article.paragraphs if p not in article.section_heads)
    return text[:SUMMARY_CHARS] + ("…" if len(text) > SUMMARY_CHARS else "")


def _issue_entry(issue: Issue, config: Config, updated: str) -> FeedEntry:
    path = urls.issue_page(issue.id)
    headlines = "；".join(a.headline for a in issue.articles)
    return FeedEntry(
        id=_entry_id(config, path), title=xml_text(standalone_issue_title(issue)),
        link=_link(config, path), updated=updated, date=issue.date.value,
        summary=xml_text(f"本期共 {len(issue.articles)} 篇：{headlines}"),
        authors=(), categories=())


def _article_entry(issue: Issue, article: Article, config: Config, updated: str) -> FeedEntry:
    path = urls.article_page(issue.id, article.number)
    return FeedEntry(
        id=_entry_id(config, path), title=xml_text(article.headline.strip() or UNTITLED),
        link=_link(config, path),
        updated=updated, date=issue.date.value, summary=xml_text(_summary(article)),
        authors=tuple(xml_text(n) for n in authors(article)),
        categories=tuple(xml_text(t) for t in dict.fromkeys(article.districts + article.topics)))


def feed_entries(archive: Archive, config: Config) -> list[FeedEntry]:
    """Newest issues first (undated last), each followed by its articles; at most 50."""
    entries: list[FeedEntry] = []
    for issue in map(archive.whole, archive.issues):  # lazily: only the newest are read
        updated = rfc3339(issue.date.value)
        entries.append(_issue_entry(issue, config, updated))
        entries.extend(_article_entry(issue, a, config, updated) for a in issue.articles)
        if len(entries) >= MAX_FEED_ENTRIES:
            break
    return entries[:MAX_FEED_ENTRIES]


def feed_updated(entries: list[FeedEntry]) -> str:
    """The newest entry's date, not the build time: an unchanged archive, an unchanged feed."""
    return max((e.updated for e in entries), default=EPOCH)


def render_feed(archive: Archive, config: Config, env: jinja2.Environment) -> OutputFile:
    entries = feed_entries(archive, config)
    text = env.get_template("feed.xml").render(
        feed_id=_entry_id(config, urls.home()),
        title=xml_text(config.site_title),
        subtitle=xml_text(config.site_description),
        updated=feed_updated(entries),
        home_link=_link(config, urls.home()),
        self_link=_link(config, urls.feed()),
        entries=entries,
    )
    return OutputFile(urls.feed(), text.encode("utf-8"))


def _day(issue: Issue) -> str | None:
    return issue.date.value if issue.date.precision == "day" else None


def site_paths(archive: Archive) -> Iterator[tuple[str, str | None]]:
    """Every HTML page the site has, as (site path, last-modified day or None)."""
    yield urls.home(), None
    for issue in archive.issues:
        yield urls.issue_page(issue.id), _day(issue)
        for article in issue.articles:
            yield urls.article_page(issue.id, article.number), _day(issue)
    yield from ((p, None) for p in (urls.district_index(), urls.topic_index(),
                                    urls.reporter_index(), urls.search_page(),
                                    urls.report_page(), urls.data_page()))
    articles = [a for i in archive.issues for a in i.articles]
    yield from ((urls.place_page(n), None)
                for n in sorted({n for a in articles for n in a.place_names}))
    yield from ((urls.topic_page(n), None) for n in sorted({t for a in articles for t in a.topics}))
    yield from ((urls.reporter_page(n), None)
                for n in sorted({p for a in articles for p in a.people}))
    yield from ((urls.site_page(p.slug), None) for p in archive.pages)


def sitemap_entries(archive: Archive, config: Config) -> list[SitemapEntry]:
    """Every page a search engine should list: not the build report, which is for librarians."""
    seen: dict[str, SitemapEntry] = {}
    for path, lastmod in site_paths(archive):
        loc = absolute_url(config.base_url, path)
        if loc and loc not in seen and path != urls.report_page():
            seen[loc] = SitemapEntry(loc, lastmod)
    return list(seen.values())


def sitemap_part(number: int) -> str:
    """The site path of the ``number``-th (from 1) sitemap file, beside the pages it lists."""
    return f"sitemap-{number}.xml"


def render_sitemap(archive: Archive, config: Config, env: jinja2.Environment
                   ) -> Iterator[OutputFile]:
    """``sitemap.xml``, a sitemap index, and the files it names, each of at most
    ``MAX_SITEMAP_URLS`` URLs; every file is at the site root, which all URLs are under."""
    entries = sitemap_entries(archive, config)
    parts = [entries[i:i + MAX_SITEMAP_URLS]
             for i in range(0, len(entries), MAX_SITEMAP_URLS)] or [[]]
    template = env.get_template("sitemap.xml")
    index: list[SitemapEntry] = []
    for number, part in enumerate(parts, start=1):
        path = sitemap_part(number)
        yield OutputFile(path, template.render(entries=part).encode("utf-8"))
        lastmods = [e.lastmod for e in part if e.lastmod]
        index.append(SitemapEntry(absolute_url(config.base_url, path) or path,
                                  max(lastmods, default=None)))
    yield OutputFile(urls.sitemap(), _sitemap_index(index).encode("utf-8"))


def _sitemap_index(parts: list[SitemapEntry]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for part in parts:
        lastmod = f"<lastmod>{part.lastmod}</lastmod>" if part.lastmod else ""
        lines.append(f"  <sitemap><loc>{escape(part.loc)}</loc>{lastmod}</sitemap>")
    return "\n".join([*lines, "</sitemapindex>", ""])


def robots_txt(config: Config) -> OutputFile:
    """Every page may be crawled (the report asks not to be indexed in its own head);
    names the sitemap when the site's address is known. Crawlers read robots.txt only at
    a domain's root: under a project site's /<repo>/ it is a courtesy for a custom domain."""
    lines = ["User-agent: *", "Disallow:"]
    sitemap = absolute_url(config.base_url, urls.sitemap())
    if sitemap:
        lines.append(f"Sitemap: {sitemap}")
    return OutputFile("robots.txt", ("\n".join(lines) + "\n").encode("utf-8"))


def fallback_context(archive: Archive, config: Config) -> BaseContext:
    """The template contract's base context, for when render.py does not pass its own."""
    site = {"title": config.site_title, "description": config.site_description,
            "base_url": config.base_url, "footer": (), "build_time": archive.generated_at}
    nav_paths = [("首页", urls.home()), ("检索", urls.search_page()),
                 ("地区", urls.district_index()), ("主题", urls.topic_index()),
                 ("数据", urls.data_page())]

    def context(here: str, title: str, description: str) -> dict[str, Any]:
        return {
            "site": site, "title": title, "description": description, "here": here,
            "url": lambda path: urls.relative(here, path),
            "asset": lambda name: urls.relative(here, urls.static_file(name)),
            "nav": [(label, path, path == here) for label, path in nav_paths],
            "canonical": absolute_url(config.base_url, here),
            "build_time": archive.generated_at,
            "feed": urls.feed(),
            "page": None,
        }

    return context


def not_found_context(config: Config, base: dict[str, Any]) -> dict[str, Any]:
    """404.html is served at any depth: links must not be relative to where it lives.

    With a base URL every link is absolute; without one links are relative to the
    site root and the page's script moves them to the real root (see 404.html).
    """
    context = dict(base, canonical=None, absolute=bool(config.base_url))
    if config.base_url:
        context["url"] = lambda path: absolute_url(config.base_url, urls.file_of(path))
        context["asset"] = lambda name: absolute_url(config.base_url, urls.static_file(name))
    return context


def render_not_found(archive: Archive, config: Config, env: jinja2.Environment,
                     base_context: BaseContext) -> OutputFile:
    base = base_context(urls.not_found_page(), "页面未找到", "您要找的页面不存在或已移动。")
    recent = [(standalone_issue_title(i), urls.issue_page(i.id)) for i in archive.issues[:5]]
    text = env.get_template("404.html").render(
        not_found_context(config, base), recent=recent,
        marker=urls.archive_data(), home=urls.home(), search=urls.search_page(),
        data=urls.data_page())
    return OutputFile(urls.not_found_page(), text.encode("utf-8"))


def _rows(counts: dict[str, tuple[set[str], int]],
          path_of: Callable[[str], str | None]) -> tuple[CountRow, ...]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return tuple(CountRow(name, len(issues), n, path_of(name))
                 for name, (issues, n) in ordered)


def _count(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[set[str], int]]:
    """(tag, issue id) per article → tag: (issues it appears in, article count)."""
    issues: dict[str, set[str]] = {}
    articles: Counter[str] = Counter()
    for tag, issue_id in pairs:
        issues.setdefault(tag, set()).add(issue_id)
        articles[tag] += 1
    return {tag: (issues[tag], articles[tag]) for tag in issues}


def year_rows(archive: Archive) -> tuple[CountRow, ...]:
    """Dated years newest first, then one 日期不详 row when some issues have no date."""
    counts: dict[str, tuple[int, int]] = {}
    for issue in archive.issues:
        year = issue.date.value[:4] if issue.date.value else UNKNOWN_DATE
        n_issues, n_articles = counts.get(year, (0, 0))
        counts[year] = (n_issues + 1, n_articles + len(issue.articles))
    years = sorted((y for y in counts if y != UNKNOWN_DATE), reverse=True)
    if UNKNOWN_DATE in counts:
        years.append(UNKNOWN_DATE)
    return tuple(CountRow(y, *counts[y]) for y in years)


def _chart(title: str, rows: tuple[CountRow, ...]) -> BarChart:
    return bar_chart(title, [(r.label, r.articles, r.path) for r in rows])


def _dates(archive: Archive) -> list[str]:
    return sorted(i.date.value for i in archive.issues if i.date.value)


def data_page_view(archive: Archive) -> DataPage:
    pairs = [(a, i.id) for i in archive.issues for a in i.articles]
    by_year = year_rows(archive)
    by_district = _rows(_count((d, i) for a, i in pairs for d in dict.fromkeys(a.districts)),
                        urls.place_page)
    by_topic = _rows(_count((t, i) for a, i in pairs for t in dict.fromkeys(a.topics)),
                     urls.topic_page)
    dates = _dates(archive)
    return DataPage(
        issue_count=len(archive.issues),
        article_count=len(pairs),
        newspapers=tuple(sorted({i.newspaper for i in archive.issues if i.newspaper})),
        first_date=chinese_date(dates[0]) if dates else UNKNOWN_DATE,
        last_date=chinese_date(dates[-1]) if dates else UNKNOWN_DATE,
        undated_issues=sum(1 for i in archive.issues if not i.date.value),
        by_year=by_year, by_district=by_district, by_topic=by_topic,
        year_chart=_chart("各年份文章数", by_year),
        district_chart=_chart("各地区文章数", by_district),
        topic_chart=_chart("各主题文章数", by_topic),
        downloads=(
            DataDownload("archive.json", urls.archive_data(), "全部报纸期次的目录与元数据"),
            DataDownload("report.json", urls.report_data(), "构建报告：编码、警告、无法读取的文件"),
            DataDownload("feed.xml", urls.feed(), "Atom 订阅：最新各期与文章"),
        ),
        issue_downloads=year_downloads(archive),
    )


def year_downloads(archive: Archive) -> tuple[DataDownload, ...]:
    """The year files of the issues' full records, in the order of the issues (newest first)."""
    years: dict[str, list[Issue]] = {}
    for issue in archive.issues:
        years.setdefault(issue_year(issue), []).append(issue)
    downloads = []
    for year, issues in years.items():
        path = urls.year_data(year)
        label = f"{year} 年" if year.isdigit() else UNKNOWN_DATE
        articles = sum(len(i.articles) for i in issues)
        downloads.append(DataDownload(path.rsplit("/", 1)[-1], path,
                                      f"{label}：{len(issues)} 期、{articles} 篇"))
    return tuple(downloads)


def render_data_page(archive: Archive, env: jinja2.Environment,
                     base_context: BaseContext) -> OutputFile:
    here = urls.data_page()
    base = base_context(here, "馆藏数据", "本档案收录的报纸、期次与文章统计，以及数据下载。")
    text = env.get_template("data.html").render(base, data=data_page_view(archive))
    return OutputFile(urls.file_of(here), text.encode("utf-8"))


def extra_files(archive: Archive, config: Config, env: jinja2.Environment,
                base_context: BaseContext | None = None) -> Iterator[OutputFile]:
    """feed.xml, the sitemap index and its parts (only with a base URL, see
    ``feed_warnings``), robots.txt, 404.html and data/index.html.
    ``base_context(here, title, description)`` should be render.py's builder of the
    template contract's base context; a minimal one is used without it."""
    context = base_context or fallback_context(archive, config)
    yield render_feed(archive, config, env)
    if config.base_url:
        yield from render_sitemap(archive, config, env)
    yield robots_txt(config)
    yield render_not_found(archive, config, env, context)
    yield render_data_page(archive, env, context)

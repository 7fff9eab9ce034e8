"""View models: the frozen, hashable contract between the page plan and the templates.

Templates read only the fields documented here (a test renders every page with
``StrictUndefined``). Site paths are plain strings; templates turn them into relative
links with ``url(path)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Link:
    """A labelled link to a site path; ``path`` None means plain text (e.g. current page)."""

    label: str
    path: str | None = None
    fragment: str = ""  # element id on the target page, without "#"


@dataclass(frozen=True)
class TagCount:
    """A tag (place, topic, person) with the number of articles under it."""

    name: str
    path: str
    count: int
    note: str = ""  # e.g. the place level, 街道/乡镇


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str


@dataclass(frozen=True)
class SiteInfo:
    """What every page shares: the base context that is not page specific."""

    title: str
    description: str
    base_url: str  # "" when unknown; otherwise absolute and ending in "/"
    nav: tuple[NavItem, ...]
    build_time: str  # the archive's generated_at, never the clock
    footer: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class IssueSummary:
    id: str
    path: str
    label: str  # full display name: paper, date, edition, page title
    newspaper: str  # "" when unknown
    date_label: str  # 2023年8月18日 / 2023年8月 / 日期不详 (an inferred date: see inferred)
    inferred: str  # why the date was inferred, shown on a 推断 badge; "" when stated
    edition: str  # "" when unknown
    page_title: str  # 版名, "" when unknown
    article_count: int
    iso_date: str  # "" when unknown; "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    lead_headline: str = ""  # the first article's headline, to tell issues apart


@dataclass(frozen=True)
class ArticleSummary:
    """One article in a list (issue page, tag pages, related articles)."""

    id: str
    path: str
    number: int
    headline: str
    kicker: str  # "" when none
    subtitle: str
    byline: str
    lead: str  # the first lines of the body, shortened
    issue_label: str
    issue_path: str
    date_label: str


@dataclass(frozen=True)
class CalendarDay:
    """A day cell of a month calendar; ``issues`` is empty on days without an issue."""

    day: int
    issues: tuple[IssueSummary, ...] = ()


@dataclass(frozen=True)
class MonthGroup:
    anchor: str  # element id on the home page, e.g. "m-2023-08"
    label: str  # 8月
    issues: tuple[IssueSummary, ...]
    # Monday-first weeks of the month; None pads days outside it. Empty when no issue
    # of the month is dated to the day.
    weeks: tuple[tuple[CalendarDay | None, ...], ...] = ()


@dataclass(frozen=True)
class YearGroup:
    anchor: str
    year: str
    months: tuple[MonthGroup, ...]
    issue_count: int


@dataclass(frozen=True)
class PaperGroup:
    anchor: str
    name: str
    issues: tuple[IssueSummary, ...]


@dataclass(frozen=True)
class HomePage:
    """An overview: the years (each its own page), the newest issues, a search box."""

    title: str
    description: str
    dated: tuple[IssueSummary, ...]  # newest first
    undated: tuple[IssueSummary, ...]
    years: tuple[YearGroup, ...]  # newest first; each links to its year page
    papers: tuple[PaperGroup, ...]  # empty when the archive holds a single paper
    issue_count: int
    article_count: int
    newest: tuple[IssueSummary, ...] = ()  # the latest issues, newest first
    undated_path: str = ""  # the page of issues without a date, "" when there are none


@dataclass(frozen=True)
class YearPage:
    """One year: a month jump bar, then each month's calendar and issues."""

    title: str
    description: str
    year: YearGroup | None  # None on the page of undated issues
    undated: tuple[IssueSummary, ...]  # the issues of the undated page
    years: tuple[Link, ...]  # every year page (the current one without a path)
    crumbs: tuple[Link, ...]


@dataclass(frozen=True)
class IssuePage:
    title: str
    description: str
    issue: IssueSummary
    crumbs: tuple[Link, ...]
    articles: tuple[ArticleSummary, ...]
    raw_text_path: str  # site path of the raw source text, "" when there is none
    data_path: str  # the file holding the issue's record: its own JSON, or its year's
    source: str  # the source file, relative to the project root (shown in the report only)
    origin_label: str
    newer: IssueSummary | None  # neighbours in archive order (newest first)
    older: IssueSummary | None
    corrected: bool = False  # a librarian's Markdown (人工校订) rather than segmented text


@dataclass(frozen=True)
class Block:
    """A piece of an article body: a paragraph (``p``) or a section head (``h2``)."""

    kind: str
    text: str
    html: str = ""  # sanitised HTML from a Markdown source; rendered instead of ``text``


@dataclass(frozen=True)
class PlaceTrail:
    """A place an article names, with its ancestors (district first)."""

    name: str
    path: str
    level_label: str
    ancestors: tuple[Link, ...]


@dataclass(frozen=True)
class PagefindData:
    """The article's search metadata. The built-in article page no longer prints it
    (Pagefind reads record pages of its own); kept so that a theme's copy of an older
    article.html still renders."""

    date: str  # "YYYY-MM-DD" for sorting, "" when unknown
    year: str
    paper: str
    districts: tuple[str, ...]
    topics: tuple[str, ...]
    people: tuple[str, ...]


@dataclass(frozen=True)
class ArticlePage:
    title: str
    description: str
    id: str
    path: str
    # What the plain-text download (built in the browser from the page) is cited as.
    text_source: str
    issue: IssueSummary
    crumbs: tuple[Link, ...]
    number: int
    kicker: str
    headline: str
    subtitle: str
    column: str
    byline: str
    kind_label: str
    blocks: tuple[Block, ...]
    captions: tuple[str, ...]
    places: tuple[PlaceTrail, ...]
    topics: tuple[Link, ...]
    people: tuple[Link, ...]
    keywords: tuple[str, ...]
    related: tuple[ArticleSummary, ...]
    previous: ArticleSummary | None
    following: ArticleSummary | None
    reading_minutes: int
    char_count: int
    gbt7714: str  # GB/T 7714-2015 [N/OL] up to the 版次; the page adds 引用日期 and address
    bibtex: str  # the whole entry, for a theme that prints it (the built-in one does not)
    bibtex_pages: str  # the BibTeX fields site.js cannot read from the page ("": none)
    bibtex_note: str
    json_ld: str  # schema.org NewsArticle as JSON already safe inside <script>
    pagefind: PagefindData


@dataclass(frozen=True)
class RawText:
    """A source text published as is (原始文本)."""

    title: str
    description: str
    text: str


@dataclass(frozen=True)
class TagGroup:
    """Tags under a heading, e.g. the districts of one city; ``anchor`` is an element id."""

    label: str
    anchor: str
    tags: tuple[TagCount, ...]


@dataclass(frozen=True)
class TagIndexPage:
    """The districts/, topics/ and reporters/ index pages."""

    title: str
    description: str
    kind: str  # "place", "topic" or "person"
    tags: tuple[TagCount, ...]
    others: tuple[TagCount, ...] = ()  # places whose district is unknown
    groups: tuple[TagGroup, ...] = ()  # districts by city; empty when no city is known


@dataclass(frozen=True)
class PlacePage:
    title: str
    description: str
    name: str
    level_label: str
    crumbs: tuple[Link, ...]
    children: tuple[TagCount, ...]
    articles: tuple[ArticleSummary, ...]
    pages: tuple[Link, ...] = ()  # links to every page of a long list; empty when one page
    total: int = 0  # articles across all pages


@dataclass(frozen=True)
class TopicPage:
    title: str
    description: str
    name: str
    crumbs: tuple[Link, ...]
    articles: tuple[ArticleSummary, ...]
    pages: tuple[Link, ...] = ()  # links to every page of a long list; empty when one page
    total: int = 0  # articles across all pages


@dataclass(frozen=True)
class ReporterPage:
    title: str
    description: str
    name: str
    crumbs: tuple[Link, ...]
    articles: tuple[ArticleSummary, ...]
    roles: tuple[str, ...]  # 记者, 摄影
    pages: tuple[Link, ...] = ()  # links to every page of a long list; empty when one page
    total: int = 0  # articles across all pages


@dataclass(frozen=True)
class ReportRow:
    issue_id: str
    issue_path: str
    source: str
    origin_label: str
    encoding: str
    article_count: int
    warnings: tuple[str, ...]
    junk: tuple[str, ...]
    confidence: float = 1.0
    needs_review: bool = False
    doubts: tuple[str, ...] = ()
    export_command: str = ""  # how to correct it by hand (--export-md)


@dataclass(frozen=True)
class FailureRow:
    source: str
    stage: str
    message: str


@dataclass(frozen=True)
class ReportSection:
    """A group of source files in the report, e.g. those needing review. The report shows
    its sections in order; a new kind of check adds a section (its rows, its hint)."""

    anchor: str
    heading: str
    hint: str
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True)
class ReportPage:
    title: str
    description: str
    generated_at: str
    rows: tuple[ReportRow, ...]
    failures: tuple[FailureRow, ...]
    warning_count: int
    junk_count: int
    article_count: int
    sections: tuple[ReportSection, ...] = ()  # every row once, those needing review first
    generated_label: str = ""  # generated_at as people write it: 2026年1月1日 08:00（北京时间）
    search_warnings: tuple[str, ...] = ()  # the search stage's, known only after render


@dataclass(frozen=True)
class SitePageView:
    """A site page (关于本馆 …); ``html`` is already rendered and escaped by the reader."""

    title: str
    description: str
    slug: str
    html: str


@dataclass(frozen=True)
class SearchPage:
    """The search page; ``context_json`` is ``baoku.search.page_context`` as canonical JSON
    (hashable and deterministic); templates read it as ``search``."""

    title: str
    description: str
    context_json: str

    @property
    def search(self) -> dict[str, Any]:
        context: dict[str, Any] = json.loads(self.context_json)
        return context

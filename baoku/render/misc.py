"""Site pages (关于本馆 …), the librarian's build report and the search page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .. import urls
from ..config import Config
from ..model import Archive
from ..present import ORIGIN_LABELS
from ..search import page_context
from ..segment.confidence import needs_review
from ..views import FailureRow, ReportPage, ReportRow, ReportSection, SearchPage, SitePageView

Plan = tuple[str, str, Any]




def site_page_path(slug: str) -> str:
    """``<slug>/`` (``pages.page_slug`` already kept it clear of the build's own folders;
    a slug that is not, e.g. made by hand, becomes ``page-<slug>/``)."""
    return urls.site_page(f"page-{slug}" if slug.lower() in urls.RESERVED_SEGMENTS else slug)


def plan_site_pages(archive: Archive) -> Iterator[Plan]:
    for page in sorted(archive.pages, key=lambda p: (p.order, p.slug)):
        yield site_page_path(page.slug), "page.html", SitePageView(
            title=page.title,
            description=page.description or page.title,
            slug=page.slug,
            html=page.html,
        )


def plan_report(archive: Archive, search_warnings: tuple[str, ...] = ()) -> Iterator[Plan]:
    rows = tuple(ReportRow(
        issue_id=i.id,
        issue_path=urls.issue_page(i.id),
        source=i.source.rel_path,
        origin_label=ORIGIN_LABELS.get(i.origin, i.origin),
        encoding=i.source.encoding,
        article_count=len(i.articles),
        warnings=i.warnings,
        junk=i.junk,
        confidence=i.confidence,
        needs_review=i.origin == "segmented" and needs_review(i.confidence),
        doubts=i.doubts,
        export_command=f"python build.py --export-md {i.source.rel_path}",
    ) for i in sorted(archive.issues, key=lambda i: i.source.rel_path))
    yield urls.report_page(), "report.html", ReportPage(
        title="生成报告",
        description="每个来源文件的切分方式、编码、提示、杂项行与读取失败的文件。",
        generated_at=archive.generated_at,
        generated_label=time_label(archive.generated_at),
        sections=report_sections(rows),
        rows=rows,
        failures=tuple(FailureRow(f.rel_path, f.stage, f.message) for f in archive.failures),
        warning_count=sum(len(r.warnings) for r in rows),
        junk_count=sum(len(r.junk) for r in rows),
        article_count=sum(r.article_count for r in rows),
        search_warnings=search_warnings,
    )


def report_sections(rows: tuple[ReportRow, ...]) -> tuple[ReportSection, ...]:
    """Files with something to check first, then the rest; empty sections are left out."""
    unsure = tuple(sorted((r for r in rows if r.needs_review), key=lambda r: r.confidence))
    review = tuple(r for r in rows if (r.warnings or r.junk) and not r.needs_review)
    fine = tuple(r for r in rows if not (r.warnings or r.junk or r.needs_review))
    sections = (
        ReportSection("proofread", "待校对（切分把握不大）",
                      "这些版面的文章切分可能有误，置信度低的在前，并列出把握不大的行。核对后可用"
                      "所列命令导出为 Markdown，改好后重新生成；改过的版面以 Markdown 为准。",
                      unsure),
        ReportSection("review", "需要核对", "这些文件有提示或杂项行，请逐条核对。", review),
        ReportSection("fine", "没有提示", "这些文件读取和切分时没有发现问题。", fine),
    )
    return tuple(s for s in sections if s.rows)


def time_label(iso: str) -> str:
    """``2026-01-01T08:00:00+08:00`` as ``2026年1月1日 08:00（UTC+08:00）``; the text as
    given when it is not an ISO time."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = moment.strftime("%z")
    where = "北京时间" if zone == "+0800" else f"UTC{zone[:3]}:{zone[3:]}" if zone else ""
    text = f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{text}（{where}）" if where else text


def plan_search(archive: Archive, config: Config) -> Iterator[Plan]:
    context = page_context(archive, config)
    yield urls.search_page(), "search.html", SearchPage(
        title="检索",
        description="全文检索报库中的文章，可按地区、主题、年份、报纸与记者筛选。",
        context_json=json.dumps(context, ensure_ascii=False, sort_keys=True, default=str),
    )

"""The home page (an overview: years, newest issues, search box) and a page per year
(a month bar, each month's calendar and issues); undated issues have a page of their own."""

from __future__ import annotations

import calendar
from collections.abc import Iterator

from .. import urls
from ..model import Archive
from ..present import UNKNOWN_DATE, ArchiveIndex
from ..views import (
    CalendarDay,
    HomePage,
    IssueSummary,
    Link,
    MonthGroup,
    PaperGroup,
    YearGroup,
    YearPage,
)

UNKNOWN_MONTH = "月份不详"
NEWEST_ISSUES = 12


def month_anchor(iso_date: str) -> str:
    """The year-page element id of an issue's month (or year when the month is unknown)."""
    parts = iso_date.split("-")
    return f"m-{parts[0]}-{parts[1]}" if len(parts) > 1 else f"m-{parts[0]}-00"


def paper_anchor(position: int) -> str:
    return f"p-{position + 1}"


def month_calendar(year: int, month: int, issues: list[IssueSummary]
                   ) -> tuple[tuple[CalendarDay | None, ...], ...]:
    if not 1 <= month <= 12:
        return ()
    by_day: dict[int, list[IssueSummary]] = {}
    for issue in issues:
        parts = issue.iso_date.split("-")
        if len(parts) == 3:
            by_day.setdefault(int(parts[2]), []).append(issue)
    if not by_day:
        return ()
    return tuple(tuple(CalendarDay(d, tuple(by_day.get(d, ()))) if d else None for d in week)
                 for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month))


def group_by_date(dated: list[IssueSummary]) -> tuple[YearGroup, ...]:
    years: dict[str, dict[str, list[IssueSummary]]] = {}
    for issue in dated:
        parts = issue.iso_date.split("-")
        month = parts[1] if len(parts) > 1 else ""
        years.setdefault(parts[0], {}).setdefault(month, []).append(issue)
    groups = []
    for year in sorted(years, reverse=True):
        months = years[year]
        # Known months newest first; issues dated only to the year come last.
        order = sorted((m for m in months if m), reverse=True) + ([""] if "" in months else [])
        groups.append(YearGroup(
            anchor=f"y-{year}",
            year=year,
            months=tuple(MonthGroup(
                month_anchor(f"{year}-{m}" if m else year),
                f"{int(m)}月" if m else UNKNOWN_MONTH,
                tuple(months[m]),
                month_calendar(int(year), int(m), months[m])
                if m.isdigit() and year.isdigit() else (),
            ) for m in order),
            issue_count=sum(len(v) for v in months.values()),
        ))
    return tuple(groups)


def paper_names(archive: Archive) -> list[str]:
    return sorted({i.newspaper for i in archive.issues if i.newspaper})


def group_by_paper(summaries: list[IssueSummary], names: list[str]) -> tuple[PaperGroup, ...]:
    if len(names) < 2:
        return ()
    groups = [PaperGroup(paper_anchor(n), name,
                         tuple(s for s in summaries if s.newspaper == name))
              for n, name in enumerate(names)]
    unnamed = tuple(s for s in summaries if not s.newspaper)
    if unnamed:
        groups.append(PaperGroup(paper_anchor(len(names)), "报名不详", unnamed))
    return tuple(groups)


def date_page(iso_date: str) -> str:
    """The page listing an issue of this date: its year's, or the undated issues'."""
    return urls.year_page(iso_date.split("-")[0] if iso_date else urls.UNDATED_YEAR)


def plan_home(archive: Archive, index: ArchiveIndex) -> Iterator[tuple[str, str, HomePage]]:
    summaries = list(index.issues.values())
    dated = [s for s in summaries if s.iso_date]
    undated = [s for s in summaries if not s.iso_date]
    yield urls.home(), "home.html", HomePage(
        title="首页",
        description=f"共 {len(summaries)} 期、{len(index.articles)} 篇文章，按日期、报纸、"
                    "地区、主题与记者浏览。",
        dated=tuple(dated),
        undated=tuple(undated),
        years=group_by_date(dated),
        papers=group_by_paper(summaries, paper_names(archive)),
        issue_count=len(summaries),
        article_count=len(index.articles),
        newest=tuple(dated[:NEWEST_ISSUES]),
        undated_path=urls.year_page(urls.UNDATED_YEAR) if undated else "",
    )


def plan_years(index: ArchiveIndex) -> Iterator[tuple[str, str, YearPage]]:
    """A page per year, newest first, and one for the undated issues when there are any."""
    summaries = list(index.issues.values())
    years = group_by_date([s for s in summaries if s.iso_date])
    undated = tuple(s for s in summaries if not s.iso_date)
    pages = [(urls.year_page(y.year), f"{y.year}年") for y in years]
    if undated:
        pages.append((urls.year_page(urls.UNDATED_YEAR), UNKNOWN_DATE))

    def switcher(here: str) -> tuple[Link, ...]:
        return tuple(Link(label, None if path == here else path) for path, label in pages)

    home = Link("首页", urls.home())
    for year in years:
        path = urls.year_page(year.year)
        yield path, "year.html", YearPage(
            title=f"{year.year}年",
            description=f"{year.year}年共 {year.issue_count} 期：出版日历与各期目录。",
            year=year, undated=(), years=switcher(path),
            crumbs=(home, Link(f"{year.year}年")))
    if undated:
        path = urls.year_page(urls.UNDATED_YEAR)
        yield path, "year.html", YearPage(
            title=UNKNOWN_DATE, description=f"无法确定出版日期的 {len(undated)} 期。",
            year=None, undated=undated, years=switcher(path),
            crumbs=(home, Link(UNKNOWN_DATE)))

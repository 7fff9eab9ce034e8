"""How archive values read on a page: date labels, issue names, leads, reading time."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import urls
from .citation import UNTITLED
from .cjk import cjk_mask, code_points
from .model import Archive, Article, Issue, IssueDate
from .views import ArticleSummary, IssueSummary

UNKNOWN_DATE = "日期不详"
CJK_CHARS_PER_MINUTE = 400
LEAD_CHARS = 90

LEVEL_LABELS = {"district": "区县", "town": "街道乡镇", "village": "社区村"}
ORIGIN_LABELS = {"segmented": "自动切分", "markdown": "人工校订（Markdown）"}
KIND_LABELS = {"news": "消息", "feature": "通讯", "photo": "图片新闻", "commentary": "评论"}


def headline_of(article: Article) -> str:
    """The headline as shown; a photo or brief without one gets a placeholder."""
    return article.headline.strip() or UNTITLED


def date_label(date: IssueDate, mark_inferred: bool = True) -> str:
    """``2023年8月18日``, ``2023年8月（推断）``, ``2023年``, or ``日期不详``; without
    ``mark_inferred`` an inferred date reads like any other (pages show a badge)."""
    if not date.value:
        return UNKNOWN_DATE
    parts = date.value.split("-")
    if not all(part.isdigit() for part in parts) or len(parts) > 3:
        return date.value  # not ISO: show it as the source gave it
    text = f"{int(parts[0])}年"
    if len(parts) > 1:
        text += f"{int(parts[1])}月"
    if len(parts) > 2:
        text += f"{int(parts[2])}日"
    if date.source == "inferred" and mark_inferred:
        text += "（推断）"
    return text


INFERRED_PREFIX = "日期由正文推断为"


def inferred_evidence(issue: Issue) -> str:
    """Why the date was inferred (the read stage's note), "" for a date read as stated."""
    if issue.date.source != "inferred":
        return ""
    note = next((w for w in issue.source.warnings if w.startswith(INFERRED_PREFIX)), "")
    return note.removesuffix("，请核对") or "日期由正文推断"


def sort_date(date: IssueDate) -> str:
    """A full ``YYYY-MM-DD`` for sorting (missing parts become 01), "" when unknown."""
    if not date.value:
        return ""
    parts = [*date.value.split("-"), "01", "01"][:3]
    return "-".join(parts)


def issue_label(issue: Issue) -> str:
    """Paper, date, edition and page title; an inferred date is marked apart (a badge)."""
    meta = issue.source.meta
    parts = [issue.newspaper or "",
             date_label(issue.date, mark_inferred=False) if issue.date.value else "",
             meta.edition or "", meta.title or ""]
    label = " ".join(p for p in parts if p)
    return (label or issue.id) + issue.label_suffix


def distinct_labels(issues: Sequence[Issue]) -> tuple[Issue, ...]:
    """The issues, those sharing a label told apart by their order: ``（第2份）`` …"""
    by_label: dict[str, list[int]] = {}
    for n, issue in enumerate(issues):
        by_label.setdefault(issue_label(replace(issue, label_suffix="")), []).append(n)
    out = [replace(issue, label_suffix="") if issue.label_suffix else issue for issue in issues]
    for positions in by_label.values():
        if len(positions) > 1:
            for k, n in enumerate(sorted(positions, key=lambda n: issues[n].id), start=1):
                out[n] = replace(out[n], label_suffix=f"（第{k}份）")
    return tuple(out)


def summarize_issue(issue: Issue) -> IssueSummary:
    meta = issue.source.meta
    return IssueSummary(
        id=issue.id,
        path=urls.issue_page(issue.id),
        label=issue_label(issue),
        newspaper=issue.newspaper or "",
        date_label=date_label(issue.date, mark_inferred=False),
        inferred=inferred_evidence(issue),
        edition=meta.edition or "",
        page_title=meta.title or "",
        article_count=len(issue.articles),
        iso_date=issue.date.value or "",
        lead_headline=issue.articles[0].headline if issue.articles else "",
    )


def lead(article: Article, limit: int = LEAD_CHARS) -> str:
    """The first body lines, cut at ``limit`` characters with an ellipsis."""
    firsts: list[str] = []
    for paragraph in article.paragraphs:
        if paragraph not in article.section_heads:
            firsts.append(paragraph)
            if len(firsts) == 2:
                break
    text = "".join(firsts)
    return text if len(text) <= limit else text[:limit].rstrip() + "……"


def summarize_article(issue: Issue, article: Article, summary: IssueSummary) -> ArticleSummary:
    return ArticleSummary(
        id=issue.article_id(article),
        path=urls.article_page(issue.id, article.number),
        number=article.number,
        headline=headline_of(article),
        kicker=article.kicker or "",
        subtitle=article.subtitle or "",
        byline=article.byline or "",
        lead=lead(article),
        issue_label=summary.label,
        issue_path=summary.path,
        date_label=summary.date_label,
    )


def cjk_count(text: str) -> int:
    """CJK ideographs in ``text``, counted over its code points at once (no per-run
    regular expression work: every article page shows its count)."""
    return int(np.count_nonzero(cjk_mask(code_points(text))))


def minutes_for(cjk_chars: int) -> int:
    """约 N 分钟 at about 400 CJK characters a minute, at least one."""
    return max(1, math.ceil(cjk_chars / CJK_CHARS_PER_MINUTE))


def description_of(article: Article, summary: ArticleSummary) -> str:
    return summary.lead or headline_of(article)


@dataclass(frozen=True)
class ArchiveIndex:
    """Look-ups built once per render: summaries by id, in archive order (newest first)."""

    issues: dict[str, IssueSummary]
    articles: dict[str, tuple[Issue, Article]]
    summaries: dict[str, ArticleSummary]


def build_index(archive: Archive, only_articles: Collection[str] | None = None
                ) -> ArchiveIndex:
    """Every issue and article, with summaries of every article (or only of those in
    ``only_articles``: summaries are the costly part)."""
    issues: dict[str, IssueSummary] = {}
    articles: dict[str, tuple[Issue, Article]] = {}
    summaries: dict[str, ArticleSummary] = {}
    for issue in archive.issues:
        summary = summarize_issue(issue)
        issues[issue.id] = summary
        keys = [issue.article_id(a) for a in issue.articles]
        articles.update(zip(keys, ((issue, a) for a in issue.articles), strict=True))
        if only_articles is not None and not any(k in only_articles for k in keys):
            continue
        whole = archive.whole(issue)  # the leads need the text, only while summarised
        for article in whole.articles:
            key = whole.article_id(article)
            if only_articles is None or key in only_articles:
                summaries[key] = summarize_article(whole, article, summary)
    return ArchiveIndex(issues, articles, summaries)

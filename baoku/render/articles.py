"""Issue pages, article pages and their plain-text files."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import urls
from ..config import Config
from ..export import data_file
from ..model import Archive, Article, Issue
from ..present import (
    KIND_LABELS,
    LEVEL_LABELS,
    ORIGIN_LABELS,
    ArchiveIndex,
    cjk_count,
    description_of,
    headline_of,
    minutes_for,
    sort_date,
)
from ..read import ReadError, decode_bytes
from ..views import (
    ArticlePage,
    Block,
    IssuePage,
    IssueSummary,
    Link,
    PagefindData,
    PlaceTrail,
    RawText,
)
from .home import date_page, month_anchor, paper_anchor, paper_names
from .places import PlaceTree

Plan = tuple[str, str, Any]


def issue_crumbs(summary: IssueSummary, papers: list[str]) -> tuple[Link, ...]:
    """首页 › paper › date › this issue; the paper points into the home page, the date
    to its month on the year page."""
    crumbs = [Link("首页", urls.home())]
    if summary.newspaper:
        fragment = (paper_anchor(papers.index(summary.newspaper))
                    if len(papers) > 1 and summary.newspaper in papers else "")
        crumbs.append(Link(summary.newspaper, urls.home(), fragment))
    if summary.label == summary.date_label:
        return tuple(crumbs)  # the issue's own crumb already reads as its date
    anchor = month_anchor(summary.iso_date) if summary.iso_date else ""
    crumbs.append(Link(summary.date_label, date_page(summary.iso_date), anchor))
    return tuple(crumbs)


def read_raw_text(config: Config, rel_path: str) -> str | None:
    """The provenance text beside a Markdown issue, decoded as the read stage decodes a
    source; None when it is gone or is not text."""
    path = Path(config.source_root) / rel_path
    if not path.is_file():
        return None
    try:
        return decode_bytes(path.read_bytes(), rel_path).text
    except (OSError, ReadError):
        return None


def plan_issues(archive: Archive, config: Config, index: ArchiveIndex,
                only: Collection[str] | None = None) -> Iterator[Plan]:
    """Issue pages (and raw texts) of every issue, or of the issues whose ids are in ``only``."""
    papers = paper_names(archive)
    summaries = list(index.issues.values())
    for position, issue in enumerate(archive.issues):
        if only is not None and issue.id not in only:
            continue
        summary = index.issues[issue.id]
        raw_path = ""
        if issue.raw_text_path:
            raw = read_raw_text(config, issue.raw_text_path)
            if raw is not None:
                raw_path = urls.raw_text(issue.id)
                yield raw_path, "raw.txt", RawText(f"{summary.label} 原始文本",
                                                   issue.raw_text_path, raw)
        yield summary.path, "issue.html", IssuePage(
            title=summary.label,
            description=f"{summary.label}，共 {summary.article_count} 篇文章。",
            issue=summary,
            crumbs=(*issue_crumbs(summary, papers), Link(summary.label)),
            articles=tuple(index.summaries[issue.article_id(a)] for a in issue.articles),
            raw_text_path=raw_path,
            data_path=data_file(issue, config.issue_data_files),
            source=issue.source.rel_path,
            origin_label=ORIGIN_LABELS.get(issue.origin, issue.origin),
            newer=summaries[position - 1] if position > 0 else None,
            older=summaries[position + 1] if position + 1 < len(summaries) else None,
            corrected=issue.origin == "markdown",
        )


def body_blocks(article: Article) -> tuple[Block, ...]:
    heads = set(article.section_heads)
    html = article.paragraphs_html
    if len(html) != len(article.paragraphs):
        html = ("",) * len(article.paragraphs)
    return tuple(Block("h2" if p in heads else "p", p, h)
                 for p, h in zip(article.paragraphs, html, strict=True))


TrailCache = dict[tuple[str, str, str | None], PlaceTrail]


def place_trails(article: Article, tree: PlaceTree, cache: TrailCache | None = None
                 ) -> tuple[PlaceTrail, ...]:
    """Each place the article names once, with the places enclosing it (a place that
    encloses another listed one appears only in that one's trail); ``cache``: the
    trails already made while planning this archive (a place recurs in many articles)."""
    cache = {} if cache is None else cache
    seen: dict[str, PlaceTrail] = {}
    for place in article.places:
        if place.name in seen:
            continue
        key = (place.name, place.level, place.parent)
        trail = cache.get(key)
        if trail is None:
            trail = cache[key] = PlaceTrail(
                name=place.name,
                path=urls.place_page(place.name),
                level_label=LEVEL_LABELS.get(place.level, place.level),
                ancestors=tuple(Link(a, urls.place_page(a)) for a in tree.trail(place)),
            )
        seen[place.name] = trail
    # A place already shown as the district or town of another is not listed again.
    enclosing = {a.label for trail in seen.values() for a in trail.ancestors}
    # Places of one level under the same trail next to each other (the page lists them on
    # one line), each group where its first place was.
    groups: dict[tuple[tuple[Link, ...], str], list[PlaceTrail]] = {}
    for trail in seen.values():
        if trail.name not in enclosing:
            groups.setdefault((trail.ancestors, trail.level_label), []).append(trail)
    return tuple(t for group in groups.values() for t in group)


def pagefind_data(issue: Issue, article: Article) -> PagefindData:
    date = sort_date(issue.date)
    return PagefindData(
        date=date,
        year=date[:4],
        paper=issue.newspaper or "",
        districts=article.districts,
        topics=article.topics,
        people=article.people,
    )


def plan_articles(archive: Archive, index: ArchiveIndex, tree: PlaceTree,
                  citations: Mapping[str, dict[str, str]], only: Collection[str] | None = None
                  ) -> Iterator[Plan]:
    """Article pages of every issue, or of the issues whose ids are in ``only``."""
    papers = paper_names(archive)
    trails: TrailCache = {}
    for issue in archive.issues:
        if only is not None and issue.id not in only:
            continue
        summary = index.issues[issue.id]
        crumbs = (*issue_crumbs(summary, papers), Link(summary.label, summary.path))
        siblings = [index.summaries[issue.article_id(a)] for a in issue.articles]
        issue = archive.whole(issue)  # its text, for its article pages only
        for position, article in enumerate(issue.articles):
            yield from plan_article(issue, article, index, tree, citations, crumbs,
                                    siblings, position, trails)


def plan_article(issue: Issue, article: Article, index: ArchiveIndex, tree: PlaceTree,
                 citations: Mapping[str, dict[str, str]], crumbs: tuple[Link, ...],
                 siblings: list[Any], position: int, trails: TrailCache | None = None
                 ) -> Iterator[Plan]:
    key = issue.article_id(article)
    summary = index.issues[issue.id]
    path = urls.article_page(issue.id, article.number)
    citation = citations[key]
    chars = cjk_count(article.text)
    related = tuple(index.summaries[r] for r in dict.fromkeys(article.related)
                    if r in index.summaries and r != key)
    yield path, "article.html", ArticlePage(
        title=headline_of(article),
        description=description_of(article, index.summaries[key]),
        id=key,
        path=path,
        text_source=f"{summary.label}，第 {article.number} 篇",
        issue=summary,
        crumbs=(*crumbs, Link(headline_of(article))),
        number=article.number,
        kicker=article.kicker or "",
        headline=headline_of(article),
        subtitle=article.subtitle or "",
        column=article.column or "",
        byline=article.byline or "",
        kind_label=KIND_LABELS.get(article.kind, article.kind),
        blocks=body_blocks(article),
        captions=article.captions,
        places=place_trails(article, tree, trails),
        topics=tuple(Link(t, urls.topic_page(t)) for t in dict.fromkeys(article.topics)),
        people=tuple(Link(p, urls.reporter_page(p)) for p in article.people),
        keywords=article.keywords,
        related=related,
        previous=siblings[position - 1] if position > 0 else None,
        following=siblings[position + 1] if position + 1 < len(siblings) else None,
        reading_minutes=minutes_for(chars),
        char_count=chars,
        gbt7714=citation["gbt7714_online"],
        bibtex=citation["bibtex"],
        bibtex_pages=citation["bibtex_pages"],
        bibtex_note=citation["bibtex_note"],
        json_ld=citation["json_ld"],
        pagefind=pagefind_data(issue, article),
    )

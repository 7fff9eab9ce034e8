"""Search records: one flat, index-ready view of each article, and its shard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .. import urls
from ..model import Archive, Article, Issue
from ..present import headline_of, issue_label, sort_date

# Watch mode rebuilds the shard a new issue lands in, the newest chunk of its year, so this
# bounds the wait before it is searchable (Pagefind: ~0.2 s + ~7.5 ms CPU a page). 500 keeps
# adding an issue to a 10k archive under 5 s; the price is more bundles for the search page
# to merge (10k bench: 27 instead of 11, ~80 KB of index set-up each on a first search).
# Older years pack into big shards (fewer bundles for the search page to merge); the
# newest year, where a new issue almost always lands, into small ones that rebuild fast.
MAX_SHARD_PAGES = 2000
RECENT_SHARD_PAGES = 500
UNDATED_SHARD = "undated"


@dataclass(frozen=True)
class SearchRecord:
    """What both indexes know about one article page."""

    id: str  # article id, e.g. ``<issue id>-03``
    issue_id: str
    path: str  # site path of the article page, e.g. ``issues/x/03/``
    headline: str
    heading: str  # kicker, headline and subtitle: the text boosted in ranking
    body: str  # column, byline, paragraphs and captions
    date: str | None  # as known: YYYY-MM-DD, YYYY-MM or YYYY
    year: str | None
    paper: str | None
    issue_label: str  # paper, date, edition and page title as the site names the issue
    sort_date: str = ""  # full YYYY-MM-DD (missing parts 01), "" when undated
    districts: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        """The page's file, relative to the site root (what result links point at)."""
        return urls.file_of(self.path)


def year_of(date: str | None) -> str | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return date[:4]
    return None


def _heading(article: Article) -> str:
    return "\n".join(p for p in (article.kicker, article.headline, article.subtitle) if p)


def _body(article: Article) -> str:
    lead = [p for p in (article.column, article.byline) if p]
    return "\n".join((*lead, *article.paragraphs, *article.captions))


@dataclass(frozen=True)
class _IssueFields:
    """What every record of one issue shares, worked out once per issue."""

    date: str | None
    year: str | None
    paper: str | None
    label: str
    sort_date: str

    @classmethod
    def of(cls, issue: Issue) -> _IssueFields:
        date = issue.date.value
        return cls(date, year_of(date), issue.newspaper, issue_label(issue),
                   sort_date(issue.date))


def article_record(issue: Issue, article: Article,
                   shared: _IssueFields | None = None) -> SearchRecord:
    fields = shared or _IssueFields.of(issue)
    return SearchRecord(
        id=issue.article_id(article),
        issue_id=issue.id,
        path=urls.article_page(issue.id, article.number),
        headline=headline_of(article),
        heading=_heading(article),
        body=_body(article),
        date=fields.date,
        year=fields.year,
        paper=fields.paper,
        issue_label=fields.label,
        sort_date=fields.sort_date,
        districts=article.districts,
        topics=article.topics,
        reporters=article.people,
    )


def issue_records(issue: Issue) -> list[SearchRecord]:
    shared = _IssueFields.of(issue)
    return [article_record(issue, a, shared) for a in issue.articles]


def archive_records(archive: Archive) -> list[SearchRecord]:
    """Every article of the archive, in the archive's order (newest issue first)."""
    return [record for issue in archive.issues for record in issue_records(issue)]


def issue_groups(records: Iterable[SearchRecord]) -> dict[str, list[SearchRecord]]:
    """Records by issue id, in their order."""
    groups: dict[str, list[SearchRecord]] = {}
    for record in records:
        groups.setdefault(record.issue_id, []).append(record)
    return groups


def _chunk_issues(groups: Sequence[list[SearchRecord]], limit: int) -> list[list[SearchRecord]]:
    """Pack whole issues into chunks of at most ``limit`` pages (an oversized issue alone)."""
    chunks: list[list[SearchRecord]] = [[]]
    for group in groups:
        if chunks[-1] and len(chunks[-1]) + len(group) > limit:
            chunks.append([])
        chunks[-1].extend(group)
    return [c for c in chunks if c]


def assign_shards(records: Iterable[SearchRecord], limit: int = MAX_SHARD_PAGES,
                  recent_limit: int = RECENT_SHARD_PAGES) -> dict[str, list[SearchRecord]]:
    """Shard name -> records: one shard per year (``2023``, or ``2023-1``, ``2023-2`` … when a
    year holds more than ``limit`` pages; ``recent_limit`` for the newest dated year),
    undated articles in ``undated``.

    Issues are packed oldest first by id so that adding a new issue to a year only
    touches that year's last chunk. Shards are returned newest first (a year's last chunk
    before its first), undated last: the order the search page merges and reads them in.
    """
    by_year: dict[str, list[SearchRecord]] = {}
    for record in records:
        by_year.setdefault(record.year or UNDATED_SHARD, []).append(record)
    shards: dict[str, list[SearchRecord]] = {}
    years = sorted(by_year, key=lambda y: (y == UNDATED_SHARD, _neg(y)))
    newest = years[0] if years and years[0] != UNDATED_SHARD else None
    for year in years:
        groups = issue_groups(sorted(by_year[year], key=lambda r: (r.date or "", r.issue_id)))
        chunks = _chunk_issues(list(groups.values()),
                               min(limit, recent_limit) if year == newest else limit)
        if len(chunks) == 1:
            shards[year] = chunks[0]
        else:  # newest chunk first, as the years go
            for n in range(len(chunks), 0, -1):
                shards[f"{year}-{n}"] = chunks[n - 1]
    return shards


def _neg(year: str) -> tuple[int, str]:
    return (-int(year), year) if year.isdigit() else (0, year)

"""Plain frozen dataclasses shared by every pipeline stage.

Stages never mutate these; they return new values (``dataclasses.replace``).
Objects refer to each other by id, never by reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

DatePrecision = Literal["day", "month", "year"]
DateSource = Literal["front-matter", "filename", "sidecar", "inferred"]
ArticleKind = Literal["news", "feature", "photo", "commentary"]
PlaceLevel = Literal["district", "town", "village"]
SourceFormat = Literal["txt", "md"]


@dataclass(frozen=True)
class IssueDate:
    """An issue's date as far as it is known; every field None when unknown."""

    value: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    precision: DatePrecision | None = None
    source: DateSource | None = None


@dataclass(frozen=True)
class SourceMeta:
    """What the file itself says about the issue (front matter, file name, text clues)."""

    newspaper: str | None = None
    date: IssueDate = field(default_factory=IssueDate)
    edition: str | None = None  # 版次, e.g. "第3版" or "A3"
    title: str | None = None  # 版名, e.g. "示范区新闻"


@dataclass(frozen=True)
class Source:
    """One input file, decoded.

    ``rel_path`` is the path relative to the project root exactly as found
    (e.g. ``content/000_x.txt``); it is what the data export calls ``source``.
    ``text`` is the body after the front matter, decoded, with newlines normalised to ``\\n``.
    """

    rel_path: str
    sha256: str
    encoding: str
    format: SourceFormat
    text: str
    meta: SourceMeta
    warnings: tuple[str, ...] = ()  # Simplified Chinese, meant for the librarian


@dataclass(frozen=True)
class Line:
    """One cleaned line of a source, with its 1-based line number in the source text."""

    number: int
    text: str  # cleaned: CJK spaces removed, punctuation width normalised, stripped
    raw: str  # as read, for messages and provenance
    spaced: str  # raw with punctuation widened and single spaces: word gaps kept (bylines)


@dataclass(frozen=True)
class CleanText:
    """The clean stage's output: lines in order; blank lines kept as Line(text="")."""

    rel_path: str
    lines: tuple[Line, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """An administrative place named in an article, with its place in the hierarchy."""

    name: str  # canonical name, e.g. "湖滨路街道"
    level: PlaceLevel  # district = 区/县/县级市/功能区; town = 街道/镇/乡; village = 社区/村
    parent: str | None = None  # canonical name of the enclosing place, if known
    code: str | None = None  # gazetteer code (adcode) if any


@dataclass(frozen=True)
class Article:
    """One article cut from an issue. Segment fills the text fields, enrich the tags."""

    number: int  # 1-based position in reading order within the issue
    headline: str
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None  # as printed, e.g. "本报讯（记者张亚丹）"
    reporters: tuple[str, ...] = ()
    correspondents: tuple[str, ...] = ()
    photographers: tuple[str, ...] = ()  # names from "… 摄" credits
    kind: ArticleKind = "news"
    paragraphs: tuple[str, ...] = ()  # body in reading order, section heads included
    section_heads: tuple[str, ...] = ()  # entries of ``paragraphs`` that are subheadings
    captions: tuple[str, ...] = ()  # photo captions, credit included
    column: str | None = None  # 栏目 name printed above the headline, e.g. "我为群众办实事"
    # Filled by enrich:
    places: tuple[Place, ...] = ()
    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # ids of related articles, best first
    # Set only for Markdown sources: one sanitised block of HTML per ``paragraphs`` entry
    # (<p>, <ul>, <table> …; "" for section heads); templates may prefer it when present.
    paragraphs_html: tuple[str, ...] = ()

    @cached_property  # asked for by every page, feed, record and export of the article
    def districts(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.places if p.level == "district")

    @property
    def place_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.places)

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone credited: reporters, then photographers not already listed."""
        seen = dict.fromkeys(self.reporters)
        seen.update(dict.fromkeys(self.photographers))
        return tuple(seen)

    @property
    def text(self) -> str:
        """All body text, for search and keyword extraction."""
        return "\n".join(self.paragraphs)


@dataclass(frozen=True)
class Segmentation:
    """The segment stage's output for one source."""

    articles: tuple[Article, ...]
    junk: tuple[str, ...] = ()  # lines kept out of every article (OCR junk, page furniture)
    warnings: tuple[str, ...] = ()
    confidence: float = 1.0  # share of lines whose role the line-role model was sure of
    doubts: tuple[str, ...] = ()  # the lines it was not sure of, for the librarian


@dataclass(frozen=True)
class Issue:
    """One newspaper issue (one source file) with its articles."""

    id: str  # URL-safe, stable: derived from the file name
    source: Source
    articles: tuple[Article, ...]
    junk: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # every warning met for this source, in stage order
    origin: Literal["segmented", "markdown"] = "segmented"
    confidence: float = 1.0  # segmentation confidence (1.0 for Markdown sources)
    doubts: tuple[str, ...] = ()
    raw_text_path: str | None = None  # provenance .txt beside an authoritative .md
    # Tells apart issues that would otherwise carry the same label (see present.py).
    label_suffix: str = ""

    @property
    def newspaper(self) -> str | None:
        return self.source.meta.newspaper

    @property
    def date(self) -> IssueDate:
        return self.source.meta.date

    def article_id(self, article: Article) -> str:
        return f"{self.id}-{article.number:02d}"


@dataclass(frozen=True)
class Failure:
    """A source that could not be turned into an issue at all."""

    rel_path: str
    stage: str
    message: str  # Simplified Chinese


@dataclass(frozen=True)
class SitePage:
    """A page of the site's own (关于本馆, 使用说明 …) from ``content/pages/*.md``."""

    slug: str  # URL-safe path segment; the page lives at ``<slug>/``
    title: str
    html: str  # rendered body HTML (raw HTML in the Markdown escaped)
    order: int = 100  # position in the navigation, ascending
    description: str | None = None


class IssueTexts(Protocol):
    """Where a build keeps its articles' text aside (``baoku.textstore.TextStore``)."""

    def whole(self, issue: Issue) -> Issue: ...


@dataclass(frozen=True)
class Archive:
    """Everything the render, index and publish stages need.

    With ``texts``, the issues' articles hold no text (paragraphs, section heads,
    captions, Markdown HTML): a stage that shows it takes one issue at a time back
    ``whole``."""

    issues: tuple[Issue, ...]  # newest first, undated last
    failures: tuple[Failure, ...] = ()
    generated_at: str = ""  # ISO 8601 with offset
    pages: tuple[SitePage, ...] = ()  # the site's own pages, in navigation order
    texts: IssueTexts | None = field(default=None, compare=False, repr=False)

    def whole(self, issue: Issue) -> Issue:
        """``issue`` of this archive with its articles' text."""
        return issue if self.texts is None else self.texts.whole(issue)


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: a POSIX path relative to the output root, and its bytes."""

    path: str
    content: bytes

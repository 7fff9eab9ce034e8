"""The build's text store: the bulky text of every issue's articles, kept aside on disk.

Once an issue is assembled, its articles' paragraphs, section heads, captions and
Markdown HTML (about 95% of an issue's memory) go into one compressed record of an
append-only file in the system's temporary folder; the issue the build keeps holds
the rest (headline, date, tags, places, reporters, related lists: what the archive-wide
stages need). A stage that shows the text (article pages, summaries, feeds, data export,
search records) takes each issue back whole with ``Archive.whole`` one at a time and lets
it go. Forked render and search processes read the same file. ``text_store`` removes the
file when the build ends, however it ends.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace

from .model import Article, Issue

ArticleText = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
COMPRESS_LEVEL = 1  # the text compresses to about half at level 1; higher levels cost CPU
PREFIX = "baoku-text-"


@dataclass(frozen=True)
class Packed:
    """An issue without its articles' text, and that text as one store record: what a
    pool worker hands back, so the main process never holds the text as strings."""

    issue: Issue
    text: bytes


def pack(issue: Issue) -> Packed:
    texts = tuple((a.number, _text_of(a)) for a in issue.articles)  # in the issue's order
    return Packed(replace(issue, articles=tuple(_without_text(a) for a in issue.articles)),
                  zlib.compress(marshal.dumps(texts), COMPRESS_LEVEL))


class TextStoreError(RuntimeError):
    """The store could not be written or read; the message is for the librarian."""


def _problem(path: str, exc: BaseException) -> TextStoreError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return TextStoreError(f"暂存文章文本的临时文件 {path} 无法写入或读取（{reason}）。"
                          "请检查临时目录（TMPDIR）所在磁盘的空间和权限后重试")


@dataclass
class _OpenFile:
    fd: int | None  # None once the build has ended


@dataclass(frozen=True, eq=False)
class TextStore:
    """Where a build keeps its articles' text: ``path`` (opened for appending and for
    reading at offsets, which threads and forked processes may do at once) and each
    issue's record as (offset, length) by issue id."""

    path: str
    file: _OpenFile
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def fd(self) -> int:
        if self.file.fd is None:
            raise TextStoreError(f"暂存文章文本的临时文件 {self.path} 已随生成结束删除")
        return self.file.fd

    def keep(self, issue: Issue) -> Issue:
        """``issue`` without its articles' text, which is appended to the store."""
        return self.add(pack(issue))

    def add(self, packed: Packed) -> Issue:
        """The packed issue, its text record appended to the store."""
        record = packed.text
        fd = self.fd
        try:
            offset = os.lseek(fd, 0, os.SEEK_END)
            written = 0
            while written < len(record):
                written += os.write(fd, record[written:])
        except OSError as exc:  # e.g. a full disk
            raise _problem(self.path, exc) from exc
        self.spans[packed.issue.id] = (offset, len(record))
        return packed.issue

    def whole(self, issue: Issue) -> Issue:
        """``issue`` with the text ``keep`` put aside for it (an issue never kept here is
        returned as it is)."""
        span = self.spans.get(issue.id)
        if span is None:
            return issue
        kept = self._read(issue.id, *span)
        if [n for n, _ in kept] == [a.number for a in issue.articles]:
            texts: list[ArticleText | None] = [text for _, text in kept]
        else:  # some articles left out since (a year's archive): matched by number
            by_number: dict[int, ArticleText] = {}
            for number, text in kept:
                by_number.setdefault(number, text)
            texts = [by_number.get(a.number) for a in issue.articles]
        return replace(issue, articles=tuple(
            a if text is None else _with_text(a, text)
            for a, text in zip(issue.articles, texts, strict=True)))

    def _read(self, issue_id: str, offset: int, length: int
              ) -> tuple[tuple[int, ArticleText], ...]:
        fd = self.fd
        try:
            record = os.pread(fd, length, offset)
            texts = marshal.loads(zlib.decompress(record))
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            raise _problem(self.path, exc) from exc
        if not isinstance(texts, tuple):
            raise _problem(self.path, ValueError(f"{issue_id} 的记录已损坏"))
        return texts


@contextmanager
def text_store() -> Iterator[TextStore]:
    """A new, empty store for one build, in the system's temporary folder (never in the
    content or output folder); its file is removed when the block ends, also on an
    error or Ctrl-C."""
    try:
        fd, path = tempfile.mkstemp(prefix=PREFIX, suffix=".bin")
    except OSError as exc:
        raise _problem(os.path.join(tempfile.gettempdir(), PREFIX + "…"), exc) from exc
    with suppress(OSError):  # e.g. Windows, where an open file stays: removed below
        os.unlink(path)  # nothing is left behind even if this process is killed
    opened = _OpenFile(fd)
    try:
        yield TextStore(path, opened)
    finally:
        os.close(fd)
        opened.fd = None
        if os.path.exists(path):
            os.unlink(path)


def _text_of(article: Article) -> ArticleText:
    return article.paragraphs, article.section_heads, article.captions, article.paragraphs_html


def _without_text(article: Article) -> Article:
    return replace(article, paragraphs=(), section_heads=(), captions=(), paragraphs_html=())


def _with_text(article: Article, text: ArticleText) -> Article:
    paragraphs, heads, captions, html = text
    return replace(article, paragraphs=paragraphs, section_heads=heads, captions=captions,
                   paragraphs_html=html)

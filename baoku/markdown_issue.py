"""Markdown issues: parse a librarian's corrected ``.md`` issue into articles, write one back."""

from __future__ import annotations

import html
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

import markdown
import yaml
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .model import Article, ArticleKind, Issue, Segmentation, Source
from .safety import unreadable_reason

# Header lines right under "## headline": label -> Article field.
META_LABELS: dict[str, str] = {
    "栏目": "column",
    "引题": "kicker",
    "副题": "subtitle",
    "作者": "byline",
    "记者": "reporters",
    "通讯员": "correspondents",
    "摄影": "photographers",
    "类型": "kind",
}
LIST_FIELDS = ("reporters", "correspondents", "photographers")
KINDS: tuple[str, ...] = get_args(ArticleKind)
KIND_ALIASES = {
    "消息": "news", "新闻": "news", "通讯": "feature", "特写": "feature",
    "图片": "photo", "图片新闻": "photo", "评论": "commentary",
}
NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")

_ARTICLE = re.compile(r"^##(?!#)[ \t]*(.*)$")
_SECTION = re.compile(r"^#{3,}[ \t]*(.*)$")
_TOP_HEADING = re.compile(r"^#(?!#)[ \t]*(.*)$")
_CAPTION_QUOTE = re.compile(r"^>[ \t]?(.*)$")
_CAPTION_IMAGE = re.compile(r"^!\[(.*)\]\((.*)\)[ \t]*$")
_META = re.compile(r"^(" + "|".join(META_LABELS) + r")[ \t]*[：:][ \t]*(.*)$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)

# What the export must escape so that body text parses back as the same plain text.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z0-9]+;)")
_ORDERED_MARKER = re.compile(r"^(\d+)\.")
_LINE_START_SPECIAL = "#>-+"  # headings, captions, list items
# Markdown backslash escapes (Python-Markdown core plus "|" from the tables extension).
_MD_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!|")
_SAFE_SCHEMES = {"", "http", "https", "mailto"}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


# ---------------------------------------------------------------- rendering body Markdown


class _SanitiseLinks(Treeprocessor):
    """Drop links and image sources with unsafe schemes (``javascript:`` …); make links to
    folders point at their ``index.html`` so they work from ``file://``."""

    def run(self, root):  # type: ignore[no-untyped-def]
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is None:
                    continue
                cleaned = _URL_NOISE.sub("", _fully_unescaped(value))
                parts = urlsplit(cleaned)
                if parts.scheme.lower() not in _SAFE_SCHEMES:
                    del element.attrib[attribute]
                elif attribute == "href" and not parts.scheme and not parts.netloc \
                        and parts.path.endswith("/"):
                    element.set(attribute, cleaned.replace(parts.path, parts.path + "index.html",
                                                           1))
                else:
                    element.set(attribute, cleaned)
        return None


def _fully_unescaped(value: str) -> str:
    """Character references decoded until none are left, so that what is checked is what a
    browser will follow (``&#106;avascript:`` is ``javascript:``)."""
    for _ in range(10):
        decoded = html.unescape(value)
        if decoded == value:
            return value
        value = decoded
    return ""


class _JoinChineseLines(Preprocessor):
    """A line break between two Chinese characters is layout, not a space: browsers would
    show one, so wrapped lines are joined before Markdown sees them (headings excepted)."""

    def run(self, lines: list[str]) -> list[str]:
        joined: list[str] = []
        for line in lines:
            rest = line.lstrip()
            previous = joined[-1] if joined else ""
            if rest and previous and _is_wide(previous[-1]) and _is_wide(rest[0]) \
                    and not previous.lstrip().startswith("#"):
                joined[-1] = previous + rest
            else:
                joined.append(line)
        return joined


class _EscapeRawHtml(Extension):
    """Raw HTML is never passed through: it is treated as text and escaped on output."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.preprocessors.register(_JoinChineseLines(md), "join_chinese_lines", 25)
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SanitiseLinks(md), "sanitise_links", 1)


def new_renderer() -> markdown.Markdown:
    """A Markdown converter with raw HTML escaped; one per document (it is stateful)."""
    return markdown.Markdown(extensions=["tables", "sane_lists", _EscapeRawHtml()],
                             output_format="html")


def render_markdown(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


class _TextCollector(HTMLParser):
    """The text of an HTML fragment, one line per block element."""

    BLOCKS = frozenset({"p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                        "blockquote", "ul", "ol", "table", "thead", "tbody", "hr"})

    def __init__(self, exact: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.exact = exact  # keep every character (a single paragraph's text)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS or tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.exact and "\n" in data and not data.strip():
            return  # the line breaks Markdown puts between tags
        self.parts.append(data)


def html_text(fragment: str) -> str:
    """Plain text of rendered HTML. A single paragraph keeps its text exactly (edge spaces
    included); lists and tables give one stripped line per item or row."""
    single = re.fullmatch(r"<p>(.*)</p>", fragment, re.DOTALL)
    if single and "<p>" not in single.group(1):
        collector = _TextCollector(exact=True)
        collector.feed(single.group(1))
        collector.close()
        return "".join(collector.parts)
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    lines = (line.strip() for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def join_wrapped_lines(lines: list[str]) -> str:
    """Re-join a hard-wrapped paragraph: no space where either side is Chinese."""
    joined = ""
    for line in (raw.strip(" \t") for raw in lines):
        if joined and line and not (_is_wide(joined[-1]) or _is_wide(line[0])):
            joined += " "
        joined += line
    return joined


def render_block(md: markdown.Markdown, lines: list[str]) -> tuple[str, str]:
    """(plain text, sanitised HTML) of one body block; a wrapped paragraph is joined first."""
    fragment = render_markdown(md, "\n".join(lines))
    if len(lines) > 1 and re.fullmatch(r"<p>.*</p>", fragment, re.DOTALL):
        fragment = render_markdown(md, join_wrapped_lines(lines))
    return html_text(fragment), fragment


# ---------------------------------------------------------------- parsing an issue


@dataclass
class _Draft:
    """The article being read; only lives inside ``parse_markdown_issue``."""

    headline: str
    fields: dict[str, object] = field(default_factory=dict)
    paragraphs: list[str] = field(default_factory=list)
    paragraphs_html: list[str] = field(default_factory=list)
    section_heads: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    caption_lines: list[str] = field(default_factory=list)
    block: list[str] = field(default_factory=list)
    in_header: bool = True
    line_number: int = 0  # of the line being read, for messages


def strip_front_matter(text: str) -> str:
    """The body of a Markdown file, in case the read stage left the front matter in."""
    match = _FRONT_MATTER.match(text)
    return text[match.end():] if match else text


def _unescape_line_start(line: str) -> str:
    """A leading backslash forces a line to be body text; Markdown keeps its own escapes."""
    if line.startswith("\\") and len(line) > 1 and line[1] not in _MD_ESCAPABLE:
        return line[1:]
    return line


def parse_kind(value: str) -> str | None:
    value = value.strip()
    if value.lower() in KINDS:
        return value.lower()
    return KIND_ALIASES.get(value)


def split_names(value: str) -> tuple[str, ...]:
    return tuple(name for name in NAME_SEPARATORS.split(value) if name)


def _where(draft: _Draft) -> str:
    article = f"文章《{draft.headline}》" if draft.headline else "无标题的文章"
    return f"第 {draft.line_number} 行（{article}）"


def _read_meta(draft: _Draft, label: str, value: str, warnings: list[str]) -> None:
    name = META_LABELS[label]
    value = value.strip()
    if not value:
        return
    if name in LIST_FIELDS:
        names = split_names(value)
        draft.fields[name] = tuple(draft.fields.get(name, ())) + names  # type: ignore[arg-type]
        return
    if name == "kind":
        kind = parse_kind(value)
        if kind is None:
            warnings.append(f"{_where(draft)}：“类型：{value}”无法识别，应为 news、feature、"
                            f"photo、commentary（或 消息、通讯、图片、评论）之一，已按 news 处理")
            return
        value = kind
    if name in draft.fields:
        warnings.append(f"{_where(draft)}：“{label}：”出现了不止一次，以最后一次为准")
    draft.fields[name] = value


def _flush_block(draft: _Draft, md: markdown.Markdown) -> None:
    if draft.block:
        text, fragment = render_block(md, draft.block)
        if text.strip() or fragment.strip():
            draft.paragraphs.append(text)
            draft.paragraphs_html.append(fragment)
        draft.block = []


def _add_section_head(draft: _Draft, text: str) -> None:
    text = text.strip()
    if text:
        draft.paragraphs.append(text)
        draft.section_heads.append(text)
        draft.paragraphs_html.append("")  # the template renders section heads itself


def _add_caption(draft: _Draft, text: str) -> None:
    text = text.strip()
    if text:
        draft.captions.append(text)


def _flush_caption(draft: _Draft) -> None:
    """Consecutive ``>`` lines are one caption, its lines kept."""
    if draft.caption_lines:
        _add_caption(draft, "\n".join(draft.caption_lines))
        draft.caption_lines = []


def _read_body_line(draft: _Draft, line: str, md: markdown.Markdown,
                    warnings: list[str]) -> None:
    quote = _CAPTION_QUOTE.match(line)
    if quote:
        _flush_block(draft, md)
        draft.caption_lines.append(quote.group(1))
        return
    _flush_caption(draft)
    if not line.strip():
        _flush_block(draft, md)
        return
    special = (_SECTION.match(line), _TOP_HEADING.match(line), _CAPTION_IMAGE.match(line))
    if not any(special):
        draft.block.append(_unescape_line_start(line))
        return
    _flush_block(draft, md)
    section, top, image = special
    if section:
        _add_section_head(draft, section.group(1))
    elif top:
        warnings.append(f"{_where(draft)}：“# {top.group(1).strip()}”是一级标题，已作为小标题处理"
                        f"（文章标题用“## ”，小标题用“### ”）")
        _add_section_head(draft, top.group(1))
    else:
        _add_caption(draft, image.group(1))  # type: ignore[union-attr]


def _read_article_line(draft: _Draft, line: str, md: markdown.Markdown,
                       warnings: list[str]) -> None:
    if draft.in_header:
        if not line.strip():
            return
        meta = _META.match(line)
        if meta:
            _read_meta(draft, meta.group(1), meta.group(2), warnings)
            return
        draft.in_header = False
    _read_body_line(draft, line, md, warnings)


def _finish(draft: _Draft, number: int, md: markdown.Markdown) -> Article:
    _flush_caption(draft)
    _flush_block(draft, md)
    return Article(
        number=number,
        headline=draft.headline,
        paragraphs=tuple(draft.paragraphs),
        paragraphs_html=tuple(draft.paragraphs_html),
        section_heads=tuple(draft.section_heads),
        captions=tuple(draft.captions),
        **draft.fields,  # type: ignore[arg-type]
    )


def _junk_line(line: str) -> str:
    line = line.strip()
    return line[1:] if line.startswith("\\") else line


def parse_markdown_issue(text: str) -> Segmentation:
    """Articles from the body of a Markdown issue (see docs/markdown-format.md)."""
    md = new_renderer()
    articles: list[Article] = []
    junk: list[str] = []
    warnings: list[str] = []
    draft: _Draft | None = None
    for number, line in enumerate(strip_front_matter(text).split("\n"), start=1):
        headline = _ARTICLE.match(line)
        if headline:
            if draft is not None:
                articles.append(_finish(draft, len(articles) + 1, md))
            draft = _Draft(headline=headline.group(1).strip())
            if not draft.headline:
                warnings.append(f"第 {number} 行：第 {len(articles) + 1} 篇文章的标题为空"
                                "（“## ”后面没有文字）")
        elif draft is None:
            if line.strip():
                junk.append(_junk_line(line))
        else:
            draft.line_number = number
            _read_article_line(draft, line, md, warnings)
    if draft is not None:
        articles.append(_finish(draft, len(articles) + 1, md))
    else:
        warnings.append("没有找到以“## ”开头的文章标题，这一期没有文章")
    return Segmentation(articles=tuple(articles), junk=tuple(junk), warnings=tuple(warnings))


def segment_markdown(source: Source) -> Segmentation:
    """The segment stage for a ``.md`` source: its explicit structure, no guessing."""
    return parse_markdown_issue(source.text)


def markdown_issue(source: Source, issue_id: str) -> Issue:
    """An issue from a corrected Markdown source (enrich still runs afterwards)."""
    seg = segment_markdown(source)
    return Issue(id=issue_id, source=source, articles=seg.articles, junk=seg.junk,
                 warnings=source.warnings + seg.warnings, origin="markdown")


def raw_text_beside(path: Path) -> Path | None:
    """The ``.txt`` of the same stem next to a Markdown source, if any (checked directly,
    not by listing the folder: archives hold thousands of files)."""
    for suffix in (".txt", ".TXT", ".Txt"):
        candidate = path.with_suffix(suffix)
        # Never a link out of the folder: the raw text is published as it is.
        if os.path.lexists(candidate) and unreadable_reason(candidate, path.parent) is None:
            return candidate
    return None


def _project_relative(path: Path, project_root: Path) -> str:
    try:
        return path.absolute().relative_to(project_root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def attach_raw_text(issue: Issue, project_root: Path) -> Issue:
    """Record the provenance ``.txt`` beside a Markdown issue (relative to the project root)."""
    if issue.origin != "markdown":
        return issue
    raw = raw_text_beside(project_root / issue.source.rel_path)
    if raw is None:
        return issue
    return replace(issue, raw_text_path=_project_relative(raw, project_root))


# ---------------------------------------------------------------- writing an issue


def _one_line(value: str) -> str:
    return " ".join(value.split("\n")).strip()


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


def _protect_edges(text: str) -> str:
    """Leading/trailing whitespace (which Markdown would drop) as character references."""
    body = text.strip()
    if not body:
        return "".join(_entity(c) for c in text)
    start = len(text) - len(text.lstrip())
    end = start + len(body)
    return "".join(map(_entity, text[:start])) + body + "".join(map(_entity, text[end:]))


def escape_paragraph(text: str) -> str:
    """One line of Markdown that renders to exactly ``text`` and parses back as body."""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", _ENTITY_LIKE.sub("&amp;", text))
    escaped = escaped.replace("<", "&lt;").replace("\t", "&#9;").replace("\n", "&#10;")
    escaped = _protect_edges(escaped)
    if escaped[:1] in _LINE_START_SPECIAL:
        escaped = "\\" + escaped
    escaped = _ORDERED_MARKER.sub(r"\1\\.", escaped)
    if _META.match(escaped):
        escaped = "\\" + escaped
    return escaped


def _escape_junk(line: str) -> str:
    line = _one_line(line)
    return "\\" + line if line[:1] in ("#", "\\", "-") else line


FRONT_MATTER_HELP = (
    "# 报库校对文件（格式说明见 README）。每篇文章以“## 标题”开头，",
    "# 标题下方可写 栏目：引题：副题：作者：记者：通讯员：摄影：类型：",
    "# “### ”开头为小标题，“> ”开头为图片说明，其余为正文；",
    "# 第一篇文章之前的行不属于任何文章。",
)


def _yaml_line(key: str, value: str | None) -> str:
    if not value:
        return f"{key}:"
    return yaml.safe_dump({key: value}, allow_unicode=True, width=1000).rstrip("\n")


def front_matter(issue: Issue) -> list[str]:
    """Every metadata key, empty when unknown, so the librarian sees what can be filled in;
    a date the read stage only inferred is flagged for checking."""
    meta = issue.source.meta
    date = _yaml_line("date", meta.date.value)
    if meta.date.value and meta.date.source == "inferred":
        date += "  # 由正文推断，请核对"
    return ["---", *FRONT_MATTER_HELP, _yaml_line("newspaper", meta.newspaper), date,
            _yaml_line("edition", meta.edition), _yaml_line("title", meta.title), "---", ""]


def _header_lines(article: Article) -> list[str]:
    lines = [f"## {_one_line(article.headline)}"]
    for label, name in META_LABELS.items():
        value = getattr(article, name)
        if name in LIST_FIELDS:
            value = "、".join(value)
        elif name == "kind" and value == "news":
            value = None
        if value:
            lines.append(f"{label}：{_one_line(value)}")
    return lines


def _body_lines(article: Article) -> list[str]:
    lines: list[str] = []
    heads = list(article.section_heads)
    for paragraph in article.paragraphs:
        if heads and paragraph == heads[0]:
            heads.pop(0)
            lines += [f"### {_one_line(paragraph)}", ""]
        else:
            lines += [escape_paragraph(paragraph), ""]
    return lines


def article_markdown(article: Article) -> list[str]:
    lines = [*_header_lines(article), ""]
    for caption in article.captions:
        lines += [f"> {line}" for line in caption.split("\n")] + [""]
    return lines + _body_lines(article)


def export_markdown(issue: Issue) -> str:
    """The issue as a Markdown file a librarian can correct; parses back to the same articles."""
    lines = front_matter(issue)
    if issue.junk:
        lines += [_escape_junk(line) for line in issue.junk if line.strip()] + [""]
    for article in issue.articles:
        lines += article_markdown(article)
    return "\n".join(lines).rstrip("\n") + "\n"

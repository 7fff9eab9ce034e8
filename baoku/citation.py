"""How to cite an article: GB/T 7714-2015 text, a BibTeX entry and schema.org JSON-LD."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import orjson

from . import urls
from .config import Config
from .model import Article, Issue

MAX_AUTHORS = 3  # GB/T 7714-2015 8.1.2: list three, then "等"
UNKNOWN_NEWSPAPER = "[报纸名不详]"
UNKNOWN_DATE = "[出版日期不详]"
UNTITLED = "[无题名]"  # a photo or brief the segmenter found no headline for
DATASET_NOTE = "报库数字报纸档案"

_EDITION = re.compile(r"^\s*第?\s*([A-Za-z]?\s*\d+|[A-Za-z]\d*)\s*版?\s*$")
_CN_EDITION = re.compile(r"^\s*第\s*([一二三四五六七八九十]+)\s*版\s*$")
_CN_DIGITS = dict(zip("一二三四五六七八九", range(1, 10), strict=True))
_LEADING_DASHES = re.compile(r"^[\s—–\-－]+")
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX_SPECIAL)


def absolute_url(base_url: str, site_path: str) -> str | None:
    """The absolute URL of a site path, or None when the site's base URL is unknown.

    Folder paths keep their trailing slash (servers answer with ``index.html``);
    non-ASCII path segments (Chinese tag slugs) are percent-encoded.
    """
    if not base_url:
        return None
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + quote(site_path, safe="/-_.~")


def authors(article: Article) -> tuple[str, ...]:
    """Reporters then correspondents, each once, in the order printed."""
    return tuple(dict.fromkeys(n for n in article.reporters + article.correspondents if n))


def chinese_number(text: str) -> int | None:
    """``三`` → 3, ``十二`` → 12, ``二十`` → 20 (1–99, enough for page numbers)."""
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def edition_number(edition: str | None) -> str | None:
    """``第3版`` → ``3``, ``第十二版`` → ``12``, ``A3`` → ``A3``; any other non-empty label
    is kept as printed."""
    if not edition or not edition.strip():
        return None
    match = _EDITION.match(edition)
    if match:
        return re.sub(r"\s+", "", match.group(1))
    chinese = _CN_EDITION.match(edition)
    number = chinese_number(chinese.group(1)) if chinese else None
    return str(number) if number else edition.strip()


def full_title(article: Article) -> str:
    """Headline, then the subtitle as "other title information" (``题名: 副题名``)."""
    headline = article.headline.strip() or UNTITLED
    subtitle = _LEADING_DASHES.sub("", article.subtitle or "").strip()
    return f"{headline}: {subtitle}" if subtitle else headline


def _gbt_authors(names: tuple[str, ...]) -> str:
    if len(names) > MAX_AUTHORS:
        return ", ".join(names[:MAX_AUTHORS]) + ", 等"
    return ", ".join(names)


def _gbt_date(issue: Issue) -> str:
    """The date as far as known; an inferred date is bracketed, as the standard asks
    for dates the cataloguer worked out rather than read."""
    value = issue.date.value
    if not value:
        return UNKNOWN_DATE
    return f"[{value}]" if issue.date.source == "inferred" else value


def gbt7714(issue: Issue, article: Article) -> str:
    """GB/T 7714-2015 newspaper article: ``作者. 题名[N]. 报纸名, 出版日期(版次).``"""
    return _gbt_head(issue, article, "N") + "."


def gbt7714_online(issue: Issue, article: Article) -> str:
    """GB/T 7714-2015 online newspaper article up to the 版次:
    ``作者. 题名[N/OL]. 报纸名, 出版日期(版次)``; the page adds ``[引用日期]. 网址.``
    when the reader copies it (the date of access is the reader's)."""
    return _gbt_head(issue, article, "N/OL")


def _gbt_head(issue: Issue, article: Article, kind: str) -> str:
    parts = []
    names = authors(article)
    if names:
        parts.append(f"{_gbt_authors(names)}. ")
    parts.append(f"{full_title(article)}[{kind}]. ")
    parts.append(f"{issue.newspaper or UNKNOWN_NEWSPAPER}, {_gbt_date(issue)}")
    edition = edition_number(issue.source.meta.edition)
    if edition:
        parts.append(f"({edition})")
    return "".join(parts)


def bibtex_escape(text: str) -> str:
    """Escape the characters BibTeX/LaTeX treat specially, so braces always balance."""
    return text.translate(_BIBTEX_TABLE)


def bibtex_key(issue: Issue, article: Article) -> str:
    """A stable key from the article id: ASCII letters, digits, ``-`` ``_`` ``:`` only."""
    return "baoku:" + re.sub(r"[^A-Za-z0-9_\-]", "-", issue.article_id(article))


def _bibtex_fields(issue: Issue, article: Article, base_url: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    names = authors(article)
    if names:
        # Braces keep BibTeX from splitting a Chinese name into first/last parts.
        fields.append(("author", " and ".join("{" + bibtex_escape(n) + "}" for n in names)))
    fields.append(("title", "{" + bibtex_escape(full_title(article)) + "}"))
    fields.append(("journal", bibtex_escape(issue.newspaper or UNKNOWN_NEWSPAPER)))
    value = issue.date.value
    if value:
        fields.append(("date", value))
        fields.append(("year", value[:4]))
        if len(value) >= 7:
            fields.append(("month", str(int(value[5:7]))))
    edition = edition_number(issue.source.meta.edition)
    if edition:
        fields.append(("pages", bibtex_escape(edition)))
    note = [issue.source.meta.edition or "", issue.source.meta.title or "", DATASET_NOTE]
    fields.append(("note", bibtex_escape("，".join(n for n in note if n))))
    fields.append(("language", "chinese"))
    url = absolute_url(base_url, urls.article_page(issue.id, article.number))
    if url:
        fields.append(("url", url))
    return fields


def bibtex_page_fields(issue: Issue) -> tuple[str, str]:
    """(pages, note) of the article's BibTeX entry as site.js needs them besides what the
    page already shows (JSON-LD, headline, subtitle): unescaped, ``""`` for the default."""
    edition = edition_number(issue.source.meta.edition) or ""
    note = "，".join(n for n in (issue.source.meta.edition or "", issue.source.meta.title or "",
                                DATASET_NOTE) if n)
    return edition, "" if note == DATASET_NOTE else note


def bibtex(issue: Issue, article: Article, base_url: str = "") -> str:
    """An ``@article`` entry; every field value is brace-delimited and escaped."""
    body = ",\n".join(f"  {name} = {{{value}}}"
                      for name, value in _bibtex_fields(issue, article, base_url))
    return f"@article{{{bibtex_key(issue, article)},\n{body}\n}}\n"


def json_ld(issue: Issue, article: Article, config: Config) -> dict[str, Any]:
    """schema.org ``NewsArticle`` for the article page's ``<script type="application/ld+json">``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline.strip() or UNTITLED,
        "inLanguage": "zh-CN",
    }
    alternative = [t for t in (article.kicker, article.subtitle) if t]
    if alternative:
        data["alternativeHeadline"] = " ".join(alternative)
    names = authors(article)
    if names:
        data["author"] = [{"@type": "Person", "name": n} for n in names]
    if issue.date.value:
        data["datePublished"] = issue.date.value  # as precise as known: never an invented day
    data["publisher"] = {"@type": "Organization", "name": issue.newspaper or config.site_title}
    data["isPartOf"] = _issue_ld(issue, config)
    keywords = list(dict.fromkeys(article.topics + article.keywords))
    if keywords:
        data["keywords"] = keywords
    if article.districts:
        data["contentLocation"] = [{"@type": "Place", "name": d} for d in article.districts]
    section = article.column or issue.source.meta.title
    if section:
        data["articleSection"] = section
    url = absolute_url(config.base_url, urls.article_page(issue.id, article.number))
    # The page, with its breadcrumb trail, only when the site's address is known: a trail
    # without URLs says nothing the visible breadcrumb does not (and every page carries it).
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": url,
                                    "breadcrumb": _breadcrumbs(issue, article, config)}
    return data


def _issue_ld(issue: Issue, config: Config) -> dict[str, Any]:
    """The issue as a schema.org ``PublicationIssue`` of its paper, when the paper is known."""
    from .present import issue_label  # present imports this module

    data: dict[str, Any] = {"@type": "PublicationIssue", "name": issue_label(issue)}
    if issue.date.value:
        data["datePublished"] = issue.date.value
    url = absolute_url(config.base_url, urls.issue_page(issue.id))
    if url:
        data["url"] = url
    if issue.newspaper:
        data["isPartOf"] = {"@type": "Periodical", "name": issue.newspaper}
    return data


def _breadcrumbs(issue: Issue, article: Article, config: Config) -> dict[str, Any]:
    """Home > issue > article, as the page's breadcrumb shows them, with their URLs but the
    last: the article is the page itself (its ``@id``), which search engines take for it."""
    from .present import issue_label

    trail = [("首页", urls.home()), (issue_label(issue), urls.issue_page(issue.id)),
             (article.headline.strip() or UNTITLED, urls.article_page(issue.id, article.number))]
    items = []
    for position, (name, path) in enumerate(trail, start=1):
        item: dict[str, Any] = {"@type": "ListItem", "position": position, "name": name}
        url = absolute_url(config.base_url, path)
        if url and position < len(trail):
            item["item"] = url
        items.append(item)
    return {"@type": "BreadcrumbList", "itemListElement": items}


def json_ld_script(data: dict[str, Any]) -> str:
    """JSON text safe to place inside ``<script>`` (no ``</script>`` can appear).

    Mark it safe in the template (``|safe``): ``<``, ``>`` and ``&`` are escaped as
    JSON unicode escapes, which JSON-LD parsers read back unchanged.
    """
    text = orjson.dumps(data).decode("utf-8")  # compact: every article page carries it
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def citation_context(issue: Issue, article: Article, config: Config) -> dict[str, str]:
    """Everything an article page shows under "引用本文", in one dict for the template."""
    pages, note = bibtex_page_fields(issue)
    return {
        "gbt7714": gbt7714(issue, article),
        "gbt7714_online": gbt7714_online(issue, article),
        # The built-in page leaves the entry to site.js, which makes it by ``bibtex``'s rules
        # from the page and these two fields; ``bibtex`` stays for a theme that prints it.
        "bibtex": bibtex(issue, article, config.base_url),
        "bibtex_pages": pages,
        "bibtex_note": note,
        "json_ld": json_ld_script(json_ld(issue, article, config)),
    }

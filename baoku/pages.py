"""The site's own pages (关于本馆, 使用说明 …) from ``content/pages/*.md``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from . import urls
from .markdown_issue import new_renderer, render_markdown
from .model import Failure, SitePage
from .read import (
    ReadError,
    clean_meta_text,
    load_yaml,
    read_text,
    relative_path,
    split_front_matter,
)
from .safety import unreadable_reason, within

PAGES_DIR = "pages"
DEFAULT_ORDER = 100


class PageError(ValueError):
    """A site page that cannot be used; the message is for the librarian (Chinese)."""


def _front_matter(text: str, name: str, warnings: list[str]) -> tuple[dict[str, object], str]:
    block, body, _ = split_front_matter(text)
    if block is None:
        return {}, body
    try:
        data, repeated = load_yaml(block) if block.strip() else ({}, ())
    except yaml.YAMLError as exc:
        raise PageError(f"{name}：头部信息（front matter）格式有误：{exc}") from exc
    if not isinstance(data, dict):
        raise PageError(f"{name}：头部信息（front matter）应为“键: 值”的形式")
    warnings += (f"{name}：头部信息中{w}" for w in repeated)
    return data, body


def _text(value: object, label: str = "", warnings: list[str] | None = None) -> str | None:
    return clean_meta_text(value, label, [] if warnings is None else warnings)


def _order(value: object, name: str) -> int:
    if value is None:
        return DEFAULT_ORDER
    if isinstance(value, bool) or not isinstance(value, int):
        raise PageError(f"{name}：order 应为整数（例如 order: 10），现在是“{value}”")
    return value


def page_slug(declared: object, stem: str) -> str:
    """The page's URL segment: the front matter ``slug`` or the file name, made URL-safe and
    kept clear of the site's own sections."""
    slug = urls.tag_slug(_text(declared) or stem)
    return f"{slug}-page" if slug.lower() in urls.RESERVED_SEGMENTS else slug


def load_site_page(path: Path, warnings: list[str] | None = None) -> SitePage:
    """One page through the reader every source goes through (size cap, encodings,
    control characters); ReadError or PageError when it cannot be used."""
    warnings = [] if warnings is None else warnings
    text, _ = read_text(path, path.name)
    meta, body = _front_matter(text, path.name, warnings)
    title = _text(meta.get("title"), f"{path.name}：title ", warnings)
    if title is None:
        raise PageError(f"{path.name}：缺少标题，请在头部信息中写明 title（例如 title: 关于本馆）")
    return SitePage(
        slug=page_slug(meta.get("slug"), path.stem),
        title=title,
        html=render_markdown(new_renderer(), body),
        order=_order(meta.get("order"), path.name),
        description=_text(meta.get("description"), f"{path.name}：description ", warnings),
    )


def _ignore(message: str) -> None:
    pass


def load_site_pages(content_dir: Path, log: Callable[[str], None] = _ignore
                    ) -> tuple[SitePage, ...]:
    """Every ``content/pages/*.md`` in navigation order (``order``, then slug).

    A page that cannot be used (no title, bad ``order``, a slug already taken, a file
    that cannot be read) is skipped and reported through ``log``; the rest of the site is
    still built.
    """
    pages, failures = site_pages(content_dir, content_dir.parent, log)
    for failure in failures:
        log(f"跳过页面 {failure.message}")
    return pages


def site_pages(content_dir: Path, project_root: Path, log: Callable[[str], None] = _ignore
               ) -> tuple[tuple[SitePage, ...], tuple[Failure, ...]]:
    """``load_site_pages``, each skipped page a failure naming it (for the build report);
    notes on pages that were used go to ``log``."""
    folder = content_dir / PAGES_DIR
    if not folder.is_dir():
        return (), ()
    rel = relative_path(folder, project_root)
    if not within(folder, content_dir):
        return (), (Failure(rel, "pages", f"{rel}：是指向 content 目录之外的链接；为安全起见，"
                            "不读取也不发布目录之外的文件，已跳过全部页面"),)
    pages: dict[str, SitePage] = {}
    failures: list[Failure] = []
    for path in sorted(folder.glob("*.md")):
        problem, page = _page_or_problem(path, content_dir, log)
        if page is not None and page.slug in pages:
            problem = (f"地址（slug）“{page.slug}”已被页面“{pages[page.slug].title}”使用，"
                       "请在头部信息中写明不同的 slug")
        if problem is not None:
            failures.append(Failure(f"{rel}/{path.name}", "pages", f"{rel}/{path.name}：{problem}"))
        elif page is not None:
            pages[page.slug] = page
    return tuple(sorted(pages.values(), key=lambda p: (p.order, p.slug))), tuple(failures)


def _page_or_problem(path: Path, content_dir: Path, log: Callable[[str], None]
                     ) -> tuple[str | None, SitePage | None]:
    """(None, page), (problem, None), or (None, None) for a hidden file."""
    if path.name.startswith("."):
        return None, None
    reason = unreadable_reason(path, content_dir)
    if reason is not None:
        return reason, None
    notes: list[str] = []
    try:
        page = load_site_page(path, notes)
    except (PageError, ReadError) as exc:
        return str(exc).removeprefix(f"{path.name}："), None
    except Exception as exc:  # the page's failure, never the build's
        return f"处理时出错：{type(exc).__name__}: {exc}", None
    for note in notes:
        log(f"页面 {note}")
    return None, page

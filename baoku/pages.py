"""The site's own pages (关于本馆, 使用说明 …) from ``content/pages/*.md``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from . import urls
from .markdown_issue import new_renderer, render_markdown
from .model import SitePage
from .read import decode_bytes, split_front_matter

PAGES_DIR = "pages"
DEFAULT_ORDER = 100


class PageError(ValueError):
    """A site page that cannot be used; the message is for the librarian (Chinese)."""


def _front_matter(text: str, name: str) -> tuple[dict[str, object], str]:
    block, body, _ = split_front_matter(text)
    if block is None:
        return {}, body
    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        raise PageError(f"{name}：头部信息（front matter）格式有误：{exc}") from exc
    if not isinstance(data, dict):
        raise PageError(f"{name}：头部信息（front matter）应为“键: 值”的形式")
    return data, body


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = " ".join(str(value).split())
    return text or None


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


def load_site_page(path: Path) -> SitePage:
    text = decode_bytes(path.read_bytes(), path.name).text.replace("\r\n", "\n")
    meta, body = _front_matter(text, path.name)
    title = _text(meta.get("title"))
    if title is None:
        raise PageError(f"{path.name}：缺少标题，请在头部信息中写明 title（例如 title: 关于本馆）")
    return SitePage(
        slug=page_slug(meta.get("slug"), path.stem),
        title=title,
        html=render_markdown(new_renderer(), body),
        order=_order(meta.get("order"), path.name),
        description=_text(meta.get("description")),
    )


def _ignore(message: str) -> None:
    pass


def load_site_pages(content_dir: Path, log: Callable[[str], None] = _ignore
                    ) -> tuple[SitePage, ...]:
    """Every ``content/pages/*.md`` in navigation order (``order``, then slug).

    A page that cannot be used (no title, bad ``order``, a slug already taken) is skipped
    and reported through ``log``; the rest of the site is still built.
    """
    folder = content_dir / PAGES_DIR
    if not folder.is_dir():
        return ()
    pages: dict[str, SitePage] = {}
    for path in sorted(folder.glob("*.md")):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            page = load_site_page(path)
        except (PageError, OSError) as exc:
            log(f"跳过页面 {PAGES_DIR}/{path.name}：{exc}")
            continue
        if page.slug in pages:
            log(f"跳过页面 {PAGES_DIR}/{path.name}：地址（slug）“{page.slug}”已被页面"
                f"“{pages[page.slug].title}”使用，请在头部信息中写明不同的 slug")
            continue
        pages[page.slug] = page
    return tuple(sorted(pages.values(), key=lambda p: (p.order, p.slug)))

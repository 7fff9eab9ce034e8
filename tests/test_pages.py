"""Site pages from ``content/pages/*.md``: front matter, order, slugs, escaping, the build."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from baoku.pages import load_site_pages, page_slug


def write_pages(content: Path, files: dict[str, str]) -> Path:
    folder = content / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return content


def test_front_matter_gives_title_order_slug_and_description(tmp_path: Path) -> None:
    content = write_pages(tmp_path, {
        "b.md": "---\ntitle: 使用说明\norder: 20\n---\n\n正文。\n",
        "a.md": "---\ntitle: 关于本馆\norder: 10\nslug: guanyu\ndescription: 简介\n---\n\n正文。\n",
        "c.md": "---\ntitle: 附录\n---\n\n正文。\n",
    })
    pages = load_site_pages(content)
    assert [(p.slug, p.title, p.order) for p in pages] == [
        ("guanyu", "关于本馆", 10), ("b", "使用说明", 20), ("c", "附录", 100)]
    assert pages[0].description == "简介"
    assert pages[1].description is None


def test_markdown_is_rendered_and_raw_html_escaped(tmp_path: Path) -> None:
    content = write_pages(tmp_path, {"p.md": "---\ntitle: 页\n---\n\n**粗体** <script>alert(1)"
                                             "</script>\n\n[回首页](../)\n"})
    html = load_site_pages(content)[0].html
    assert "<strong>粗体</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="../index.html"' in html


def test_wrapped_chinese_lines_are_joined_without_a_space(tmp_path: Path) -> None:
    content = write_pages(tmp_path, {"p.md": "---\ntitle: 页\n---\n\n## 小节\n第一行\n第二行\n"})
    html = load_site_pages(content)[0].html
    assert "<h2>小节</h2>" in html
    assert "<p>第一行第二行</p>" in html


def test_unusable_pages_are_skipped_with_a_message(tmp_path: Path) -> None:
    content = write_pages(tmp_path, {
        "a.md": "---\ntitle: 甲\n---\n\n甲。\n",
        "b.md": "没有头部信息，也就没有标题。\n",
        "c.md": "---\ntitle: 丙\norder: 第一\n---\n\n丙。\n",
        "d.md": "---\ntitle: 丁\nslug: a\n---\n\n丁。\n",
    })
    messages: list[str] = []
    pages = load_site_pages(content, messages.append)
    assert [p.title for p in pages] == ["甲"]
    assert len(messages) == 3
    assert any("b.md" in m and "title" in m for m in messages)
    assert any("c.md" in m and "order" in m for m in messages)
    assert any("d.md" in m and "slug" in m for m in messages)


@pytest.mark.parametrize("declared, stem, expected", [
    (None, "about", "about"),
    ("关于", "x", "关于"),
    (None, "search", "search-page"),
    ("issues", "x", "issues-page"),
    (None, "my page", "my-page-"),
])
def test_slugs_are_url_safe_and_never_shadow_site_sections(declared: str | None, stem: str,
                                                           expected: str) -> None:
    assert page_slug(declared, stem).startswith(expected)


def test_no_pages_folder_means_no_pages(tmp_path: Path) -> None:
    assert load_site_pages(tmp_path) == ()


def test_the_sample_pages_load_in_navigation_order() -> None:
    pages = load_site_pages(ROOT / "content")
    assert [p.title for p in pages][:3] == ["关于本馆", "使用说明", "版权声明"]
    assert all(p.description for p in pages)
    assert 'href="../help/index.html"' in pages[0].html


@pytest.mark.slow
def test_pages_are_built_into_the_site_and_not_read_as_issues(build_from) -> None:  # type: ignore[no-untyped-def]
    out, result = build_from({
        "content/2023-08-19-a.txt": "## 标题\n\n正文。\n",
        "content/pages/about.md": "---\ntitle: 关于本馆\norder: 1\n---\n\n"
                                  "本馆简介<script>x</script>。\n",
    })
    assert [i.id for i in result.archive.issues] == ["2023-08-19-a"]
    assert [p.slug for p in result.archive.pages] == ["about"]
    page = (out / "about" / "index.html").read_text("utf-8")
    assert "关于本馆" in page and "本馆简介&lt;script&gt;x&lt;/script&gt;。" in page
    assert "<script>x</script>" not in page
    home = (out / "index.html").read_text("utf-8")
    assert 'href="about/index.html"' in home

"""What a built site weighs where it is hosted: bytes and files, per article, and whether
it fits GitHub Pages. Messages are for the librarian (Chinese)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# GitHub Pages publishes sites of at most 1 GB; counted in decimal bytes to stay on the safe
# side of however the limit is measured.
GITHUB_PAGES_BYTES = 1_000_000_000
# Cloudflare Pages refuses a site of more files than this.
CLOUDFLARE_PAGES_FILES = 20_000
MB = 1_000_000


@dataclass(frozen=True)
class Footprint:
    """A site folder's size: total bytes and file count, and the articles it publishes."""

    bytes: int
    files: int
    articles: int

    @property
    def bytes_per_article(self) -> float:
        return self.bytes / max(1, self.articles)

    @property
    def files_per_article(self) -> float:
        return self.files / max(1, self.articles)

    def articles_fitting(self, limit: int = GITHUB_PAGES_BYTES) -> int:
        """About how many articles a site built the same way holds within ``limit`` bytes."""
        return int(limit // self.bytes_per_article) if self.articles else 0


def measure(site_dir: Path, articles: int) -> Footprint:
    """Bytes and files under ``site_dir`` (``os.scandir``: a 100,000-article site holds
    hundreds of thousands of files, and ``Path.rglob`` costs several times more)."""
    total = count = 0
    pending = [str(site_dir)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                total += entry.stat(follow_symlinks=False).st_size
                count += 1
    return Footprint(total, count, articles)


def summary_lines(footprint: Footprint) -> list[str]:
    """The build summary's lines on the site's size, with a warning when it will not fit
    GitHub Pages (or Cloudflare Pages, by file count)."""
    lines = [f"网站大小：{footprint.bytes / MB:,.1f} MB，{footprint.files:,} 个文件"
             f"（每篇文章约 {footprint.bytes_per_article / 1000:,.1f} KB、"
             f"{footprint.files_per_article:.2f} 个文件）。"]
    if footprint.bytes > GITHUB_PAGES_BYTES:
        lines.append(
            f"警告：网站超过 GitHub Pages 的 1 GB 上限，无法完整发布到 GitHub Pages；"
            f"照现在每篇的大小，约 {footprint.articles_fitting():,} 篇文章以内才放得下。"
            "可以用 --zip --split-years 按年份打包离线分发，"
            "或发布到对象存储（见 docs/scaling.md）。")
    if footprint.files > CLOUDFLARE_PAGES_FILES:
        lines.append(f"提示：文件数超过 {CLOUDFLARE_PAGES_FILES:,} 个，Cloudflare Pages 不接受"
                     "这么多文件的网站；GitHub Pages 没有这个限制。")
    return lines

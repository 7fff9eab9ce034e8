"""The published size the build summary reports, and the GitHub Pages check."""

from __future__ import annotations

from pathlib import Path

from baoku.footprint import GITHUB_PAGES_BYTES, Footprint, measure, summary_lines


def test_measure_counts_every_file_below_the_site(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "index.html").write_bytes(b"x" * 10)
    (tmp_path / "a" / "b" / "c.json").write_bytes(b"y" * 5)
    (tmp_path / "a" / "link").symlink_to(tmp_path / "index.html")  # not a file of ours
    assert measure(tmp_path, 3) == Footprint(15, 2, 3)
    assert measure(tmp_path / "missing", 1) == Footprint(0, 0, 1)


def test_a_site_that_fits_gets_no_warning() -> None:
    lines = summary_lines(Footprint(150_000_000, 14_000, 5_000))
    assert lines == ["网站大小：150.0 MB，14,000 个文件（每篇文章约 30.0 KB、2.80 个文件）。"]


def test_a_site_over_a_gigabyte_is_told_how_many_articles_would_fit() -> None:
    footprint = Footprint(2_700_000_000, 270_000, 100_000)  # 27 KB an article
    lines = summary_lines(footprint)
    assert footprint.articles_fitting() == GITHUB_PAGES_BYTES // 27_000 == 37_037
    warning = [line for line in lines if line.startswith("警告：")]
    assert warning and "GitHub Pages 的 1 GB 上限" in warning[0] and "约 37,037 篇" in warning[0]
    assert any("Cloudflare Pages" in line for line in lines)

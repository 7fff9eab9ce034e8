"""Offline zips: the whole site with its offline search packs, or one site per year plus a
small index zip that links them (``--zip --split-years``).

A year's zip is a complete baoku site of that year alone, rendered from the archive cut
down to its issues (related lists keep only articles of the same year, so no link leaves
the zip), with the Pagefind bundles of that year's shards and their offline packs: it
opens on its own from disk and searches its own year. Each year's zip unpacks into one
folder named after it (``baoku-2023/``); the index zip's page (``baoku-index/``) links
``../baoku-2023/index.html``, so the zips unpacked side by side browse as one archive.
"""

from __future__ import annotations

import html
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Config
from .export import export_data, issue_year
from .model import Archive, Issue
from .present import UNKNOWN_DATE
from .publish import write_zip
from .render import render_site
from .safety import ZIP_COMMENT
from .search.offline import BUNDLE_LIST, offline_files
from .search.pagefind import BUNDLE_DIR, bundle_path
from .search.records import UNDATED_SHARD

INDEX_STEM = "index"


@dataclass(frozen=True)
class YearZip:
    """One written year zip: its year (or ``undated``), file, issue and article counts."""

    year: str
    path: Path
    issues: int
    articles: int


def write_site_zip(site_dir: Path, zip_path: Path) -> int:
    """The built site and its offline search packs in one zip; returns the file count."""
    return write_zip(site_dir, zip_path, extra=offline_files(site_dir))


def years_of(archive: Archive) -> dict[str, tuple[Issue, ...]]:
    """Issues by year, newest year first, undated last (the order of the search shards)."""
    groups: dict[str, list[Issue]] = {}
    for issue in archive.issues:
        groups.setdefault(issue_year(issue), []).append(issue)
    order = sorted(groups, key=lambda y: (y == UNDATED_SHARD, -int(y) if y.isdigit() else 0))
    return {year: tuple(groups[year]) for year in order}


def year_archive(archive: Archive, issues: tuple[Issue, ...]) -> Archive:
    """``archive`` cut down to ``issues``, each related list kept inside them."""
    ids = {issue.article_id(a) for issue in issues for a in issue.articles}
    kept = tuple(
        replace(issue, articles=tuple(
            replace(a, related=tuple(r for r in a.related if r in ids)) for a in issue.articles))
        for issue in issues)
    return replace(archive, issues=kept)


def year_label(year: str) -> str:
    return f"{year}年" if year.isdigit() else UNKNOWN_DATE


def index_zip_path(zip_path: Path) -> Path:
    """The index zip of split zips: ``baoku.zip`` → ``baoku-index.zip``."""
    return year_zip_path(zip_path, INDEX_STEM)


def year_zip_path(zip_path: Path, year: str) -> Path:
    return zip_path.with_name(f"{zip_path.stem}-{year}{zip_path.suffix}")


def write_year_zips(archive: Archive, config: Config, site_dir: Path, zip_path: Path,
                    check: Callable[[Path], None] = lambda path: None
                    ) -> tuple[list[YearZip], Path]:
    """One zip per year beside ``zip_path`` (``baoku.zip`` → ``baoku-2023.zip`` …) and the
    index zip (``baoku-index.zip``); returns the year zips and the index zip's path.
    ``check(path)`` runs before each zip is written and raises to refuse it (a file there
    that baoku did not write)."""
    years = years_of(archive)
    for year in years:
        check(year_zip_path(zip_path, year))
    written = []
    for year, issues in years.items():
        path = year_zip_path(zip_path, year)
        site = year_archive(archive, issues)
        year_config = replace(config, site_title=f"{config.site_title} · {year_label(year)}")
        _write_entries(path, year_site_files(site, year_config, site_dir, year))
        written.append(YearZip(year, path, len(issues), sum(len(i.articles) for i in issues)))
    index = index_zip_path(zip_path)
    check(index)
    _write_entries(index, [("index.html", index_page(config, written).encode("utf-8"))])
    return written, index


def year_site_files(archive: Archive, config: Config, site_dir: Path, year: str
                    ) -> Iterator[tuple[str, bytes]]:
    """Every file of one year's site: its pages and data, rendered from ``archive`` (the
    year's issues), and when the full site has a search index, the year's bundles copied
    from ``site_dir`` with a bundle list naming them, and their offline packs."""
    for page in render_site(archive, config):
        yield page.path, page.content
    for page in export_data(archive, config.issue_data_files):
        yield page.path, page.content
    bundles = year_bundles(site_dir, year)
    if not bundles:
        return
    for bundle in bundles:
        folder = site_dir / bundle_path(bundle)
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            yield f"{bundle_path(bundle)}/{path.relative_to(folder).as_posix()}", path.read_bytes()
    listing = json.dumps({"bundles": bundles}, ensure_ascii=False, indent=1) + "\n"
    yield BUNDLE_LIST, listing.encode("utf-8")
    yield from offline_files(site_dir, bundles)


def year_bundles(site_dir: Path, year: str) -> list[str]:
    """The shard bundles of ``year`` the full site's bundle list names (a pending one,
    which a watch session alone makes, is left out)."""
    try:
        listing = json.loads((site_dir / BUNDLE_LIST).read_text(encoding="utf-8"))
        names = [str(n) for n in listing["bundles"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [n for n in names if (n == year or n.startswith(f"{year}-"))
            and (site_dir / BUNDLE_DIR / n).is_dir()]


def _write_entries(zip_path: Path, entries: Iterable[tuple[str, bytes]]) -> int:
    """A zip of ``entries`` under one folder named after the zip; written to a ``.part``
    file and renamed, so a failed run leaves no half zip under the real name."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_name(zip_path.name + ".part")
    count = 0
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=6) as zf:
            zf.comment = ZIP_COMMENT  # a later --zip may replace it (baoku.safety)
            for rel, content in entries:
                zf.writestr(f"{zip_path.stem}/{rel}", content)
                count += 1
        os.replace(tmp, zip_path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def index_page(config: Config, years: list[YearZip]) -> str:
    """The index zip's start page: every year's zip, with links into the folders the
    year zips unpack into beside it."""
    rows = "\n".join(
        f'<tr><td><a href="../{_e(z.path.stem)}/index.html">{_e(year_label(z.year))}</a></td>'
        f"<td>{z.issues:,}</td><td>{z.articles:,}</td><td><code>{_e(z.path.name)}</code></td></tr>"
        for z in years)
    title = _e(config.site_title)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · 按年份离线浏览</title>
</head>
<body>
<main>
<h1>{title}</h1>
<p>本档案按年份分成多个压缩包，每个压缩包单独解压后打开其中的 index.html 即可离线浏览和检索该年份。
把全部压缩包解压到同一个文件夹，下面的链接就能直接打开各年份。</p>
<table>
<thead><tr><th>年份</th><th>期数</th><th>文章数</th><th>压缩包</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</main>
</body>
</html>
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)

"""The direct Pagefind service client writes the same bundle as the pagefind package's client."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from baoku.search.service import PagefindProcess, PagefindServiceError

RECORDS = [
    {"url": f"issues/a/{n}/index.html", "content": f"示范区第{n}届读书节开幕，居民踊跃参加。",
     "language": "zh-cn", "meta": {"title": f"读书节{n}"}, "filters": {"地区": ["示范区"]},
     "sort": {"date": f"2020-01-0{n}"}}
    for n in range(1, 4)
]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


async def _with_package(out: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    async with PagefindIndex(config=IndexConfig(force_language="zh-cn",
                                                output_path=str(out))) as index:
        for record in RECORDS:
            await index.add_custom_record(**record)


def test_same_bundle_as_the_package_client(tmp_path: Path) -> None:
    with PagefindProcess({"force_language": "zh-cn"}) as pagefind:
        for record in RECORDS:
            pagefind.add_record(**record)
        pagefind.write_files(tmp_path / "ours")
    asyncio.run(_with_package(tmp_path / "theirs"))
    ours, theirs = _files(tmp_path / "ours"), _files(tmp_path / "theirs")
    assert "pagefind-entry.json" in ours
    assert ours == theirs


def test_refused_request_raises(tmp_path: Path) -> None:
    with PagefindProcess({"force_language": "zh-cn"}) as pagefind, \
            pytest.raises(PagefindServiceError):
        pagefind.add_record(url="x/index.html")  # no content, no language

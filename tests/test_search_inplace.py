"""Watch-mode search updates in place: the same bytes as a full build, less work."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from baoku.config import load_config
from baoku.model import Archive, Issue, Place
from baoku.search import build_search, update_search_in_place
from baoku.search.offline import OFFLINE_DIR
from baoku.search.pagefind import LANGUAGE
from tests.test_offline_packs import parse_pack
from tests.test_search_records import archive_of, make_issue, story


def comparable_bundle_list(data: bytes) -> dict[str, object]:
    """``pagefind/bundles.json`` as two runs of Pagefind on the same records write it: the
    metadata file it names for each bundle carries a digest that differs from one run to
    the next (as the meta files do), so only the bundles it names one for are kept."""
    listing = json.loads(data)
    if "meta" in listing:
        listing["meta"] = sorted(listing["meta"])
    return listing


def comparable(root: Path) -> dict[str, object]:
    """A site's search files as a full build must reproduce them.

    Pagefind 1.5 writes its filter and meta files differently from one run to the next
    (two full builds differ too), so inside a bundle the content fragments are compared
    byte for byte and the other files by folder and count. The offline packs hold the
    same files: they are unpacked and compared the same way. The bundle list as
    ``comparable_bundle_list``; every other file (shard manifest, offline ``index.js``)
    byte for byte, and the folders too.
    """
    view: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        in_bundle = rel.startswith("pagefind/") and rel.count("/") > 1
        in_packs = rel.startswith(f"{OFFLINE_DIR}/") and rel.count("/") > 1
        if path.is_dir():
            view[rel + "/"] = len(list(path.iterdir()))
        elif in_packs:
            folder = rel.rsplit("/", 1)[0]
            for name, data in unpack(path).items():
                _compare_bundle_file(view, f"{folder}/{name}", data)
        elif in_bundle:
            _compare_bundle_file(view, rel, path.read_bytes())
        elif rel == "pagefind/bundles.json":
            view[rel] = comparable_bundle_list(path.read_bytes())
        else:
            view[rel] = path.read_bytes()
    return view


def unpack(path: Path) -> dict[str, bytes]:
    """The files an offline pack script holds."""
    _, _, files = parse_pack(path.read_text(encoding="ascii"))
    return {name: base64.b64decode(data) for name, data in files.items()}


def _compare_bundle_file(view: dict[str, object], rel: str, data: bytes) -> None:
    if "/fragment/" in rel or rel.endswith(".js"):
        view[rel] = data
    elif rel.endswith("pagefind-entry.json"):
        view[rel] = json.loads(data)["languages"][LANGUAGE]["page_count"]
    else:  # a run-dependent meta or filter file: its folder's count is compared
        view[f"{rel.rsplit('/', 1)[0]}/*{Path(rel).suffix}"] = True


def differences(left: Path, right: Path) -> list[str]:
    a, b = comparable(left), comparable(right)
    return sorted(k for k in a.keys() | b.keys() if a.get(k, "?") != b.get(k, "?"))


def issue(issue_id: str, date: str | None, *headlines: str, topics: tuple[str, ...] = ()
          ) -> Issue:
    return make_issue(issue_id, date, [
        story(n, h, f"{h}。湛阳镇叶营村的花椒今年丰收，村民收入增加{n}成。", topics=topics,
              places=(Place("卫东区", "district"),))
        for n, h in enumerate(headlines, start=1)])


BASE = (issue("c", "2024-03-02", "春耕备耕忙", "蓝湾社区义诊"),
        issue("b", "2024-01-02", "湛阳镇花椒丰收"),
        issue("a", "2023-05-06", "蓝湾社区活动", "光华路改造"),
        issue("u", None, "老照片里的城市"))


def with_issues(*issues: Issue) -> Archive:
    return archive_of(*sorted(issues, key=lambda i: (i.date.value or "", i.id), reverse=True))


@pytest.fixture
def config(tmp_path: Path) -> object:
    return load_config(tmp_path, {"search": True})


def full_build(archive: Archive, config: object, folder: Path) -> Path:
    assert build_search(archive, config, folder) == []  # type: ignore[arg-type]
    return folder


# change -> (the archive after it, shards to rebuild)
CHANGES = {
    "add an issue to the newest year": (lambda: with_issues(
        *BASE, issue("d", "2024-03-09", "新修公路通车", "小学开学")), 1),
    "add an issue in a new year": (
        lambda: with_issues(*BASE, issue("e", "2025-01-01", "新年")), 1),
    "edit an article": (lambda: with_issues(
        issue("c", "2024-03-02", "春耕备耕忙碌", "蓝湾社区义诊"), *BASE[1:]), 1),
    "remove the undated issue": (lambda: with_issues(*BASE[:3]), 0),
    "retag every article (taxonomy)": (lambda: with_issues(
        *(issue(i.id, i.date.value, *(a.headline for a in i.articles), topics=("民生",))
          for i in BASE)), 3),
}


@pytest.mark.slow
@pytest.mark.parametrize("change", list(CHANGES))
def test_update_in_place_equals_a_full_build(change: str, config: object,
                                             tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build_search(with_issues(*BASE), config, site) == []  # type: ignore[arg-type]
    make, expected_rebuilt = CHANGES[change]
    changed = make()

    warnings, rebuilt = update_search_in_place(changed, config, site)  # type: ignore[arg-type]

    assert warnings == []
    assert differences(site, full_build(changed, config, tmp_path / "full")) == []
    assert not list(site.glob("**/.*"))  # no temporary files or folders left behind
    assert rebuilt == expected_rebuilt


def test_only_the_touched_shard_is_rebuilt(config: object, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_search(with_issues(*BASE), config, site)  # type: ignore[arg-type]
    untouched = [site / "pagefind" / "2023" / "pagefind-entry.json"]
    stamps = [path.stat().st_mtime_ns for path in untouched]
    entry_before = (site / "pagefind" / "2024" / "pagefind-entry.json").read_bytes()

    warnings, rebuilt = update_search_in_place(  # type: ignore[arg-type]
        with_issues(*BASE, issue("d", "2024-03-09", "新修公路通车")), config, site)

    assert (warnings, rebuilt) == ([], 1)
    assert [path.stat().st_mtime_ns for path in untouched] == stamps
    manifest = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert manifest["pages"]["2024"] == 4
    entry_after = (site / "pagefind" / "2024" / "pagefind-entry.json").read_bytes()
    assert entry_after != entry_before, "the touched shard was rebuilt"
    assert not (site / OFFLINE_DIR).exists(), "offline packs are made for a zip only"


def test_unchanged_archive_rewrites_nothing(config: object, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_search(with_issues(*BASE), config, site)  # type: ignore[arg-type]
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}

    assert update_search_in_place(with_issues(*BASE), config, site) == ([], 0)  # type: ignore[arg-type]

    assert {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()} == stamps


def test_an_empty_archive_removes_the_indexes(config: object, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_search(with_issues(*BASE), config, site)  # type: ignore[arg-type]

    warnings, rebuilt = update_search_in_place(Archive(issues=()), config, site)  # type: ignore[arg-type]

    assert rebuilt == 0 and warnings == ["没有文章可供检索，未生成检索索引"]
    assert not (site / "pagefind").exists() and not (site / "search-offline").exists()

"""The offline packs: every Pagefind file, base64, in script packs search.js can find."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from baoku.search import offline
from baoku.search.offline import (
    CORE_PACK,
    INDEX_FILE,
    OFFLINE_DIR,
    REGISTER,
    REGISTER_INDEX,
    fnv1a,
    index_script,
    offline_files,
    pack_count,
    pack_of,
    pack_scripts,
)


def parse_call(text: str, function: str) -> list[object]:
    assert text.startswith(function + "(") and text.endswith(");\n")
    return json.loads("[" + text[len(function) + 1:-3] + "]")


def parse_pack(text: str) -> tuple[str, str, dict[str, str]]:
    """(bundle, pack name, base64 files) of a pack script."""
    bundle, name, files = parse_call(text, REGISTER)
    return str(bundle), str(name), files  # type: ignore[return-value]


def unpacked(scripts: dict[str, str]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for script_name, text in scripts.items():
        _, name, content = parse_pack(text)
        assert script_name == f"{name}.js"
        for rel, data in content.items():
            assert rel not in files, "a file in two packs"
            files[rel] = base64.b64decode(data)
    return files


def test_fnv1a_matches_the_published_test_vectors() -> None:
    # search.js computes the same function: these are FNV-1a's reference values.
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


PATHS = st.lists(st.one_of(
    st.from_regex(r"[a-z0-9_.\-]{1,20}", fullmatch=True),
    st.from_regex(r"(index|fragment|filter)/[a-z0-9_.\-]{1,20}", fullmatch=True),
), unique=True, max_size=40)


@given(PATHS, st.data())
@settings(max_examples=200)
def test_every_file_comes_back_from_the_pack_its_path_names(paths: list[str],
                                                            data: st.DataObject) -> None:
    files = {p: data.draw(st.binary(max_size=3000)) for p in paths}
    scripts = pack_scripts("2024", files)

    assert unpacked(scripts) == files
    count = pack_count(files)
    assert set(scripts) == {f"{CORE_PACK}.js", *(f"p{n}.js" for n in range(count))}
    for text in scripts.values():
        bundle, name, content = parse_pack(text)
        assert bundle == "2024"
        assert all(pack_of(rel, count) == name for rel in content)


def test_top_level_files_open_a_bundle_from_the_core_pack() -> None:
    files = {"pagefind.js": b"js", "pagefind-entry.json": b"{}", "wasm.unknown.pagefind": b"w",
             "fragment/a.pf_fragment": b"f"}
    core = parse_pack(pack_scripts("2024", files)["core.js"])[2]
    assert set(core) == {"pagefind.js", "pagefind-entry.json", "wasm.unknown.pagefind"}


def test_pack_count_follows_the_size_of_the_other_files(monkeypatch: object) -> None:
    monkeypatch.setattr(offline, "PACK_BYTES", 100)  # type: ignore[attr-defined]
    assert pack_count({"pagefind.js": b"x" * 1000}) == 1
    assert pack_count({"fragment/a": b"x" * 100}) == 1
    assert pack_count({"fragment/a": b"x" * 101, "index/b": b"x" * 150}) == 3


def make_bundle(site: Path, name: str, entry: str, fragments: int = 3) -> None:
    folder = site / "pagefind" / name
    (folder / "fragment").mkdir(parents=True, exist_ok=True)
    (folder / "pagefind-entry.json").write_text(entry, encoding="utf-8")
    (folder / "pagefind.js").write_text("export {};", encoding="utf-8")
    (folder / "pagefind-worker.js").write_text("worker", encoding="utf-8")
    for n in range(fragments):
        (folder / "fragment" / f"zh_{n}.pf_fragment").write_bytes(bytes([n]) * 50)


def write_bundle_list(site: Path, bundles: list[str]) -> None:
    listing = site / "pagefind" / "bundles.json"
    pages = {name: 100 + n for n, name in enumerate(bundles)}
    listing.write_text(json.dumps({"bundles": bundles, "pages": pages}), encoding="utf-8")


def packs_of(files: dict[str, bytes], bundle: str) -> dict[str, bytes]:
    prefix = f"{OFFLINE_DIR}/{bundle}/"
    return unpacked({rel[len(prefix):]: data.decode("ascii")
                     for rel, data in files.items() if rel.startswith(prefix)})


def test_offline_files_pack_every_listed_bundle_with_the_index_last(
        tmp_path: Path, monkeypatch: object) -> None:
    monkeypatch.setattr(offline, "PACK_BYTES", 60)  # type: ignore[attr-defined]
    make_bundle(tmp_path, "2023", '{"v": 1}')
    make_bundle(tmp_path, "2024", '{"v": 1}')
    write_bundle_list(tmp_path, ["2024", "2023", "missing"])

    files = dict(offline_files(tmp_path))

    assert list(files)[-1] == INDEX_FILE
    (index,) = parse_call(files[INDEX_FILE].decode("ascii"), REGISTER_INDEX)
    assert index == {"bundles": ["2024", "2023"], "pages": {"2024": 100, "2023": 101},
                     "packs": {"2024": 3, "2023": 3}}
    packed = packs_of(files, "2024")
    assert "pagefind-worker.js" not in packed  # never runs from disk
    assert packed["fragment/zh_2.pf_fragment"] == bytes([2]) * 50
    assert not (tmp_path / OFFLINE_DIR).exists(), "packs go into a zip, never the site"


def test_offline_files_of_some_bundles_name_only_those(tmp_path: Path) -> None:
    make_bundle(tmp_path, "2023", '{"v": 1}')
    make_bundle(tmp_path, "2024", '{"v": 2}')
    write_bundle_list(tmp_path, ["2024", "2023"])

    files = dict(offline_files(tmp_path, ["2023"]))

    (index,) = parse_call(files[INDEX_FILE].decode("ascii"), REGISTER_INDEX)
    assert index["bundles"] == ["2023"]
    assert index["pages"] == {"2023": 101}, "the page still merges by size"
    assert not packs_of(files, "2024")
    assert packs_of(files, "2023")["pagefind-entry.json"] == b'{"v": 1}'


def test_a_site_without_a_bundle_list_has_no_offline_files(tmp_path: Path) -> None:
    assert list(offline_files(tmp_path)) == []


def test_index_script_lists_the_packed_bundles_in_order() -> None:
    listing = {"bundles": ["pending-1", "2024", "2023"], "pending": "pending-1",
               "replaced": ["issues/a/"], "pages": {"pending-1": 2, "2024": 9, "2023": 7}}
    (data,) = parse_call(index_script(listing, {"2023": 2, "pending-1": 1}), REGISTER_INDEX)
    assert data == {"bundles": ["pending-1", "2023"], "pending": "pending-1",
                    "replaced": ["issues/a/"], "pages": {"pending-1": 2, "2023": 7},
                    "packs": {"pending-1": 1, "2023": 2}}
    assert f"{OFFLINE_DIR}/index.js" == INDEX_FILE


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "a-b", "a.b", "b", "pagefind-worker.js", "z"]),
                         min_size=1, max_size=3), max_size=8))
def test_bundle_files_lists_every_file_in_path_part_order(tmp_path_factory: object,
                                                          paths: list[list[str]]) -> None:
    root = tmp_path_factory.mktemp("bundle")  # type: ignore[attr-defined]
    for n, parts in enumerate(paths):
        target = root.joinpath(*parts)
        if any(p.is_file() for p in [*target.parents, target] if p != root) or target.is_dir():
            continue  # a file where a folder must go, or the reverse
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f"{n}".encode())
    expected = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and p.name not in offline.SKIPPED_FILES}
    found = offline.bundle_files(root)
    assert list(found.items()) == list(expected.items())

"""Incremental builds produce the same bytes as full builds, and recompute only what changed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from conftest import make_config

from baoku import pipeline, search, urls
from baoku.atomic import atomic_write
from baoku.cache.session import IssueCache, Session, inputs_fingerprint
from baoku.config import Config
from baoku.model import OutputFile
from baoku.pipeline import build
from baoku.render import PagePlan

QUIET = lambda message: None  # noqa: E731

EXTRA_ISSUE = """示范区报
2024年3月5日 第2版

春耕备耕有序推进

本报讯（记者王小明）近日，各镇组织农技人员深入田间地头，指导农户做好春耕备耕工作。
农技人员现场讲解了育苗、施肥等技术要点，发放明白纸三百余份。

社区开展义诊活动

本报讯　湖滨社区联合卫生院开展义诊，为居民免费测量血压、血糖。
"""


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(incremental: Path, full: Path) -> None:
    got, want = tree(incremental), tree(full)
    assert sorted(got) == sorted(want), "the two builds wrote different sets of files"
    differing = [path for path in want if got[path] != want[path]]
    assert not differing, f"bytes differ in {differing[:10]}"


def session_for(project: Path, **kwargs: object) -> Session:
    return Session(make_config(project, project / "output"), **kwargs)  # type: ignore[arg-type]


def full_build(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "full-output"
    shutil.rmtree(out, ignore_errors=True)
    build(make_config(project, out), log=QUIET)
    return out


def add_source(project: Path) -> None:
    (project / "content" / "900_extra.txt").write_text(EXTRA_ISSUE, encoding="utf-8")


def change_source(project: Path) -> None:
    first = sorted((project / "content").glob("*.txt"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text + "\n\n补充报道\n\n本报讯　记者从有关部门获悉，相关工作正在推进。\n",
                     encoding="utf-8")


def remove_source(project: Path) -> None:
    sorted((project / "content").glob("*.txt"))[-1].unlink()


def change_template(project: Path) -> None:
    builtin = make_config(project, project / "output").builtin_theme_dir / "templates"
    names = sorted(p.name for p in builtin.glob("*.html"))
    name = "base.html" if "base.html" in names else names[0]
    override = project / "theme" / "templates" / name
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text((builtin / name).read_text(encoding="utf-8") + "\n<!-- 本馆自定义 -->\n",
                        encoding="utf-8")


NEW_TOPIC = "图书馆员新增主题"


def change_taxonomy(project: Path) -> None:
    """Point the config at a copy of the taxonomy, then add a topic to the copy."""
    config = make_config(project, project / "output")
    source = config.topics_file or _builtin_taxonomy()
    copy = project / f"topics{source.suffix}"
    if not copy.exists():
        shutil.copy(source, copy)
    with copy.open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[topic]]\nname = "{NEW_TOPIC}"\n'
                     'words = { "社区" = 3, "群众" = 3, "工作" = 3, "发展" = 3 }\n')


def _builtin_taxonomy() -> Path:
    data = Path(__file__).resolve().parent.parent / "baoku" / "data"
    candidates = sorted(p for p in data.rglob("*")
                        if p.is_file() and "topic" in p.name.lower()) if data.is_dir() else []
    if not candidates:
        pytest.fail("no built-in taxonomy file found under baoku/data")
    return candidates[0]


def use_taxonomy_copy(project: Path) -> None:
    source = make_config(project, project / "output").topics_file or _builtin_taxonomy()
    shutil.copy(source, project / f"topics{source.suffix}")
    (project / "baoku.toml").write_text(f'[paths]\ntopics = "topics{source.suffix}"\n',
                                        encoding="utf-8")


Mutation = Callable[[Path], None]
CASES: dict[str, Mutation] = {
    "add": add_source,
    "change": change_source,
    "remove": remove_source,
    "template": change_template,
    "taxonomy": change_taxonomy,
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_incremental_build_is_byte_identical_to_full_build(
        case: str, project: Path, tmp_path: Path) -> None:
    if case == "taxonomy":
        use_taxonomy_copy(project)
    session = session_for(project)
    session.build(QUIET)
    sources = len(list((project / "content").glob("*.txt")))

    CASES[case](project)
    session.build(QUIET)

    full = full_build(project, tmp_path)
    assert_same_tree(project / "output", full)
    if case == "taxonomy":
        assert (full / urls.file_of(urls.topic_page(NEW_TOPIC))).is_file()
    counts = session.counts
    expected_assembled = {"add": 1, "change": 1, "remove": 0, "template": 0,
                          "taxonomy": sources}[case]
    assert counts.assembled == expected_assembled
    if case in ("add", "change"):
        assert counts.cached == sources - (case == "change")
    if case in ("add", "change", "remove"):
        assert counts.kept > counts.rendered, "unaffected pages are not rendered again"
    if case == "template":
        assert counts.kept == 0


@pytest.mark.slow
def test_a_chain_of_changes_stays_identical(project: Path, tmp_path: Path) -> None:
    session = session_for(project)
    session.build(QUIET)
    for mutate in (add_source, change_source, change_template, remove_source):
        mutate(project)
        session.build(QUIET)
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_unchanged_pages_are_not_rendered_again(project: Path) -> None:
    session = session_for(project)
    session.build(QUIET)
    first = session.counts
    session.build(QUIET)
    again = session.counts
    assert again.assembled == 0 and again.cached == first.assembled
    assert first.kept == 0 and first.rendered > 0
    assert again.rendered == 0 and again.kept == first.rendered


@pytest.mark.slow
def test_disk_cache_survives_a_new_process(project: Path) -> None:
    session_for(project).build(QUIET)
    fresh = session_for(project)
    fresh.build(QUIET)
    assert fresh.counts.assembled == 0
    assert fresh.counts.cached == len(list((project / "content").glob("*.txt")))


@pytest.mark.slow
def test_damaged_cache_entries_are_rebuilt(project: Path) -> None:
    session_for(project).build(QUIET)
    config = make_config(project, project / "output")
    for entry in (config.cache_dir / "issues").glob("*/*.pickle"):
        entry.write_bytes(b"not a pickle")
    fresh = session_for(project)
    fresh.build(QUIET)
    assert fresh.counts.cached == 0
    assert fresh.counts.assembled == len(list((project / "content").glob("*.txt")))


@pytest.mark.slow
def test_removed_sources_leave_the_cache(project: Path) -> None:
    session = session_for(project)
    session.build(QUIET)
    remove_source(project)
    session.build(QUIET)
    config = make_config(project, project / "output")
    on_disk = list((config.cache_dir / "issues").glob("*/*.pickle"))
    assert len(on_disk) == len(list((project / "content").glob("*.txt")))


def test_fingerprint_follows_config_and_taxonomy(project: Path) -> None:
    config: Config = make_config(project, project / "output")
    use_taxonomy_copy(project)
    with_copy = make_config(project, project / "output")
    before = inputs_fingerprint(with_copy)
    assert before != inputs_fingerprint(config)
    change_taxonomy(project)
    assert inputs_fingerprint(with_copy) != before


def test_memory_only_cache_writes_nothing(tmp_path: Path) -> None:
    cache = IssueCache(None)
    assert cache.get("missing") is None
    assert not any(tmp_path.iterdir())


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "page.html"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


@pytest.mark.slow
def test_search_shards_are_rebuilt_only_where_needed(project: Path, tmp_path: Path) -> None:
    config = make_config(project, project / "output", search=True)
    session = Session(config)
    session.build(QUIET)
    add_source(project)
    session.build(QUIET)
    assert session.counts.shards_rebuilt is not None
    out = tmp_path / "full-search"
    build(make_config(project, out, search=True), log=QUIET)
    # Pagefind 1.5 writes its filter and meta files differently from one run to the next
    # (two full builds differ too), so bundles and their offline packs are compared by
    # their content fragments; every other file, the shard manifest included, byte for byte.
    got, want = tree(project / "output"), tree(out)
    assert without_bundles(got) == without_bundles(want)
    assert fragments(got) == fragments(want)
    assert "pagefind/shards.json" in want and fragments(want)


def without_bundles(files: dict[str, bytes]) -> dict[str, object]:
    """Every file but those of the Pagefind bundles (the bundle list as it compares
    between two Pagefind runs)."""
    from tests.test_search_inplace import comparable_bundle_list

    return {path: comparable_bundle_list(data) if path == search.BUNDLE_LIST else data
            for path, data in files.items()
            if not (path.startswith("pagefind/") and path.count("/") > 1)}


def fragments(files: dict[str, bytes]) -> dict[str, bytes]:
    """The bundles' content fragments (checked: no offline packs in a published site)."""
    assert not any(path.startswith(f"{search.OFFLINE_DIR}/") for path in files)
    return {path: data for path, data in files.items()
            if path.startswith("pagefind/") and "/fragment/" in path}


@pytest.mark.slow
def test_deferred_search_catches_up_to_a_full_build(project: Path, tmp_path: Path) -> None:
    session = Session(make_config(project, project / "output", search=True),
                      defer_search=True)
    session.build(QUIET)
    session.update_search()
    add_source(project)
    session.build(QUIET)
    assert session.search_pending
    stale = tree(project / "output")
    session.update_search()
    assert not session.search_pending
    out = tmp_path / "full-search"
    build(make_config(project, out, search=True), log=QUIET)
    got, want = tree(project / "output"), tree(out)
    assert stale["pagefind/shards.json"] != want["pagefind/shards.json"]
    assert without_bundles(got) == without_bundles(want)
    assert fragments(got) == fragments(want)


class FailingAfterRender(Session):
    """A session whose build fails after every page was rendered (before publishing)."""

    fail = False

    def render_pages(self, plans: Iterable[PagePlan], config: Config,
                     env: jinja2.Environment) -> Iterator[OutputFile]:
        yield from super().render_pages(plans, config, env)
        if self.fail:
            raise RuntimeError("模拟的生成失败")


@pytest.mark.slow
def test_a_failed_build_does_not_vouch_for_unpublished_pages(project: Path,
                                                             tmp_path: Path) -> None:
    session = FailingAfterRender(make_config(project, project / "output"))
    session.build(QUIET)
    change_source(project)
    session.fail = True
    with pytest.raises(RuntimeError):
        session.build(QUIET)
    session.fail = False
    session.build(QUIET)
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_sidecar_change_is_seen_and_unchanged_files_are_not_read_again(
        project: Path, tmp_path: Path) -> None:
    session = session_for(project)
    session.build(QUIET)
    session.build(QUIET)
    sources = len(list((project / "content").glob("*.txt")))
    assert session.counts.read_cached == sources
    first = sorted((project / "content").glob("*.txt"))[0]
    first.with_name(first.stem + ".meta.toml").write_text('newspaper = "图书馆员校订的报名"\n',
                                                          encoding="utf-8")
    session.build(QUIET)
    assert session.counts.read_cached == sources - 1
    assert session.counts.assembled == 1
    assert_same_tree(project / "output", full_build(project, tmp_path))




_REAL_READ = pipeline._read_in_worker
_READERS: dict[str, Path] = {}


def _noting_reader(job: tuple[Path, Path, str]) -> pipeline.Outcome:
    """The pool's reader, leaving a note of the file and the process that read it
    (module level: the pool pickles it by name)."""
    (_READERS["folder"] / job[0].name).write_text(str(os.getpid()), encoding="utf-8")
    return _REAL_READ(job)


@pytest.mark.slow
def test_a_new_session_reads_its_files_in_the_pool_as_a_full_build_does(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = project / "content"
    seed = sorted(content.glob("*.txt"))[0]
    for n in range(pipeline.MIN_PARALLEL_SOURCES):
        (content / f"copy-{n}.txt").write_bytes(seed.read_bytes())
    (content / "broken.txt").write_bytes(bytes(range(256)) * 8)  # binary: not a text
    readers = tmp_path / "readers"
    readers.mkdir()
    monkeypatch.setattr(pipeline, "_read_in_worker", _noting_reader)
    monkeypatch.setitem(_READERS, "folder", readers)  # forked workers inherit it
    config = replace(make_config(project, project / "output"), workers=2)
    said: list[str] = []
    session = Session(config, use_disk_cache=False)
    session.build(said.append)

    files = sorted(p.name for p in content.glob("*.txt"))
    assert sorted(p.name for p in readers.iterdir()) == files
    pids = {p.read_text(encoding="utf-8") for p in readers.iterdir()}
    assert str(os.getpid()) not in pids, "read by the pool's workers"
    assert [m for m in said if "broken.txt" in m], "the unreadable file is reported"
    full = tmp_path / "full-output"
    full_said: list[str] = []
    build(replace(make_config(project, full), workers=2), log=full_said.append)
    assert [m for m in said if "broken.txt" in m] == [m for m in full_said if "broken.txt" in m]
    assert_same_tree(project / "output", full)

    session.build(QUIET)
    assert session.counts.read_cached == len(files) - 1  # all but the unreadable one


@pytest.mark.slow
def test_a_sidecar_in_a_paper_folder_is_seen_by_the_cache(project: Path, tmp_path: Path) -> None:
    """Paper folders one level down: their files' sidecars count like those in content/."""
    paper = project / "content" / "示范区报"
    paper.mkdir()
    first = sorted((project / "content").glob("*.txt"))[0]
    moved = first.rename(paper / first.name)
    session = session_for(project)
    session.build(QUIET)
    (paper / f"{moved.stem}.yaml").write_text("edition: 第9版\n", encoding="utf-8")
    session.build(QUIET)
    assert session.counts.assembled == 1, "the issue whose sidecar appeared is read again"
    assert_same_tree(project / "output", full_build(project, tmp_path))

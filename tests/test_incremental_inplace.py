"""Watch-mode builds: a new issue's own pages first (``preview``), then the whole archive
updated in place, byte for byte what a full build writes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import build_leftovers, make_config
from test_incremental import (
    CASES,
    QUIET,
    add_source,
    assert_same_tree,
    change_source,
    change_template,
    full_build,
    remove_source,
    tree,
    use_taxonomy_copy,
)

from baoku import render, urls
from baoku.cache.session import Session
from baoku.model import OutputFile
from baoku.publish import InPlaceUpdate


def watch_session(project: Path, *, search: bool = False) -> Session:
    session = Session(make_config(project, project / "output", search=search),
                      use_disk_cache=False, defer_search=True)
    session.build(QUIET)
    return session


def issue_pages(output: Path, issue_id: str) -> dict[str, bytes]:
    folder = output / urls.file_of(urls.issue_page(issue_id))
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in sorted(folder.parent.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_in_place_build_is_byte_identical_to_full_build(case: str, project: Path,
                                                        tmp_path: Path) -> None:
    if case == "taxonomy":
        use_taxonomy_copy(project)
    session = watch_session(project)
    output_inode = (project / "output").stat().st_ino

    CASES[case](project)
    session.build(QUIET)

    assert session.counts.in_place
    assert (project / "output").stat().st_ino == output_inode, "output/ was not swapped"
    assert_same_tree(project / "output", full_build(project, tmp_path))
    assert build_leftovers(project / "output") == []


@pytest.mark.slow
def test_unchanged_pages_are_left_alone_in_place(project: Path) -> None:
    session = watch_session(project)
    before = {p: (p.stat().st_ino, p.read_bytes())
              for p in (project / "output" / "issues").rglob("*") if p.is_file()}
    home_inode = (project / "output" / "index.html").stat().st_ino

    add_source(project)
    session.build(QUIET)

    same = [p for p, (_, data) in before.items() if p.is_file() and p.read_bytes() == data]
    assert len(same) > len(before) // 2, "most of the issues' pages did not change"
    assert [p for p in same if p.stat().st_ino != before[p][0]] == [], "rewritten needlessly"
    assert (project / "output" / "index.html").stat().st_ino != home_inode, "home changed"
    assert session.counts.kept > session.counts.rendered


@pytest.mark.slow
def test_preview_publishes_a_new_issue_exactly_as_the_full_build_will(
        project: Path, tmp_path: Path) -> None:
    session = watch_session(project)
    add_source(project)

    preview = session.preview(QUIET)

    assert preview is not None and len(preview.issue_ids) == 1
    issue_id = preview.issue_ids[0]
    published = issue_pages(project / "output", issue_id)
    assert any(path.endswith("index.html") for path in published)
    assert preview.pages >= 1 + len(published) // 2
    full = full_build(project, tmp_path)
    assert published == issue_pages(full, issue_id)
    assert (project / "output/index.html").read_bytes() == (full / "index.html").read_bytes()

    session.build(QUIET)
    assert_same_tree(project / "output", full)


@pytest.mark.slow
def test_preview_of_a_changed_issue_then_build(project: Path, tmp_path: Path) -> None:
    session = watch_session(project)
    change_source(project)
    preview = session.preview(QUIET)
    assert preview is not None
    session.build(QUIET)
    assert session.counts.assembled == 0, "the preview's issue is reused, not re-segmented"
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
@pytest.mark.parametrize("mutate", ["nothing", "remove", "template"])
def test_no_preview_when_the_fast_path_does_not_apply(mutate: str, project: Path,
                                                      tmp_path: Path) -> None:
    session = watch_session(project)
    if mutate == "remove":
        remove_source(project)
    elif mutate == "template":
        change_template(project)
    before = tree(project / "output")
    assert session.preview(QUIET) is None
    assert tree(project / "output") == before
    session.build(QUIET)
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_no_preview_before_a_first_build_or_outside_watch_mode(project: Path) -> None:
    session = Session(make_config(project, project / "output"), use_disk_cache=False)
    assert session.preview(QUIET) is None
    session.build(QUIET)
    add_source(project)
    assert session.preview(QUIET) is None  # search not deferred: not a watch session


@pytest.mark.slow
def test_a_failed_in_place_build_leaves_output_untouched(project: Path,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    session = watch_session(project)
    before = tree(project / "output")
    change_template(project)
    rendered = 0
    real = render.render_page

    def failing(env: object, plan: render.PagePlan) -> OutputFile:
        nonlocal rendered
        rendered += 1
        if rendered > 5:
            raise RuntimeError("模拟的渲染失败")
        return real(env, plan)  # type: ignore[arg-type]

    monkeypatch.setattr(render, "render_page", failing)
    with pytest.raises(RuntimeError):
        session.build(QUIET)
    assert tree(project / "output") == before
    assert build_leftovers(project / "output") == []
    monkeypatch.undo()
    session.build(QUIET)
    assert_same_tree(project / "output", full_build(project, tmp_path))


def test_in_place_update_moves_changed_files_and_deletes_dropped_ones(tmp_path: Path) -> None:
    output = tmp_path / "output"
    (output / "a").mkdir(parents=True)
    (output / "a" / "keep.html").write_bytes(b"same")
    (output / "a" / "old.html").write_bytes(b"old")
    (output / "gone" / "x").mkdir(parents=True)
    (output / "gone" / "x" / "dropped.html").write_bytes(b"dropped")
    (output / "pagefind").mkdir()
    (output / "pagefind" / "index.js").write_bytes(b"search")
    from baoku.publish import content_key

    known = {"a/keep.html": content_key(b"same"), "a/old.html": content_key(b"old"),
             "gone/x/dropped.html": content_key(b"dropped")}
    keep_inode = (output / "a" / "keep.html").stat().st_ino
    update = InPlaceUpdate(output, known)
    update.write([OutputFile("a/keep.html", b"same"), OutputFile("a/old.html", b"new"),
                  OutputFile("b/new.html", b"brand new")])
    assert (output / "a" / "old.html").read_bytes() == b"old", "nothing moves before commit"
    update.commit()
    assert (output / "a" / "keep.html").stat().st_ino == keep_inode
    assert (output / "a" / "old.html").read_bytes() == b"new"
    assert (output / "b" / "new.html").read_bytes() == b"brand new"
    assert not (output / "gone").exists(), "emptied folders go too"
    assert (output / "pagefind" / "index.js").read_bytes() == b"search", "not ours: kept"
    assert update.stats.written == 2 and update.stats.reused == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


@pytest.mark.slow
def test_watch_flow_preview_search_build_matches_a_full_build(project: Path,
                                                             tmp_path: Path) -> None:
    from test_incremental import fragments, without_bundles

    from baoku.pipeline import build

    session = searchable_watch_session(project)
    output_inode = (project / "output").stat().st_ino
    before = tree(project / "output")
    add_source(project)

    assert session.preview(QUIET) is not None
    assert session.search_pending
    session.update_search(quick=True)  # as the watcher does: a pending bundle first
    assert session.counts.shards_rebuilt == 0, "a pending bundle, no shard rebuilt yet"
    assert session.search_pending, "the shards are still to catch up"
    searchable = tree(project / "output")
    session.build(QUIET)
    assert session.search_pending
    assert session.update_search() == []
    assert session.counts.shards_rebuilt == 1, "only the new issue's shard"
    assert not session.search_pending

    out = tmp_path / "full-search"
    build(make_config(project, out, search=True), log=QUIET)
    got, want = tree(project / "output"), tree(out)
    assert without_bundles(got) == without_bundles(want)
    assert fragments(got) == fragments(want)
    assert searchable["pagefind/shards.json"] == before["pagefind/shards.json"], (
        "the shards were rebuilt only once the archive caught up")
    assert any(p.startswith("pagefind/pending-") for p in searchable)
    assert not [p for p in got if p.startswith(("search-offline/pending-", "pagefind/pending-"))]
    assert (project / "output").stat().st_ino == output_inode, "updated in place, not swapped"


def searchable_watch_session(project: Path) -> Session:
    session = Session(make_config(project, project / "output", search=True),
                      use_disk_cache=False, defer_search=False)
    session.build(QUIET)
    session.defer_search = True
    return session


def bundle_list(output: Path) -> dict[str, Any]:
    from tests.test_search_inplace import comparable_bundle_list

    return comparable_bundle_list((output / "pagefind" / "bundles.json").read_bytes())


def bundles_on_disk(output: Path) -> set[str]:
    return {p.parent.name for p in output.glob("pagefind/*/pagefind.js")}


@pytest.mark.slow
def test_a_new_years_issue_is_searchable_from_a_pending_bundle_until_its_shard_is_built(
        project: Path, tmp_path: Path) -> None:
    """A new year adds a shard (and may re-pack the year before): until the archive has
    caught up, a pending bundle of just the new issue is merged first, then retired."""
    from test_incremental import EXTRA_ISSUE

    from baoku.pipeline import build

    session = searchable_watch_session(project)
    output = project / "output"
    live = bundle_list(output)["bundles"]
    (project / "content" / "2031-01-05_extra.txt").write_text(
        EXTRA_ISSUE.replace("2024年3月5日", "2031年1月5日"), encoding="utf-8")

    assert session.preview(QUIET) is not None
    assert session.update_search(quick=True) == []

    listing = bundle_list(output)
    pending = listing["pending"]
    assert listing["bundles"] == [pending, *live], "merged first, beside the live shards"
    assert "replaced" not in listing, "a new issue replaces nothing"
    assert set(listing["bundles"]) <= bundles_on_disk(output)
    assert "2031" not in bundles_on_disk(output), "the new shard waits for the archive"
    fragment_files = list((output / "pagefind" / pending / "fragment").glob("*.pf_fragment"))
    assert len(fragment_files) == 2, "just the new issue's two articles"

    session.build(QUIET)
    session.update_search()

    listing = bundle_list(output)
    assert "pending" not in listing
    assert set(listing["bundles"]) == bundles_on_disk(output), "no bundle left behind"
    assert "2031" in listing["bundles"]
    full = tmp_path / "full"
    build(make_config(project, full, search=True), log=QUIET)
    assert bundle_list(full) == listing


@pytest.mark.slow
def test_an_edited_issue_replaces_its_shard_results_until_the_shard_is_rebuilt(
        project: Path) -> None:
    session = searchable_watch_session(project)
    output = project / "output"
    before = {p.parent.name: p.read_bytes()
              for p in output.glob("pagefind/*/pagefind-entry.json")}
    first = sorted((project / "content").glob("*.txt"))[0]
    issue_id = urls.issue_id_for(first.name)
    old_pages = {p.relative_to(output).as_posix()
                 for p in (output / "issues" / issue_id).glob("*/index.html")}
    assert old_pages
    change_source(project)

    assert session.preview(QUIET) is not None
    session.update_search(quick=True)

    listing = bundle_list(output)
    assert listing["bundles"][0] == listing["pending"]
    assert set(listing["pages"]) == set(listing["bundles"]), "the page merges by size"
    assert listing["pages"][listing["pending"]] >= 1
    assert set(listing["replaced"]) == old_pages, "the issue's pages as the shards hold them"
    after = {p.parent.name: p.read_bytes()
             for p in output.glob("pagefind/*/pagefind-entry.json")
             if p.parent.name != listing["pending"]}
    assert after == before, "no shard rebuilt yet"

    session.build(QUIET)
    session.update_search()
    assert not {"pending", "replaced"} & set(bundle_list(output))
    assert not list(output.glob("pagefind/pending-*"))


def test_pending_changes_name_new_changed_and_removed_issues() -> None:
    from baoku.search import pending_changes
    from baoku.search.records import SearchRecord

    def rec(issue: str, n: int, body: str = "正文") -> SearchRecord:
        return SearchRecord(id=f"{issue}-{n:02d}", issue_id=issue,
                            path=f"issues/{issue}/{n:02d}/", headline="题", heading="题",
                            body=body, date="2024-01-01", year="2024", paper=None,
                            issue_label="期")

    indexed = [rec("a", 1), rec("a", 2), rec("b", 1), rec("c", 1)]
    current = [rec("a", 1), rec("a", 2), rec("b", 1, "改过的正文"), rec("d", 1)]
    fresh, replaced = pending_changes(indexed, current)
    assert [r.id for r in fresh] == ["b-01", "d-01"]
    assert replaced == ["issues/b/01/index.html", "issues/c/01/index.html"]
    assert pending_changes(indexed, indexed) == ([], [])


@pytest.mark.slow
def test_a_publish_stopped_half_way_is_not_trusted_afterwards(project: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    import baoku.publish

    session = watch_session(project)
    first = sorted((project / "content").glob("*.txt"))[0]
    original = first.read_text(encoding="utf-8")
    change_source(project)
    real_replace = os.replace
    moved = 0

    def failing_replace(src: object, dst: object) -> None:
        nonlocal moved
        moved += 1
        if moved > 2:
            raise OSError("模拟的磁盘错误")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(baoku.publish.os, "replace", failing_replace)
    with pytest.raises(OSError):
        session.build(QUIET)
    monkeypatch.undo()
    assert moved > 2
    first.write_text(original, encoding="utf-8")  # back to what the session last published
    session.build(QUIET)
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_an_edit_undone_before_the_shards_caught_up_retires_the_pending_bundle(
        project: Path) -> None:
    """Edit, preview (pending bundle), undo the edit before the archive caught up: the
    shards already search like the archive, so the pending bundle must go, not keep
    answering with the undone text."""
    session = searchable_watch_session(project)
    output = project / "output"
    shards_only = bundle_list(output)
    first = sorted((project / "content").glob("*.txt"))[0]
    original = first.read_text(encoding="utf-8")
    change_source(project)
    assert session.preview(QUIET) is not None
    session.update_search(quick=True)
    assert "pending" in bundle_list(output)

    first.write_text(original, encoding="utf-8")
    session.preview(QUIET)
    session.update_search(quick=True)
    session.build(QUIET)
    session.update_search()

    assert bundle_list(output) == shards_only
    assert not list(output.glob("pagefind/pending-*"))

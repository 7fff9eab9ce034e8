"""A watch session's search page over http in Chromium: an edited issue and a new year's
issue answer queries from the pending bundle as soon as they are previewed, the shards'
out-of-date copies of the edited pages are not listed, and once the shards are rebuilt
the answers are the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_config
from test_incremental import EXTRA_ISSUE, QUIET
from test_search import run_query

from baoku.cache.session import Session

pytestmark = pytest.mark.browser

NEW_YEARS_ISSUE = EXTRA_ISSUE.replace("2024年3月5日", "2031年1月5日")


def titles(result: dict[str, object]) -> list[str]:
    return [hit["title"] for hit in result["hits"]]  # type: ignore[index, union-attr]


def test_changes_are_searchable_before_and_after_the_shards_catch_up(
        project: Path, page: object, serve: object) -> None:
    session = Session(make_config(project, project / "output", search=True),
                      use_disk_cache=False, defer_search=False)
    session.build(QUIET)
    session.defer_search = True
    base = serve(project / "output") + "search/index.html"  # type: ignore[operator]
    found = titles(run_query(page, base, "花椒"))
    assert found, "the word is in the archive before the edit"

    edited = next(p for p in sorted((project / "content").glob("*.txt"))
                  if "花椒" in p.read_text(encoding="utf-8"))
    edited.write_text(edited.read_text(encoding="utf-8").replace("花椒", "海棠果"),
                      encoding="utf-8")
    (project / "content" / "2031-01-05_new.txt").write_text(NEW_YEARS_ISSUE, encoding="utf-8")
    assert session.preview(QUIET) is not None
    assert session.update_search(quick=True) == []
    listing = json.loads((project / "output" / "pagefind" / "bundles.json").read_text(
        encoding="utf-8"))
    assert listing.get("pending"), "answered from a pending bundle"

    def answers_follow_the_edit() -> None:
        gone = run_query(page, base, "花椒")
        assert gone["mode"] == "pagefind"
        assert gone["state"] == "none", titles(gone)
        renamed = run_query(page, base, "海棠果")
        assert renamed["state"] == "done", renamed["status"]
        assert len(titles(renamed)) == len(found), "each edited article once"
        fresh = run_query(page, base, "明白纸")
        assert titles(fresh) == ["春耕备耕有序推进"]
        assert "2031" in fresh["hits"][0]["meta"]  # type: ignore[index]
        by_year = run_query(page, base, "", year="2031")
        assert sorted(titles(by_year)) == ["春耕备耕有序推进", "社区开展义诊活动"]

    answers_follow_the_edit()
    session.build(QUIET)
    session.update_search()
    assert not list((project / "output" / "pagefind").glob("pending-*"))
    answers_follow_the_edit()

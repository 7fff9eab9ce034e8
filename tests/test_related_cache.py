"""Related lists kept across processes: ranked again exactly when what they are ranked
from (or the code and settings) changed, never reused for another archive."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from test_incremental import QUIET, add_source, assert_same_tree, full_build, session_for
from test_related import art, issue

from baoku.cache.related_lists import FILE_NAME, load_related, save_related
from baoku.cache.session import Session
from baoku.enrich.related import (
    apply_related,
    link_related,
    related_inputs_digest,
    related_lists,
)
from baoku.model import Issue, Place

TOWN = Place(name="湖滨镇", level="town")


def archive() -> tuple:
    return (
        issue("2024-03-05_a", art(1, ("春耕", "育苗"), ("农业",), (TOWN,)),
              art(2, ("义诊", "血压"))),
        issue("2024-03-04_b", art(1, ("春耕", "施肥"), ("农业",)), art(2, ("义诊",))),
    )


def test_applied_lists_give_the_linked_archive() -> None:
    issues = archive()
    linked = link_related(issues)
    assert any(a.related for i in linked for a in i.articles)
    assert apply_related(issues, related_lists(linked)) == linked


def test_lists_for_another_number_of_articles_are_refused() -> None:
    issues = archive()
    lists = related_lists(link_related(issues))
    with pytest.raises(ValueError):
        apply_related(issues, lists[:-1])


def _with_first_article(issues: tuple, **changes: object) -> tuple:
    first = issues[0]
    articles = (replace(first.articles[0], **changes), *first.articles[1:])
    return (replace(first, articles=articles), *issues[1:])


@pytest.mark.parametrize("changes", [
    {"keywords": ("春耕", "插秧")},
    {"topics": ()},
    {"places": (replace(TOWN, level="village"),)},
    {"number": 7},
])
def test_the_digest_follows_every_input_of_the_ranking(changes: dict) -> None:
    issues = archive()
    assert related_inputs_digest(_with_first_article(issues, **changes)) \
        != related_inputs_digest(issues)


def test_the_digest_follows_issue_order_and_ids() -> None:
    issues = archive()
    assert related_inputs_digest(issues[::-1]) != related_inputs_digest(issues)
    renamed = (replace(issues[0], id="2024-03-05_c"), issues[1])
    assert related_inputs_digest(renamed) != related_inputs_digest(issues)


def test_text_the_ranking_does_not_read_keeps_the_digest() -> None:
    issues = archive()
    edited = _with_first_article(issues, headline="改过的标题")
    assert related_inputs_digest(edited) == related_inputs_digest(issues)


def test_saved_lists_load_only_under_their_key(tmp_path: Path) -> None:
    lists = (("a-01", "b-02"), ())
    save_related(tmp_path, "key-1", lists)
    assert load_related(tmp_path, "key-1") == lists
    assert load_related(tmp_path, "key-2") is None
    assert load_related(None, "key-1") is None


@pytest.mark.parametrize("content", [
    b"not a pickle",
    pickle.dumps({"format": 99, "key": "k", "lists": ()}),
    pickle.dumps({"format": 1, "key": "k", "lists": [["a"]]}),
    pickle.dumps({"format": 1, "key": "k", "lists": ((1, 2),)}),
])
def test_damaged_or_foreign_files_are_a_miss(tmp_path: Path, content: bytes) -> None:
    (tmp_path / FILE_NAME).write_bytes(content)
    assert load_related(tmp_path, "k") is None


@pytest.fixture
def ranked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a Session ranked related articles."""
    calls: list[int] = []
    keep = Session.keep_related

    def counting(self: Session, linked: tuple[Issue, ...]) -> None:  # told after ranking
        calls.append(len(linked))
        keep(self, linked)

    monkeypatch.setattr(Session, "keep_related", counting)
    return calls


@pytest.mark.slow
def test_a_new_process_reuses_the_lists_until_an_issue_changes(
        project: Path, tmp_path: Path, ranked: list[int]) -> None:
    session_for(project).build(QUIET)
    assert len(ranked) == 1
    assert (project / ".baoku-cache" / FILE_NAME).is_file()

    session_for(project).build(QUIET)  # `python build.py` again, nothing changed
    assert len(ranked) == 1
    assert_same_tree(project / "output", full_build(project, tmp_path))

    add_source(project)
    session_for(project).build(QUIET)
    assert len(ranked) == 2
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_a_damaged_file_only_costs_a_ranking(project: Path, tmp_path: Path,
                                             ranked: list[int]) -> None:
    session_for(project).build(QUIET)
    (project / ".baoku-cache" / FILE_NAME).write_bytes(b"\x80garbage")
    session_for(project).build(QUIET)
    assert len(ranked) == 2
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_without_the_disk_cache_nothing_is_kept(project: Path, ranked: list[int]) -> None:
    session = session_for(project, use_disk_cache=False)
    session.build(QUIET)
    session.build(QUIET)  # the same process still remembers its own lists
    assert len(ranked) == 1
    assert not (project / ".baoku-cache" / FILE_NAME).exists()

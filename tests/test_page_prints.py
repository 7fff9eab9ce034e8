"""Page prints kept across processes: a second ``python build.py`` renders only the pages
whose view changed, and never reuses a file that no longer holds what was rendered."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest
from conftest import make_config
from test_incremental import QUIET, add_source, assert_same_tree, full_build, session_for

from baoku import urls
from baoku.cache.page_prints import FILE_NAME, PagePrint, content_digest, load_prints
from baoku.cache.session import Session
from baoku.render import make_environment
from baoku.render.stamps import DATE, FULL, NONE, build_time_use, stamp


def templates(**sources: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(sources))


@pytest.mark.parametrize(("source", "use"), [
    ("{{ page.title }}", NONE),
    ("{# build_time in a comment #}{{ site.title }}", NONE),
    ("{{ build_time[:10] }}", DATE),
    ("{{ site.build_time[:10] }}", DATE),
    ("{{ build_time }}", FULL),
    ("{{ build_time[:7] }}", FULL),
    ("{{ site.build_time }}", FULL),
    ("{{ site['build_time'] }}", FULL),
    ("{{ site }}", FULL),
    ("{% set when = build_time %}{{ when[:10] }}", FULL),
    ("{% include name %}", FULL),  # chosen at render time: anything may be shown
])
def test_build_time_use_of_a_template(source: str, use: str) -> None:
    assert build_time_use(templates(t=source), "t") == use


def test_build_time_use_follows_extends_includes_and_imports() -> None:
    env = templates(base="<p>{% block stamp %}{% endblock %}</p>",
                    dated="{% extends 'base' %}"
                          "{% block stamp %}{{ build_time[:10] }}{% endblock %}",
                    timed="{{ build_time }}",
                    page="{% extends 'base' %}{% block stamp %}{% include 'timed' %}{% endblock %}",
                    macros="{% macro m() %}{{ build_time[:10] }}{% endmacro %}",
                    uses="{% from 'macros' import m %}{{ m() }}")
    assert build_time_use(env, "base") == NONE
    assert build_time_use(env, "dated") == DATE
    assert build_time_use(env, "page") == FULL
    assert build_time_use(env, "uses") == DATE


def test_only_the_home_page_of_the_builtin_theme_shows_the_build_date(tmp_path: Path) -> None:
    env = make_environment(make_config(tmp_path, tmp_path / "output"))
    names = [n for n in env.list_templates() if not n.startswith("builtin/")]
    uses = {name: build_time_use(env, name) for name in names}
    assert uses.pop("home.html") == DATE
    assert set(uses.values()) == {NONE}


def test_stamp_keeps_only_what_is_shown() -> None:
    when = "2026-01-02T08:30:00+08:00"
    assert (stamp(when, NONE), stamp(when, DATE), stamp(when, FULL)) == ("", "2026-01-02", when)


@pytest.mark.slow
def test_a_new_process_renders_nothing_when_nothing_changed(project: Path,
                                                            tmp_path: Path) -> None:
    first = session_for(project)
    first.build(QUIET)
    assert (first.config.cache_dir / FILE_NAME).is_file()
    again = session_for(project)  # `python build.py` a second time
    again.build(QUIET)
    assert again.counts.rendered == 0
    assert again.counts.kept == first.counts.rendered
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_a_new_process_renders_only_pages_an_added_issue_changes(project: Path,
                                                                 tmp_path: Path) -> None:
    first = session_for(project)
    first.build(QUIET)
    add_source(project)
    later = session_for(project)
    later.build(QUIET)
    assert 0 < later.counts.rendered < first.counts.rendered
    assert later.counts.kept > 0
    assert_same_tree(project / "output", full_build(project, tmp_path))


@pytest.mark.slow
def test_another_day_renders_only_the_home_and_report_pages_again(project: Path,
                                                                   tmp_path: Path) -> None:
    first = session_for(project)
    first.build(QUIET)
    config = make_config(project, project / "output")
    next_day = Session(replace(config, fixed_time="2026-01-02T09:00:00+08:00"))
    next_day.build(QUIET)
    assert next_day.counts.rendered == 2  # the home page states the date, the report the time
    home = (project / "output" / urls.file_of(urls.home())).read_text(encoding="utf-8")
    assert 'datetime="2026-01-02"' in home
    full = tmp_path / "next-day"
    from baoku.pipeline import build
    build(replace(make_config(project, full), fixed_time="2026-01-02T09:00:00+08:00"), log=QUIET)
    assert_same_tree(project / "output", full)


@pytest.mark.slow
def test_a_theme_that_shows_the_time_is_rendered_again(project: Path) -> None:
    config = make_config(project, project / "output")
    builtin = config.builtin_theme_dir / "templates" / "article.html"
    override = project / "theme" / "templates" / "article.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(builtin.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}<p class=t>{{ build_time }}</p>", 1),
        encoding="utf-8")
    first = Session(config)
    first.build(QUIET)
    later = Session(replace(config, fixed_time="2026-01-01T09:15:00+08:00"))  # same day
    later.build(QUIET)
    articles = sum(1 for _ in (project / "output" / "issues").rglob("*/*/index.html"))
    assert later.counts.rendered == articles + 1 > 1  # and the report, which states the time
    page = next((project / "output" / "issues").rglob("*/*/index.html"))
    assert "2026-01-01T09:15:00+08:00" in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_page_changed_by_hand_is_rendered_again(project: Path, tmp_path: Path) -> None:
    session_for(project).build(QUIET)
    output = project / "output"
    home = output / urls.file_of(urls.home())
    home.write_text("本馆临时页面", encoding="utf-8")
    article = next((output / "issues").rglob("*/*/index.html"))
    article.unlink()
    again = session_for(project)
    again.build(QUIET)
    assert again.counts.rendered == 2
    assert_same_tree(output, full_build(project, tmp_path))


@pytest.mark.slow
def test_damaged_or_missing_prints_only_cost_a_full_render(project: Path) -> None:
    first = session_for(project)
    first.build(QUIET)
    prints = first.config.cache_dir / FILE_NAME
    prints.write_bytes(b"not a pickle")
    assert load_prints(first.config.cache_dir) == {}
    damaged = session_for(project)
    damaged.build(QUIET)
    assert damaged.counts.rendered == first.counts.rendered
    shutil.rmtree(first.config.cache_dir)
    gone = session_for(project)
    gone.build(QUIET)
    assert gone.counts.rendered == first.counts.rendered


@pytest.mark.slow
def test_no_cache_neither_reads_nor_writes_prints(project: Path) -> None:
    session_for(project).build(QUIET)
    prints = make_config(project, project / "output").cache_dir / FILE_NAME
    before = prints.read_bytes()
    uncached = session_for(project, use_disk_cache=False)
    uncached.build(QUIET)
    assert uncached.counts.kept == 0
    assert prints.read_bytes() == before


@pytest.mark.slow
def test_stored_prints_name_the_bytes_they_rendered(project: Path) -> None:
    session = session_for(project)
    session.build(QUIET)
    stored = load_prints(session.config.cache_dir)
    assert stored and all(isinstance(p, PagePrint) for p in stored.values())
    for known in stored.values():
        assert content_digest((project / "output" / known.file).read_bytes()) == known.digest

"""The benchmark corpus generator writes valid, parseable, deterministic issues."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from baoku import dates
from baoku.config import load_config
from baoku.pipeline import build
from baoku.read import read_source

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import hugo_export  # noqa: E402

SEED_TEXT = """\
社区举办暑期活动

## 街道开展防溺水安全教育

本报讯（记者王小明）近日，某某街道联合社区开展防溺水安全教育活动。工作人员向学生讲解了防溺水知识。

“这样的活动很有意义，孩子们学到了很多。”一位家长说。社区党支部组织志愿者在河道沿线巡查。

下一步，街道将继续加强宣传教育，确保学生度过一个安全的暑假。学校教师也参与了讲解。

保护生态环境 建设美丽乡村

本报讯（记者李大华）镇里持续开展人居环境整治，清理河道垃圾，种植绿化树木一千余株。

村民们纷纷表示，村里的环境越来越好了。村党支部书记带领党员参加义务劳动。
"""


@pytest.fixture
def seeds(tmp_path: Path) -> list[Path]:
    path = tmp_path / "seed.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    return [path]


def test_same_seed_same_corpus_other_seed_differs(seeds: list[Path]) -> None:
    first = generate.generate(40, seed=3, seeds=seeds)
    again = generate.generate(40, seed=3, seeds=seeds)
    other = generate.generate(40, seed=4, seeds=seeds)
    assert [(n, t) for n, t, _ in first] == [(n, t) for n, t, _ in again]
    assert [t for _, t, _ in first] != [t for _, t, _ in other]


def test_article_count_and_pages_per_issue(seeds: list[Path]) -> None:
    issues = generate.generate(57, seed=1, seeds=seeds)
    sizes = [len(truth.articles) for _, _, truth in issues]
    assert sum(sizes) == 57
    assert all(1 <= size <= 8 for size in sizes)
    assert len({name for name, _, _ in issues}) == len(issues)


def test_file_names_carry_dates_over_years(seeds: list[Path]) -> None:
    issues = generate.generate(600, seed=2, seeds=seeds, years=10)
    found = [dates.date_from_filename(Path(name).stem) for name, _, _ in issues]
    assert all(d is not None and d.precision == "day" for d in found)
    assert [d.value for d in found if d] == [truth.date for _, _, truth in issues]
    years = {truth.date[:4] for _, _, truth in issues}
    assert len(years) >= 5
    first, last = (dt.date.fromisoformat(issues[i][2].date) for i in (0, -1))
    assert (last - first).days <= 10 * 366


def test_raw_format_features(seeds: list[Path]) -> None:
    issues = generate.generate(300, seed=5, seeds=seeds)
    texts = "\n".join(text for _, text, _ in issues)
    assert "\n## " in texts  # marked headlines …
    assert "本报讯（记者" in texts and "本报讯(记者 " in texts  # bylines of several shapes
    assert "本报融媒体记者 " in texts and "□记者 " in texts
    assert " 摄\n" in texts  # captions with a credit
    assert "\n——" in texts  # subtitles
    assert any(k in texts for k in generate.KICKERS)
    # blocks are separated by exactly one blank line
    assert not any("\n\n\n" in text.strip("\n") for _, text, _ in issues)


def test_bylines_name_each_papers_staff_many_times(seeds: list[Path]) -> None:
    issues = generate.generate(2000, seed=9, seeds=seeds)
    reporters = Counter(r for _, _, truth in issues for a in truth.articles for r in a.reporters)
    papers = {truth.paper for _, _, truth in issues}
    assert len(reporters) <= generate.STAFF_REPORTERS * len(papers)
    assert sum(reporters.values()) >= 4 * len(reporters)  # a name recurs, as on a real paper
    texts = "\n".join(text for _, text, _ in issues)
    helpers = set(re.findall(r"通讯员 ?([\u4e00-\u9fff]{2,3})", texts))
    assert 0 < len(helpers) <= generate.CORRESPONDENTS * len(papers)


def test_column_breaks_split_a_paragraph_mid_sentence(seeds: list[Path]) -> None:
    issues = generate.generate(300, seed=6, seeds=seeds)
    broken = 0
    for _, text, truth in issues:
        blocks = text.split("\n\n")
        for article in truth.articles:
            for paragraph in article.paragraphs:
                if paragraph not in blocks and paragraph[:15] in text:
                    broken += 1
    assert broken > 0


@pytest.mark.slow
def test_generated_issues_read_and_build(seeds: list[Path], tmp_path: Path) -> None:
    project = tmp_path / "project"
    truth = generate.write_corpus(project, 30, seed=7, places=None)
    content = project / "content"
    for issue in truth:
        source = read_source(content / issue.file, project)
        assert source.meta.date.value == issue.date
    config = load_config(project, {"output_dir": project / "output", "search": False,
                                   "fixed_time": "2026-01-01T08:00:00+08:00"})
    result = build(config, log=lambda message: None)
    assert not result.archive.failures
    assert len(result.archive.issues) == len(truth)
    assert result.article_count >= len(truth)
    assert json.loads((project / "truth.json").read_text(encoding="utf-8"))[0]["file"] \
        == truth[0].file


def test_hugo_export_front_matter(seeds: list[Path], tmp_path: Path) -> None:
    truth = generate.write_corpus(tmp_path / "corpus", 12, seed=8, places=None)
    count = hugo_export.export_site(tmp_path / "corpus" / "truth.json", tmp_path / "site")
    pages = sorted((tmp_path / "site" / "content" / "articles").glob("*.md"))
    assert count == len(pages) == sum(len(i.articles) for i in truth)
    assert (tmp_path / "site" / "hugo.toml").is_file()
    _, front, body = pages[0].read_text(encoding="utf-8").split("+++", 2)
    meta = tomllib.loads(front)
    first = truth[0].articles[0]
    assert meta["title"] == first.headline
    assert meta["date"] == dt.date.fromisoformat(truth[0].date)
    assert meta["districts"] == [first.district]
    assert meta["reporters"] == first.reporters
    assert first.paragraphs[0] in body

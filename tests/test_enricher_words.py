"""Words an enricher teaches its tokenizer stay with that enricher: a place or topic
removed during a session is gone from the next build, as in a fresh process, and the
cache a later cold build reads holds what a fresh process would have made."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_TIME, SEEDS, make_config
from test_incremental import QUIET, assert_same_tree

from baoku.cache.session import Session
from baoku.enrich import load_enricher

ROOT = Path(__file__).resolve().parent.parent
PLACE = "梧桐坡"
TOPIC_PHRASE = "银杏书声计划"

ISSUE = f"""示范区报
2024年4月8日 第3版

{PLACE}举办读书节

本报讯（记者李文）近日，{PLACE}在文化广场启动{TOPIC_PHRASE}，{PLACE}各小区居民参加。
{TOPIC_PHRASE}为{PLACE}新添图书角二十处，{TOPIC_PHRASE}志愿者每周开展共读活动。

{PLACE}修缮老街

本报讯　{PLACE}对老街路面进行修缮，工程预计下月完工。
"""

PLACE_ENTRY = f'\n[[place]]\nname = "{PLACE}"\nlevel = "district"\n'
TOPIC_ENTRY = f'\n[[topic]]\nname = "阅读推广"\nwords = {{ "{TOPIC_PHRASE}" = 3 }}\n'


def _project(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, root / "content" / seed.name)
    (root / "content" / "900_reading.txt").write_text(ISSUE, encoding="utf-8")
    places = SEEDS / "places.toml"
    (root / "content" / "places.toml").write_text(
        places.read_text(encoding="utf-8") + PLACE_ENTRY, encoding="utf-8")
    topics = ROOT / "baoku" / "data" / "topics.toml"
    (root / "topics.toml").write_text(topics.read_text(encoding="utf-8") + TOPIC_ENTRY,
                                      encoding="utf-8")
    (root / "baoku.toml").write_text('[paths]\ntopics = "topics.toml"\n', encoding="utf-8")
    return root


def _remove_place_and_topic(project: Path) -> None:
    for path, entry in ((project / "content" / "places.toml", PLACE_ENTRY),
                        (project / "topics.toml", TOPIC_ENTRY)):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(entry, ""), encoding="utf-8")


def _build_in_new_process(project: Path, output: Path, *, use_cache: bool) -> tuple[int, int]:
    """A build in a process of its own, as ``python build.py`` runs it: how many sources
    it (assembled, took from the cache)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from baoku.config import load_config\n"
        "from baoku.cache.session import Session\n"
        "project, output, use_cache = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]\n"
        "config = load_config(project, {'output_dir': output, 'search': False,\n"
        f"                               'fixed_time': {FIXED_TIME!r}}})\n"
        "session = Session(config, use_disk_cache=use_cache == '1')\n"
        "session.build(lambda m: None)\n"
        "print(session.counts.assembled, session.counts.cached)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(project), str(output),
                    "1" if use_cache else "0"], check=True, cwd=ROOT,
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)})
    assembled, cached = done.stdout.split()
    return int(assembled), int(cached)


def test_each_enricher_has_a_dictionary_of_its_own(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    config = make_config(project, project / "output")
    taught = load_enricher(config)
    assert PLACE in taught.tokenizer.cut(f"{PLACE}举办读书节")
    _remove_place_and_topic(project)
    untaught = load_enricher(config)
    assert PLACE not in untaught.tokenizer.cut(f"{PLACE}举办读书节")
    assert TOPIC_PHRASE not in untaught.tokenizer.cut(f"启动{TOPIC_PHRASE}")
    assert PLACE in taught.tokenizer.cut(f"{PLACE}举办读书节")  # the first keeps its words


@pytest.mark.slow
def test_removed_place_and_topic_match_a_fresh_build_and_cache(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    session = Session(make_config(project, project / "output"))
    session.build(QUIET)
    keywords = [k for issue in session._archive.issues for a in issue.articles  # type: ignore[union-attr]
                for k in a.keywords]
    assert PLACE in keywords, "the fixture should make the place a keyword while listed"

    _remove_place_and_topic(project)
    session.build(QUIET)
    fresh = tmp_path / "fresh-output"
    _build_in_new_process(project, fresh, use_cache=False)
    assert_same_tree(project / "output", fresh)

    # A later cold build reuses what the session left in .baoku-cache.
    cold = tmp_path / "cold-output"
    assembled, cached = _build_in_new_process(project, cold, use_cache=True)
    assert (assembled, cached) == (0, 3), "the cold build should reuse every cached issue"
    assert_same_tree(cold, fresh)

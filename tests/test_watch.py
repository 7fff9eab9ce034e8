"""Watch mode driven for real: a watchdog observer on a temporary project, http requests to
the preview server, files dropped, changed, removed, copied slowly and in bursts."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import socket
import stat
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SEEDS, make_config

from baoku import urls
from baoku.cache.session import Session
from baoku.export import read_issue_records
from baoku.serve import BuildStatus, PreviewServer, inject_banner
from baoku.watch import Targets, Watcher, is_temporary, watch_targets

TIMEOUT = 30.0


def issue_text(headline: str, body: str, day: int = 5) -> str:
    return (f"示范区报\n2024年3月{day}日 第2版\n\n{headline}\n\n"
            f"本报讯（记者王小明）{body}\n相关工作将持续推进，群众反映良好。\n")


BASE_FILES = {
    "content/2024-03-05_a.txt": issue_text("春耕备耕有序推进", "各镇组织农技人员深入田间地头。"),
    "content/2024-03-06_b.txt": issue_text("社区开展义诊活动", "湖滨社区联合卫生院开展义诊。", 6),
}


def issue_url(base: str, name: str) -> str:
    return base + urls.file_of(urls.issue_page(urls.issue_id_for(f"content/{name}")))


def issue_data(base: str, name: str) -> str:
    """The published record of the issue in ``content/<name>`` (a ``YYYY-…`` name): its
    line of the year's data file, "" while it is not there."""
    issue_id = urls.issue_id_for(f"content/{name}")
    try:
        with urllib.request.urlopen(base + urls.year_data(name[:4]), timeout=10) as response:
            lines = gzip.decompress(response.read()).decode("utf-8").splitlines()
    except (urllib.error.URLError, OSError, EOFError):
        return ""
    return next((line for line in lines if json.loads(line)["id"] == issue_id), "")


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def wait_for(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> float:
    """Poll until ``predicate`` holds; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@dataclass
class Live:
    project: Path
    base: str
    watcher: Watcher
    status: BuildStatus
    messages: list[str] = field(default_factory=list)

    @property
    def content(self) -> Path:
        return self.project / "content"

    def wait_idle(self) -> None:
        """Wait until no change is pending and no build runs (after the debounce window)."""
        time.sleep(self.watcher.quiet + self.watcher.settle)
        wait_for(lambda: not self.watcher.busy)


@contextlib.contextmanager
def running(project: Path, *, search: bool = False) -> Iterator[Live]:
    """What ``build.py --watch`` runs: a first build, the server, the watcher."""
    config = make_config(project, project / "output", search=search)
    session = Session(config)
    session.build(lambda m: None)
    session.defer_search = True
    status = BuildStatus()
    server = PreviewServer(config.output_dir, status, port=0)
    base = server.start()
    messages: list[str] = []
    watcher = Watcher(session, status, log=messages.append,
                      reload_config=lambda: make_config(project, project / "output",
                                                        search=search))
    watcher.start()
    try:
        yield Live(project, base, watcher, status, messages)
    finally:
        watcher.stop()
        server.stop()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    project = tmp_path / "project"
    for rel, text in BASE_FILES.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    with running(project) as running_site:
        yield running_site


@pytest.mark.slow
def test_dropped_file_is_served_and_only_it_is_processed(live: Live) -> None:
    name = "2024-03-07_c.txt"
    assert fetch(issue_url(live.base, name))[0] == 404
    (live.content / name).write_text(issue_text("植树活动", "志愿者栽下树苗两百棵。", 7),
                                     encoding="utf-8")
    wait_for(lambda: fetch(issue_url(live.base, name))[0] == 200)
    live.wait_idle()
    counts = live.watcher.session.counts
    # The new issue is segmented once, by the preview that publishes its pages first.
    previewed = live.watcher.last_preview
    assert previewed is not None and len(previewed.issue_ids) == 1
    assert counts.assembled == 0, "the preview's issue is taken from the cache"
    assert counts.cached == len(BASE_FILES) + 1
    assert counts.kept > 0, "pages of unaffected issues are not rendered again"
    assert fetch(issue_url(live.base, "2024-03-05_a.txt"))[0] == 200


@pytest.mark.slow
def test_changed_file_is_served_with_its_new_text(live: Live) -> None:
    name = "2024-03-05_a.txt"
    (live.content / name).write_text(issue_text("春耕备耕有序推进", "新增的句子写着紫云英。"),
                                     encoding="utf-8")
    wait_for(lambda: "紫云英" in issue_data(live.base, name))


@pytest.mark.slow
def test_removed_file_disappears_with_its_pages(live: Live) -> None:
    name = "2024-03-06_b.txt"
    article = live.base + urls.file_of(urls.article_page(urls.issue_id_for(f"content/{name}"),
                                                         1))
    assert fetch(article)[0] == 200
    (live.content / name).unlink()
    wait_for(lambda: fetch(issue_url(live.base, name))[0] == 404)
    assert fetch(article)[0] == 404
    assert fetch(issue_url(live.base, "2024-03-05_a.txt"))[0] == 200


@pytest.mark.slow
def test_burst_of_drops_is_debounced(live: Live) -> None:
    live.wait_idle()
    builds_before = live.watcher.builds
    names = [f"2024-04-{n % 28 + 1:02d}_burst{n:02d}.txt" for n in range(50)]
    for n, name in enumerate(names):
        (live.content / name).write_text(issue_text(f"第{n}条消息", f"编号{n}的报道内容。"),
                                         encoding="utf-8")
    wait_for(lambda: all(issue_data(live.base, name) for name in names))
    live.wait_idle()
    builds = live.watcher.builds - builds_before
    assert live.watcher.events >= 50
    assert 1 <= builds <= 5, f"{builds} builds for a burst of 50 files"


@pytest.mark.slow
def test_temporary_name_is_not_built_until_renamed(live: Live) -> None:
    live.wait_idle()
    builds_before = live.watcher.builds
    final = live.content / "2024-03-08_d.txt"
    partial = live.content / "2024-03-08_d.txt.part"
    partial.write_text(issue_text("防汛演练", "演练持续两个小时。", 8), encoding="utf-8")
    live.wait_idle()
    time.sleep(0.5)
    assert live.watcher.builds == builds_before
    assert fetch(issue_url(live.base, final.name))[0] == 404
    partial.rename(final)
    wait_for(lambda: fetch(issue_url(live.base, final.name))[0] == 200)


@pytest.mark.slow
def test_growing_file_is_built_once_complete(live: Live) -> None:
    live.wait_idle()
    builds_before = live.watcher.builds
    target = live.content / "2024-03-09_e.txt"
    lines = issue_text("文化惠民演出", "演出吸引群众五百余人。", 9).splitlines(keepends=True)
    lines += [f"第{n}段补充内容，记录现场情况。\n" for n in range(8)] + ["结尾句写着木芙蓉。\n"]
    with target.open("w", encoding="utf-8") as handle:
        for line in lines:  # a slow copy: each gap is shorter than the quiet window
            handle.write(line)
            handle.flush()
            time.sleep(live.watcher.quiet / 3)
            assert live.watcher.builds == builds_before, "built while still being written"
    wait_for(lambda: "木芙蓉" in issue_data(live.base, target.name))
    live.wait_idle()
    assert live.watcher.builds == builds_before + 1


@pytest.mark.slow
def test_bad_file_shows_a_banner_while_the_rest_is_served(live: Live) -> None:
    bad = live.content / "2024-03-10_bad.txt"
    bad.write_bytes(b"")
    wait_for(lambda: bool(live.status.snapshot()[0]))
    status, home = fetch(live.base)
    assert status == 200 and 'id="baoku-dev-banner"' in home
    assert urls.relative("", urls.report_page()) in home
    deep_status, deep = fetch(issue_url(live.base, "2024-03-05_a.txt"))
    assert deep_status == 200
    assert urls.relative(urls.issue_page(urls.issue_id_for("content/2024-03-05_a.txt")),
                         urls.report_page()) in deep
    assert any(bad.name in m for m in live.messages), "the terminal names the bad file"
    bad.unlink()
    wait_for(lambda: not live.status.snapshot()[0])
    assert 'id="baoku-dev-banner"' not in fetch(live.base)[1]


@pytest.mark.slow
def test_template_change_rerenders(live: Live) -> None:
    config = make_config(live.project, live.project / "output")
    builtin = config.builtin_theme_dir / "templates" / "base.html"
    override = live.project / "theme" / "templates" / "base.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    text = builtin.read_text(encoding="utf-8")
    override.write_text(text.replace("</body>", "<p id=\"librarian-mark\">本馆</p></body>"),
                        encoding="utf-8")
    wait_for(lambda: "librarian-mark" in fetch(live.base)[1])


@pytest.mark.slow
def test_config_change_rebuilds_and_a_bad_config_shows_a_banner(live: Live) -> None:
    config_file = live.project / "baoku.toml"
    config_file.write_text('[site]\ntitle = "图书馆员的报库"\n', encoding="utf-8")
    wait_for(lambda: "图书馆员的报库" in fetch(live.base)[1])
    config_file.write_text('[site]\ntitel = "拼错的设置"\n', encoding="utf-8")
    wait_for(lambda: bool(live.status.snapshot()[0]))
    problems, stale = live.status.snapshot()
    assert stale and "titel" in problems[0]
    home = fetch(live.base)[1]
    assert 'id="baoku-dev-banner"' in home and "图书馆员的报库" in home
    config_file.write_text('[site]\ntitle = "改好的报库"\n', encoding="utf-8")
    wait_for(lambda: "改好的报库" in fetch(live.base)[1])
    wait_for(lambda: not live.status.snapshot()[0])


def sample_without_last_seed(tmp_path: Path) -> tuple[Path, list[Path]]:
    """A project holding every seed but the last (for a test to drop in); and the seeds."""
    project = tmp_path / "sample"
    seeds = sorted(SEEDS.glob("*.txt"))
    (project / "content").mkdir(parents=True)
    for seed in seeds[:-1]:
        shutil.copy(seed, project / "content" / seed.name)
    return project, seeds


@pytest.mark.slow
def test_drop_to_served_latency_on_the_sample_archive(tmp_path: Path,
                                                      record_property: Callable) -> None:
    """Measures (does not assert) the latency reported in the watch engineer's report."""
    project, seeds = sample_without_last_seed(tmp_path)
    samples = []
    with running(project, search=True) as live:
        for run in range(3):
            name = f"latency{run}_{seeds[-1].name}"
            started = time.monotonic()
            shutil.copy(seeds[-1], live.content / name)
            wait_for(lambda n=name, b=live.base: fetch(issue_url(b, n))[0] == 200)
            samples.append(time.monotonic() - started)
            live.wait_idle()
        live.wait_idle()
        assert not live.watcher.session.search_pending, "the search index caught up"
    median = statistics.median(samples)
    record_property("drop_to_served_median_s", round(median, 3))
    print(f"drop-to-served on the sample archive: median {median:.2f} s of {samples}")


@pytest.mark.parametrize(("name", "temporary"), [
    ("2024-03-05.txt", False),
    ("报纸.md", False),
    ("2024-03-05.txt.part", True),
    ("2024-03-05.txt.crdownload", True),
    ("2024-03-05.txt~", True),
    ("2024-03-05.tmp", True),
    (".2024-03-05.txt.swp", True),
    (".hidden.txt", True),
    ("#autosave#", True),
])
def test_temporary_names(name: str, temporary: bool) -> None:
    assert is_temporary(Path(name)) is temporary


def test_targets_cover_content_theme_and_config(tmp_path: Path) -> None:
    config = make_config(tmp_path, tmp_path / "output")
    targets: Targets = watch_targets(config)
    assert targets.accepts(tmp_path / "content" / "a.txt")
    assert targets.accepts(tmp_path / "content" / "pages" / "about.md")
    assert targets.accepts(tmp_path / "theme" / "templates" / "base.html")
    assert targets.accepts(tmp_path / "baoku.toml")
    assert not targets.accepts(tmp_path / "output" / "index.html")
    assert not targets.accepts(tmp_path / "notes.txt")
    assert not targets.accepts(tmp_path / "content" / "a.txt.part")


def test_banner_goes_right_after_body() -> None:
    html = '<!doctype html><html><body class="x"><main>正文</main></body></html>'.encode()
    out = inject_banner(html, '<div id="b">提示</div>').decode()
    assert out.index('<div id="b">') == out.index('<body class="x">') + len('<body class="x">')
    assert "正文" in out


def test_busy_port_falls_back_to_a_free_one(tmp_path: Path) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    try:
        server = PreviewServer(tmp_path, port=taken)
        try:
            assert server.httpd.server_address[1] != taken
        finally:
            server.stop()
    finally:
        holder.close()


@pytest.mark.slow
def test_data_url_helper_matches_export(tmp_path: Path) -> None:
    """The tests read issue text from the published JSON; check that contract holds."""
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    (project / "content" / "2024-03-05_a.txt").write_text(BASE_FILES["content/2024-03-05_a.txt"],
                                                         encoding="utf-8")
    session = Session(make_config(project, project / "output"))
    session.build(lambda m: None)
    records = read_issue_records(project / "output")
    data = records[urls.issue_id_for("content/2024-03-05_a.txt")]
    assert "田间地头" in json.dumps(data, ensure_ascii=False)


@pytest.mark.slow
def test_a_dropped_issue_is_searchable_before_its_years_index_is_rebuilt(
        tmp_path: Path) -> None:
    project, seeds = sample_without_last_seed(tmp_path)
    with running(project, search=True) as live:
        shutil.copy(seeds[-1], live.content / seeds[-1].name)
        wait_for(lambda: any(m.startswith("搜索索引已更新") for m in live.messages))
        live.wait_idle()
        quick = next(n for n, m in enumerate(live.messages) if m.startswith("已可检索："))
        full = next(n for n, m in enumerate(live.messages) if m.startswith("搜索索引已更新"))
        assert quick < full, live.messages
        listing = json.loads((project / "output" / "pagefind" / "bundles.json").read_text(
            encoding="utf-8"))
        assert "pending" not in listing, "the pending bundle was retired"


@pytest.mark.parametrize("cut_at", ["inside a character", "a line end, shorter than before"])
def test_a_stalled_copy_never_replaces_a_complete_issue(live: Live, cut_at: str) -> None:
    live.wait_idle()
    builds_before = live.watcher.builds
    target = live.content / "2024-03-05_a.txt"
    complete = target.read_bytes()
    longer = complete + "补充段落写着白玉兰。\n".encode() * 20
    if cut_at == "inside a character":
        cut = longer.index("白玉兰".encode()) + 1
    else:
        cut = complete.index(b"\n", len(complete) // 2) + 1
    with target.open("wb") as handle:  # a copy over the complete file that stalls
        handle.write(longer[:cut])
        handle.flush()
        time.sleep(live.watcher.quiet + live.watcher.settle + 2.0)
        assert live.watcher.builds == builds_before, "a stalled copy was built"
        assert "各镇组织农技人员" in issue_data(live.base, target.name)
        handle.write(longer[cut:])
    wait_for(lambda: "白玉兰" in issue_data(live.base, target.name))


def test_a_binary_site_page_does_not_block_later_updates(live: Live) -> None:
    live.wait_idle()
    (live.content / "pages").mkdir(exist_ok=True)
    (live.content / "pages" / "broken.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(256) * 8)
    wait_for(lambda: any("pages/broken.md" in p for p in live.status.snapshot()[0]))
    name = "2024-03-11_f.txt"
    (live.content / name).write_text(issue_text("老年大学开学", "新学期开设书法课。", 11),
                                     encoding="utf-8")
    wait_for(lambda: fetch(issue_url(live.base, name))[0] == 200)
    live.wait_idle()
    assert not any("生成失败" in m for m in live.messages)


def test_folders_published_by_watch_mode_are_world_readable(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for rel, text in BASE_FILES.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    old_umask = os.umask(0o022)
    try:
        with running(project, search=True) as live:
            (live.content / "2024-03-07_c.txt").write_text(
                issue_text("植树活动", "志愿者栽下树苗两百棵。", 7), encoding="utf-8")
            wait_for(lambda: any(m.startswith("搜索索引已更新") for m in live.messages))
            live.wait_idle()
            private = [p for p in (project / "output").rglob("*")
                       if p.is_dir() and not p.stat().st_mode & stat.S_IXOTH]
    finally:
        os.umask(old_umask)
    assert private == []

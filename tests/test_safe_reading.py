"""Reading hostile and careless input: links never lead out of content/, one bad file is
that file's failure (named, in Chinese) and never the build's, and every skipped entry
is in the build report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_config
from conftest import write_files as write

from baoku.config import ConfigError, load_config
from baoku.enrich.places import parse_local_places
from baoku.model import Source
from baoku.pipeline import build
from baoku.read import decode_bytes, duplicate_claims

SECRET = "绝密口令青龙白虎八六三九"


def issue(headline: str = "春耕备耕有序推进", extra: str = "") -> str:
    return (f"示范区报\n2024年3月5日 第2版\n\n{headline}\n\n"
            f"本报讯（记者王小明）各镇组织农技人员深入田间地头，指导农户备耕。{extra}\n"
            "相关工作将持续推进，群众反映良好。\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root, {"content/2024-03-05_a.txt": issue()})
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the project holding files no build may publish."""
    folder = tmp_path / "elsewhere"
    write(folder, {
        "secret.txt": issue("机要文件", SECRET),
        "secret.md": f"---\ntitle: {SECRET}\n---\n\n{SECRET}\n",
        "meta.toml": f'newspaper = "{SECRET}"\n',
        "places.toml": f'[[place]]\nname = "{SECRET}"\nlevel = "district"\n',
    })
    folder.joinpath("pages").mkdir()
    (folder / "pages" / "about.md").write_text(f"---\ntitle: 关于\n---\n\n{SECRET}\n",
                                              encoding="utf-8")
    return folder


def site_text(output: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", errors="replace")
                     for p in output.rglob("*") if p.is_file())


def run_build(project: Path, **kwargs: object):
    output = project / "output"
    return output, build(make_config(project, output, **kwargs), log=lambda m: None)


def failures_by_path(result) -> dict[str, str]:
    return {f.rel_path: f.message for f in result.archive.failures}


# --- links out of content/ ----------------------------------------------------------

def test_links_out_of_the_content_folder_are_never_published(
        project: Path, outside: Path) -> None:
    content = project / "content"
    (content / "x.txt").symlink_to(outside / "secret.txt")
    (content / "2024-03-05_a.meta.toml").symlink_to(outside / "meta.toml")
    (content / "places.toml").symlink_to(outside / "places.toml")
    (content / "pages").mkdir()
    (content / "pages" / "about.md").symlink_to(outside / "secret.md")
    write(project, {"content/2024-03-06_b.md": "## 标题\n\n正文一句。\n"})
    (content / "2024-03-06_b.txt").symlink_to(outside / "secret.txt")
    output, result = run_build(project, search=True)
    assert SECRET not in site_text(output)
    failures = failures_by_path(result)
    assert "content 目录之外" in failures["content/x.txt"]
    assert "content 目录之外" in failures["content/pages/about.md"]
    warnings = "\n".join(w for i in result.archive.issues for w in i.warnings)
    assert "附属信息文件 content/2024-03-05_a.meta.toml" in warnings
    assert "地名文件" in warnings and "content 目录之外" in warnings
    report = (output / "report" / "index.html").read_text(encoding="utf-8")
    assert "content/x.txt" in report and "content/pages/about.md" in report


def test_a_pages_folder_linked_from_elsewhere_is_not_read(project: Path, outside: Path) -> None:
    (project / "content" / "pages").symlink_to(outside / "pages")
    output, result = run_build(project)
    assert SECRET not in site_text(output)
    assert "content/pages" in failures_by_path(result)


def test_links_inside_the_content_folder_are_followed(project: Path) -> None:
    # A folder named with a leading "_" is no paper folder: its files are read only
    # through the link.
    write(project, {"content/_originals/2024-03-07_c.txt": issue("城区道路改造完工")})
    (project / "content" / "2024-03-07_c.txt").symlink_to(
        project / "content" / "_originals" / "2024-03-07_c.txt")
    _, result = run_build(project)
    assert {i.source.rel_path for i in result.archive.issues} == {
        "content/2024-03-05_a.txt", "content/2024-03-07_c.txt"}


def test_silently_skipped_entries_are_reported(project: Path) -> None:
    content = project / "content"
    (content / "loop.txt").symlink_to(content / "loop.txt")
    (content / "dangling.txt").symlink_to(content / "nowhere.txt")
    (content / "folder.txt").mkdir()
    os.mkfifo(content / "pipe.txt")
    write(project, {"content/.hidden.txt": issue()})
    _, result = run_build(project)
    failures = failures_by_path(result)
    assert "无法打开的链接" in failures["content/loop.txt"]
    assert "无法打开的链接" in failures["content/dangling.txt"]
    assert "文件夹" in failures["content/folder.txt"]
    assert "不是普通文件" in failures["content/pipe.txt"]
    assert "隐藏文件" in failures["content/.hidden.txt"]
    assert [i.source.rel_path for i in result.archive.issues] == ["content/2024-03-05_a.txt"]


# --- one bad file is that file's failure ----------------------------------------------

@pytest.mark.parametrize(("page", "said"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "二进制文件"),
    ("---\ntitle: 关于\nx: " + "[" * 20000 + "]" * 20000 + "\n---\n\n正文。\n", "格式有误"),
])
def test_a_bad_site_page_is_reported_and_the_site_builds(
        project: Path, page: str | bytes, said: str) -> None:
    write(project, {"content/pages/bad.md": page,
                    "content/pages/good.md": "---\ntitle: 使用说明\n---\n\n如何检索。\n"})
    output, result = run_build(project)
    assert said in failures_by_path(result)["content/pages/bad.md"]
    assert [p.title for p in result.archive.pages] == ["使用说明"]
    assert (output / "index.html").is_file()


def test_deep_block_nesting_in_a_sidecar_is_that_sidecars_problem(project: Path) -> None:
    nested = "".join(f"{' ' * depth}k{depth}:\n" for depth in range(900)) + " " * 900 + "v\n"
    write(project, {"content/2024-03-05_a.yaml": nested})
    _, result = run_build(project)
    (only,) = result.archive.issues
    assert any("附属信息文件" in w and "格式有误" in w for w in only.warnings)


def test_a_lone_surrogate_in_front_matter_is_removed_and_reported(project: Path) -> None:
    write(project, {
        "content/2024-03-06_b.txt": ('---\ntitle: "头版\\ud800要闻"\n'
                                     'newspaper: "示范\\udfff区报"\n---\n'
                                     + issue("社区开展义诊活动")),
        "content/pages/about.md": '---\ntitle: "关于\\ud800本馆"\n---\n\n本馆简介。\n',
    })
    output, result = run_build(project, search=True)
    issue_b = next(i for i in result.archive.issues if i.id == "2024-03-06_b")
    assert issue_b.source.meta.title == "头版要闻"
    assert issue_b.source.meta.newspaper == "示范区报"
    assert any("不可见字符" in w for w in issue_b.warnings)
    assert [p.title for p in result.archive.pages] == ["关于本馆"]
    assert (output / "issues" / "2024-03-06_b" / "index.html").is_file()


# --- the smaller items -----------------------------------------------------------------

def test_a_file_name_too_long_for_a_sidecar_still_builds(project: Path) -> None:
    name = "2024-03-06_" + "长" * 79 + ".txt"  # 252 bytes: name + ".meta.toml" is too long
    assert len(name.encode()) == 252
    write(project, {f"content/{name}": issue("社区开展义诊活动")})
    _, result = run_build(project)
    assert result.archive.failures == ()
    assert len(result.archive.issues) == 2


def _source(rel: str) -> Source:
    from baoku.model import IssueDate, SourceMeta
    return Source(rel_path=rel, sha256="same", encoding="utf-8", format="txt", text="x",
                  meta=SourceMeta(newspaper=None, date=IssueDate(), edition=None, title=None))


def test_a_large_group_of_duplicates_is_reported_once_per_file() -> None:
    sources = [_source(f"content/copy{n:04d}.txt") for n in range(2000)]
    found = duplicate_claims(sources)
    assert all(len(warnings) == 1 for warnings in found.values())
    assert len(found) == 2000
    assert max(len(w[0]) for w in found.values()) < 300
    assert "等 1999 个文件" in found["content/copy0000.txt"][0]


def test_long_metadata_is_capped_and_invisible_characters_are_cleaned(project: Path) -> None:
    long_name = "示范区报" * 5000
    write(project, {"content/2024-03-06_b.txt":
                    f"---\nnewspaper: {long_name}\ntitle: 头版\u202e要闻\u200b\n---\n"
                    + issue("社区开展义诊活动")})
    output, result = run_build(project)
    issue_b = next(i for i in result.archive.issues if i.id == "2024-03-06_b")
    assert len(issue_b.source.meta.newspaper or "") == 200
    assert issue_b.source.meta.title == "头版要闻"
    assert any("过长" in w for w in issue_b.warnings)
    assert any("不可见字符" in w for w in issue_b.warnings)
    assert sum(p.stat().st_size for p in output.rglob("*") if p.is_file()) < 2_000_000


def test_a_few_nul_bytes_are_stripped_and_reported() -> None:
    data = issue().encode()
    damaged = data[:30] + b"\x00\x00\x00" + data[30:]
    decoded = decode_bytes(damaged, "content/a.txt")
    assert "\x00" not in decoded.text and "春耕备耕" in decoded.text
    assert any("3 个 NUL" in w for w in decoded.warnings)


def test_a_file_half_utf8_half_gbk_is_decoded_line_by_line() -> None:
    first = "示范区报\n2024年3月5日 第2版\n\n春耕备耕有序推进\n".encode()
    second = "本报讯（记者王小明）各镇组织农技人员深入田间地头。\n".encode("gbk")
    decoded = decode_bytes(first + second, "content/a.txt")
    assert "春耕备耕有序推进" in decoded.text and "农技人员深入田间地头" in decoded.text
    assert any("第5行是 GBK" in w for w in decoded.warnings)


def test_duplicate_yaml_keys_are_reported(project: Path) -> None:
    write(project, {"content/2024-03-06_b.txt":
                    "---\ntitle: 第一个标题\ntitle: 第二个标题\n---\n" + issue("社区开展义诊活动")})
    _, result = run_build(project)
    issue_b = next(i for i in result.archive.issues if i.id == "2024-03-06_b")
    assert issue_b.source.meta.title == "第二个标题"
    assert any("键 title 出现了不止一次" in w for w in issue_b.warnings)


@pytest.mark.parametrize("url", ["javascript:alert(1)//", "ftp://example.org/",
                                 "example.org/site/", "https://"])
def test_base_url_must_be_a_web_address(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match="base_url"):
        load_config(tmp_path, {"base_url": url})


def test_a_web_base_url_is_accepted(tmp_path: Path) -> None:
    assert load_config(tmp_path, {"base_url": "https://user.github.io/repo"}).base_url \
        == "https://user.github.io/repo/"


def test_a_places_parent_cycle_is_reported() -> None:
    local = parse_local_places(
        '[[place]]\nname = "甲镇"\nlevel = "town"\nparent = "乙镇"\n'
        '[[place]]\nname = "乙镇"\nlevel = "town"\nparent = "甲镇"\n'
        '[[place]]\nname = "丙村"\nlevel = "village"\nparent = "甲镇"\n')
    cycles = [w for w in local.warnings if "循环" in w]
    assert len(cycles) == 1 and "甲镇" in cycles[0] and "乙镇" in cycles[0]


def test_report_json_lists_skipped_entries(project: Path) -> None:
    (project / "content" / "folder.txt").mkdir()
    output, _ = run_build(project)
    report = json.loads((output / "data" / "report.json").read_text(encoding="utf-8"))
    assert "content/folder.txt" in json.dumps(report, ensure_ascii=False)


def test_a_sidecar_linked_to_an_endless_device_does_not_hang_the_build(project: Path) -> None:
    (project / "content" / "2024-03-05_a.yaml").symlink_to("/dev/zero")
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(project),
                           "--no-search"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = (project / "output" / "report" / "index.html").read_text(encoding="utf-8")
    assert "content/2024-03-05_a.yaml" in report


def test_a_huge_front_matter_is_ignored_and_reported(project: Path) -> None:
    huge = "示范区报" * 1_250_000  # five million characters
    write(project, {"content/2024-03-06_b.txt":
                    f"---\nnewspaper: {huge}\n---\n" + issue("社区开展义诊活动")})
    output, result = run_build(project)
    issue_b = next(i for i in result.archive.issues if i.id == "2024-03-06_b")
    assert issue_b.source.meta.newspaper is None
    assert any("头部信息（front matter）过长" in w for w in issue_b.warnings)
    assert sum(p.stat().st_size for p in output.rglob("*") if p.is_file()) < 2_000_000


def test_a_folder_below_a_paper_folder_is_reported_once(project: Path) -> None:
    # content/2023/ is read (a paper folder named like a date names no paper); a folder
    # one level further down is not read, and says so.
    write(project, {"content/2023/2023-01-01_a.txt": issue(), "content/2023/2023-01-02_b.txt":
                    issue(), "content/鹰城晚报/2024/2024-01-01_c.txt": issue(),
                    "content/鹰城晚报/2024/2024-01-02_d.txt": issue(),
                    "content/pages/about.md": "---\ntitle: 关于\n---\n\n简介。\n",
                    "content/scans/page1.png": b"\x89PNG\r\n\x1a\n"})
    _, result = run_build(project)
    failures = failures_by_path(result)
    assert "2 个 .txt/.md 文件没有读取" in failures["content/鹰城晚报/2024"]
    assert "content/2023" not in failures
    assert "content/pages" not in failures and "content/scans" not in failures
    read = {i.source.rel_path: i.newspaper for i in result.archive.issues}
    assert read == {"content/2024-03-05_a.txt": None, "content/2023/2023-01-01_a.txt": None,
                    "content/2023/2023-01-02_b.txt": None}

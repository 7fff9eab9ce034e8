"""Naming papers and issues: baoku.toml's default paper, one content sub-folder per paper,
distinct labels for issues that would share one, and the 推断 badge."""

from __future__ import annotations

import json
from pathlib import Path

BODY = "## 社区开展便民服务\n\n本报讯 社区开展便民服务活动，居民纷纷点赞。\n"


def front(date: str, paper: str = "", edition: str = "") -> str:
    lines = [f"date: {date}"]
    if paper:
        lines.append(f"newspaper: {paper}")
    if edition:
        lines.append(f"edition: {edition}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + BODY


def archive(out: Path) -> dict[str, dict[str, object]]:
    data = json.loads((out / "data" / "archive.json").read_text(encoding="utf-8"))
    return {issue["source"]: issue for issue in data["issues"]}


def test_a_sub_folder_names_its_paper_unless_the_file_does(build_from) -> None:  # type: ignore[no-untyped-def]
    _, result = build_from({
        "content/平顶山日报/a.md": front("2024-05-01"),
        "content/平顶山日报/b.md": front("2024-05-02", paper="鹰城晚报"),
        "content/c.md": front("2024-05-03"),
        "content/pages/about.md": "---\ntitle: 关于本馆\n---\n\n本馆简介。\n",
    })
    papers = {issue.source.rel_path: issue.newspaper for issue in result.archive.issues}
    assert papers == {"content/平顶山日报/a.md": "平顶山日报",
                      "content/平顶山日报/b.md": "鹰城晚报", "content/c.md": None}


def test_baoku_toml_names_the_paper_of_files_that_do_not(build_from, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "baoku.toml").write_text('[site]\nnewspaper = "平顶山日报"\n',
                                                       encoding="utf-8")
    out, result = build_from({"content/a.md": front("2024-05-01"),
                              "content/b.md": front("2024-05-02", paper="鹰城晚报")})
    assert sorted(i.newspaper for i in result.archive.issues) == ["平顶山日报", "鹰城晚报"]
    page = (out / "issues" / "a" / "index.html").read_text(encoding="utf-8")
    assert "<h1>平顶山日报 2024年5月1日" in page


def test_issues_sharing_a_label_are_told_apart(build_from) -> None:  # type: ignore[no-untyped-def]
    out, _ = build_from({"content/a.md": front("2024-05-01", paper="甲报"),
                              "content/b.md": front("2024-05-01", paper="甲报"),
                              "content/c.md": front("2024-05-01", paper="甲报", edition="第2版")})
    labels = sorted(archive_labels(out))
    assert labels == ["甲报 2024年5月1日 第2版", "甲报 2024年5月1日（第1份）",
                      "甲报 2024年5月1日（第2份）"]


def archive_labels(out: Path) -> list[str]:
    import re

    home = (out / "index.html").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'<a href="issues/[^"]+">([^<]+)</a>', home)))


def test_an_inferred_date_is_a_badge_with_its_evidence(build_from) -> None:  # type: ignore[no-untyped-def]
    text = "社区开展便民服务\n本报讯 2023年，社区工作再上台阶。8月18日，社区开展便民服务活动。\n"
    out, result = build_from({"content/x.txt": text})
    issue = result.archive.issues[0]
    assert issue.date.source == "inferred"
    page = (out / "issues" / issue.id / "index.html").read_text(encoding="utf-8")
    assert "（推断）" not in page.split("<h1>")[1].split("</h1>")[0]
    assert '<abbr class="badge inferred" title="日期由正文推断为' in page

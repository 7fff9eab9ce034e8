"""The synthetic corpus as Hugo content: one Markdown page per article from the ground truth."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

SKELETON = Path(__file__).resolve().parent / "hugo"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _list(values: list[str]) -> str:
    return "[" + ", ".join(_quoted(v) for v in values) + "]"


def article_page(issue: dict, index: int) -> str:
    article = issue["articles"][index]
    front = [
        "+++",
        f"title = {_quoted(article['headline'])}",
        f"date = {issue['date']}",
        f"districts = {_list([article['district']])}",
        f"topics = {_list([article['topic']] if article['topic'] else [])}",
        f"reporters = {_list(article['reporters'])}",
        "+++",
        "",
    ]
    return "\n".join(front) + "\n\n".join(article["paragraphs"]) + "\n"


def export_site(truth_file: Path, target: Path) -> int:
    """Copy the skeleton into ``target`` and write its content; returns the page count."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SKELETON, target)
    articles = target / "content" / "articles"
    articles.mkdir(parents=True)
    count = 0
    for issue in json.loads(truth_file.read_text(encoding="utf-8")):
        stem = Path(issue["file"]).stem
        for index in range(len(issue["articles"])):
            page = articles / f"{stem}-{index + 1:02d}.md"
            page.write_text(article_page(issue, index), encoding="utf-8")
            count += 1
    return count

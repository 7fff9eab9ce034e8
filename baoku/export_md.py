"""``build.py --export-md SOURCE``: what baoku understands of a raw ``.txt``, as a ``.md``."""

from __future__ import annotations

import sys
from pathlib import Path

from . import urls
from .config import Config, ConfigError, load_config
from .enrich import load_enricher
from .markdown_issue import export_markdown
from .model import Issue
from .pipeline import assemble_issue
from .read import ReadError, read_source, relative_path


class ExportError(Exception):
    """The export cannot be written; the message is for the librarian (Chinese)."""


def markdown_path_for(source: Path) -> Path:
    """Where the Markdown of a ``.txt`` goes: beside it, same stem (the build then prefers it)."""
    return source.with_suffix(".md")


def understood_issue(source_path: Path, config: Config) -> Issue:
    """read → clean → segment → enrich for one raw source, as the build would do it."""
    try:
        source = read_source(source_path, config.source_root)
    except ReadError as exc:
        raise ExportError(str(exc)) from exc
    rel = relative_path(source_path, config.source_root)
    return assemble_issue(source, urls.issue_id_for(rel), load_enricher(config))


def export_source(source_path: Path, config: Config) -> Path:
    """Write the ``.md`` beside ``source_path``; never overwrites, never touches the ``.txt``."""
    if not source_path.is_file():
        raise ExportError(f"找不到文件 {source_path}")
    if source_path.suffix.lower() != ".txt":
        raise ExportError(f"{source_path.name} 不是 .txt 原始文本；只有 .txt 可以导出为 Markdown")
    target = markdown_path_for(source_path)
    if target.exists():
        raise ExportError(f"{target} 已经存在，没有覆盖（里面可能有已校对的内容）。"
                          "如需重新导出，请先把它移走或改名")
    text = export_markdown(understood_issue(source_path, config))
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as exc:
        raise ExportError(f"{target} 已经存在，没有覆盖") from exc
    return target


def export_message(source_path: Path, target: Path) -> str:
    return (f"已导出：{target}\n"
            f"请在其中校对标题、作者、段落和图片说明；重新生成网站时将以它为准，"
            f"{source_path.name} 保持不变，作为原始文本一并发布。")


def export_command(source_path: Path, project_root: Path) -> int:
    """``build.py --export-md SOURCE``: exit status 0 when written, 1 with a message if not."""
    try:
        config = load_config(project_root)
        target = export_source(source_path.absolute(), config)
    except (ConfigError, ExportError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(export_message(source_path, target))
    return 0

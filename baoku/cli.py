"""Command line: parse arguments, build, report. Messages are in Simplified Chinese."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .config import ConfigError, load_config
from .export_md import export_command
from .pipeline import BuildError, BuildResult, build


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="报库：把 content/ 中的报纸期次文本生成静态网站（output/）。",
    )
    parser.add_argument("--content", type=Path, help="期次文件所在目录（默认 content/）")
    parser.add_argument("--output", type=Path, help="网站输出目录（默认 output/）")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="项目根目录，baoku.toml 所在处（默认当前目录）")
    parser.add_argument("--base-url", help="网站的完整地址，用于 sitemap 与订阅源，"
                        "例如 https://user.github.io/repo/")
    parser.add_argument("--no-search", action="store_true", help="不生成搜索索引（更快）")
    parser.add_argument("--export-md", type=Path, metavar="SOURCE",
                        help="不生成网站，而是把一个 .txt 原始文本按目前的切分结果导出为同名 .md，"
                        "供馆员校对（不覆盖已有的 .md，不改动 .txt）")
    return parser.parse_args(argv)


def summary(result: BuildResult, seconds: float) -> str:
    archive = result.archive
    lines = [
        f"完成：{len(archive.issues)} 期，{result.article_count} 篇文章，"
        f"{result.warning_count} 条提示，用时 {seconds:.1f} 秒。",
    ]
    if archive.failures:
        lines.append(f"未能读取 {len(archive.failures)} 个文件：")
        lines += [f"  - {f.message}" for f in archive.failures]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.export_md is not None:
        return export_command(args.export_md, args.root)
    started = time.perf_counter()
    try:
        config = load_config(args.root, {
            "content_dir": args.content,
            "output_dir": args.output,
            "base_url": args.base_url,
            "search": False if args.no_search else None,
        })
        result = build(config, log=lambda msg: print(msg, file=sys.stderr))
    except (ConfigError, BuildError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断：output/ 保持为上一次成功生成的版本。", file=sys.stderr)
        return 130
    print(summary(result, time.perf_counter() - started))
    print(f"网站已写入 {config.output_dir}")
    return 0

"""Command line: parse arguments, build, report. Messages are in Simplified Chinese."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from . import __version__, urls
from .cache.session import BuildCounts, Session
from .config import Config, ConfigError, load_config
from .export_md import export_command
from .feeds import feed_warnings
from .footprint import measure, summary_lines
from .pipeline import BuildError, BuildResult
from .progress import Progress
from .safety import check_zip_target
from .serve import DEFAULT_PORT, BuildStatus, PreviewServer
from .zips import index_zip_path, write_site_zip, write_year_zips

DEFAULT_ZIP = Path("dist") / "baoku.zip"


COMMANDS = {
    "build": "生成网站到 output/",
    "serve": "生成并在本机预览，文件变化时自动重新生成并刷新浏览器页面",
}
USAGE = "%(prog)s [build|serve] [选项]"


def parse_args(argv: list[str] | None, prog: str = "baoku") -> argparse.Namespace:
    """``baoku build …``, ``baoku serve …``, or the flat options ``python build.py`` has
    always taken (no command: build, with --serve/--watch/--export-md available)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] in COMMANDS else None
    parser = _parser(prog, command)
    args = parser.parse_args(argv)
    args.command = command
    if command == "serve":
        args.serve = args.watch = True
    return args


def _parser(prog: str, command: str | None) -> argparse.ArgumentParser:
    if command is None:
        parser = argparse.ArgumentParser(
            prog=prog, usage=USAGE,
            description="报库：把 content/ 中的报纸期次文本生成静态网站（output/）。",
            epilog="命令：" + "；".join(f"{prog} {name}：{text}" for name, text in COMMANDS.items())
            + f"。不写命令时等同 {prog} build，并接受下列全部选项。")
    else:
        parser = argparse.ArgumentParser(prog=f"{prog} {command}", description=COMMANDS[command])
    parser.add_argument("--version", action="version", version=f"baoku {__version__}")
    parser.set_defaults(serve=False, watch=False, port=DEFAULT_PORT, export_md=None, zip=None,
                        split_years=False, strict=False)
    _add_site_options(parser)
    if command != "serve":
        _add_build_only_options(parser)
    if command != "build":
        _add_preview_options(parser, flags=command is None)
    return parser


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, help="期次文件所在目录（默认 content/）")
    parser.add_argument("--output", type=Path, help="网站输出目录（默认 output/）")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="项目根目录，baoku.toml 所在处（默认当前目录）")
    parser.add_argument("--base-url", help="网站的完整地址，用于 sitemap 与订阅源，"
                        "例如 https://user.github.io/repo/")
    parser.add_argument("--no-search", action="store_true", help="不生成搜索索引（更快）")
    parser.add_argument("--no-cache", action="store_true",
                        help="不使用增量缓存（.baoku-cache/），所有期次全部重新处理")


def _add_build_only_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="严格模式（适合持续集成）：只要有提示或读不了的文件，命令就以失败结束")
    parser.add_argument("--export-md", type=Path, metavar="SOURCE",
                        help="不生成网站，而是把一个 .txt 原始文本按目前的切分结果导出为同名 .md，"
                        "供馆员校对（不覆盖已有的 .md，不改动 .txt）")
    parser.add_argument("--zip", nargs="?", type=Path, const=DEFAULT_ZIP, metavar="PATH",
                        help=f"另外打包成 zip（默认 {DEFAULT_ZIP}，相对项目根目录）；"
                        "解压得到一个文件夹，双击其中的 index.html 即可离线浏览和搜索")
    parser.add_argument("--split-years", action="store_true",
                        help="按年份打包（含 --zip）：每个年份一个压缩包（baoku-2023.zip …），"
                        "各自解压即可离线浏览和检索该年份，另加一个链接各年份的 baoku-index.zip")


def _add_preview_options(parser: argparse.ArgumentParser, *, flags: bool) -> None:
    if flags:
        parser.add_argument("--serve", action="store_true",
                            help="生成后在本机预览 output/（http://127.0.0.1:端口/）")
        parser.add_argument("--watch", action="store_true",
                            help="生成、预览，并在 content/、theme/ 或 baoku.toml 变化时"
                            "自动更新并刷新浏览器页面")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"预览端口（默认 {DEFAULT_PORT}，被占用时自动换一个空闲端口）")


def summary(result: BuildResult, seconds: float, counts: BuildCounts | None = None,
            config: Config | None = None) -> str:
    archive = result.archive
    lines = [
        f"完成：{len(archive.issues)} 期，{result.article_count} 篇文章，"
        f"{result.warning_count} 条提示，用时 {seconds:.1f} 秒。",
    ]
    if counts is not None and counts.cached:
        lines.append(f"增量生成：重新处理 {counts.assembled} 个文件，"
                     f"{counts.cached} 个未变化的文件沿用缓存。")
    if counts is not None and counts.shards_rebuilt is not None:
        lines.append(f"检索索引：重建 {counts.shards_rebuilt} 个年份分片。")
    lines += [f"提示：{w}" for w in result.search_warnings]
    if archive.failures:
        lines.append(f"未能读取 {len(archive.failures)} 个文件：")
        lines += [f"  - {f.message}" for f in archive.failures]
    if config is not None:
        lines += [f"提示：{w}" for w in feed_warnings(config)]
        lines += summary_lines(measure(config.output_dir, result.article_count))
        report = config.output_dir / urls.file_of(urls.report_page())
        lines.append(f"网站已写入 {config.output_dir}；生成报告（含全部提示）：{report}")
    return "\n".join(lines)


def _config_from(args: argparse.Namespace) -> Config:
    return load_config(args.root, _overrides(args))


def _zip_path(args: argparse.Namespace, config: Config) -> Path | None:
    """Where ``--zip`` writes (``--split-years`` alone zips to the default path)."""
    zip_arg = DEFAULT_ZIP if args.zip is None and args.split_years else args.zip
    if zip_arg is None:
        return None
    return zip_arg if zip_arg.is_absolute() else config.project_root / zip_arg


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "content_dir": args.content,
        "output_dir": args.output,
        "base_url": args.base_url,
        "search": False if args.no_search else None,
    }


def _interrupt_on_sigterm() -> None:
    """Let a terminated build clean up its staging folder like Ctrl-C does."""

    def _raise(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():  # signals need the main thread
        signal.signal(signal.SIGTERM, _raise)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def strict_failure(result: BuildResult, config: Config) -> str | None:
    """Why ``--strict`` fails this build (any warning, also the feed's, or any unreadable
    file), or None."""
    warnings = result.warning_count + len(feed_warnings(config))
    failures = len(result.archive.failures)
    if not warnings and not failures:
        return None
    return (f"严格模式：本次生成有 {warnings} 条提示、{failures} 个读不了的文件，"
            "按失败处理（网站已写入，详见生成报告）。")


def main(argv: list[str] | None = None, prog: str = "baoku") -> int:
    args = parse_args(argv, prog)
    if args.export_md is not None:
        return export_command(args.export_md, args.root)
    _interrupt_on_sigterm()
    started = time.perf_counter()
    progress = Progress(sys.stderr)
    try:
        config = _config_from(args)
        zip_path = _zip_path(args, config)
        if zip_path is not None:  # before the build changes anything
            check_zip_target(index_zip_path(zip_path) if args.split_years else zip_path,
                             config)
        # After one build, nothing reuses its archive but a preview or year zips.
        one_build = not (args.watch or args.serve or args.split_years)
        session = Session(config, use_disk_cache=not args.no_cache, progress=progress,
                          one_build=one_build)
        result = session.build(log=_stderr)
    except (ConfigError, BuildError) as exc:
        progress.close()
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.close()
        print("已中断：output/ 保持为上一次成功生成的版本。", file=sys.stderr)
        return 130
    progress.close()
    print(summary(result, time.perf_counter() - started, session.counts, config))
    if zip_path is not None:
        written = _write_zips(args, config, result, zip_path)
        if written:
            return written
    if args.watch or args.serve:
        status = BuildStatus(tuple(f.message for f in result.archive.failures))
        return _preview(args, session, status)
    failed = strict_failure(result, config) if args.strict else None
    if failed:
        print(f"错误：{failed}", file=sys.stderr)
        return 1
    return 0


def _write_zips(args: argparse.Namespace, config: Config, result: BuildResult,
                zip_path: Path) -> int:
    """Write the zip, or the year zips and their index; the exit code (0: written)."""
    try:
        if not args.split_years:
            count = write_site_zip(config.output_dir, zip_path)
            print(f"已打包 {count} 个文件：{zip_path}（解压后打开 index.html 即可离线浏览）")
            return 0
        years, index = write_year_zips(result.archive, config, config.output_dir, zip_path,
                                       check=lambda path: check_zip_target(path, config))
    except ConfigError as exc:  # a year's zip would replace a file that is not ours
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"错误：无法写入 zip 文件 {zip_path}（{exc.strerror or exc}）；网站已生成，"
              "请检查磁盘空间和该目录的写入权限", file=sys.stderr)
        return 1
    for year in years:
        print(f"已打包 {year.path}（{year.issues} 期，{year.articles} 篇文章）")
    print(f"年份索引：{index}（与各年份的压缩包解压到同一个文件夹，打开其中的 index.html）")
    return 0


def _preview(args: argparse.Namespace, session: Session, status: BuildStatus) -> int:
    from .watch import Watcher  # watchdog is only needed in watch mode

    server = PreviewServer(session.config.output_dir, status, port=args.port,
                           live_reload=args.watch)
    watcher = None
    if args.watch:
        session.progress = None
        session.defer_search = True
        watcher = Watcher(session, status, reload_config=lambda: _config_from(args),
                          log=_stderr)
        watcher.start()
    url = server.start()
    if args.port and server.httpd.server_address[1] != args.port:
        print(f"端口 {args.port} 已被占用，改用 {server.httpd.server_address[1]}。")
    if watcher is not None:
        print("正在监视 content/、theme/ 和 baoku.toml 的变化……")
    print(f"预览地址：{url}（按 Ctrl-C 停止）", flush=True)
    try:
        _sleep_forever()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C (or SIGTERM) must not interrupt the shutdown itself.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if watcher is not None:
            watcher.stop()
        server.stop()
    print("已停止预览。")
    return 0


def _sleep_forever() -> None:
    while True:
        time.sleep(3600)

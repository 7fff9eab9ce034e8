"""What the build may touch: the output folder it replaces, the zip it overwrites, and the
files it reads (never a link that leads out of the content folder).

Every output baoku publishes carries a stamp file; a folder is replaced only when it is
empty, carries the stamp, or has the shape of an output written before stamps existed.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from .config import Config, ConfigError

STAMP_NAME = ".baoku-site"
STAMP_TEXT = ("This folder was written by baoku (报库) and is replaced whole by every build.\n"
              "本目录由报库生成，每次生成都会整体替换；请不要在这里存放其他文件。\n").encode()
ZIP_COMMENT = b"baoku site"
# Files an output of an older baoku (before the stamp) always held.
_OLD_OUTPUT_MARKERS = ("data/archive.json", "report/index.html")
_HOW_TO_PROCEED = ("请另选一个输出目录（命令行 --output，或 baoku.toml 中 [paths] output），"
                   "或者先把该目录中的文件移走")


class UnsafeOutput(ConfigError):
    """The output (or zip) would replace something that is not a baoku site (Chinese)."""


def within(path: Path, folder: Path) -> bool:
    """``path``, links followed, lies inside ``folder`` (links followed too)."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False


def lexically_within(path: Path, folder: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))


def check_output_location(config: Config) -> None:
    """Refuse an output folder whose replacement would delete the sources or the project."""
    output = Path(os.path.realpath(config.output_dir))
    content = Path(os.path.realpath(config.content_dir))
    root = Path(os.path.realpath(config.project_root))
    folder = config.output_dir
    if output == content:
        problem = "就是期次文件所在的目录（content）"
    elif content.is_relative_to(output):
        problem = f"包含期次文件所在的目录 {config.content_dir}"
    elif output == root:
        problem = "就是项目根目录"
    elif root.is_relative_to(output):
        problem = "是项目根目录的上级目录"
    else:
        inputs = [config.theme_dir, config.cache_dir, config.topics_file, config.places_file]
        inside = [p for p in inputs if p is not None and within(p, output)]
        if not inside:
            return
        problem = f"包含生成时要读取的 {inside[0]}"
    raise UnsafeOutput(f"输出目录 {folder} {problem}：每次生成都会整体替换输出目录，"
                       f"会删除其中的文件，因此已停止生成，没有改动任何文件。{_HOW_TO_PROCEED}")


def is_baoku_output(folder: Path) -> bool:
    """Stamped by baoku, or shaped like an output of an older baoku."""
    if (folder / STAMP_NAME).is_file():
        return True
    return all((folder / marker).is_file() for marker in _OLD_OUTPUT_MARKERS)


def check_replaceable(output_dir: Path) -> None:
    """Refuse to replace anything but a missing or empty folder or a baoku output."""
    if not os.path.lexists(output_dir):
        return
    if output_dir.is_symlink() or not output_dir.is_dir():
        kind = "是一个链接" if output_dir.is_symlink() else "是一个文件，不是目录"
        raise UnsafeOutput(f"输出目录 {output_dir} {kind}，为避免覆盖，已停止生成，"
                           f"没有改动任何文件。{_HOW_TO_PROCEED}")
    try:
        entries = sorted(os.listdir(output_dir))
    except OSError as exc:
        raise UnsafeOutput(f"无法查看输出目录 {output_dir}（{exc.strerror or exc}），"
                           "已停止生成，没有改动任何文件；请检查该目录的权限") from exc
    if not entries or is_baoku_output(output_dir):
        return
    shown = "、".join(entries[:5]) + (f" 等 {len(entries)} 项" if len(entries) > 5 else "")
    raise UnsafeOutput(f"输出目录 {output_dir} 已有不是报库生成的文件（{shown}）：每次生成都会"
                       f"整体替换输出目录，会删除这些文件，因此已停止生成，没有改动任何文件。"
                       f"{_HOW_TO_PROCEED}")


def check_output(config: Config) -> None:
    """Everything ``check_output_location`` and ``check_replaceable`` refuse."""
    check_output_location(config)
    check_replaceable(config.output_dir)


def check_zip_target(zip_path: Path, config: Config) -> None:
    """A zip may be written where nothing is, or over a zip baoku wrote."""
    if lexically_within(zip_path, config.output_dir) or within(zip_path, config.output_dir):
        raise UnsafeOutput(f"zip 文件 {zip_path} 位于输出目录之中，会被下一次生成删除；"
                           "请把 zip 放在输出目录之外（例如默认的 dist/baoku.zip）")
    if not os.path.lexists(zip_path):
        return
    if zip_path.is_symlink() or not zip_path.is_file() or not _is_baoku_zip(zip_path):
        raise UnsafeOutput(f"{zip_path} 已存在，且不是报库生成的 zip 文件；为避免覆盖，"
                           "已停止，没有改动任何文件。请另选 zip 文件名（--zip 路径），"
                           "或先把该文件移走")


def _is_baoku_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.comment == ZIP_COMMENT:
                return True
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return all(marker in names for marker in _OLD_OUTPUT_MARKERS)


# --- what the build reads ------------------------------------------------------------

def unreadable_reason(path: Path, folder: Path) -> str | None:
    """Why the entry ``path`` of ``folder`` is not read as a file, or None when it may be:
    a link leading out of ``folder`` (or nowhere), a folder, a pipe or a device."""
    if path.is_symlink():
        try:
            os.stat(path)
        except OSError:
            return "是一个无法打开的链接（目标不存在，或链接指向自身形成循环），已跳过"
        if not within(path, folder):
            return "是指向 content 目录之外的链接；为安全起见，不读取也不发布目录之外的文件，已跳过"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"无法查看（{exc.strerror or exc}），已跳过"
    if stat.S_ISDIR(mode):
        return "是一个文件夹，不是文本文件，已跳过"
    if not stat.S_ISREG(mode):
        return "不是普通文件（可能是管道、设备或套接字），已跳过"
    return None


def safe_file(path: Path | None, content_dir: Path, label: str
              ) -> tuple[Path | None, tuple[str, ...]]:
    """``path`` unless it lies in the content folder but leads out of it (a link): then
    None and a message. A file configured elsewhere on purpose is the librarian's choice."""
    if path is None or not lexically_within(path, content_dir) or not os.path.lexists(path):
        return path, ()
    reason = unreadable_reason(path, content_dir)
    if reason is None:
        return path, ()
    return None, (f"{label} {reason.removesuffix('，已跳过')}，已忽略",)

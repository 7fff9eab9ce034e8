"""Read stage: bytes -> Source (decoding, front matter, metadata from file names, dates)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .model import Source, SourceMeta


class ReadError(Exception):
    """The file cannot be read as an issue; the message is for the librarian (Chinese)."""


def read_source(path: Path, project_root: Path) -> Source:
    data = path.read_bytes()
    try:
        rel = path.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{rel}：无法按 UTF-8 解码") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(f"{rel}：文件为空")
    return Source(
        rel_path=rel,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="utf-8",
        format="md" if path.suffix.lower() == ".md" else "txt",
        text=text,
        meta=SourceMeta(),
    )

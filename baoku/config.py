"""One validated, frozen build configuration, read from ``baoku.toml`` and the command line."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CONFIG_FILE = "baoku.toml"
MAX_DEFAULT_WORKERS = 8  # more processes than this only add memory on a typical machine


def _builtin_theme() -> Path:
    """The built-in theme: ``baoku/theme/`` when installed from a wheel, else the checkout's
    top-level ``theme/`` (source tree, editable install), which the wheel is built from."""
    package = Path(__file__).resolve().parent
    installed = package / "theme"
    return installed if installed.is_dir() else package.parent / "theme"


PACKAGE_THEME = _builtin_theme()


def default_workers() -> int:
    """One worker per available core, at most ``MAX_DEFAULT_WORKERS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_WORKERS, cores))


class ConfigError(ValueError):
    """A configuration problem, worded for the librarian (Simplified Chinese)."""


@dataclass(frozen=True)
class Config:
    """Every setting the build reads. Paths are absolute after ``load_config``."""

    project_root: Path
    content_dir: Path
    output_dir: Path
    theme_dir: Path  # a librarian's theme; overrides the built-in one file by file
    cache_dir: Path
    site_title: str = "报库 · 数字报纸档案"
    site_description: str = "地方报纸数字档案：按期、按地区、按主题浏览与检索。"
    base_url: str = ""  # absolute site URL for sitemap/feeds, e.g. https://user.github.io/repo/
    # The paper an issue belongs to when neither its file nor its content sub-folder
    # names one ("" = unknown).
    newspaper: str = ""
    topics_file: Path | None = None  # defaults to the built-in taxonomy when None
    places_file: Path | None = None  # archive-level place list (content/places.toml)
    search: bool = True  # build the Pagefind index (and its packs for file://)
    fixed_time: str | None = None  # ISO timestamp used instead of now (reproducible builds)
    workers: int = field(default_factory=default_workers)  # 1 = everything in-process
    # Publish each issue's record as data/issues/<id>.json: the public data contract that
    # tools such as the segmentation scorer read. Off (a large archive's choice): the
    # gzipped year files only, and archive.json's ``data`` names those instead.
    issue_data_files: bool = True

    @property
    def builtin_theme_dir(self) -> Path:
        return PACKAGE_THEME

    @property
    def source_root(self) -> Path:
        """What source paths are written relative to: the project folder, or, for a content
        folder outside it, that folder's parent (``content/a.txt`` either way), so no
        absolute path of the build machine reaches the site or its data."""
        if self.content_dir.is_relative_to(self.project_root):
            return self.project_root
        return self.content_dir.parent


_SITE_KEYS = {"title": "site_title", "description": "site_description", "base_url": "base_url",
              "newspaper": "newspaper"}
_PATH_KEYS = {
    "content": "content_dir",
    "output": "output_dir",
    "theme": "theme_dir",
    "cache": "cache_dir",
    "topics": "topics_file",
    "places": "places_file",
}
_BUILD_KEYS = {"search": "search", "fixed_time": "fixed_time", "workers": "workers",
               "issue_data_files": "issue_data_files"}
_SECTIONS = {"site": _SITE_KEYS, "paths": _PATH_KEYS, "build": _BUILD_KEYS}


def default_config(root: Path) -> Config:
    root = root.resolve()
    places = root / "content" / "places.toml"
    return Config(
        project_root=root,
        content_dir=root / "content",
        output_dir=root / "output",
        theme_dir=root / "theme",
        cache_dir=root / ".baoku-cache",
        places_file=places,
    )


def _check_type(name: str, value: Any, expected: type, where: str) -> None:
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(f"{where}：设置项 {name} 的值类型不对（应为 {expected.__name__}）")


def _apply_table(cfg: Config, table: dict[str, Any], where: str) -> Config:
    changes: dict[str, Any] = {}
    for section, values in table.items():
        keys = _SECTIONS.get(section)
        if keys is None:
            raise ConfigError(f"{where}：未知的配置段 [{section}]，可用的有 {', '.join(_SECTIONS)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}：[{section}] 应当是一个配置段")
        for key, value in values.items():
            attr = keys.get(key)
            if attr is None:
                raise ConfigError(
                    f"{where}：[{section}] 中未知的设置项 {key}，可用的有 {', '.join(keys)}"
                )
            if section == "paths":
                _check_type(key, value, str, where)
                value = (cfg.project_root / value).resolve()
            elif attr in ("search", "issue_data_files"):
                _check_type(key, value, bool, where)
            elif attr == "workers":
                _check_type(key, value, int, where)
                if value < 1:
                    raise ConfigError(f"{where}：workers 至少为 1")
            else:
                _check_type(key, value, str, where)
            changes[attr] = value
    return replace(cfg, **changes)


def load_config(root: Path, overrides: dict[str, Any] | None = None) -> Config:
    """Defaults, then ``baoku.toml`` in ``root`` if present, then command-line overrides."""
    cfg = default_config(root)
    path = cfg.project_root / CONFIG_FILE
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path.name}：无法解析（{exc}）") from exc
        cfg = _apply_table(cfg, table, path.name)
    known = {f.name for f in fields(Config)}
    for key, value in (overrides or {}).items():
        if key not in known:
            raise ConfigError(f"未知的设置项 {key}")
        if value is not None:
            if key.endswith("_dir") or key.endswith("_file"):
                value = Path(value).resolve()
            cfg = replace(cfg, **{key: value})
    _check_base_url(cfg.base_url)
    if cfg.base_url and not cfg.base_url.endswith("/"):
        cfg = replace(cfg, base_url=cfg.base_url + "/")
    return cfg


def _check_base_url(url: str) -> None:
    """Feeds and the sitemap print it into every link: only a web address will do."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(
            ch.isspace() or ord(ch) < 32 for ch in url):
        raise ConfigError(f"网站地址 base_url “{url[:80]}”无效：应为以 http:// 或 https:// "
                          "开头的完整网址，例如 https://user.github.io/repo/")

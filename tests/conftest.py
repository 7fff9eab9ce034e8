"""Shared fixtures: the sample archive built once, an inline-fixture site builder,
a local http server and headless Chromium (Debian ``chromium`` driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from baoku.config import Config, load_config
from baoku.pipeline import BuildResult, build
from baoku.tokenizer import JiebaTokenizer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "content"
SHARED = ROOT.parent / "shared"  # beside the checkout here and in CI, never in a user's clone
GOLD = SHARED / "gold"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXED_TIME = "2026-01-01T08:00:00+08:00"

# One jieba dictionary for the unit tests of a module, loaded on first use; the words a test
# teaches it stay in this instance (the build gives every enricher a dictionary of its own).
shared_tokenizer = functools.cache(JiebaTokenizer)


def require_shared(path: Path) -> Path:
    """``path`` under ../shared, or skip: a user's clone has no shared/ folder beside it."""
    if not path.exists():
        pytest.skip(f"needs {path} (the project's shared folder beside the checkout), "
                    "which exists only in the project's own workspace and CI")
    return path


def gold_paths() -> list[Path]:
    """The public gold annotations, or skip when ../shared/gold is absent."""
    return sorted(require_shared(GOLD).glob("*.json"))


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def build_leftovers(output: Path, timeout: float = 20.0) -> list[str]:
    """Names of the staging and old-output folders beside ``output`` once the previous
    output's removal, which runs in a detached process after a commit, has finished
    (or ``timeout`` seconds have passed)."""
    deadline = time.monotonic() + timeout
    while True:
        names = sorted(p.name for p in output.parent.glob(f".{output.name}.*"))
        if not names or time.monotonic() > deadline:
            return names
        time.sleep(0.05)


def make_config(project: Path, output: Path, *, search: bool = False,
                content: Path | None = None) -> Config:
    return load_config(project, {
        "content_dir": content or project / "content",
        "output_dir": output,
        "search": search,
        "fixed_time": FIXED_TIME,
    })


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding three of the seeds (files a test may change)."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(seed, root / "content" / seed.name)
    return root


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The five seeds built once, search indexes included: (output dir, result)."""
    project = tmp_path_factory.mktemp("seed-project")
    shutil.copytree(SEEDS, project / "content")
    out = project / "output"
    result = build(make_config(project, out, search=True), log=lambda m: None)
    return out, result


SiteBuilder = Callable[..., tuple[Path, BuildResult]]


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text, written as UTF-8, or bytes) below ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def build_from(tmp_path: Path) -> SiteBuilder:
    """Build a site from inline files: ``build_from({"content/a.txt": "…"})``.

    Values may be ``str`` (written as UTF-8) or ``bytes`` (written as is).
    Returns (output dir, result).
    """

    def _build(files: dict[str, str | bytes], *, search: bool = False
               ) -> tuple[Path, BuildResult]:
        project = tmp_path / "project"
        (project / "content").mkdir(parents=True, exist_ok=True)
        write_files(project, files)
        out = project / "output"
        return out, build(make_config(project, out, search=search), log=lambda m: None)

    return _build


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """Serve a folder on 127.0.0.1; returns its base URL ending in ``/``."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def _serve(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield _serve
    for server in servers:
        server.shutdown()


def _browser_unavailable_reason() -> str | None:
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (/usr/bin/chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium. Under CI (CI=true) a missing browser fails instead of skipping."""
    reason = _browser_unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh page; console errors are collected on ``page.console_errors``."""
    context = browser.new_context()  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.console_errors = errors
    yield pg
    context.close()

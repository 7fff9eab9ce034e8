"""``baoku serve`` in Chromium: an open page reloads itself after a rebuild publishes."""

from __future__ import annotations

from pathlib import Path

import pytest

from baoku.serve import BuildStatus, PreviewServer

pytestmark = pytest.mark.browser


def version_page(text: str) -> str:
    return (f"<html><head><link rel='icon' href='data:,'></head>"
            f"<body><p id='v'>{text}</p></body></html>")


def test_an_open_page_reloads_after_a_rebuild(tmp_path: Path, page: object) -> None:
    (tmp_path / "index.html").write_text(version_page("第一版"), encoding="utf-8")
    status = BuildStatus()
    server = PreviewServer(tmp_path, status, port=0, live_reload=True)
    url = server.start()
    try:
        page.goto(url)  # type: ignore[attr-defined]
        page.evaluate("window.notReloadedYet = true")  # type: ignore[attr-defined]
        page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # the poll has seen generation 0
        assert page.evaluate("window.notReloadedYet === true")  # type: ignore[attr-defined]
        (tmp_path / "index.html").write_text(version_page("第二版"), encoding="utf-8")
        status.update(())
        page.wait_for_function(  # type: ignore[attr-defined]
            "document.getElementById('v').textContent === '第二版'", timeout=10_000)
        assert page.evaluate("window.notReloadedYet === undefined")  # type: ignore[attr-defined]
        assert page.console_errors == []  # type: ignore[attr-defined]
    finally:
        server.stop()

"""How long a reader waits for search results on a built site, in headless Chromium.

    python bench/search_latency.py bench/out/10000/run/output [--delay-ms 50] [QUERY ...]

The site is served over local http (each request delayed by ``--delay-ms``, a stand-in
for network latency). For every query a fresh browser context opens the search page with
``?q=`` and the time until the first results are shown is taken (the page shows the
first few as soon as they are in), with the number of requests and bytes it needed, and
the same until the whole first page of results is shown; then a second query is typed
on the same page (timed to its whole page). A last
column runs Pagefind's own ``search`` over every bundle in ``pagefind/bundles.json`` and
reports how many candidate pages it returns and how long that took: the part of the wait
that grows with the archive.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
DEFAULT_QUERIES = ("新华区", "人才", "社区")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
SECOND_QUERY_SUFFIX = " 社区"
TIMEOUT_MS = 180_000
# The search page marks #search-results with the query it shows once results are in:
# "partial" while the first few are shown and the rest of the page loads.
RESULTS_SHOWN = """q => { const r = document.getElementById('search-results');
  return r.dataset.state && r.dataset.state !== 'loading' && r.dataset.query === q; }"""
PAGE_SHOWN = """q => { const r = document.getElementById('search-results');
  return r.dataset.state && r.dataset.state !== 'loading' && r.dataset.state !== 'partial'
    && r.dataset.query === q; }"""
# As the search page does: Pagefind told the language is unknown (no dictionary
# segmenter cutting the query's words), every bundle merged.
PAGEFIND_SEARCH = """async (queries) => {
  const list = await (await fetch('pagefind/bundles.json')).json();
  const pf = await import('/pagefind/' + list.bundles[0] + '/pagefind.js');
  await pf.options({baseUrl: '/'});
  document.documentElement.setAttribute('lang', 'unknown');
  await Promise.all(list.bundles.slice(1).map(
    n => pf.mergeIndex('/pagefind/' + n + '/', {baseUrl: '/'})));
  await pf.init();
  const out = [];
  for (const q of queries) {
    const start = performance.now();
    const found = await pf.search(q);
    out.push([found.results.length, performance.now() - start]);
  }
  return out;
}"""


class _DelayedHandler(http.server.SimpleHTTPRequestHandler):
    delay = 0.0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(self.delay)
        super().do_GET()


@contextmanager
def serve(site: Path, delay: float) -> Iterator[str]:
    handler = type("Handler", (_DelayedHandler,), {"delay": delay})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def pagefind_query(query: str) -> str:
    """The query roughly as the search page hands it to Pagefind: each Chinese run as its
    overlapping character pairs (one character alone), other words whole; one Chinese run
    alone as an exact phrase."""
    runs = _CJK_RUN.findall(query)
    words = [w for w in _WORD.findall(query.lower()) if not _CJK_RUN.fullmatch(w)]
    parts = [" ".join(_pairs(run)) for run in runs] + words
    if len(runs) == 1 and not words and len(runs[0]) > 1:
        return f'"{parts[0]}"'
    return " ".join(parts)


def _pairs(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)] or [run]


def _record_size(sizes: list[int], response: Any) -> None:
    sizes.append(int(response.headers.get("content-length", 0) or 0))


def measure(site: Path, queries: list[str], delay: float,
            browser: object | None = None) -> list[dict]:
    """One row per query (see the module's docstring); ``browser``: a Playwright
    Chromium to use instead of launching one."""
    if browser is not None:
        return _measure_with(browser, site, queries, delay)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)
        try:
            return _measure_with(chromium, site, queries, delay)
        finally:
            chromium.close()


def _measure_with(browser: Any, site: Path, queries: list[str], delay: float) -> list[dict]:
    rows = []
    with serve(site, delay) as base:
        for query in queries:
            rows.append(_reader_search(browser, base, query))
        page = browser.new_page()
        page.goto(base + "index.html")
        engine = page.evaluate(PAGEFIND_SEARCH, [pagefind_query(q) for q in queries])
        page.close()
    for row, (candidates, ms) in zip(rows, engine, strict=True):
        row["candidates"], row["engine_seconds"] = candidates, ms / 1000
    return rows


def _reader_search(browser: Any, base: str, query: str) -> dict:
    """A reader's first search (a fresh context: nothing cached) and a second one."""
    context = browser.new_context()
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", functools.partial(_record_size, sizes))
    start = time.perf_counter()
    page.goto(f"{base}search/index.html?q={quote(query)}")
    page.wait_for_function(RESULTS_SHOWN, arg=query, timeout=TIMEOUT_MS)
    first = time.perf_counter() - start
    requests, size = len(sizes), sum(sizes)
    page.wait_for_function(PAGE_SHOWN, arg=query, timeout=TIMEOUT_MS)
    full = time.perf_counter() - start
    full_requests, full_size = len(sizes), sum(sizes)
    status = page.evaluate("document.getElementById('search-status').textContent")
    second_query = query + SECOND_QUERY_SUFFIX
    start = time.perf_counter()
    page.fill("#search-input", second_query)
    page.press("#search-input", "Enter")
    page.wait_for_function(PAGE_SHOWN, arg=second_query, timeout=TIMEOUT_MS)
    second = time.perf_counter() - start
    context.close()
    return {"query": query, "first": first, "requests": requests, "bytes": size,
            "full": full, "full_requests": full_requests, "full_bytes": full_size,
            "second": second, "status": status.strip()}


def report(site: Path, rows: list[dict], delay: float) -> str:
    bundles = json.loads((site / "pagefind" / "bundles.json").read_text(encoding="utf-8"))
    lines = [f"{site}：{len(bundles['bundles'])} 个 Pagefind 包，每个请求延迟 "
             f"{delay * 1000:.0f} ms", "",
             "| 查询 | 首次出结果 | 请求数 / 大小 | 整页结果 | 请求数 / 大小 | 再搜一次 "
             "| Pagefind 候选页 / 用时 | 页面显示 |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['query']} | {row['first']:.2f} s | {row['requests']} / "
                     f"{row['bytes'] / 1e6:.2f} MB | {row['full']:.2f} s | "
                     f"{row['full_requests']} / {row['full_bytes'] / 1e6:.2f} MB | "
                     f"{row['second']:.2f} s | "
                     f"{row['candidates']:,} / {row['engine_seconds']:.2f} s | "
                     f"{row['status']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="读者在检索页等结果要多久（无头 Chromium）")
    parser.add_argument("site", type=Path, help="生成好的站点（output/）")
    parser.add_argument("queries", nargs="*", default=list(DEFAULT_QUERIES))
    parser.add_argument("--delay-ms", type=float, default=0.0,
                        help="每个请求额外等待的毫秒数（模拟网络延迟）")
    args = parser.parse_args(argv)
    delay = args.delay_ms / 1000
    print(report(args.site, measure(args.site, args.queries, delay), delay))


if __name__ == "__main__":
    main()

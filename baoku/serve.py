"""Local preview server for ``output/``: no caching, and a Chinese banner while the last
build had problems (the banner exists only on this server, never in the built files)."""

from __future__ import annotations

import errno
import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from . import urls

BANNER_TEMPLATE = Path(__file__).resolve().parent / "data" / "dev_banner.html"
DEFAULT_PORT = 8000


@dataclass
class BuildStatus:
    """What the last build left for the librarian to see; shared with the server threads."""

    problems: tuple[str, ...] = ()
    stale: bool = False  # the last build failed as a whole: output/ is the previous build
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, problems: tuple[str, ...], *, stale: bool = False) -> None:
        with self._lock:
            self.problems, self.stale = problems, stale

    def snapshot(self) -> tuple[tuple[str, ...], bool]:
        with self._lock:
            return self.problems, self.stale


@functools.cache
def _banner_template() -> jinja2.Template:
    return jinja2.Environment(autoescape=True).from_string(
        BANNER_TEMPLATE.read_text(encoding="utf-8"))


def banner_html(problems: tuple[str, ...], stale: bool, site_path: str) -> str:
    report = urls.relative(site_path, urls.report_page())
    return _banner_template().render(problems=problems, stale=stale, report=report)


def inject_banner(html: bytes, banner: str) -> bytes:
    """Put the banner right after ``<body …>`` (or first, when there is no body tag)."""
    text = html.decode("utf-8", errors="replace")
    lower = text.lower()
    start = lower.find("<body")
    end = lower.find(">", start) + 1 if start >= 0 else 0
    return (text[:end] + banner + text[end:]).encode("utf-8")


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder; HTML gets the problem banner while ``status`` has problems."""

    status: BuildStatus

    def __init__(self, *args: object, status: BuildStatus, **kwargs: object) -> None:
        self.status = status
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if not self._send_with_banner(head_only=False):
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._send_with_banner(head_only=True):
            super().do_HEAD()

    def _send_with_banner(self, *, head_only: bool) -> bool:
        problems, stale = self.status.snapshot()
        if not problems:
            return False
        url_path = urlsplit(self.path).path
        file = Path(self.translate_path(self.path))
        if file.is_dir() and url_path.endswith("/"):
            file = file / "index.html"
        if file.suffix.lower() not in (".html", ".htm") or not file.is_file():
            return False
        site_path = unquote(url_path).lstrip("/")
        body = inject_banner(file.read_bytes(), banner_html(problems, stale, site_path))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)
        return True


class PreviewServer:
    """``output/`` on 127.0.0.1 in a background thread."""

    def __init__(self, directory: Path, status: BuildStatus | None = None, *,
                 port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
        self.status = status or BuildStatus()
        handler = functools.partial(PreviewHandler, directory=str(directory),
                                    status=self.status)
        self.httpd = _bind(host, port, handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> str:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name="baoku-preview")
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
        self.httpd.server_close()


def _bind(host: str, port: int, handler: functools.partial[PreviewHandler]
          ) -> http.server.ThreadingHTTPServer:
    """Bind ``port``, or any free port when it is taken."""
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE or port == 0:
            raise
        return http.server.ThreadingHTTPServer((host, 0), handler)

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
GENERATION_PATH = "/__baoku__/generation"  # answered by the preview server only
# Polls the server's build generation and reloads the page when a rebuild published.
RELOAD_SCRIPT = (
    '<script id="baoku-live-reload">(()=>{let seen=null;const poll=()=>fetch("'
    + GENERATION_PATH + '",{cache:"no-store"}).then(r=>r.text()).then(g=>{'
    "if(seen!==null&&g!==seen){location.reload()}seen=g}).catch(()=>{})"
    ".finally(()=>setTimeout(poll,1000));poll()})();</script>"
)


@dataclass
class BuildStatus:
    """What the last build left for the librarian to see; shared with the server threads."""

    problems: tuple[str, ...] = ()
    stale: bool = False  # the last build failed as a whole: output/ is the previous build
    generation: int = 0  # counts what the watcher published: open pages reload when it moves
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, problems: tuple[str, ...], *, stale: bool = False) -> None:
        with self._lock:
            self.problems, self.stale = problems, stale
            self.generation += 1

    def published(self) -> None:
        """Pages changed in ``output/`` (e.g. a new issue's pages, before the full build)."""
        with self._lock:
            self.generation += 1

    def snapshot(self) -> tuple[tuple[str, ...], bool]:
        with self._lock:
            return self.problems, self.stale

    def snapshot_generation(self) -> int:
        with self._lock:
            return self.generation


@functools.cache
def _banner_template() -> jinja2.Template:
    return jinja2.Environment(autoescape=True).from_string(
        BANNER_TEMPLATE.read_text(encoding="utf-8"))


def banner_html(problems: tuple[str, ...], stale: bool, site_path: str) -> str:
    report = urls.relative(site_path, urls.report_page())
    return _banner_template().render(problems=problems, stale=stale, report=report)


def inject_reload_script(html: bytes) -> bytes:
    """Put the live-reload script before ``</body>`` (or last, when there is none)."""
    text = html.decode("utf-8", errors="replace")
    end = text.lower().rfind("</body>")
    end = len(text) if end < 0 else end
    return (text[:end] + RELOAD_SCRIPT + text[end:]).encode("utf-8")


def inject_banner(html: bytes, banner: str) -> bytes:
    """Put the banner right after ``<body …>`` (or first, when there is no body tag)."""
    text = html.decode("utf-8", errors="replace")
    lower = text.lower()
    start = lower.find("<body")
    end = lower.find(">", start) + 1 if start >= 0 else 0
    return (text[:end] + banner + text[end:]).encode("utf-8")


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site folder; HTML gets the problem banner while ``status`` has problems
    and, with ``live_reload``, a script that reloads it after each rebuild. A missing page
    is answered with the site's own ``404.html``."""

    status: BuildStatus

    def __init__(self, *args: object, status: BuildStatus, live_reload: bool = False,
                 **kwargs: object) -> None:
        self.status, self.live_reload = status, live_reload
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if not self._send_special(head_only=False):
            super().do_GET()

    def do_HEAD(self) -> None:
        if not self._send_special(head_only=True):
            super().do_HEAD()

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != http.HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        self._send_html(404, self._decorated(page.read_bytes(), "404.html"),
                        head_only=self.command == "HEAD")

    def _send_special(self, *, head_only: bool) -> bool:
        """The generation counter, or an HTML page that needs decorating; False otherwise."""
        url_path = urlsplit(self.path).path
        if self.live_reload and url_path == GENERATION_PATH:
            body = str(self.status.snapshot_generation()).encode("ascii")
            self._send(200, "text/plain; charset=utf-8", body, head_only=head_only)
            return True
        problems, _ = self.status.snapshot()
        if not problems and not self.live_reload:
            return False
        file = Path(self.translate_path(self.path))
        if file.is_dir() and url_path.endswith("/"):
            file = file / "index.html"
        if file.suffix.lower() not in (".html", ".htm") or not file.is_file():
            return False
        site_path = unquote(url_path).lstrip("/")
        self._send_html(200, self._decorated(file.read_bytes(), site_path), head_only=head_only)
        return True

    def _decorated(self, html: bytes, site_path: str) -> bytes:
        problems, stale = self.status.snapshot()
        if problems:
            html = inject_banner(html, banner_html(problems, stale, site_path))
        return inject_reload_script(html) if self.live_reload else html

    def _send_html(self, code: int, body: bytes, *, head_only: bool) -> None:
        self._send(code, "text/html; charset=utf-8", body, head_only=head_only)

    def _send(self, code: int, content_type: str, body: bytes, *, head_only: bool) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)


class PreviewServer:
    """``output/`` on 127.0.0.1 in a background thread."""

    def __init__(self, directory: Path, status: BuildStatus | None = None, *,
                 port: int = DEFAULT_PORT, host: str = "127.0.0.1",
                 live_reload: bool = False) -> None:
        self.status = status or BuildStatus()
        handler = functools.partial(PreviewHandler, directory=str(directory),
                                    status=self.status, live_reload=live_reload)
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

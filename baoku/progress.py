"""Build progress on stderr: a redrawn bar on a terminal, plain stage lines otherwise."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Callable
from typing import TextIO

BAR_WIDTH = 24
SHOW_AFTER = 0.5  # seconds: quick builds never draw a bar
REDRAW_EVERY = 0.1


class Progress:
    """Callable as ``pipeline.Progress``: ``progress(stage, done, total)``."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None,
                 show_after: float = SHOW_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.show_after, self.clock = show_after, clock
        self.started = clock()
        self._drawn_at = -1.0
        self._line_width = 0
        self._stages_seen: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.tty:
            self._draw(stage, done, total)
        elif stage not in self._stages_seen:
            self._stages_seen.add(stage)
            detail = f"（{total} 个文件）" if total > 1 else ""
            print(f"{stage}{detail}…", file=self.stream, flush=True)

    def _draw(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        finished = done >= total
        if now - self.started < self.show_after:
            return
        if not finished and now - self._drawn_at < REDRAW_EVERY:
            return
        self._drawn_at = now
        line = bar_line(stage, done, total, elapsed=now - self.started)
        # Pad by screen columns, not characters: a shorter line must cover the last one.
        width = display_width(line)
        padding = " " * max(0, self._line_width - width)
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self._line_width = width

    def close(self) -> None:
        """Clear the bar so the summary starts on a clean line."""
        if self.tty and self._line_width:
            self.stream.write("\r" + " " * self._line_width + "\r")
            self.stream.flush()
            self._line_width = 0


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide and full-width characters (CJK) take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def elapsed_text(seconds: float) -> str:
    minutes, secs = divmod(int(max(seconds, 0)), 60)
    return f"{minutes}:{secs:02d}"


def bar_line(stage: str, done: int, total: int, elapsed: float | None = None) -> str:
    total = max(total, 1)
    done = min(max(done, 0), total)
    filled = round(BAR_WIDTH * done / total)
    bar = "█" * filled + "░" * (BAR_WIDTH - filled)
    line = f"{stage} [{bar}] {done}/{total} {100 * done // total:3d}%"
    return line if elapsed is None else f"{line} {elapsed_text(elapsed)}"

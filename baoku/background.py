"""A build stage run beside the others: in a forked process, or in a thread."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

T = TypeVar("T")

_threads: set[threading.Thread] = set()  # stage threads still running (see stage_threads_running)
_lock = threading.Lock()


class StageDied(Exception):
    """The background process ended without an answer (killed, out of memory …)."""


class Background(Generic[T]):
    """Runs ``work()`` now, beside the caller; ``result()`` waits and returns its value or
    raises its exception. ``seconds`` is the work's own duration.

    ``in_process`` forks a child (Linux): its Python work then has a core of its own
    instead of sharing the GIL with the caller. The work must be a pure function of
    what it is given plus files it writes: a child's changes to objects are lost.
    Otherwise a thread runs it (side effects on objects kept).
    """

    def __init__(self, work: Callable[[], T], *, in_process: bool, name: str) -> None:
        self.seconds = 0.0
        self._name = name
        self._value: tuple[bool, object] | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._receiver: Connection | None = None
        self._thread: threading.Thread | None = None
        if in_process and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            # Not a daemon: the work may start processes of its own.
            self._process = context.Process(target=_run_in_child, args=(work, sender),
                                            name=name)
            self._process.start()
            _own_group(self._process.pid)  # also done by the child: whichever runs first
            sender.close()  # only the child holds the writing end: its exit means EOF
        else:
            self._thread = threading.Thread(target=self._run_here, args=(work,), name=name,
                                            daemon=True)
            with _lock:
                _threads.add(self._thread)
            self._thread.start()

    def _run_here(self, work: Callable[[], T]) -> None:
        try:
            self._value, self.seconds = _outcome(work)
        finally:
            with _lock:
                _threads.discard(threading.current_thread())

    @classmethod
    def _of_child(cls, process: multiprocessing.process.BaseProcess, receiver: Connection,
                  name: str) -> Background[T]:
        """The work a child already running does (see ``Standby.run``)."""
        task: Background[T] = cls.__new__(cls)
        task.seconds, task._name, task._value = 0.0, name, None
        task._process, task._receiver, task._thread = process, receiver, None
        return task

    def result(self) -> T:
        if self._thread is not None:
            self._thread.join()
        elif self._receiver is not None and self._process is not None:
            try:
                self._value, self.seconds = self._receiver.recv()
            except EOFError:
                self._process.join()
                raise StageDied(f"后台进程 {self._process.name} 意外退出"
                                f"（退出码 {self._process.exitcode}）") from None
            finally:
                self._receiver.close()
            self._process.join()
        if self._value is None:
            raise StageDied(f"后台任务 {self._name} 没有完成")
        ok, value = self._value
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]

    def cancel(self) -> None:
        """The caller failed: stop a child still running, or wait for the thread (it may
        still be writing into a folder the caller is about to remove)."""
        if self._process is not None and self._process.is_alive():
            # SIGKILL: a SIGTERM arriving before the child resets its handlers could meet
            # one it inherited that ignores it. Sent to the child's process group, so what
            # it started (Pagefind) stops too; files it leaves are removed by whoever
            # owns them (see ``search.pagefind.remove_orphaned_scratch``).
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except OSError:  # not its own group yet
                self._process.kill()
            self._process.join()
        if self._thread is not None:
            self._thread.join()


class Standby:
    """A child process forked now, while the caller is still small, that waits to run
    one piece of work on items the caller streams to it later (``run``).

    A child forked late in a build starts with every page of the build resident and,
    as it reads the objects it was handed, copies many of them: the search stage forked
    after assembly was the build's largest process (1.6 GB at 100,000 articles). This
    one holds what it is sent and what it makes of it. Linux ('fork') only.
    """

    def __init__(self, name: str) -> None:
        context = multiprocessing.get_context("fork")
        self._name = name
        work_receiver, self._sender = context.Pipe(duplex=False)
        self._receiver, result_sender = context.Pipe(duplex=False)
        # Not a daemon: the work may start processes of its own.
        self._process = context.Process(target=_stand_by, args=(work_receiver, result_sender),
                                        name=name)
        self._process.start()
        _own_group(self._process.pid)
        work_receiver.close()
        result_sender.close()  # only the child holds the writing end: its exit means EOF

    def run(self, work: Callable[[Iterator[object]], T], items: Iterable[object]
            ) -> Background[T]:
        """Hand the child ``work`` (picklable: a module's function or a ``partial`` of
        one) and then each of ``items``; the child calls ``work`` on an iterator of
        them. Returns once every item is sent; ``result()`` waits for the work's value."""
        try:
            self._sender.send(work)
            for item in items:
                self._sender.send(item)
            self._sender.send(_END)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the child is gone: ``result()`` says how it ended
        finally:
            self._sender.close()
        return Background._of_child(self._process, self._receiver, self._name)

    def stop(self) -> None:
        """The child is not needed (any more): end it, and what it started."""
        self._sender.close()
        Background._of_child(self._process, self._receiver, self._name).cancel()
        self._receiver.close()


_END = "__baoku_standby_end__"  # after the last item


def _stand_by(receiver: Connection, sender: Connection) -> None:
    _as_child()
    try:
        work = receiver.recv()
    except EOFError:  # never needed
        return
    items = _items(receiver)
    outcome, seconds = _outcome(lambda: work(items))
    for _ in items:  # what the work left unread: the caller is still sending it
        pass
    _send_outcome(sender, outcome, seconds)


def _items(receiver: Connection) -> Iterator[object]:
    while True:
        try:
            item = receiver.recv()
        except EOFError:
            return
        if isinstance(item, str) and item == _END:
            return
        yield item


def stage_threads_running() -> bool:
    """Whether a stage runs in a thread now: forking then could copy a lock it holds or
    its open pipes (Pagefind's) into the child, so callers should not fork."""
    with _lock:
        return bool(_threads)


def _outcome(work: Callable[[], object]) -> tuple[tuple[bool, object], float]:
    start = time.perf_counter()
    try:
        value: tuple[bool, object] = (True, work())
    except Exception as exc:
        value = (False, exc)
    return value, time.perf_counter() - start


def _own_group(pid: int) -> None:
    """Make ``pid`` lead a process group of its own (with everything it starts)."""
    with contextlib.suppress(OSError):  # already done, or the process is gone
        os.setpgid(pid, pid)


def _as_child() -> None:
    _own_group(os.getpid())
    # The parent handles Ctrl-C and SIGTERM; the child just ends, quietly.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_in_child(work: Callable[[], object], sender: Connection) -> None:
    _as_child()
    outcome, seconds = _outcome(work)
    _send_outcome(sender, outcome, seconds)


def _send_outcome(sender: Connection, outcome: tuple[bool, object], seconds: float) -> None:
    try:
        sender.send((outcome, seconds))
    except Exception as exc:  # an unpicklable value or exception: send its description
        sender.send(((False, StageDied(f"{type(exc).__name__}: {exc}; {outcome[1]!r}")),
                     seconds))
    finally:
        sender.close()

"""An object that lives in a child process, so that its native code cannot take this one down.

Engines that run native code (llama.cpp above all: a build that uses an instruction the CPU refuses
dies with SIGILL on the first real prompt) are built and called in a :class:`ProcessWorker`. When
the child dies (a signal, the out-of-memory killer, an ``abort()`` in a C library), the call that
was in flight raises :class:`~summarize.errors.EngineCrashedError`, which belongs to the input being
worked on: the pipeline's envelope (:mod:`summarize.pipeline.envelope`) redoes the group one
document at a time, so only the input that crashes the engine gets the error, and the next call
starts a new child. An engine that crashes on :data:`CRASHES_BEFORE_PAUSE` inputs in a row without
one success is not started again for :data:`PAUSE_S` seconds: inputs meanwhile get an
:class:`~summarize.errors.EngineBrokenError` at once instead of a reload and a crash each.

Why a child process of our own rather than, say, llama.cpp's HTTP server: it isolates any engine
(a plugin's too) with no port, no second configuration and no change to the engine's code; the
engine object is built in the child from the same picklable value (class, config, runtime) the
parent would have used. The child is a fresh interpreter (a fork of a process with torch or Ray
threads can deadlock, and multiprocessing's ``spawn`` re-runs the caller's main script), in a session
of its own (Ctrl-C in the terminal is the parent's to handle), and it ends itself soon after its
parent is gone.

The per-input deadline (:mod:`summarize.deadline`) crosses the boundary: the child runs the call
under what is left of it, and the parent stops waiting shortly after: a child that overruns is
killed and the input gets its :class:`~summarize.errors.DeadlineError`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Collection
from multiprocessing.connection import Connection
from typing import Any

from .. import deadline as deadlines
from ..errors import (
    ConfigError,
    DeadlineError,
    EngineBrokenError,
    EngineCrashedError,
    EngineUnavailableError,
    SummarizeError,
    UnexpectedError,
)

__all__ = ["CRASHES_BEFORE_PAUSE", "PAUSE_S", "ProcessWorker", "crash_error", "describe_exit", "serve"]

LOG = logging.getLogger("summarize")
CRASHES_BEFORE_PAUSE = 5  # crashes in a row, with no success between, after which the engine pauses
PAUSE_S = 60.0  # how long a paused engine answers EngineBrokenError before it is tried again
DEADLINE_GRACE_S = 5.0  # how long past the deadline the parent waits for a child that should stop itself
PARENT_POLL_S = 0.5  # how often a worker checks that its parent is alive

_CRASH_HINTS = {
    "SIGILL": ("The engine's native code used a CPU instruction this machine cannot run: run `summarize doctor` "
               "to see what its build uses, and rebuild it portably (README: Local and served LLMs)."),
    "SIGKILL": ("The engine's process was killed, most likely by the out-of-memory killer: give it a smaller "
                "model, context or batch, or more memory."),
}


def describe_exit(exitcode: int | None) -> tuple[str, str]:
    """What ended a process: ``("SIGILL", "illegal instruction")``, or ``("exit 3", "exited with status 3")``.

    Args:
        exitcode: as :attr:`multiprocessing.Process.exitcode` or ``Popen.returncode`` give it
            (negative: the number of the signal that killed it).
    """
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        what = (signal.strsignal(number) or name).lower()
        return name, what
    return f"exit {exitcode}", f"exited with status {exitcode}"


def crash_error(engine: str, exitcode: int | None, *, doing: str = "working on this input") -> EngineCrashedError:
    """The error of an engine whose process died while ``doing`` (``exitcode`` ``None``: it stopped answering)."""
    if exitcode is None:
        return EngineCrashedError(f"the {engine} engine stopped answering while {doing}; its process was stopped",
                                  engine=engine)  # the class's own hint
    name, what = describe_exit(exitcode)
    return EngineCrashedError(f"the {engine} engine crashed with {name} ({what}) while {doing}",
                              engine=engine, signal=name if exitcode < 0 else None,
                              hint=_CRASH_HINTS.get(name))


class ProcessWorker:
    """Calls methods of an object built in a child process, and survives the child's death.

    Args:
        factory: builds the object in the child; it must be picklable (a module-level function,
            or a :func:`functools.partial` of one with picklable arguments).
        engine: the engine's name, for messages.
        work: the methods that do the engine's work: only their success ends a run of crashes (a
            ``describe`` answered between two crashes proves nothing); ``None``: every method.

    Calls are one at a time (a lock); the child starts on the first call and again after a crash.
    """

    def __init__(self, factory: Callable[[], Any], *, engine: str, work: Collection[str] | None = None) -> None:
        try:
            self._factory = pickle.dumps(factory)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise ConfigError(f"the {engine} engine cannot run in a worker process: {exc}",
                              hint="Define the engine class at the top level of an importable module.") from exc
        self.engine = engine
        self.work = None if work is None else frozenset(work)
        self.crashes_in_a_row = 0
        self.paused_until = 0.0
        self._process: Any = None
        self._conn: Any = None
        self._lock = threading.Lock()

    def call(self, method: str, *args: Any, warnings: list[str] | None = None, **kwargs: Any) -> Any:
        """``getattr(obj, method)(*args, **kwargs)`` in the child; its result, or its exception raised here.

        ``warnings``, when given, is passed on as the method's ``warnings=`` list: what the method
        puts there in the child is added to it here.

        Raises:
            EngineCrashedError: the child died during the call (the next call starts a new one).
            EngineBrokenError: the engine crashed on several inputs in a row and is paused.
            DeadlineError: the call ran past the current deadline (the child is killed).
        """
        with self._lock:
            self._check_paused()
            left = deadlines.remaining()
            try:
                conn = self._ensure_started()
                conn.send((method, args, kwargs, warnings is not None, left))
                outcome = self._receive(conn, left)
            except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
                raise self._crashed(method) from None
            except BaseException:
                # interrupted between question and answer (Ctrl-C, a deadline, an argument that does
                # not pickle): the answer must never reach the next call, so this child goes
                self._stop()
                raise
            if self.work is None or method in self.work:
                self.crashes_in_a_row = 0
        value, said = _unwrap(outcome, self.engine)
        if warnings is not None and said:
            warnings.extend(said)
        return value

    def close(self) -> None:
        """Stop the child (it is started again by the next call)."""
        with self._lock:
            self._stop()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._stop()

    def _check_paused(self) -> None:
        if time.monotonic() < self.paused_until:
            raise EngineBrokenError(
                f"the {self.engine} engine crashed on {self.crashes_in_a_row} inputs in a row; it is not tried "
                f"again for {self.paused_until - time.monotonic():.0f} s", engine=self.engine)

    def _ensure_started(self) -> Any:
        if self._process is not None and self._process.poll() is None:
            return self._conn
        self._stop()
        ours, theirs = socket.socketpair()
        with ours, theirs:
            # a fresh interpreter, not multiprocessing's spawn: that one re-runs the caller's main
            # script, which a user's script without a ``__main__`` guard cannot survive
            process = subprocess.Popen([sys.executable, "-c", _BOOTSTRAP, str(theirs.fileno()), str(os.getpid())],
                                       pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                       start_new_session=True)  # Ctrl-C in the terminal is the parent's
            conn = Connection(os.dup(ours.fileno()))
        self._process, self._conn = process, conn
        conn.send(list(sys.path))
        conn.send_bytes(self._factory)
        return conn

    def _receive(self, conn: Any, left: float | None) -> Any:
        if left is None:
            return conn.recv()
        if not conn.poll(left + DEADLINE_GRACE_S):
            self._stop()  # it did not stop itself: killed, started anew by the next call
            raise deadlines.current().error(f"in the {self.engine} engine")  # type: ignore[union-attr]
        return conn.recv()

    def _crashed(self, method: str) -> EngineCrashedError:
        process = self._process
        exitcode = None
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                exitcode = process.wait(timeout=10)
        self._stop()
        self.crashes_in_a_row += 1
        if self.crashes_in_a_row >= CRASHES_BEFORE_PAUSE:
            self.paused_until = time.monotonic() + PAUSE_S
        doing = "loading its model" if method == "load" else "working on this input"
        error = crash_error(self.engine, exitcode, doing=doing)
        LOG.debug("%s", error.message)
        return error

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()
        if process is not None and process.poll() is None:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


def _unwrap(outcome: tuple[str, Any, str], engine: str) -> Any:
    kind, value, trace = outcome
    if kind == "ok":
        return value
    if trace:
        LOG.debug("in the %s engine's process:\n%s", engine, trace)
    if isinstance(value, DeadlineError) and (current := deadlines.current()) is not None:
        raise current.error(f"in the {engine} engine") from value  # the parent's label and limit
    if isinstance(value, BaseException):
        raise value
    raise RuntimeError(value)  # the engine's own exception, by its text: the envelope makes it the input's


def serve(conn: Connection, parent: int) -> None:
    """The child's loop: build the object, then answer calls until the parent goes away.

    Args:
        conn: the connection to the parent, whose next message is the factory.
        parent: the parent's process id (the child ends itself if that is gone already).
    """
    _watch_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        factory = conn.recv_bytes()
    except (EOFError, OSError):
        return
    target: Any = None
    failure: BaseException | None = None
    try:
        target = pickle.loads(factory)()
    except SummarizeError as exc:  # a bad option, a missing library: reported at the parent's first call
        failure = exc
    except BaseException as exc:  # noqa: BLE001 - every input would meet it: the run's failure
        failure = EngineUnavailableError(f"the engine could not be built in its worker process: "
                                         f"{type(exc).__name__}: {exc}",
                                         hint="Check that its package is installed in this Python environment.")
    while True:
        try:
            method, args, kwargs, wants_warnings, left = conn.recv()
        except (EOFError, OSError):
            return
        if failure is not None:
            conn.send(_failure(failure))
            continue
        said: list[str] | None = [] if wants_warnings else None
        if said is not None:
            kwargs["warnings"] = said
        try:
            if left is None:
                value = getattr(target, method)(*args, **kwargs)
            else:
                with deadlines.within(max(left, 0.0), label="this input"):
                    value = getattr(target, method)(*args, **kwargs)
            conn.send(("ok", (value, said), ""))
        except BaseException as exc:  # noqa: BLE001 - the parent decides what it means
            conn.send(_failure(exc))


def _failure(exc: BaseException) -> tuple[str, Any, str]:
    """What the parent gets of an exception: itself when it is ours or Python's own and pickles, else its text.

    An exception class of the engine's library (``llama_cpp``) is not sent as such: unpickling it
    would import that library in the parent, the very thing the worker keeps out of it.
    """
    trace = "".join(traceback.format_exception(exc))
    text = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
    module = type(exc).__module__
    if not isinstance(exc, Exception) or not (module == "builtins" or module.split(".")[0] == "summarize"):
        return "error", text, trace
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - an exception that does not pickle is sent as its text
        if isinstance(exc, SummarizeError):
            return "error", UnexpectedError(exc.message, hint=exc.hint), trace
        return "error", text, trace
    return "error", exc, trace


def _watch_parent(parent: int) -> None:
    """End this process soon after its parent is gone (a SIGKILLed batch leaves no orphan at work).

    A thread that polls, rather than ``PR_SET_PDEATHSIG``: that one fires when the *thread* that
    started the child ends, which a pool thread of the parent may do at any time. Native calls
    release the GIL (ctypes does), so the watch runs during a long generation too.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


# the child's first lines: its connection and the parent's path come before anything of ours is imported
_BOOTSTRAP = (
    "import sys\n"
    "from multiprocessing.connection import Connection\n"
    "conn = Connection(int(sys.argv[1]))\n"
    "sys.path[:] = conn.recv()\n"
    "from summarize.backends.worker import serve\n"
    "serve(conn, int(sys.argv[2]))\n"
)

"""Per-file time and memory bounds, so that one hostile file (a decompression bomb, a content
stream that never ends) cannot hang or exhaust the machine.

``bounded`` applies them in this process: a timer signal and a cap on the address space it may
add, turned into an ``InputError`` with a Chinese reason. Signals only reach the main thread, so
``run_bounded`` runs the work in a child process instead when called from another thread (the
UI's request threads, Dask's worker threads); the child is killed when it overruns.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.ingest.errors import InputError

DEFAULT_SECONDS = 300.0
DEFAULT_MEMORY_MB = 2048
T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    seconds: float | None = DEFAULT_SECONDS  # wall time for reading and checking one file
    memory_mb: int | None = DEFAULT_MEMORY_MB  # memory one file may add beyond what is loaded
    max_pages: int | None = None  # PDF pages (None: the reader's default)

    def timeout_error(self) -> InputError:
        return InputError(f"处理该文件超过时间上限（{self.seconds:g} 秒），已停止；文件可能含异常内容（可用 --timeout 调整）",
                          kind="timeout")

    def memory_error(self) -> InputError:
        return InputError(f"处理该文件所需内存超过上限（{self.memory_mb} MB），已停止；文件可能含异常压缩内容"
                          "（可用 --max-memory-mb 调整）", kind="too_large")


class _Overrun(BaseException):
    """Raised by the timer; a BaseException so that libraries' `except Exception` cannot swallow it."""


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def bounded(limits: Limits) -> Iterator[None]:
    """Apply the limits to the code in the block (main thread only; elsewhere a no-op — use
    ``run_bounded``)."""
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    previous_handler: Any = None
    old_rlimit = None
    try:
        import resource
    except ImportError:  # not POSIX
        resource = None  # type: ignore[assignment]
    if main and limits.seconds:
        def on_alarm(_signum: int, _frame: Any) -> None:
            raise _Overrun()

        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    current = _address_space()
    if main and limits.memory_mb and resource is not None and current is not None:
        old_rlimit = resource.getrlimit(resource.RLIMIT_AS)
        cap = current + limits.memory_mb * 1024 * 1024
        hard = old_rlimit[1]
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        else:
            old_rlimit = None
    try:
        yield
    except _Overrun:
        raise limits.timeout_error() from None
    except MemoryError:
        raise limits.memory_error() from None
    finally:
        if main and limits.seconds:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
        if old_rlimit is not None and resource is not None:
            resource.setrlimit(resource.RLIMIT_AS, old_rlimit)


def _child_main() -> None:
    """Entry point of the child process: a pickled (func, args, limits) on stdin, a pickled
    (status, payload) on stdout."""
    import pickle
    import sys

    func, args, limits = pickle.load(sys.stdin.buffer)
    try:
        with bounded(limits):
            outcome: tuple[str, Any] = ("ok", func(*args))
    except InputError as exc:
        outcome = ("input", (exc.reason, exc.kind))
    except MemoryError:
        outcome = ("input", (limits.memory_error().reason, "too_large"))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        outcome = ("error", f"{type(exc).__name__}: {exc}"[:500])
    sys.stdout.buffer.write(pickle.dumps(outcome))
    sys.stdout.buffer.flush()


def run_bounded(func: Callable[..., T], *args: Any, limits: Limits) -> T:
    """``func(*args)`` under the limits: here when on the main thread, else in a child process
    (``func`` must be importable and its arguments and result must pickle). A plain subprocess,
    not multiprocessing, so that it also works inside daemonic workers (Dask)."""
    if threading.current_thread() is threading.main_thread():
        with bounded(limits):
            return func(*args)
    import pickle
    import subprocess
    import sys

    command = [sys.executable, "-c", "from auditor.limits import _child_main; _child_main()"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([_package_root(), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    grace = 30.0  # starting the child and sending the result back
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          env=env) as process:
        try:
            out, _ = process.communicate(pickle.dumps((func, args, limits)),
                                         timeout=(limits.seconds or 24 * 3600) + grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise limits.timeout_error() from None
    if not out:  # the child died without answering (killed for memory, crashed)
        if process.returncode in (-9, 137):
            raise limits.memory_error()
        raise InputError(f"处理该文件时子进程异常退出（退出码 {process.returncode}）", kind="crash")
    status, payload = pickle.loads(out)
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    if status == "input":
        reason, kind = payload
        raise InputError(reason, kind=kind)
    raise RuntimeError(payload)


def _package_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_bounded(path: Any, limits: Limits) -> Any:
    """``load_report`` under the limits (a Report, or InputError with the reason)."""
    from auditor.ingest import load_report

    return run_bounded(load_report, path, limits.max_pages, limits=limits)

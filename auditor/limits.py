"""Per-file time and memory bounds, so that one hostile file (a decompression bomb, a content
stream that never ends, a PDF whose objects refer to themselves) cannot hang or exhaust the
machine.

Every read runs in a child process and the limits are enforced from OUTSIDE it: the parent
waits on a wall clock and kills the child (SIGKILL) when it overruns, and also kills it when its
resident memory grows past the cap; inside the child the kernel caps the address space it may
add (``RLIMIT_AS``). After a timeout nothing touches the document again: the parent only ever
sees the pickled result. The child dies with its parent (``PR_SET_PDEATHSIG`` on Linux).

The child is a ``fork`` of this process when that is safe (no other thread is running: the CLI,
a batch worker), which costs no start-up; otherwise (the UI's request threads, Dask's worker
threads) a fresh interpreter started with ``subprocess``.

Special files (FIFOs, devices, sockets, directories, symlink loops) are refused by ``check_path``
from ``os.stat`` alone, before anything opens them.
"""

from __future__ import annotations

import errno
import os
import pickle
import select
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from auditor.ingest.errors import InputError

DEFAULT_SECONDS = 300.0
DEFAULT_MEMORY_MB = 2048
MIN_MEMORY_MB = 64  # below this not even the reader's own code fits
START_SECONDS = 60.0  # a spawned interpreter must be ready within this (not counted in the limit)
T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    seconds: float | None = DEFAULT_SECONDS  # wall time for reading one file
    memory_mb: int | None = DEFAULT_MEMORY_MB  # memory one file may add beyond what is loaded
    max_pages: int | None = None  # PDF pages (None: the reader's default)

    def timeout_error(self) -> InputError:
        return InputError(f"处理该文件超过时间上限（{self.seconds:g} 秒），已停止；文件可能含异常内容（可用 --timeout 调整）",
                          kind="timeout")

    def memory_error(self) -> InputError:
        return InputError(f"处理该文件所需内存超过上限（{self.memory_mb} MB），已停止；文件可能含异常压缩内容"
                          "（可用 --max-memory-mb 调整）", kind="too_large")


# ---- special files, refused before opening ----------------------------------------------

_SPECIAL = (
    (stat.S_ISFIFO, "这是命名管道（FIFO），不是普通文件；读取它可能无休止地等待，已拒绝"),
    (stat.S_ISCHR, "这是字符设备（如 /dev/zero、终端），不是普通文件；读取它可能无休止，已拒绝"),
    (stat.S_ISBLK, "这是块设备（磁盘），不是普通文件，已拒绝"),
    (stat.S_ISSOCK, "这是套接字，不是普通文件，已拒绝"),
)


def check_path(path: Any) -> os.stat_result:
    """The file's ``os.stat`` when it is a regular, readable file; otherwise ``InputError`` with
    the Chinese reason. Nothing is opened."""
    name = os.fspath(path)
    if not str(name).strip():
        raise InputError("未给出文件名", kind="missing")
    try:
        info = os.stat(name)  # follows symlinks; a loop fails here with ELOOP
    except ValueError:  # an embedded NUL character
        raise InputError("文件名含有不允许的字符（空字符）", kind="missing") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(f"符号链接循环（链接最终指向自身），无法读取：{name}", kind="special") from None
        if exc.errno == errno.ENOENT:
            if os.path.lexists(name):
                raise InputError(f"符号链接指向的文件不存在：{name}", kind="missing") from None
            raise InputError(f"文件不存在：{name}", kind="missing") from None
        if exc.errno == errno.EACCES:
            raise InputError(f"没有访问该文件的权限：{name}", kind="unreadable") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError("文件名过长，无法读取", kind="missing") from None
        if exc.errno == errno.ENOTDIR:
            raise InputError(f"路径中的某一级不是文件夹：{name}", kind="missing") from None
        raise InputError(f"无法访问该文件（系统错误 {exc.errno}）：{name}", kind="unreadable") from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise InputError(f"这是一个文件夹，不是文件：{name}", kind="directory")
    for test, reason in _SPECIAL:
        if test(mode):
            raise InputError(f"{reason}：{name}", kind="special")
    if not stat.S_ISREG(mode):
        raise InputError(f"不是普通文件，已拒绝：{name}", kind="special")
    if not os.access(name, os.R_OK):
        raise InputError(f"没有读取该文件的权限：{name}", kind="unreadable")
    return info


# ---- in-process bounds (kept for the fuzzer; not a defence on its own) ---------------------


class _Overrun(BaseException):
    """Raised by the timer; a BaseException so that libraries' `except Exception` cannot swallow it."""


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _cap_address_space(memory_mb: int | None) -> Any:
    """Cap what this process may add to its address space; the previous limit, or None."""
    try:
        import resource
    except ImportError:  # not POSIX
        return None
    current = _address_space()
    if not memory_mb or current is None:
        return None
    old = resource.getrlimit(resource.RLIMIT_AS)
    cap = current + memory_mb * 1024 * 1024
    if old[1] != resource.RLIM_INFINITY and cap >= old[1]:
        return None
    resource.setrlimit(resource.RLIMIT_AS, (cap, old[1]))
    return old


@contextmanager
def bounded(limits: Limits) -> Iterator[None]:
    """Apply the limits to the code in the block, in this process (main thread only). A timer
    inside the process can be defeated (code that runs in ``finally`` after it fires); real
    reads use ``run_bounded``, which kills a child from outside."""
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    previous_handler: Any = None
    if main and limits.seconds:
        def on_alarm(_signum: int, _frame: Any) -> None:
            raise _Overrun()

        previous_handler = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    old_rlimit = _cap_address_space(limits.memory_mb) if main else None
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
        if old_rlimit is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, old_rlimit)


# ---- the child ------------------------------------------------------------------------------

PR_SET_PDEATHSIG = 1


def die_with_parent(expected_parent: int | None = None) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux; elsewhere a no-op)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)  # the parent is already gone


def _out_of_memory(exc: BaseException) -> bool:
    """A failure caused by the address-space cap: MemoryError anywhere in the chain, or a
    library that could not map memory (ENOMEM, "failed to map segment")."""
    current: BaseException | None = exc
    for _ in range(10):
        if current is None:
            return False
        if isinstance(current, MemoryError) or (isinstance(current, OSError) and current.errno == errno.ENOMEM):
            return True
        text = str(current)
        if "failed to map segment" in text or "Cannot allocate memory" in text:
            return True
        current = current.__cause__ or current.__context__
    return False


def _outcome(func: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> bytes:
    try:
        result: tuple[str, Any] = ("ok", func(*args))
    except InputError as exc:
        result = ("input", (exc.reason, exc.kind))
    except MemoryError:
        result = ("input", (limits.memory_error().reason, "too_large"))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        if _out_of_memory(exc):
            result = ("input", (limits.memory_error().reason, "too_large"))
        else:
            result = ("error", f"{type(exc).__name__}: {exc}"[:500])
    try:
        return pickle.dumps(result)
    except MemoryError:
        return pickle.dumps(("input", (limits.memory_error().reason, "too_large")))
    except Exception as exc:  # noqa: BLE001 - an unpicklable result
        return pickle.dumps(("error", f"{type(exc).__name__}: {exc}"[:500]))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _child_main() -> None:
    """Entry point of a spawned child: a pickled (func, args, limits, parent pid) on stdin; one
    byte "R" on stdout once ready (the clock starts then), then the pickled (status, payload)."""
    func, args, limits, parent = pickle.load(sys.stdin.buffer)
    die_with_parent(parent)
    out = sys.stdout.fileno()
    _write_all(out, b"R")
    _cap_address_space(limits.memory_mb)
    _write_all(out, _outcome(func, args, limits))


def _resident_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _collect(pid: int, fd: int, limits: Limits, wait_ready: bool) -> tuple[bytes, str]:
    """Read the child's answer from ``fd`` under the wall clock and the memory cap. Returns the
    bytes and "" or, when the child was killed here, "timeout" / "memory"."""
    chunks: list[bytes] = []
    ready = not wait_ready
    started = time.monotonic()
    deadline = started + (START_SECONDS if wait_ready else (limits.seconds or 24 * 3600.0))

    def memory_cap() -> int | None:  # what the child holds now, plus what it may add
        baseline = _resident_bytes(pid)
        return baseline + limits.memory_mb * 1024 * 1024 if limits.memory_mb and baseline is not None else None

    cap = memory_cap()
    while True:
        now = time.monotonic()
        if now >= deadline:
            _kill(pid)
            return b"", "timeout" if ready else "start"
        if cap is not None:
            resident = _resident_bytes(pid)
            if resident is not None and resident > cap:
                _kill(pid)
                return b"", "memory"
        readable, _, _ = select.select([fd], [], [], min(0.1, deadline - now))
        if not readable:
            continue
        block = os.read(fd, 1 << 20)
        if not block:
            return b"".join(chunks), ""
        if not ready:
            ready, block = True, block[1:]
            deadline = time.monotonic() + (limits.seconds or 24 * 3600.0)
            cap = memory_cap()
        chunks.append(block)


def _decode(data: bytes, reason: str, returncode: int, limits: Limits) -> Any:
    if reason == "timeout":
        raise limits.timeout_error()
    if reason == "start":
        raise InputError("读取子进程未能启动（系统繁忙或资源不足），请稍后重试", kind="crash")
    if reason == "memory":
        raise limits.memory_error()
    if not data:  # the child died without answering (killed for memory by the kernel, crashed)
        if returncode in (-signal.SIGKILL, 128 + signal.SIGKILL):
            raise limits.memory_error()
        raise InputError(f"处理该文件时子进程异常退出（退出码 {returncode}）", kind="crash")
    status, payload = pickle.loads(data)
    if status == "ok":
        return payload
    if status == "input":
        message, kind = payload
        raise InputError(message, kind=kind)
    raise RuntimeError(payload)


def _can_fork() -> bool:
    return (hasattr(os, "fork") and threading.current_thread() is threading.main_thread()
            and threading.active_count() == 1)


def _run_forked(func: Callable[..., T], args: tuple[Any, ...], limits: Limits) -> T:
    parent = os.getpid()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        try:
            os.close(read_fd)
            die_with_parent(parent)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _cap_address_space(limits.memory_mb)
            _write_all(write_fd, _outcome(func, args, limits))
        finally:
            os._exit(0)
    os.close(write_fd)
    reaped = False
    try:
        data, reason = _collect(pid, read_fd, limits, wait_ready=False)
        _, status = os.waitpid(pid, 0)
        reaped = True
        returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    finally:
        os.close(read_fd)
        if not reaped:  # interrupted (Ctrl-C): the child must not outlive us
            _kill(pid)
            os.waitpid(pid, 0)
    return _decode(data, reason, returncode, limits)  # type: ignore[no-any-return]


def _run_spawned(func: Callable[..., T], args: tuple[Any, ...], limits: Limits) -> T:
    import subprocess

    command = [sys.executable, "-c", "from auditor.limits import _child_main; _child_main()"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([_package_root(), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=env)
    try:
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(pickle.dumps((func, args, limits, os.getpid())))
            process.stdin.close()
        except BrokenPipeError:
            pass
        data, reason = _collect(process.pid, process.stdout.fileno(), limits, wait_ready=True)
        returncode = process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
    return _decode(data, reason, returncode, limits)  # type: ignore[no-any-return]


def run_bounded(func: Callable[..., T], *args: Any, limits: Limits) -> T:
    """``func(*args)`` in a child process under the limits (``func``'s arguments and result must
    pickle; when the child is spawned, ``func`` must be importable). A plain fork or subprocess,
    not multiprocessing, so that it also works inside daemonic workers (Dask)."""
    if _can_fork():
        return _run_forked(func, args, limits)
    return _run_spawned(func, args, limits)


def _package_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_bounded(path: Any, limits: Limits, progress_file: str | None = None) -> Any:
    """``load_report`` under the limits (a Report, or InputError with the reason). The path is
    checked with ``os.stat`` first: special files never reach the reader. With
    ``progress_file``, OCR appends per-page progress there (JSON lines) as it reads."""
    from auditor.ingest import load_report

    for one in (path if isinstance(path, list | tuple) else [path]):  # a report may be several files
        check_path(one)
    if progress_file:
        from auditor.ingest.ocr import load_with_progress

        return run_bounded(load_with_progress, path, limits.max_pages, progress_file, limits=limits)
    return run_bounded(load_report, path, limits.max_pages, limits=limits)

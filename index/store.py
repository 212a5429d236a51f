"""The retrieval index of one report: a keyword index over jieba tokens (bm25s) and a vector
index (embeddings by ``index.embed``, searched in a chromadb collection), fused by reciprocal rank fusion.

Fast first answer: a deterministic answer needs neither index, so both are built lazily —
on the first search, or in the background (``ReportIndex.start``, the UI) — and a search
always waits for what it needs, so an answer never depends on how far a build has got.
The vector index embeds only what semantic retrieval needs, each text once: narrative
sentences, row names, table names and the labels of derived figures (cells and findings are
found by keyword). Its vectors are cached on disk under
``cache_dir()``, one file per report keyed by the content hash of the report's file(s), the
model and the code version, and checked against the texts they were computed for; the cache
is bounded (``AUDITOR_CACHE_MB``, least recently used files go first). The vectors are loaded
into an in-memory chromadb collection (cosine space) for search; the cache file, not chromadb's
own storage, is what persists, so a cached report needs no model and no embedding at all.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from auditor.cache import cache_root, limit_bytes, touch
from auditor.cache import trim_cache as _trim
from index.embed import Embedder, EmbeddingSettings, embedder_name, make_embedder
from index.facts import Fact, FactBase

INDEX_VERSION = "2"  # bump when what is embedded or how it is stored changes
# what the vector index holds: the words a question uses for a row, a table, a derived figure,
# and the narrative. Cells are found through their rows and by keyword; findings (long, and
# found by what they are about) by keyword and by the answerer itself.
VECTOR_KINDS = ("table", "row", "sentence", "derived")
EMBED_BATCH = 32  # texts per model call (progress is reported per batch)
MAX_EMBED_CHARS = 96  # the model sees the start of a long sentence; the keyword index sees all of it
DEFAULT_CACHE_MB = 256.0

Progress = Callable[[str], None]  # a Chinese progress line

logging.getLogger("jieba").setLevel(logging.WARNING)
_MODEL_LOCK = threading.Lock()  # one model call at a time: models are shared within a process


def cache_dir() -> Path:
    return cache_root() / "index"


def cache_limit_bytes() -> int:
    return limit_bytes("AUDITOR_CACHE_MB", DEFAULT_CACHE_MB)


@functools.lru_cache(maxsize=1)
def _source_digest() -> str:
    """The package's code (``auditor.code_fingerprint``) and the index code that makes facts
    and vectors."""
    from auditor import code_fingerprint

    digest = hashlib.sha256(code_fingerprint().encode())
    here = Path(__file__).resolve().parent
    for name in ("facts.py", "store.py", "embed.py", "injection.py"):
        path = here / name
        if path.exists():
            digest.update(name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def code_version() -> str:
    return f"{INDEX_VERSION}-{_source_digest()}"


_TOKEN_RE = re.compile(r"[\u4e00-\u9fff]+|\d+(?:\.\d+)?|[A-Za-z]+")


def tokenize(text: str) -> list[str]:
    """jieba words, plus single characters of CJK runs (robust to segmentation) and numbers."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for our users
    tokens: list[str] = []
    for run in _TOKEN_RE.findall(text):
        if run[0] >= "\u4e00":
            words = [w for w in jieba.lcut(run) if w.strip()]
            tokens.extend(words)
            if len(run) > 1:
                tokens.extend(a + b for a, b in zip(run, run[1:]))  # character bigrams
        else:
            tokens.append(run)
    return tokens


class KeywordIndex:
    def __init__(self, facts: list[Fact]) -> None:
        import bm25s

        self.facts = facts
        corpus = [tokenize(f.text) or ["∅"] for f in facts]
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)

    def search(self, query: str, k: int = 20) -> list[tuple[Fact, float]]:
        tokens = tokenize(query)
        if not tokens or not self.facts:
            return []
        k = min(k, len(self.facts))
        docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False)
        return [(self.facts[int(i)], float(s)) for i, s in zip(docs[0], scores[0]) if s > 0]


_FINDING_TAG = re.compile(r"^\[[^\]]*\]\s*[A-Z]+\d+\s*")


def embed_text(fact: Fact) -> str:
    """What the model embeds for a fact: the words a question would use, not its figures."""
    if fact.kind == "row":
        text = fact.subject or fact.text
    elif fact.kind == "table":
        text = fact.text.split("，单位")[0]
    elif fact.kind == "derived":
        text = fact.text.split("：")[0]
    elif fact.kind == "finding":
        text = _FINDING_TAG.sub("", fact.text)
    else:
        text = fact.text
    return " ".join(text.split())[:MAX_EMBED_CHARS]


def embed_groups(facts: list[Fact]) -> dict[str, list[Fact]]:
    """Each distinct text to embed, with the facts it stands for (in report order)."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.kind in VECTOR_KINDS:
            text = embed_text(fact)
            if text:
                groups.setdefault(text, []).append(fact)
    return groups


def _chroma_collection(matrix: np.ndarray) -> object:
    """An in-memory chromadb collection holding one vector per distinct text (id = its index)."""
    import uuid

    import chromadb
    from chromadb.config import Settings

    client = chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False))
    collection = client.create_collection(name=f"facts-{uuid.uuid4().hex}", metadata={"hnsw:space": "cosine"},
                                          embedding_function=None)
    for start in range(0, matrix.shape[0], 1024):
        block = matrix[start : start + 1024]
        collection.add(ids=[str(i) for i in range(start, start + block.shape[0])], embeddings=block.tolist())
    return collection


class VectorIndex:
    """The embeddings of a report's distinct texts, loaded from the cache or computed (by
    ``ensure``: once, thread-safe), held and searched in a chromadb collection."""

    def __init__(self, facts: list[Fact], key: str, settings: EmbeddingSettings, directory: Path) -> None:
        groups = embed_groups(facts)
        self.texts = list(groups)
        self.owners = list(groups.values())
        self.facts = {f.id: f for f in facts}
        self.settings = settings
        self.model = embedder_name(settings)  # refuses an unknown model now, not at the first search
        self.version = code_version()
        name = hashlib.sha256(f"{key}|{self.model}|{self.version}".encode()).hexdigest()[:32]
        self.path = directory / f"{name}.npz"
        self.total, self.done = len(self.texts), 0
        self.matrix: np.ndarray | None = None
        self.built = False  # embedded by this process (not read from the cache)
        self.from_cache = False
        self.error = ""
        self.build_seconds = 0.0
        self._lock = threading.Lock()
        self._embedder: Embedder | None = None
        self._collection: object | None = None
        self._load()

    @property
    def ready(self) -> bool:
        return self.matrix is not None or bool(self.error)

    def _load(self) -> None:
        if not self.path.exists():
            return
        try:
            with np.load(self.path, allow_pickle=False) as data:
                texts = [str(t) for t in data["texts"]]
                matrix = np.asarray(data["vectors"], dtype=np.float32)
                model, version = str(data["model"]), str(data["version"])
        except (OSError, ValueError, KeyError):  # a damaged file is rebuilt
            return
        if texts != self.texts or model != self.model or version != self.version or matrix.shape[0] != len(texts):
            return
        self.matrix, self.from_cache, self.done = matrix, True, self.total
        touch(self.path)  # recently used: kept when the cache is trimmed

    def ensure(self, progress: Progress | None = None) -> None:
        """The vectors, embedded now unless cached or already built (by another thread too)."""
        if self.ready:
            return
        with self._lock:
            if self.ready:
                return
            started = time.perf_counter()
            try:
                self.matrix = self._embed(progress)
            except Exception as exc:  # noqa: BLE001 - a failing model leaves keyword search working
                self.error = f"{type(exc).__name__}: {str(exc)[:200]}"
                return
            self.built = True
            self.build_seconds = time.perf_counter() - started
            self._save()

    def store(self) -> object | None:
        """The chromadb collection of the vectors (made once, on the first search)."""
        if self._collection is None and self.matrix is not None and self.matrix.size:
            with self._lock:
                if self._collection is None:
                    self._collection = _chroma_collection(self.matrix)
        return self._collection

    @property
    def stored(self) -> bool:
        return self._collection is not None

    def close(self) -> None:
        """Drop the in-memory collection (the UI closes a report's index when another is opened)."""
        collection, self._collection = self._collection, None
        if collection is not None:
            try:
                import chromadb
                from chromadb.config import Settings

                chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False)).delete_collection(
                    collection.name)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - freeing memory must not break anything
                pass

    def __del__(self) -> None:
        self.close()

    def _embed(self, progress: Progress | None) -> np.ndarray:
        with _MODEL_LOCK:
            self._embedder = make_embedder(self.settings)
        parts = []
        for start in range(0, len(self.texts), EMBED_BATCH):
            if progress is not None:
                progress(f"正在建立向量索引（{start}/{self.total}）…")
            with _MODEL_LOCK:
                parts.append(self._embedder.documents(self.texts[start : start + EMBED_BATCH]))
            self.done = min(start + EMBED_BATCH, self.total)
        if progress is not None:
            progress(f"向量索引已建立（{self.total}/{self.total}）")
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, 0), dtype=np.float32)

    def _save(self) -> None:
        if self.matrix is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, texts=np.array(self.texts, dtype=str), vectors=self.matrix,
                         model=np.array(self.model), version=np.array(self.version))
            os.replace(tmp, self.path)
        except OSError:  # a cache that cannot be written only costs time next time
            return
        trim_cache(self.path.parent, keep=self.path)

    def search(self, query: str, k: int = 20) -> list[tuple[Fact, float]]:
        self.ensure()
        if self.matrix is None or not self.texts:
            return []
        with _MODEL_LOCK:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings)
            vector = self._embedder.query(query)
        collection = self.store()
        if collection is None:
            return []
        result = collection.query(query_embeddings=[np.asarray(vector, dtype=np.float32).reshape(-1).tolist()],  # type: ignore[attr-defined]
                                  n_results=min(k, len(self.texts)), include=["distances"])
        found: list[tuple[Fact, float]] = []
        for raw, distance in zip(result["ids"][0], result["distances"][0]):
            for fact in self.owners[int(raw)]:
                found.append((fact, 1.0 - float(distance)))
                if len(found) >= k:
                    return found
        return found


def trim_cache(directory: Path, keep: Path | None = None, limit: int | None = None) -> None:
    """Delete the least recently used vector files until the folder is within the limit."""
    _trim(directory, cache_limit_bytes() if limit is None else limit, keep=keep, pattern="*.npz")


def rrf(rankings: list[list[tuple[Fact, float]]], k: int = 60) -> list[tuple[Fact, float]]:
    """Reciprocal rank fusion: Σ 1 / (k + rank) over the rankings a fact appears in."""
    scores: dict[str, float] = {}
    facts: dict[str, Fact] = {}
    for ranking in rankings:
        for rank, (fact, _) in enumerate(ranking):
            scores[fact.id] = scores.get(fact.id, 0.0) + 1.0 / (k + rank + 1)
            facts[fact.id] = fact
    return sorted(((facts[i], s) for i, s in scores.items()), key=lambda x: -x[1])


class ReportIndex:
    """Keyword and vector index of one report, each built when first needed (or ahead, in the
    background); ``progress`` receives Chinese progress lines while they build."""

    def __init__(self, base: FactBase, vector: VectorIndex | None, progress: Progress | None = None) -> None:
        self.base = base
        self.vector = vector
        self.progress = progress
        self._keyword: KeywordIndex | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def keyword(self) -> KeywordIndex:
        if self._keyword is None:
            with self._lock:
                if self._keyword is None:
                    if self.progress is not None:
                        self.progress("正在建立关键词索引…")
                    self._keyword = KeywordIndex(self.base.facts)
        return self._keyword

    def prepare(self) -> None:
        """Both indexes, now: the model embeds (in C, without the GIL) while the keyword
        index is built."""
        vector = self.vector
        worker = None
        if vector is not None and (not vector.ready or vector.matrix is not None and not vector.stored):
            worker = threading.Thread(target=self._vectors_now, args=(vector,), daemon=True, name="report-vectors")
            worker.start()
        _ = self.keyword
        if worker is not None:
            worker.join()
        if vector is not None:
            vector.ensure(self.progress)  # built by the worker, unless it could not start
            vector.store()  # the chromadb collection, before the first search needs it
            if vector.error and self.progress is not None:
                self.progress(f"向量检索不可用（{vector.error}），只用关键词检索")

    def _vectors_now(self, vector: VectorIndex) -> None:
        vector.ensure(self.progress)
        vector.store()

    def start(self) -> threading.Thread:
        """Build in the background (a search meanwhile waits for what it needs)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._prepare_quietly, daemon=True, name="report-index")
            self._thread.start()
        return self._thread

    def _prepare_quietly(self) -> None:
        try:
            self.prepare()
        except Exception:  # noqa: BLE001 - the search that needs it rebuilds and reports
            logging.getLogger(__name__).exception("index build failed")

    @property
    def ready(self) -> bool:
        return self._keyword is not None and (self.vector is None or self.vector.ready)

    @property
    def status(self) -> str:
        """Where the build is, in Chinese (the UI shows it)."""
        vector = self.vector
        if vector is not None and vector.error:
            return f"向量检索不可用（{vector.error}），只用关键词检索"
        if self.ready:
            return "问答索引已就绪" + ("（向量取自缓存）" if vector is not None and vector.from_cache else "")
        building = [] if self._keyword is not None else ["关键词索引"]
        if vector is not None and not vector.ready:
            building.append(f"向量索引（{vector.done}/{vector.total}）")
        return f"正在建立{'、'.join(building)}…（可先提问：表格中的数字直接回答，不必等待）"

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[tuple[Fact, float]]:
        if mode == "hybrid" and not self.ready:
            self.prepare()
        keyword = self.keyword.search(query, k=k * 3) if mode in ("hybrid", "keyword") else []
        vector: list[tuple[Fact, float]] = []
        if self.vector is not None and mode in ("hybrid", "vector"):
            self.vector.ensure(self.progress)
            vector = self.vector.search(query, k=k * 3) if not self.vector.error else []
        if mode == "keyword":
            return keyword[:k]
        if mode == "vector":
            return vector[:k]
        return rrf([keyword, vector])[:k]


def report_key(base: FactBase) -> str:
    """The content hash of the report's file(s), or of its facts when it was not read from a file."""
    return base.report.meta.sha256 or hashlib.sha256("\n".join(f.text for f in base.facts).encode()).hexdigest()


def build_index(base: FactBase, embeddings: EmbeddingSettings | None = None, vectors: bool = True,
                directory: Path | None = None, progress: Progress | None = None) -> ReportIndex:
    """The index of a report's facts, built lazily (``prepare``/``start`` build it ahead); the
    vectors come from the cache when this content was embedded before by this model and code."""
    vector = None
    if vectors:
        settings = embeddings or EmbeddingSettings.resolve()
        vector = VectorIndex(base.facts, report_key(base), settings, directory or cache_dir() / "vectors")
    return ReportIndex(base, vector, progress)

"""The retrieval index of one report: an embedded chromadb collection (on disk, under a
cache directory keyed by the file's content hash and the embedding model, built once and
reused) and a keyword index over jieba tokens (bm25s), fused by reciprocal rank fusion.

Tables are indexed as a whole (title, unit, pages) and row by row as sentences with their
headers repeated; narrative sentences, claims, derived figures and findings are indexed
as they are.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embed import Embedder, EmbeddingSettings, make_embedder
from index.facts import Fact, FactBase

INDEX_VERSION = "1"
# what the vector index holds (cells are found through their rows and by keyword)
VECTOR_KINDS = ("table", "row", "sentence", "derived", "finding")

logging.getLogger("jieba").setLevel(logging.WARNING)


def cache_dir() -> Path:
    base = os.environ.get("AUDITOR_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "auditor" / "index"


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


class VectorIndex:
    """chromadb PersistentClient collection; embeddings computed by our embedder."""

    def __init__(self, facts: list[Fact], key: str, embedder: Embedder, directory: Path) -> None:
        import chromadb
        from chromadb.config import Settings

        self.embedder = embedder
        self.facts = {f.id: f for f in facts}
        directory.mkdir(parents=True, exist_ok=True)
        self.client = chromadb.PersistentClient(path=str(directory), settings=Settings(anonymized_telemetry=False))
        name = "facts_" + hashlib.sha1(f"{key}|{embedder.name}|{INDEX_VERSION}".encode()).hexdigest()[:16]
        self.collection = self.client.get_or_create_collection(name=name, metadata={"hnsw:space": "cosine"},
                                                               embedding_function=None)
        wanted = [f for f in facts if f.kind in VECTOR_KINDS]
        self.built = False
        if self.collection.count() != len(wanted):
            started = time.perf_counter()
            if self.collection.count():
                self.client.delete_collection(name)
                self.collection = self.client.get_or_create_collection(name=name, metadata={"hnsw:space": "cosine"},
                                                                       embedding_function=None)
            for start in range(0, len(wanted), 128):
                batch = wanted[start : start + 128]
                vectors = embedder.documents([f.text for f in batch])
                self.collection.add(ids=[f.id for f in batch], embeddings=vectors.tolist(),
                                    documents=[f.text for f in batch], metadatas=[{"kind": f.kind} for f in batch])
            self.built = True
            self.build_seconds = time.perf_counter() - started

    def search(self, query: str, k: int = 20) -> list[tuple[Fact, float]]:
        count = self.collection.count()
        if not count:
            return []
        vector = self.embedder.query(query)
        result = self.collection.query(query_embeddings=[vector.tolist()], n_results=min(k, count))
        ids = result["ids"][0]
        raw = result.get("distances")
        distances = raw[0] if raw else [0.0] * len(ids)
        return [(self.facts[i], 1.0 - float(d)) for i, d in zip(ids, distances) if i in self.facts]


def rrf(rankings: list[list[tuple[Fact, float]]], k: int = 60) -> list[tuple[Fact, float]]:
    """Reciprocal rank fusion: Σ 1 / (k + rank) over the rankings a fact appears in."""
    scores: dict[str, float] = {}
    facts: dict[str, Fact] = {}
    for ranking in rankings:
        for rank, (fact, _) in enumerate(ranking):
            scores[fact.id] = scores.get(fact.id, 0.0) + 1.0 / (k + rank + 1)
            facts[fact.id] = fact
    return sorted(((facts[i], s) for i, s in scores.items()), key=lambda x: -x[1])


@dataclass
class ReportIndex:
    base: FactBase
    keyword: KeywordIndex
    vector: VectorIndex | None

    def search(self, query: str, k: int = 10, mode: str = "hybrid") -> list[tuple[Fact, float]]:
        keyword = self.keyword.search(query, k=k * 3) if mode in ("hybrid", "keyword") else []
        vector = self.vector.search(query, k=k * 3) if self.vector is not None and mode in ("hybrid", "vector") else []
        if mode == "keyword":
            return keyword[:k]
        if mode == "vector":
            return vector[:k]
        return rrf([keyword, vector])[:k]


def build_index(base: FactBase, embeddings: EmbeddingSettings | None = None, vectors: bool = True,
                directory: Path | None = None) -> ReportIndex:
    """The index of a report's facts; the vector part is cached on disk by content hash."""
    keyword = KeywordIndex(base.facts)
    vector = None
    if vectors:
        embedder = make_embedder(embeddings)
        key = base.report.meta.sha256 or hashlib.sha1("".join(f.text for f in base.facts).encode()).hexdigest()
        vector = VectorIndex(base.facts, key, embedder, directory or cache_dir() / key[:2] / key)
    return ReportIndex(base, keyword, vector)


def fact_matrix(index: ReportIndex) -> np.ndarray:  # pragma: no cover - diagnostics
    return np.zeros((0, 0))

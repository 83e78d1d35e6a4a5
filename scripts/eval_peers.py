"""The peers deskbot's retrieval is measured against, built the way a tutorial builds them.

- tutorial dense: RecursiveCharacterTextSplitter(1000, 200) over the raw files,
  all-MiniLM-L6-v2 (256 word pieces, as shipped) and a Chroma similarity search;
- BM25: Okapi BM25 (rank-bm25) over the same chunks, Chinese cut by jieba, other text in
  lower-case words.

Both return, for each question, the source files of their top 10 chunks.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def tutorial_chunks(folder: Path, files: Sequence[Path]) -> tuple[list[str], list[str]]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    sources: list[str] = []
    for path in files:
        raw = path.read_text(encoding="utf-8", errors="replace")
        for piece in splitter.split_text(raw):
            texts.append(piece)
            sources.append(path.relative_to(folder).as_posix())
    return texts, sources


def bm25_tokens(text: str) -> list[str]:
    import jieba

    tokens: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group(0)
        if _CJK.match(word):
            tokens.extend(w for w in jieba.lcut(word) if w.strip())
        else:
            tokens.append(word.lower())
    return tokens


def run_dense(
    texts: list[str], sources: list[str], questions: Sequence[str], cache: Path
) -> tuple[list[list[str]], dict[str, Any]]:
    import chromadb

    from retrieval.embedder import CachedEmbedder, MiniLMEmbedder

    started = time.perf_counter()
    embedder = CachedEmbedder(
        MiniLMEmbedder(max_seq_length=256), path=cache / "baseline-vectors.sqlite"
    )
    vectors = embedder.embed_documents(texts)
    client = chromadb.EphemeralClient()
    name = f"peer-{time.time_ns()}"
    collection = client.create_collection(name, embedding_function=None)
    for start in range(0, len(texts), 4000):
        end = min(start + 4000, len(texts))
        collection.add(
            ids=[str(i) for i in range(start, end)],
            embeddings=vectors[start:end].tolist(),
            metadatas=[{"source": s} for s in sources[start:end]],
        )
    index_seconds = time.perf_counter() - started
    ranked: list[list[str]] = []
    for question in questions:
        result = collection.query(
            query_embeddings=[embedder.embed_query(question).tolist()],
            n_results=10,
            include=["metadatas"],
        )
        ranked.append([str(m["source"]) for m in (result["metadatas"] or [[]])[0]])
    client.delete_collection(name)
    info: dict[str, Any] = {"chunks": len(texts), "embedded_now": embedder.computed}
    info["index_seconds"] = round(index_seconds, 2)
    embedder.close()
    return ranked, info


def run_bm25(
    texts: list[str], sources: list[str], questions: Sequence[str]
) -> tuple[list[list[str]], dict[str, Any]]:
    import numpy as np
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    bm25 = BM25Okapi([bm25_tokens(t) or ["∅"] for t in texts])
    index_seconds = time.perf_counter() - started
    ranked: list[list[str]] = []
    for question in questions:
        scores = np.asarray(bm25.get_scores(bm25_tokens(question)))
        top = np.argsort(-scores)[:10]
        ranked.append([sources[i] for i in top if scores[i] > 0])
    return ranked, {"chunks": len(texts), "index_seconds": round(index_seconds, 2)}

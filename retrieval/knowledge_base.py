"""The facade the application calls: ingest folders, search them, answer questions.

kb = KnowledgeBase.open(index_dir, embedder="minilm", llm=None)
kb.ingest([SourceConfig(Path("docs"), url_base="https://docs.example.com")])
kb.search("token expired 40104", k=5)        -> list[SearchHit]
kb.ask("how long do tokens last?")            -> Answer
for piece in (stream := kb.ask_stream(q)):    -> text pieces, then stream.answer
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from retrieval.answer import Answerer, AnswerStream
from retrieval.embedder import CachedEmbedder, Embedder, make_embedder
from retrieval.ingest import PIPELINE_VERSION, Progress, SourceConfig, ingest
from retrieval.lexical import LexicalIndex
from retrieval.llm import ChatModel
from retrieval.search import Searcher
from retrieval.store import ChunkStore
from retrieval.tokenizer import is_common_english
from retrieval.types import Answer, Chunk, IngestReport, SearchFilters, SearchHit
from retrieval.vector_index import ChromaIndex, VectorIndex


class KnowledgeBase:
    def __init__(
        self,
        *,
        embedder: Embedder,
        vector_index: VectorIndex,
        lexical_index: LexicalIndex,
        store: ChunkStore,
        index_dir: Path,
        llm: ChatModel | None = None,
    ) -> None:
        self.embedder = embedder
        self.vectors = vector_index
        self.lexical = lexical_index
        self.store = store
        self.index_dir = index_dir
        self.searcher = Searcher(
            store=store, embedder=embedder, vectors=vector_index, lexical=lexical_index
        )
        self.answerer = Answerer(searcher=self.searcher, lexical=lexical_index, llm=llm)
        self._check_compatible()

    @classmethod
    def open(
        cls,
        index_dir: Path,
        *,
        embedder: str | Embedder = "minilm",
        embedder_backend: str = "onnx",
        model_dir: Path | None = None,
        chroma_url: str | None = None,
        llm: ChatModel | None = None,
        embedding_cache: Path | None = None,
        vector_index: VectorIndex | None = None,
    ) -> KnowledgeBase:
        """Open (or create) the index persisted under ``index_dir``.

        ``embedder_backend`` runs MiniLM (``onnx``, ``onnx-int8`` or ``torch``); the ONNX model
        is exported once into ``model_dir`` (default: ``models/`` beside ``index_dir``).
        """
        index_dir.mkdir(parents=True, exist_ok=True)
        inner = (
            make_embedder(
                embedder,
                backend=embedder_backend,
                model_dir=model_dir or index_dir.parent / "models",
            )
            if isinstance(embedder, str)
            else embedder
        )
        cached = CachedEmbedder(inner, path=embedding_cache or index_dir / "embeddings.sqlite")
        collection = "deskbot-" + "".join(c if c.isalnum() else "-" for c in inner.name.lower())
        vectors = vector_index or ChromaIndex(
            path=None if chroma_url else index_dir / "chroma",
            url=chroma_url,
            collection=collection,
            snapshot=index_dir / f"{collection}.npz",
        )
        return cls(
            embedder=cached,
            vector_index=vectors,
            lexical_index=LexicalIndex.load(index_dir / "lexical.pkl"),
            store=ChunkStore(index_dir / "chunks.sqlite"),
            index_dir=index_dir,
            llm=llm,
        )

    def _check_compatible(self) -> None:
        """An index built by another embedder or pipeline version is rebuilt, not mixed."""
        stamp = f"{self.embedder.name}|{PIPELINE_VERSION}"
        if self.store.get_meta("stamp") not in (None, stamp):
            self.reset()
        self.store.set_meta("stamp", stamp)
        self.store.commit()

    # -- ingestion ------------------------------------------------------------------------
    def ingest(
        self,
        sources: Sequence[SourceConfig | Path],
        *,
        reset: bool = False,
        only: Callable[[Path], bool] | None = None,
        progress: Progress | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """``workers``: parser processes beside the embedding (default: cores - 1; 0: none)."""
        if reset:
            self.reset()
        configs = [s if isinstance(s, SourceConfig) else SourceConfig(root=s) for s in sources]
        return ingest(
            configs,
            store=self.store,
            embedder=self.embedder,
            vectors=self.vectors,
            lexical=self.lexical,
            lexical_path=self.index_dir / "lexical.pkl",
            only=only,
            progress=progress,
            workers=workers,
        )

    def reset(self) -> None:
        self.vectors.reset()
        self.lexical.clear()
        self.store.clear()
        self.store.set_meta("stamp", f"{self.embedder.name}|{PIPELINE_VERSION}")
        self.store.commit()
        (self.index_dir / "lexical.pkl").unlink(missing_ok=True)

    @property
    def chunk_count(self) -> int:
        return len(self.store.chunks)

    # -- questions ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int = 5,
        filters: SearchFilters | None = None,
        context: Sequence[str] = (),
    ) -> list[SearchHit]:
        """``context``: the conversation's earlier messages, oldest first; a platform or
        product they name is preferred when the question names none."""
        return self.searcher.search(query, k=k, filters=filters, context=context)

    def sections(self, keep: Callable[[Chunk], bool]) -> list[SearchHit]:
        """Every passage ``keep`` accepts, in no particular order (score 0): for a reader
        that must see all of a kind — e.g. every known-issue section — not the best few."""
        return [
            SearchHit(
                source=c.source,
                heading=c.heading,
                text=c.text,
                score=0.0,
                url=c.url,
                title=c.title,
                chunk_id=c.id,
                metadata=dict(c.metadata),
            )
            for c in list(self.store.chunks.values())
            if keep(c)
        ]

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the embedding model, the
        in-memory copy of the vectors, the BM25 postings and the everyday-English word list."""
        if self.chunk_count:
            self.searcher.search("getting started", k=1)
            is_common_english("start")

    def ask(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        context: Sequence[str] = (),
    ) -> Answer:
        return self.answerer.ask(question, filters=filters, context=context)

    def ask_stream(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        context: Sequence[str] = (),
    ) -> AnswerStream:
        return self.answerer.ask_stream(question, filters=filters, context=context)

    def close(self) -> None:
        closer = getattr(self.vectors, "close", None)
        if callable(closer):
            closer()
        self.store.close()
        if isinstance(self.embedder, CachedEmbedder):
            self.embedder.close()


def wipe(index_dir: Path) -> None:
    """Delete an index folder entirely (``deskbot ingest --reset`` on a broken index)."""
    shutil.rmtree(index_dir, ignore_errors=True)


__all__ = ["Iterator", "KnowledgeBase", "SourceConfig", "wipe"]

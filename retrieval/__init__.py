"""retrieval: documentation in, cited answers out. Never imports ``bot``.

Public API::

    KnowledgeBase.open(index_dir, embedder="minilm"|"e5"|"hash"|Embedder,
                       embedder_backend="onnx"|"onnx-int8"|"torch", model_dir=None,
                       chroma_url=None, llm=None, embedding_cache=None)  -> KnowledgeBase
    KnowledgeBase.ingest([SourceConfig(root, url_base)], reset=False, progress=None) -> IngestReport
    KnowledgeBase.search(query, k=5, filters=None) -> list[SearchHit]
    KnowledgeBase.ask(question, filters=None) -> Answer
    KnowledgeBase.ask_stream(question, filters=None) -> AnswerStream (iterate; then .answer)
"""

from __future__ import annotations

from retrieval.answer import HANDOFF_TEXT, AnswerStream
from retrieval.embedder import E5Embedder, Embedder, HashEmbedder, MiniLMEmbedder, make_embedder
from retrieval.ingest import SourceConfig
from retrieval.knowledge_base import KnowledgeBase
from retrieval.lexical import LexicalIndex
from retrieval.llm import ChatModel, LLMError, OpenAIChat
from retrieval.onnx_embedder import OnnxMiniLMEmbedder
from retrieval.types import (
    Answer,
    Chunk,
    Citation,
    Document,
    IngestReport,
    SearchFilters,
    SearchHit,
    Section,
    Skipped,
)
from retrieval.vector_index import ChromaIndex, IndexError_, MemoryIndex, VectorIndex

__all__ = [
    "HANDOFF_TEXT",
    "Answer",
    "AnswerStream",
    "ChatModel",
    "ChromaIndex",
    "Chunk",
    "Citation",
    "Document",
    "E5Embedder",
    "Embedder",
    "HashEmbedder",
    "IndexError_",
    "IngestReport",
    "KnowledgeBase",
    "LLMError",
    "LexicalIndex",
    "MemoryIndex",
    "MiniLMEmbedder",
    "OnnxMiniLMEmbedder",
    "OpenAIChat",
    "SearchFilters",
    "SearchHit",
    "Section",
    "Skipped",
    "SourceConfig",
    "VectorIndex",
    "make_embedder",
]

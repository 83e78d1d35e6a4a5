"""Builds the knowledge base (``retrieval.KnowledgeBase``) from Settings, once per process.

The retrieval library knows nothing about settings or the environment; this module is the only
place that turns ``DESKBOT_*`` / ``OPENAI_*`` into an embedder, a Chroma client and an LLM.
Knowledge-gap recording stays with the conversation service: it reads ``Answer.handoff``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import IndexUnavailable, InvalidInput
from bot.settings import SAMPLE_KNOWLEDGE_BASE, Settings

if TYPE_CHECKING:
    from retrieval import Answer, ChatModel, IngestReport, KnowledgeBase, SearchHit, SourceConfig

_cache: dict[tuple[str, ...], KnowledgeBase] = {}
_lock = threading.Lock()


def build_llm(settings: Settings) -> ChatModel | None:
    """The OpenAI-compatible chat model, or ``None`` (extractive answers) when unconfigured."""
    if not settings.llm_configured:
        return None
    from retrieval import OpenAIChat

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return OpenAIChat(
        model=settings.llm_model,
        api_key=key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
    )


def build_knowledge(settings: Settings, *, ingest_sample: bool = True) -> KnowledgeBase:
    """The process-wide knowledge base for these settings.

    With ``ingest_sample`` an empty index is filled from the shipped ``knowledge_base/`` folder
    first, so a fresh install answers questions with no set-up.
    """
    key = (
        str(settings.index_dir.resolve()),
        settings.embedder,
        settings.embedder_backend,
        settings.chroma_url or "",
        settings.openai_base_url or "",
        settings.llm_model if settings.llm_configured else "",
    )
    with _lock:
        kb = _cache.get(key)
        if kb is None:
            kb = _open(settings)
            _cache[key] = kb
        if ingest_sample and kb.chunk_count == 0 and SAMPLE_KNOWLEDGE_BASE.is_dir():
            ingest(kb, [SAMPLE_KNOWLEDGE_BASE])
        return kb


def model_export_pending(settings: Settings) -> bool:
    """Will the first embedding export the ONNX model (a one-time wait of ~20 s)?"""
    if settings.embedder.strip().lower() not in {"minilm", "all-minilm-l6-v2", "default"}:
        return False
    backend = settings.embedder_backend.strip().lower()
    if not backend.startswith("onnx"):
        return False
    from retrieval.onnx_export import is_prepared

    return not is_prepared(
        settings.models_dir, precision="int8" if backend == "onnx-int8" else "fp32"
    )


def _open(settings: Settings) -> KnowledgeBase:
    from retrieval import KnowledgeBase

    try:
        return KnowledgeBase.open(
            settings.index_dir,
            embedder=settings.embedder,
            embedder_backend=settings.embedder_backend,
            model_dir=settings.models_dir,
            chroma_url=settings.chroma_url,
            llm=build_llm(settings),
        )
    except ValueError as exc:  # unknown embedder or backend name
        raise InvalidInput(str(exc)) from exc
    except Exception as exc:
        raise IndexUnavailable(f"cannot open the index under {settings.index_dir}: {exc}") from exc


def ingest(
    kb: KnowledgeBase,
    paths: list[Path],
    *,
    url_base: str | None = None,
    reset: bool = False,
    progress: object = None,
) -> IngestReport:
    """Ingest folders, translating library errors into ours."""
    from retrieval import IndexError_, SourceConfig

    for path in paths:
        if not path.exists():
            raise InvalidInput(f"no such file or folder: {path}")
    sources: list[SourceConfig] = [SourceConfig(root=p, url_base=url_base) for p in paths]
    try:
        return kb.ingest(sources, reset=reset, progress=progress)  # type: ignore[arg-type]
    except IndexError_ as exc:
        raise IndexUnavailable(str(exc)) from exc


def hit_payload(hit: SearchHit) -> dict[str, Any]:
    """One ``deskbot search`` result as JSON (the CLI and ``/api/docs/search`` alike)."""
    return {
        "source": hit.source,
        "heading": hit.heading,
        "text": hit.text,
        "score": hit.score,
        "url": hit.url,
    }


def answer_payload(answer: Answer) -> dict[str, Any]:
    """A ``deskbot ask`` answer as JSON (the CLI and ``/api/docs/ask`` alike)."""
    return {
        "answer": answer.answer,
        "citations": [
            {"source": c.source, "heading": c.heading, "url": c.url} for c in answer.citations
        ],
        "confidence": round(answer.confidence, 4),
        "handoff": answer.handoff,
        "mode": answer.mode,
    }


def forget_cache() -> None:
    """Close and drop the cached knowledge bases (tests; settings changed)."""
    with _lock:
        for kb in _cache.values():
            kb.close()
        _cache.clear()

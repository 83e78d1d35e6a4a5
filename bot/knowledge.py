"""Builds the knowledge base (``retrieval.KnowledgeBase``) from Settings, once per process.

The retrieval library knows nothing about settings or the environment; this module is the only
place that turns ``DESKBOT_*`` / ``OPENAI_*`` into an embedder, a Chroma client and an LLM.
Knowledge-gap recording stays with the conversation service: it reads ``Answer.handoff``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import IndexUnavailable, InvalidInput
from bot.settings import SAMPLE_KNOWLEDGE_BASE, Settings

if TYPE_CHECKING:
    from retrieval import Answer, ChatModel, IngestReport, KnowledgeBase, SearchHit, SourceConfig

_cache: dict[tuple[str, ...], KnowledgeBase] = {}
_lock = threading.Lock()


def build_knowledge(
    settings: Settings, *, ingest_sample: bool = True, llm: ChatModel | None = None
) -> KnowledgeBase:
    """The process-wide knowledge base for these settings, answering with ``llm`` (the
    process's chat model, :func:`bot.chat.build_chat_model`; none: extractive answers).

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
            kb = _open(settings, llm)
            _cache[key] = kb
        elif llm is not None:
            kb.answerer.llm = llm  # one chat model per process: the newest context's
        if ingest_sample and kb.chunk_count == 0 and SAMPLE_KNOWLEDGE_BASE.is_dir():
            ingest(kb, [SAMPLE_KNOWLEDGE_BASE], url_bases=configured_url_bases(settings))
        return kb


def model_export_pending(settings: Settings) -> bool:
    """Will the first embedding export the ONNX model (a one-time wait of ~20 s)?"""
    if settings.embedder.strip().lower() not in {"minilm", "all-minilm-l6-v2", "default"}:
        return False
    backend = settings.embedder_backend.strip().lower()
    if not backend.startswith("onnx"):
        return False
    from retrieval.embedder import onnx_precision
    from retrieval.onnx_export import is_prepared

    return not is_prepared(settings.models_dir, precision=onnx_precision(backend))


def _open(settings: Settings, llm: ChatModel | None) -> KnowledgeBase:
    from retrieval import KnowledgeBase

    try:
        return KnowledgeBase.open(
            settings.index_dir,
            embedder=settings.embedder,
            embedder_backend=settings.embedder_backend,
            model_dir=settings.models_dir,
            chroma_url=settings.chroma_url,
            llm=llm,
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
    url_bases: Mapping[Path, str] | None = None,
    reset: bool = False,
    progress: object = None,
) -> IngestReport:
    """Ingest folders, translating library errors into ours. A folder's citations link to
    ``url_base``, else to its ``url_bases`` entry (see :func:`configured_url_bases`)."""
    from retrieval import IndexError_, SourceConfig

    for path in paths:
        if not path.exists():
            raise InvalidInput(f"no such file or folder: {path}")
    bases = {k.resolve(): v for k, v in (url_bases or {}).items()}
    sources: list[SourceConfig] = [
        SourceConfig(root=p, url_base=url_base or bases.get(p.resolve())) for p in paths
    ]
    try:
        return kb.ingest(sources, reset=reset, progress=progress)  # type: ignore[arg-type]
    except IndexError_ as exc:
        raise IndexUnavailable(str(exc)) from exc


def configured_url_bases(settings: Settings) -> dict[Path, str]:
    """The live site of each ``docs:`` folder in the organisation file (``base_url``), so
    citations link to the published page rather than to nothing. A relative ``path`` is read
    from the config file's folder, else from the working directory."""
    from bot.config import load_org_config
    from bot.errors import ConfigError

    try:
        config = load_org_config(settings.config_path)
    except ConfigError:
        return {}  # the service reports a bad file on its own; ingestion need not fail
    out: dict[Path, str] = {}
    for source in config.docs:
        if not source.base_url:
            continue
        path = Path(source.path).expanduser()
        if not path.is_absolute():
            beside = settings.config_path.resolve().parent / path
            path = beside if beside.exists() else Path.cwd() / path
        out[path.resolve()] = source.base_url
    return out


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

"""Fixtures for retrieval tests: a knowledge base on the hash embedder (instant, no model)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from retrieval import KnowledgeBase, MemoryIndex
from retrieval.llm import ChatModel

FIXTURES = Path(__file__).parent / "fixtures" / "docs"
SHARED = Path(__file__).resolve().parents[3] / "shared"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A private copy of the fixture docs, free to edit."""
    target = tmp_path / "docs"
    shutil.copytree(FIXTURES, target)
    return target


KBFactory = Callable[..., KnowledgeBase]


@pytest.fixture
def make_kb(tmp_path: Path) -> Iterator[KBFactory]:
    opened: list[KnowledgeBase] = []

    def factory(*, llm: ChatModel | None = None, persistent: bool = False) -> KnowledgeBase:
        kb = KnowledgeBase.open(
            tmp_path / "index",
            embedder="hash",
            llm=llm,
            vector_index=None if persistent else MemoryIndex(),
        )
        opened.append(kb)
        return kb

    yield factory
    for kb in opened:
        kb.close()


@pytest.fixture
def kb_over(tmp_path: Path, make_kb: KBFactory) -> Callable[..., KnowledgeBase]:
    """A knowledge base ingested from ``pages`` (relative path -> text), written to a folder
    of their own; ``llm`` as for :func:`make_kb`."""

    def build(pages: dict[str, str], *, llm: ChatModel | None = None) -> KnowledgeBase:
        folder = tmp_path / "pages"
        for name, text in pages.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        kb = make_kb(llm=llm)
        kb.ingest([folder])
        return kb

    return build


def always_answer(kb: KnowledgeBase, probability: float = 0.9) -> KnowledgeBase:
    """Make ``kb`` judge every question answerable with ``probability``: for tests about what
    is searched and cited, not about whether a tiny fixture corpus covers the question."""
    import math

    from retrieval.answerability import FEATURES, Answerability

    n = len(FEATURES)
    kb.answerer.answerability = Answerability(
        weights=(0.0,) * n,
        intercept=math.log(probability / (1 - probability)),
        mean=(0.0,) * n,
        scale=(1.0,) * n,
        handoff_below=0.5,
        llm_gate=0.2,
    )
    return kb

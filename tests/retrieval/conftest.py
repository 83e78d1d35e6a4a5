"""Fixtures for retrieval tests: a knowledge base on the hash embedder (instant, no model)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ExportedModels:
    folder: Path  # the ONNX cache, exported once per test session
    torch_in_caller: bool  # did the process that asked for the export import torch?


@pytest.fixture(scope="session")
def onnx_models(tmp_path_factory: pytest.TempPathFactory) -> ExportedModels:
    """The bundled MiniLM exported to ONNX, by a fresh process that reports whether it
    imported torch itself (the export must run in a child of its own)."""
    folder = tmp_path_factory.mktemp("onnx-models")
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from retrieval.onnx_export import prepare_minilm\n"
        "prepare_minilm(Path(sys.argv[1]))\n"
        "print(json.dumps({'torch': 'torch' in sys.modules}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return ExportedModels(folder=folder, torch_in_caller=bool(report["torch"]))

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot.triage.engine import TriageRequest
from bot.triage.models import TriageResult
from bot.triage.offline import OfflineEngine

ROOT = Path(__file__).resolve().parents[2]


def _shared() -> Path:
    """``$DESKBOT_SHARED``, else ``shared/`` beside the repository or beside its parent (a
    worktree)."""
    configured = os.environ.get("DESKBOT_SHARED")
    if configured:
        return Path(configured)
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared"


EVAL = _shared() / "eval"
DEV_SET = EVAL / "bug-reports-dev.jsonl"
DEV_SET_ZH = EVAL / "bug-reports-zh-dev.jsonl"


@pytest.fixture
def engine() -> OfflineEngine:
    return OfflineEngine()


@pytest.fixture
def triage(engine: OfflineEngine) -> Any:
    def run(text: str, tier: str = "pro", **kwargs: Any) -> TriageResult:
        return engine.triage(TriageRequest(text=text, tier=tier, **kwargs))  # type: ignore[arg-type]

    return run


@pytest.fixture
def dev_records() -> list[dict[str, Any]]:
    if not DEV_SET.exists():
        pytest.skip("../shared/eval is not available")
    return [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def dev_records_zh() -> list[dict[str, Any]]:
    if not DEV_SET_ZH.exists():
        pytest.skip("../shared/eval is not available")
    lines = DEV_SET_ZH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]

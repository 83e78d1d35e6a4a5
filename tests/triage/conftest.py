from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.triage.engine import TriageRequest
from bot.triage.models import TriageResult
from bot.triage.offline import OfflineEngine

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT.parent / "shared" / "eval" / "bug-reports-dev.jsonl"


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

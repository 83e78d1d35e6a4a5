"""scripts/bench_embedder.py: CPU per passage and arithmetic rate of a backend, as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ExportedModels

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_reports_cpu_per_passage_and_the_arithmetic_rate(
    onnx_models: ExportedModels,
) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_embedder.py"), "--passages", "12",
         "--backends", "onnx", "--rounds", "2", "--model-dir", str(onnx_models.folder)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["passages"] == 12 and 0 < report["tokens_mean"] <= 128
    onnx = report["backends"]["onnx"]
    assert len(onnx["rounds"]) == 2
    assert onnx["cpu_ms_per_passage"] > 0 and onnx["gflops_per_busy_core"] > 1
    assert "ratios_over_torch" not in report  # only when torch was measured

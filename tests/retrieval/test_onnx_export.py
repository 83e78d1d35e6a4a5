"""The ONNX model cache: exported once, reused while intact, redone when anything is off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.onnx_export import (
    MODEL_NAME,
    PARTS,
    ExportError,
    export_minilm,
    minilm_source,
    prepare_minilm,
)
from tests.retrieval.conftest import ExportedModels


class FakeExporter:
    """Writes stand-in model files through the real manifest code; counts its runs."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, folder: Path) -> None:
        self.runs += 1

        def build(source: Path, work: Path) -> None:
            for names in PARTS.values():
                for name in names:
                    (work / name).write_bytes(f"{name} run {self.runs}".encode())

        export_minilm(folder, minilm_source(), build=build)


def test_exports_once_then_reuses_the_cache(tmp_path: Path) -> None:
    exporter = FakeExporter()
    model = prepare_minilm(tmp_path, precision="int8", exporter=exporter)
    assert model.path == tmp_path / MODEL_NAME / "model-int8.onnx" and model.path.is_file()
    assert model.tokenizer == minilm_source() / "tokenizer.json"
    prepare_minilm(tmp_path, precision="int8", exporter=exporter)
    prepare_minilm(tmp_path, precision="fp32", exporter=exporter)  # made by the same export
    assert exporter.runs == 1


def test_a_damaged_file_is_exported_again(tmp_path: Path) -> None:
    exporter = FakeExporter()
    model = prepare_minilm(tmp_path, exporter=exporter)
    model.path.write_bytes(b"truncated")
    prepare_minilm(tmp_path, exporter=exporter)
    assert exporter.runs == 2
    assert model.path.read_bytes() == f"{model.path.name} run 2".encode()


def test_other_weights_or_another_exporter_version_mean_a_fresh_export(tmp_path: Path) -> None:
    exporter = FakeExporter()
    prepare_minilm(tmp_path, exporter=exporter)
    manifest_path = tmp_path / MODEL_NAME / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["source"] = {"sha256": "0" * 64, "stat": [[1, 1], [1, 1]]}  # weights changed
    manifest_path.write_text(json.dumps(manifest))
    prepare_minilm(tmp_path, exporter=exporter)
    assert exporter.runs == 2

    manifest = json.loads(manifest_path.read_text())
    manifest["exporter"] = "0"
    manifest_path.write_text(json.dumps(manifest))
    prepare_minilm(tmp_path, exporter=exporter)
    assert exporter.runs == 3


def test_same_weights_reinstalled_are_recognised_by_their_hash(tmp_path: Path) -> None:
    exporter = FakeExporter()
    prepare_minilm(tmp_path, exporter=exporter)
    manifest_path = tmp_path / MODEL_NAME / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    real_stat = manifest["source"]["stat"]
    manifest["source"]["stat"] = [[size, 0] for size, _ in real_stat]  # a new mtime only
    manifest_path.write_text(json.dumps(manifest))
    prepare_minilm(tmp_path, exporter=exporter)
    assert exporter.runs == 1
    assert json.loads(manifest_path.read_text())["source"]["stat"] == real_stat


def test_an_export_that_leaves_no_valid_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not match"):
        prepare_minilm(tmp_path, exporter=lambda folder: None)


def test_an_untouched_cache_is_not_rehashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold start must not hash 90 MB: unchanged sizes and mtimes are trusted."""
    from retrieval import onnx_export

    prepare_minilm(tmp_path, exporter=FakeExporter())
    hashed: list[Path] = []
    real = onnx_export.sha256
    monkeypatch.setattr(onnx_export, "sha256", lambda path: hashed.append(path) or real(path))
    prepare_minilm(tmp_path, exporter=FakeExporter())
    assert hashed == []


@pytest.mark.slow
def test_mixed_keeps_only_the_feed_forward_outputs_in_float(onnx_models: ExportedModels) -> None:
    import onnx

    folder = onnx_models.folder / MODEL_NAME
    graph = onnx.load(str(folder / "model-mixed.onnx"), load_external_data=False).graph
    float_products = [n.name for n in graph.node if n.op_type == "MatMul"]
    assert len(float_products) == 6
    assert all("/output/dense" in n and "/attention/" not in n for n in float_products)
    assert sum(n.op_type == "QAttention" for n in graph.node) == 6  # attention in int8
    assert sum(n.op_type == "MatMulInteger" for n in graph.node) == 12  # and the rest
    fused = onnx.load(str(folder / "model.onnx"), load_external_data=False).graph
    assert sum(n.op_type == "Attention" for n in fused.node) == 6  # fused, float32

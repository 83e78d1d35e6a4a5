"""Block int8 (the ``q8`` precision): weights coded per block, products on int8 kernels."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.onnx_blocks import BLOCK, block_quantise, dequantise_blocks, quantise_blocks


def test_each_block_keeps_its_own_scale() -> None:
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(384, 96)).astype(np.float32)
    weight[5, :] *= 50.0  # one outlier row: with one scale per column it would crush the rest
    codes, scales = quantise_blocks(weight)
    assert codes.shape == (96, 384 // BLOCK, BLOCK) and codes.dtype == np.uint8
    assert scales.shape == (96 * 384 // BLOCK,)
    back = dequantise_blocks(codes, scales, 384)
    # The blocks without the outlier row keep int8's precision: error under half a step.
    steps = scales.reshape(96, -1).T  # (blocks, columns)
    rest = np.abs(back - weight)[BLOCK:]
    assert (rest <= 0.5 * np.repeat(steps[1:], BLOCK, axis=0) + 1e-6).all()
    assert np.abs(back - weight).max() < 0.05 * np.abs(weight).max()


def test_rows_are_padded_to_a_whole_block() -> None:
    weight = np.arange(200 * 3, dtype=np.float32).reshape(200, 3) / 100
    codes, scales = quantise_blocks(weight, block=128)
    assert codes.shape == (3, 2, 128)
    assert np.abs(dequantise_blocks(codes, scales, 200) - weight).max() < 0.05


def _matmul_model(path: Path, weight: np.ndarray) -> None:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="dense/MatMul")],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, weight.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, weight.shape[1]])],
        [numpy_helper.from_array(weight, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def test_the_quantised_graph_runs_and_stays_close(tmp_path: Path) -> None:
    import onnx
    import onnxruntime as ort

    rng = np.random.default_rng(1)
    weight = rng.normal(size=(384, 64)).astype(np.float32)
    _matmul_model(tmp_path / "fp32.onnx", weight)
    assert block_quantise(tmp_path / "fp32.onnx", tmp_path / "q8.onnx") == 1
    ops = [node.op_type for node in onnx.load(str(tmp_path / "q8.onnx")).graph.node]
    assert ops == ["MatMulNBits"]
    x = rng.normal(size=(5, 384)).astype(np.float32)
    x[:, 7] *= 30.0  # an outlier channel, as BERT's layer norms have
    session = ort.InferenceSession(str(tmp_path / "q8.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {"x": x})[0]
    want = x @ weight
    cosines = (got * want).sum(1) / np.linalg.norm(got, axis=1) / np.linalg.norm(want, axis=1)
    assert cosines.min() > 0.999

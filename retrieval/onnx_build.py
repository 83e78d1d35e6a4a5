"""Building the ONNX MiniLM from the package's PyTorch weights: trace, fuse for ONNX Runtime,
quantise copies, check each against PyTorch. Runs in the child process that
:func:`retrieval.onnx_export.run_export_subprocess` starts (``python -m retrieval.onnx_build
DIR``), the only place torch is imported."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from retrieval.onnx_export import (
    FILES,
    ExportError,
    export_minilm,
    minilm_source,
)


def build_onnx(source: Path, work: Path) -> None:
    """Trace the PyTorch model, fuse it for ONNX Runtime, quantise a copy, check both."""
    raw = work / "raw.onnx"
    _torch_export(source, raw)
    fused = work / FILES["fp32"]
    _fuse(raw, fused)
    raw.unlink()
    quantised = work / FILES["int8"]
    _quantise(fused, quantised)
    mixed = work / FILES["mixed"]
    _quantise(fused, mixed, nodes=mixed_nodes(fused))
    _check(source, {fused: 0.9999, mixed: 0.97, quantised: 0.95})


def _torch_export(source: Path, target: Path) -> None:
    import warnings

    import torch
    from transformers import AutoModel

    # Eager attention traces to plain ONNX ops that ONNX Runtime's BERT fusion recognises.
    # nosec B615: a folder inside an installed package, never the hub (local_files_only)
    bert = AutoModel.from_pretrained(  # nosec B615
        str(source), attn_implementation="eager", local_files_only=True
    ).eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            out = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            )
            return out.last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and deprecation chatter; checked below
        torch.onnx.export(
            TokenEmbeddings(),
            (ids, torch.ones_like(ids)),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["token_embeddings"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_embeddings": axes},
            opset_version=17,
            dynamo=False,
        )


def _fuse(raw: Path, target: Path) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((minilm_source() / "config.json").read_text(encoding="utf-8"))
    optimized = optimize_model(
        str(raw),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
        opt_level=0,
    )
    # The weights go to a file of their own (PARTS["fp32"]) that ONNX Runtime maps.
    optimized.save_model_to_file(
        str(target), use_external_data_format=True, all_tensors_to_one_file=True
    )
    produced = target.with_name(target.name + ".data")
    if not produced.is_file():
        raise ExportError(f"the fused model's weights were not written to {produced.name}")


def mixed_nodes(fused: Path) -> list[str]:
    """What ``mixed`` quantises: every matrix product but the feed-forward output's.

    Those six products (1536 wide in, added straight into the residual stream) carry most of
    int8's error: measured against float32 on 320 passages of a real corpus, quantising only
    them leaves a worst cosine of 0.981, quantising everything else 0.992 (everything: 0.985).
    Left in float32 they are a third of the arithmetic; the rest runs in int8.
    """
    import onnx

    graph = onnx.load(str(fused), load_external_data=False).graph
    chosen = [
        node.name
        for node in graph.node
        if node.op_type == "Attention"
        or (node.op_type == "MatMul" and not _is_ffn_output(node.name))
    ]
    if not any(node.op_type == "Attention" for node in graph.node):
        raise ExportError("the fused graph has no Attention node: fusion failed")
    return chosen


def _is_ffn_output(name: str) -> bool:
    # "/bert/encoder/layer.N/output/dense/MatMul"; the attention's own is ".../attention/output/..."
    return "/output/dense" in name and "/attention/" not in name


def _quantise(fused: Path, target: Path, *, nodes: list[str] | None = None) -> None:
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing" advice
    quantize_dynamic(
        str(fused),
        str(target),
        weight_type=QuantType.QInt8,
        # One scale per output channel: per-tensor scales cost MiniLM ~0.1 of cosine.
        per_channel=True,
        nodes_to_quantize=nodes,  # None: every MatMul and Attention
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


_PROBES = (
    "How do I renew an expired token?",
    "Reconnect after the network drops: the SDK retries with backoff " * 8,
    "ok",
)


def _check(source: Path, floors: dict[Path, float]) -> None:
    """The ONNX vectors must be the PyTorch model's: a broken trace fails here, not in search."""
    import numpy as np
    import onnxruntime as ort
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    tokenizer.enable_truncation(128)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    encoded = tokenizer.encode_batch(list(_PROBES))
    ids = np.array([e.ids for e in encoded], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)

    def pooled(tokens: Any) -> Any:
        weights = mask[..., None].astype(np.float32)
        vectors = (tokens * weights).sum(axis=1) / weights.sum(axis=1)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    bert = AutoModel.from_pretrained(str(source), local_files_only=True).eval()  # nosec B615
    with torch.no_grad():
        reference = pooled(
            bert(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
            .last_hidden_state.numpy()
            .astype(np.float32)
        )
    for path, floor in floors.items():
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        got = pooled(session.run(None, {"input_ids": ids, "attention_mask": mask})[0])
        worst = float((got * reference).sum(axis=1).min())
        if worst < floor:
            raise ExportError(f"{path.name}: cosine to the PyTorch model {worst:.4f} < {floor}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m retrieval.onnx_build CACHE_FOLDER", file=sys.stderr)
        return 2
    try:
        export_minilm(Path(args[0]), minilm_source(), build=build_onnx)
    except Exception as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How close each MiniLM backend runs to the CPU: CPU milliseconds per passage and the
arithmetic rate, on the same passages, in one run.

    .venv/bin/python scripts/bench_embedder.py [--docs knowledge_base] [--passages 256]
        [--backends torch,onnx,onnx-mixed,onnx-int8] [--rounds 3] [--model-dir DIR]

The passages are what ingestion embeds (``embed_text`` of each chunk of ``--docs``). Each
backend embeds them ``--rounds`` times, interleaved; the JSON reports, per backend, the median
CPU ms per passage (process time: every thread counted, so a busy machine costs wall time but
not this), wall ms per passage, and GFLOP/s per busy core (the model's multiply-adds over the
real token counts, over CPU seconds). ``ratios_over_torch`` is torch's CPU per passage over
each backend's: the most any scheduling can give an ingest that keeps that backend's vectors.
For scale: one core's float32 peak is 2 FMA units x SIMD width x 2 x clock (a 3 GHz core
with two 256-bit FMA units: 96 GFLOP/s).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# all-MiniLM-L6-v2: 6 layers of hidden 384 and feed-forward 1536.
LAYERS, HIDDEN, FFN = 6, 384, 1536


def passages(docs: Path, limit: int) -> list[str]:
    from retrieval.chunker import chunk_document, embed_text
    from retrieval.loaders import is_document, load_document

    texts: list[str] = []
    for path in sorted(p for p in docs.rglob("*") if p.is_file() and is_document(p)):
        doc = load_document(path, source=str(path.relative_to(docs)), root=docs)
        texts.extend(embed_text(c, multilingual=False) for c in chunk_document(doc))
    return list(dict.fromkeys(texts))[:limit]


def flops(token_counts: list[int]) -> float:
    """Multiply-adds x 2 of the encoder over these sequence lengths (embeddings excluded)."""
    per_token = LAYERS * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN) * 2
    attention = sum(LAYERS * 2 * 2 * n * n * HIDDEN for n in token_counts)
    return per_token * sum(token_counts) + attention


def measure(embedder: Any, texts: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of embedding ``texts`` once."""
    cpu, wall = time.process_time(), time.perf_counter()
    embedder.embed_documents(texts)
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "knowledge_base")
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--backends", default="torch,onnx,onnx-mixed,onnx-int8")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--model-dir", type=Path, default=ROOT / ".deskbot" / "eval-cache" / "models"
    )
    args = parser.parse_args()

    from retrieval.embedder import make_embedder

    texts = passages(args.docs, args.passages)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    embedders = {b: make_embedder("minilm", backend=b, model_dir=args.model_dir) for b in backends}
    tokenizer_of = embedders.get("onnx") or next(iter(embedders.values()))
    counts = _token_counts(tokenizer_of, texts)
    for embedder in embedders.values():  # load and warm each outside the timing
        embedder.embed_documents(texts[:8])
    runs: dict[str, list[tuple[float, float]]] = {b: [] for b in backends}
    for round_number in range(args.rounds):
        order = backends if round_number % 2 == 0 else list(reversed(backends))
        for name in order:
            runs[name].append(measure(embedders[name], texts))
    work = flops(counts)
    result: dict[str, Any] = {
        "docs": str(args.docs),
        "passages": len(texts),
        "tokens_mean": round(statistics.mean(counts), 1),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg()[0],
        "backends": {},
    }
    for name, timings in runs.items():
        cpu = statistics.median(t[0] for t in timings)
        wall = statistics.median(t[1] for t in timings)
        result["backends"][name] = {
            "cpu_ms_per_passage": round(1000 * cpu / len(texts), 2),
            "wall_ms_per_passage": round(1000 * wall / len(texts), 2),
            "gflops_per_busy_core": round(work / cpu / 1e9, 1),
            "rounds": [[round(c, 3), round(w, 3)] for c, w in timings],
        }
    if "torch" in runs:
        torch_cpu = result["backends"]["torch"]["cpu_ms_per_passage"]
        result["ratios_over_torch"] = {
            name: round(torch_cpu / figures["cpu_ms_per_passage"], 2)
            for name, figures in result["backends"].items()
            if name != "torch"
        }
    print(json.dumps(result, indent=2))
    return 0


def _token_counts(embedder: Any, texts: list[str]) -> list[int]:
    from tokenizers import Tokenizer

    from retrieval.onnx_export import minilm_source

    tokenizer = Tokenizer.from_file(str(minilm_source() / "tokenizer.json"))
    tokenizer.enable_truncation(int(getattr(embedder, "max_seq_length", 128)))
    return [len(e.ids) for e in tokenizer.encode_batch(texts)]


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed and memory of retrieval on a real corpus, per embedding backend and against the
LangChain-tutorial baseline.

    .venv/bin/python scripts/bench_retrieval.py [--corpus ably-docs] [--limit-files N] [--warm]
        [--embedders minilm-torch,minilm] [--rounds N] [--no-baseline] [--shared DIR]

Measures, in one run and for each embedder (``minilm-torch``: sentence-transformers;
``minilm``: ONNX Runtime, float32; ``minilm-mixed``: two thirds in int8; ``minilm-int8``: all
int8):
ingest time and chunks/s (cold embedding cache unless --warm) with the part of it spent in the
embedding model, re-ingest with nothing changed,
query embedding p50, search p50/p95 in-process, extractive ask p95, and the resident memory of
a serving process (a child that opens the index and answers queries).
``ratios_over_<first embedder>`` compares each with the first. With ``--rounds N`` every
embedder runs N times, interleaved (the order reversed every other round, so a machine that
gets busier or quieter favours none of them), and each figure is the median of its rounds
(``rounds`` keeps them all). The baseline
(RecursiveCharacterTextSplitter(1000, 200) + MiniLM on torch + Chroma) is timed the same way
and ``ratios_ours_over_baseline`` uses the last embedder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT.parent / "shared" / "eval" / "questions-dev.jsonl"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def shared_dir(given: Path | None) -> Path:
    """The shared corpora: --shared, else ``shared/`` beside the repository or one level up
    (a worktree lives a level deeper than the main checkout)."""
    if given is not None:
        return given
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (candidate / "corpora").is_dir():
            return candidate
    return ROOT.parent / "shared"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def queries_for(corpus: str) -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS.open(encoding="utf-8") if line.strip()]
    base = [r["question"] for r in rows if r["corpus"] == corpus] or [r["question"] for r in rows]
    # Repeat with small variations so timings are not a handful of samples.
    return [q for q in base] + [q.lower() for q in base] + [q.split("?")[0] for q in base]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One run's figures, each the median over ``runs`` (numbers only; the rest as is)."""
    out = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = round(statistics.median(run[key] for run in runs), 2)
    return out


def serve_probe(
    index: str, cache: str, embedder: str, models: str, questions: str, corpus: str
) -> dict[str, Any]:
    """Run in a child process: what a serving worker holds after answering questions."""
    global QUESTIONS
    QUESTIONS = Path(questions)
    from retrieval import KnowledgeBase

    kb = KnowledgeBase.open(
        Path(index), embedder=embedder, embedding_cache=Path(cache), model_dir=Path(models)
    )
    for q in queries_for(corpus)[:20]:
        kb.search(q, k=10)
        kb.ask(q)
    return {"rss_mb": round(rss_mb(), 1), "torch_loaded": "torch" in sys.modules}


def _timed_documents(embedder: Any) -> list[float]:
    """Count the seconds ``embedder.embed_documents`` takes from now on (one running total)."""
    total = [0.0]
    inner = embedder.embed_documents

    def timed(texts: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(texts)
        finally:
            total[0] += time.perf_counter() - started

    embedder.embed_documents = timed
    return total


def bench_ours(
    folder: Path, files: set[Path], cache: Path, corpus: str, embedder: str, models: Path
) -> dict[str, Any]:
    from retrieval import KnowledgeBase, SourceConfig

    out: dict[str, Any] = {"embedder": embedder}
    with tempfile.TemporaryDirectory(prefix="deskbot-bench-") as home:
        index = Path(home) / "index"
        kb = KnowledgeBase.open(index, embedder=embedder, embedding_cache=cache, model_dir=models)
        kb.embedder.embed_query("warm up")  # model load (and a first ONNX export) is not ingestion
        embedding = _timed_documents(kb.embedder)
        started = time.perf_counter()
        report = kb.ingest([SourceConfig(folder)], only=lambda p: p.resolve() in files)
        seconds = time.perf_counter() - started
        out["ingest_seconds"] = round(seconds, 2)
        # Where ingestion's time went: inside the embedding model, and everything else.
        out["ingest_embed_seconds"] = round(embedding[0], 2)
        out["ingest_other_seconds"] = round(seconds - embedding[0], 2)
        out["chunks"] = report.chunks
        out["embedded"] = report.embedded
        out["chunks_per_second"] = round(report.chunks / max(seconds, 1e-9), 1)
        started = time.perf_counter()
        again = kb.ingest([SourceConfig(folder)], only=lambda p: p.resolve() in files)
        out["reingest_unchanged_seconds"] = round(time.perf_counter() - started, 2)
        out["reingest_embedded"] = again.embedded
        queries = queries_for(corpus)
        for q in queries[:3]:
            kb.search(q)
        embed_ms = []
        for q in queries:
            t = time.perf_counter()
            kb.embedder.embed_query(q)
            embed_ms.append((time.perf_counter() - t) * 1000)
        out["query_embed_ms_p50"] = round(statistics.median(embed_ms), 2)
        out["query_embed_ms_p95"] = round(percentile(embed_ms, 95), 2)
        search_ms, ask_ms = [], []
        for q in queries:
            t = time.perf_counter()
            kb.search(q, k=10)
            search_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            kb.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)
        out["search_ms_p50"] = round(statistics.median(search_ms), 1)
        out["search_ms_p95"] = round(percentile(search_ms, 95), 1)
        out["ask_ms_p50"] = round(statistics.median(ask_ms), 1)
        out["ask_ms_p95"] = round(percentile(ask_ms, 95), 1)
        kb.close()
        probe_args = [str(index), str(cache), embedder, str(models), str(QUESTIONS), corpus]
        probe = subprocess.run(
            [sys.executable, __file__, "--probe", *probe_args],
            capture_output=True,
            text=True,
            check=True,
        )
        out.update(json.loads(probe.stdout.strip().splitlines()[-1]))
    return out


def bench_baseline(folder: Path, files: list[Path], cache: Path, corpus: str) -> dict[str, Any]:
    import chromadb
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retrieval.embedder import CachedEmbedder, MiniLMEmbedder

    embedder = CachedEmbedder(MiniLMEmbedder(max_seq_length=256), path=cache)
    embedder.embed_query("warm up")
    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    for path in files:
        texts.extend(splitter.split_text(path.read_text(encoding="utf-8", errors="replace")))
    vectors = embedder.embed_documents(texts)
    client = chromadb.EphemeralClient()
    collection = client.create_collection(f"bench-{time.time_ns()}", embedding_function=None)
    for start in range(0, len(texts), 4000):
        collection.add(
            ids=[str(i) for i in range(start, min(start + 4000, len(texts)))],
            embeddings=vectors[start : start + 4000].tolist(),
        )
    seconds = time.perf_counter() - started
    search_ms = []
    for q in queries_for(corpus):
        t = time.perf_counter()
        collection.query(query_embeddings=[embedder.embed_query(q).tolist()], n_results=10)
        search_ms.append((time.perf_counter() - t) * 1000)
    embedder.close()
    return {
        "ingest_seconds": round(seconds, 2),
        "chunks": len(texts),
        "embedded": embedder.computed,
        "chunks_per_second": round(len(texts) / max(seconds, 1e-9), 1),
        "search_ms_p50": round(statistics.median(search_ms), 1),
        "search_ms_p95": round(percentile(search_ms, 95), 1),
    }


def main() -> int:
    global QUESTIONS
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        print(json.dumps(serve_probe(*sys.argv[2:8])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="ably-docs")
    parser.add_argument("--limit-files", type=int, default=None)
    parser.add_argument("--warm", action="store_true", help="reuse the eval vector caches")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--embedders",
        default="minilm-torch,minilm",
        help="comma-separated: minilm-torch, minilm (ONNX), minilm-mixed, minilm-int8; "
        "first = reference",
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs per embedder, interleaved")
    parser.add_argument("--model-dir", type=Path, default=None, help="exported ONNX models")
    parser.add_argument("--shared", type=Path, default=None, help="folder with corpora/, eval/")
    args = parser.parse_args()
    shared = shared_dir(args.shared)
    QUESTIONS = shared / "eval" / "questions-dev.jsonl"
    folder = shared / "corpora" / args.corpus
    if not folder.is_dir():
        print(json.dumps({"error": f"missing {folder}"}))
        return 1
    from retrieval.loaders import is_document

    files = sorted(p for p in folder.rglob("*") if p.is_file() and is_document(p))
    files = files[: args.limit_files] if args.limit_files else files
    source_bytes = sum(p.stat().st_size for p in files)
    embedders = [e.strip() for e in args.embedders.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="deskbot-bench-cache-") as scratch:
        eval_cache = ROOT / ".deskbot" / "eval-cache"
        models = args.model_dir or eval_cache / "models"
        base_cache = eval_cache / "baseline-vectors.sqlite" if args.warm else Path(scratch) / "b"
        result: dict[str, Any] = {
            "corpus": args.corpus,
            "files": len(files),
            "source_mb": round(source_bytes / 1e6, 2),
            "embedding_cache": "warm" if args.warm else "cold",
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg()[0],
        }
        keep = {p.resolve() for p in files}
        rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in embedders}
        for number in range(args.rounds):
            for name in embedders if number % 2 == 0 else embedders[::-1]:
                # One cold cache per embedder and round: ONNX fp32 shares the torch vectors'
                # cache tag.
                cache = (
                    eval_cache / "vectors.sqlite"
                    if args.warm
                    else Path(scratch) / f"{name}-{number}.sqlite"
                )
                run = bench_ours(folder, keep, cache, args.corpus, name, models)
                run["load_average_after"] = os.getloadavg()[0]
                rounds[name].append(run)
        runs = {name: median_run(done) for name, done in rounds.items()}
        result["ours"] = runs
        if args.rounds > 1:
            result["rounds"] = rounds
        reference = runs[embedders[0]]
        keys = (
            "ingest_seconds",
            "ingest_embed_seconds",
            "query_embed_ms_p50",
            "search_ms_p50",
            "ask_ms_p50",
            "rss_mb",
        )
        result[f"ratios_over_{embedders[0]}"] = {
            name: {key: round(reference[key] / max(run[key], 1e-9), 2) for key in keys}
            for name, run in runs.items()
            if name != embedders[0]
        }
        ours = runs[embedders[-1]]
        if not args.no_baseline:
            result["baseline"] = bench_baseline(folder, files, base_cache, args.corpus)
            result["ratios_ours_over_baseline"] = {
                key: round(ours[key] / max(result["baseline"][key], 1e-9), 3)
                for key in ("ingest_seconds", "search_ms_p50", "search_ms_p95")
            }
    speedup = result.get(f"ratios_over_{embedders[0]}", {}).get(embedders[-1], {})
    result["targets"] = {
        "ingest_le_300s": ours["ingest_seconds"] <= 300,
        "reingest_le_10s": ours["reingest_unchanged_seconds"] <= 10,
        "search_p50_le_30ms": ours["search_ms_p50"] <= 30,
        "search_p95_le_60ms": ours["search_ms_p95"] <= 60,
        "ask_p95_le_100ms": ours["ask_ms_p95"] <= 100,
        "query_embed_p50_le_8ms": ours["query_embed_ms_p50"] <= 8,
        "rss_le_350mb": ours["rss_mb"] <= 350,
    }
    if speedup:
        result["targets"]["ingest_2x_faster"] = speedup["ingest_seconds"] >= 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

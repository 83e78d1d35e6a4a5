"""Retrieval quality on the shared corpora: ours against the LangChain-tutorial baseline.

    .venv/bin/python scripts/eval_retrieval.py [--corpus ably-docs] [--limit-files 200]

Each corpus under ../shared/corpora is ingested into a temporary home and the questions of
../shared/eval/questions-dev.jsonl are asked. Prints JSON: Recall@5 and MRR@10 per corpus,
handoff precision/recall, and the same figures for the baseline measured in the same run
(RecursiveCharacterTextSplitter(1000, 200) over raw files + all-MiniLM-L6-v2 + Chroma
similarity search). Vectors of both are cached by text hash under --cache-dir, so a second run
only re-measures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
QUESTIONS = SHARED / "eval" / "questions-dev.jsonl"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def corpus_files(folder: Path, limit: int | None, keep: set[str]) -> list[Path]:
    from retrieval.loaders import is_document

    files = sorted(p for p in folder.rglob("*") if p.is_file() and is_document(p))
    if limit is not None:
        # Gold files always stay in, so a quick run still measures something.
        gold = [p for p in files if p.relative_to(folder).as_posix() in keep]
        rest = [p for p in files if p.relative_to(folder).as_posix() not in keep]
        files = sorted(gold + rest[: max(0, limit - len(gold))])
    return files


def metrics(ranked: list[list[str]], questions: list[dict[str, Any]]) -> dict[str, float]:
    recall, mrr, n = 0.0, 0.0, 0
    for sources, q in zip(ranked, questions, strict=True):
        if not q["answerable"]:
            continue
        n += 1
        gold = set(q["gold"])
        unique = list(dict.fromkeys(sources))
        recall += 1.0 if gold & set(unique[:5]) else 0.0
        for rank, source in enumerate(unique[:10], start=1):
            if source in gold:
                mrr += 1.0 / rank
                break
    return {"recall@5": round(recall / max(n, 1), 4), "mrr@10": round(mrr / max(n, 1), 4)}


def handoff_metrics(flags: list[bool], questions: list[dict[str, Any]]) -> dict[str, float]:
    unans = [f for f, q in zip(flags, questions, strict=True) if not q["answerable"]]
    ans = [f for f, q in zip(flags, questions, strict=True) if q["answerable"]]
    flagged = sum(flags)
    true_pos = sum(unans)
    return {
        "unanswerable_handoff_rate": round(true_pos / max(len(unans), 1), 4),
        "answerable_no_handoff_rate": round(1 - sum(ans) / max(len(ans), 1), 4),
        "precision": round(true_pos / flagged, 4) if flagged else 0.0,
        "recall": round(true_pos / max(len(unans), 1), 4),
    }


def run_baseline(
    folder: Path, files: list[Path], questions: list[dict[str, Any]], cache: Path
) -> dict[str, Any]:
    import chromadb
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retrieval.embedder import CachedEmbedder, MiniLMEmbedder

    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts: list[str] = []
    sources: list[str] = []
    for path in files:
        raw = path.read_text(encoding="utf-8", errors="replace")
        for piece in splitter.split_text(raw):
            texts.append(piece)
            sources.append(path.relative_to(folder).as_posix())
    # The tutorial uses the model as shipped: 256 word pieces.
    embedder = CachedEmbedder(
        MiniLMEmbedder(max_seq_length=256), path=cache / "baseline-vectors.sqlite"
    )
    vectors = embedder.embed_documents(texts)
    client = chromadb.EphemeralClient()
    name = f"baseline-{int(time.time() * 1000)}"
    collection = client.create_collection(name, embedding_function=None)
    for start in range(0, len(texts), 4000):
        end = start + 4000
        collection.add(
            ids=[str(i) for i in range(start, min(end, len(texts)))],
            embeddings=vectors[start:end].tolist(),
            metadatas=[{"source": s} for s in sources[start:end]],
        )
    index_seconds = time.perf_counter() - started
    ranked: list[list[str]] = []
    for q in questions:
        result = collection.query(
            query_embeddings=[embedder.embed_query(q["question"]).tolist()],
            n_results=10,
            include=["metadatas"],
        )
        ranked.append([str(m["source"]) for m in (result["metadatas"] or [[]])[0]])
    client.delete_collection(name)
    out: dict[str, Any] = {"chunks": len(texts), "embedded_now": embedder.computed}
    out["index_seconds"] = round(index_seconds, 2)
    out.update(metrics(ranked, questions))
    # The tutorial pipeline has no notion of "not answered": it never hands off.
    out["handoff"] = handoff_metrics([False] * len(questions), questions)
    embedder.close()
    return out


def run_ours(
    folder: Path,
    files: list[Path],
    questions: list[dict[str, Any]],
    cache: Path,
    embedder_name: str,
    model_dir: Path | None = None,
) -> dict[str, Any]:
    from retrieval import KnowledgeBase, SourceConfig

    with tempfile.TemporaryDirectory(prefix="deskbot-eval-") as home:
        kb = KnowledgeBase.open(
            Path(home) / "index",
            embedder=embedder_name,
            embedding_cache=cache / "vectors.sqlite",
            model_dir=model_dir or cache / "models",
        )
        started = time.perf_counter()
        keep = {p.resolve() for p in files}
        report = kb.ingest(
            [SourceConfig(root=folder)], only=lambda p: p.resolve() in keep, progress=False
        )
        ingest_seconds = time.perf_counter() - started
        ranked: list[list[str]] = []
        flags: list[bool] = []
        details: list[dict[str, Any]] = []
        for q in questions:
            hits = kb.search(q["question"], k=10)
            ranked.append([h.source for h in hits])
            answer = kb.ask(q["question"])
            flags.append(answer.handoff)
            details.append(
                {
                    "id": q["id"],
                    "answerable": q["answerable"],
                    "handoff": answer.handoff,
                    "confidence": round(answer.confidence, 3),
                    "gold_rank": next(
                        (
                            i
                            for i, s in enumerate(dict.fromkeys(ranked[-1]), 1)
                            if s in set(q["gold"])
                        ),
                        None,
                    ),
                }
            )
        kb.close()
    out: dict[str, Any] = {"chunks": report.chunks, "embedded_now": report.embedded}
    out["index_seconds"] = round(ingest_seconds, 2)
    out.update(metrics(ranked, questions))
    out["handoff"] = handoff_metrics(flags, questions)
    out["questions"] = details
    out["flags"] = flags
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", help="limit to this corpus (repeatable)")
    parser.add_argument("--limit-files", type=int, default=None, help="quick run: N files")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".deskbot" / "eval-cache")
    parser.add_argument(
        "--embedder",
        default="minilm",
        help="minilm (ONNX), minilm-int8 (ONNX, int8), minilm-torch, e5 or hash",
    )
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="exported ONNX models (default: cache-dir)"
    )
    parser.add_argument("--only", choices=["ours", "baseline"], default=None)
    parser.add_argument("--details", action="store_true", help="per-question ranks")
    args = parser.parse_args(argv)
    if not CORPORA.is_dir() or not args.questions.is_file():
        print(json.dumps({"error": f"missing {CORPORA} or {args.questions}"}))
        return 1
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    all_questions = [json.loads(line) for line in args.questions.open(encoding="utf-8") if line]
    names = args.corpus or sorted({q["corpus"] for q in all_questions})
    report: dict[str, Any] = {"corpora": {}}
    runners: dict[str, Callable[..., dict[str, Any]]] = {}
    if args.only != "baseline":
        runners["ours"] = lambda f, fs, qs: run_ours(
            f, fs, qs, args.cache_dir, args.embedder, args.model_dir
        )
    if args.only != "ours":
        runners["baseline"] = lambda f, fs, qs: run_baseline(f, fs, qs, args.cache_dir)
    for name in names:
        folder = CORPORA / name
        questions = [q for q in all_questions if q["corpus"] == name]
        keep = {g for q in questions for g in q["gold"]}
        files = corpus_files(folder, args.limit_files, keep)
        entry: dict[str, Any] = {"files": len(files), "questions": len(questions)}
        for label, runner in runners.items():
            entry[label] = runner(folder, files, questions)
            if label == "ours" and not args.details:
                entry[label].pop("questions", None)
        if "ours" in entry and "baseline" in entry:
            entry["beats_baseline"] = (
                entry["ours"]["recall@5"] >= entry["baseline"]["recall@5"]
                and entry["ours"]["mrr@10"] > entry["baseline"]["mrr@10"]
            )
        report["corpora"][name] = entry
        print(json.dumps({name: entry}, ensure_ascii=False), file=sys.stderr)
    flags_all: list[bool] = []
    questions_all: list[dict[str, Any]] = []
    for name in names:
        ours = report["corpora"][name].get("ours")
        if ours and "flags" in ours:
            flags_all.extend(ours["flags"])
            questions_all.extend(q for q in all_questions if q["corpus"] == name)
    for entry in report["corpora"].values():
        if "ours" in entry:
            entry["ours"].pop("flags", None)
    if flags_all:
        report["handoff_overall"] = handoff_metrics(flags_all, questions_all)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

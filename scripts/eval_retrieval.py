"""Retrieval and answerability on every corpus at hand, against the tutorial and BM25 peers.

    .venv/bin/python scripts/eval_retrieval.py [--corpus NAME ...] [--only ours|peers]
        [--features FILE] [--details] [--json FILE]

Corpora are looked up by name in the shared folder (``../shared/corpora``) and in the extra
evaluation corpora (``../evalcorpora``, built by ``eval/fetch_corpora.sh``), each also tried one
level further up, or in the folders given with ``--corpora``. Questions come from the shared
development set and from ``eval/questions/*.jsonl``; a corpus whose folder is missing is skipped.

For each corpus, in one run: deskbot (``search -k 10`` and ``ask``) and the peers (tutorial
dense: RecursiveCharacterTextSplitter 1000/200 + MiniLM + Chroma; BM25 with jieba over the same
chunks). Printed per corpus (and per question language where there are several): Recall@5 and
MRR@10 with 95% bootstrap intervals, handoff of unanswerable questions, answers to answerable
ones (Wilson intervals), then a reliability table of the reported confidence against how often
the gold page is among the cited passages. deskbot's indexes persist under ``--cache-dir`` and
are re-read incrementally, so a second run re-embeds nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from eval_metrics import (  # noqa: E402
    Outcome,
    format_figure,
    gold_rank,
    margin,
    reliability,
    summarise,
)

CITED_PASSAGES = 3  # what an extractive answer quotes (retrieval.answer.EXTRACTIVE_PASSAGES)


def default_corpus_roots() -> list[Path]:
    roots = [ROOT]  # the sample knowledge base `make run` serves: corpus "knowledge_base"
    for base in (ROOT.parent, ROOT.parent.parent):
        roots += [base / "shared" / "corpora", base / "evalcorpora"]
    return [r for r in roots if r.is_dir()]


def default_question_files() -> list[Path]:
    files = [
        base / "shared" / "eval" / "questions-dev.jsonl"
        for base in (ROOT.parent, ROOT.parent.parent)
    ]
    shared = [f for f in files if f.is_file()][:1]
    return shared + sorted((ROOT / "eval" / "questions").glob("*.jsonl"))


def load_questions(files: Sequence[Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in files:
        rows.extend(json.loads(line) for line in path.open(encoding="utf-8") if line.strip())
    return rows


def corpus_files(folder: Path) -> list[Path]:
    from retrieval.loaders import is_document

    return sorted(p for p in folder.rglob("*") if p.is_file() and is_document(p))


def run_ours(
    name: str,
    folder: Path,
    questions: list[dict[str, Any]],
    cache: Path,
    embedder: str,
    features: list[dict[str, Any]] | None,
    *,
    fast: bool = False,
) -> tuple[list[Outcome], dict[str, Any]]:
    """``fast``: judge from the ranking alone (what ``ask`` does without an LLM) instead of
    asking, which ranks a second time."""
    from retrieval import KnowledgeBase, SourceConfig

    try:
        from retrieval.answer import dense_midpoint as answerer_midpoint
    except ImportError:  # an older checkout (--code): no signals to record, ask only
        features, fast = None, False

    open_kb: Any = KnowledgeBase.open
    extra: dict[str, Any] = {}
    if "model_dir" in open_kb.__code__.co_varnames:  # the ONNX model's folder, when there is one
        extra["model_dir"] = cache / "models"
    kb = KnowledgeBase.open(
        cache / "index" / f"{name}-{embedder}",
        embedder=embedder,
        embedding_cache=cache / "vectors.sqlite",
        **extra,
    )
    started = time.perf_counter()
    report = kb.ingest([SourceConfig(root=folder)], progress=None)
    info: dict[str, Any] = {"chunks": report.chunks, "embedded_now": report.embedded}
    info["ingest_seconds"] = round(time.perf_counter() - started, 2)
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    answerer = kb.answerer
    for q in questions:
        ranked, evidence = kb.searcher.rank(q["question"], k=10)
        rank = gold_rank([r.chunk.source for r in ranked], q["gold"])
        if fast:
            # What ask does without an LLM, from the same ranking: cite the first passages,
            # hand off below the threshold.
            midpoint = answerer_midpoint(kb.searcher.embedder, q["question"], evidence)
            confidence = answerer.answerability.probability(evidence, midpoint=midpoint)
            handoff = confidence < answerer.answerability.handoff_below
            cited_sources = {r.chunk.source for r in ranked[:CITED_PASSAGES]}
        else:
            answer = kb.ask(q["question"])
            confidence, handoff = float(answer.confidence), answer.handoff
            cited_sources = {h.source for h in answer.passages[:CITED_PASSAGES]}
        cited = q["answerable"] and bool(cited_sources & set(q["gold"]))
        outcomes.append(Outcome(q["answerable"], rank, handoff, confidence, cited))
        if features is not None:
            row = {
                "corpus": name,
                "id": q["id"],
                "lang": q.get("lang", ""),
                "answerable": q["answerable"],
                "cited": cited,
                "gold_rank": rank,
                "confidence": round(confidence, 4),
                "handoff": handoff,
            }
            row["evidence"] = dataclasses.asdict(evidence)
            row["midpoint"] = answerer_midpoint(kb.searcher.embedder, q["question"], evidence)
            features.append(row)
    info["seconds_per_question"] = round((time.perf_counter() - started) / len(questions), 3)
    kb.close()
    return outcomes, info


def run_peers(
    folder: Path, questions: list[dict[str, Any]], cache: Path
) -> dict[str, tuple[list[Outcome], dict[str, Any]]]:
    """The peers' top-10 sources for each question, kept under ``cache`` by the corpus files'
    sizes and times and the question text: they do not change with deskbot's code."""
    from eval_peers import run_bm25, run_dense, tutorial_chunks

    files = corpus_files(folder)
    signature = hashlib.blake2b(
        "\n".join(f"{p}|{p.stat().st_size}|{p.stat().st_mtime_ns}" for p in files).encode(),
        digest_size=16,
    ).hexdigest()
    stored_at = cache / "peers" / f"{folder.name}.json"
    stored: dict[str, Any] = {}
    if stored_at.is_file():
        stored = json.loads(stored_at.read_text(encoding="utf-8"))
    if stored.get("signature") != signature:
        stored = {"signature": signature, "ranked": {}, "info": {}}
    asked = [q["question"] for q in questions]
    missing = [q for q in dict.fromkeys(asked) if q not in stored["ranked"]]
    if missing:
        texts, sources = tutorial_chunks(folder, files)
        dense, stored["info"]["tutorial"] = run_dense(texts, sources, missing, cache)
        lexical, stored["info"]["bm25"] = run_bm25(texts, sources, missing)
        for question, d, b in zip(missing, dense, lexical, strict=True):
            stored["ranked"][question] = {"tutorial": d, "bm25": b}
        stored_at.parent.mkdir(parents=True, exist_ok=True)
        stored_at.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    out: dict[str, tuple[list[Outcome], dict[str, Any]]] = {}
    for label in ("tutorial", "bm25"):
        outcomes = [
            Outcome(q["answerable"], gold_rank(stored["ranked"][q["question"]][label], q["gold"]))
            for q in questions
        ]
        out[label] = (outcomes, stored["info"].get(label, {}))
    return out


def print_table(report: dict[str, Any]) -> None:
    header = f"{'corpus':<22}{'system':<10}{'R@5':<21}{'MRR@10':<21}{'handoff':<21}answered"
    print(header)
    print("-" * len(header))
    for name, entry in report["corpora"].items():
        for part, figures in entry["figures"].items():
            label = name if part == "all" else f"  {part} questions"
            for system, fig in figures.items():
                print(
                    f"{label:<22}{system:<10}{format_figure(fig['recall@5']):<21}"
                    f"{format_figure(fig['mrr@10']):<21}"
                    f"{format_figure(fig.get('handoff_recall')):<21}"
                    f"{format_figure(fig.get('answer_rate'))}"
                )
                label = ""
    print_margins(report)
    if "reliability" in report:
        rel = report["reliability"]
        print(f"\nreliability of deskbot's confidence (n={rel['n']}, ECE {rel['ece']}):")
        for row in rel["bins"]:
            bar = "#" * round(row["observed"] * 20)
            print(
                f"  {row['bin']}  n={row['n']:<4} conf {row['confidence']:.2f}  "
                f"observed {row['observed']:.2f} {bar}"
            )


def print_margins(report: dict[str, Any]) -> None:
    """deskbot minus the best peer on each figure (the peer best on that figure), with paired
    95% intervals: what "at least the best peer's + 0.03" is judged on."""
    rows = [(name, entry) for name, entry in report["corpora"].items() if "margins" in entry]
    if not rows:
        return
    print("\ndeskbot minus the best peer (paired 95% interval)")
    print(f"{'corpus':<22}{'R@5':<34}MRR@10")
    for name, entry in rows:
        for part, peers in entry["margins"].items():
            label = name if part == "all" else f"  {part} questions"
            cells = []
            for figure in ("recall@5", "mrr@10"):
                figures = entry["figures"][part]
                best = max(peers, key=lambda peer: figures[peer][figure]["value"])
                fig = peers[best][figure]
                cells.append(
                    f"{fig['value']:+.3f} [{fig['low']:+.2f},{fig['high']:+.2f}] vs {best}"
                )
            print(f"{label:<22}{cells[0]:<34}{cells[1]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", action="append", help="only this corpus (repeatable)")
    parser.add_argument("--corpora", action="append", type=Path, help="folder of corpora")
    parser.add_argument("--questions", action="append", type=Path, help="JSON-lines file")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".deskbot" / "eval-cache")
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--only", choices=["ours", "peers"], default=None)
    parser.add_argument("--features", type=Path, help="write per-question signals (JSONL)")
    parser.add_argument("--json", type=Path, help="write the whole report as JSON")
    parser.add_argument("--details", action="store_true", help="per-question ranks in --json")
    parser.add_argument("--fast", action="store_true", help="judge without asking (no LLM)")
    parser.add_argument("--code", type=Path, help="measure the retrieval package of this checkout")
    args = parser.parse_args(argv)
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    roots = args.corpora or default_corpus_roots()
    questions = load_questions(args.questions or default_question_files())
    names = args.corpus or list(dict.fromkeys(q["corpus"] for q in questions))
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    features: list[dict[str, Any]] | None = [] if args.features else None
    report: dict[str, Any] = {"corpora": {}, "skipped": []}
    pooled: list[Outcome] = []
    for name in names:
        folder = next((r / name for r in roots if (r / name).is_dir()), None)
        asked = [q for q in questions if q["corpus"] == name]
        if folder is None or not asked:
            report["skipped"].append(name)
            print(f"skipping {name}: no corpus folder or no questions", file=sys.stderr)
            continue
        systems: dict[str, list[Outcome]] = {}
        entry: dict[str, Any] = {"folder": str(folder), "questions": len(asked), "info": {}}
        if args.only != "peers":
            systems["deskbot"], entry["info"]["deskbot"] = run_ours(
                name, folder, asked, args.cache_dir, args.embedder, features, fast=args.fast
            )
            pooled.extend(systems["deskbot"])
        if args.only != "ours":
            for label, (outcomes, info) in run_peers(folder, asked, args.cache_dir).items():
                systems[label], entry["info"][label] = outcomes, info
        languages = sorted({q.get("lang", "") for q in asked})
        parts = {"all": list(range(len(asked)))}
        if len(languages) > 1:
            parts.update(
                {
                    lang: [i for i, q in enumerate(asked) if q.get("lang") == lang]
                    for lang in languages
                }
            )
        entry["figures"] = {
            part: {s: summarise([o[i] for i in idx]) for s, o in systems.items()}
            for part, idx in parts.items()
        }
        if "deskbot" in systems and len(systems) > 1:
            entry["margins"] = {
                part: {
                    peer: margin([systems["deskbot"][i] for i in idx], [outcomes[i] for i in idx])
                    for peer, outcomes in systems.items()
                    if peer != "deskbot"
                }
                for part, idx in parts.items()
            }
        if args.details and "deskbot" in systems:
            entry["details"] = [
                {
                    "id": q["id"],
                    "gold_rank": o.gold_rank,
                    "handoff": o.handoff,
                    "conf": o.confidence,
                }
                for q, o in zip(asked, systems["deskbot"], strict=True)
            ]
        report["corpora"][name] = entry
        print(json.dumps({name: entry["figures"]["all"]}, ensure_ascii=False), file=sys.stderr)
    if pooled:
        report["reliability"] = reliability(pooled)
    print_table(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    if features is not None and args.features:
        with args.features.open("w", encoding="utf-8") as handle:
            for row in features:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

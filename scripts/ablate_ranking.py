"""Which ranking rules help on which corpus: each rule switched off (or a weight moved), per
corpus, against the full pipeline in the same run, with paired bootstrap intervals.

    .venv/bin/python scripts/ablate_ranking.py [--corpus NAME ...] [--variant NAME ...]

Reads the indexes scripts/eval_retrieval.py keeps under --cache-dir (run it first). Search only
(``search -k 10``), so a full pass over every corpus takes a minute or two. A rule earns its
place when switching it off hurts on corpora other than the one it was written for.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_metrics import Outcome, gold_rank, recall_at, reciprocal_ranks  # noqa: E402
from eval_retrieval import default_corpus_roots, default_question_files, load_questions  # noqa: E402

# name -> {module attribute: value}
VARIANTS: dict[str, dict[str, Any]] = {
    "base": {},
    "no-link-prior": {"search.LINK_PRIOR": 0.0},
    "no-side-pages": {"page_kinds.SIDE_DAMPING": 1.0},
    "no-nav-sections": {"page_kinds.NAV_DAMPING": 1.0},
    "no-page-vectors": {"search.W_PAGE": 0.0},
    "no-page-headings": {"search.W_PAGE_HEADINGS": 0.0},
    "page-headings-0.125": {"search.W_PAGE_HEADINGS": 0.125},
    "page-headings-0.5": {"search.W_PAGE_HEADINGS": 0.5},
    "no-aspects": {"search.W_ASPECT": 0.0},
    "no-other-language": {"search.OTHER_LANGUAGE": 1.0},
    "no-identifiers": {"search.W_IDENTIFIER": 0.0},
    "no-platform": {"search.PLATFORM_MATCH": 1.0, "search.PLATFORM_OTHER": 1.0},
    "lex-0.4": {"search.W_LEX": 0.4},
    "lex-0.8": {"search.W_LEX": 0.8},
    "lex-1.0": {"search.W_LEX": 1.0},
    "rrf-10": {"search.RRF_K": 10},
    "rrf-60": {"search.RRF_K": 60},
    "cut-dense-0.25": {"search.W_DENSE_CUT": 0.25},
    "cut-dense-0": {"search.W_DENSE_CUT": 0.0},
    "cut-dense-1": {"search.W_DENSE_CUT": 1.0},
    "crossing-lex-1.5": {"search.W_LEX_CROSSING": 1.5},
    "latin-dense-0.5": {"search.W_DENSE_LATIN": 0.5},
    "lex-by-rank-alone": {"search.LEX_BY_SCORE_ALONE": False},
    # the glossary as it was before the real-time and push words were added
    "glossary-before": {"glossary._PATTERNS": lambda patterns: patterns[:134]},
}


def patch(changes: dict[str, Any]) -> Callable[[], None]:
    """Set module attributes; return the function that restores them."""
    import importlib

    saved: list[tuple[Any, str, Any]] = []
    for dotted, value in changes.items():
        module_name, attr = dotted.rsplit(".", 1)
        module = importlib.import_module(f"retrieval.{module_name}")
        current = getattr(module, attr)
        saved.append((module, attr, current))
        setattr(module, attr, value(current) if callable(value) else value)

    def restore() -> None:
        for module, attr, value in saved:
            setattr(module, attr, value)

    return restore


def paired_delta(
    a: Sequence[float], b: Sequence[float], seed: int = 17
) -> tuple[float, float, float]:
    """Mean of b - a and its 95% paired bootstrap interval."""
    diffs = [y - x for x, y in zip(a, b, strict=True)]
    if not diffs:
        return (0.0, 0.0, 0.0)
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(diffs, k=len(diffs))) / len(diffs) for _ in range(2000))
    return (sum(diffs) / len(diffs), means[50], means[1949])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", action="append")
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".deskbot" / "eval-cache")
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--intervals", action="store_true", help="print each paired interval")
    args = parser.parse_args(argv)
    from retrieval import KnowledgeBase

    questions = [q for q in load_questions(default_question_files()) if q["answerable"]]
    names = args.corpus or list(dict.fromkeys(q["corpus"] for q in questions))
    variants = ["base", *[v for v in (args.variant or VARIANTS) if v != "base"]]
    roots = default_corpus_roots()
    results: dict[str, dict[str, list[Outcome]]] = {v: {} for v in variants}
    for name in names:
        index = args.cache_dir / "index" / f"{name}-{args.embedder}"
        if not index.is_dir() or not any((r / name).is_dir() for r in roots):
            continue
        kb = KnowledgeBase.open(
            index, embedder=args.embedder, embedding_cache=args.cache_dir / "vectors.sqlite"
        )
        asked = [q for q in questions if q["corpus"] == name]
        groups = {name: list(range(len(asked)))}
        languages = sorted({q.get("lang", "") for q in asked})
        if len(languages) > 1:
            for lang in languages:
                groups[f"{name[:10]}:{lang}"] = [
                    i for i, q in enumerate(asked) if q.get("lang") == lang
                ]
        for variant in variants:
            restore = patch(VARIANTS[variant])
            kb.searcher._inbound = None  # the link prior's factors are cached
            try:
                outcomes = [
                    Outcome(
                        True,
                        gold_rank([h.source for h in kb.search(q["question"], k=10)], q["gold"]),
                    )
                    for q in asked
                ]
            finally:
                restore()
                kb.searcher._inbound = None
            for group, idx in groups.items():
                results[variant][group] = [outcomes[i] for i in idx]
        kb.close()
    columns = list(results["base"])
    print(f"{'variant':<20}" + "".join(f"{c[:15]:>16}" for c in columns) + "   (ΔMRR@10 ΔR@5)")
    intervals: list[str] = []
    for variant in variants:
        cells = []
        for column in columns:
            base, other = results["base"][column], results[variant][column]
            if variant == "base":
                mrr = sum(reciprocal_ranks(base)) / len(base)
                r5 = sum(recall_at(base)) / len(base)
                cells.append(f"{mrr:>9.3f} {r5:>5.2f}")
                continue
            d_mrr = paired_delta(reciprocal_ranks(base), reciprocal_ranks(other))
            d_r5 = paired_delta(recall_at(base), recall_at(other))
            mark = "*" if d_mrr[1] > 0 or d_mrr[2] < 0 else " "
            cells.append(f"{d_mrr[0]:>+8.3f}{mark}{d_r5[0]:>+6.2f}")
            intervals.append(
                f"{variant} {column}: ΔMRR@10 {d_mrr[0]:+.3f} [{d_mrr[1]:+.3f},{d_mrr[2]:+.3f}]"
            )
        print(f"{variant:<20}" + "".join(f"{c:>16}" for c in cells))
    print("* the paired 95% interval of ΔMRR excludes 0")
    if args.intervals:
        print("\n".join(intervals))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The evaluation's own question sets and figures (eval/, scripts/eval_metrics.py). The corpora
are evaluation data kept out of git: checks that need one skip when it is absent."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from eval_metrics import (  # noqa: E402
    Outcome,
    bootstrap,
    gold_rank,
    margin,
    reliability,
    summarise,
    wilson,
)

QUESTIONS = sorted((ROOT / "eval" / "questions").glob("*.jsonl"))
NEW_CORPORA = ("centrifugo-docs", "jpush-docs-zh")


def rows() -> list[dict]:
    return [
        json.loads(line) for f in QUESTIONS for line in f.open(encoding="utf-8") if line.strip()
    ]


def corpus_folder(name: str) -> Path | None:
    if (ROOT / name).is_dir() and name == "knowledge_base":
        return ROOT / name  # the sample knowledge base, always here
    for base in (ROOT.parent, ROOT.parent.parent):
        for folder in (base / "shared" / "corpora" / name, base / "evalcorpora" / name):
            if folder.is_dir():
                return folder
    return None


def test_question_rows_are_complete_and_ids_unique() -> None:
    found = rows()
    assert found, "eval/questions holds the question sets"
    for row in found:
        assert {"id", "corpus", "lang", "question", "answerable", "gold"} <= set(row)
        assert bool(row["gold"]) == row["answerable"], row["id"]
    ids = Counter(row["id"] for row in found)
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("corpus", NEW_CORPORA)
def test_each_new_corpus_has_its_source_and_hard_unanswerable_questions(corpus: str) -> None:
    source = (ROOT / "eval" / "corpora" / corpus / "SOURCE.txt").read_text(encoding="utf-8")
    assert "commit:" in source and "licence:" in source
    unanswerable = [r for r in rows() if r["corpus"] == corpus and not r["answerable"]]
    assert len(unanswerable) >= 15


@pytest.mark.parametrize("corpus", sorted({r["corpus"] for r in rows()}))
def test_gold_pages_exist_in_the_corpus(corpus: str) -> None:
    folder = corpus_folder(corpus)
    if folder is None:
        pytest.skip(f"{corpus} is not here (eval/fetch_corpora.sh)")
    missing = [
        (r["id"], g)
        for r in rows()
        if r["corpus"] == corpus
        for g in r["gold"]
        if not (folder / g).is_file()
    ]
    assert missing == []


def test_figures_and_their_intervals() -> None:
    assert gold_rank(["a", "b", "a", "c"], ["c"]) == 3  # ranks count distinct pages
    assert gold_rank(["a"], ["z"]) is None
    value, low, high = wilson(6, 10)
    assert value == 0.6 and 0.3 < low < 0.6 < high < 0.85
    assert bootstrap([1.0] * 5) == (1.0, 1.0, 1.0)
    outcomes = [
        Outcome(True, 1, handoff=False, confidence=0.9, cited=True),
        Outcome(True, 4, handoff=False, confidence=0.8, cited=False),
        Outcome(False, None, handoff=True, confidence=0.1, cited=False),
    ]
    figures = summarise(outcomes)
    assert figures["recall@5"]["value"] == 1.0
    assert figures["mrr@10"]["value"] == pytest.approx((1 + 0.25) / 2, abs=1e-3)
    assert figures["handoff_recall"]["value"] == 1.0 and figures["answer_rate"]["value"] == 1.0
    table = reliability(outcomes)
    assert [b["n"] for b in table["bins"]] == [1, 1, 1]
    assert table["ece"] == pytest.approx((0.1 + 0.8 + 0.1) / 3, abs=1e-3)


def test_margin_over_a_peer_is_paired_on_the_same_questions() -> None:
    ours = [Outcome(True, 1), Outcome(True, 2), Outcome(True, 1), Outcome(False, None)]
    peer = [Outcome(True, 2), Outcome(True, 2), Outcome(True, 1), Outcome(False, 1)]
    figures = margin(ours, peer)
    # Only answerable questions count: MRR 1, 0.5, 1 against 0.5, 0.5, 1.
    assert figures["mrr@10"]["value"] == pytest.approx(0.5 / 3, abs=1e-3)
    assert figures["recall@5"] == {"value": 0.0, "low": 0.0, "high": 0.0}
    low, high = figures["mrr@10"]["low"], figures["mrr@10"]["high"]
    assert low == 0.0 and high == pytest.approx(0.5, abs=1e-3)

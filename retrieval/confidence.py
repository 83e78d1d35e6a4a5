"""How sure the retrieval is that the docs answer the question, as a probability-like number.

A logistic over a few signals, weighted by hand against the development questions:
- the best dense cosine (MiniLM puts on-topic passages near 0.5-0.7, off-topic below 0.4);
- how much of the question's IDF mass the top passages contain (its rare words matter most);
- rare question words that occur nowhere in the corpus (a product, platform or feature the docs
  never mention is the usual sign of an unanswerable question).
"""

from __future__ import annotations

import math

from retrieval.search import Evidence

HANDOFF_BELOW = 0.4  # between the dev set's unanswerable and answerable clusters


def confidence(evidence: Evidence, *, midpoint: float | None) -> float:
    """``midpoint``: the embedder's cosine for an even chance of relevance; ``None`` when its
    scores mean nothing for this question (hash embedder, Chinese on an English model)."""
    if midpoint is None:
        # Lexical evidence only: a page sharing some rare words, and no unknown names.
        z = 1.5 + 2.0 * (evidence.coverage - 0.3) - 1.5 * len(evidence.unknown_terms)
    else:
        z = 4.0 * (evidence.coverage - 0.55) + 10.0 * (evidence.dense_top - midpoint)
        z -= 1.2 * len(evidence.unknown_terms)
    return 1.0 / (1.0 + math.exp(-z))

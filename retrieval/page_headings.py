"""Which page is about the question, read from the page's title and headings by BM25.

The dense side answers "which page is about this?" with a vector per page (its title,
description and headings). Where the embedder cannot read the pages (Chinese docs on the
English-only model: their page vectors see only a few Latin words), the same text, matched word
by word, stands in for it: a page whose title and headings hold the question's words lends that
match to its passages, as a page vector does.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.lexical import LexicalIndex
from retrieval.store import ChunkStore
from retrieval.tokenizer import tokenize


class PageHeadings:
    """A BM25 index with one document per page (title and every heading, once each), rebuilt
    when the chunks change; built on first use, so corpora that never need it pay nothing."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self._built: tuple[tuple[int, int], LexicalIndex] | None = None

    def search(self, terms: Sequence[str], k: int) -> list[tuple[str, float]]:
        """The best ``k`` (page id, BM25 score) pairs for the question's index terms."""
        return self._index().search(terms, k) if terms else []

    def _index(self) -> LexicalIndex:
        # Every file written or removed moves the store's generation (its links with it).
        generation = (self.store.link_generation, len(self.store.chunks))
        if self._built is None or self._built[0] != generation:
            headings: dict[str, dict[str, None]] = {}
            for chunk in self.store.chunks.values():
                seen = headings.setdefault(chunk.source, {chunk.title: None})
                seen.update(dict.fromkeys(chunk.heading_path))
            index = LexicalIndex()
            index.add(
                (page_id, tokenize("\n".join(h for h in headings[source] if h)))
                for page_id, (source, _) in self.store.pages.items()
                if source in headings
            )
            self._built = (generation, index)
        return self._built[1]

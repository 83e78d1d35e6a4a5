"""Hybrid search: dense and BM25 candidates fused by weighted reciprocal rank, nudged towards
the platform and product the question (or else the conversation) names, hard-filtered by
explicit metadata, one hit per section. Release notes, command-line reference and "Next steps"
sections count half unless asked for; one passage copied onto several pages is one result. A
question in the other language than the docs is bridged into theirs by a glossary (BM25 side)."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence

from retrieval.embedder import Embedder
from retrieval.evidence import EVIDENCE_PASSAGES, Evidence, EvidenceMeter
from retrieval.glossary import to_chinese, to_english
from retrieval.lexical import LexicalIndex
from retrieval.links import inbound_counts
from retrieval.page_headings import PageHeadings
from retrieval.page_kinds import kind_factor, unasked_side_pages
from retrieval.platforms import platform_of, word_pattern
from retrieval.results import Ranked, dedupe, lift_translations, merge_copies, to_hit
from retrieval.store import ChunkStore
from retrieval.tokenizer import has_chinese, tokenize
from retrieval.types import Chunk, SearchFilters, SearchHit
from retrieval.vector_index import VectorIndex

RRF_K = 20
W_PAGE = 0.5
# Where the embedder can't read the pages (Chinese docs, English-only model), their titles and
# headings matched by BM25 (retrieval.page_headings) stand in for the page vectors: a page lends
# its passages this share of a first rank's weight, times (score / best page's) ** LEX_SCORE_POWER.
# Chosen on openim-docs-zh (0.125 and 0.25 best there, +0.017 MRR@10 on its Chinese questions;
# 0.5 +0.000, 0.75 -0.058), then measured on jpush-docs-zh: Chinese questions MRR@10 +0.022,
# R@5 0.962 -> 1.000; English questions over its Chinese docs MRR@10 +0.092, R@5 +0.11. English
# corpora (which have page vectors) are untouched: used on them too it cost 100ms -0.133.
W_PAGE_HEADINGS = 0.25
# The dense query is a cut of the question (its Latin words, or the glossary's English for it):
# its vectors count less; where the docs are in a language the embedder can't read, the words
# carry the question.
W_DENSE_CUT, W_LEX_CROSSING = 0.5, 1.0
# A question in Chinese over Chinese docs, on an English-only model: its vectors would see only
# the question's Latin words ("SDK", "iOS"), which pull pages about those words rather than the
# question; BM25 alone ranks better (MRR@10 +0.03 on both Chinese corpora), and no vector is
# computed.
W_DENSE_LATIN = 0.0
W_LEX = 0.6  # dense first: BM25 mostly settles ties and exact identifiers
# BM25 alone (no vector for the question): its passages count by score, (score / best) **
# LEX_SCORE_POWER at the first rank's weight, not by rank. Reciprocal ranks are for merging
# lists whose scores don't compare; alone they throw away by how much the first passage wins,
# and the link prior or a page kind then reorders passages BM25 set well apart. Moves only
# corpora where BM25 stands alone (Chinese questions over Chinese docs): jpush-docs-zh MRR@10
# +0.026 [-0.006, +0.083], openim-docs-zh and the rest unchanged. With the dense list beside
# it ranks still fuse best (a score share of 0.5 there: ably +0.017, 100ms -0.033).
LEX_BY_SCORE_ALONE, LEX_SCORE_POWER = True, 2.0
# A question of several sentences ("does X work in Firefox? and the minimum Chrome version?")
# asks several things at once; one vector averages them away, so each part also votes.
W_ASPECT = 0.5
_SENTENCE_END = re.compile(r"(?<=[?.!;])\s+")
MIN_COPY_CHARS = 80  # shorter identical texts ("See below.") may be coincidence
# Product values of cross-cutting sections, which no question names as its product.
_CROSS_CUTTING = frozenset({"platform", "general", "common", "shared", "all", "core", "other"})
CANDIDATES = 100
# An error code or identifier the question names ("NR-2004", "40142", "onTokenWillExpire2"):
# letters with digits, or five digits and more, that few passages contain.
_IDENTIFIER = re.compile(r"(?=[\w.:/-]*\d)(?=[\w.:/-]*[a-z])[a-z0-9][\w.:/-]*|\d{5,}")
RARE_SHARE, RARE_COUNT = 0.05, 3  # an identifier in more passages than both is a name ("100ms")
# A passage holding it gains this share of a first rank's fused score (twice when its heading
# names it: the FAQ entry, the table's section).
W_IDENTIFIER = 0.5
# The platform (or product) the question or conversation names: its pages first.
PLATFORM_MATCH, PLATFORM_OTHER, PRODUCT_MATCH = 1.15, 0.9, 1.15
# A passage in the other language, for a question in the docs' own: English docs with a few
# translated pages answer an English question in English. (Not the reverse: there the
# translations are too few to hold every answer.)
OTHER_LANGUAGE = 0.85
# Pages many others link to are where the docs explain a thing (retrieval.links): up to
# ×(1 + LINK_PRIOR), reached at WELL_LINKED linking pages, on a log scale.
LINK_PRIOR = 0.2
WELL_LINKED = 20
CHINESE_CORPUS = 0.5  # share of chunks with Chinese text that makes a corpus "Chinese"
ASPECT_CANDIDATES = 30  # a part (or a page's headings) only lifts what it ranks near the top
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_QUOTED = re.compile(r"[\"'`“‘「]([^\"'`”’」]{8,200})[\"'`”’」]")


class Searcher:
    def __init__(
        self,
        *,
        store: ChunkStore,
        embedder: Embedder,
        vectors: VectorIndex,
        lexical: LexicalIndex,
        max_per_source: int = 2,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.max_per_source = max_per_source
        self.meter = EvidenceMeter(lexical, path_terms=self._path_terms)
        self.page_headings = PageHeadings(store)
        self._paths: tuple[int, set[str]] | None = None  # see _path_terms
        self._copy_keys: dict[str, str] = {}  # chunk id -> key of its text (see _copy_key)
        self._section_platforms: dict[str, str | None] = {}  # see _platform_of
        # (chunk count when made, product name patterns): see _product_of
        self._products: tuple[int, list[tuple[str, re.Pattern[str]]]] | None = None
        self._inbound: tuple[int, dict[str, float]] | None = None  # see _link_prior

    def rank(
        self,
        query: str,
        *,
        k: int = 5,
        filters: SearchFilters | None = None,
        context: Sequence[str] = (),
    ) -> tuple[list[Ranked], Evidence]:
        """The best ``k`` sections for ``query``. ``context``: the conversation's earlier
        messages, oldest first; a platform or product they name is preferred when the question
        itself names none ("we're on Flutter" ... "how do I turn on push?")."""
        crossing = self._crosses_language(query)
        terms = tokenize(query) + (self._bridge(query) if crossing else [])
        platform = (filters.platform if filters else None) or _named(platform_of, query, context)
        wanted = filters.product.lower() if filters and filters.product else None
        product = wanted or _named(self._product_of, query, context)
        # A platform or product said earlier is searched as if the question had said it (but
        # the question's own words alone measure how well the docs cover it).
        said = [
            word
            for word, named_in in ((platform, platform_of), (product, self._product_of))
            if word and not named_in(query)
        ]
        search_terms = terms + tokenize(" ".join(said).replace("-", " ")) if said else terms
        dense_query, bridged = query, False
        if has_chinese(query) and not self.embedder.multilingual:
            # An English-only model reads Chinese as [UNK]: let it see only the Latin words
            # (identifiers, error texts), the same cut its passages got at ingestion.
            dense_query = " ".join(_CJK_RUN.sub(" ", query).split())
            if crossing and (english := to_english(query)):
                # English docs: the glossary's English for the question's words ("撤回消息":
                # recall, message) lets the model look for the topic too.
                dense_query = " ".join([dense_query, *english]).strip()
                bridged = True
        w_dense = 1.0 if dense_query == query else W_DENSE_CUT if bridged else W_DENSE_LATIN
        w_lex = W_LEX
        if crossing and not self.embedder.multilingual:
            # The docs are in a language the embedder can't read: words carry the question.
            w_dense, w_lex = W_DENSE_CUT, W_LEX_CROSSING
        dense_hits: list[tuple[str, float]] = []
        aspect_hits: list[list[tuple[str, float]]] = []
        if w_dense > 0 and (bridged or len(re.findall(r"\w+", dense_query)) >= 2):
            parts = aspects(dense_query)
            query_vectors = (
                self.embedder.embed_query_parts(dense_query, parts)
                if parts
                else self.embedder.embed_query(dense_query)[None, :]
            )
            # One round trip for the question and its parts; a part keeps only its top ranks.
            dense_hits, *aspect_hits = self.vectors.query_many(query_vectors, CANDIDATES)
            aspect_hits = [hits[:ASPECT_CANDIDATES] for hits in aspect_hits]
        lexical_hits = self.lexical.search(search_terms, CANDIDATES)
        rare = max(RARE_COUNT, RARE_SHARE * len(self.lexical))
        holding = {  # (the rarity first: "100ms" is in a quarter of the passages)
            t: self.lexical.chunks_with(t)
            for t in dict.fromkeys(terms)
            if _IDENTIFIER.fullmatch(t) and 0 < self.lexical.frequency(t) <= rare
        }
        chinese_question = has_chinese(query)
        link_prior = self._link_prior()
        side_pages = unasked_side_pages(query)
        phrases = [p.lower() for p in _QUOTED.findall(query) if len(p) >= 8]
        fused: dict[str, float] = {}
        dense_score = dict(dense_hits)
        lexical_score = dict(lexical_hits)
        pages = [(cid, score) for cid, score in dense_hits if cid in self.store.pages]
        dense_hits = [(cid, score) for cid, score in dense_hits if cid not in self.store.pages]
        for rank, (cid, _) in enumerate(dense_hits):
            fused[cid] = fused.get(cid, 0.0) + w_dense / (RRF_K + rank + 1)
        alone = LEX_BY_SCORE_ALONE and not dense_hits
        top = lexical_hits[0][1] if lexical_hits else 1.0
        for rank, (cid, value) in enumerate(lexical_hits):
            weight = w_lex * (value / top) ** LEX_SCORE_POWER if alone else w_lex
            fused[cid] = fused.get(cid, 0.0) + weight / (RRF_K + 1 + (0 if alone else rank))
        for hits in aspect_hits:
            chunk_hits = [cid for cid, _ in hits if cid not in self.store.pages]
            weight = W_ASPECT * w_dense / len(aspect_hits)
            for rank, cid in enumerate(chunk_hits):
                fused[cid] = fused.get(cid, 0.0) + weight / (RRF_K + rank + 1)
        page_bonus = [
            (p, w_dense * W_PAGE / (RRF_K + rank + 1)) for rank, (p, _) in enumerate(pages)
        ]
        if W_PAGE_HEADINGS > 0 and not self.embedder.multilingual and self._chinese_docs():
            by_headings = self.page_headings.search(search_terms, ASPECT_CANDIDATES)
            best_page = by_headings[0][1] if by_headings else 1.0
            weight = w_lex * W_PAGE_HEADINGS / (RRF_K + 1)
            page_bonus += [(p, weight * (v / best_page) ** LEX_SCORE_POWER) for p, v in by_headings]
        self._lift_pages(fused, page_bonus)
        ranked: list[Ranked] = []
        for cid, score in fused.items():
            chunk = self.store.chunks.get(cid)
            if chunk is None or not _passes(chunk, filters):
                continue
            if phrases and any(p in chunk.text.lower() for p in phrases):
                score += 1.0 / (RRF_K + 1)  # a pasted error message, found verbatim
            if holding:
                # The code pasted from a log is the surest clue: a passage that has it leads.
                heading = " ".join(chunk.heading_path).lower()
                found = [t for t, ids in holding.items() if cid in ids]
                lift = sum(1.0 + (t in heading) for t in found) / len(holding)
                score += W_IDENTIFIER * lift / (RRF_K + 1)
            if not crossing and self.lexical.is_chinese(cid) != chinese_question:
                score *= OTHER_LANGUAGE
            score *= link_prior.get(chunk.source, 1.0)
            score *= kind_factor(chunk, side_pages)
            chunk_platform = self._platform_of(chunk)
            if platform and chunk_platform:
                score *= PLATFORM_MATCH if chunk_platform == platform else PLATFORM_OTHER
            if product and chunk.metadata.get("product", "").lower() == product:
                score *= PRODUCT_MATCH  # no penalty: other products' pages may hold the answer
            ranked.append(
                Ranked(chunk, score, dense_score.get(cid, 0.0), lexical_score.get(cid, 0.0))
            )
        ranked = merge_copies(ranked, platform, key=self._copy_key)
        if crossing and chinese_question:
            lift_translations(ranked, translated=lambda r: self.lexical.is_chinese(r.chunk.id))
        ranked.sort(key=lambda r: -r.score)
        results = dedupe(ranked, k=k, max_per_source=self.max_per_source)
        # How well the docs cover the question is judged on the passages that match it best,
        # before the link prior (which orders close passages by their page's standing).
        by_match = sorted(ranked, key=lambda r: -r.score / link_prior.get(r.chunk.source, 1.0))
        best = dedupe(by_match, k=EVIDENCE_PASSAGES, max_per_source=self.max_per_source)
        evidence = self.meter.measure(
            query, terms, best, dense_hits, lexical_hits, crossing=crossing
        )
        return results, evidence

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        filters: SearchFilters | None = None,
        context: Sequence[str] = (),
    ) -> list[SearchHit]:
        results, _ = self.rank(query, k=k, filters=filters, context=context)
        return [to_hit(r) for r in results]

    def _lift_pages(self, fused: dict[str, float], pages: list[tuple[str, float]]) -> None:
        """A page that matches as a whole (its vector, or its title and headings) adds its
        bonus to its candidate chunks (or, with none among the candidates, to its first chunk)."""
        pages = [(page_id, bonus) for page_id, bonus in pages if bonus > 0]
        if not pages:
            return
        by_source: dict[str, list[str]] = {}
        for cid in fused:
            chunk = self.store.chunks.get(cid)
            if chunk is not None:
                by_source.setdefault(chunk.source, []).append(cid)
        for page_id, bonus in pages:
            source, first = self.store.pages[page_id]
            for cid in by_source.get(source) or [first]:
                fused[cid] = fused.get(cid, 0.0) + bonus

    def _link_prior(self) -> dict[str, float]:
        """Each linked-to page's factor (pages no one links to: 1), kept until links change."""
        generation = self.store.link_generation
        if self._inbound is None or self._inbound[0] != generation:
            top = math.log1p(WELL_LINKED)
            factors = {
                page: 1.0 + LINK_PRIOR * min(1.0, math.log1p(count) / top)
                for page, count in inbound_counts(self.store.links).items()
            }
            self._inbound = (generation, factors)
        return self._inbound[1]

    def _path_terms(self) -> set[str]:
        """The words of every page path, kept until the chunks change."""
        if self._paths is None or self._paths[0] != len(self.store.chunks):
            sources = {chunk.source for chunk in self.store.chunks.values()}
            self._paths = (len(self.store.chunks), set(tokenize(" ".join(sources))))
        return self._paths[1]

    def _product_of(self, text: str) -> str | None:
        """The first product of the docs' metadata (``product: rtc``) named in ``text``;
        cross-cutting sections ('platform', 'general') are not products one names."""
        if self._products is None or self._products[0] != len(self.store.chunks):
            names = {
                name.lower()
                for chunk in self.store.chunks.values()
                if (name := chunk.metadata.get("product"))
            } - _CROSS_CUTTING
            patterns = [
                (name, word_pattern(re.escape(name)))
                for name in sorted(names, key=len, reverse=True)
            ]
            self._products = (len(self.store.chunks), patterns)
        for name, pattern in self._products[1]:
            if pattern.search(text):
                return name
        return None

    def _platform_of(self, chunk: Chunk) -> str | None:
        """The page's platform, or for a page about all of them, the one its section names
        ("Android logs: logcat" on the log-collection page)."""
        page = chunk.metadata.get("platform")
        if page or not chunk.heading_path:
            return page
        if chunk.id not in self._section_platforms:
            self._section_platforms[chunk.id] = platform_of(" ".join(chunk.heading_path))
        return self._section_platforms[chunk.id]

    def _copy_key(self, chunk: Chunk) -> str:
        """Chunks with the same text share a key (its hash); a short text keys by its id."""
        key = self._copy_keys.get(chunk.id)
        if key is None:
            text = " ".join(chunk.text.split())
            key = (
                hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
                if len(text) >= MIN_COPY_CHARS
                else chunk.id
            )
            self._copy_keys[chunk.id] = key
        return key

    def _crosses_language(self, query: str) -> bool:
        """The question is in the other language than most of the docs (an English question
        over Chinese docs, or the reverse)."""
        if has_chinese(query):
            return self.lexical.chinese_share() <= 1 - CHINESE_CORPUS
        return self._chinese_docs()

    def _chinese_docs(self) -> bool:
        return self.lexical.chinese_share() >= CHINESE_CORPUS

    def _bridge(self, query: str) -> list[str]:
        """Glossary words, in the docs' language, for a question that crosses languages."""
        words = to_english(query) if has_chinese(query) else to_chinese(query)
        return tokenize(" ".join(words))


def aspects(query: str, *, min_words: int = 3) -> list[str]:
    """The sentences of a question that ask something on their own; none for a one-part question."""
    parts = [p.strip() for p in _SENTENCE_END.split(query)]
    parts = [p for p in parts if len(re.findall(r"\w+", p)) >= min_words]
    return parts if len(parts) > 1 else []


def _passes(chunk: Chunk, filters: SearchFilters | None) -> bool:
    if filters is None or filters.is_empty():
        return True
    for key in ("product", "platform", "sdk_version"):
        wanted = getattr(filters, key)
        have = chunk.metadata.get(key)
        if wanted is not None and have is not None and have.lower() != wanted.lower():
            return False
    return True


def _named(find: Callable[[str], str | None], query: str, context: Sequence[str]) -> str | None:
    """What ``find`` sees in the question, else in the latest earlier message naming one."""
    for text in (query, *reversed(context)):
        if found := find(text):
            return found
    return None

"""What a search found, measured in ways that mean the same on any docs: the signals the
answerability model (retrieval.answerability) turns into a probability.

- coverage: the share of the question's IDF mass that the best passages contain, and the share
  the single best passage contains (a question whose rare words sit in one passage is asked
  there);
- focus: the question's rarest words (the product, platform or API it is about) and whether the
  best passages hold them; words no page uses at all, and those among them that name something
  (not everyday English, not a common Chinese word);
- the two lists: how far the best dense match stands above the tenth, how much of the
  question's IDF mass the best BM25 passage matches, and whether the best passages are found
  by both lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from retrieval.glossary import chinese_terms, to_chinese
from retrieval.lexical import LexicalIndex
from retrieval.results import Ranked
from retrieval.tokenizer import (
    has_chinese,
    is_common_english,
    is_known_word,
    is_rare_word,
    stem_word,
    tokenize,
)
from retrieval.types import Chunk

EVIDENCE_PASSAGES = 3  # the top passages whose words measure coverage
FOCUS_TERMS = 2  # the question's rarest words: what it is about
AGREEMENT_DEPTH = 20  # a passage "found by a list" is within its first 20
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
# A word written as a name in an English question: capitalised after the sentence's first word
# ("Cassandra", "Redis"), with capitals or digits inside ("SMS", "tvOS", "mp3").
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+|\n)\W*([A-Za-z][A-Za-z0-9]*)")
# How a Chinese question asks, not what about: no page is expected to hold these.
_FILLERS = frozenset(
    [
        "怎么回事",
        "回事",
        "能不能",
        "是不是",
        "可不可以",
        "要不要",
        "行不行",
        "怎么样",
        "为啥",
        "干嘛",
        "到底",
    ]
)


@dataclass(frozen=True)
class Evidence:
    """What the answerer needs beyond the hits: raw signals, read by the answerability model."""

    dense_top: float
    lexical_top: float
    coverage: float
    unknown_terms: list[str]
    # The question was bridged into the docs' language: dense scores mean little for it.
    cross_language: bool = False
    best_coverage: float = 0.0
    focus_found: float = 1.0
    absent_terms: list[str] = field(default_factory=list)
    dense_gap: float = 0.0
    lexical_share: float = 0.0
    agreement: float = 0.0
    terms: int = 0
    chinese: bool = False
    # Those of ``unknown_terms`` the question writes as names ("Cassandra", "tvOS", "mp3"; in
    # a Chinese question, all of them): the rest are lower-case words no page uses ("laggy").
    name_terms: list[str] = field(default_factory=list)


class EvidenceMeter:
    """Measures :class:`Evidence` for one question against one lexical index. ``path_terms``:
    the words of the docs' page paths ("android/push.md" is about Android though its text may
    never say so), read when a question is measured."""

    def __init__(self, lexical: LexicalIndex, *, path_terms: Callable[[], set[str]] = set) -> None:
        self.lexical = lexical
        self.path_terms = path_terms

    def _known(self, term: str) -> bool:
        return self.lexical.contains(term) or term in self.path_terms()

    def measure(
        self,
        query: str,
        terms: Sequence[str],
        best: Sequence[Ranked],
        dense_hits: Sequence[tuple[str, float]],
        lexical_hits: Sequence[tuple[str, float]],
        *,
        crossing: bool = False,
    ) -> Evidence:
        """``terms``: the question's index terms (with the glossary's, when ``crossing``);
        ``best``: the passages that match it best, best first."""
        unique = [t for t in dict.fromkeys(terms) if not t.isdigit() or len(t) >= 3]
        # Judge a stem by the word the question wrote ('laggi' is 'laggy', everyday English).
        surface = {stem_word(w.lower()): w.lower() for w in _LATIN_WORD.findall(query)}
        chinese = has_chinese(query)
        names = set() if chinese else _written_names(query)
        bridged = chinese_terms(query) if chinese and crossing else []
        # Across languages, the glossary's words stand for the question's: only the question's
        # own words can be unknown names.
        asked = set(tokenize(query)) if crossing else set(unique)
        unknown = [
            surface.get(t, t)
            for t in unique
            if t in asked
            and self.salient_unknown(
                t,
                surface.get(t),
                among_chinese=chinese and t in surface,
                over_english=chinese and crossing,
                over_chinese=crossing and not chinese,
                as_name=surface.get(t, t) in names,
                bridged=bridged,
            )
        ]
        name_terms = unknown if chinese else [u for u in unknown if u in names]
        scored = unique
        if crossing:
            # A word of the question's that the docs never use cannot be found in them (the
            # glossary carried across what it could): only names among such words count.
            named = set(unknown)
            scored = [
                t for t in unique if t not in asked or self._known(t) or surface.get(t, t) in named
            ] or unique
        weights = {t: self.lexical.idf(t) for t in scored}
        total = sum(weights.values()) or 1.0
        passages = [
            set(self.lexical.tokens_of(r.chunk.id)) | _place_terms(r.chunk)
            for r in best[:EVIDENCE_PASSAGES]
        ]
        top_tokens: set[str] = set().union(*passages) if passages else set()
        coverage = sum(w for t, w in weights.items() if t in top_tokens) / total
        first = passages[0] if passages else set()
        best_coverage = sum(w for t, w in weights.items() if t in first) / total
        words = [t for t in scored if not t.startswith("~")] or scored
        absent = [
            surface.get(t, t)
            for t in words
            if not self._known(t)
            and (not has_chinese(t) or (is_known_word(t) and t not in _FILLERS))
        ]
        focus = sorted(words, key=lambda t: -weights.get(t, 0.0))[:FOCUS_TERMS]
        focus_found = sum(t in top_tokens for t in focus) / len(focus) if focus else 1.0
        lexical_top = float(lexical_hits[0][1]) if lexical_hits else 0.0
        dense_top = float(dense_hits[0][1]) if dense_hits else 0.0
        tenth = float(dense_hits[min(9, len(dense_hits) - 1)][1]) if dense_hits else 0.0
        dense_ids = {cid for cid, _ in dense_hits[:AGREEMENT_DEPTH]}
        lexical_ids = {cid for cid, _ in lexical_hits[:AGREEMENT_DEPTH]}
        shown = best[:EVIDENCE_PASSAGES]
        agreement = (
            sum(r.chunk.id in dense_ids and r.chunk.id in lexical_ids for r in shown) / len(shown)
            if shown
            else 0.0
        )
        return Evidence(
            dense_top=dense_top,
            lexical_top=lexical_top,
            coverage=float(coverage),
            unknown_terms=unknown,
            cross_language=crossing,
            best_coverage=float(best_coverage),
            focus_found=float(focus_found),
            absent_terms=absent,
            dense_gap=dense_top - tenth,
            lexical_share=lexical_top / total,
            agreement=float(agreement),
            terms=len(words),
            chinese=chinese,
            name_terms=name_terms,
        )

    def salient_unknown(
        self,
        term: str,
        written: str | None = None,
        *,
        among_chinese: bool = False,
        over_english: bool = False,
        over_chinese: bool = False,
        as_name: bool = False,
        bridged: Sequence[str] = (),
    ) -> bool:
        """A question word (index term ``term``, as ``written``) the corpus never uses and that
        names something specific. ``among_chinese``: the question is in Chinese, where a word in
        Latin letters is a name ("支持 Unity 吗？"), however common in English. ``as_name``: the
        English question writes it as a name ("Cassandra", "SMS"). ``bridged``: the glossary's
        Chinese words in a Chinese question over English docs."""
        if term.startswith("~") or self._known(term):
            return False
        if has_chinese(term):
            if over_english:
                # English docs: the question's own words are all absent from them, as an
                # English question's are from Chinese docs. As there, an everyday word
                # ("原因", "列表") names nothing; a rare one the glossary did not carry across
                # (nor a longer or shorter word around it: "错误码", "误码") does.
                return is_rare_word(term) and not any(term in w or w in term for w in bridged)
            return not self.lexical.contains("~" + term[:2]) and is_rare_word(term)
        if not re.fullmatch(r"[a-z][a-z0-9]{2,}", term) or term.isdigit():
            return False
        if over_chinese and to_chinese(written or term):
            return False  # searched by the glossary's Chinese for it
        return among_chinese or as_name or not is_common_english(written or term)


def _written_names(query: str) -> set[str]:
    """The words an English question writes as names, lower-cased: capitalised but not a
    sentence's first word, or with capitals or digits after the first letter."""
    first = {m.start(1) for m in _SENTENCE_START.finditer(query)}
    return {
        word.lower()
        for m in _LATIN_WORD.finditer(query)
        if ((word := m.group(0))[0].isupper() and m.start() not in first)
        or any(c.isupper() or c.isdigit() for c in word[1:])
    }


def _place_terms(chunk: Chunk) -> set[str]:
    """The words of where a passage sits: its page's path and title, its headings."""
    return set(tokenize(" ".join([chunk.source, chunk.title, *chunk.heading_path])))


def _chinese_term(term: str) -> bool:
    return term.startswith("~") or has_chinese(term)

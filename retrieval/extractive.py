"""The no-LLM answer: the sentences or steps of the best passages that share the most rare
words with the question, quoted in order under their heading, with numbered links."""

from __future__ import annotations

import re
from collections.abc import Callable

from retrieval.tokenizer import has_chinese, tokenize
from retrieval.types import SearchHit

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_FENCE = re.compile(r"```.*?```", re.S)
_BULLET = re.compile(r"^\s*[-*+]\s+")  # a list item is quoted as its sentence
MAX_SENTENCES = 3


def _row(line: str) -> str:
    """A Markdown table row as words ("| Huawei | `chat-push-huawei` |" -> "Huawei —
    `chat-push-huawei`"); separator rows vanish. Other lines are kept as they are."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        return line
    cells = [c.strip() for c in stripped.strip("|").split("|")]
    if all(set(c) <= set("-: ") for c in cells):
        return ""
    return " — ".join(c for c in cells if c)


def _units(text: str) -> list[str]:
    """Sentences, list steps and table rows (as words), with code blocks dropped (they are
    linked, not quoted)."""
    text = _FENCE.sub("\n", text)
    lines = text.split("\n")
    kept = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _row(line) and _row(following) == "" and following.strip().startswith("|"):
            continue  # a header row ("Event — When") says nothing on its own
        kept.append(_BULLET.sub("", _row(line)))
    text = "\n".join(kept)
    units = []
    for piece in _SENTENCE.split(text):
        piece = piece.strip()
        if len(piece) >= 12 and re.search(r"\w", piece):
            units.append(piece)
    return units


def pick_sentences(
    question: str, text: str, idf: Callable[[str], float], *, limit: int = MAX_SENTENCES
) -> list[str]:
    wanted = set(tokenize(question))
    units = _units(text)
    scored = []
    for position, unit in enumerate(units):
        overlap = {t for t in tokenize(unit) if t in wanted}
        scored.append((sum(idf(t) for t in overlap), position))
    best = sorted(scored, key=lambda s: (-s[0], s[1]))[:limit]
    chosen = sorted(p for score, p in best if score > 0) or ([0] if units else [])
    return [units[p] for p in chosen]


def compose(question: str, hits: list[SearchHit], idf: Callable[[str], float]) -> str:
    """Markdown: quoted sentences under '**heading** [n]' and a numbered source list."""
    blocks: list[str] = []
    for number, hit in enumerate(hits, start=1):
        sentences = pick_sentences(question, hit.text, idf, limit=3 if number == 1 else 2)
        if not sentences:
            continue
        quote = "\n".join(f"> {s}" for s in sentences)
        blocks.append(f"**{hit.title} › {hit.heading}** [{number}]\n{quote}")
    sources = [
        f"[{n}] {h.title} › {h.heading}" + (f" — {h.url}" if h.url else f" ({h.source})")
        for n, h in enumerate(hits, start=1)
    ]
    lead = "根据文档：" if has_chinese(question) else "From the documentation:"
    return lead + "\n\n" + "\n\n".join(blocks) + "\n\n" + "\n".join(sources)

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval import SearchFilters
from retrieval.search import aspects
from retrieval.tokenizer import tokenize


def test_error_code_and_identifier_found_lexically(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest(
        [docs],
    )
    hits = kb.search("getting 40104 when calling renewToken", k=3)
    assert hits[0].source in {"errors.html", "zh/token.md"}
    assert any(h.source == "errors.html" for h in hits)
    assert kb.search("PigeonClient connect", k=1)[0].source == "quickstart.mdx"


def test_identifiers_split_and_kept_whole() -> None:
    tokens = tokenize("realtimeRequestTimeout HMSSDK.build k8s error 40104")
    assert {"realtimerequesttimeout", "realtime", "request", "timeout"} <= set(tokens)
    assert {"hmssdk.build", "hmssdk", "build", "k8s", "40104"} <= set(tokens)


def test_chinese_question_finds_chinese_page(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    hits = kb.search("令牌多久过期？", k=3)
    assert hits[0].source == "zh/token.md"
    assert "二十四小时" in hits[0].text
    assert kb.search("同一个用户能在手机和电脑上同时登录吗", k=1)[0].heading == "多端登录"


def test_results_are_one_per_section_with_urls(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    hits = kb.search("token", k=10)
    keys = [(h.source, h.heading) for h in hits]
    assert len(keys) == len(set(keys))
    assert all(h.score > 0 for h in hits)


def test_platform_filter_is_applied(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    hits = kb.search("install the sdk", k=10, filters=SearchFilters(platform="ios"))
    assert all(h.metadata.get("platform") in (None, "ios") for h in hits)
    assert not any(h.source == "quickstart.mdx" for h in hits)


def test_a_question_of_several_parts_is_split_into_them() -> None:
    question = (
        "Does screen sharing from the web SDK work in Firefox on Mac? "
        "And what's the minimum Chrome version?"
    )
    assert aspects(question) == [
        "Does screen sharing from the web SDK work in Firefox on Mac?",
        "And what's the minimum Chrome version?",
    ]
    assert aspects("how do I renew a token before it expires?") == []
    assert aspects("Token expired. Help?") == []  # fragments too short to ask anything


def test_each_part_of_a_question_is_searched_too(docs: Path, make_kb) -> None:
    kb = make_kb()
    kb.ingest([docs])
    seen: list[list[str]] = []
    embed_query_parts = kb.embedder.embed_query_parts

    def spy(text: str, parts: Sequence[str]) -> np.ndarray:
        seen.append([text, *parts])
        return embed_query_parts(text, parts)

    kb.embedder.embed_query_parts = spy  # type: ignore[method-assign]
    hits = kb.search("How long does a token last? Can I connect from two phones at once?", k=5)
    assert seen == [
        [
            "How long does a token last? Can I connect from two phones at once?",
            "How long does a token last?",
            "Can I connect from two phones at once?",
        ]
    ]
    assert hits
